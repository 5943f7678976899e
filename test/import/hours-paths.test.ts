/**
 * import-hours has two ways to check a row: the byte-level fast path of
 * HoursCollector (plain UTF-8 rows, each cell's exact check remembered) and
 * parse(), which every row it declines goes through. The rules must not
 * depend on which one took a row: the whole import of a random file, run
 * in-process with the fast path and without it (`fast: false`, every row
 * through parse()), must leave the same database, print the same warnings
 * and summary, write the same rejected rows and exit the same way.
 *
 * The rows mix what real exports hold: full-width digits and spaces in hours
 * and dates, rows dated after a cadre left office, before the appointment or
 * after today, the same (cadre, course, date) with other hours (within the
 * file and against a file imported before, with and without
 * --replace-hours), placeholder and --hours courses in the catalogue, names
 * that do not match, lower-case learner IDs, invisible characters, bad cells
 * and quoted cells.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fc, test } from '@fast-check/vitest';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { hoursFast } from '../../src/import/hours-fast/index.js';
import { hoursImport } from '../../src/import/kinds/hours.js';
import { CadreError } from '../../src/errors.js';
import { runImports } from '../../src/import/pipeline.js';
import { testContext } from '../helpers/context.js';
import { cadre, checkpoint, copyDb, removeScratch, tempDir } from '../robustness/lib/cadre.js';

const RUNS = Number(process.env.HOURS_PATHS_RUNS ?? 150);
const NOW = '2026-11-25T10:00:00';

/** Division and section, one who left office, one who left and whose rows then stop, a promotion. */
const ROSTER = [
  'staff_no,name,department,rank,appointed_on,left_on',
  'Q1,甲一,文学院,division,2024-09-10,',
  'Q2,乙二,理学院,section,2025-03-15,2026-06-30',
  'Q3,丙三,文学院,section,2024-01-05,',
  'Q4,丁四,理学院,division,2023-10-01,2025-08-31',
].join('\n');
const PROMOTION = 'staff_no,name,department,rank,appointed_on\nQ3,丙三,文学院,division,2025-12-01\n';

interface Cadre {
  learnerId: string;
  staffNo: string;
  name: string;
}

let dir: string;
let template: string;
let cadres: Cadre[];

beforeAll(async () => {
  dir = tempDir('cadre-paths-');
  template = path.join(dir, 'template.db');
  fs.writeFileSync(path.join(dir, 'roster.csv'), ROSTER + '\n');
  fs.writeFileSync(path.join(dir, 'promotion.csv'), PROMOTION);
  for (const [args, out] of [
    [['issue-accounts', 'roster.csv'], 'c1.csv'],
    [['issue-accounts', 'promotion.csv'], 'c2.csv'],
    [['require', '--year', '2025', 'A', 'B'], null],
    [['require', '--year', '2025', 'C', '--hours', '2'], null],
  ] as const) {
    const r = await cadre(['--db', template, ...args, ...(out ? ['--out', out] : [])], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }
  checkpoint(template);
  const db = new Database(template, { readonly: true });
  cadres = db.prepare('SELECT learner_id AS learnerId, staff_no AS staffNo, name FROM cadres ORDER BY id').all() as Cadre[];
  db.close();
}, 60_000);
afterAll(removeScratch);

// ---------------------------------------------------------------- rows

interface Row {
  cadre: number;
  idForm: number;
  code: number;
  day: number;
  dateForm: number;
  quarters: number;
  hoursForm: number;
  title: number;
  nameForm: number;
}

const CODES = ['A', 'B', 'C', 'D1', '课1', 'A ', ' B', '', 'E\u200B'];
const TITLES = ['', '课程一', '课程二', ' 课程三 ', '', '课程一', '坏\u0007'];
/** 2023-06-01 + day: from before every appointment to after today. */
const FIRST = Date.UTC(2023, 5, 1);
const DAY = 86_400_000;
const BUSY = ['2025-11-03', '2026-03-02'].map((d) => (Date.parse(`${d}T00:00:00Z`) - FIRST) / DAY);

/** Mostly the plain form (0), now and then one of the others (1 … n). */
const form = (n: number) => fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: n }), weight: 2 });
/** Mostly one of the first three codes (keys meet again), now and then any. */
const code = fc.oneof({ arbitrary: fc.nat(1), weight: 4 }, { arbitrary: fc.nat(CODES.length - 1), weight: 1 });

const rowArb: fc.Arbitrary<Row> = fc.record({
  cadre: fc.nat(3),
  idForm: fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, { arbitrary: fc.nat(3), weight: 1 }),
  code,
  // A few busy days (the same key again, within the file and across files), any day, the months after Q2 left.
  day: fc.oneof({ arbitrary: fc.constantFrom(...BUSY), weight: 5 }, { arbitrary: fc.integer({ min: 0, max: 1300 }), weight: 1 }, { arbitrary: fc.integer({ min: 1120, max: 1200 }), weight: 1 }),
  dateForm: form(6),
  quarters: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 12 }), weight: 8 }, { arbitrary: fc.integer({ min: 0, max: 100 }), weight: 1 }),
  hoursForm: fc.oneof({ arbitrary: fc.nat(5), weight: 6 }, { arbitrary: fc.nat(9), weight: 2 }),
  title: fc.nat(TITLES.length - 1),
  nameForm: fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, { arbitrary: fc.nat(2), weight: 1 }),
});

const fullWidth = (s: string) => s.replace(/[0-9.\-,+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

function dateText(r: Row): string {
  const d = new Date(FIRST + r.day * DAY);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  const iso = d.toISOString().slice(0, 10);
  switch (r.dateForm) {
    case 1:
      return `${y}/${m}/${day}`;
    case 2:
      return `${y}年${m}月${day}日`;
    case 3:
      return String((Date.UTC(y, m - 1, day) - Date.UTC(1899, 11, 30)) / DAY);
    case 4:
      return fullWidth(iso);
    case 5:
      return `${iso} 08:30`;
    case 6:
      return m === 2 ? `${y}-02-30` : iso;
    default:
      return iso;
  }
}

function hoursText(r: Row): string {
  const q = r.quarters;
  const plain = q % 4 ? `${Math.floor(q / 4)}.${['', '25', '5', '75'][q % 4]}` : String(q / 4);
  switch (r.hoursForm) {
    case 1:
      return fullWidth(plain);
    case 2:
      return `\u3000${fullWidth(plain)}\u3000`;
    case 3:
      return `${plain}0`;
    case 4:
      return ` ${plain} `;
    case 5:
      return plain.replace('.', '．');
    case 6:
      return plain.replace('.', ',');
    case 7:
      return `${plain}小时`;
    case 8:
      return ['', 'abc', '-1', 'NaN', '1e2', '０．３'][q % 6];
    case 9:
      return fullWidth(plain.replace('.', ','));
    default:
      return plain;
  }
}

interface Layout {
  byStaff: boolean;
  both: boolean;
  hours: boolean;
  title: boolean;
  name: boolean;
  quoteAll: boolean;
  order: number[];
}

const layoutArb: fc.Arbitrary<Layout> = fc.record({
  byStaff: fc.boolean(),
  both: fc.boolean(),
  hours: fc.boolean(),
  title: fc.boolean(),
  name: fc.boolean(),
  quoteAll: fc.boolean(),
  order: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
});

const quote = (cell: string, all: boolean): string => (all || /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

function fileText(rows: Row[], layout: Layout): string {
  const cols: [string, (r: Row) => string][] = [];
  const c = (r: Row) => cadres[r.cadre];
  const learner = (r: Row) => (r.idForm === 1 ? c(r).learnerId.toLowerCase() : r.idForm === 2 ? 'WZ999999' : c(r).learnerId);
  const staff = (r: Row) => (r.idForm === 3 ? 'Q9' : c(r).staffNo);
  if (!layout.byStaff || layout.both) cols.push(['learner_id', learner]);
  if (layout.byStaff || layout.both) cols.push(['staff_no', staff]);
  cols.push(['course_code', (r) => CODES[r.code]]);
  cols.push(['completed_on', dateText]);
  if (layout.hours) cols.push(['hours', hoursText]);
  if (layout.title) cols.push(['course_title', (r) => TITLES[r.title]]);
  if (layout.name) cols.push(['name', (r) => (r.nameForm === 1 ? '别人' : r.nameForm === 2 ? '' : c(r).name)]);
  const order = cols.map((_, i) => i).sort((a, b) => layout.order[a] - layout.order[b] || a - b);
  const lines = [order.map((i) => cols[i][0]).join(',')];
  for (const r of rows) lines.push(order.map((i) => quote(cols[i][1](r), layout.quoteAll)).join(','));
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- one import, either way

interface Outcome {
  code: number;
  stderr: string;
  rejected: string | null;
  tables: Record<string, unknown[]>;
}

const TABLES = {
  hours: 'SELECT * FROM hours ORDER BY id',
  courses: 'SELECT * FROM courses ORDER BY code',
  record_sources: 'SELECT * FROM record_sources ORDER BY kind, record_id, batch_id',
  voucher_hours: 'SELECT * FROM voucher_hours ORDER BY record_id, batch_id',
  batches: 'SELECT * FROM batches ORDER BY id',
  journal: 'SELECT * FROM journal ORDER BY id',
};

/** Imports `file` into the database `db` (a cadre.db: the context opens the one in its folder). */
async function importInto(db: string, file: string, opts: { skipInvalid: boolean; dryRun: boolean; replaceHours: boolean }, fast: boolean): Promise<Outcome> {
  if (path.basename(db) !== 'cadre.db') throw new Error('the context opens cadre.db in its folder');
  const ctx = testContext({ cwd: path.dirname(db), now: NOW });
  let code: number;
  try {
    code = await runImports([file], opts, ctx, () => hoursImport(ctx, { replaceHours: opts.replaceHours, fast: fast ? hoursFast : null }));
  } catch (e) {
    if (!(e instanceof CadreError)) throw e;
    code = e.exitCode;
  } finally {
    ctx.dispose?.();
  }
  const rejectedFile = file.replace(/\.csv$/, '.rejected.csv');
  let rejected: string | null = null;
  if (fs.existsSync(rejectedFile)) {
    rejected = fs.readFileSync(rejectedFile, 'utf8');
    fs.rmSync(rejectedFile);
  }
  const d = new Database(db, { readonly: true });
  const tables: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(TABLES)) tables[name] = d.prepare(sql).all();
  d.close();
  return { code, stderr: ctx.stderr.join(''), rejected, tables };
}

let n = 0;

describe('the fast path and parse() make the same import', () => {
  test.prop(
    [
      fc.array(rowArb, { minLength: 1, maxLength: 30 }),
      layoutArb,
      fc.option(fc.tuple(fc.array(rowArb, { minLength: 1, maxLength: 20 }), layoutArb), { nil: null, freq: 4 }),
      fc.record({ skipInvalid: fc.boolean(), dryRun: fc.boolean(), replaceHours: fc.boolean() }),
    ],
    { seed: 20261201, numRuns: RUNS },
  )(
    `random files over a file imported before: the same database, warnings, rejected rows and exit (${RUNS} runs)`,
    async (rows, layout, before, opts) => {
      const k = n++;
      const base = path.join(dir, `case-${k}`);
      fs.mkdirSync(path.join(base, 'fast'), { recursive: true });
      fs.mkdirSync(path.join(base, 'slow'), { recursive: true });
      fs.mkdirSync(path.join(base, 'start'));
      const start = path.join(base, 'start', 'cadre.db');
      copyDb(template, start);
      if (before) {
        // A file imported earlier (its valid rows), the same for both sides.
        const earlier = path.join(base, 'start', 'earlier.csv');
        fs.writeFileSync(earlier, fileText(before[0], before[1]));
        await importInto(start, earlier, { skipInvalid: true, dryRun: false, replaceHours: false }, true);
        checkpoint(start);
      }
      const file = path.join(base, 'week.csv');
      fs.writeFileSync(file, fileText(rows, layout));
      copyDb(start, path.join(base, 'fast', 'cadre.db'));
      copyDb(start, path.join(base, 'slow', 'cadre.db'));
      const fast = await importInto(path.join(base, 'fast', 'cadre.db'), file, opts, true);
      const slow = await importInto(path.join(base, 'slow', 'cadre.db'), file, opts, false);
      fs.rmSync(base, { recursive: true, force: true });
      const st = ((globalThis as any).__st ??= {});
      const key = `code${fast.code} ${/after leaving office/.test(fast.stderr) ? 'leaving' : ''} ${/other hours than the record/.test(fast.stderr) ? 'cross' : ''} ${/took the hours/.test(fast.stderr) ? 'replaced' : ''} ${/with more hours counts/.test(fast.stderr) ? 'infile' : ''} ${/placeholder hours/.test(fast.stderr) ? 'placeholder' : ''} ${/require --hours, but/.test(fast.stderr) ? 'reqdis' : ''} ${fast.tables.hours.length > 0 ? 'rows' : ''}`;
      st[key] = (st[key] ?? 0) + 1;
      if (k === RUNS - 1) console.log(JSON.stringify(st, null, 1));
      expect(fast.code).toBe(slow.code);
      expect(fast.stderr).toBe(slow.stderr);
      expect(fast.rejected).toBe(slow.rejected);
      expect(fast.tables).toEqual(slow.tables);
    },
    Math.max(60_000, RUNS * 400),
  );
});
