/** The office's settings kept in the database (migration 7): today only the day records were first kept. */
import type { IsoDate } from '../core/dates.js';
import type { DB } from './open.js';

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

/** The date of the earliest record on file (hours, training, essays, exams), or null when there is none. */
export function earliestRecordDate(db: DB): IsoDate | null {
  const row = db
    .prepare(
      `WITH RECURSIVE c(id) AS (SELECT MIN(cadre_id) FROM hours UNION ALL SELECT (SELECT MIN(cadre_id) FROM hours WHERE cadre_id > c.id) FROM c WHERE c.id IS NOT NULL)
       SELECT MIN(d) AS d FROM (SELECT MIN((SELECT MIN(completed_on) FROM hours INDEXED BY hours_by_cadre_day WHERE cadre_id = c.id)) AS d FROM c UNION ALL SELECT MIN(attended_on) FROM training UNION ALL SELECT MIN(submitted_on) FROM essays UNION ALL SELECT MIN(taken_on) FROM exams)`,
    )
    .get() as { d: string | null };
  return row.d;
}
