/**
 * A centred or right-aligned line of text in several font files (Chinese and
 * Latin runs) is placed as one line: its words in order, side by side, the
 * line centred on the page or ending at the right margin. Each run used to be
 * aligned on its own, and the runs were drawn over one another.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PdfWriter, fontRuns } from '../../src/io/pdf.js';

const hasPoppler = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).error === undefined;
if (!hasPoppler) console.log('test/io/pdf-align.test.ts: pdftotext (poppler-utils) is not installed: the check of where aligned text is placed is skipped');

interface Word { text: string; xMin: number; xMax: number; yMin: number }

function words(file: string): Word[] {
  const html = spawnSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' }).stdout;
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map((m) => ({ text: m[4], xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]) }));
}

describe('PdfWriter alignment', () => {
  it('the lines are in several font files', () => {
    expect(fontRuns('截至 2026-05-15').length).toBeGreaterThan(1);
    expect(fontRuns('党委组织部 Office').length).toBeGreaterThan(1);
  });

  it.runIf(hasPoppler)('centres and right-aligns a line of several runs as one line', async () => {
    const pdf = await PdfWriter.create({ title: 't', date: new Date(0) });
    pdf.text('截至 2026-05-15', { size: 12, align: 'center' });
    pdf.text('党委组织部 Office', { size: 12, align: 'right' });
    pdf.text('下一行 next', { size: 12 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-pdf-align-'));
    const file = path.join(dir, 'a.pdf');
    fs.writeFileSync(file, await pdf.finish());
    const w = words(file);
    fs.rmSync(dir, { recursive: true, force: true });
    const line = (a: string, b: string) => [w.find((x) => x.text === a)!, w.find((x) => x.text === b)!];
    const [date1, date2] = line('截至', '2026-05-15');
    expect(date1.xMax).toBeLessThanOrEqual(date2.xMin + 0.5);
    expect(Math.abs(date1.yMin - date2.yMin)).toBeLessThan(2);
    // A4 is 595.28 points wide, margins 56: the centre is at 297.6, the right margin at 539.3.
    expect(Math.abs((date1.xMin + date2.xMax) / 2 - 297.6)).toBeLessThan(3);
    const [office1, office2] = line('党委组织部', 'Office');
    expect(office1.xMax).toBeLessThanOrEqual(office2.xMin + 0.5);
    expect(Math.abs(office2.xMax - 539.3)).toBeLessThan(3);
    // The next left-aligned line starts at the left margin again.
    expect(Math.abs(w.find((x) => x.text === '下一行')!.xMin - 56)).toBeLessThan(1);
  });
});
