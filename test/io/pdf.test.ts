/** The PDF writer: Chinese renders from the font an npm install brings, only the glyphs used are embedded, the same content gives the same bytes. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PdfWriter, fontRuns, subsetOf } from '../../src/io/pdf.js';
import { pdfStreams } from '../helpers/pdf-streams.js';

const TEXT = '学时证明：张伟（计算机学院）2025-2026学年 平台学时 17/20，总学分 17.8/60';

async function make(text = TEXT): Promise<Buffer> {
  const pdf = await PdfWriter.create({ title: '学时证明', date: new Date(Date.UTC(2026, 11, 1, 10, 0, 0)) });
  pdf.text(text, { size: 14, weight: 700 }).moveDown().rule().text('党委组织部 Organisation Department');
  return pdf.finish();
}

const hasPoppler = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).error === undefined;

describe('PdfWriter', () => {
  it('cuts text into runs of the font files that hold its characters', () => {
    const runs = fontRuns('学时A学');
    expect(runs.map((r) => r.text).join('')).toBe('学时A学');
    for (const r of runs) for (const ch of r.text) expect(subsetOf(ch.codePointAt(0)!)).toBe(r.subset);
  });

  it('lays a run out glyph by glyph at each glyph advance, without shaping: "fi" is two glyphs, a word is as wide as its letters', async () => {
    const pdf = await PdfWriter.create({ title: 't', date: new Date(0) });
    pdf.text('office');
    const font = (pdf.doc as unknown as { _font: { layoutRun(t: string): { glyphs: { codePoints: number[] }[]; advanceWidth: number } } })._font;
    const run = font.layoutRun('office');
    expect(run.glyphs.map((g) => String.fromCodePoint(...g.codePoints)).join('')).toBe('office');
    const sum = [...'office'].reduce((w, ch) => w + font.layoutRun(ch).advanceWidth, 0);
    expect(run.advanceWidth).toBeCloseTo(sum, 6);
    await pdf.finish();
  });

  it('embeds only the glyphs used, and the same content and date give the same bytes', async () => {
    const a = await make();
    const b = await make();
    expect(a.subarray(0, 5).toString()).toBe('%PDF-');
    expect(a.length).toBeLessThan(250_000);
    expect(a.equals(b)).toBe(true);
    expect((await make(TEXT + '。')).equals(a)).toBe(false);
  });

  it.runIf(hasPoppler)('wraps a paragraph within its width onto further pages, no line starting with closing punctuation, every character kept in order', async () => {
    const text = Array.from({ length: 400 }, (_, i) => `张伟（WZ2600${String(i).padStart(2, '0')}，处级）：本任期 总学分 6/60，缺 54 学分。`).join('');
    const pdf = await PdfWriter.create({ title: 't', date: new Date(0), bufferPages: false });
    pdf.paragraph(text, { size: 10, width: 200 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-pdf-'));
    const file = path.join(dir, 'p.pdf');
    fs.writeFileSync(file, await pdf.finish());
    const out = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
    const lines = out.split(/\n|\f/).map((l) => l.trim()).filter(Boolean);
    expect(spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout).toMatch(/Pages:\s+([2-9]|\d\d)/);
    expect(lines.length).toBeGreaterThan(100);
    for (const l of lines) expect(l).not.toMatch(/^[，。；：、）]/);
    expect(lines.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.runIf(hasPoppler)('writes a paragraph line as one text object of literal strings, escaping the glyph bytes that must be (a parenthesis, a backslash, a carriage return), every character kept', async () => {
    // 150 distinct characters of one file of the font: its subset's glyph ids run through 0x0d,
    // 0x28, 0x29 and 0x5c, the bytes a literal string escapes.
    const fontFile = subsetOf('学'.codePointAt(0)!);
    const same: string[] = [];
    for (let cp = 0x4e00; cp <= 0x9fff && same.length < 150; cp++) if (subsetOf(cp) === fontFile) same.push(String.fromCodePoint(cp));
    expect(same.length).toBe(150);
    const text = same.join('') + ' (a\\b) 学时';
    const pdf = await PdfWriter.create({ title: 't', date: new Date(0) });
    pdf.paragraph(text, { size: 10, width: 300 });
    const bytes = await pdf.finish();
    const content = pdfStreams(bytes).find((s) => s.includes(' Tf'))!;
    for (const escaped of ['\\(', '\\)', '\\\\', '\\r']) expect(content).toContain(escaped);
    expect(content).toContain(') Tj');
    expect(content).not.toContain('> 0] TJ');
    // One text object a line.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-pdf-'));
    const file = path.join(dir, 'p.pdf');
    fs.writeFileSync(file, bytes);
    const lines = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout.split(/\n|\f/).map((l) => l.trim()).filter(Boolean);
    expect(content.match(/\nBT\n/g)!.length).toBe(lines.length);
    expect(lines.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('draws a line that fits with the bytes pdfkit gives it (a longer one left to pdfkit), and measures it as heightOf does', async () => {
    const cells: [string, 'left' | 'right', number][] = [
      ['计算机学院', 'left', 120],
      ['12.5%', 'right', 60],
      ['Rate in good standing', 'left', 140],
      ['1234', 'right', 40],
      ['—', 'right', 40],
      ['12.3%', 'right', 50],
      ['100.0%', 'right', 50],
      ['±0', 'right', 40],
      ['+1.5', 'right', 40],
      ['−3', 'right', 40],
      ['计算机学院-3', 'right', 120],
      ['本任期 总学分 6/60，缺 54 学分，还需参加专题培训和调研报告', 'left', 80],
    ];
    const make = async (fast: boolean, list = cells) => {
      const pdf = await PdfWriter.create({ title: 't', date: new Date(0) });
      const heights: number[] = [];
      let y = 60;
      for (const weight of [400, 700] as const) {
        for (const [text, align, width] of list) {
          const o = { size: 9, weight, width, align, x: 50, y, lineGap: 1 };
          heights.push(fast ? pdf.cellHeight(text, o) : pdf.heightOf(text, o));
          if (fast) pdf.text(text, o);
          else pdf.wrappedText(text, o);
          y += 30;
        }
      }
      // And a heading where the last text left off, as the report draws one.
      pdf.doc.y = 700;
      if (fast) pdf.text('Departments', { size: 14, weight: 700, color: '#1f5fa8' });
      else pdf.wrappedText('Departments', { size: 14, weight: 700, color: '#1f5fa8' });
      heights.push(pdf.doc.y);
      return { bytes: await pdf.finish(), heights };
    };
    const fast = await make(true);
    const slow = await make(false);
    expect(fast.heights).toEqual(slow.heights);
    expect(fast.bytes.equals(slow.bytes)).toBe(true);
    // A left-aligned line of several font files: each run where pdfkit puts it, to 0.00001 pt.
    const mixed: [string, 'left' | 'right', number][] = [['达标率（处级）Rate', 'left', 140], ['计算机学院-3', 'left', 120]];
    const tms = (b: Buffer) => [...zlib.inflateSync(b.subarray(b.indexOf('stream\n') + 7, b.indexOf('\nendstream'))).toString('latin1').matchAll(/1 0 0 1 ([\d.]+) ([\d.]+) Tm/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const a = tms((await make(true, mixed)).bytes);
    const b = tms((await make(false, mixed)).bytes);
    expect(a.length).toBe(b.length);
    expect(a.length).toBeGreaterThan(4);
    a.forEach(([x, y], i) => {
      expect(Math.abs(x - b[i][0])).toBeLessThan(0.00001);
      expect(y).toBe(b[i][1]);
    });
  });

  it.runIf(hasPoppler)('renders the Chinese text: pdftotext reads it back (poppler-utils installed here)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-pdf-'));
    const file = path.join(dir, 'a.pdf');
    fs.writeFileSync(file, await make());
    const out = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
    expect(out.replace(/\s+/g, '')).toContain(TEXT.replace(/\s+/g, ''));
    const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' }).stdout;
    expect(fonts).toMatch(/NotoSansSC/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

if (!hasPoppler) console.log('test/io/pdf.test.ts: pdftotext (poppler-utils) is not installed: the check that the PDF reads back as its text is skipped');
