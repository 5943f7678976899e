/**
 * Workbooks the tool writes for people (exceljs): every cell typed as what it
 * holds, so Excel, WPS and LibreOffice open it with no cell changed, and each
 * sheet set up to be printed and sent.
 *
 * - text and IDs are text cells formatted as text (`@`): 工号 00120012 keeps
 *   its zeros, `3/8` stays `3/8`, and a name that starts with `=` is shown as
 *   written (a text cell is never a formula: no apostrophe is needed, none
 *   is added);
 * - numbers are number cells (17.8, never the text "17.8");
 * - dates (`2026-06-30`) and times (`2026-06-30 10:05:00`, local) are date
 *   cells shown as `yyyy-mm-dd` / `yyyy-mm-dd hh:mm`;
 * - an optional title row above the header (merged across the sheet), the
 *   header row bold, frozen and repeated on every printed page, landscape A4
 *   fitted to one page wide, page numbers in the footer, long text wrapped.
 */
import zlib from 'node:zlib';
import { displayWidth } from './text-width.js';

export type CellKind = 'text' | 'id' | 'number' | 'date' | 'datetime';

export type SheetCell = string | number | null | undefined;

export interface SheetColumn {
  header: string;
  kind?: CellKind;
  /** Long text (the shortfall list): wrapped, never cut, in a column this many characters wide. */
  wrap?: number;
  /**
   * A heading over this column and its neighbours of the same group (平台学时
   * over 实际 and 要求): the header then takes two rows, `header` the lower.
   */
  group?: string;
}

export interface SheetSpec {
  name: string;
  columns: SheetColumn[];
  rows: SheetCell[][];
  /** The first row, above the header: what the sheet is (period, department, office). */
  title?: string;
  /** Columns kept in view when scrolling right (ID and name). */
  frozenColumns?: number;
  /** The footer of every printed page; `{page}` and `{pages}` are replaced by the page and the page count. */
  footer?: string;
}

/** Height of one line of text, in points (11-point type). */
const LINE_POINTS = 15;

/** Lines a text takes in a wrapped column `width` characters wide. */
export function wrappedLines(text: string, width: number): number {
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(displayWidth(line) / Math.max(1, width - 1))), 0);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The wall-clock date (and time) as a Date whose UTC fields are those
 * figures: spreadsheets have no zones, and exceljs counts serials in UTC.
 * null when the text is no such date.
 */
export function wallClockDate(text: string, kind: 'date' | 'datetime'): Date | null {
  const m = (kind === 'date' ? DATE : DATETIME).exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)));
  return d.getUTCDate() === Number(m[3]) ? d : null;
}

const SHEET_NAME_BAD = /[\\/?*[\]:]/g;

/** A cell's value as exceljs takes it, and the number format it is shown with. */
function cellValue(value: SheetCell, kind: CellKind): { value: string | number | Date | null; numFmt: string } {
  if (value === null || value === undefined || value === '') return { value: null, numFmt: kind === 'text' || kind === 'id' ? '@' : 'General' };
  if (kind === 'number' && typeof value === 'number' && Number.isFinite(value)) return { value, numFmt: 'General' };
  if ((kind === 'date' || kind === 'datetime') && typeof value === 'string') {
    const d = wallClockDate(value, kind);
    if (d) return { value: d, numFmt: kind === 'date' ? 'yyyy-mm-dd' : 'yyyy-mm-dd hh:mm' };
  }
  // Text, and anything not of its column's kind: a text cell, shown as written.
  return { value: String(value), numFmt: '@' };
}

function widthOf(value: SheetCell, kind: CellKind): number {
  if (value === null || value === undefined) return 0;
  if (kind === 'date') return 10;
  if (kind === 'datetime') return 16;
  return Math.max(...String(value).split('\n').map(displayWidth));
}

/**
 * The workbook of the sheets given, as the bytes of an .xlsx file. With `date`, the workbook is
 * stamped with that date and no other (its created and modified times, each file's time in the
 * zip), so the same sheets give the same bytes: a closed year's report regenerates byte for byte.
 */
export async function sheetsBuffer(sheets: SheetSpec[], date?: Date): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cadre';
  if (date) {
    wb.created = date;
    wb.modified = date;
  }
  const used = new Set<string>();
  for (const spec of sheets) {
    let name = spec.name.replace(SHEET_NAME_BAD, '_').slice(0, 31) || 'Sheet';
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${spec.name.replace(SHEET_NAME_BAD, '_').slice(0, 27)} (${n})`;
    used.add(name.toLowerCase());
    const top = spec.title !== undefined ? 2 : 1;
    const grouped = spec.columns.some((c) => c.group !== undefined);
    // The last header row: the one repeated on every page, filtered, frozen below.
    const head = grouped ? top + 1 : top;
    const ws = wb.addWorksheet(name, {
      views: [{ state: 'frozen', xSplit: spec.frozenColumns ?? 0, ySplit: head }],
      pageSetup: {
        paperSize: 9,
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: `${top}:${head}`,
        showGridLines: true,
        margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      },
    });
    const kinds = spec.columns.map((c) => c.kind ?? 'text');
    const widths = spec.columns.map((c, i) => {
      if (c.wrap) return c.wrap;
      // A header wider than its values wraps onto two lines.
      const header = displayWidth(c.header);
      const widest = Math.max(header > 10 ? Math.ceil(header / 2) : header, ...spec.rows.map((r) => widthOf(r[i], kinds[i])));
      return Math.min(40, Math.max(kinds[i] === 'number' ? 5 : 6, widest + 2));
    });
    // A group's heading spans its columns: they are widened together if it does not fit.
    for (let i = 0; i < spec.columns.length; ) {
      let j = i;
      while (j + 1 < spec.columns.length && spec.columns[i].group !== undefined && spec.columns[j + 1].group === spec.columns[i].group) j++;
      const g = spec.columns[i].group;
      if (g !== undefined) {
        const need = displayWidth(g) + 2;
        const have = widths.slice(i, j + 1).reduce((a, b) => a + b, 0);
        if (have < need) for (let k = i; k <= j; k++) widths[k] += Math.ceil((need - have) / (j - i + 1));
      }
      i = j + 1;
    }
    widths.forEach((w, i) => {
      ws.getColumn(i + 1).width = w;
    });
    if (spec.title !== undefined) {
      const t = ws.getRow(1);
      t.getCell(1).value = spec.title;
      t.getCell(1).numFmt = '@';
      t.font = { bold: true, size: 14 };
      t.height = 24;
      t.alignment = { vertical: 'middle' };
      if (spec.columns.length > 1) ws.mergeCells(1, 1, 1, spec.columns.length);
    }
    const headerCell = (row: number, col: number, text: string) => {
      const cell = ws.getCell(row, col);
      cell.value = text;
      cell.numFmt = '@';
      cell.font = { bold: true };
      cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
      cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    };
    for (let i = 0; i < spec.columns.length; ) {
      const c = spec.columns[i];
      let j = i;
      while (j + 1 < spec.columns.length && c.group !== undefined && spec.columns[j + 1].group === c.group) j++;
      if (c.group !== undefined) {
        headerCell(top, i + 1, c.group);
        for (let k = i + 1; k <= j; k++) headerCell(top, k + 1, '');
        if (j > i) ws.mergeCells(top, i + 1, top, j + 1);
        for (let k = i; k <= j; k++) headerCell(head, k + 1, spec.columns[k].header);
      } else {
        headerCell(top, i + 1, c.header);
        if (head > top) {
          headerCell(head, i + 1, '');
          ws.mergeCells(top, i + 1, head, i + 1);
        }
      }
      i = j + 1;
    }
    for (let r = top; r <= head; r++) {
      const lines = Math.max(1, ...spec.columns.map((c, i) => (c.group !== undefined && r === top ? wrappedLines(c.group, widths[i]) : r === head || c.group === undefined ? wrappedLines(c.header, widths[i]) : 1)));
      ws.getRow(r).height = (grouped && r === top ? Math.min(lines, 2) : lines) * LINE_POINTS + 3;
    }
    spec.rows.forEach((r, ri) => {
      const row = ws.getRow(head + 1 + ri);
      let lines = 1;
      kinds.forEach((kind, i) => {
        const cell = row.getCell(i + 1);
        const { value, numFmt } = cellValue(r[i], kind);
        cell.value = value;
        cell.numFmt = numFmt;
        const wrap = spec.columns[i].wrap;
        cell.alignment = wrap ? { wrapText: true, vertical: 'top' } : { vertical: 'top' };
        if (wrap && typeof value === 'string') lines = Math.max(lines, wrappedLines(value, wrap));
      });
      // Set, not left to the program: LibreOffice does not fit a row to its wrapped text when it opens a workbook.
      if (lines > 1) row.height = lines * LINE_POINTS + 2;
    });
    if (spec.columns.length) ws.autoFilter = { from: { row: head, column: 1 }, to: { row: head, column: spec.columns.length } };
    if (spec.footer !== undefined) ws.headerFooter = { oddFooter: `&C${spec.footer.replace(/&/g, '&&').replace('{page}', '&P').replace('{pages}', '&N')}` };
  }
  // exceljs's zip deflates in JavaScript, a new compressor for each part; stored, then deflated here by zlib itself.
  const bytes = deflateStored(Buffer.from(await wb.xlsx.writeBuffer({ zip: { compression: 'STORE' } } as never)));
  return date ? zipDated(bytes, date) : bytes;
}

/** Where a zip's end-of-central-directory record starts (searched back over its longest comment), or -1. */
function endRecordAt(zip: Buffer): number {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) if (zip.readUInt32LE(i) === 0x06054b50) return i;
  return -1;
}

/**
 * The zip of `zip`'s stored (uncompressed) entries deflated, each entry's name, time, CRC and
 * order kept. A zip not laid out as expected (a data descriptor, an entry already compressed) is
 * returned as it is: a stored zip is a zip all the same.
 */
export function deflateStored(zip: Buffer): Buffer {
  const eocd = endRecordAt(zip);
  if (eocd < 0) return zip;
  const entries = zip.readUInt16LE(eocd + 10);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let at = zip.readUInt32LE(eocd + 16);
  let offset = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) return zip;
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    if (method !== 0 || flags & 0x0008 || size !== zip.readUInt32LE(at + 24)) return zip;
    const centralLength = 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) return zip;
    const headLength = 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (local + headLength + size > zip.length) return zip;
    const data = zip.subarray(local + headLength, local + headLength + size);
    const head = Buffer.from(zip.subarray(local, local + headLength));
    const central = Buffer.from(zip.subarray(at, at + centralLength));
    // A folder (no bytes) stays stored, as exceljs's zip has it.
    const packed = size ? zlib.deflateRawSync(data) : data;
    if (size) {
      head.writeUInt16LE(20, 4);
      head.writeUInt16LE(8, 8);
      head.writeUInt32LE(packed.length, 18);
      central.writeUInt16LE(20, 6);
      central.writeUInt16LE(8, 10);
      central.writeUInt32LE(packed.length, 20);
    }
    central.writeUInt32LE(offset, 42);
    locals.push(head, packed);
    centrals.push(central);
    offset += head.length + packed.length;
    at += centralLength;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.from(zip.subarray(eocd));
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A zip with every entry's modification time set to `date` (its UTC fields, as DOS time): the zip
 * exceljs writes stamps each entry with the moment it was written. The entries are found from the
 * central directory, each one's local header by its offset; a zip not laid out so is left as it is.
 */
export function zipDated(zip: Buffer, date: Date): Buffer {
  const out = Buffer.from(zip);
  const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
  const dosDate = ((Math.max(1980, date.getUTCFullYear()) - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  const eocd = endRecordAt(out);
  if (eocd < 0) return zip;
  const entries = out.readUInt16LE(eocd + 10);
  let at = out.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (at + 46 > out.length || out.readUInt32LE(at) !== 0x02014b50) return zip;
    out.writeUInt16LE(dosTime, at + 12);
    out.writeUInt16LE(dosDate, at + 14);
    const local = out.readUInt32LE(at + 42);
    if (local + 30 > out.length || out.readUInt32LE(local) !== 0x04034b50) return zip;
    out.writeUInt16LE(dosTime, local + 10);
    out.writeUInt16LE(dosDate, local + 12);
    at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  }
  return out;
}
