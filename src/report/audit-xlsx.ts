/**
 * Excel output of the audit and the shortfall list (exceljs): a header row,
 * frozen panes, column widths fitted to the content, text cells escaped so a
 * name can never become a formula. `--split-by department` writes one file per
 * department into --out-dir, or none (writeSplit).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../shell/context.js';
import type { Column, Format, OutFile } from '../shell/render.js';
import { OVERWRITE_OPTION, outOptions, renderCsv, sweepTemps } from '../shell/render.js';
import { fileNamesFor } from '../core/file-names.js';
import { forTerminal } from '../core/text.js';
import { InputError, UsageError, msg, type Problem } from '../errors.js';
import { AtomicFile, PRIVATE_MODE, commitAll, ensureDir, removeCreatedDirs, writeFileAtomic } from '../io/atomic-file.js';
import { escapeFormula } from '../io/csv-out.js';
import { auditRow, type AuditRow, type AuditedCadre } from './audit-view.js';

/** Display width: CJK characters take two columns. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

export async function workbookBuffer(sheetName: string, columns: Column<AuditRow>[], rows: AuditRow[]): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cadre';
  const ws = wb.addWorksheet(sheetName.slice(0, 31).replace(/[\\/?*[\]:]/g, '_') || 'audit', { views: [{ state: 'frozen', xSplit: 3, ySplit: 1 }] });
  ws.columns = columns.map((c) => {
    const widest = Math.max(displayWidth(c.header), ...rows.map((r) => displayWidth(String(r[c.key] ?? ''))));
    return { header: c.header, key: c.key, width: Math.min(60, Math.max(8, widest + 2)) };
  });
  for (const r of rows) {
    const values: Record<string, string> = {};
    for (const c of columns) values[c.key] = escapeFormula(String(r[c.key] ?? ''));
    ws.addRow(values);
  }
  ws.getRow(1).font = { bold: true };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const missingCol = columns.findIndex((c) => c.key === 'missing');
  if (missingCol >= 0) ws.getColumn(missingCol + 1).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
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
}

export async function writeAuditWorkbooks(ctx: Context, audited: AuditedCadre[], columns: Column<AuditRow>[], opts: WorkbookOptions): Promise<void> {
  const rows = audited.map((a) => auditRow(a, ctx.tr));
  const sheet = ctx.tr.t(opts.shortfall ? 'xlsx.sheetShortfall' : 'xlsx.sheetAudit');
  if (opts.splitBy) return writeSplit(ctx, rows, columns, sheet, opts);
  if (!opts.out) throw new UsageError(msg('xlsx.needsOut'), msg('xlsx.fix.needsOut'));
  writeFileAtomic(opts.out.path, await workbookBuffer(sheet, columns, rows), outOptions(opts.out));
  ctx.err.write(ctx.tr.t('render.wroteRows', { file: opts.out.shown, count: rows.length }) + '\n');
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
async function writeSplit(ctx: Context, rows: AuditRow[], columns: Column<AuditRow>[], sheet: string, opts: WorkbookOptions): Promise<void> {
  const shownDir = opts.outDir!;
  const dir = path.resolve(ctx.cwd, shownDir);
  const dirStat = fs.existsSync(dir) ? fs.statSync(dir) : null;
  if (dirStat && !dirStat.isDirectory()) throw new InputError(msg('outputs.outDirNotDir', { dir: shownDir }), [], msg('outputs.fix.outDirNotDir'));
  const byDept = new Map<string, AuditRow[]>();
  for (const r of rows) {
    const list = byDept.get(r.department);
    if (list) list.push(r);
    else byDept.set(r.department, [r]);
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
  try {
    for (const p of plan) {
      const f = new AtomicFile(p.file, { mode: PRIVATE_MODE, overwrite: opts.overwrite, overwriteHint: OVERWRITE_OPTION });
      files.push(f);
      f.write(ext === 'csv' ? renderCsv(columns, p.list, true) : await workbookBuffer(sheet, columns, p.list));
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
}
