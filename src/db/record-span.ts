/**
 * The date of the earliest hours record on file, kept in `record_span`
 * (migration 14) by the writes that change it: import-hours (its rows'
 * earliest date, inside its transaction) and undo-import (looked for again
 * when a removed record was of that date). Read only to word the audit's
 * hint of periods short before any record (earliestRecordDate in settings.ts).
 *
 * Without it, finding that date in a province's 20 million rows is a walk
 * of the covering index, cadre by cadre (some 1.1 s): no index of `hours`
 * leads by date, and one would cost every import another index as large.
 *
 * The row also keeps the largest hours id it has seen (`last_id`): rows put
 * in `hours` by anything else than these writes (SQL by hand) leave it
 * behind, and the date is then found by the walk instead of being trusted.
 */
import type { IsoDate } from '../core/dates.js';
import type { DB } from './open.js';

/** The walk: each cadre's earliest date from the covering index `hours_by_cadre_day`, the least of them. */
const CADRES = 'WITH RECURSIVE c(id) AS (SELECT MIN(cadre_id) FROM hours UNION ALL SELECT (SELECT MIN(cadre_id) FROM hours WHERE cadre_id > c.id) FROM c WHERE c.id IS NOT NULL)';
const EARLIEST = 'MIN((SELECT MIN(completed_on) FROM hours INDEXED BY hours_by_cadre_day WHERE cadre_id = c.id))';
const WALK = `${CADRES} SELECT ${EARLIEST} FROM c`;

const lastId = (db: DB) => db.prepare('SELECT MAX(id) FROM hours').pluck().get() as number | null;

function walk(db: DB): IsoDate | null {
  return db.prepare(WALK).pluck().get() as IsoDate | null;
}

function kept(db: DB): { first_day: IsoDate; last_id: number } | undefined {
  return db.prepare("SELECT first_day, last_id FROM record_span WHERE kind = 'hours'").get() as { first_day: IsoDate; last_id: number } | undefined;
}

function keep(db: DB, firstDay: IsoDate | null): void {
  const last = lastId(db);
  if (firstDay === null || last === null) db.prepare("DELETE FROM record_span WHERE kind = 'hours'").run();
  else db.prepare("INSERT INTO record_span (kind, first_day, last_id) VALUES ('hours', ?, ?) ON CONFLICT (kind) DO UPDATE SET first_day = excluded.first_day, last_id = excluded.last_id").run(firstDay, last);
}

/** The earliest completed_on of `hours`, or null when it holds no record. */
export function hoursFirstDay(db: DB): IsoDate | null {
  const last = lastId(db);
  if (last === null) return null;
  const row = kept(db);
  return row && row.last_id === last ? row.first_day : walk(db);
}

/**
 * After an import inserted records (ids above `before`), none dated before
 * `firstDay` (the earliest of its rows): inside the import's transaction.
 */
export function hoursAdded(db: DB, before: number, firstDay: IsoDate | null): void {
  const row = kept(db);
  const trusted = row ? row.last_id === before : before === 0;
  if (!trusted || firstDay === null) return keep(db, walk(db));
  keep(db, row && row.first_day < firstDay ? row.first_day : firstDay);
}

/**
 * Before an undo removes records: what to call after it, with the earliest
 * date of the records it removed (null: none). Inside its transaction.
 */
export function hoursRemoval(db: DB): (removedFrom: IsoDate | null) => void {
  const row = kept(db);
  const trusted = row !== undefined && row.last_id === lastId(db) ? row.first_day : null;
  // The date on file stays unless a removed record was of it.
  return (removedFrom) => {
    if (removedFrom !== null) keep(db, trusted !== null && removedFrom > trusted ? trusted : walk(db));
  };
}
