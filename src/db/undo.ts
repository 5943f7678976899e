/**
 * Undoing an import batch. A record remembers the first batch that carried it
 * (batch_id, line on the record) and every further batch that carried it too
 * (record_sources). Undoing batch B:
 *
 * - a record first carried by B that another live batch also carried stays:
 *   it is re-attributed to the earliest of those batches (by batch id, i.e.
 *   import order), whose voucher row becomes the record's own source;
 * - a record first carried by B that nothing else vouches for is deleted;
 * - B's voucher rows on records first carried elsewhere (or entered by hand)
 *   are deleted: those records stay;
 * - B gets undone_at, so the same file can be imported again.
 *
 * An hours voucher that gave other hours than the record's has them in
 * voucher_hours: a record that moves to such a voucher takes its hours (the
 * other vouchers keep the ones they gave), so undoing a batch leaves what the
 * remaining batches said, and undoing an `import-hours --replace-hours` puts
 * the replaced hours back.
 *
 * Must run inside the caller's write transaction. Courses the batch registered
 * stay in the catalogue.
 */
import { deleteBatchAnomalies, forgetHourRecord } from './anomalies.js';
import type { DB } from './open.js';
import { hoursRemoval } from './record-span.js';
import { dropEssayReviews } from './reviews.js';
import { dropEssayText } from './similarity.js';

export const RECORD_TABLES = ['hours', 'training', 'essays', 'exams'] as const;
export type RecordTable = (typeof RECORD_TABLES)[number];

export interface UndoCounts {
  /** Records deleted: only this batch carried them. */
  removed: number;
  /** Records first carried by this batch that stay, vouched for by another batch. */
  kept: number;
  /** Records first carried elsewhere (or entered by hand) that this batch also carried; they stay. */
  unvouched: number;
}

export interface UndoResult {
  counts: UndoCounts;
  /** Internal ids of the cadres whose records were removed, re-attributed or unvouched. */
  cadreIds: number[];
}

export function undoBatch(db: DB, batchId: number, undoneAt: string): UndoResult {
  const counts: UndoCounts = { removed: 0, kept: 0, unvouched: 0 };
  const cadres = new Set<number>();
  // The batch's findings go with it (the records they name may stay, vouched for by another batch).
  deleteBatchAnomalies(db, batchId);
  const forget = forgetHourRecord(db);
  const span = hoursRemoval(db);
  /** The earliest date of the hours records removed. */
  let removedFrom: string | null = null;
  const removeHour = db.prepare('DELETE FROM hours WHERE id = ? RETURNING completed_on').pluck();
  for (const table of RECORD_TABLES) {
    const own = db.prepare(`SELECT id, cadre_id FROM ${table} WHERE batch_id = ?`).all(batchId) as { id: number; cadre_id: number }[];
    const voucher = db.prepare(
      `SELECT s.batch_id, s.line FROM record_sources s JOIN batches b ON b.id = s.batch_id
       WHERE s.kind = ? AND s.record_id = ? AND s.batch_id <> ? AND b.undone_at IS NULL
       ORDER BY s.batch_id LIMIT 1`,
    );
    const move = db.prepare(`UPDATE ${table} SET batch_id = ?, line = ? WHERE id = ?`);
    const dropVoucher = db.prepare('DELETE FROM record_sources WHERE kind = ? AND record_id = ? AND batch_id = ?');
    const dropAllVouchers = db.prepare('DELETE FROM record_sources WHERE kind = ? AND record_id = ?');
    const remove = db.prepare(`DELETE FROM ${table} WHERE id = ?`);
    for (const r of own) {
      cadres.add(r.cadre_id);
      const v = voucher.get(table, r.id, batchId) as { batch_id: number; line: number } | undefined;
      if (v) {
        if (table === 'hours') takeVoucherHours(db, r.id, v.batch_id, batchId);
        move.run(v.batch_id, v.line, r.id);
        dropVoucher.run(table, r.id, v.batch_id);
        counts.kept++;
      } else {
        if (table === 'essays') {
          dropEssayText(db, r.id);
          dropEssayReviews(db, r.id);
        }
        if (table === 'hours') {
          const day = removeHour.get(r.id) as string;
          if (removedFrom === null || day < removedFrom) removedFrom = day;
        } else remove.run(r.id);
        dropAllVouchers.run(table, r.id);
        if (table === 'hours') {
          db.prepare('DELETE FROM voucher_hours WHERE record_id = ?').run(r.id);
          forget(r.id);
        }
        counts.removed++;
      }
    }
    const vouched = db
      .prepare(`SELECT t.cadre_id FROM record_sources s JOIN ${table} t ON t.id = s.record_id WHERE s.kind = ? AND s.batch_id = ?`)
      .all(table, batchId) as { cadre_id: number }[];
    for (const v of vouched) cadres.add(v.cadre_id);
    counts.unvouched += db.prepare('DELETE FROM record_sources WHERE kind = ? AND batch_id = ?').run(table, batchId).changes;
  }
  db.prepare('DELETE FROM voucher_hours WHERE batch_id = ?').run(batchId);
  db.prepare('UPDATE batches SET undone_at = ? WHERE id = ?').run(undoneAt, batchId);
  span(removedFrom);
  return { counts, cadreIds: [...cadres].sort((a, b) => a - b) };
}

/**
 * An hours record moving from batch `from` (being undone) to its voucher
 * `to`: it takes the hours `to` gave when they were other than its own; the
 * other vouchers keep the hours they gave.
 */
function takeVoucherHours(db: DB, recordId: number, to: number, from: number): void {
  const given = db.prepare('SELECT quarters FROM voucher_hours WHERE record_id = ? AND batch_id = ?').pluck().get(recordId, to) as number | undefined;
  if (given === undefined) return;
  const current = db.prepare('SELECT quarters FROM hours WHERE id = ?').pluck().get(recordId) as number;
  if (given !== current) {
    db.prepare(
      `INSERT OR IGNORE INTO voucher_hours (record_id, batch_id, quarters)
       SELECT record_id, batch_id, ? FROM record_sources WHERE kind = 'hours' AND record_id = ? AND batch_id NOT IN (?, ?)`,
    ).run(current, recordId, to, from);
    db.prepare('UPDATE hours SET quarters = ? WHERE id = ?').run(given, recordId);
  }
  // Entries equal to the record's hours say nothing more (the moved-to voucher's among them).
  db.prepare('DELETE FROM voucher_hours WHERE record_id = ? AND (batch_id = ? OR quarters = ?)').run(recordId, to, given);
}

/**
 * Undoing an issue-accounts run (its journal entry's id is the run's number)
 * removes the cadres it created with their appointments and accounts, only
 * while none of them has anything else: a record, an exemption, a sign-in
 * attempt or a chosen password, a later appointment or change by another
 * roster. A run that also changed cadres already on file is not undone (it
 * would not restore them). Learner IDs are never reused: the counter stays
 * where it is. The undo is journaled as `issue-accounts --undo` with
 * args.undo = the run.
 */

export interface RosterRun {
  id: number;
  at: string;
  /** The roster file (absolute path) or "interactive". */
  roster: string;
  /** The credentials file it wrote, if any. */
  out: string | null;
  /** Learner IDs of cadres on file it changed. */
  updated: string[];
  /** When it was undone, if it was. */
  undoneAt: string | null;
}

export function rosterRun(db: DB, run: number): RosterRun | null {
  const row = db.prepare("SELECT id, at, args FROM journal WHERE id = ? AND command = 'issue-accounts'").get(run) as { id: number; at: string; args: string } | undefined;
  if (!row) return null;
  let args: { roster?: unknown; out?: unknown; updated?: { id?: unknown }[] } = {};
  try {
    args = JSON.parse(row.args) as typeof args;
  } catch {
    /* an entry without readable arguments: nothing it changed is known */
  }
  const undoneAt = db
    .prepare("SELECT at FROM journal WHERE command = 'issue-accounts --undo' AND json_valid(args) AND json_extract(args, '$.undo') = ? ORDER BY id LIMIT 1")
    .pluck()
    .get(run) as string | undefined;
  return {
    id: row.id,
    at: row.at,
    roster: typeof args.roster === 'string' ? args.roster : '',
    out: typeof args.out === 'string' ? args.out : null,
    updated: Array.isArray(args.updated) ? args.updated.map((u) => String(u?.id ?? '')).filter(Boolean) : [],
    undoneAt: undoneAt ?? null,
  };
}

export interface RosterRunCadre {
  id: number;
  learnerId: string;
  name: string;
  /** Hours, training, essays and exams on file. */
  records: number;
  exemptions: number;
  /** Sign-in attempts, plus 1 for a password the learner chose. */
  used: number;
  /** Appointments added and changes made by later roster runs. */
  changed: number;
}

/** The cadres the run created, with what they have on file since. */
export function rosterRunCadres(db: DB, run: number): RosterRunCadre[] {
  const records = RECORD_TABLES.map((t) => `(SELECT COUNT(*) FROM ${t} WHERE cadre_id = c.id)`).join(' + ');
  // A later issue-accounts run that names a cadre it did not create changed it (its learner_ids are the issued and the updated).
  return db
    .prepare(
      `SELECT c.id, c.learner_id AS learnerId, c.name,
              ${records} AS records,
              (SELECT COUNT(*) FROM exemptions WHERE cadre_id = c.id) AS exemptions,
              (SELECT COUNT(*) FROM login_attempts WHERE cadre_id = c.id) + (SELECT COUNT(*) FROM accounts WHERE cadre_id = c.id AND changed_at IS NOT NULL) AS used,
              (SELECT COUNT(*) FROM appointments WHERE cadre_id = c.id) - 1
                + (SELECT COUNT(*) FROM journal j WHERE j.command = 'issue-accounts' AND j.id > @run AND instr(j.learner_ids, ',' || c.learner_id || ',') > 0) AS changed
       FROM cadres c WHERE c.issued_by = @run ORDER BY c.learner_id`,
    )
    .all({ run }) as RosterRunCadre[];
}

/** Removes the run's cadres (the caller checked rosterRunCadres); inside the caller's write transaction. */
export function undoRosterRun(db: DB, run: number): { learnerIds: string[] } {
  const learnerIds = db.prepare('SELECT learner_id FROM cadres WHERE issued_by = ? ORDER BY learner_id').pluck().all(run) as string[];
  const mine = 'SELECT id FROM cadres WHERE issued_by = ?';
  db.prepare(`DELETE FROM login_attempts WHERE cadre_id IN (${mine})`).run(run);
  db.prepare(`DELETE FROM accounts WHERE cadre_id IN (${mine})`).run(run);
  db.prepare(`DELETE FROM appointments WHERE cadre_id IN (${mine})`).run(run);
  db.prepare('DELETE FROM cadres WHERE issued_by = ?').run(run);
  return { learnerIds };
}
