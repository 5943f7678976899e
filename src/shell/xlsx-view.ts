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
 * a calendar date (yyyy-mm-dd) is a column of date cells shown that way; a
 * column that declares its kind (Column.kind) is written as that kind. The
 * cells and the page setup are src/io/xlsx-out.ts's, as the audit's are.
 */
import path from 'node:path';
import { UsageError, msg } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { sheetsBuffer, type CellKind, type SheetCell } from '../io/xlsx-out.js';
import type { Context } from './context.js';
import { dataCell, outOptions, type OutFile, type View } from './render.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A sheet's name as Excel allows it: at most 31 characters, none of \ / ? * [ ] :. */
export function sheetNameOf(name: string): string {
  return name.replace(/[\\/?*[\]:]/g, '_').slice(0, 31) || 'sheet';
}

/**
 * A column's kind of cell: as the listing declares it (Column.kind), else
 * read from its values: numbers when every value is a number, dates when
 * every value is a calendar date, text otherwise.
 */
function kindOf<R>(view: View<R>, i: number): CellKind {
  const c = view.columns[i];
  if (c.kind) return c.kind;
  let numbers = true;
  let dates = true;
  let any = false;
  for (const r of view.rows) {
    const v = (r as Record<string, unknown>)[c.key];
    if (v === '' || v === null || v === undefined) continue;
    any = true;
    if (typeof v !== 'number' || !Number.isFinite(v)) numbers = false;
    if (typeof v !== 'string' || !ISO_DATE.test(v)) dates = false;
  }
  return !any ? 'text' : numbers ? 'number' : dates ? 'date' : 'text';
}

/** The listing's workbook: one sheet, typed cells, printable (src/io/xlsx-out.ts). */
export async function viewWorkbook<R>(view: View<R>, sheet: string, footer?: string): Promise<Buffer> {
  const kinds = view.columns.map((_c, i) => kindOf(view, i));
  const rows: SheetCell[][] = view.rows.map((r) =>
    view.columns.map((c) => {
      const v = dataCell(c, r);
      return v === null || v === undefined ? null : typeof v === 'number' ? v : String(v);
    }),
  );
  return sheetsBuffer([{ name: sheetNameOf(sheet), columns: view.columns.map((c, i) => ({ header: c.header, kind: kinds[i] })), rows, frozenColumns: 0, footer }]);
}

/** Writes the listing's workbook to --out (whole or not at all) and says so on stderr; a workbook needs a file. */
export async function writeViewWorkbook<R>(ctx: Context, view: View<R>, out: OutFile | undefined): Promise<void> {
  if (!out) throw new UsageError(msg('listings.xlsxNeedsOut'), msg('listings.fix.xlsxNeedsOut'));
  const sheet = path.basename(out.shown, path.extname(out.shown));
  const footer = ctx.tr.t('sheets.footer', { page: '{page}', pages: '{pages}' });
  writeFileAtomic(out.path, await viewWorkbook(view, sheet, footer), outOptions(out));
  ctx.err.write(ctx.tr.t('render.wroteRows', { file: out.shown, count: view.rows.length }) + '\n');
}
