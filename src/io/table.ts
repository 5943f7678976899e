/**
 * The streaming table reader every import uses: CSV or tab-separated text in
 * UTF-8, GB18030 or UTF-16, or the first sheet of an .xlsx workbook. Rows are
 * read one at a time (a million-row file never sits in memory) and each
 * carries the physical line it starts on, so every error can point at it.
 *
 * Row problems that do not stop reading (a row with the wrong number of
 * fields) come back on the record; problems that make the rest of the file
 * unreadable (an unclosed quote) are thrown as InputError with the place.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { InputError, msg, type Problem } from '../errors.js';
import { fileError, hashFile, isOleCompound, isZip, scanFile, type TextEncoding } from './encoding.js';
import { checkArchive } from './zip-guard.js';

export interface ColumnDef {
  /** Canonical English name, used as the key of TableRecord.cells. */
  key: string;
  /** Other accepted header names: Chinese and variants. */
  aliases: string[];
}

export interface TableSpec {
  columns: ColumnDef[];
  required: string[];
  /** Groups of keys of which at least one must be present, e.g. [['learner_id', 'staff_no']]. */
  oneOf?: string[][];
}

export interface TableHeader {
  file: string;
  format: 'csv' | 'tsv' | 'xlsx';
  encoding: string;
  sha256: string;
  bytes: number;
  /** The canonical key of each column, null for unknown or unnamed columns. */
  keys: (string | null)[];
  /** Each column's header name as written (trimmed). */
  names: string[];
  /** Named columns the spec does not know, once each (the command warns about them). */
  unknown: string[];
}

export interface TableRecord {
  /** 1-based physical line (sheet row for .xlsx) where the record starts; the header is line 1. */
  line: number;
  /** Raw cell text by canonical key, untrimmed; a key is absent when its column is. */
  cells: Record<string, string>;
  /** 1-based column number of a key, 0 when the file has no such column. */
  columnOf(key: string): number;
  /** The row's raw fields in header order (for writing rejected rows back out). */
  raw?: string[];
  /** A structural problem with this row (wrong number of fields); its cells are not to be trusted. */
  problem?: Problem;
}

/** The longest field (in characters) accepted; longer means a quote went astray. */
export const MAX_FIELD_CHARS = 1 << 20;
const CHUNK = 1 << 20;
/** How much of the file is looked at to find the header line and its delimiter. */
const PEEK_BYTES = 1 << 16;

/** A row as read: its first physical line and its fields in file order. */
export interface RawRow {
  line: number;
  fields: string[];
}

/** A row that shows nothing: every cell empty or only spaces. */
const isBlank = (fields: string[]): boolean => fields.every((f) => f === '' || f.trim() === '');

// ---------------------------------------------------------------- CSV / TSV

/**
 * Looks at the start of the file: the delimiter (tab when the header line has a
 * tab and no comma, as in Excel's "Unicode text"; else comma) and a first guess
 * at the header names, used to name columns in errors found before the header
 * is read.
 */
async function sniffHeaderLine(file: string, encoding: TextEncoding): Promise<{ delimiter: ',' | '\t'; names: string[] }> {
  const fh = await open(file, 'r').catch((e: unknown) => {
    throw fileError(file, e);
  });
  let text: string;
  try {
    const buf = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await fh.read(buf, 0, PEEK_BYTES, 0);
    text = new TextDecoder(encoding).decode(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
  const first = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .find((l) => l.trim() !== '');
  if (first === undefined) return { delimiter: ',', names: [] };
  const delimiter = first.includes('\t') && !first.includes(',') ? '\t' : ',';
  let names: string[] = [];
  try {
    names = (parseCsvSync(first, { delimiter, relax_quotes: true, relax_column_count: true, to: 1 }) as string[][])[0] ?? [];
  } catch {
    // Only a guess: the real header is read by the parser proper.
  }
  return { delimiter, names: names.map((n) => n.trim()) };
}

/** Counts line breaks inside a field: CRLF, LF and CR each count once; also the bare CR and LF characters. */
function newlinesIn(field: string): { lines: number; chars: number } {
  let lines = 0;
  let chars = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 13) {
      lines++;
      chars++;
      if (field.charCodeAt(i + 1) === 10) {
        chars++;
        i++;
      }
    } else if (c === 10) {
      lines++;
      chars++;
    }
  }
  return { lines, chars };
}

async function* decodeTo(encoding: TextEncoding, source: AsyncIterable<Buffer>): AsyncGenerator<string> {
  // The encoding was validated by scanFile; the decoder drops a BOM.
  const decoder = new TextDecoder(encoding);
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

interface CsvContext {
  file: string;
  encoding: TextEncoding;
  bom: boolean;
  delimiter: string;
  /** Header names once known, to name the column of a structural error. */
  names: string[];
}

/** How many parsed rows are handed on at a time (one await per batch, not per row). */
const BATCH = 4096;

/**
 * Drains an object-mode stream in batches: everything buffered is taken
 * synchronously, and only an empty buffer waits for the next event.
 */
async function* batchesOf<T>(stream: Readable, take: (item: T, out: RawRow[]) => void): AsyncGenerator<RawRow[]> {
  let error: unknown = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  stream.on('readable', notify);
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (e: unknown) => {
    error = e;
    notify();
  });
  stream.on('close', () => {
    ended = true;
    notify();
  });
  try {
    for (;;) {
      const batch: RawRow[] = [];
      let item: T | null;
      while (batch.length < BATCH && (item = stream.read() as T | null) !== null) take(item, batch);
      if (batch.length) {
        yield batch;
        continue;
      }
      if (error) throw error;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stream.destroy();
  }
}

/**
 * Counts physical lines record by record. csv-parse counts every CR and LF
 * inside a quoted field as a line; a CRLF is one line here. `drift` is how
 * far csv-parse's line numbers (used in its errors) have run ahead of ours.
 */
class LineCounter {
  line = 1;
  drift = 0;

  /** The record's first line, or 0 for a blank record (every cell empty or spaces; it is skipped). */
  next(fields: string[]): number {
    const start = this.line;
    let inner = 0;
    let blank = true;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i];
      if (f.length !== 0) {
        if (blank && f.trim() !== '') blank = false;
        if (f.indexOf('\n') !== -1 || f.indexOf('\r') !== -1) {
          const n = newlinesIn(f);
          inner += n.lines;
          this.drift += n.chars - n.lines;
        }
      }
    }
    this.line += 1 + inner;
    return blank ? 0 : start;
  }
}

function csvParser(ctx: CsvContext, onRecord?: (fields: string[]) => null, start?: number): { source: Readable; parser: Readable } {
  const { file, encoding, bom } = ctx;
  // UTF-8 goes to the parser as bytes (it decodes UTF-8 itself); other encodings as text.
  const source = createReadStream(file, { highWaterMark: CHUNK, start: start ?? (encoding === 'utf-8' && bom ? 3 : 0) });
  const parser = parseCsv({
    delimiter: ctx.delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: MAX_FIELD_CHARS,
    // Typed as returning a record; returning null drops it.
    ...(onRecord ? { on_record: onRecord as unknown as (fields: string[]) => string[] } : {}),
  });
  const done = (): void => {};
  if (encoding === 'utf-8') pipeline(source, parser, done);
  else pipeline(source, (src: AsyncIterable<Buffer>) => decodeTo(encoding, src), parser, done);
  return { source, parser };
}

async function* csvRows(ctx: CsvContext, taker?: ByteRowTaker): AsyncGenerator<RawRow[]> {
  if (ctx.encoding === 'utf-8') yield* fastCsvRows(ctx, taker);
  else yield* parsedCsvRows(ctx, new LineCounter());
}

/** csv-parse from the file's start, or from `start` (a byte offset where a record begins, on line `counter.line`). */
async function* parsedCsvRows(ctx: CsvContext, counter: LineCounter, start?: number): AsyncGenerator<RawRow[]> {
  const { source, parser } = csvParser(ctx, undefined, start);
  try {
    yield* batchesOf<string[]>(parser, (fields, out) => {
      const line = counter.next(fields);
      if (line) out.push({ line, fields });
    });
  } catch (e) {
    if (!(e instanceof CsvError)) throw structuralError(e, ctx, counter.line, counter.drift);
    // Records parsed in the same chunk as the error never reach us, so our count stops
    // short. Errors are rare: read again up to the error, counting inside the parser.
    throw await exactStructuralError(ctx, e);
  } finally {
    source.destroy();
  }
}

/** The first read is small: the header pass needs only the first lines. */
const FIRST_CHUNK = 1 << 16;
/** Later reads: small enough that a block's strings die young (larger reads were slower and grew the heap). */
const FAST_CHUNK = 1 << 16;
/** Longer lines go to csv-parse, which enforces MAX_FIELD_CHARS. */
const FAST_MAX_LINE = 1 << 16;
const QUOTE = 34;

/**
 * Splits one physical line (without its line break, and without a CR: the
 * caller hands those to csv-parse) into `out` the way csv-parse does with our
 * options, for the lines that are simple: quotes (`quoted`: the line has one)
 * only around whole fields that close on the same line. Returns false
 * for anything else (a quote inside an unquoted field, a quoted field that
 * runs on to the next line or has text after its closing quote, a bare CR),
 * and csv-parse reads the file from that line on.
 */
function splitLine(s: string, start: number, end: number, delim: string, quoted: boolean, out: string[]): boolean {
  if (!quoted) {
    let k = start;
    for (;;) {
      const d = s.indexOf(delim, k);
      if (d === -1 || d >= end) {
        out.push(s.slice(k, end));
        return true;
      }
      out.push(s.slice(k, d));
      k = d + 1;
    }
  }
  let k = start;
  for (;;) {
    if (k < end && s.charCodeAt(k) === QUOTE) {
      // A quoted field: "" is a quote; the closing quote must end the field.
      let j = k + 1;
      let escaped = false;
      for (;;) {
        j = s.indexOf('"', j);
        if (j === -1 || j >= end) return false;
        if (j + 1 < end && s.charCodeAt(j + 1) === QUOTE) {
          escaped = true;
          j += 2;
          continue;
        }
        break;
      }
      const value = s.slice(k + 1, j);
      out.push(escaped ? value.replace(/""/g, '"') : value);
      if (j + 1 === end) return true;
      if (s[j + 1] !== delim) return false;
      k = j + 2;
      continue;
    }
    const d = s.indexOf(delim, k);
    const stop = d === -1 || d >= end ? end : d;
    const inner = s.indexOf('"', k);
    if (inner !== -1 && inner < stop) return false;
    out.push(s.slice(k, stop));
    if (stop === end) return true;
    k = stop + 1;
  }
}

/**
 * Takes plain rows as bytes, before any string is made of them (see
 * OpenedTable.rows): a reader that checks the cells it knows by their bytes
 * spends nothing on the rows it takes.
 */
export interface ByteRowTaker {
  /**
   * Field i of a row of `n` fields on `line` is `buf[starts[i] … ends[i])`,
   * UTF-8 as in the file (a plain row has no quote and no CR). True when the
   * row is taken: it is then not yielded.
   */
  take(buf: Buffer, starts: Int32Array, ends: Int32Array, n: number, line: number): boolean;
}

const DQUOTE = 0x22;
const LF_BYTE = 0x0a;
const CR_BYTE = 0x0d;
/** Rows with more fields are never offered to a taker. */
const TAKER_MAX_FIELDS = 256;

/**
 * The reader for UTF-8 files: large reads, split into lines and fields by
 * hand, several times faster than csv-parse. A plain line (no quote, no CR
 * but the one of a CRLF) is split at its delimiter bytes and offered as bytes
 * to `taker`, if any; other lines, and plain lines not taken, are decoded and
 * split (splitLine). A line even splitLine cannot split with certainty hands
 * the rest of the file to csv-parse (from that line's first byte, so records
 * and line numbers go on unchanged), and every structural error is worded by
 * csv-parse as before.
 *
 * Rows not taken are yielded in file order before any later row is offered to
 * the taker, so a reader sees every row in file order.
 */
async function* fastCsvRows(ctx: CsvContext, taker?: ByteRowTaker): AsyncGenerator<RawRow[]> {
  const fh = await open(ctx.file, 'r').catch((e: unknown) => {
    throw fileError(ctx.file, e);
  });
  const delim = ctx.delimiter;
  const delimByte = delim.charCodeAt(0);
  const counter = new LineCounter();
  const starts = new Int32Array(TAKER_MAX_FIELDS);
  const ends = new Int32Array(TAKER_MAX_FIELDS);
  let handoff = -1;
  let pending: RawRow[] = [];
  try {
    let pos = ctx.bom ? 3 : 0;
    let size = FIRST_CHUNK;
    // One buffer for every read, so a large file leaves no litter of buffers behind: the
    // unfinished last line of a block moves to its front and the next read goes after it.
    const work = Buffer.allocUnsafe(Math.max(FIRST_CHUNK, FAST_CHUNK) + 4 * FAST_MAX_LINE);
    let have = 0;
    for (;;) {
      const { bytesRead } = await fh.read(work, have, Math.min(size, work.length - have), pos).catch((e: unknown) => {
        throw fileError(ctx.file, e);
      });
      size = FAST_CHUNK;
      const eof = bytesRead === 0;
      /** The file offset of work[0]. */
      const start = pos - have;
      pos += bytesRead;
      const data = work.subarray(0, have + bytesRead);
      have = 0;
      if (data.length === 0) break;
      let cut = data.length;
      if (!eof) {
        const lf = data.lastIndexOf(LF_BYTE);
        if (lf === -1) {
          // No whole line yet: read on, unless the line is too long for this reader.
          if (data.length > FAST_MAX_LINE * 3) {
            handoff = start;
            break;
          }
          have = data.length;
          continue;
        }
        cut = lf + 1;
      }
      // The next quote and CR at or after the current line (-1: none left in the block).
      let nq = data.indexOf(DQUOTE);
      let ncr = data.indexOf(CR_BYTE);
      let ls = 0;
      while (ls < cut) {
        let le = data.indexOf(LF_BYTE, ls);
        if (le >= cut) le = -1;
        const next = le === -1 ? cut : le + 1;
        if (le === -1) le = cut;
        let end = le;
        if (end > ls && le < cut && data[end - 1] === CR_BYTE) end--;
        if (nq !== -1 && nq < ls) nq = data.indexOf(DQUOTE, ls);
        if (ncr !== -1 && ncr < ls) ncr = data.indexOf(CR_BYTE, ls);
        if ((ncr !== -1 && ncr < end) || end - ls > FAST_MAX_LINE) {
          handoff = start + ls;
          break;
        }
        const quoted = nq !== -1 && nq < end;
        if (taker && !quoted) {
          // A plain line: split at delimiter bytes and offer it, once the rows before it are out.
          let n = 0;
          let f = ls;
          for (let i = ls; i < end && n < TAKER_MAX_FIELDS; i++) {
            if (data[i] === delimByte) {
              starts[n] = f;
              ends[n++] = i;
              f = i + 1;
            }
          }
          if (n < TAKER_MAX_FIELDS) {
            starts[n] = f;
            ends[n++] = end;
            if (pending.length) {
              yield pending;
              pending = [];
            }
            if (taker.take(data, starts, ends, n, counter.line)) {
              counter.line++;
              ls = next;
              continue;
            }
          }
        }
        const text = data.toString('utf8', ls, end);
        const fields: string[] = [];
        if (!splitLine(text, 0, text.length, delim, quoted, fields)) {
          handoff = start + ls;
          break;
        }
        const line = counter.line++;
        for (let i = 0; i < fields.length; i++) {
          // Blank as LineCounter has it: every cell empty or white space.
          const cell = fields[i];
          if (cell.length === 0) continue;
          const c = cell.charCodeAt(0);
          if ((c > 32 && c < 127) || cell.trim() !== '') {
            pending.push({ line, fields });
            break;
          }
        }
        ls = next;
      }
      if (pending.length) {
        yield pending;
        pending = [];
      }
      if (handoff !== -1 || eof) break;
      have = data.length - cut;
      work.copyWithin(0, cut, data.length);
    }
  } finally {
    await fh.close();
  }
  if (pending.length) yield pending;
  if (handoff !== -1) yield* parsedCsvRows(ctx, counter, handoff);
}

async function exactStructuralError(ctx: CsvContext, original: CsvError): Promise<InputError> {
  const counter = new LineCounter();
  const { source, parser } = csvParser(ctx, (fields) => {
    counter.next(fields);
    return null;
  });
  try {
    for await (const _ of parser) {
      // every record is dropped by on_record
    }
  } catch (e) {
    return structuralError(e, ctx, counter.line, counter.drift);
  } finally {
    source.destroy();
  }
  return structuralError(original, ctx, counter.line, counter.drift);
}

function structuralError(e: unknown, ctx: CsvContext, recordLine: number, drift: number): InputError {
  if (e instanceof InputError) return e;
  if (!(e instanceof CsvError)) return fileError(ctx.file, e);
  const info = e as CsvError & { lines?: number; column?: number | string | null };
  const index = typeof info.column === 'number' ? info.column : 0;
  const column = index + 1;
  const columnName = ctx.names[index] || undefined;
  const at = typeof info.lines === 'number' ? Math.max(recordLine, info.lines - drift) : recordLine;
  let key: string;
  let line = at;
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      // Point at where the quoted field began, not at the end of the file.
      key = 'unclosedQuote';
      line = recordLine;
      break;
    case 'INVALID_OPENING_QUOTE':
      key = 'bareQuote';
      break;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      key = 'afterQuote';
      break;
    case 'CSV_MAX_RECORD_SIZE':
      key = 'fieldTooLong';
      line = recordLine;
      break;
    default:
      key = 'malformed';
  }
  const place = { file: ctx.file, line, column, ...(columnName ? { columnName } : {}) };
  return new InputError(
    msg('io.csv.cannotRead', { file: ctx.file, line, column }),
    [{ ...place, reason: msg(`io.csv.${key}`, { limit: '1 MB', detail: e.message }), fix: msg(`io.csv.fix.${key}`) }],
  );
}

// ---------------------------------------------------------------- xlsx

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
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

async function* xlsxRows(file: string): AsyncGenerator<RawRow[]> {
  // exceljs is large: loaded only for workbooks.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  let sheets;
  try {
    sheets = reader[Symbol.asyncIterator]();
    const first = await sheets.next();
    if (first.done) return;
    for await (const row of first.value) {
      const fields: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        fields[col - 1] = cellText(cell.value, cell.numFmt);
      });
      for (let i = 0; i < fields.length; i++) if (fields[i] === undefined) fields[i] = '';
      if (isBlank(fields)) continue;
      yield [{ line: row.number, fields }];
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new InputError(msg('io.xlsx.unreadable', { file, detail }), [], msg('io.xlsx.fix.unreadable'));
  } finally {
    await sheets?.return?.(undefined).catch(() => undefined);
  }
}

// ---------------------------------------------------------------- header

/** Header names compare without case, width or spacing differences: "Learner ID" = "learner_id". */
function normalizeName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/^[\uFEFF\u200B]+/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function describeColumn(spec: TableSpec, key: string): string {
  const def = spec.columns.find((c) => c.key === key);
  return def && def.aliases.length ? `${key} (${def.aliases.join('/')})` : key;
}

interface HeaderLayout {
  keys: (string | null)[];
  names: string[];
  unknown: string[];
  index: Map<string, number>;
}

function layoutHeader(file: string, line: number, fields: string[], spec: TableSpec, encoding: string): HeaderLayout {
  const byName = new Map<string, string>();
  for (const col of spec.columns) {
    for (const n of [col.key, ...col.aliases]) {
      const k = normalizeName(n);
      if (!byName.has(k)) byName.set(k, col.key);
    }
  }
  const names = fields.map((f) => f.replace(/^\uFEFF+/, '').trim());
  const keys: (string | null)[] = [];
  const index = new Map<string, number>();
  const unknown: string[] = [];
  const seenUnknown = new Set<string>();
  const duplicates: Problem[] = [];
  names.forEach((name, i) => {
    const key = name === '' ? undefined : byName.get(normalizeName(name));
    if (key === undefined) {
      keys.push(null);
      if (name !== '' && !seenUnknown.has(name)) {
        seenUnknown.add(name);
        unknown.push(name);
      }
      return;
    }
    const earlier = index.get(key);
    if (earlier !== undefined) {
      duplicates.push({
        file,
        line,
        column: i + 1,
        columnName: name,
        reason: msg('io.table.duplicateColumn', { name, column: i + 1, first: names[earlier], firstColumn: earlier + 1 }),
      });
      keys.push(null);
      return;
    }
    index.set(key, i);
    keys.push(key);
  });
  if (duplicates.length) {
    throw new InputError(msg('io.table.duplicateColumns', { file, line }), duplicates, msg('io.table.fix.duplicateColumns'));
  }
  const missing: string[] = [];
  for (const key of spec.required) if (!index.has(key)) missing.push(describeColumn(spec, key));
  for (const group of spec.oneOf ?? []) {
    if (!group.some((k) => index.has(k))) missing.push(group.map((k) => describeColumn(spec, k)).join(' | '));
  }
  if (missing.length) {
    const found = names.filter((n) => n !== '').join(', ');
    const params = { file, line, missing: missing.join('; '), found: found || '-' };
    throw new InputError(
      msg('io.table.missingColumns', params),
      missing.map((m) => ({ file, line, reason: msg('io.table.missingColumn', { name: m }) })),
      msg(encoding === 'gb18030' ? 'io.table.fix.missingColumnsGarbled' : 'io.table.fix.missingColumns'),
    );
  }
  return { keys, names, unknown, index };
}

// ---------------------------------------------------------------- openTable

function extensionOf(file: string): string {
  return path.extname(file).toLowerCase();
}

/**
 * Opens an input table: checks the file (encoding, hash), reads and matches
 * the header against `spec`, and returns the records as a lazy stream. The
 * records are read from the file when iterated (each iteration re-reads it).
 */
export interface OpenedTable {
  header: TableHeader;
  /** The data rows as TableRecords, one at a time. */
  records: AsyncIterable<TableRecord>;
  /**
   * The same data rows in blocks, as read (fields in file order, not yet
   * matched to the header): for readers that check a row faster than it
   * takes to build its record, and build one (`toRecord`) only when needed.
   * With a `taker`, plain rows of a UTF-8 text file are first offered to it as
   * bytes, and only the rows it does not take are yielded.
   */
  rows(taker?: ByteRowTaker): AsyncIterable<RawRow[]>;
  toRecord(row: RawRow): TableRecord;
}

export async function openTable(file: string, spec: TableSpec): Promise<OpenedTable> {
  const ext = extensionOf(file);
  let rows: (taker?: ByteRowTaker) => AsyncGenerator<RawRow[]>;
  let base: Pick<TableHeader, 'format' | 'encoding' | 'sha256' | 'bytes'>;
  const names: string[] = [];
  if (ext === '.xlsx' || ext === '.xlsm') {
    const h = await hashFile(file);
    if (h.bytes === 0) throw new InputError(msg('io.file.empty', { file }), [], msg('io.file.fix.empty'));
    if (!isZip(h.head)) {
      const key = isOleCompound(h.head) ? 'io.file.ole' : 'io.xlsx.notZip';
      throw new InputError(msg(key, { file }), [], msg(isOleCompound(h.head) ? 'io.file.fix.ole' : 'io.xlsx.fix.notZip'));
    }
    // exceljs bounds nothing it unpacks: the archive is measured first (src/io/zip-guard.ts).
    await checkArchive(file, 'xlsx', file);
    base = { format: 'xlsx', encoding: 'utf-8', sha256: h.sha256, bytes: h.bytes };
    rows = () => xlsxRows(file);
  } else if (ext === '.xls') {
    throw new InputError(msg('io.file.ole', { file }), [], msg('io.file.fix.ole'));
  } else {
    const scan = await scanFile(file);
    const { delimiter, names: guess } = await sniffHeaderLine(file, scan.encoding);
    base = { format: delimiter === '\t' ? 'tsv' : 'csv', encoding: scan.encoding, sha256: scan.sha256, bytes: scan.bytes };
    names.push(...guess);
    const ctx: CsvContext = { file, encoding: scan.encoding, bom: scan.bom, delimiter, names };
    rows = (taker) => csvRows(ctx, taker);
  }

  // The header is the first non-blank row. This first pass stops right after it.
  const headerPass = rows();
  let first: IteratorResult<RawRow[]>;
  try {
    first = await headerPass.next();
  } finally {
    await headerPass.return(undefined);
  }
  if (first.done) throw new InputError(msg('io.table.noHeader', { file }), [], msg('io.table.fix.noHeader'));
  const headerRow = first.value[0];
  const headerLine = headerRow.line;
  const layout = layoutHeader(file, headerLine, headerRow.fields, spec, base.encoding);
  names.splice(0, names.length, ...layout.names);

  const header: TableHeader = { file, ...base, keys: layout.keys, names: layout.names, unknown: layout.unknown };
  const width = layout.names.length;
  const known: [string, number][] = [...layout.index.entries()];
  const index = layout.index;
  const columnOf = (key: string): number => {
    const i = index.get(key);
    return i === undefined ? 0 : i + 1;
  };
  const checkWidth = base.format !== 'xlsx';

  const raggedProblem = (row: RawRow): Problem | undefined => {
    const n = row.fields.length;
    const short = n < width && layout.names.slice(n).some((name) => name !== '');
    const long = n > width && row.fields.slice(width).some((f) => f !== '');
    if (!short && !long) return undefined;
    return {
      file,
      line: row.line,
      reason: msg('io.table.ragged', { fields: n, columns: width }),
      fix: msg('io.table.fix.ragged'),
    };
  };

  const toRecord = (row: RawRow): TableRecord => {
    const cells = Object.create(null) as Record<string, string>;
    let fields = row.fields;
    // A sheet row simply stops after its last filled cell: the rest are empty, not missing.
    if (!checkWidth && fields.length < width) fields = fields.concat(new Array<string>(width - fields.length).fill(''));
    for (let j = 0; j < known.length; j++) {
      const i = known[j][1];
      if (i < fields.length) cells[known[j][0]] = fields[i];
    }
    const rec: TableRecord = { line: row.line, cells, raw: fields, columnOf };
    if (checkWidth && fields.length !== width) {
      const problem = raggedProblem(row);
      if (problem) rec.problem = problem;
    }
    return rec;
  };

  async function* records(): AsyncGenerator<TableRecord> {
    for await (const batch of rows()) {
      for (const row of batch) if (row.line > headerLine) yield toRecord(row);
    }
  }

  async function* dataRows(taker?: ByteRowTaker): AsyncGenerator<RawRow[]> {
    // The header line is never offered to the taker.
    const skipHeader: ByteRowTaker | undefined = taker && {
      take: (buf, starts, ends, n, line) => line > headerLine && taker.take(buf, starts, ends, n, line),
    };
    for await (const batch of rows(skipHeader)) {
      if (batch.length && batch[0].line <= headerLine) {
        const data = batch.filter((row) => row.line > headerLine);
        if (data.length) yield data;
      } else {
        yield batch;
      }
    }
  }

  return { header, records: { [Symbol.asyncIterator]: records }, rows: (taker) => ({ [Symbol.asyncIterator]: () => dataRows(taker) }), toRecord };
}
