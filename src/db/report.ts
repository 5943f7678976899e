/** What the year-end report reads besides the audit: the platform hours recorded per cadre and month. */
import type { DB } from './open.js';

/**
 * Quarter hours recorded per month (`YYYY-MM`) from `from` to `to` (inclusive) by the cadres
 * given (their database ids): every hours record on file, as the platform reported it.
 */
export function hoursByMonth(db: DB, from: string, to: string, cadreIds: ReadonlySet<number>): Map<string, number> {
  const out = new Map<string, number>();
  const rows = db
    .prepare('SELECT cadre_id, substr(completed_on, 1, 7) AS month, SUM(quarters) AS q FROM hours WHERE completed_on >= ? AND completed_on <= ? GROUP BY cadre_id, month')
    .raw()
    .iterate(from, to) as Iterable<[number, string, number]>;
  for (const [id, month, q] of rows) if (cadreIds.has(id)) out.set(month, (out.get(month) ?? 0) + q);
  return out;
}
