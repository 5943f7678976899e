/**
 * `cadre undo-import BATCH_ID`: removes one import batch in one write
 * transaction. A roster batch (an issue-accounts run that created cadres)
 * removes the cadres it created, while none of them has anything on file;
 * a run that also changed cadres already on file is not undone (it would not
 * restore them).
 */
import { localTimestamp, type Context } from '../cli/context.js';
import { forTerminal } from '../core/text.js';
import { writeTransaction } from '../db/journal.js';
import type { DB } from '../db/open.js';
import { rosterBatchCadres, rosterBatchCredentials, rosterBatchUpdates, undoBatch, undoRosterBatch, type RosterBatchCadre } from '../db/undo.js';
import { InputError, msg, type Problem } from '../errors.js';

interface Batch {
  id: number;
  kind: string;
  file_name: string;
  sha256: string;
  imported_at: string;
  undone_at: string | null;
}

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [rawId] = args as [string, Record<string, unknown>];
  const text = String(rawId).trim().replace(/^#/, '');
  if (!/^\d+$/.test(text)) throw new InputError(msg('ops.undo.badId', { id: forTerminal(String(rawId), 40) }), [], msg('ops.undo.fix.list'));
  const id = Number(text);
  const db = ctx.db();
  const batch = db.prepare('SELECT id, kind, file_name, sha256, imported_at, undone_at FROM batches WHERE id = ?').get(id) as Batch | undefined;
  if (!batch) throw new InputError(msg('ops.undo.notFound', { id }), [], msg('ops.undo.fix.list'));
  if (batch.undone_at) throw new InputError(msg('ops.undo.already', { id, file: batch.file_name, at: batch.undone_at }), [], msg('ops.undo.fix.list'));
  if (batch.kind === 'roster') return undoRoster(db, batch, ctx);
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
  ctx.out.write(ctx.tr.t('ops.undo.done', { id, file: batch.file_name, kind: ctx.tr.t(`ops.kind.${batch.kind}`), removed: c.removed, kept: c.kept, unvouched: c.unvouched }) + '\n');
  return 0;
}

/** Why a cadre of the batch stays: the first reason found, as a problem line. */
function blockOf(c: RosterBatchCadre): Problem | null {
  const who = { id: c.learnerId, name: forTerminal(c.name, 50) };
  if (c.records > 0) return { reason: msg('roster.undo.hasRecords', { ...who, count: c.records }) };
  if (c.exemptions > 0) return { reason: msg('roster.undo.hasExemptions', { ...who, count: c.exemptions }) };
  if (c.used > 0) return { reason: msg('roster.undo.used', who) };
  if (c.changed > 0) return { reason: msg('roster.undo.changedLater', who) };
  return null;
}

function undoRoster(db: DB, batch: Batch, ctx: Context): number {
  const id = batch.id;
  const file = forTerminal(batch.file_name, 120);
  const check = (): RosterBatchCadre[] => {
    const updated = rosterBatchUpdates(db, id);
    if (updated.length) {
      const shown = updated.slice(0, 5).join(', ') + (updated.length > 5 ? ` …(+${updated.length - 5})` : '');
      throw new InputError(msg('roster.undo.updatedCadres', { id, file, count: updated.length, ids: shown }), [], msg('roster.undo.fix.updatedCadres'));
    }
    const cadres = rosterBatchCadres(db, id);
    const blocks = cadres.map(blockOf).filter((b): b is Problem => b !== null);
    if (blocks.length) throw new InputError(msg('roster.undo.blocked', { id, file, count: blocks.length, total: cadres.length }), blocks, msg('roster.undo.fix.blocked'));
    return cadres;
  };
  // A refusal is given before the write lock is taken; everything is checked again under it.
  check();
  const result = writeTransaction(
    db,
    ctx,
    (r) => ({
      command: 'undo-import',
      args: { batch: id, kind: batch.kind, file: batch.file_name, imported_at: batch.imported_at },
      inputSha256: batch.sha256,
      counts: { removed: r.learnerIds.length },
      learnerIds: r.learnerIds,
    }),
    () => {
      const now = db.prepare('SELECT undone_at FROM batches WHERE id = ?').pluck().get(id) as string | null;
      if (now) throw new InputError(msg('ops.undo.already', { id, file: batch.file_name, at: now }), [], msg('ops.undo.fix.list'));
      check();
      return undoRosterBatch(db, id, localTimestamp(ctx.now()));
    },
  );
  const ids = result.learnerIds;
  const shown = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ` …(+${ids.length - 10})` : '');
  ctx.out.write(ctx.tr.t('roster.undo.done', { id, file, count: ids.length, ids: shown || '-' }) + '\n');
  const creds = rosterBatchCredentials(db, id);
  if (creds) ctx.err.write(ctx.tr.t('roster.undo.credentials', { file: forTerminal(creds, 200) }) + '\n');
  return 0;
}
