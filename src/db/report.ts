/** What the year-end report reads besides the audit: the platform hours recorded per month. */
import type { DB } from './open.js';

/**
 * Quarter hours recorded per month (`YYYY-MM`) from `from` to `to` (inclusive) by the cadres
 * given (their database ids): every hours record on file, as the platform reported it. The
 * cadres go in as one JSON array (an office's 20,000 ids in one statement, looked up by SQLite).
 */
export function hoursByMonth(db: DB, from: string, to: string, cadreIds: ReadonlySet<number>): Map<string, number> {
  const out = new Map<string, number>();
  if (!cadreIds.size) return out;
  const rows = db
    .prepare('SELECT substr(completed_on, 1, 7) AS month, SUM(quarters) AS q FROM hours WHERE completed_on >= ? AND completed_on <= ? AND cadre_id IN (SELECT value FROM json_each(?)) GROUP BY month')
    .raw()
    .all(from, to, JSON.stringify([...cadreIds])) as [string, number][];
  for (const [month, q] of rows) out.set(month, q);
  return out;
}
