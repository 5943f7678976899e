/**
 * Any listing as a workbook (`--out NAME.xlsx` or `--format xlsx --out
 * FILE`): one sheet named after the file, the header row bold and frozen,
 * a filter on it, columns as wide as their content (CJK counted as two).
 *
 * Cells keep their kind so Excel, WPS and LibreOffice change none: a value
 * the listing holds as a number is a number cell; every other value is a
 * text cell (an ID or staff number keeps its leading zeros, `3/8` stays
 * `3/8`, `=1+1` stays text: a text cell is never read as a formula, so it
 * needs no escaping and shows no apostrophe); a column whose every value is
 * a calendar date (yyyy-mm-dd) is a column of date cells shown that way.
 * The audit's own workbooks are src/report/audit-xlsx.ts.
 */
import path from 'node:path';
import stringWidth from 'string-width';
import { UsageError, msg } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import type { Context } from './context.js';
import { outOptions, type OutFile, type View } from './render.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date as the date cell Excel reads as that day, whatever the zone (midnight UTC is a whole serial number). */
function toDate(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** A sheet's name as Excel allows it: at most 31 characters, none of \ / ? * [ ] :. */
export function sheetNameOf(name: string): string {
  return name.replace(/[\\/?*[\]:]/g, '_').slice(0, 31) || 'sheet';
}

export async function viewWorkbook<R>(view: View<R>, sheet: string): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cadre';
  const ws = wb.addWorksheet(sheetNameOf(sheet), { views: [{ state: 'frozen', ySplit: 1 }] });
  const { columns, rows } = view;
  const raw = (r: R, key: string): unknown => (r as Record<string, unknown>)[key];
  const isDateColumn = columns.map((c) => {
    let any = false;
    for (const r of rows) {
      const v = raw(r, c.key);
      if (v === '' || v === null || v === undefined) continue;
      if (typeof v !== 'string' || !ISO_DATE.test(v)) return false;
      any = true;
    }
    return any;
  });
  ws.addRow(columns.map((c) => c.header)).font = { bold: true };
  for (const r of rows) {
    ws.addRow(
      columns.map((c, i) => {
        const v = raw(r, c.key);
        if (v === '' || v === null || v === undefined) return null;
        if (typeof v === 'number' && Number.isFinite(v)) return v;
        if (isDateColumn[i]) return toDate(v as string);
        return String(v);
      }),
    );
  }
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    if (isDateColumn[i]) col.numFmt = 'yyyy-mm-dd';
    let widest = stringWidth(c.header);
    for (const r of rows) widest = Math.max(widest, isDateColumn[i] ? 10 : stringWidth(String(raw(r, c.key) ?? '')));
    col.width = Math.min(60, Math.max(8, widest + 2));
  });
  if (columns.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  // Printed: landscape, one page wide, the header on every page.
  ws.pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1', paperSize: 9 };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Writes the listing's workbook to --out (whole or not at all) and says so on stderr; a workbook needs a file. */
export async function writeViewWorkbook<R>(ctx: Context, view: View<R>, out: OutFile | undefined): Promise<void> {
  if (!out) throw new UsageError(msg('listings.xlsxNeedsOut'), msg('listings.fix.xlsxNeedsOut'));
  const sheet = path.basename(out.shown, path.extname(out.shown));
  writeFileAtomic(out.path, await viewWorkbook(view, sheet), outOptions(out));
  ctx.err.write(ctx.tr.t('render.wroteRows', { file: out.shown, count: view.rows.length }) + '\n');
}
