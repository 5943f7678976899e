/**
 * Excel output of the audit and the shortfall list (exceljs): a header row,
 * frozen panes, column widths fitted to the content, text cells escaped so a
 * name can never become a formula. `--split-by department` writes one file per
 * department into --out-dir.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Context } from '../cli/context.js';
import type { Column, Format } from '../cli/render.js';
import { renderCsv } from '../cli/render.js';
import { UsageError, msg } from '../errors.js';
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

function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim() || '_';
}

export async function writeAuditWorkbooks(
  ctx: Context,
  audited: AuditedCadre[],
  columns: Column<AuditRow>[],
  opts: { out?: string; outDir?: string; splitBy?: string; format: Format; shortfall: boolean },
): Promise<void> {
  const rows = audited.map((a) => auditRow(a, ctx.tr));
  const sheet = ctx.tr.t(opts.shortfall ? 'xlsx.sheetShortfall' : 'xlsx.sheetAudit');
  if (opts.splitBy) {
    const dir = path.resolve(ctx.cwd, opts.outDir!);
    fs.mkdirSync(dir, { recursive: true });
    const byDept = new Map<string, AuditRow[]>();
    for (const r of rows) byDept.set(r.department, [...(byDept.get(r.department) ?? []), r]);
    const ext = opts.format === 'csv' ? 'csv' : 'xlsx';
    const prefix = ctx.tr.t(opts.shortfall ? 'xlsx.fileShortfall' : 'xlsx.fileAudit');
    for (const [dept, list] of [...byDept].sort(([a], [b]) => a.localeCompare(b, 'zh'))) {
      const file = path.join(dir, `${prefix}-${safeFileName(dept)}.${ext}`);
      const data = ext === 'csv' ? renderCsv(columns, list, true) : await workbookBuffer(sheet, columns, list);
      fs.writeFileSync(file, data);
      ctx.err.write(ctx.tr.t('render.wroteRows', { file, count: list.length }) + '\n');
    }
    if (!byDept.size) ctx.err.write(ctx.tr.t('audit.none') + '\n');
    return;
  }
  if (!opts.out) throw new UsageError(msg('xlsx.needsOut'), msg('xlsx.fix.needsOut'));
  fs.writeFileSync(path.resolve(ctx.cwd, opts.out), await workbookBuffer(sheet, columns, rows));
  ctx.err.write(ctx.tr.t('render.wroteRows', { file: opts.out, count: rows.length }) + '\n');
}
