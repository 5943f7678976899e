/**
 * Build rows once, render them as a table on a terminal (fitted to its
 * width, src/shell/fit.ts), CSV (no BOM on a pipe, BOM in a file) or JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import { forTerminal } from '../core/text.js';
import { InputError, UsageError, msg } from '../errors.js';
import { AtomicFile, PRIVATE_MODE, existsError, sweepStaleTemps, writeError, writeFileAtomic } from '../io/atomic-file.js';
import { BOM, toCsv, type Cell } from '../io/csv-out.js';
import type { CellKind } from '../io/xlsx-out.js';
import { localTimestamp } from '../local-time.js';
import type { Translator } from '../i18n/index.js';
import type { Context, Stream } from './context.js';
import { drawTable, terminalWidth, wrapText, type FitColumn } from './fit.js';

export type Format = 'table' | 'csv' | 'json' | 'xlsx';

export interface Column<R> {
  key: keyof R & string;
  header: string;
  /** On a terminal table only, the cell as shown there (a hash shortened, a long text cut, an ID in words); CSV and xlsx carry the value. */
  short?: (row: R) => string;
  /** Left out of the terminal table (CSV and xlsx carry it). */
  tableless?: boolean;
  /**
   * What the cell holds, for CSV and xlsx (default text): `id` is text that
   * a spreadsheet must not read as a number (工号 00120012); `number` a
   * number; `date` YYYY-MM-DD; `datetime` a time stamp (ISO 8601 with its
   * offset), written to CSV as local `YYYY-MM-DD HH:MM:SS`, which Excel,
   * WPS and LibreOffice read as a date and time.
   */
  kind?: CellKind;
  /** How the terminal table fits it to the width (src/shell/fit.ts); CSV, JSON and xlsx ignore it. */
  fit?: FitHints;
}

/** How a column gives way on a narrow terminal (see FitColumn). */
export type FitHints = Pick<FitColumn, 'essential' | 'keep' | 'drop' | 'merge' | 'align' | 'min'>;

/**
 * A column of the terminal table only: its own header and cell, built from
 * the row. A View may give the terminal its own columns (`table`) so that
 * the data columns of CSV, JSON and xlsx stay as they are.
 */
export interface TableColumn<R> extends FitHints {
  key: string;
  header: string;
  cell: (row: R) => string;
}

/** The terminal columns of data columns: each one's short form, or its value. */
export function tableColumns<R>(columns: Column<R>[]): TableColumn<R>[] {
  return columns.filter((c) => !c.tableless).map((c) => ({ ...c.fit, key: c.key, header: c.header, cell: c.short ?? ((r: R) => String((r[c.key] as unknown) ?? '')) }));
}

/** A time stamp as a spreadsheet reads it: local `YYYY-MM-DD HH:MM:SS` (JSON keeps ISO 8601 with its offset). */
export function sheetTime(stamp: string): string {
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(stamp)) return stamp.replace('T', ' ');
  const d = new Date(stamp);
  return Number.isNaN(d.getTime()) ? stamp : localTimestamp(d).slice(0, 19).replace('T', ' ');
}

/** A cell of a data file (CSV, xlsx): time stamps made local, the rest as the row holds it. */
export function dataCell<R>(c: Column<R>, row: R): Cell {
  const v = row[c.key] as unknown as Cell;
  return c.kind === 'datetime' && typeof v === 'string' && v !== '' ? sheetTime(v) : v;
}

/** --format, else table on a terminal and CSV on a pipe. */
export function chooseFormat(requested: string | undefined, out: Stream, allowed: Format[] = ['table', 'csv', 'json']): Format {
  if (requested) {
    if (!allowed.includes(requested as Format)) throw new UsageError(msg('render.badFormat', { format: requested, allowed: allowed.join('|') }));
    return requested as Format;
  }
  return out.isTTY ? 'table' : 'csv';
}

/** Longest cell text shown on a terminal; the rest is cut and its length said. */
const MAX_CELL_CHARS = 500;

/**
 * A terminal table fitted to `width` (src/shell/fit.ts): no line wider,
 * long cells wrapped inside their column, columns that repeat one value on
 * every row (merge) shown once above it, columns it can do without left out
 * (and named below it) when there is no room. `paint` may colour a cell
 * (only called when colour is on); rows are not separated by rules.
 *
 * The table is the one output made for a terminal, so each cell is escaped
 * there (forTerminal: controls, ESC sequences and bidi overrides shown as
 * \u{…}, a cell longer than 500 characters cut) before any colour is added.
 * CSV, JSON and xlsx are data, read by programs and spreadsheets: they carry
 * every value exactly as stored, even when printed on a terminal.
 */
export function fitTable<R>(columns: TableColumn<R>[], rows: R[], opts: { width: number; color: boolean; tr?: Translator; paint?: (key: string, text: string, row: R) => string }): string {
  const fitted: FitColumn[] = columns.map((c) => ({ ...c, cells: rows.map((r) => forTerminal(c.cell(r), MAX_CELL_CHARS)) }));
  const { tr, paint } = opts;
  const { text, layout } = drawTable(fitted, rows.length, {
    width: opts.width,
    color: opts.color,
    heading: tr ? (header, value) => tr.t('fit.heading', { header, value }) : undefined,
    paintCell: paint ? (i, text, r) => paint(columns[i].key, text, rows[r]) : undefined,
  });
  if (!layout.dropped.length || !tr) return text;
  const names = [...layout.dropped].sort((a, b) => a - b).map((i) => columns[i].header.replace(/\n/g, ''));
  return text + wrapText(tr.t('fit.dropped', { columns: names.join(tr.lang === 'zh' ? '、' : ', ') }), opts.width).join('\n') + '\n';
}

/** A table of data columns (their short forms), fitted to `width` when given (else as wide as its cells). */
export async function renderTable<R>(columns: Column<R>[], rows: R[], color: boolean, paintCell?: (key: string, value: string, row: R) => string, fit?: { width: number; tr: Translator }): Promise<string> {
  return fitTable(tableColumns(columns), rows, { width: fit?.width ?? Number.MAX_SAFE_INTEGER, color, tr: fit?.tr, paint: paintCell });
}

export function renderCsv<R>(columns: Column<R>[], rows: R[], withBom: boolean, headerKeys = false): string {
  const head: Cell[] = columns.map((c) => (headerKeys ? c.key : c.header));
  const body: Cell[][] = rows.map((r) => columns.map((c) => dataCell(c, r)));
  return (withBom ? BOM : '') + toCsv([head, ...body]);
}

/**
 * One listing, built once and rendered in the format asked for (present).
 * `rows` with `columns` make the table and the CSV; `json` the items of
 * --format json, which keep their own keys and types (numbers, nulls,
 * nested counts), built only when asked for.
 */
export interface View<R> {
  columns: Column<R>[];
  rows: R[];
  json: () => readonly unknown[];
  /** What the table says when there is no row (CSV still has its header, JSON is `[]`). */
  empty: string;
  /** Colours a table cell; called only with colour on. */
  paint?: (key: string, text: string, row: R) => string;
  /**
   * The terminal's own rendering: its own columns (the data columns stay as
   * CSV, JSON and xlsx carry them), or a text laid out for the width instead
   * of a table (one block per cadre). Without it the table shows the data
   * columns' short forms.
   */
  table?: TableColumn<R>[] | ((rows: R[], fit: { width: number; color: boolean }) => string);
}

export interface PresentOptions {
  format: Format;
  /** --out, checked before the work by outFile(); else stdout. */
  out?: OutFile;
  /** The command writes xlsx too (said in the hint on IDs in a CSV file). */
  xlsx?: boolean;
}

/**
 * Renders a listing: a table (on a terminal: escaped, coloured unless
 * written to a file, each column's short form), CSV (the BOM only in a
 * file), or JSON (indented on a terminal, else one item per line), to --out
 * or stdout, or a workbook in --out (src/shell/xlsx-view.ts). Every listing
 * command goes through here; none switches on the format itself. The
 * audit's workbooks are its own (src/report/audit-xlsx.ts).
 */
export async function present<R>(ctx: Context, view: View<R>, { format, out, xlsx }: PresentOptions): Promise<void> {
  if (format === 'json') return emit(ctx, jsonArray(view.json(), !out && !!ctx.out.isTTY), out);
  if (format === 'csv') {
    emit(ctx, renderCsv(view.columns, view.rows, !!out), out);
    if (out) hintIdsInCsv(ctx, out.shown, idValues(view.columns, view.rows), xlsx);
    return;
  }
  if (format === 'table') {
    if (!view.rows.length) return emit(ctx, view.empty + '\n', out);
    const color = !out && ctx.color;
    const width = terminalWidth(ctx.out, ctx.env);
    if (typeof view.table === 'function') return emit(ctx, view.table(view.rows, { width, color }), out);
    return emit(ctx, fitTable(view.table ?? tableColumns(view.columns), view.rows, { width, color, tr: ctx.tr, paint: view.paint }), out);
  }
  if (format === 'xlsx') return (await import('./xlsx-view.js')).writeViewWorkbook(ctx, view, out);
  throw new UsageError(msg('render.badFormat', { format, allowed: 'table|csv|json' }));
}

/**
 * An ID that a spreadsheet opening a CSV by double-click would change:
 * leading zeros (00120012 → 120012), 12 digits or more (shown as 1.2E+11),
 * a number in exponent form (12E3), a day and month (3/8, 3-8).
 */
export function spreadsheetChanges(value: string): boolean {
  return /^0\d+$/.test(value) || /^\d{12,}$/.test(value) || /^\d+(\.\d+)?e[+-]?\d+$/i.test(value) || /^\d{1,2}[/-]\d{1,2}$/.test(value);
}

/** The values of the ID columns (`kind: 'id'`). */
export function idValues<R>(columns: Column<R>[], rows: R[]): string[] {
  const ids = columns.filter((c) => c.kind === 'id');
  return rows.flatMap((r) => ids.map((c) => String((r[c.key] as unknown) ?? '')));
}

/**
 * After a CSV file of people is written: when one of its IDs would be
 * changed by a spreadsheet that opens it by double-click (00120012 →
 * 120012), says how to open it with the IDs as text (and, where the
 * command writes xlsx too, that an .xlsx keeps them as they are).
 */
export function hintIdsInCsv(ctx: Context, file: string, ids: Iterable<string>, xlsx = false): void {
  for (const id of ids) {
    if (!spreadsheetChanges(id)) continue;
    ctx.err.write(ctx.tr.t(xlsx ? 'sheets.csvIdHintXlsx' : 'sheets.csvIdHint', { file, example: id }) + '\n');
    return;
  }
}

/** How the user asks for an existing output file to be replaced. */
export const OVERWRITE_OPTION = '--overwrite';

/**
 * A file the command writes its output to (--out): where (resolved against
 * ctx.cwd, here and nowhere else), as the user spelled it (for messages),
 * and whether the user asked for an existing file to be replaced.
 */
export interface OutFile {
  path: string;
  shown: string;
  overwrite: boolean;
}

/**
 * --out as the file to write, checked before any work is done: a file that
 * exists is refused (exit 2, the fix names --overwrite) unless `overwrite`,
 * a folder always. Temporaries that killed runs left in its folder are
 * removed, and said so. Undefined without --out (stdout).
 */
export function outFile(ctx: Context, out: string | undefined, overwrite = false): OutFile | undefined {
  if (out === undefined) return undefined;
  const abs = path.resolve(ctx.cwd, out);
  let isDir = false;
  let exists = false;
  try {
    const st = fs.lstatSync(abs);
    exists = true;
    isDir = st.isDirectory();
  } catch {
    /* free */
  }
  if (isDir) throw new InputError(msg('file.isDirectory', { file: out }), [], msg('file.fix.exists'));
  if (exists && !overwrite) throw existsError(out, OVERWRITE_OPTION);
  // A folder that is missing is said now, not after the work.
  try {
    if (!fs.statSync(path.dirname(abs)).isDirectory()) throw Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' });
  } catch (e) {
    throw writeError(e, out);
  }
  sweepTemps(ctx, path.dirname(abs));
  return { path: abs, shown: out, overwrite };
}

/** Removes the temporaries that killed runs left in `dir` (see sweepStaleTemps), and says which on stderr. */
export function sweepTemps(ctx: Context, dir: string): void {
  const removed = sweepStaleTemps(dir);
  if (removed.length) ctx.warn(ctx.tr.t('outputs.staleRemoved', { dir: forTerminal(dir), count: removed.length, files: removed.map((n) => forTerminal(n)).join(', ') }));
}

/** How an output file is created: 0600 (listings name people), replaced only when asked. */
export function outOptions(out: OutFile): { mode: number; overwrite: boolean; overwriteHint: string } {
  return { mode: PRIVATE_MODE, overwrite: out.overwrite, overwriteHint: OVERWRITE_OPTION };
}

/** Writes output to --out (whole or not at all, see atomic-file.ts) or stdout. */
export function emit(ctx: Context, text: string, out?: OutFile): void {
  if (out) {
    writeFileAtomic(out.path, text, outOptions(out));
    ctx.err.write(ctx.tr.t('render.wrote', { file: out.shown }) + '\n');
  } else {
    ctx.out.write(text);
  }
}

/**
 * An array as JSON: indented on a terminal, for reading; elsewhere (a pipe, a
 * file) one element per line, so a listing of a whole province stays small,
 * and line tools (grep, diff, wc -l) see one element per line.
 */
export function jsonArray(items: readonly unknown[], pretty: boolean): string {
  if (pretty) return JSON.stringify(items, null, 2) + '\n';
  return items.length ? '[\n' + items.map((x) => JSON.stringify(x)).join(',\n') + '\n]\n' : '[]\n';
}

/** jsonArray written an element at a time: `add` each, then `end`. */
export function jsonArrayWriter(output: Output, pretty: boolean): { add(item: unknown): void; addCompact(json: () => string, item: () => unknown): void; end(): void } {
  let count = 0;
  return {
    add(item) {
      output.write((count++ ? ',\n' : '[\n') + (pretty ? '  ' + JSON.stringify(item, null, 2).replace(/\n/g, '\n  ') : JSON.stringify(item)));
    },
    /** An element that can write its compact JSON itself (`json`); indented, `item` builds it to stringify. */
    addCompact(json, item) {
      if (pretty) this.add(item());
      else output.write((count++ ? ',\n' : '[\n') + json());
    },
    end() {
      output.write(count ? '\n]\n' : '[]\n');
    },
  };
}

/** Output written as it is made, in chunks of about a megabyte. */
export interface Output {
  write(text: string): void;
  /** Writes what is left; a file is then renamed into place and named on stderr. */
  close(): void;
  /** After a failure: a file is removed, never left half written. */
  discard(): void;
}

const CHUNK_BYTES = 1 << 21;

/**
 * Opens --out or stdout for writing as the output is made. Text is encoded
 * straight into one reused buffer (no joined string per chunk: a province's
 * JSON is tens of megabytes). A file is an AtomicFile: written beside its
 * final name and put in place when complete, so nobody ever reads half of it
 * and a failure leaves nothing behind and the old file (if any) as it was.
 */
export function openOutput(ctx: Context, out?: OutFile): Output {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  let open = true;
  const file = out ? new AtomicFile(out.path, outOptions(out)) : null;
  const put = (bytes: Uint8Array) => {
    if (file === null) ctx.out.write(bytes);
    else file.write(bytes);
  };
  const flush = () => {
    if (!used) return;
    // stdout may keep the chunk until it is written: it gets its own copy, the buffer is reused.
    put(file !== null ? buf.subarray(0, used) : Buffer.from(buf.subarray(0, used)));
    used = 0;
  };
  return {
    write(text) {
      // At most 3 bytes of UTF-8 per UTF-16 unit: a text that may not fit is never cut.
      if (used + text.length * 3 > buf.length) flush();
      if (text.length * 3 > buf.length) put(Buffer.from(text, 'utf8'));
      else used += buf.write(text, used);
    },
    close() {
      flush();
      open = false;
      if (file !== null && out) {
        file.commit();
        ctx.err.write(ctx.tr.t('render.wrote', { file: out.shown }) + '\n');
      }
    },
    discard() {
      used = 0;
      if (open && file !== null) {
        open = false;
        file.discard();
      }
    },
  };
}
