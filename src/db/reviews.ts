/** The review workflow's records: reviewers, who is assigned which essay, every review, and resubmissions. */
import type { IsoDate } from '../core/dates.js';
import type { EssayStatus } from '../core/essays.js';
import type { Verdict } from '../core/review.js';
import type { DB } from './open.js';

export interface ReviewerRow {
  id: number;
  code: string;
  name: string;
  department: string;
  added_at: string;
  added_by: string;
  retired_at: string | null;
  retired_by: string | null;
}

const REVIEWER = 'SELECT id, code, name, department, added_at, added_by, retired_at, retired_by FROM reviewers';

export function listReviewers(db: DB, withRetired = true): ReviewerRow[] {
  return db.prepare(`${REVIEWER} ${withRetired ? '' : 'WHERE retired_at IS NULL'} ORDER BY code`).all() as ReviewerRow[];
}

/** A reviewer by code, or by name when exactly one reviewer has it; all that match. */
export function findReviewers(db: DB, key: string): ReviewerRow[] {
  const byCode = db.prepare(`${REVIEWER} WHERE code = ?`).all(key) as ReviewerRow[];
  if (byCode.length) return byCode;
  return db.prepare(`${REVIEWER} WHERE name = ? ORDER BY code`).all(key) as ReviewerRow[];
}

/** The next free code R001, R002 … */
export function nextReviewerCode(db: DB): string {
  const codes = db.prepare("SELECT code FROM reviewers WHERE code GLOB 'R[0-9]*'").pluck().all() as string[];
  const n = codes.reduce((m, c) => (/^R\d+$/.test(c) ? Math.max(m, Number(c.slice(1))) : m), 0) + 1;
  return `R${String(n).padStart(3, '0')}`;
}

export function insertReviewer(db: DB, r: { code: string; name: string; department: string }, at: string, by: string): number {
  return Number(db.prepare('INSERT INTO reviewers (code, name, department, added_at, added_by) VALUES (?, ?, ?, ?, ?)').run(r.code, r.name, r.department, at, by).lastInsertRowid);
}

/** Retires a reviewer and withdraws their assignments of essays still pending that they have not reviewed; returns how many were withdrawn. */
export function retireReviewer(db: DB, id: number, at: string, by: string): number {
  db.prepare('UPDATE reviewers SET retired_at = ?, retired_by = ? WHERE id = ?').run(at, by, id);
  return db
    .prepare(
      `UPDATE essay_assignments SET withdrawn_at = ? WHERE reviewer_id = ? AND withdrawn_at IS NULL
         AND (SELECT e.status FROM essays e WHERE e.id = essay_assignments.essay_id) = 'pending'
         AND NOT EXISTS (SELECT 1 FROM essay_reviews r WHERE r.essay_id = essay_assignments.essay_id AND r.reviewer_id = essay_assignments.reviewer_id)`,
    )
    .run(at, id).changes;
}

/** A reviewer's assignments on file (not withdrawn) and how many of them they have reviewed. */
export function reviewerLoads(db: DB): Map<number, { assigned: number; reviewed: number }> {
  const rows = db
    .prepare(
      `SELECT a.reviewer_id, count(*), sum(EXISTS (SELECT 1 FROM essay_reviews r WHERE r.essay_id = a.essay_id AND r.reviewer_id = a.reviewer_id))
       FROM essay_assignments a WHERE a.withdrawn_at IS NULL GROUP BY a.reviewer_id`,
    )
    .raw()
    .all() as [number, number, number][];
  return new Map(rows.map(([id, assigned, reviewed]) => [id, { assigned, reviewed }]));
}

/** An essay awaiting review in a year, with its cadre's department and its reviewers assigned (not withdrawn). */
export interface AwaitingEssay {
  id: number;
  department: string;
  learner_id: string;
  title: string;
  assigned: number[];
}

/** The essays submitted between from and to that are pending (held for similarity included), by date then ID. */
export function essaysAwaitingReview(db: DB, from: IsoDate, to: IsoDate, department?: string): AwaitingEssay[] {
  const rows = db
    .prepare(
      `SELECT e.id, c.department, c.learner_id, e.title,
              (SELECT json_group_array(a.reviewer_id) FROM essay_assignments a WHERE a.essay_id = e.id AND a.withdrawn_at IS NULL) AS assigned
       FROM essays e JOIN cadres c ON c.id = e.cadre_id
       WHERE e.status = 'pending' AND e.submitted_on BETWEEN ? AND ? AND (? IS NULL OR c.department = ?)
       ORDER BY e.submitted_on, e.id`,
    )
    .all(from, to, department ?? null, department ?? null) as (Omit<AwaitingEssay, 'assigned'> & { assigned: string })[];
  return rows.map((r) => ({ ...r, assigned: JSON.parse(r.assigned) as number[] }));
}

/** Each reviewer's assignments (not withdrawn) on the essays submitted between from and to. */
export function yearLoads(db: DB, from: IsoDate, to: IsoDate): Map<number, number> {
  const rows = db
    .prepare(
      `SELECT a.reviewer_id, count(*) FROM essay_assignments a JOIN essays e ON e.id = a.essay_id
       WHERE a.withdrawn_at IS NULL AND e.submitted_on BETWEEN ? AND ? GROUP BY a.reviewer_id`,
    )
    .raw()
    .all(from, to) as [number, number][];
  return new Map(rows);
}

export function insertAssignment(db: DB, essayId: number, reviewerId: number, at: string, by: string): void {
  db.prepare(
    `INSERT INTO essay_assignments (essay_id, reviewer_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?)
     ON CONFLICT (essay_id, reviewer_id) DO UPDATE SET withdrawn_at = NULL, assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by`,
  ).run(essayId, reviewerId, at, by);
}

/** The reviewers assigned to an essay (not withdrawn). */
export function assignedReviewers(db: DB, essayId: number): number[] {
  return db.prepare('SELECT reviewer_id FROM essay_assignments WHERE essay_id = ? AND withdrawn_at IS NULL ORDER BY reviewer_id').pluck().all(essayId) as number[];
}

/** Each assigned reviewer's latest verdict on an essay (those who have not reviewed are absent), but `except`'s. */
export function latestVerdicts(db: DB, essayId: number, except: number | null = null): Verdict[] {
  return db
    .prepare(
      `SELECT r.verdict FROM essay_reviews r JOIN essay_assignments a ON a.essay_id = r.essay_id AND a.reviewer_id = r.reviewer_id AND a.withdrawn_at IS NULL
       WHERE r.essay_id = ? AND r.reviewer_id IS NOT ? AND r.id = (SELECT max(r2.id) FROM essay_reviews r2 WHERE r2.essay_id = r.essay_id AND r2.reviewer_id = r.reviewer_id)`,
    )
    .pluck()
    .all(essayId, except) as Verdict[];
}

export interface ReviewInput {
  essayId: number;
  reviewerId: number | null;
  verdict: Verdict;
  score: string | null;
  comment: string | null;
  reason: string | null;
  statusAfter: EssayStatus;
  at: string;
  operator: string;
}

export function insertReview(db: DB, r: ReviewInput): number {
  return Number(
    db
      .prepare('INSERT INTO essay_reviews (essay_id, reviewer_id, verdict, score, comment, reason, status_after, reviewed_at, operator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(r.essayId, r.reviewerId, r.verdict, r.score, r.comment, r.reason, r.statusAfter, r.at, r.operator).lastInsertRowid,
  );
}

/** One review as the transcript and the queue show it. */
export interface ReviewRow {
  id: number;
  essay_id: number;
  reviewer_code: string | null;
  reviewer_name: string | null;
  verdict: Verdict;
  score: string | null;
  comment: string | null;
  reason: string | null;
  status_after: EssayStatus;
  reviewed_at: string;
  operator: string;
}

/** Every review of the given essays, in order. */
export function reviewsOf(db: DB, essayIds: readonly number[]): ReviewRow[] {
  if (!essayIds.length) return [];
  return db
    .prepare(
      `SELECT r.id, r.essay_id, v.code AS reviewer_code, v.name AS reviewer_name, r.verdict, r.score, r.comment, r.reason, r.status_after, r.reviewed_at, r.operator
       FROM essay_reviews r LEFT JOIN reviewers v ON v.id = r.reviewer_id
       WHERE r.essay_id IN (SELECT value FROM json_each(?)) ORDER BY r.essay_id, r.id`,
    )
    .all(JSON.stringify(essayIds)) as ReviewRow[];
}

/** An essay's place in its chain of versions: what it resubmits, its own and counted dates, and when it was returned. */
export interface VersionRow {
  id: number;
  resubmits_id: number | null;
  resubmitted_by: number | null;
  submitted_on: IsoDate;
  counts_on: IsoDate | null;
}

export function versionsOf(db: DB, essayIds: readonly number[]): VersionRow[] {
  if (!essayIds.length) return [];
  return db
    .prepare(
      `SELECT e.id, e.resubmits_id, (SELECT n.id FROM essays n WHERE n.resubmits_id = e.id) AS resubmitted_by, e.submitted_on, e.counts_on
       FROM essays e WHERE e.id IN (SELECT value FROM json_each(?)) ORDER BY e.id`,
    )
    .all(JSON.stringify(essayIds)) as VersionRow[];
}

/** A returned essay a resubmission may name: its cadre, kind, dates, status, and whether it was resubmitted already. */
export interface ResubmitTarget {
  id: number;
  cadre_id: number;
  learner_id: string;
  kind: 'reflection' | 'report';
  title: string;
  submitted_on: IsoDate;
  counts_on: IsoDate | null;
  status: EssayStatus;
  returned_on: IsoDate | null;
  resubmitted_by: number | null;
}

export function resubmitTarget(db: DB, id: number): ResubmitTarget | undefined {
  return db
    .prepare(
      `SELECT e.id, e.cadre_id, c.learner_id, e.kind, e.title, e.submitted_on, e.counts_on, e.status,
              (SELECT substr(max(r.reviewed_at), 1, 10) FROM essay_reviews r WHERE r.essay_id = e.id AND r.status_after = 'returned') AS returned_on,
              (SELECT n.id FROM essays n WHERE n.resubmits_id = e.id) AS resubmitted_by
       FROM essays e JOIN cadres c ON c.id = e.cadre_id WHERE e.id = ?`,
    )
    .get(id) as ResubmitTarget | undefined;
}

/** Links a stored essay to the returned essay it resubmits, with the date it counts on. */
export function linkResubmission(db: DB, essayId: number, originalId: number, countsOn: IsoDate | null): void {
  db.prepare('UPDATE essays SET resubmits_id = ?, counts_on = ? WHERE id = ?').run(originalId, countsOn, essayId);
}

const chainStatements = new WeakMap<DB, ReturnType<DB['prepare']>>();
const linkStatements = new WeakMap<DB, ReturnType<DB['prepare']>>();

/** The essays an essay's chain of versions holds besides itself (what it resubmits, and what resubmits it), each way. */
export function versionChain(db: DB, essayId: number): number[] {
  // Prepared once per connection: every comparison of an essay asks, and most essays have no other version.
  let linked = linkStatements.get(db);
  if (!linked) linkStatements.set(db, (linked = db.prepare('SELECT e.resubmits_id IS NOT NULL OR EXISTS (SELECT 1 FROM essays n WHERE n.resubmits_id = e.id) FROM essays e WHERE e.id = ?').pluck()));
  if (!linked.get(essayId)) return [];
  let stmt = chainStatements.get(db);
  if (!stmt) chainStatements.set(db, (stmt = db.prepare(
      `WITH RECURSIVE up(id) AS (SELECT resubmits_id FROM essays WHERE id = @id AND resubmits_id IS NOT NULL
                                 UNION SELECT e.resubmits_id FROM essays e JOIN up ON e.id = up.id WHERE e.resubmits_id IS NOT NULL),
                     down(id) AS (SELECT id FROM essays WHERE resubmits_id = @id UNION SELECT e.id FROM essays e JOIN down ON e.resubmits_id = down.id)
       SELECT id FROM up UNION SELECT id FROM down`,
    )
    .pluck()));
  return stmt.all({ id: essayId }) as number[];
}

/** Before an essay is deleted (undo-import): its assignments and reviews go, and a resubmission of it no longer names it. */
export function dropEssayReviews(db: DB, essayId: number): void {
  db.prepare('DELETE FROM essay_reviews WHERE essay_id = ?').run(essayId);
  db.prepare('DELETE FROM essay_assignments WHERE essay_id = ?').run(essayId);
  db.prepare('UPDATE essays SET resubmits_id = NULL WHERE resubmits_id = ?').run(essayId);
}

/** The essays assigned to a reviewer (not withdrawn) and not yet reviewed by them. */
export function reviewerQueue(db: DB, reviewerId: number): Set<number> {
  return new Set(
    db
      .prepare(
        `SELECT a.essay_id FROM essay_assignments a WHERE a.reviewer_id = ? AND a.withdrawn_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM essay_reviews r WHERE r.essay_id = a.essay_id AND r.reviewer_id = a.reviewer_id)`,
      )
      .pluck()
      .all(reviewerId) as number[],
  );
}
