/** `cadre backup FILE`: an online, checked copy of the database (never overwriting a file). */
import path from 'node:path';
import type { Context } from '../shell/context.js';
import { writeTransaction } from '../db/journal.js';
import { removeLeftovers } from '../db/leftovers.js';
import { backupDatabase } from '../db/snapshot.js';
import { ensureDir } from '../io/atomic-file.js';

export interface BackupOptions {
  file: string;
}

export async function run(opts: BackupOptions, ctx: Context): Promise<number> {
  const { file } = opts;
  const db = ctx.db();
  const target = path.resolve(ctx.cwd, file);
  ensureDir(path.dirname(target));
  // A backup killed earlier left its temporary here: gone now, and said so.
  for (const l of removeLeftovers(path.dirname(target))) ctx.warn(ctx.tr.t('db.leftoverRemoved', { file: l.file, pid: l.pid }));
  const r = await backupDatabase(db, target);
  writeTransaction(
    db,
    ctx,
    () => ({ command: 'backup', args: { file: r.file, sha256: r.sha256 }, counts: { pages: r.pages } }),
    () => undefined,
  );
  ctx.err.write(ctx.tr.t('ops.backup.done', { file: r.file, pages: r.pages, sha256: r.sha256.slice(0, 12) }) + '\n');
  return 0;
}
