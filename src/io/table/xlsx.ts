/**
 * The first sheet of an .xlsx workbook, row by row through exceljs' streaming
 * reader, each cell as the text Excel shows. The archive is measured before
 * (src/io/zip-guard.ts, called by openTable).
 */
import fs from 'node:fs';
import { InputError, msg } from '../../errors.js';
import type { RawRow } from './types.js';

/** A row that shows nothing: every cell empty or only spaces. */
const isBlank = (fields: string[]): boolean => fields.every((f) => f === '' || f.trim() === '');

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** A date cell as text: the ISO date, and its time of day to the minute when it has one (a platform's completion time). */
function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  // To the second first: a time stored as a fraction of a day comes back a millisecond short.
  const t = new Date(Math.round(d.getTime() / 1000) * 1000);
  const day = `${t.getUTCFullYear()}-${pad2(t.getUTCMonth() + 1)}-${pad2(t.getUTCDate())}`;
  const h = t.getUTCHours();
  const m = t.getUTCMinutes();
  return h === 0 && m === 0 ? day : `${day} ${pad2(h)}:${pad2(m)}`;
}

/** A number as Excel shows it: integers exactly, other values without binary float noise. */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(10)));
}

/** Whether a number format shows a date (after removing [colour]/[$-locale] parts and quoted text). */
function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  const f = fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '').replace(/\\./g, '');
  return /[ymdhs]/i.test(f) && !/^general$/i.test(f.trim());
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

function cellText(value: unknown, numFmt: string | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    return isDateFormat(numFmt) ? isoDate(new Date(EXCEL_EPOCH_MS + Math.round(value * 86_400_000))) : numberText(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if ('result' in v || 'formula' in v || 'sharedFormula' in v) return cellText(v.result, numFmt);
    if ('text' in v) return cellText(v.text, numFmt);
    if (typeof v.error === 'string') return v.error;
  }
  return String(value);
}

/**
 * A shared-string cell read before the workbook's shared strings were: the streaming reader gives
 * `{ sharedString: index }` then (its zip walk can end before the shared strings' part is read,
 * now and then, with a sheet that came before them), which would read as "[object Object]".
 */
class StringsNotRead extends Error {
  constructor() {
    super('xl/sharedStrings.xml not read');
  }
}

/** The cells of one row, as text, with no hole left undefined. */
function rowFields(row: { eachCell(o: { includeEmpty: boolean }, f: (cell: { value: unknown; numFmt?: string }, col: number) => void): void }): string[] {
  const fields: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    const v = cell.value;
    if (v !== null && typeof v === 'object' && 'sharedString' in v) throw new StringsNotRead();
    fields[col - 1] = cellText(v, cell.numFmt);
  });
  for (let i = 0; i < fields.length; i++) if (fields[i] === undefined) fields[i] = '';
  return fields;
}

/**
 * A zip's parts may come in any order. The streaming reader needs xl/workbook.xml (the sheets' names,
 * and whether dates count from 1904) before the sheet it reads; when a writer put it after the sheet
 * (and the shared strings before it), exceljs would fail on a missing model. Placeholders let it
 * carry on to the sheet, which is then left unread: the workbook is read whole instead, where every
 * part is parsed before any cell (the archive was already measured, so its size is bounded).
 */
const NO_MODEL = Object.freeze({ sheets: [] as unknown[] });
const NO_PROPERTIES = Object.freeze({ model: undefined });

async function* wholeWorkbookRows(file: string): AsyncGenerator<RawRow[]> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.worksheets[0];
  if (!sheet) return;
  const rows: RawRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, n) => {
    const fields = rowFields(row as never);
    if (!isBlank(fields)) rows.push({ line: n, fields });
  });
  for (const r of rows) yield [r];
}

export async function* xlsxRows(file: string): AsyncGenerator<RawRow[]> {
  // exceljs is large: loaded only for workbooks.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  const parts = reader as unknown as { model?: unknown; properties?: unknown };
  parts.model = NO_MODEL;
  parts.properties = NO_PROPERTIES;
  let sheets;
  let whole = false;
  let given = 0;
  try {
    sheets = reader[Symbol.asyncIterator]();
    const first = await sheets.next();
    if (first.done) return;
    if (parts.model === NO_MODEL) {
      whole = true;
    } else {
      for await (const row of first.value) {
        const fields = rowFields(row);
        if (isBlank(fields)) continue;
        given++;
        yield [{ line: row.number, fields }];
      }
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    // Shared strings not yet read: before any row was given, the workbook is read whole instead;
    // after (a sheet whose first rows hold no text), it is refused rather than read wrong.
    if (e instanceof StringsNotRead && given === 0 && hasPart(file, 'xl/sharedStrings.xml')) whole = true;
    else throw unreadable(file, e);
  } finally {
    await sheets?.return?.(undefined).catch(() => undefined);
  }
  if (!whole) return;
  try {
    yield* wholeWorkbookRows(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw unreadable(file, e);
  }
}

/**
 * Whether the zip names a part (its name is stored as is in the archive's headers). Without its
 * shared strings, a workbook read whole would give each text cell's index as its value.
 */
function hasPart(file: string, name: string): boolean {
  return fs.readFileSync(file).includes(Buffer.from(name, 'utf8'));
}

function unreadable(file: string, e: unknown): InputError {
  const detail = e instanceof Error ? e.message : String(e);
  return new InputError(msg('io.xlsx.unreadable', { file, detail }), [], msg('io.xlsx.fix.unreadable'));
}
