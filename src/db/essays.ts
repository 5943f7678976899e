/** Essays (心得体会, 调研报告/论文) and their review. */
import type { IsoDate } from '../core/dates.js';
import type { EssayKind, EssayStatus } from '../core/essays.js';
import type { CadreRow } from './cadres.js';
import type { DB } from './open.js';

export interface EssayInput {
  cadre: CadreRow;
  kind: EssayKind;
  title: string;
  submittedOn: IsoDate;
  chars: number;
  status: EssayStatus;
  fileSha256: string | null;
  /** The returned essay this one resubmits, and the date it counts on when not its own (src/core/review.ts, countedOn). */
  resubmitsId?: number | null;
  countsOn?: IsoDate | null;
}

/** Inserts an essay; returns its id and whether it was already on file. */
export function insertEssay(db: DB, e: EssayInput, enteredBy: string, batch: { id: number; line: number } | null): { id: number; existed: boolean } {
  const found = db.prepare('SELECT id FROM essays WHERE cadre_id = ? AND kind = ? AND title = ? AND submitted_on = ?').get(e.cadre.id, e.kind, e.title, e.submittedOn) as { id: number } | undefined;
  if (found) return { id: found.id, existed: true };
  const info = db
    .prepare('INSERT INTO essays (cadre_id, kind, title, submitted_on, chars, status, file_sha256, batch_id, line, entered_by, resubmits_id, counts_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(e.cadre.id, e.kind, e.title, e.submittedOn, e.chars, e.status, e.fileSha256, batch?.id ?? null, batch?.line ?? null, enteredBy, e.resubmitsId ?? null, e.countsOn ?? null);
  return { id: Number(info.lastInsertRowid), existed: false };
}

/** Moves the staged rows (temp.stage of the essays import) into `essays`; duplicates are left out. */
export function commitStagedEssays(db: DB, batchId: number | null, enteredBy: string): void {
  db.prepare(
    `INSERT OR IGNORE INTO essays (cadre_id, kind, title, submitted_on, chars, status, file_sha256, batch_id, line, entered_by, resubmits_id, counts_on)
     SELECT cadre_id, kind, title, submitted_on, chars, status, file_sha256, ?, line, ?, resubmits_id, counts_on FROM temp.stage ORDER BY line`,
  ).run(batchId, enteredBy);
}

/**
 * The essays a batch (null: a row entered by hand, the last one) wrote from the
 * stage, with their lines, in the order of their dates.
 */
export function stagedEssayIds(db: DB, batchId: number | null): { id: number; line: number }[] {
  return db
    .prepare(
      `SELECT e.id, s.line FROM temp.stage s JOIN essays e
         ON e.cadre_id = s.cadre_id AND e.kind = s.kind AND e.title = s.title AND e.submitted_on = s.submitted_on
       WHERE e.batch_id IS ? AND e.line = s.line ORDER BY e.submitted_on, s.line`,
    )
    .all(batchId) as { id: number; line: number }[];
}

/** An essay with the learner ID of its cadre, for review; undefined when there is none with that id. */
export function essayForReview(db: DB, id: number): { id: number; status: EssayStatus; title: string; learner_id: string } | undefined {
  return db.prepare('SELECT e.id, e.status, e.title, c.learner_id FROM essays e JOIN cadres c ON c.id = e.cadre_id WHERE e.id = ?').get(id) as
    | { id: number; status: EssayStatus; title: string; learner_id: string }
    | undefined;
}

export function setEssayStatus(db: DB, id: number, status: EssayStatus, reviewedAt: string): void {
  db.prepare('UPDATE essays SET status = ?, reviewed_at = ? WHERE id = ?').run(status, reviewedAt, id);
}

/** An essay as the office's list shows it: who wrote it, what it is, its review state and where it was recorded. */
export interface EssayListRow {
  id: number;
  learner_id: string;
  staff_no: string;
  name: string;
  department: string;
  kind: EssayKind;
  title: string;
  submitted_on: IsoDate;
  chars: number;
  status: EssayStatus;
  reviewed_at: string | null;
  entered_by: string;
  batch_id: number | null;
  file_name: string | null;
  line: number | null;
  resubmits_id: number | null;
  counts_on: IsoDate | null;
  /** Held for similarity and not overridden by a verdict. */
  flagged: number;
}

export interface EssayFilter {
  /** Any of these review states (none given: every state). */
  statuses?: readonly EssayStatus[];
  department?: string;
  kind?: EssayKind;
  /** Submitted on or after / on or before (an academic year's first and last day). */
  from?: IsoDate;
  to?: IsoDate;
  /** Only essays held for similarity whose hold no verdict has overridden. */
  flagged?: boolean;
  /** Only this reviewer's queue: assigned to them (not withdrawn), not yet reviewed by them. */
  reviewerId?: number;
}

/** An essay held for similarity and pending, whose hold no verdict has overridden. */
const FLAGGED = "(e.status = 'pending' AND EXISTS (SELECT 1 FROM essay_similarity s WHERE s.essay_id = e.id AND s.held IS NOT NULL AND s.override_reason IS NULL))";

/**
 * The essays the filter picks: those waiting for review (pending) first, the
 * rest after them; each group by submission date, then by ID.
 */
export function listEssays(db: DB, f: EssayFilter = {}): EssayListRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.statuses?.length) {
    where.push(`e.status IN (${f.statuses.map(() => '?').join(', ')})`);
    params.push(...f.statuses);
  }
  if (f.department !== undefined) {
    where.push('c.department = ?');
    params.push(f.department);
  }
  if (f.kind !== undefined) {
    where.push('e.kind = ?');
    params.push(f.kind);
  }
  if (f.from !== undefined) {
    where.push('e.submitted_on >= ?');
    params.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('e.submitted_on <= ?');
    params.push(f.to);
  }
  if (f.flagged) where.push(FLAGGED);
  if (f.reviewerId !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM essay_assignments a WHERE a.essay_id = e.id AND a.reviewer_id = ? AND a.withdrawn_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM essay_reviews r WHERE r.essay_id = e.id AND r.reviewer_id = a.reviewer_id))`);
    params.push(f.reviewerId);
  }
  return db
    .prepare(
      `SELECT e.id, c.learner_id, c.staff_no, c.name, c.department, e.kind, e.title, e.submitted_on, e.chars, e.status, e.reviewed_at, e.entered_by,
              e.batch_id, b.file_name, e.line, e.resubmits_id, e.counts_on, ${FLAGGED} AS flagged
       FROM essays e JOIN cadres c ON c.id = e.cadre_id LEFT JOIN batches b ON b.id = e.batch_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY CASE e.status WHEN 'pending' THEN 0 ELSE 1 END, e.submitted_on, e.id`,
    )
    .all(...params) as EssayListRow[];
}

/** The departments of the roster, each once. */
export function rosterDepartments(db: DB): string[] {
  return db.prepare('SELECT DISTINCT department FROM cadres ORDER BY department').pluck().all() as string[];
}

/** Whether any cadre works in this department (a filter that names none is said, not answered with an empty list). */
export function departmentExists(db: DB, department: string): boolean {
  return db.prepare('SELECT 1 FROM cadres WHERE department = ? LIMIT 1').get(department) !== undefined;
}
