/**
 * LibreOffice for the tests that open the tool's files as an office would:
 * where soffice is, converting files to flat ODS (.fods, one XML file) in
 * one call, and reading the first sheet's cells back with their types.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function findSoffice(): string | null {
  for (const p of ['/usr/bin/soffice', '/usr/bin/libreoffice', '/usr/local/bin/soffice']) if (fs.existsSync(p)) return p;
  return null;
}

/**
 * Opens `files` in LibreOffice and saves each as `<name>.fods` in `outDir`
 * (one soffice run, a profile of its own under `dir`). `infilter` is the
 * CSV import's options, as for a CSV opened there.
 */
export function toFods(soffice: string, files: string[], outDir: string, profile: string, infilter?: string): void {
  const args = [`-env:UserInstallation=file://${profile}`, '--headless', ...(infilter ? [`--infilter=${infilter}`] : []), '--convert-to', 'fods', '--outdir', outDir, ...files];
  execFileSync(soffice, args, { stdio: 'ignore', timeout: 180_000 });
}

/** A cell as LibreOffice holds it: its type (`string`, `float`, `date`, … or '' when empty), its value and its text. */
export interface OfficeCell {
  type: string;
  value: string;
  text: string;
}

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`${name}="([^"]*)"`).exec(attrs);
  return m ? decode(m[1]) : undefined;
}

/** The first sheet of a .fods file, row by row (trailing empty rows left out). */
export function readFods(file: string): OfficeCell[][] {
  const xml = fs.readFileSync(file, 'utf8');
  const table = /<table:table\b[\s\S]*?<\/table:table>/.exec(xml)![0];
  const rows: OfficeCell[][] = [];
  for (const rm of table.matchAll(/<table:table-row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-row>)/g)) {
    const cells: OfficeCell[] = [];
    for (const cm of (rm[2] ?? '').matchAll(/<table:(?:covered-)?table-cell\b([^>]*?)(?:\/>|>([\s\S]*?)<\/table:(?:covered-)?table-cell>)/g)) {
      const a = cm[1];
      const paragraphs = [...(cm[2] ?? '').matchAll(/<text:p\b[^>]*>([\s\S]*?)<\/text:p>/g)].map((p) => decode(p[1].replace(/<text:line-break\/>/g, '\n').replace(/<text:s\/>/g, ' ').replace(/<text:s text:c="(\d+)"\/>/g, (_, n) => ' '.repeat(Number(n))).replace(/<[^>]+>/g, '')));
      const cell = { type: attr(a, 'office:value-type') ?? '', value: attr(a, 'office:date-value') ?? attr(a, 'office:value') ?? '', text: paragraphs.join('\n') };
      const repeat = Math.min(Number(attr(a, 'table:number-columns-repeated') ?? 1), 64);
      for (let i = 0; i < repeat; i++) cells.push(cell);
    }
    while (cells.length && cells[cells.length - 1].type === '' && cells[cells.length - 1].text === '') cells.pop();
    rows.push(cells);
  }
  while (rows.length && !rows[rows.length - 1].length) rows.pop();
  return rows;
}

/** The fods of `file` converted into `outDir`. */
export function fodsOf(outDir: string, file: string): OfficeCell[][] {
  return readFods(path.join(outDir, path.basename(file).replace(/\.[^.]+$/, '.fods')));
}
