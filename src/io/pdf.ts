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
import zlib from 'node:zlib';

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

/** The glyphs of `text` as pdfkit's EmbeddedFont.encode gives them (hex glyph ids of the subset), each added to the subset, widths and to-Unicode map. */
function encodeGlyphs(f: PdfInternals['_font'], text: string): string {
  let hex = '';
  for (const g of f.font.glyphsForString(text)) {
    const gid = f.subset.includeGlyph(g.id);
    hex += ('0000' + gid.toString(16)).slice(-4);
    if (f.widths[gid] == null) f.widths[gid] = g.advanceWidth * f.scale;
    if (f.unicode[gid] == null) f.unicode[gid] = g.codePoints;
  }
  return hex;
}

/** A number as pdfkit writes it into a content stream (PDFObject.number). */
function pdfNumber(n: number): number {
  if (n > -1e21 && n < 1e21) return Math.round(n * 1e6) / 1e6;
  throw new Error(`unsupported number: ${n}`);
}

/** A PDF being drawn: see the top of this file. */
export class PdfWriter {
  readonly doc: Doc;
  private readonly registered = new Set<string>();
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;

  private constructor(doc: Doc) {
    this.doc = doc;
    doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      doc.on('error', reject);
    });
  }

  static async create(opts: PdfOptions): Promise<PdfWriter> {
    const { default: PDFDocument } = await import('pdfkit');
    const doc = new PDFDocument({
      size: 'A4',
      layout: opts.landscape ? 'landscape' : 'portrait',
      margin: opts.margin ?? 56,
      info: { Title: opts.title, Author: opts.author ?? '', Creator: 'cadre', Producer: 'cadre', CreationDate: opts.date, ModDate: opts.date },
      bufferPages: opts.bufferPages ?? true,
      // No standard font: pdfkit would parse Helvetica's metrics for a font no text here is drawn in.
      // The document starts in the Latin file of Noto Sans SC instead (every document draws digits).
      font: null as unknown as string,
    });
    const pdf = new PdfWriter(doc);
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

  /** Draws `text` wrapped to the width, in the font files its characters need. */
  text(text: string, opts: TextOptions = {}): this {
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
    const chars: CharInfo[] = [];
    const ws: number[] = [];
    const infos = this.charInfos(weight);
    for (const ch of text === '' ? ' ' : text) {
      let c = infos.get(ch);
      if (c === undefined) {
        const subset = fontRuns(ch)[0].subset;
        const font = this.use(subset, weight);
        infos.set(ch, (c = { ch, font, adv: this.advanceOf(font, ch), space: ch === ' ', wide: ch.codePointAt(0)! >= 0x2e80, closing: CLOSING.has(ch), opening: OPENING.has(ch), hex: undefined }));
      }
      chars.push(c);
      ws.push(c.adv * size);
    }
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
    this.doc.font(chars[0].font).fontSize(size);
    const lineHeight = this.doc.currentLineHeight(true) + gap;
    let y = opts.y ?? this.doc.y;
    for (const l of lines) {
      if (y + lineHeight > this.bottom && y > this.doc.page.margins.top) {
        this.addPage();
        y = this.doc.page.margins.top;
      }
      let x = left;
      this.doc.fillColor(opts.color ?? '#000000');
      const ops: string[] = [];
      for (let i = l.from; i < l.to; ) {
        const font = chars[i].font;
        this.doc.font(font).fontSize(size);
        let j = i;
        let w = 0;
        if (plain) {
          const f = (this.doc as unknown as PdfInternals)._font;
          let hex = '';
          while (j < l.to && chars[j].font === font) {
            const c = chars[j];
            if (c.hex === undefined) c.hex = encodeGlyphs(f, c.ch);
            hex += c.hex;
            w += ws[j];
            j++;
          }
          ops.push(this.fragmentHexOps(hex, x, y));
        } else {
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
            this.doc.text(run, x, y, { lineBreak: false });
          } else ops.push(this.fragmentOps(run, x, y));
        }
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
   * Its texts are drawn in the font files their characters need: each text
   * element is cut into runs (`fontRuns`), each run a tspan naming its file,
   * since svg-to-pdfkit gives a text element one font and no one file of
   * the font holds every character.
   */
  async svg(svg: string, width: number, height: number): Promise<this> {
    const { default: SVGtoPDF } = await import('svg-to-pdfkit');
    if (this.doc.y + height > this.bottom) this.addPage();
    const x = this.doc.page.margins.left;
    const y = this.doc.y;
    const latin = subsetOf(0x41) ?? '[119]';
    SVGtoPDF(this.doc, svgTextRuns(svg), x, y, {
      width,
      height,
      fontCallback: (family: string, bold: boolean) => this.use(family.startsWith(RUN_FAMILY) ? family.slice(RUN_FAMILY.length) : latin, bold ? 700 : 400),
    });
    this.doc.y = y + height;
    this.doc.x = x;
    return this;
  }

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
    return this.done;
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
