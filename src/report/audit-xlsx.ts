/**
 * Excel output of the audit and the shortfall list: the data columns
 * (audit-data.ts: figures as numbers, actual and required apart, IDs as
 * text), a title row (office, department, period), ready to print
 * (src/io/xlsx-out.ts). `--split-by department` writes one file per
 * department into --out-dir, or none (writeSplit).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../shell/context.js';
import type { Column, Format, OutFile } from '../shell/render.js';
import { OVERWRITE_OPTION, hintIdsInCsv, idValues, outOptions, renderCsv, sweepTemps } from '../shell/render.js';
import { fileNamesFor } from '../core/file-names.js';
import { forTerminal } from '../core/text.js';
import { InputError, UsageError, msg, type Problem } from '../errors.js';
import { AtomicFile, PRIVATE_MODE, commitAll, ensureDir, removeCreatedDirs, writeFileAtomic } from '../io/atomic-file.js';
import { sheetsBuffer, type SheetColumn } from '../io/xlsx-out.js';
import { auditDataColumns, auditDataRow, sheetRow, type AuditDataRow } from './audit-data.js';
import type { AuditedCadre } from './audit-view.js';

/** What a workbook of the audit says it is, on its title row. */
export interface WorkbookTitle {
  /** The policy's office name in the language of the run. */
  office: string;
  /** The view's period as a person reads it: `2025-2026学年`, `截至 2026-06-30`. */
  period: string;
  /** The department of a one-file workbook chosen by --department (else every department). */
  department?: string;
}

/** One sheet of the audit (or the shortfall list) as bytes of an .xlsx file. */
export async function workbookBuffer(ctx: Context, audited: AuditedCadre[], shortfall: boolean, title: WorkbookTitle, department: string | undefined): Promise<Buffer> {
  const { tr } = ctx;
  const columns = auditDataColumns(tr);
  // In a wrapped cell each missing item is a line of its own.
  const rows = audited.map((a) => sheetRow(columns, auditDataRow(a, tr, '\n')));
  const kind = tr.t(shortfall ? 'xlsx.sheetShortfall' : 'xlsx.sheetAudit');
  const sep = tr.lang === 'zh' ? '\u3000' : ' — ';
  const head = [title.office, department ?? tr.t('sheets.allDepartments'), tr.t('sheets.titlePeriod', { period: title.period, kind }), tr.t('sheets.titleCount', { count: audited.length })];
  // Printed, 平台学时 stands over 实际 and 要求 (two narrow columns), and the long texts wrap.
  const sheetColumns: SheetColumn[] = columns.map((c) => {
    const part = /^(.*)_(actual|required)$/.exec(c.key);
    if (part) return { header: tr.t(`sheets.sub.${part[2]}`), group: tr.t(`col.${part[1]}`), kind: c.kind };
    return { header: c.header, kind: c.kind, wrap: c.key === 'missing' ? 50 : c.key === 'exempt' ? 16 : undefined };
  });
  return sheetsBuffer([{
    name: kind,
    title: head.join(sep),
    columns: sheetColumns,
    rows,
    frozenColumns: 3,
    footer: tr.t('sheets.footer', { page: '{page}', pages: '{pages}' }),
  }]);
}

export interface WorkbookOptions {
  /** --out (one file), checked by outFile(). */
  out?: OutFile;
  outDir?: string;
  splitBy?: string;
  format: Format;
  shortfall: boolean;
  /** Replace split files that exist (--overwrite). */
  overwrite: boolean;
  /** The view's year or as-of date as it goes into a split file's name, e.g. `2025-2026学年`, `截至2026-06-30`. */
  period: string;
  /** What the title row says. */
  title: WorkbookTitle;
}

export async function writeAuditWorkbooks(ctx: Context, audited: AuditedCadre[], opts: WorkbookOptions): Promise<void> {
  if (opts.splitBy) return writeSplit(ctx, audited, opts);
  if (!opts.out) throw new UsageError(msg('xlsx.needsOut'), msg('xlsx.fix.needsOut'));
  writeFileAtomic(opts.out.path, await workbookBuffer(ctx, audited, opts.shortfall, opts.title, opts.title.department), outOptions(opts.out));
  ctx.err.write(ctx.tr.t('render.wroteRows', { file: opts.out.shown, count: audited.length }) + '\n');
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

/**
 * One file per department in --out-dir, or none: every department gets its
 * own portable name (src/core/file-names.ts) carrying the view's period;
 * every target is checked before anything is written (an existing one is
 * refused, all of them listed, unless --overwrite); all are written as
 * temporaries, then put in place together (commitAll), so a failure half-way
 * (a full disk) leaves no file of this run.
 */
async function writeSplit(ctx: Context, audited: AuditedCadre[], opts: WorkbookOptions): Promise<void> {
  const shownDir = opts.outDir!;
  const dir = path.resolve(ctx.cwd, shownDir);
  const dirStat = fs.existsSync(dir) ? fs.statSync(dir) : null;
  if (dirStat && !dirStat.isDirectory()) throw new InputError(msg('outputs.outDirNotDir', { dir: shownDir }), [], msg('outputs.fix.outDirNotDir'));
  const byDept = new Map<string, AuditedCadre[]>();
  for (const a of audited) {
    const list = byDept.get(a.cadre.department);
    if (list) list.push(a);
    else byDept.set(a.cadre.department, [a]);
  }
  if (!byDept.size) {
    ctx.err.write(ctx.tr.t('audit.none') + '\n');
    return;
  }
  const ext = opts.format === 'csv' ? 'csv' : 'xlsx';
  const prefix = ctx.tr.t(opts.shortfall ? 'xlsx.fileShortfall' : 'xlsx.fileAudit');
  const names = fileNamesFor(byDept.keys(), { before: `${prefix}-`, after: `_${opts.period}`, ext });
  const plan = [...byDept]
    .sort(([a], [b]) => a.localeCompare(b, 'zh'))
    .map(([dept, list]) => ({ dept, list, file: path.join(dir, names.get(dept)!), shown: path.join(shownDir, names.get(dept)!) }));

  // Every target before any is written.
  const taken: Problem[] = [];
  for (const p of plan) {
    const st = lstatOrNull(p.file);
    if (st?.isDirectory()) throw new InputError(msg('file.isDirectory', { file: p.shown }), [], msg('file.fix.exists'));
    if (st && !opts.overwrite) taken.push({ file: p.shown, reason: msg('outputs.existsHere') });
  }
  if (taken.length) throw new InputError(msg('outputs.splitExists', { dir: shownDir, count: taken.length }), taken, msg('outputs.fix.splitExists', { option: OVERWRITE_OPTION }));

  const created = ensureDir(dir);
  if (!created.length) sweepTemps(ctx, dir);
  const files: AtomicFile[] = [];
  const columns: Column<AuditDataRow>[] = auditDataColumns(ctx.tr);
  const ids: string[] = [];
  try {
    for (const p of plan) {
      const f = new AtomicFile(p.file, { mode: PRIVATE_MODE, overwrite: opts.overwrite, overwriteHint: OVERWRITE_OPTION });
      files.push(f);
      if (ext === 'csv') {
        const rows = p.list.map((a) => auditDataRow(a, ctx.tr));
        ids.push(...idValues(columns, rows));
        f.write(renderCsv(columns, rows, true));
      } else f.write(await workbookBuffer(ctx, p.list, opts.shortfall, opts.title, p.dept));
      // Closed once written: a few hundred departments never hold a few hundred open files.
      f.flush();
    }
    commitAll(files);
  } catch (e) {
    for (const f of files) f.discard();
    removeCreatedDirs(created);
    throw e;
  }
  for (const p of plan) ctx.err.write(ctx.tr.t('outputs.wroteDept', { file: p.shown, dept: forTerminal(p.dept), count: p.list.length }) + '\n');
  ctx.err.write(ctx.tr.t('outputs.splitWrote', { count: plan.length, dir: shownDir }) + '\n');
  hintIdsInCsv(ctx, shownDir, ids, true);
}
