/** Import batches, as listed and undone. */
import type { DB } from './open.js';
import { RECORD_TABLES } from './undo.js';

export interface BatchRow {
  id: number;
  kind: string;
  file_name: string;
  sha256: string;
  imported_at: string;
  operator: string;
  rows_read: number;
  rows_new: number;
  rows_duplicate: number;
  rows_rejected: number;
  undone_at: string | null;
  /** Records the batch still carries: as their first source, or vouching for them. */
  records: number;
}

/** The batches of these kinds (or of one of them), in import order, with the records each still carries. */
export function listBatches(db: DB, kinds: readonly string[], kind?: string): BatchRow[] {
  const carried = RECORD_TABLES.map((t) => `(SELECT COUNT(*) FROM ${t} WHERE batch_id = b.id)`).join(' + ');
  return db
    .prepare(
      `SELECT b.id, b.kind, b.file_name, b.sha256, b.imported_at, b.operator, b.rows_read, b.rows_new, b.rows_duplicate, b.rows_rejected, b.undone_at,
              ${carried} + (SELECT COUNT(*) FROM record_sources s WHERE s.batch_id = b.id) AS records
       FROM batches b WHERE b.kind IN (${kinds.map(() => '?').join(',')}) ${kind ? 'AND b.kind = ?' : ''} ORDER BY b.id`,
    )
    .all(...kinds, ...(kind ? [kind] : [])) as BatchRow[];
}

export interface Batch {
  id: number;
  kind: string;
  file_name: string;
  sha256: string;
  imported_at: string;
  undone_at: string | null;
}

export function batchById(db: DB, id: number): Batch | undefined {
  return db.prepare('SELECT id, kind, file_name, sha256, imported_at, undone_at FROM batches WHERE id = ?').get(id) as Batch | undefined;
}

/** When the batch was undone, or null. */
export function batchUndoneAt(db: DB, id: number): string | null {
  return db.prepare('SELECT undone_at FROM batches WHERE id = ?').pluck().get(id) as string | null;
}
