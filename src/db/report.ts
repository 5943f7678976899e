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

/** One department's essays of a year as the similarity check left them (`similarityByDepartment`). */
export interface SimilarityRow {
  department: string;
  /** Reflections and reports submitted in the year. */
  essays: number;
  /** Of them, compared (a similarity report on file). */
  compared: number;
  /** Compared at or over a hold threshold (copied from others, or repeated from the cadre's own). */
  over: number;
  /** Held for review when recorded. */
  held: number;
  /** Holds a reviewer's verdict overrode (with a reason). */
  overridden: number;
}

/**
 * The essays submitted from `from` to `to` by the cadres given (database ids), per department: how
 * many were compared, at or over the thresholds (per mille: copied from others, repeated from the
 * cadre's own), held for review and overridden. The latest comparison of each essay counts.
 */
export function similarityByDepartment(db: DB, from: string, to: string, cadreIds: ReadonlySet<number>, othersPermille: number, selfPermille: number): SimilarityRow[] {
  if (!cadreIds.size) return [];
  return db
    .prepare(
      `SELECT c.department AS department, count(*) AS essays, count(s.essay_id) AS compared,
              coalesce(sum(s.essay_id IS NOT NULL AND (s.others_permille >= ? OR s.self_permille >= ?)), 0) AS over,
              coalesce(sum(s.held IS NOT NULL), 0) AS held, coalesce(sum(s.held IS NOT NULL AND s.override_reason IS NOT NULL), 0) AS overridden
       FROM essays e JOIN cadres c ON c.id = e.cadre_id LEFT JOIN essay_similarity s ON s.essay_id = e.id
       WHERE e.submitted_on >= ? AND e.submitted_on <= ? AND e.cadre_id IN (SELECT value FROM json_each(?))
       GROUP BY c.department`,
    )
    .all(othersPermille, selfPermille, from, to, JSON.stringify([...cadreIds])) as SimilarityRow[];
}
