/** The office's settings kept in the database (migration 7): today only the day records were first kept. */
import type { IsoDate } from '../core/dates.js';
import type { DB } from './open.js';
import { hoursFirstDay } from './record-span.js';

const RECORDS_SINCE = 'records_since';

/** Whether the file has the settings table (a database opened read-only and not upgraded may not). */
function hasSettings(db: DB): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'").get() !== undefined;
}

/** The day the office began keeping records in the tool (`cadre start`), or null when not recorded. */
export function recordsSince(db: DB): IsoDate | null {
  if (!hasSettings(db)) return null;
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(RECORDS_SINCE) as { value: string } | undefined;
  return row?.value ?? null;
}

/** Records (or, with null, forgets) the day records were first kept. Call inside a write transaction. */
export function setRecordsSince(db: DB, date: IsoDate | null): void {
  if (date === null) db.prepare('DELETE FROM settings WHERE key = ?').run(RECORDS_SINCE);
  else db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(RECORDS_SINCE, date);
}

/** The local day of the database's first journaled write (its first use), or null for an empty journal. */
export function firstUseDate(db: DB): IsoDate | null {
  const row = db.prepare('SELECT at FROM journal ORDER BY id LIMIT 1').get() as { at: string } | undefined;
  return row ? row.at.slice(0, 10) : null;
}

/**
 * The date of the earliest record on file (hours, training, essays, exams), or null when there is none.
 * The hours' is kept by the writes (src/db/record-span.ts); the other tables hold few rows.
 */
export function earliestRecordDate(db: DB): IsoDate | null {
  const others = db.prepare('SELECT MIN(d) FROM (SELECT MIN(attended_on) AS d FROM training UNION ALL SELECT MIN(submitted_on) FROM essays UNION ALL SELECT MIN(taken_on) FROM exams)').pluck().get() as IsoDate | null;
  const hours = hoursFirstDay(db);
  return hours === null ? others : others === null || hours < others ? hours : others;
}
