/**
 * `cadre restore FILE`: checks the copy (a sound, genuine cadre database of a
 * known version), brings it to the current version, then replaces the
 * database's contents with it under an exclusive lock, keeping the replaced
 * contents beside it; refused while another process has the database open.
 * The restore is journaled into the restored database. See src/db/snapshot.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../shell/context.js';
import { recordJournal } from '../db/journal.js';
import { removeLeftovers } from '../db/leftovers.js';
import { removeDirs } from '../db/open.js';
import { fileStamp, prepareRestore, putInPlace } from '../db/snapshot.js';

/**
 * Tests only (the test runner sets VITEST): hold the restore this many ms with
 * the live database locked, so a test can run another command in that moment.
 */
function testPause(ctx: Context): (() => Promise<void>) | undefined {
  const ms = Number(ctx.env.CADRE_TEST_RESTORE_PAUSE_MS);
  if (!ctx.env.VITEST || !(ms > 0)) return undefined;
  return async () => {
    ctx.err.write('[test] restore paused\n');
    await new Promise((resolve) => setTimeout(resolve, ms));
  };
}

/** `base`, or `base-2`, `base-3` … the first name nothing has: a second restore in the same second keeps both. */
function freeName(base: string): string {
  for (let n = 1; n < 1000; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!fs.existsSync(name) && !fs.existsSync(`${name}-journal`)) return name;
  }
  return base;
}

export interface RestoreOptions {
  file: string;
}

export async function run(opts: RestoreOptions, ctx: Context): Promise<number> {
  const { file } = opts;
  const source = path.resolve(ctx.cwd, file);
  const dbPath = ctx.dbPath;
  for (const l of removeLeftovers(path.dirname(dbPath))) ctx.warn(ctx.tr.t('db.leftoverRemoved', { file: l.file, pid: l.pid }));
  const replaced = freeName(`${dbPath}.replaced-${fileStamp(ctx.now())}`);
  const hadDb = fs.existsSync(dbPath);
  const copy = await prepareRestore(source, dbPath);
  let done = false;
  try {
    copy.db
      .transaction(() => {
        recordJournal(copy.db, ctx, {
          command: 'restore',
          args: { file: source, db: dbPath, replaced: hadDb ? replaced : null, version: copy.version, ...(copy.version !== copy.migratedTo ? { upgradedTo: copy.migratedTo } : {}) },
          inputSha256: copy.sha256,
          counts: { restored: 1 },
        });
      })
      .immediate();
    copy.close();
    const put = await putInPlace(copy, dbPath, replaced, { warnUnlocked: () => ctx.warn(ctx.tr.t('ops.restore.unlocked', { file: dbPath })), pause: testPause(ctx) });
    done = true;
    if (put.created) ctx.err.write(ctx.tr.t('db.created', { file: dbPath }) + '\n');
    ctx.err.write(ctx.tr.t('ops.restore.done', { file: source, db: dbPath }) + '\n');
    if (copy.version !== copy.migratedTo) ctx.err.write(ctx.tr.t('ops.restore.upgraded', { from: copy.version, to: copy.migratedTo }) + '\n');
    if (put.replaced) ctx.err.write(ctx.tr.t('ops.restore.kept', { file: put.replaced }) + '\n');
    return 0;
  } finally {
    copy.discard();
    if (!done) removeDirs(copy.createdDirs);
  }
}
