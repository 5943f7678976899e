/** `cadre undo-import BATCH_ID`: removes one import batch in one write transaction. */
import { localTimestamp, type Context } from '../cli/context.js';
import { writeTransaction } from '../db/journal.js';
import { undoBatch } from '../db/undo.js';
import { InputError, msg } from '../errors.js';

export interface UndoImportOptions {
  batchId: string;
}

export async function run(opts: UndoImportOptions, ctx: Context): Promise<number> {
  const rawId = opts.batchId;
  const text = String(rawId).trim().replace(/^#/, '');
  if (!/^\d+$/.test(text)) throw new InputError(msg('ops.undo.badId', { id: rawId }), [], msg('ops.undo.fix.list'));
  const id = Number(text);
  const db = ctx.db();
  const batch = db.prepare('SELECT id, kind, file_name, sha256, imported_at, undone_at FROM batches WHERE id = ?').get(id) as
    | { id: number; kind: string; file_name: string; sha256: string; imported_at: string; undone_at: string | null }
    | undefined;
  if (!batch || batch.kind === 'roster') throw new InputError(msg('ops.undo.notFound', { id }), [], msg('ops.undo.fix.list'));
  if (batch.undone_at) throw new InputError(msg('ops.undo.already', { id, file: batch.file_name, at: batch.undone_at }), [], msg('ops.undo.fix.list'));
  const learnerOf = db.prepare('SELECT learner_id FROM cadres WHERE id = ?').pluck();
  const result = writeTransaction(
    db,
    ctx,
    (r) => ({
      command: 'undo-import',
      args: { batch: id, kind: batch.kind, file: batch.file_name, imported_at: batch.imported_at },
      inputSha256: batch.sha256,
      counts: { ...r.counts },
      learnerIds: r.cadreIds.map((c) => learnerOf.get(c) as string),
    }),
    // Re-read inside the transaction: another process may have undone it meanwhile.
    () => {
      const now = db.prepare('SELECT undone_at FROM batches WHERE id = ?').pluck().get(id) as string | null;
      if (now) throw new InputError(msg('ops.undo.already', { id, file: batch.file_name, at: now }), [], msg('ops.undo.fix.list'));
      return undoBatch(db, id, localTimestamp(ctx.now()));
    },
  );
  const c = result.counts;
  ctx.err.write(ctx.tr.t('ops.undo.done', { id, file: batch.file_name, kind: ctx.tr.t(`ops.kind.${batch.kind}`), removed: c.removed, kept: c.kept, unvouched: c.unvouched }) + '\n');
  return 0;
}
