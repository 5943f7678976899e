/**
 * PDF documents the office prints and files (reports, certificates, notices),
 * with Chinese text that renders on a fresh machine after `npm install`
 * alone: the glyphs come from Noto Sans SC as the @fontsource/noto-sans-sc
 * package ships it (SIL Open Font License 1.1), split into about a hundred
 * files by Unicode range. Each run of text is drawn in the file that holds
 * its characters, and pdfkit embeds only the glyphs used (a subset of each
 * file touched), so a one-page certificate carries tens of kilobytes of font,
 * not megabytes.
 *
 * `PdfWriter` is the one way the tool draws a PDF: `text` (wrapped to a
 * width, any mix of Chinese and Latin), `fontSize`, `bold`, `moveDown`,
 * `line`, `svg` (a chart, through svg-to-pdfkit), `image` (a PNG, e.g. a QR
 * code), `addPage`; `finish()` gives the bytes, which the caller writes
 * through src/io/atomic-file.ts. Nothing here reads the clock: the
 * document's dates (creation, modification) are the ones given, so the same
 * content gives the same bytes.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import { svgOps, type SvgFonts, type SvgRun } from './pdf-svg.js';

const require = createRequire(import.meta.url);

/**
 * A WOFF file as the plain font (SFNT) it wraps: each table inflated by
 * node's zlib, the table directory rebuilt. pdfkit's own WOFF reader inflates
 * in JavaScript (most of a one-page PDF's time, about half a second a
 * document) and fails on some of the font's files (the one holding 闫 reads
 * as having no tables); an SFNT it reads as it is.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) return woff;
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: number; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const at = 44 + i * 20;
    const offset = woff.readUInt32BE(at + 4);
    const compLength = woff.readUInt32BE(at + 8);
    const origLength = woff.readUInt32BE(at + 12);
    const raw = woff.subarray(offset, offset + compLength);
    tables.push({ tag: woff.readUInt32BE(at), checksum: woff.readUInt32BE(at + 16), data: compLength < origLength ? zlib.inflateSync(raw) : raw });
  }
  let entrySelector = 0;
  while (2 ** (entrySelector + 1) <= numTables) entrySelector++;
  const searchRange = 2 ** entrySelector * 16;
  const head = Buffer.alloc(12 + numTables * 16);
  head.writeUInt32BE(woff.readUInt32BE(4), 0);
  head.writeUInt16BE(numTables, 4);
  head.writeUInt16BE(searchRange, 6);
  head.writeUInt16BE(entrySelector, 8);
  head.writeUInt16BE(numTables * 16 - searchRange, 10);
  const parts: Buffer[] = [head];
  let offset = head.length;
  tables.forEach((t, i) => {
    head.writeUInt32BE(t.tag, 12 + i * 16);
    head.writeUInt32BE(t.checksum, 16 + i * 16);
    head.writeUInt32BE(offset, 20 + i * 16);
    head.writeUInt32BE(t.data.length, 24 + i * 16);
    const pad = (4 - (t.data.length % 4)) % 4;
    parts.push(t.data, Buffer.alloc(pad));
    offset += t.data.length + pad;
  });
  return Buffer.concat(parts);
}

/**
 * Where the build keeps each font file already unwrapped (bin/bundle.mjs: `<name>-<WOFF size>.ttf`,
 * woffToSfnt's own bytes), so that a document reads it instead of inflating it: a certificate
 * touches some twenty files, an HTML report a hundred.
 */
const UNWRAPPED = new URL('../../dist/fonts/', import.meta.url);

/** The file name the build gives the unwrapped copy of a WOFF file of `size` bytes. */
export function unwrappedName(woffFile: string, size: number): string {
  return `${path.basename(woffFile, '.woff')}-${size}.ttf`;
}

/** Each font file as an SFNT, read (the build's unwrapped copy when it has one) or inflated, once per process. */
const sfntCache = new Map<string, Buffer>();
export function sfntOf(file: string): Buffer {
  let b = sfntCache.get(file);
  if (!b) {
    try {
      b = fs.readFileSync(new URL(unwrappedName(file, fs.statSync(file).size), UNWRAPPED));
    } catch {
      b = woffToSfnt(fs.readFileSync(file));
    }
    sfntCache.set(file, b);
  }
  return b;
}

/** The weights the tool draws in. */
export type Weight = 400 | 700;

interface FontFiles {
  dir: string;
  /** Subset name ("[116]") → its code point ranges. */
  ranges: { name: string; from: number; to: number }[];
}

let fontFiles: FontFiles | undefined;

/** The ranges fontFilesOf reads from unicode.json, as the build keeps them (bin/bundle.mjs): `<unicode.json's size>.json`. */
export function rangesName(unicodeSize: number): string {
  return `ranges-${unicodeSize}.json`;
}

/** The ranges as the build wrote them (names, and from/to/name-index triples), or null. */
function builtRanges(unicodeSize: number): FontFiles['ranges'] | null {
  try {
    const { names, triples } = JSON.parse(fs.readFileSync(new URL(rangesName(unicodeSize), UNWRAPPED), 'utf8')) as { names: string[]; triples: number[] };
    const ranges: FontFiles['ranges'] = new Array(triples.length / 3);
    for (let i = 0; i < ranges.length; i++) ranges[i] = { name: names[triples[3 * i + 2]], from: triples[3 * i], to: triples[3 * i + 1] };
    return ranges;
  } catch {
    return null;
  }
}

/** Where the font's files are, and which file holds which characters (its unicode.json, or the build's copy of what it says). */
export function fontFilesOf(): FontFiles {
  if (fontFiles) return fontFiles;
  const pkg = path.dirname(require.resolve('@fontsource/noto-sans-sc/package.json'));
  const unicodeFile = path.join(pkg, 'unicode.json');
  const built = builtRanges(fs.statSync(unicodeFile).size);
  if (built) return (fontFiles = { dir: path.join(pkg, 'files'), ranges: built });
  const unicode = JSON.parse(fs.readFileSync(unicodeFile, 'utf8')) as Record<string, string>;
  // Some nine thousand ranges, read at the start of every document: each matched once, and ordered
  // by a plain numeric sort of one key per range (its first code point, then its place in the file:
  // the order the stable sort by first code point gave) rather than a comparison called per pair.
  const found: FontFiles['ranges'] = [];
  const range = /U\+([0-9a-f]+)(?:-([0-9a-f]+))?/gi;
  for (const [name, list] of Object.entries(unicode)) {
    range.lastIndex = 0;
    for (let m = range.exec(list); m; m = range.exec(list)) {
      const from = parseInt(m[1], 16);
      found.push({ name, from, to: m[2] === undefined ? from : parseInt(m[2], 16) });
    }
  }
  const n = found.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = found[i].from * n + i;
  keys.sort();
  const ranges: FontFiles['ranges'] = new Array(n);
  for (let i = 0; i < n; i++) ranges[i] = found[keys[i] % n];
  fontFiles = { dir: path.join(pkg, 'files'), ranges };
  return fontFiles;
}

/** The subset file that holds code point `cp`, or null (then the Latin subset draws a replacement). */
export function subsetOf(cp: number): string | null {
  const { ranges } = fontFilesOf();
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid];
    if (cp < r.from) hi = mid - 1;
    else if (cp > r.to) lo = mid + 1;
    else return r.name;
  }
  return null;
}

/** A text cut into runs, each drawn in one subset file (`[116]`, …). */
const subsetCache = new Map<string, string>();

export function fontRuns(text: string): { subset: string; text: string }[] {
  const runs: { subset: string; text: string }[] = [];
  for (const ch of text) {
    let subset = subsetCache.get(ch);
    if (subset === undefined) subsetCache.set(ch, (subset = subsetOf(ch.codePointAt(0)!) ?? subsetOf(0x41) ?? '[119]'));
    const last = runs[runs.length - 1];
    if (last && last.subset === subset) last.text += ch;
    else runs.push({ subset, text: ch });
  }
  return runs;
}

function fontFile(subset: string, weight: Weight): string {
  return path.join(fontFilesOf().dir, `noto-sans-sc-${subset.replace(/[[\]]/g, '')}-${weight}-normal.woff`);
}

export interface PdfOptions {
  /** A4 by default; `landscape` turns it. */
  landscape?: boolean;
  /** Margins in points (default 56, about 2 cm). */
  margin?: number;
  title: string;
  author?: string;
  /** The document's creation date (a fixed one gives the same bytes for the same content). */
  date: Date;
  /**
   * Keep every page in memory until the end (default), so pages can be revisited; a long document
   * (a year-end report of a large office) passes false and each page is written out when the next begins.
   */
  bufferPages?: boolean;
  /** Deflate the streams on a thread of their own (see PdfWriter.holdBack); default: when pages are not kept. */
  deflateAside?: boolean;
}

export interface TextOptions {
  size?: number;
  weight?: Weight;
  /** Width to wrap in, points (default: the page's width within its margins). */
  width?: number;
  align?: 'left' | 'center' | 'right';
  color?: string;
  /** Where to start (default: where the last text ended). */
  x?: number;
  y?: number;
  /** Extra space between lines, points. */
  lineGap?: number;
}

type Doc = InstanceType<typeof import('pdfkit')>;

/** The parts of pdfkit's embedded font (EmbeddedFont) and fontkit's font that plainLayout uses. */
interface LaidOutFont {
  scale: number;
  font: { glyphsForString(text: string): { id: number; advanceWidth: number; codePoints: number[] }[] };
  layoutRun(text: string, features?: unknown): unknown;
  layoutCached(text: string): unknown;
}

/**
 * Each glyph of a run at its own advance, in the order of the text: no OpenType shaping. pdfkit
 * shapes every word through fontkit (GSUB and GPOS, decoded for each font file on its first use),
 * most of a document's drawing time, for a font whose Chinese needs no shaping; the Latin loses
 * only its kerning and ligatures (an "fi" stays two letters, as a text search finds it). Both the
 * measuring and the drawing go through this, so what is measured is what is drawn.
 */
function plainLayout(f: LaidOutFont): void {
  f.layoutRun = function (text: string) {
    const glyphs = f.font.glyphsForString(text);
    let advanceWidth = 0;
    const positions = glyphs.map((g) => {
      const w = g.advanceWidth * f.scale;
      advanceWidth += w;
      return { xAdvance: w, yAdvance: 0, xOffset: 0, yOffset: 0, advanceWidth: w };
    });
    return { glyphs, positions, advanceWidth };
  };
  // pdfkit keeps every word it lays out; a line drawn whole (paragraph) is a word of its own, and a
  // long report's thousands of lines were kept to the end: only short words are kept.
  const cache = new Map<string, unknown>();
  f.layoutCached = function (text: string) {
    if (text.length > 16) return f.layoutRun(text);
    let run = cache.get(text);
    if (run === undefined) cache.set(text, (run = f.layoutRun(text)));
    return run;
  };
}

/** A character as paragraph lays it out and draws it (hex: its glyph in the subset, once drawn). */
interface CharInfo {
  ch: string;
  font: string;
  adv: number;
  space: boolean;
  wide: boolean;
  closing: boolean;
  opening: boolean;
  hex: string | undefined;
  /** Its glyph in the subset as the bytes of a literal string (paragraph's lines), once drawn. */
  raw: string | undefined;
}

/** The parts of pdfkit's document and embedded font that `fragmentOps` writes through. */
interface PdfInternals {
  _font: {
    id: string;
    ascender: number;
    scale: number;
    ref(): unknown;
    font: { glyphsForString(text: string): { id: number; advanceWidth: number; codePoints: number[] }[] };
    subset: { includeGlyph(id: number): number };
    widths: number[];
    unicode: number[][];
  };
  _fontSize: number;
  page: { height: number; fonts: Record<string, unknown> };
}

/** Characters a line does not start with (closing punctuation) or end with (opening). */
const CLOSING = new Set('，。；：、？！）》」』】〕…%,.;:!?)]');
const OPENING = new Set('（《「『【〔([');

/** Variation selectors: fontkit maps the character before one with it. */
const VARIATION = /[\u{fe00}-\u{fe0f}\u{e0100}-\u{e01ef}]/u;

/**
 * The subset's ids of the glyphs of `text`, each added to the subset, widths and to-Unicode map as
 * pdfkit's EmbeddedFont.encode adds them, in the same order.
 */
function includeGlyphs(f: PdfInternals['_font'], text: string): number[] {
  const ids: number[] = [];
  for (const g of f.font.glyphsForString(text)) {
    const gid = f.subset.includeGlyph(g.id);
    if (f.widths[gid] == null) f.widths[gid] = g.advanceWidth * f.scale;
    if (f.unicode[gid] == null) f.unicode[gid] = g.codePoints;
    ids.push(gid);
  }
  return ids;
}

/** The glyphs of `text` as pdfkit's EmbeddedFont.encode gives them: hex glyph ids of the subset (includeGlyphs). */
function encodeGlyphs(f: PdfInternals['_font'], text: string): string {
  let hex = '';
  for (const gid of includeGlyphs(f, text)) hex += ('0000' + gid.toString(16)).slice(-4);
  return hex;
}

/** Bytes a PDF literal string escapes: its delimiters, the backslash, and a carriage return (read as a line feed unescaped). */
const LITERAL_ESCAPES: Record<number, string> = { 0x28: '\\(', 0x29: '\\)', 0x5c: '\\\\', 0x0d: '\\r' };

/**
 * The glyphs of `text` (includeGlyphs) as the bytes of a PDF literal string: two per glyph, latin1,
 * escaped where they must be; half the bytes of the hex form.
 */
function encodeGlyphsRaw(f: PdfInternals['_font'], text: string): string {
  let raw = '';
  for (const gid of includeGlyphs(f, text)) {
    const hi = gid >> 8;
    const lo = gid & 255;
    raw += (LITERAL_ESCAPES[hi] ?? String.fromCharCode(hi)) + (LITERAL_ESCAPES[lo] ?? String.fromCharCode(lo));
  }
  return raw;
}

/** The nearest single-precision float at or below `n` (pdfkit's PDFNumber, by which its line wrapper measures). */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function float32Below(n: number): number {
  const rounded = Math.fround(n);
  if (rounded <= n) return rounded;
  f32[0] = n;
  if (n <= 0) u32[0] += 1;
  else u32[0] -= 1;
  return f32[0];
}

/** A number as pdfkit writes it into a content stream (PDFObject.number). */
function pdfNumber(n: number): number {
  if (n > -1e21 && n < 1e21) return Math.round(n * 1e6) / 1e6;
  throw new Error(`unsupported number: ${n}`);
}

/** The parts of pdfkit's PDFReference that holdBack uses. */
interface PdfRef {
  compress: boolean;
  buffer: Buffer[];
  finalize(): void;
  write(chunk: string | Uint8Array): void;
}

/**
 * A thread that deflates streams as pdfkit's `zlib.deflateSync` does (the same options, so the
 * same bytes), while the document goes on being drawn on the main thread.
 */
const DEFLATER = `const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
parentPort.on('message', (m) => {
  let out = null, error = null;
  try {
    let at = 8;
    out = m.lengths.map((n) => zlib.deflateSync(new Uint8Array(m.data, (at += n) - n, n)));
  } catch (e) { error = String(e && e.message || e); }
  Atomics.store(new Int32Array(m.data, 0, 1), 0, 0);
  parentPort.postMessage({ id: m.id, out, error });
});`;

const BATCH_BYTES = 512 * 1024;

/** A piece of a stream as pdfkit wrote it: a string (latin1, a line feed after it) or bytes. */
type StreamPart = string | Uint8Array;

/** Copies `parts` into `into` from `at`; the offset after them. */
function copyParts(parts: StreamPart[], into: Buffer, at: number): number {
  for (const p of parts) {
    if (typeof p === 'string') {
      at += into.write(p, at, 'latin1');
      into[at++] = 10;
    } else {
      into.set(p, at);
      at += p.length;
    }
  }
  return at;
}

function partsBytes(parts: StreamPart[], bytes: number): Buffer {
  const b = Buffer.allocUnsafe(bytes);
  copyParts(parts, b, 0);
  return b;
}

type Pending = { resolve: (b: Buffer) => void; reject: (e: Error) => void };

class Deflater {
  private readonly worker = new Worker(DEFLATER, { eval: true });
  private readonly waiting = new Map<number, Pending[]>();
  private batch: { parts: StreamPart[]; bytes: number }[] = [];
  private batchWaiting: Pending[] = [];
  private batchBytes = 0;
  /** The buffers shared with the thread, used again once it is done with them: the bytes of a long document pass through a few. */
  private readonly pool: { shared: SharedArrayBuffer; busy: Int32Array }[] = [];
  private next = 0;
  private failed: Error | undefined;

  constructor() {
    this.worker.unref();
    this.worker.on('message', (m: { id: number; out: Uint8Array[] | null; error: string | null }) => {
      const w = this.waiting.get(m.id)!;
      this.waiting.delete(m.id);
      if (m.out) m.out.forEach((o, i) => w[i].resolve(Buffer.from(o.buffer, o.byteOffset, o.byteLength)));
      else for (const p of w) p.reject(new Error(m.error ?? 'deflate failed'));
      if (!this.waiting.size) this.worker.unref();
    });
    this.worker.on('error', (e) => {
      this.failed = e;
      for (const w of this.waiting.values()) for (const p of w) p.reject(e);
      this.waiting.clear();
    });
  }

  /** The deflated bytes of the stream `parts` make (`bytes` long). */
  deflate(parts: StreamPart[], bytes: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.batch.push({ parts, bytes });
      this.batchWaiting.push({ resolve, reject });
      this.batchBytes += bytes;
      if (this.batchBytes >= BATCH_BYTES) this.flush();
    });
  }

  /**
   * Sends what is batched: the streams' bytes copied into one buffer the thread shares, with each
   * stream's length. A message, and a Buffer, per stream cost the main thread more than the deflate.
   */
  flush(): void {
    if (!this.batch.length) return;
    if (this.failed) {
      for (const p of this.batchWaiting) p.reject(this.failed);
      this.batch = [];
      this.batchWaiting = [];
      this.batchBytes = 0;
      return;
    }
    const id = this.next++;
    this.waiting.set(id, this.batchWaiting);
    const lengths = this.batch.map((b) => b.bytes);
    const need = this.batchBytes;
    // A buffer the thread is done with (it clears the buffer's first word when it is), else a new one.
    let slot = this.pool.find((p) => p.shared.byteLength - 8 >= need && Atomics.load(p.busy, 0) === 0);
    if (!slot) {
      const shared = new SharedArrayBuffer(8 + Math.max(need, 2 * BATCH_BYTES));
      slot = { shared, busy: new Int32Array(shared, 0, 1) };
      if (this.pool.length < 4) this.pool.push(slot);
    }
    Atomics.store(slot.busy, 0, 1);
    const into = Buffer.from(slot.shared, 8, need);
    let at = 0;
    for (const b of this.batch) at = copyParts(b.parts, into, at);
    this.worker.ref();
    this.worker.postMessage({ id, data: slot.shared, lengths });
    this.batch = [];
    this.batchWaiting = [];
    this.batchBytes = 0;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** A PDF being drawn: see the top of this file. */
export class PdfWriter {
  readonly doc: Doc;
  private readonly registered = new Set<string>();
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  /** Streams deflated aside (see holdBack), written in the order pdfkit ended them once `finish` opens the gate. */
  private deflater: Deflater | undefined;
  private openGate: () => void = () => {};
  private written: Promise<void> = new Promise<void>((resolve) => (this.openGate = resolve));

  private constructor(make: (onRef: ((ref: PdfRef) => void) | null) => Doc, aside: boolean) {
    if (aside) this.deflater = new Deflater();
    this.doc = make(aside ? (ref) => this.holdBack(ref) : null);
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  /**
   * Each compressed stream (a page's content, a font file) deflated on a thread of its own instead
   * of by pdfkit on the main thread when the stream ends, with the same options and so the same
   * bytes. Every object is held back when pdfkit ends it and written once `finish` opens the gate,
   * in the order pdfkit ended them: the file is byte for byte pdfkit's own, however the thread
   * keeps pace.
   */
  private holdBack(ref: PdfRef): void {
    const finalize = ref.finalize;
    const write = ref.write;
    // What pdfkit writes into a stream (each operator a Buffer of its own) is kept as it comes, a
    // string (its bytes latin1, pdfkit's "binary", and a line feed) or a Buffer, and copied once
    // into the buffer the thread deflates: the same bytes.
    let parts: StreamPart[] = [];
    let bytes = 0;
    ref.write = (chunk: string | Uint8Array) => {
      if (chunk instanceof Uint8Array) {
        parts.push(chunk);
        bytes += chunk.length;
      } else {
        const s = `${chunk}`;
        parts.push(s);
        bytes += s.length + 1;
      }
    };
    ref.finalize = () => {
      if (!ref.compress || bytes === 0) {
        if (bytes) write.call(ref, partsBytes(parts, bytes));
        parts = [];
        this.written = this.written.then(() => finalize.call(ref));
        return;
      }
      // Deflated aside; written, with the Filter pdfkit's own write would have named, in turn.
      const out = this.deflater!.deflate(parts, bytes);
      // Awaited in turn below; a failure before then is not an unhandled rejection.
      out.catch(() => {});
      parts = [];
      bytes = 0;
      this.written = this.written.then(async () => {
        write.call(ref, await out);
        ref.compress = false;
        finalize.call(ref);
      });
    };
  }

  static async create(opts: PdfOptions): Promise<PdfWriter> {
    const { default: PDFDocument } = await import('pdfkit');
    const options = {
      size: 'A4',
      layout: opts.landscape ? 'landscape' : 'portrait',
      margin: opts.margin ?? 56,
      info: { Title: opts.title, Author: opts.author ?? '', Creator: 'cadre', Producer: 'cadre', CreationDate: opts.date, ModDate: opts.date },
      bufferPages: opts.bufferPages ?? true,
      // No standard font: pdfkit would parse Helvetica's metrics for a font no text here is drawn in.
      // The document starts in the Latin file of Noto Sans SC instead (every document draws digits).
      font: null as unknown as string,
    } as const;
    // A long document (pages not kept) deflates its streams aside (holdBack); every object pdfkit
    // makes, from its constructor's on, is seen by overriding its `ref`.
    const pdf = new PdfWriter((onRef) => {
      if (!onRef) return new PDFDocument(options);
      const seen = onRef;
      class HeldBack extends PDFDocument {
        override ref(data: object = {}) {
          const r = super.ref(data);
          seen(r as unknown as PdfRef);
          return r;
        }
      }
      return new HeldBack(options);
    }, opts.deflateAside ?? opts.bufferPages === false);
    pdf.runFont(subsetOf(0x41) ?? '[119]', 400, 12);
    return pdf;
  }

  /** Width within the margins, points. */
  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  private use(subset: string, weight: Weight): string {
    const name = `${subset}-${weight}`;
    if (!this.registered.has(name)) {
      this.doc.registerFont(name, sfntOf(fontFile(subset, weight)));
      this.registered.add(name);
      const previous = (this.doc as unknown as { _font?: unknown })._font;
      this.doc.font(name);
      plainLayout((this.doc as unknown as { _font: LaidOutFont })._font);
      if (previous) (this.doc as unknown as { _font: unknown })._font = previous;
    }
    return name;
  }

  /** Sets the document's font to the file of `subset` at `weight` and `size`, for a caller drawing a run with pdfkit itself. */
  runFont(subset: string, weight: Weight, size: number): Doc {
    return this.doc.font(this.use(subset, weight)).fontSize(size);
  }

  /** Height the text takes when wrapped to `width` at `size` (the runs of its first subset measure it closely enough for layout). */
  heightOf(text: string, opts: TextOptions = {}): number {
    const size = opts.size ?? 11;
    const runs = fontRuns(text || ' ');
    this.doc.font(this.use(runs[0].subset, opts.weight ?? 400)).fontSize(size);
    return this.doc.heightOfString(text || ' ', { width: opts.width ?? this.width, lineGap: opts.lineGap ?? 2 });
  }

  /**
   * `text` laid out as one line at `size` in `weight`, when it surely fits in `width` and `text`
   * would draw it as pdfkit draws one line (no line feed, variation selector, or space at either
   * end; right-aligned only in one font file): each run's font name, glyphs and advance; else null.
   */
  private oneLine(text: string, size: number, weight: Weight, width: number, align: 'left' | 'center' | 'right'): { font: string; hex: string | null; chars: CharInfo[]; w: number }[] | null {
    if (text === '' || align === 'center' || text.includes('\n') || /^\s|\s$/.test(text) || VARIATION.test(text)) return null;
    const infos = this.charInfos(weight);
    const runs: { font: string; hex: string | null; chars: CharInfo[]; w: number }[] = [];
    let total = 0;
    let run: (typeof runs)[number] | undefined;
    for (const ch of text) {
      let c = infos.get(ch);
      if (c === undefined) {
        const font = this.use(fontRuns(ch)[0].subset, weight);
        infos.set(ch, (c = { ch, font, adv: this.advanceOf(font, ch), space: ch === ' ', wide: ch.codePointAt(0)! >= 0x2e80, closing: CLOSING.has(ch), opening: OPENING.has(ch), hex: undefined, raw: undefined }));
      }
      if (!run || run.font !== c.font) runs.push((run = { font: c.font, hex: null, chars: [], w: 0 }));
      run.chars.push(c);
      const w = c.adv * size;
      run.w += w;
      total += w;
    }
    // Half a point to spare: pdfkit's wrapper, measuring word by word, must find it one line too.
    if (total > width - 0.5) return null;
    // Several files right-aligned only for a figure (digits, signs, a percent): each of its runs one word to pdfkit's wrapper.
    if (align === 'right' && runs.length > 1 && !/^[0-9.,%+±—-]+$/.test(text)) return null;
    return runs;
  }

  /** Line heights (pdfkit's currentLineHeight(true)) per font file and size. */
  private readonly lineHeights = new Map<string, number>();

  private lineHeightOf(font: string, size: number): number {
    const key = `${font} ${size}`;
    let h = this.lineHeights.get(key);
    if (h === undefined) {
      this.doc.font(font).fontSize(size);
      this.lineHeights.set(key, (h = this.doc.currentLineHeight(true)));
    }
    return h;
  }

  /**
   * A table cell: `heightOf` and `text` for a text that fits on one line, measured and drawn here
   * as pdfkit would (the same height, the same operators), the rest through them.
   */
  cellHeight(text: string, opts: TextOptions = {}): number {
    const size = opts.size ?? 11;
    const width = opts.width ?? this.width;
    const runs = this.oneLine(text, size, opts.weight ?? 400, width, opts.align ?? 'left');
    if (!runs) return this.heightOf(text, opts);
    // heightOf measures the whole text in its first run's file (a character that file lacks by the
    // width of its missing-glyph box): one line by that measure too, or it is asked.
    if (runs.length > 1 && this.doc.font(runs[0].font).fontSize(size).widthOfString(text) > width - 0.5) return this.heightOf(text, opts);
    // As pdfkit's heightOfString counts it, from where the document stands (the same rounding).
    const y = this.doc.y;
    return y + (this.lineHeightOf(runs[0].font, size) + (opts.lineGap ?? 2)) - y;
  }

  cellText(text: string, opts: TextOptions = {}): this {
    return this.text(text, opts);
  }

  /**
   * `text` of one line, when it surely fits and stays above the page's bottom (pdfkit's wrapper
   * would go on to a new page): drawn with the operators pdfkit writes for it. False otherwise.
   */
  private lineText(text: string, opts: TextOptions): boolean {
    const size = opts.size ?? 11;
    const width = opts.width ?? this.width;
    const align = opts.align ?? 'left';
    const runs = this.oneLine(text, size, opts.weight ?? 400, width, align);
    if (!runs) return false;
    const left = opts.x ?? this.doc.x;
    const y = opts.y ?? this.doc.y;
    if (y + 2 * (this.lineHeightOf(runs[0].font, size) + (opts.lineGap ?? 2)) > this.bottom) return false;
    this.doc.fillColor(opts.color ?? '#000000');
    const ops: string[] = [];
    const hexes = runs.map((r) => {
      this.setFont(r.font, size);
      const f = (this.doc as unknown as PdfInternals)._font;
      let hex = '';
      for (const c of r.chars) {
        if (c.hex === undefined) c.hex = encodeGlyphs(f, c.ch);
        hex += c.hex;
      }
      return hex;
    });
    if (align === 'right' && runs.length > 1) {
      // As text draws it: the runs measured whole, the first placed at the width less their sum, each
      // next one where pdfkit's wrapper continues it (the run before's width, to a float's precision).
      const texts = runs.map((r) => r.chars.map((c) => c.ch).join(''));
      const widths = runs.map((r, i) => {
        this.setFont(r.font, size);
        return this.doc.widthOfString(texts[i]);
      });
      const total = widths.reduce((w, x) => w + x, 0);
      let docX = left + (width - total) * 1;
      let continued = 0;
      runs.forEach((r, i) => {
        this.setFont(r.font, size);
        const x = docX + continued;
        ops.push(this.fragmentHexOps(hexes[i], x, y));
        docX = x - continued;
        continued += float32Below(widths[i] + 0 + 0);
      });
    } else {
      let x = left;
      runs.forEach((r, i) => {
        this.setFont(r.font, size);
        // Right-aligned as pdfkit's _fragment places it: the width less the text's, as pdfkit measures it.
        if (align === 'right') x = left + width - this.doc.widthOfString(text);
        ops.push(this.fragmentHexOps(hexes[i], x, y));
        x += r.w;
      });
    }
    this.doc.addContent(ops.join('\n'));
    this.doc.x = left;
    this.doc.y = y + (this.lineHeightOf(runs[0].font, size) + (opts.lineGap ?? 2));
    return true;
  }

  /** Draws `text` wrapped to the width, in the font files its characters need. */
  text(text: string, opts: TextOptions = {}): this {
    // A line that fits is drawn here, as pdfkit would draw it; the rest by pdfkit.
    if (this.lineText(text, opts)) return this;
    return this.wrappedText(text, opts);
  }

  /**
   * `text` through pdfkit's own wrapper, run by run. A line that `text` draws itself is placed as
   * here but for the x of a run after the first of a left-aligned line, which moves by under
   * 0.00001 pt: pdfkit's wrapper adds the runs' widths word by word, each rounded to a float.
   */
  wrappedText(text: string, opts: TextOptions = {}): this {
    const size = opts.size ?? 11;
    const weight = opts.weight ?? 400;
    const runs = fontRuns(text === '' ? ' ' : text);
    const width = opts.width ?? this.width;
    const base = { width, align: opts.align ?? 'left', lineGap: opts.lineGap ?? 2 };
    this.doc.fillColor(opts.color ?? '#000000');
    if (runs.length > 1 && (base.align === 'center' || base.align === 'right')) {
      // Runs in several font files, centred or right-aligned each on its own, would be drawn over
      // one another: a line that fits is measured whole and drawn left-aligned from where it starts.
      const total = runs.reduce((w, r) => w + this.doc.font(this.use(r.subset, weight)).fontSize(size).widthOfString(r.text), 0);
      if (total <= width) {
        const left = opts.x ?? this.doc.x;
        const shift = (width - total) * (base.align === 'center' ? 0.5 : 1);
        const y = opts.y ?? this.doc.y;
        runs.forEach((r, i) => {
          this.doc.font(this.use(r.subset, weight)).fontSize(size);
          const more = { lineGap: base.lineGap, align: 'left' as const, width: width - shift + 1, continued: i < runs.length - 1 };
          if (i === 0) this.doc.text(r.text, left + shift, y, more);
          else this.doc.text(r.text, more);
        });
        this.doc.x = left;
        return this;
      }
    }
    runs.forEach((r, i) => {
      this.doc.font(this.use(r.subset, weight)).fontSize(size);
      const more = { ...base, continued: i < runs.length - 1 };
      if (i === 0 && (opts.x !== undefined || opts.y !== undefined)) this.doc.text(r.text, opts.x ?? this.doc.x, opts.y ?? this.doc.y, more);
      else this.doc.text(r.text, more);
    });
    return this;
  }

  /** Advance widths at size 1 of each character drawn, per font file (paragraph measures by it). */
  private readonly advances = new Map<string, Map<string, number>>();

  private advanceOf(name: string, ch: string): number {
    let m = this.advances.get(name);
    if (!m) this.advances.set(name, (m = new Map()));
    let w = m.get(ch);
    if (w === undefined) {
      this.doc.font(name);
      w = (this.doc as unknown as { _font: { widthOfString(s: string, size: number): number } })._font.widthOfString(ch, 1);
      m.set(ch, w);
    }
    return w;
  }

  /** Each character drawn by paragraph, per weight: its font file, advance at size 1, break classes and glyph. */
  private readonly chars = new Map<Weight, Map<string, CharInfo>>();

  private charInfos(weight: Weight): Map<string, CharInfo> {
    let m = this.chars.get(weight);
    if (!m) this.chars.set(weight, (m = new Map()));
    return m;
  }

  /**
   * The content operators pdfkit's `text(run, x, y, { lineBreak: false })` writes for one run in the
   * document's current font and size, with no shaping (plainLayout: every glyph at its own advance,
   * so one TJ string with no adjustment): the same bytes, without pdfkit's option merging, line
   * callback and second measuring of the run. The glyphs are added to the font's subset, widths and
   * to-Unicode map as pdfkit's `encode` adds them, in the same order.
   */
  private fragmentOps(run: string, x: number, y: number): string {
    return this.fragmentHexOps(encodeGlyphs((this.doc as unknown as PdfInternals)._font, run), x, y);
  }

  /** The content operators of one run whose glyphs are `hex` (encodeGlyphs), in the document's current font and size (see fragmentOps). */
  private fragmentHexOps(hex: string, x: number, y: number): string {
    const doc = this.doc as unknown as PdfInternals;
    const f = doc._font;
    const size = doc._fontSize;
    const page = doc.page;
    if (page.fonts[f.id] == null) page.fonts[f.id] = f.ref();
    const dy = (f.ascender / 1e3) * size;
    return `q\n1 0 0 -1 0 ${pdfNumber(page.height)} cm\nBT\n1 0 0 1 ${pdfNumber(x)} ${pdfNumber(page.height - y - dy)} Tm\n/${f.id} ${pdfNumber(size)} Tf\n[<${hex}> 0] TJ\nET\nQ`;
  }

  /** Scratch for paragraph: its characters and their widths. */
  private readonly lineChars: CharInfo[] = [];
  private readonly lineWidths: number[] = [];
  /**
   * CharInfo per UTF-16 code unit, per weight, for characters of the Basic Multilingual Plane: an
   * array of all 65,536 made at once (one filled as characters came was a dictionary to V8).
   */
  private readonly bmp = new Map<Weight, (CharInfo | undefined)[]>();

  private bmpOf(weight: Weight): (CharInfo | undefined)[] {
    let table = this.bmp.get(weight);
    if (!table) this.bmp.set(weight, (table = new Array<CharInfo | undefined>(0x10000).fill(undefined)));
    return table;
  }

  /** The CharInfo of the character at `k` of `text` (a surrogate pair taken whole). */
  private charInfo(text: string, k: number, weight: Weight, table = this.bmpOf(weight)): CharInfo {
    const code = text.charCodeAt(k);
    const single = code < 0xd800 || code > 0xdfff;
    if (single) {
      const known = table[code];
      if (known !== undefined) return known;
    }
    const cp = text.codePointAt(k)!;
    const ch = single ? text[k] : String.fromCodePoint(cp);
    const infos = this.charInfos(weight);
    let c = infos.get(ch);
    if (c === undefined) {
      const font = this.use(fontRuns(ch)[0].subset, weight);
      infos.set(ch, (c = { ch, font, adv: this.advanceOf(font, ch), space: ch === ' ', wide: cp >= 0x2e80, closing: CLOSING.has(ch), opening: OPENING.has(ch), hex: undefined, raw: undefined }));
    }
    if (single) table[code] = c;
    return c;
  }

  /** pdfkit's fonts by the names `use` registered them under, as `doc.font(name)` finds them. */
  private readonly fontObjects = new Map<string, unknown>();

  /** What `doc.font(name).fontSize(size)` does for a font already registered and loaded. */
  private setFont(name: string, size: number): void {
    const doc = this.doc as unknown as { _font: unknown; _fontSize: number };
    let f = this.fontObjects.get(name);
    if (f === undefined) {
      this.doc.font(name);
      this.fontObjects.set(name, (f = doc._font));
    }
    doc._font = f;
    doc._fontSize = size;
  }

  /** What `doc.fillColor(color)` writes for a colour #rrggbb (its colour space, then its components), per colour. */
  private readonly fills = new Map<string, string>();

  private fillOps(color: string): string | null {
    let ops = this.fills.get(color);
    if (ops === undefined) {
      const m = /^#([0-9a-f]{6})$/i.exec(color);
      if (!m) return null;
      const hex = parseInt(m[1], 16);
      ops = `/DeviceRGB cs\n${[hex >> 16, (hex >> 8) & 255, hex & 255].map((p) => p / 255).join(' ')} scn`;
      this.fills.set(color, ops);
    }
    return ops;
  }

  /**
   * What `doc.fillColor(color)` writes, to be written with a paragraph's line (the document's fill
   * colour set as it sets it); null when the colour is not #rrggbb and fillColor has written it.
   */
  private lineFill(color: string): string | null {
    const ops = this.fillOps(color);
    if (ops === null) this.doc.fillColor(color);
    else (this.doc as unknown as { _fillColor: unknown })._fillColor = [color, undefined];
    return ops;
  }

  /**
   * Left-aligned text wrapped to the width, onto further pages as it needs, measured and broken
   * here: a line may break before any Chinese character (but not before closing punctuation nor
   * after opening) and at spaces, and each line is drawn run by run, one text call per font file.
   * The same lines as `text` gives, far faster for long lists: pdfkit's wrapper measures and lays
   * out each Chinese character as a word of its own.
   */
  paragraph(text: string, opts: TextOptions = {}): this {
    const size = opts.size ?? 11;
    const weight = opts.weight ?? 400;
    const width = opts.width ?? this.width;
    const gap = opts.lineGap ?? 2;
    const left = opts.x ?? this.doc.page.margins.left;
    // A text with a line feed or a variation selector is drawn run by run as pdfkit draws it; any other a glyph at a time.
    const plain = !text.includes('\n') && !VARIATION.test(text);
    const chars = this.lineChars;
    const ws = this.lineWidths;
    let count = 0;
    const t = text === '' ? ' ' : text;
    const table = this.bmpOf(weight);
    for (let k = 0; k < t.length; k++) {
      const c = this.charInfo(t, k, weight, table);
      if (c.ch.length === 2) k++;
      chars[count] = c;
      ws[count++] = c.adv * size;
    }
    chars.length = count;
    ws.length = count;
    // Break opportunities: before index i when allowed.
    const canBreak = (i: number) => {
      const a = chars[i - 1];
      const b = chars[i];
      if (b.closing || a.opening) return false;
      return a.space || a.wide || b.wide;
    };
    const lines: { from: number; to: number }[] = [];
    let start = 0;
    let lineW = 0;
    let lastBreak = -1;
    for (let i = 0; i < chars.length; i++) {
      if (i > start && canBreak(i)) lastBreak = i;
      if (lineW + ws[i] > width && i > start) {
        const at = lastBreak > start ? lastBreak : i;
        lines.push({ from: start, to: at });
        start = at;
        while (start < chars.length && chars[start].space && start < i) start++;
        lineW = 0;
        for (let k = start; k < i; k++) lineW += ws[k];
        lastBreak = -1;
      }
      lineW += ws[i];
    }
    lines.push({ from: start, to: chars.length });
    const lineHeight = this.lineHeightOf(chars[0].font, size) + gap;
    const color = opts.color ?? '#000000';
    let y = opts.y ?? this.doc.y;
    for (const l of lines) {
      if (y + lineHeight > this.bottom && y > this.doc.page.margins.top) {
        this.addPage();
        y = this.doc.page.margins.top;
      }
      if (plain) {
        this.plainLine(chars, ws, l.from, l.to, left, y, size, color);
        y += lineHeight;
        continue;
      }
      let x = left;
      const ops: string[] = [];
      const fill = this.lineFill(color);
      if (fill !== null) ops.push(fill);
      for (let i = l.from; i < l.to; ) {
        const font = chars[i].font;
        this.setFont(font, size);
        let j = i;
        let w = 0;
        let run = '';
        while (j < l.to && chars[j].font === font) {
          run += chars[j].ch;
          w += ws[j];
          j++;
        }
        if (run.includes('\n')) {
          // pdfkit draws each piece of a run cut by a line feed on its own (rare; left to it).
          if (ops.length) this.doc.addContent(ops.join('\n'));
          ops.length = 0;
          this.doc.font(font).fontSize(size);
          this.doc.text(run, x, y, { lineBreak: false });
        } else ops.push(this.fragmentOps(run, x, y));
        x += w;
        i = j;
      }
      if (ops.length) this.doc.addContent(ops.join('\n'));
      y += lineHeight;
    }
    this.doc.x = left;
    this.doc.y = y;
    return this;
  }

  /**
   * One line of a plain paragraph (no line feed, no variation selector): one text object, placed
   * where pdfkit would place its first run, each run after it switching font and following on by
   * the glyphs' own advances (the widths the subset declares, those the line was measured by),
   * placed anew only where a run's font sits at another height. The glyphs as literal strings.
   * A list of twenty thousand cadres is some forty thousand lines in a hundred thousand runs:
   * a text object and a hex string per run was three times the bytes, to build and to deflate.
   */
  private plainLine(chars: CharInfo[], ws: number[], from: number, to: number, left: number, y: number, size: number, color: string): void {
    // The line is written as bytes into a buffer kept for it and made one string at its end: added
    // one to another, each of a line's hundred pieces was a string object of its own, and joined
    // they were copied again.
    this.lineAt = 0;
    const fill = this.lineFill(color);
    if (fill !== null) {
      this.put(fill);
      this.put('\n');
    }
    const doc = this.doc as unknown as PdfInternals;
    const page = doc.page;
    const sizeText = String(pdfNumber(size));
    this.put('q\n1 0 0 -1 0 ');
    this.put(String(pdfNumber(page.height)));
    this.put(' cm\nBT\n');
    let x = left;
    let placedDy = NaN;
    for (let i = from; i < to; ) {
      const font = chars[i].font;
      this.setFont(font, size);
      const f = doc._font;
      if (page.fonts[f.id] == null) page.fonts[f.id] = f.ref();
      const dy = (f.ascender / 1e3) * size;
      if (dy !== placedDy) {
        this.put('1 0 0 1 ');
        this.put(String(pdfNumber(x)));
        this.put(' ');
        this.put(String(pdfNumber(page.height - y - dy)));
        this.put(' Tm\n');
        placedDy = dy;
      }
      this.put('/');
      this.put(f.id);
      this.put(' ');
      this.put(sizeText);
      this.put(' Tf\n(');
      let j = i;
      for (; j < to && chars[j].font === font; j++) {
        const c = chars[j];
        if (c.raw === undefined) c.raw = encodeGlyphsRaw(f, c.ch);
        this.put(c.raw);
        x += ws[j];
      }
      this.put(') Tj\n');
      i = j;
    }
    this.put('ET\nQ');
    this.doc.addContent(this.lineBytes.toString('latin1', 0, this.lineAt));
  }

  /** Scratch for plainLine: the bytes of one line's operators, and how many are written. */
  private lineBytes = Buffer.allocUnsafe(16 * 1024);
  private lineAt = 0;

  /** Appends a latin1 string's bytes to the line being written (plainLine). */
  private put(text: string): void {
    const n = text.length;
    if (this.lineAt + n > this.lineBytes.length) {
      const more = Buffer.allocUnsafe(2 * (this.lineAt + n));
      this.lineBytes.copy(more, 0, 0, this.lineAt);
      this.lineBytes = more;
    }
    const b = this.lineBytes;
    let at = this.lineAt;
    for (let k = 0; k < n; k++) b[at++] = text.charCodeAt(k);
    this.lineAt = at;
  }

  moveDown(lines = 1): this {
    this.doc.moveDown(lines);
    return this;
  }

  /** A horizontal rule across the width at the current position. */
  rule(color = '#999999'): this {
    const y = this.doc.y + 2;
    this.doc.save().strokeColor(color).lineWidth(0.5).moveTo(this.doc.page.margins.left, y).lineTo(this.doc.page.margins.left + this.width, y).stroke().restore();
    this.doc.y = y + 4;
    return this;
  }

  /**
   * An SVG (a chart) drawn at the current position, `width` × `height` points.
   * A chart in the subset of SVG that ECharts writes is made into content operators here
   * (src/io/pdf-svg.ts); any other goes through svg-to-pdfkit. Either way its texts are drawn
   * in the font files their characters need: for svg-to-pdfkit each text element is cut into
   * runs (`fontRuns`), each run a tspan naming its file, since it gives a text element one font
   * and no one file of the font holds every character.
   */
  async svg(svg: string, width: number, height: number): Promise<this> {
    if (this.doc.y + height > this.bottom) this.addPage();
    const x = this.doc.page.margins.left;
    const y = this.doc.y;
    const ops = svgOps(svg, this.svgFonts, { x, y, width, height });
    if (ops !== null) this.doc.addContent(ops);
    else {
      const { default: SVGtoPDF } = await import('svg-to-pdfkit');
      const latin = subsetOf(0x41) ?? '[119]';
      SVGtoPDF(this.doc, svgTextRuns(svg), x, y, {
        width,
        height,
        fontCallback: (family: string, bold: boolean) => this.use(family.startsWith(RUN_FAMILY) ? family.slice(RUN_FAMILY.length) : latin, bold ? 700 : 400),
      });
    }
    this.doc.y = y + height;
    this.doc.x = x;
    return this;
  }

  /** A chart's text in the document's fonts, for svgOps: runs by font file, each glyph encoded once per file. */
  private readonly svgFonts: SvgFonts = {
    runs: (text: string, weight: Weight): SvgRun[] => {
      const infos = this.charInfos(weight);
      const runs: SvgRun[] = [];
      let font = '';
      let f: PdfInternals['_font'] | undefined;
      let run: SvgRun | undefined;
      for (const ch of text) {
        let c = infos.get(ch);
        if (c === undefined) {
          const name = this.use(fontRuns(ch)[0].subset, weight);
          infos.set(ch, (c = { ch, font: name, adv: this.advanceOf(name, ch), space: ch === ' ', wide: ch.codePointAt(0)! >= 0x2e80, closing: CLOSING.has(ch), opening: OPENING.has(ch), hex: undefined, raw: undefined }));
        }
        if (c.font !== font || !run || !f) {
          font = c.font;
          this.doc.font(font);
          f = (this.doc as unknown as PdfInternals)._font;
          const page = (this.doc as unknown as PdfInternals).page;
          if (page.fonts[f.id] == null) page.fonts[f.id] = f.ref();
          runs.push((run = { font: f.id, hex: '', width: 0 }));
        }
        if (c.hex === undefined) c.hex = encodeGlyphs(f, c.ch);
        run.hex += c.hex;
        run.width += c.adv;
      }
      return runs;
    },
    metrics: (weight: Weight) => {
      // The Latin file's, as svg-to-pdfkit placed a chart's baselines (its text elements were in that file).
      const known = this.svgMetrics.get(weight);
      if (known) return known;
      this.doc.font(this.use(subsetOf(0x41) ?? '[119]', weight));
      const f = (this.doc as unknown as { _font: { ascender: number; descender: number; xHeight?: number; scale?: number; bbox: { minY: number; maxY: number } } })._font;
      const scale = f.scale || 1;
      const m = { ascent: Math.max(f.ascender, f.bbox.maxY * scale), descent: Math.min(f.descender, f.bbox.minY * scale), xHeight: f.xHeight || 0.5 * (f.ascender - f.descender) };
      this.svgMetrics.set(weight, m);
      return m;
    },
  };

  private readonly svgMetrics = new Map<Weight, { ascent: number; descent: number; xHeight: number }>();

  /** A PNG (e.g. a QR code) at (x, y), `size` points square. */
  image(png: Buffer, x: number, y: number, size: number): this {
    this.doc.image(png, x, y, { width: size, height: size });
    return this;
  }

  addPage(): this {
    this.doc.addPage();
    return this;
  }

  /** The document's bytes. */
  async finish(): Promise<Buffer> {
    this.doc.end();
    if (!this.deflater) return this.done;
    this.deflater.flush();
    this.openGate();
    try {
      await this.written;
      return await this.done;
    } finally {
      await this.deflater.close();
    }
  }
}

/** The font-family a chart's text run names: this prefix and its subset file (`cadre-run-[116]`). */
const RUN_FAMILY = 'cadre-run-';

const decodeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    const k = e.toLowerCase();
    if (k[0] === '#') return String.fromCodePoint(k[1] === 'x' ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[k]!;
  });
const encodeXml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * Each `<text>` of an SVG with plain content, its content cut into tspans by
 * font file (`fontRuns`), each tspan naming its file as its font-family.
 */
export function svgTextRuns(svg: string): string {
  return svg.replace(/(<text\b[^>]*>)([^<]*)(<\/text>)/g, (_m, open: string, body: string, close: string) => {
    const text = decodeXml(body);
    if (text === '') return open + close;
    const runs = fontRuns(text).map((r) => `<tspan font-family="${RUN_FAMILY}${r.subset}">${encodeXml(r.text)}</tspan>`).join('');
    return open + runs + close;
  });
}
