/**
 * The font an HTML file carries inside it: for the characters the file
 * shows, a subset of Noto Sans SC (the font the PDFs embed, from the
 * @fontsource package `npm install` brings), one small TrueType file per
 * file of the package that holds some of them, each as an `@font-face` with
 * a `data:` URL and the `unicode-range` of the characters it has. A report
 * opened on a machine without a Chinese font (a fresh Linux, a locked-down
 * phone browser) then shows its Chinese, and every machine draws the same
 * glyphs, so the page prints the same everywhere.
 *
 * About 70 KB for a year-end report's 300-odd distinct characters, built in
 * about 0.2 s. The bytes are a function of the characters alone.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fontFilesOf, sfntOf, subsetOf } from './pdf.js';

const require = createRequire(import.meta.url);

/** What is used of fontkit (the font library pdfkit draws with; it ships no types). */
interface Glyph {
  id: number;
}
interface Font {
  glyphForCodePoint(cp: number): Glyph | null;
  createSubset(): { includeGlyph(g: Glyph): number; encode(): Uint8Array };
}
let fontkit: { create(buffer: Buffer): Font } | undefined;

/** The family the HTML's CSS names first. */
export const WEB_FONT_FAMILY = 'Noto Sans SC';

function rangeText(cps: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cps.length; ) {
    let j = i;
    while (j + 1 < cps.length && cps[j + 1] === cps[j] + 1) j++;
    const hex = (n: number) => n.toString(16).toUpperCase();
    parts.push(j > i ? `U+${hex(cps[i])}-${hex(cps[j])}` : `U+${hex(cps[i])}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The tables of an SFNT font file, by tag. */
function tablesOf(sfnt: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const n = sfnt.readUInt16BE(4);
  for (let i = 0; i < n; i++) {
    const at = 12 + i * 16;
    const offset = sfnt.readUInt32BE(at + 8);
    out.set(sfnt.toString('latin1', at, at + 4), sfnt.subarray(offset, offset + sfnt.readUInt32BE(at + 12)));
  }
  return out;
}

function checksum(b: Buffer): number {
  let sum = 0;
  const padded = b.length % 4 ? Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]) : b;
  for (let i = 0; i < padded.length; i += 4) sum = (sum + padded.readUInt32BE(i)) >>> 0;
  return sum;
}

/** A cmap with a format 4 subtable (BMP, Windows Unicode) and a format 12 one (all of Unicode), one segment per character. */
function cmapTable(mapping: [number, number][]): Buffer {
  const bmp = mapping.filter(([cp]) => cp <= 0xffff);
  const segs = [...bmp.map(([cp, gid]) => ({ start: cp, end: cp, delta: (gid - cp + 0x10000) & 0xffff })), { start: 0xffff, end: 0xffff, delta: 1 }];
  const segX2 = segs.length * 2;
  let search = 1;
  let selector = 0;
  while (search * 2 <= segs.length) (search *= 2), selector++;
  const f4 = Buffer.alloc(16 + segs.length * 8);
  f4.writeUInt16BE(4, 0);
  f4.writeUInt16BE(f4.length, 2);
  f4.writeUInt16BE(segX2, 6);
  f4.writeUInt16BE(search * 2, 8);
  f4.writeUInt16BE(selector, 10);
  f4.writeUInt16BE(segX2 - search * 2, 12);
  segs.forEach((g, i) => {
    f4.writeUInt16BE(g.end, 14 + i * 2);
    f4.writeUInt16BE(g.start, 16 + segX2 + i * 2);
    f4.writeUInt16BE(g.delta, 16 + segX2 * 2 + i * 2);
    // idRangeOffset stays 0.
  });
  const f12 = Buffer.alloc(16 + mapping.length * 12);
  f12.writeUInt16BE(12, 0);
  f12.writeUInt32BE(f12.length, 4);
  f12.writeUInt32BE(mapping.length, 12);
  mapping.forEach(([cp, gid], i) => {
    f12.writeUInt32BE(cp, 16 + i * 12);
    f12.writeUInt32BE(cp, 20 + i * 12);
    f12.writeUInt32BE(gid, 24 + i * 12);
  });
  const head = Buffer.alloc(4 + 2 * 8);
  head.writeUInt16BE(2, 2);
  head.writeUInt16BE(3, 4);
  head.writeUInt16BE(1, 6);
  head.writeUInt32BE(head.length, 8);
  head.writeUInt16BE(3, 12);
  head.writeUInt16BE(10, 14);
  head.writeUInt32BE(head.length + f4.length, 16);
  return Buffer.concat([head, f4, f12]);
}

/**
 * The subset fontkit writes (made for a PDF: glyph outlines and metrics only) as a font a browser
 * takes: a cmap for the characters kept, and OS/2, name and post (version 3, no glyph names) from the
 * file it was cut from; the tables sorted by tag, checksums and head's adjustment set.
 */
function standalone(subset: Buffer, original: Buffer, mapping: [number, number][]): Buffer {
  const tables = tablesOf(subset);
  const from = tablesOf(original);
  tables.set('cmap', cmapTable(mapping));
  for (const tag of ['OS/2', 'name']) if (from.has(tag)) tables.set(tag, from.get(tag)!);
  const post = Buffer.from(from.get('post')!.subarray(0, 32));
  post.writeUInt32BE(0x00030000, 0);
  tables.set('post', post);
  const head = Buffer.from(tables.get('head')!);
  head.writeUInt32BE(0, 8);
  tables.set('head', head);
  const tags = [...tables.keys()].sort();
  let search = 1;
  let selector = 0;
  while (search * 2 <= tags.length) (search *= 2), selector++;
  const dir = Buffer.alloc(12 + tags.length * 16);
  dir.writeUInt32BE(0x00010000, 0);
  dir.writeUInt16BE(tags.length, 4);
  dir.writeUInt16BE(search * 16, 6);
  dir.writeUInt16BE(selector, 8);
  dir.writeUInt16BE(tags.length * 16 - search * 16, 10);
  const parts: Buffer[] = [dir];
  let offset = dir.length;
  tags.forEach((tag, i) => {
    const data = tables.get(tag)!;
    const at = 12 + i * 16;
    dir.write(tag, at, 'latin1');
    dir.writeUInt32BE(checksum(data), at + 4);
    dir.writeUInt32BE(offset, at + 8);
    dir.writeUInt32BE(data.length, at + 12);
    const pad = (4 - (data.length % 4)) % 4;
    parts.push(data, Buffer.alloc(pad));
    offset += data.length + pad;
  });
  const font = Buffer.concat(parts);
  const headAt = 12 + tags.indexOf('head') * 16;
  font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, font.readUInt32BE(headAt + 8) + 8);
  return font;
}

/** The distinct code points of a text, in order of first appearance (a report is megabytes of mostly repeated characters). */
function codePointsOf(text: string): number[] {
  const seen = new Uint8Array(0x10000);
  const astral = new Set<number>();
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
        i++;
        if (!astral.has(cp)) astral.add(cp), out.push(cp);
        continue;
      }
    }
    if (!seen[c]) (seen[c] = 1), out.push(c);
  }
  return out;
}

/**
 * `@font-face` rules (regular weight; bold is drawn by the browser from it) covering every
 * character of `text` the font has: the characters sorted, one rule per package file, in its order.
 */
export function embeddedFontCss(text: string): string {
  const bySubset = new Map<string, number[]>();
  for (const cp of codePointsOf(text)) {
    if (cp < 0x20) continue;
    const subset = subsetOf(cp);
    if (subset === null) continue;
    let list = bySubset.get(subset);
    if (!list) bySubset.set(subset, (list = []));
    list.push(cp);
  }
  const dir = fontFilesOf().dir;
  const rules: string[] = [];
  for (const subset of [...bySubset.keys()].sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')) || a.localeCompare(b))) {
    const file = path.join(dir, `noto-sans-sc-${subset.replace(/[[\]]/g, '')}-400-normal.woff`);
    if (!fs.existsSync(file)) continue;
    fontkit ??= require('fontkit') as { create(buffer: Buffer): Font };
    const sfnt = sfntOf(file);
    const font = fontkit.create(sfnt);
    const cps = bySubset.get(subset)!.sort((a, b) => a - b);
    const sub = font.createSubset();
    const have: number[] = [];
    const mapping: [number, number][] = [];
    for (const cp of cps) {
      const glyph = font.glyphForCodePoint(cp);
      if (!glyph || glyph.id === 0) continue;
      mapping.push([cp, sub.includeGlyph(glyph)]);
      have.push(cp);
    }
    if (!have.length) continue;
    const bytes = standalone(Buffer.from(sub.encode()), sfnt, mapping);
    rules.push(`@font-face{font-family:"${WEB_FONT_FAMILY}";font-style:normal;font-weight:400;font-display:block;src:url(data:font/ttf;base64,${bytes.toString('base64')}) format("truetype");unicode-range:${rangeText(have)}}`);
  }
  return rules.join('\n');
}
