/**
 * The fast UTF-8 reader in openTable must read every file exactly as
 * csv-parse does: the same records on the same lines, and the same error at
 * the same place. UTF-16 files still go through csv-parse alone, so the same
 * text written both ways is the reference.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CadreError } from '../../src/errors.js';
import { openTable, type TableSpec } from '../../src/io/table.js';
import { tempDir } from './helpers.js';
// @ts-expect-error a plain .mjs helper shared with the bench
import { mulberry32 } from '../helpers/prng.mjs';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const spec: TableSpec = { columns: [], required: [] };

type Outcome = { header: string[]; rows: { line: number; raw?: string[]; problem?: unknown }[] } | { error: unknown };

async function readAs(text: string, name: string, encoding: 'utf-8' | 'utf-16le'): Promise<Outcome> {
  const file = path.join(tmp.dir, name);
  writeFileSync(file, encoding === 'utf-8' ? Buffer.from(text, 'utf8') : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  try {
    const { header, records } = await openTable(file, spec);
    const rows = [];
    for await (const r of records) rows.push({ line: r.line, raw: r.raw, ...(r.problem ? { problem: { ...r.problem, file: undefined } } : {}) });
    return { header: header.names, rows };
  } catch (e) {
    if (!(e instanceof CadreError)) throw e;
    const strip = (o: unknown) => JSON.parse(JSON.stringify(o, (k, v) => (k === 'file' ? undefined : v)));
    return { error: strip({ msg: e.msg, problems: e.problems, fix: e.fix }) };
  }
}

const rng: (seed: number) => () => number = mulberry32;

const PIECES = ['a', 'bc', '中文', ',', ',', '"', '""', '\n', '\n', '\r\n', '\r', ' ', '\t', '\u3000', 'x"y', '"q"', '"a,b"', '"l1\nl2"', '', '1'];

function randomCsv(r: () => number, tab: boolean): string {
  const header = tab ? 'a\tb\tc\n' : 'a,b,c\n';
  let body = '';
  const n = Math.floor(r() * 30);
  for (let i = 0; i < n; i++) {
    let piece = PIECES[Math.floor(r() * PIECES.length)];
    if (tab) piece = piece.replace(/,/g, '\t');
    body += piece;
  }
  return header + body;
}

describe('fast UTF-8 reader = csv-parse', () => {
  it('reads random files, comma and tab, exactly as csv-parse', async () => {
    const r = rng(4);
    for (let i = 0; i < Number(process.env.FAST_CSV_CASES ?? 400); i++) {
      const tab = r() < 0.2;
      const text = randomCsv(r, tab);
      const fast = await readAs(text, `f${i}.csv`, 'utf-8');
      const ref = await readAs(text, `f${i}.txt`, 'utf-16le');
      expect(fast, JSON.stringify(text)).toEqual(ref);
    }
  }, 120_000);

  it('reads random tails after a long simple start (past the first read and across reads)', async () => {
    const r = rng(5);
    const lead = 'h1,h2,h3\n' + Array.from({ length: 9000 }, (_, i) => `S${i},课程${i % 97},2025-09-0${(i % 9) + 1}\r\n`).join('');
    for (let i = 0; i < 25; i++) {
      const text = lead + randomCsv(r, false).slice(6);
      const fast = await readAs(text, `g${i}.csv`, 'utf-8');
      const ref = await readAs(text, `g${i}.txt`, 'utf-16le');
      expect(fast, `case ${i}`).toEqual(ref);
    }
  }, 120_000);

  it('agrees on long lines and long fields', async () => {
    const long = 'y'.repeat(70_000);
    for (const [i, text] of [
      `a,b\n${long},1\n2,3\n`,
      `a,b\n"${long}",1\n2,3\n`,
      `a,b\n${'z'.repeat((1 << 20) + 10)},1\n`,
      `a,b\n1,2\n${'w'.repeat(300_000)}`,
    ].entries()) {
      expect(await readAs(text, `l${i}.csv`, 'utf-8')).toEqual(await readAs(text, `l${i}.txt`, 'utf-16le'));
    }
  }, 60_000);
});
