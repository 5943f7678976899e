/** `cadre undo-import BATCH_ID`: removes one import batch in one write transaction. */
import { type Context } from '../shell/context.js';
import { localTimestamp, readableTime } from '../local-time.js';
import { batchById, batchUndoneAt } from '../db/batches.js';
import { learnerIdReader } from '../db/cadres.js';
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
  const batch = batchById(db, id);
  if (!batch || batch.kind === 'roster') throw new InputError(msg('ops.undo.notFound', { id }), [], msg('ops.undo.fix.list'));
  if (batch.undone_at) throw new InputError(msg('ops.undo.already', { id, file: batch.file_name, at: readableTime(batch.undone_at) }), [], msg('ops.undo.fix.list'));
  const learnerOf = learnerIdReader(db);
  const result = writeTransaction(
    db,
    ctx,
    (r) => ({
      command: 'undo-import',
      args: { batch: id, kind: batch.kind, file: batch.file_name, imported_at: batch.imported_at },
      inputSha256: batch.sha256,
      counts: { ...r.counts },
      learnerIds: r.cadreIds.map(learnerOf),
    }),
    // Re-read inside the transaction: another process may have undone it meanwhile.
    () => {
      const now = batchUndoneAt(db, id);
      if (now) throw new InputError(msg('ops.undo.already', { id, file: batch.file_name, at: readableTime(now) }), [], msg('ops.undo.fix.list'));
      return undoBatch(db, id, localTimestamp(ctx.now()));
    },
  );
  const c = result.counts;
  ctx.err.write(ctx.tr.t('ops.undo.done', { id, file: batch.file_name, kind: ctx.tr.t(`ops.kind.${batch.kind}`), removed: c.removed, kept: c.kept, unvouched: c.unvouched }) + '\n');
  return 0;
}
