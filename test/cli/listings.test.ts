/**
 * The listings an office needs, as it uses them: every listing written to a
 * file (--out: CSV with a BOM, the format from the extension, an existing
 * file refused without --overwrite), the essays list with those waiting for
 * review first and its filters, the transcript as a workbook with every
 * record and as a text file, and --split-by department in CSV and JSON (a
 * terminal table refused).
 *
 * Each command line runs in this process (test/helpers/run.ts: the real
 * program, a fresh context per run with a fixed clock).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CadreError } from '../../src/errors.js';
import { createTranslator } from '../../src/i18n/index.js';
import { formatForFile } from '../../src/shell/listing-out.js';
import { testContext } from '../helpers/context.js';
import { cadreIn, runArgs } from '../helpers/run.js';

function findSoffice(): string | null {
  for (const p of ['/usr/bin/soffice', '/usr/bin/libreoffice', '/usr/local/bin/soffice']) if (fs.existsSync(p)) return p;
  return null;
}
const soffice = findSoffice();
if (!soffice) console.warn("skipped: the transcript workbook opened in LibreOffice, because LibreOffice (soffice) is not installed here");

let dir: string;
const ids: Record<string, string> = {};
const cli = (args: string[]) => cadreIn({ cwd: dir, operator: 'office' })(args);
const write = (name: string, content: string) => fs.writeFileSync(path.join(dir, name), content);
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

async function ok(args: string[]) {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

/** A context whose stdout is a terminal with colour: what a file must not inherit. */
function terminal() {
  const ctx = testContext({ cwd: dir, operator: 'office' });
  ctx.out.isTTY = true;
  ctx.color = true;
  return ctx;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-listings-'));
  write(
    'roster.csv',
    'staff_no,name,department,rank,appointed_on\n007,Alice,Law,division,2024-09-10\n008,Bob,Law,section,2024-11-01\n009,Carol,History,division,2023-09-01\n',
  );
  await ok(['issue-accounts', 'roster.csv', '--out', 'creds.csv']);
  const lines = read('creds.csv').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  for (const l of lines.slice(1)) {
    const cells = l.split(',');
    ids[cells[1]] = cells[0];
  }
  write('hours.csv', 'staff_no,course_code,course_title,completed_on,hours\n007,C1,Party history,2025-10-01,2\n007,C2,University governance,2025-10-02,1.5\n009,C1,Party history,2025-10-03,2\n');
  await ok(['import-hours', 'hours.csv']);
  await ok(['record-essay', ids['007'], '--kind', 'reflection', '--title', 'What I learnt', '--submitted-on', '2025-12-01', '--chars', '3600']);
  await ok(['record-essay', ids['007'], '--kind', 'report', '--title', 'A survey', '--submitted-on', '2026-03-01', '--chars', '9000', '--status', 'pending']);
  await ok(['record-essay', ids['008'], '--kind', 'reflection', '--title', 'Notes', '--submitted-on', '2026-01-15', '--chars', '3600', '--status', 'pending']);
  await ok(['record-essay', ids['009'], '--kind', 'reflection', '--title', '=1+1 old notes', '--submitted-on', '2024-11-20', '--chars', '3600', '--status', 'rejected']);
  await ok(['record-training', ids['007'], '--topic', 'Governance', '--date', '2025-10-12']);
  await ok(['record-exam', ids['007'], '--exam', 'Mock exam', '--date', '2025-12-20', '--score', '86.5']);
  await ok(['exempt', ids['007'], '--requirement', 'hours', '--year', '2024', '--reason', 'sick leave']);
}, 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('--out on every listing', () => {
  const listings: [string, string[]][] = [
    ['courses', ['courses']],
    ['imports', ['imports']],
    ['accounts', ['accounts']],
    ['exemptions', ['exemptions']],
    ['log', ['log']],
    ['essays', ['essays']],
    ['audit', ['audit']],
  ];
  for (const [name, argv] of listings) {
    it(`${name}: --out NAME.csv is CSV with a BOM, even from a terminal; an existing file is refused without --overwrite`, async () => {
      const file = `${name}-out.csv`;
      const r = await runArgs([...argv, '--out', file], terminal());
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      const text = read(file);
      expect(text.startsWith('\uFEFF')).toBe(true);
      // CSV, not the terminal's table: no box drawing, no colour, rows ended by CRLF.
      expect(text).not.toMatch(/[┌│]|\x1b\[/);
      expect(text).toContain('\r\n');
      const again = await cli([...argv, '--out', file]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('--overwrite');
      expect(read(file)).toBe(text);
      expect((await cli([...argv, '--out', file, '--overwrite'])).code).toBe(0);
    });
  }

  it('exemptions: the requirement is in words in CSV (a person opens it), its ID in JSON', async () => {
    const zh = (await cadreIn({ cwd: dir, lang: 'zh' })(['exemptions', '--format', 'csv'])).stdout;
    expect(zh).toMatch(/,平台学时,2024,/);
    expect((await cli(['exemptions', '--format', 'csv'])).stdout).toMatch(/,platform hours,2024,/);
    expect(JSON.parse((await cli(['exemptions', '--format', 'json'])).stdout)[0].requirement).toBe('hours');
  });

  it('the extension gives the format: .json is JSON, .txt the terminal text without colour', async () => {
    expect((await runArgs(['essays', '--out', 'essays.json'], terminal())).code).toBe(0);
    expect(JSON.parse(read('essays.json')).map((e: { title: string }) => e.title)).toContain('A survey');
    expect((await runArgs(['log', '--out', 'log.txt'], terminal())).code).toBe(0);
    const text = read('log.txt');
    expect(text).toMatch(/┌/);
    expect(text).not.toMatch(/\x1b\[/);
  });

  it('an extension that disagrees with --format, or .xlsx for a listing without a workbook, is refused and nothing is written', async () => {
    const clash = await cli(['imports', '--format', 'json', '--out', 'clash.csv']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/\.csv.*--format json/);
    expect(clash.stderr).toMatch(/\.json/);
    const xlsx = await cli(['accounts', '--format', 'xlsx', '--out', 'accounts.csv']);
    expect(xlsx.code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'clash.csv')) || fs.existsSync(path.join(dir, 'accounts.csv'))).toBe(false);
    // A workbook needs a file.
    const noFile = await cli(['essays', '--format', 'xlsx']);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('--out');
    // Another extension is taken as --format says, else CSV.
    expect((await cli(['imports', '--format', 'json', '--out', 'imports.dat'])).code).toBe(0);
    expect(JSON.parse(read('imports.dat'))).toHaveLength(1);
  });

  it('a listing the file format cannot hold is refused, naming the extensions it can', () => {
    expect(() => formatForFile(undefined, 'list.xlsx', ['table', 'csv', 'json'])).toThrow(CadreError);
    try {
      formatForFile(undefined, 'list.xlsx', ['table', 'csv', 'json']);
    } catch (e) {
      expect(createTranslator('en').m((e as CadreError).fix!)).toBe('the extensions it can be written as: .txt .csv .json');
    }
    expect(formatForFile(undefined, 'LIST.XLSX', ['table', 'csv', 'json', 'xlsx'])).toBe('xlsx');
    expect(formatForFile(undefined, 'list', ['table', 'csv'])).toBe('csv');
  });

  for (const [name, argv] of listings) {
    it(`${name}: --out NAME.xlsx is a workbook whose cells keep their kind`, async () => {
      const file = `${name}-out.xlsx`;
      const r = await cli([...argv, '--out', file]);
      expect(r.code, r.stderr).toBe(0);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path.join(dir, file));
      const ws = wb.worksheets[0];
      expect(ws.rowCount).toBeGreaterThan(1);
      const csv = (await cli([...argv, '--format', 'csv'])).stdout.trim().split(/\r?\n/);
      // The audit's workbook is made to be printed and sent: a title row and a two-row header (平台学时 over 实际 | 要求) above the same rows.
      const head = name === 'audit' ? 3 : 1;
      if (name !== 'audit') expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(csv[0].split(','));
      expect(ws.rowCount - head).toBe(csv.length - 1);
      ws.eachRow((row, n) => {
        if (n <= head) return;
        row.eachCell((cell) => {
          // A formula never: every cell is a text, a number or a date.
          expect(cell.type === ExcelJS.ValueType.String || cell.type === ExcelJS.ValueType.Number || cell.type === ExcelJS.ValueType.Date, `${name} ${cell.address}`).toBe(true);
        });
      });
    });
  }

  it('in a workbook an essay list keeps the staff number as text, 字数 a number, the date a date, and "=1+1" text', async () => {
    await ok(['essays', '--out', 'essays-kinds.xlsx']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'essays-kinds.xlsx'));
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('essays-kinds');
    const head = (ws.getRow(1).values as unknown[]).slice(1);
    const col = (key: string) => head.indexOf(key) + 1;
    const rows = [2, 3, 4, 5].map((n) => ws.getRow(n));
    expect(rows.map((r) => r.getCell(col('staff_no')).value)).toEqual(['008', '007', '009', '007']);
    expect(rows[0].getCell(col('chars')).value).toBe(3600);
    expect(rows[0].getCell(col('submitted_on')).value).toEqual(new Date(Date.UTC(2026, 0, 15)));
    expect(rows[2].getCell(col('title')).type).toBe(ExcelJS.ValueType.String);
    expect(rows[2].getCell(col('title')).value).toBe('=1+1 old notes');
    // Ready to print: landscape, one page wide, the header on every page.
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' });
  });

  it.runIf(soffice)('LibreOffice reads a listing workbook with no cell changed: zeros kept, "=1+1" text without an apostrophe, dates as days', async () => {
    if (!fs.existsSync(path.join(dir, 'essays-kinds.xlsx'))) await ok(['essays', '--out', 'essays-kinds.xlsx']);
    const lo = fs.mkdtempSync(path.join(dir, 'lo-'));
    execFileSync(soffice!, [`-env:UserInstallation=file://${path.join(lo, 'profile')}`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false', '--outdir', lo, path.join(dir, 'essays-kinds.xlsx')], { stdio: 'ignore', timeout: 120_000 });
    const lines = fs.readFileSync(path.join(lo, 'essays-kinds.csv'), 'utf8').trim().split(/\r?\n/);
    const head = lines[0].split(',');
    const cell = (n: number, key: string) => lines[n].split(',')[head.indexOf(key)];
    expect(cell(1, 'staff_no')).toBe('008');
    expect(cell(1, 'submitted_on')).toBe('2026-01-15');
    expect(cell(1, 'chars')).toBe('3600');
    expect(cell(3, 'title')).toBe('=1+1 old notes');
  }, 120_000);

  it('on the terminal a filter\'s column, one value on every row, is left out; the files keep it', async () => {
    const ctx = testContext({ cwd: dir });
    ctx.out.isTTY = true;
    const table = (await runArgs(['essays', '--status', 'pending', '--department', 'Law'], ctx)).stdout;
    expect(table).toContain('A survey');
    expect(table).not.toMatch(/department|status|pending/);
    const csv = (await ok(['essays', '--status', 'pending', '--department', 'Law', '--format', 'csv'])).stdout;
    expect(csv.split(/\r?\n/)[1]).toMatch(/,Law,.*,pending,/);
  });

  it('in Chinese the refusal is in Chinese', async () => {
    const r = await cadreIn({ cwd: dir, lang: 'zh' })(['essays', '--format', 'csv', '--out', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('扩展名');
  });
});

describe('cadre essays', () => {
  const list = async (...args: string[]) => JSON.parse((await ok(['essays', ...args, '--format', 'json'])).stdout) as Record<string, unknown>[];

  it('lists every essay with its state, those waiting for review first', async () => {
    const all = await list();
    expect(all.map((e) => [e.title, e.status])).toEqual([
      ['Notes', 'pending'],
      ['A survey', 'pending'],
      ['=1+1 old notes', 'rejected'],
      ['What I learnt', 'approved'],
    ]);
    expect(all[0]).toMatchObject({ learner_id: ids['008'], staff_no: '008', name: 'Bob', department: 'Law', kind: 'reflection', submitted_on: '2026-01-15', chars: 3600, reviewed_at: null, source: { entered_by: 'office' } });
  });

  it('--status pending is the review queue; the stderr line counts what waits', async () => {
    const r = await ok(['essays', '--status', 'pending', '--format', 'csv']);
    const rows = r.stdout.trim().split(/\r?\n/);
    expect(rows[0].split(',')).toEqual(['ID', 'learner_id', 'staff_no', 'name', 'department', 'kind', 'title', 'submitted_on', 'chars', 'status', 'reviewed_at', 'source', 'resubmits', 'counts_on']);
    expect(rows.slice(1).map((l) => l.split(',')[6])).toEqual(['Notes', 'A survey']);
    expect(r.stderr).toContain('essays listed: 2, waiting for review: 2');
    expect((await list('--status', 'rejected')).map((e) => e.title)).toEqual(['=1+1 old notes']);
  });

  it('filters by department, academic year and kind; they combine', async () => {
    expect((await list('--department', 'History')).map((e) => e.title)).toEqual(['=1+1 old notes']);
    expect((await list('--year', '2025')).map((e) => e.title)).toEqual(['Notes', 'A survey', 'What I learnt']);
    expect((await list('--year', '2024')).map((e) => e.title)).toEqual(['=1+1 old notes']);
    expect((await list('--kind', 'report')).map((e) => e.title)).toEqual(['A survey']);
    expect((await list('--department', 'Law', '--status', 'pending', '--kind', 'reflection')).map((e) => e.title)).toEqual(['Notes']);
  });

  it('an empty queue says so on the terminal; a reviewed essay carries its review time, local to the minute', async () => {
    const ctx = testContext({ cwd: dir });
    ctx.out.isTTY = true;
    const none = await runArgs(['essays', '--department', 'History', '--status', 'pending'], ctx);
    expect(none.stdout).toBe('no essay is waiting for review\n');
    const id = (await list('--department', 'History'))[0].id as number;
    await ok(['review-essay', String(id), '--approve']);
    const csv = (await ok(['essays', '--department', 'History', '--format', 'csv'])).stdout.trim().split(/\r?\n/);
    // Local time to the minute, as the office reads it (the test clock is 2026-11-25 10:00 local).
    expect(csv[1].split(',').slice(9, 11)).toEqual(['approved', '2026-11-25 10:00']);
  });

  it('a department not on the roster is said, not answered with an empty list; a bad year is refused', async () => {
    const r = await cli(['essays', '--department', 'Lawx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no department "Lawx" on the roster');
    expect((await cli(['essays', '--year', '25'])).code).toBe(2);
  });
});

describe('the transcript in a file', () => {
  it('--out NAME.xlsx: a sheet per kind of record, every record of the transcript, IDs as text, numbers as numbers, dates as dates', async () => {
    const json = JSON.parse((await ok(['audit', ids['007'], '--format', 'json'])).stdout)[0];
    const r = await runArgs(['audit', ids['007'], '--out', 'alice.xlsx'], terminal());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('wrote alice.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'alice.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Requirements', 'Hours', 'Essays', 'Reviews', 'Training', 'Exams', 'Exemptions']);
    const rows = (name: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(name)!.eachRow((row, n) => {
        if (n > 1) out.push((row.values as unknown[]).slice(1));
      });
      return out;
    };
    const summary = new Map(rows('Summary').map((r) => [r[0], r[1]]));
    expect(summary.get('staff_no')).toBe('007');
    expect(summary.get('learner_id')).toBe(ids['007']);
    expect(summary.get('total credits')).toBe(json.credits.total);
    expect(rows('Requirements')).toHaveLength(json.requirements.length);
    const hours = rows('Hours');
    expect(hours).toHaveLength(json.transcript.hours.length);
    expect(hours.map((h) => [h[1], h[2], h[3]])).toEqual([
      ['C1', 'Party history', 2],
      ['C2', 'University governance', 1.5],
    ]);
    expect(hours[0][0]).toEqual(new Date(Date.UTC(2025, 9, 1)));
    const essays = rows('Essays');
    expect(essays.map((e) => [e[0], e[3], e[4]])).toEqual(json.transcript.essays.map((e: { id: number; title: string; chars: number }) => [e.id, e.title, e.chars]));
    expect(rows('Training').map((t) => t[1])).toEqual(['Governance']);
    expect(rows('Exams').map((x) => [x[1], x[2]])).toEqual([['Mock exam', 86.5]]);
    expect(rows('Exemptions').map((x) => [x[0], x[2]])).toEqual([['platform hours', 'sick leave']]);
  });

  it.runIf(soffice)('LibreOffice reads the workbook with no cell changed: the staff number keeps its zeros, dates are days, hours numbers', async () => {
    if (!fs.existsSync(path.join(dir, 'alice.xlsx'))) expect((await cli(['audit', ids['007'], '--out', 'alice.xlsx'])).code).toBe(0);
    const lo = fs.mkdtempSync(path.join(dir, 'lo-'));
    // Every sheet to its own CSV, each cell as LibreOffice shows it.
    execFileSync(soffice!, [`-env:UserInstallation=file://${path.join(lo, 'profile')}`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1', '--outdir', lo, path.join(dir, 'alice.xlsx')], { stdio: 'ignore', timeout: 120_000 });
    const sheet = (name: string) => fs.readFileSync(path.join(lo, `alice-${name}.csv`), 'utf8').trim().split(/\r?\n/);
    expect(sheet('Summary')).toContain('staff_no,007');
    expect(sheet('Hours').slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual(['2025-10-01,C1,Party history,2', '2025-10-02,C2,University governance,1.5']);
    expect(sheet('Exams')[1]).toMatch(/^2025-12-20,Mock exam,86.5,/);
  }, 120_000);

  it('--out NAME.txt: the text transcript, without colour, even from a terminal', async () => {
    const r = await runArgs(['audit', ids['007'], '--out', 'alice.txt'], terminal());
    expect(r.code, r.stderr).toBe(0);
    const text = read('alice.txt');
    expect(text).toContain(`Transcript — Alice (learner ${ids['007']}, staff no 007)`);
    // Laid out for 80 columns, as a file is: the title may wrap inside its cell.
    expect(text).toContain('What I');
    expect(text).toContain('learnt');
    expect(text).not.toMatch(/\x1b\[/);
  });
});

describe('--split-by department', () => {
  it('--format csv: one CSV with a BOM per department, named with the department and the date', async () => {
    const r = await ok(['audit', '--split-by', 'department', '--format', 'csv', '--out-dir', 'split-csv']);
    const files = fs.readdirSync(path.join(dir, 'split-csv')).sort();
    expect(files).toEqual(['audit-History_as-of-2026-11-25.csv', 'audit-Law_as-of-2026-11-25.csv']);
    const law = read(path.join('split-csv', files[1]));
    expect(law.startsWith('\uFEFF')).toBe(true);
    expect(law.trim().split(/\r?\n/)).toHaveLength(3);
    expect(r.stderr).toMatch(/2 departments/);
  });

  it('--format json: one JSON file per department (not workbooks), all of them or none', async () => {
    await ok(['audit', '--split-by', 'department', '--format', 'json', '--out-dir', 'split-json']);
    const files = fs.readdirSync(path.join(dir, 'split-json')).sort();
    expect(files).toEqual(['audit-History_as-of-2026-11-25.json', 'audit-Law_as-of-2026-11-25.json']);
    const law = JSON.parse(read(path.join('split-json', files[1])));
    expect(law.map((a: { name: string }) => a.name)).toEqual(['Alice', 'Bob']);
    // A second run is refused before anything is written, naming the files there.
    const again = await cli(['audit', '--split-by', 'department', '--format', 'json', '--out-dir', 'split-json']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--overwrite');
  });

  it('--out with --split-by is refused: one file or a file per department, not both', async () => {
    const r = await cli(['audit', '--split-by', 'department', '--out-dir', 'split-both', '--out', 'both.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot also write the one file --out names/);
    expect(fs.existsSync(path.join(dir, 'split-both')) || fs.existsSync(path.join(dir, 'both.csv'))).toBe(false);
  });

  it('--format table is refused: a table is for the terminal', async () => {
    const r = await cli(['audit', '--split-by', 'department', '--format', 'table', '--out-dir', 'split-table']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be --format table/);
    expect(fs.existsSync(path.join(dir, 'split-table'))).toBe(false);
  });
});
