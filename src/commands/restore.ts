/**
 * `cadre restore FILE`: checks the copy, then replaces the database with it,
 * keeping the replaced file beside it; refused while another process has the
 * database open. The restore is journaled into the restored database.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../cli/context.js';
import { recordJournal } from '../db/journal.js';
import { fileStamp, prepareRestore, swapIn } from '../db/snapshot.js';

export interface RestoreOptions {
  file: string;
}

export async function run(opts: RestoreOptions, ctx: Context): Promise<number> {
  const { file } = opts;
  const source = path.resolve(ctx.cwd, file);
  const dbPath = ctx.dbPath;
  const replaced = `${dbPath}.replaced-${fileStamp(ctx.now())}`;
  const hadDb = fs.existsSync(dbPath);
  const copy = await prepareRestore(source, dbPath);
  try {
    copy.db
      .transaction(() => {
        recordJournal(copy.db, ctx, { command: 'restore', args: { file: source, db: dbPath, replaced: hadDb ? replaced : null, version: copy.version }, inputSha256: copy.sha256, counts: { restored: 1 } });
      })
      .immediate();
    copy.close();
    const kept = swapIn(copy, dbPath, replaced, { warnUnlocked: () => ctx.warn(ctx.tr.t('ops.restore.unlocked', { file: dbPath })) });
    ctx.err.write(ctx.tr.t('ops.restore.done', { file: source, db: dbPath }) + '\n');
    if (kept) ctx.err.write(ctx.tr.t('ops.restore.kept', { file: kept }) + '\n');
    return 0;
  } finally {
    copy.discard();
  }
}
