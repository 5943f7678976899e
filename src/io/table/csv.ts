/**
 * CSV and tab-separated text through csv-parse: every encoding, the rest of a
 * UTF-8 file the fast reader (./fast-csv.ts) hands on, and the wording and
 * place of every structural error (an unclosed quote, a field too long).
 */
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse as parseCsv } from 'csv-parse';
import { InputError, msg } from '../../errors.js';
import { fileError, type TextEncoding } from '../encoding.js';
import type { RawRow } from './types.js';

/** The longest field (in characters) accepted; longer means a quote went astray. */
export const MAX_FIELD_CHARS = 1 << 20;
const CHUNK = 1 << 20;

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

export interface CsvContext {
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
export class LineCounter {
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

/** csv-parse from the file's start, or from `start` (a byte offset where a record begins, on line `counter.line`). */
export async function* parsedCsvRows(ctx: CsvContext, counter: LineCounter, start?: number): AsyncGenerator<RawRow[]> {
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
