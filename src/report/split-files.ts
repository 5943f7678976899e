/**
 * One file per department in --out-dir, or none: the rule every
 * `--split-by department` output keeps, whatever its format. Each
 * department gets its own portable name (src/core/file-names.ts) carrying
 * the view's period; every target is checked before anything is written (an
 * existing one is refused, all of them listed, unless --overwrite); all are
 * written as temporaries, then put in place together (commitAll), so a
 * failure half-way (a full disk) leaves no file of this run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../shell/context.js';
import { OVERWRITE_OPTION, sweepTemps } from '../shell/render.js';
import { fileNamesFor } from '../core/file-names.js';
import { forTerminal } from '../core/text.js';
import { InputError, msg, type Problem } from '../errors.js';
import { AtomicFile, PRIVATE_MODE, commitAll, ensureDir, removeCreatedDirs } from '../io/atomic-file.js';

/** Files whose fsync may be under way at once while the next ones are made. */
const SYNCS_AT_ONCE = 8;

/** Files whose content may be in the making at once (an xlsx's parts are deflated in the thread pool while the next is built). */
const MADE_AHEAD = 8;

export interface SplitLayout {
  /** --out-dir as the user wrote it. */
  outDir: string;
  /** Before the department in each name, e.g. `学分核算-`. */
  before: string;
  /** After it, e.g. `_2025-2026学年`. */
  after: string;
  ext: string;
  overwrite: boolean;
}

/** Groups `items` by `key`, in first-seen order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Writes one file per group (`render` makes its content from the group's items and key), all of them or none; says each on stderr. */
export async function writeSplitFiles<T>(ctx: Context, groups: Map<string, T[]>, layout: SplitLayout, render: (list: T[], key: string) => Promise<string | Uint8Array> | string | Uint8Array): Promise<void> {
  const shownDir = layout.outDir;
  const dir = path.resolve(ctx.cwd, shownDir);
  const dirStat = fs.existsSync(dir) ? fs.statSync(dir) : null;
  if (dirStat && !dirStat.isDirectory()) throw new InputError(msg('outputs.outDirNotDir', { dir: shownDir }), [], msg('outputs.fix.outDirNotDir'));
  if (!groups.size) {
    ctx.err.write(ctx.tr.t('audit.none') + '\n');
    return;
  }
  const names = fileNamesFor(groups.keys(), { before: layout.before, after: layout.after, ext: layout.ext });
  const plan = [...groups]
    .sort(([a], [b]) => a.localeCompare(b, 'zh'))
    .map(([dept, list]) => ({ dept, list, file: path.join(dir, names.get(dept)!), shown: path.join(shownDir, names.get(dept)!) }));

  const taken: Problem[] = [];
  for (const p of plan) {
    let st: fs.Stats | null = null;
    try {
      st = fs.lstatSync(p.file);
    } catch {
      /* free */
    }
    if (st?.isDirectory()) throw new InputError(msg('file.isDirectory', { file: p.shown }), [], msg('file.fix.exists'));
    if (st && !layout.overwrite) taken.push({ file: p.shown, reason: msg('outputs.existsHere') });
  }
  if (taken.length) throw new InputError(msg('outputs.splitExists', { dir: shownDir, count: taken.length }), taken, msg('outputs.fix.splitExists', { option: OVERWRITE_OPTION }));

  const created = ensureDir(dir);
  if (!created.length) sweepTemps(ctx, dir);
  const files: AtomicFile[] = [];
  // Each file's fsync runs while the next one is made; none is put in place before every one is on disk (commitAll).
  const syncing: Promise<void>[] = [];
  // The next files' contents are made while one is written; each written in the plan's order.
  const making: Promise<string | Uint8Array>[] = [];
  let started = 0;
  try {
    for (const p of plan) {
      while (started < plan.length && making.length < MADE_AHEAD) {
        const q = plan[started++];
        const made = (async () => render(q.list, q.dept))();
        made.catch(() => {}); // awaited below, in turn
        making.push(made);
      }
      const content = await making.shift()!;
      const f = new AtomicFile(p.file, { mode: PRIVATE_MODE, overwrite: layout.overwrite, overwriteHint: OVERWRITE_OPTION });
      files.push(f);
      f.write(content);
      // Closed once synced, a few at a time: a few hundred departments never hold a few hundred open files.
      const synced = f.flushAsync();
      synced.catch(() => {}); // awaited below, in turn: a later one failing first is no unhandled rejection
      syncing.push(synced);
      if (syncing.length >= SYNCS_AT_ONCE) await syncing.shift();
    }
    await Promise.all(syncing.splice(0));
    commitAll(files);
  } catch (e) {
    await Promise.allSettled([...syncing, ...making]);
    for (const f of files) f.discard();
    removeCreatedDirs(created);
    throw e;
  }
  for (const p of plan) ctx.err.write(ctx.tr.t('outputs.wroteDept', { file: p.shown, dept: forTerminal(p.dept), count: p.list.length }) + '\n');
  ctx.err.write(ctx.tr.t('outputs.splitWrote', { count: plan.length, dir: shownDir }) + '\n');
}
