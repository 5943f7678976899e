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
import type { DB } from './open.js';

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
        remove.run(r.id);
        dropAllVouchers.run(table, r.id);
        if (table === 'hours') db.prepare('DELETE FROM voucher_hours WHERE record_id = ?').run(r.id);
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
