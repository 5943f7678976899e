/** What the year-end report reads besides the audit: the platform hours recorded per month. */
import type { DB } from './open.js';

/** The months (`YYYY-MM`) from the one of `from` to the one of `to`, both ISO dates, in order. */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (key > last) break;
    out.push(key);
    if (++m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

/**
 * Quarter hours recorded per month (`YYYY-MM`) from `from` to `to` (inclusive) by the cadres
 * given (their database ids): every hours record on file, as the platform reported it. The
 * cadres go in as one JSON array (an office's 20,000 ids in one statement, looked up by SQLite).
 * Each month is its own sum over the dates from its first day to the next month's (ISO dates
 * compare as text), all in one pass: grouping by the month text sorted every record of the year.
 * A month with no record is left out.
 */
export function hoursByMonth(db: DB, from: string, to: string, cadreIds: ReadonlySet<number>): Map<string, number> {
  const out = new Map<string, number>();
  if (!cadreIds.size) return out;
  const months = monthsBetween(from, to);
  if (!months.length) return out;
  const sums = months.map((_, i) => `SUM(quarters) FILTER (WHERE completed_on >= ?${i + 1 < months.length ? ' AND completed_on < ?' : ''})`);
  const bounds = months.flatMap((m, i) => (i + 1 < months.length ? [`${m}-01`, `${months[i + 1]}-01`] : [`${m}-01`]));
  const row = db
    .prepare(`SELECT ${sums.join(', ')} FROM hours WHERE completed_on >= ? AND completed_on <= ? AND cadre_id IN (SELECT value FROM json_each(?))`)
    .raw()
    .get(...bounds, from, to, JSON.stringify([...cadreIds])) as (number | null)[];
  months.forEach((m, i) => {
    if (row[i] !== null) out.set(m, row[i]!);
  });
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
