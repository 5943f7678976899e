/**
 * present(view): one listing, three renderings. The table shows each
 * column's terminal-only short form and leaves out the tableless columns;
 * CSV and JSON carry the values whole; JSON is indented only for a terminal;
 * the BOM only in a file; colour only on a terminal, never in a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outFile, present, type Column, type View } from '../../src/shell/render.js';
import { run as courses } from '../../src/commands/courses.js';
import { run as requireCourses } from '../../src/commands/require.js';
import { CadreError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';
import { runCommand } from '../helpers/run.js';

interface Row {
  id: number;
  sha: string;
  note: string;
}

const rows: Row[] = [
  { id: 1, sha: 'abcdef0123456789abcdef', note: 'first' },
  { id: 2, sha: '0123456789abcdef012345', note: 'second' },
];
const columns: Column<Row>[] = [
  { key: 'id', header: 'ID' },
  { key: 'sha', header: 'Hash', short: (r) => r.sha.slice(0, 6) },
  { key: 'note', header: 'Note', tableless: true },
];
const view = (list: Row[] = rows): View<Row> => ({
  columns,
  rows: list,
  json: () => list.map((r) => ({ id: r.id, sha256: r.sha })),
  empty: 'nothing here',
  paint: (key, text) => (key === 'id' ? `<${text}>` : text),
});

function context(opts: { tty?: boolean; color?: boolean } = {}) {
  const ctx = testContext({ cwd: tempDir() });
  ctx.out.isTTY = !!opts.tty;
  ctx.color = !!opts.color;
  return ctx;
}

describe('present', () => {
  it('a table: the short forms, without the tableless columns, coloured when colour is on', async () => {
    const ctx = context({ tty: true, color: true });
    await present(ctx, view(), { format: 'table' });
    const text = ctx.stdout.join('');
    expect(text).toContain('abcdef');
    expect(text).not.toContain('abcdef0123');
    expect(text).not.toContain('Note');
    expect(text).not.toContain('first');
    expect(text).toContain('<1>');
    expect(ctx.stderr).toEqual([]);
  });

  it('CSV and JSON carry every value whole', async () => {
    const ctx = context();
    await present(ctx, view(), { format: 'csv' });
    expect(ctx.stdout.join('')).toBe('ID,Hash,Note\r\n1,abcdef0123456789abcdef,first\r\n2,0123456789abcdef012345,second\r\n');
    ctx.stdout.length = 0;
    await present(ctx, view(), { format: 'json' });
    expect(ctx.stdout.join('')).toBe('[\n{"id":1,"sha256":"abcdef0123456789abcdef"},\n{"id":2,"sha256":"0123456789abcdef012345"}\n]\n');
  });

  it('JSON is indented on a terminal', async () => {
    const ctx = context({ tty: true });
    await present(ctx, view(), { format: 'json' });
    expect(JSON.parse(ctx.stdout.join(''))).toEqual(view().json());
    expect(ctx.stdout.join('')).toContain('\n  {\n    "id": 1,');
  });

  it('no rows: the table says so, the CSV keeps its header, the JSON is []', async () => {
    const ctx = context({ tty: true });
    for (const format of ['table', 'csv', 'json'] as const) await present(ctx, view([]), { format });
    expect(ctx.stdout).toEqual(['nothing here\n', 'ID,Hash,Note\r\n', '[]\n']);
  });

  it('to a file: the BOM in a CSV, JSON compact, a table uncoloured, each named on stderr, each 0600', async () => {
    const ctx = context({ tty: true, color: true });
    for (const [format, name] of [['csv', 'a.csv'], ['json', 'a.json'], ['table', 'a.txt']] as const) {
      await present(ctx, view(), { format, out: outFile(ctx, name) });
      if (process.platform !== 'win32') expect(fs.statSync(path.join(ctx.cwd, name)).mode & 0o777).toBe(0o600);
    }
    expect(ctx.stdout).toEqual([]);
    expect(ctx.stderr).toEqual(['wrote a.csv\n', 'wrote a.json\n', 'wrote a.txt\n']);
    const read = (name: string) => fs.readFileSync(path.join(ctx.cwd, name), 'utf8');
    expect(read('a.csv').startsWith('\uFEFFID,Hash,Note\r\n')).toBe(true);
    expect(read('a.json')).toBe('[\n{"id":1,"sha256":"abcdef0123456789abcdef"},\n{"id":2,"sha256":"0123456789abcdef012345"}\n]\n');
    expect(read('a.txt')).not.toContain('<1>');
    expect(read('a.txt')).toContain('abcdef');
  });

  it('xlsx is not a listing format: refused, nothing written', async () => {
    const ctx = context();
    await expect(present(ctx, view(), { format: 'xlsx' })).rejects.toBeInstanceOf(CadreError);
    expect(ctx.stdout).toEqual([]);
  });
});

describe('a listing command in-process: run(opts, ctx)', () => {
  it('courses in every format from the same rows', async () => {
    const ctx = testContext({ cwd: tempDir() });
    // Only issue-accounts and restore create a database: make an empty one as they would.
    ctx.db({ create: true });
    const made = await runCommand({ run: requireCourses }, { codes: ['C101', 'C102'], year: '2025', rank: 'division', hours: '2' }, ctx);
    expect(made.code, made.stderr).toBe(0);
    // A confirmation: stderr only.
    expect(made.stdout).toBe('');
    expect(made.stderr).toMatch(/2 required-course designations added \(2025-2026, division\)/);
    const csv = await runCommand({ run: courses }, { format: 'csv' }, ctx);
    expect(csv).toEqual({ code: 0, stdout: 'code,title,hours,hours from,required\r\nC101,,2,require --hours,2025-2026 division\r\nC102,,2,require --hours,2025-2026 division\r\n', stderr: '' });
    const json = await runCommand({ run: courses }, { format: 'json', year: '2025' }, ctx);
    expect(JSON.parse(json.stdout)).toEqual([
      { code: 'C101', title: null, hours: 2, hours_source: 'require', required: [{ year: 2025, rank: 'division' }] },
      { code: 'C102', title: null, hours: 2, hours_source: 'require', required: [{ year: 2025, rank: 'division' }] },
    ]);
    const none = await runCommand({ run: courses }, { format: 'table', year: '2031' }, ctx);
    expect(none.stdout).toBe('The catalogue is empty.\n');
    const bad = await runCommand({ run: courses }, { year: '20x' }, ctx);
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toMatch(/^error: /);
  });
});
