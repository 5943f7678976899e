/**
 * The byte-level reader of UTF-8 CSV and tab-separated text (the import's hot
 * path): lines and fields split by hand, plain rows offered as bytes to a
 * ByteRowTaker, and the rest of the file handed to csv-parse (./csv.ts) at the
 * first line it cannot split with certainty.
 */
import { open } from 'node:fs/promises';
import { fileError } from '../encoding.js';
import { LineCounter, parsedCsvRows, type CsvContext } from './csv.js';
import type { ByteRowTaker, RawRow } from './types.js';

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
export async function* fastCsvRows(ctx: CsvContext, taker?: ByteRowTaker): AsyncGenerator<RawRow[]> {
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
