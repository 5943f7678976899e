/**
 * import-hours has two ways to check a row: the byte-level fast path of
 * src/import/hours-fast (plain UTF-8 rows, each cell's HOURS_CELLS rule
 * remembered) and parse(), which every row it declines goes through. The
 * rules must not depend on which one took a row: the whole import of a
 * random file, run in-process with the fast path and without it (no
 * accelerator, every row through parse()), must leave the same database,
 * print the same warnings and summary, write the same rejected rows and exit
 * the same way.
 *
 * On random rosters (both ranks, promotions, leavings, re-appointments after
 * a gap, names with a space inside), row by row: every row the fast path
 * takes is the record parse() gives for it, so one parse() rejects or skips
 * it never takes; a header with a column the fast path does not carry gets
 * no fast path at all; a column the tool does not know changes nothing.
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoursFast } from '../../src/import/hours-fast/index.js';
import { HOURS_CELLS, HOURS_SPEC, hoursImport, type HoursAccelerator } from '../../src/import/kinds/hours.js';
import type { HoursSink } from '../../src/import/kinds/hours-stage.js';
import { RowEnv, RowProblems } from '../../src/import/row-context.js';
import { loadCadres } from '../../src/db/cadres.js';
import { fromDayNumber } from '../../src/core/dates.js';
import { openTable } from '../../src/io/table.js';
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
  dateForm: form(7),
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
    case 7:
      // A platform's completion time, other minutes on other days.
      return `${y}/${m}/${day} ${(r.day * 7) % 24}:${String((r.day * 13) % 60).padStart(2, '0')}`;
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

/** `extra`: a column the tool does not know (both paths ignore it), put at that position. */
function fileText(rows: Row[], layout: Layout, extra?: number): string {
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
  if (extra !== undefined) {
    cols.push(['备注', (r) => (r.title % 2 ? '' : `第${r.day}天`)]);
    order.splice(extra % (order.length + 1), 0, cols.length - 1);
  }
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
  // The minute a date cell gives is kept by both paths, and the findings it leads to are the same.
  hour_times: 'SELECT * FROM hour_times ORDER BY hour_id',
  anomalies: 'SELECT * FROM anomalies ORDER BY id',
  anomaly_records: 'SELECT * FROM anomaly_records ORDER BY anomaly_id, hour_id',
  batches: 'SELECT * FROM batches ORDER BY id',
  journal: 'SELECT * FROM journal ORDER BY id',
};

/** Imports `file` into the database `db` (a cadre.db: the context opens the one in its folder). */
/** `fast`: true for the accelerator as the command plugs it in, false for none, or a stand-in for it. */
async function importInto(db: string, file: string, opts: { skipInvalid: boolean; dryRun: boolean; replaceHours: boolean }, fast: boolean | HoursAccelerator, sortedRows?: number): Promise<Outcome> {
  if (path.basename(db) !== 'cadre.db') throw new Error('the context opens cadre.db in its folder');
  const ctx = testContext({ cwd: path.dirname(db), now: NOW });
  let code: number;
  try {
    code = await runImports([file], opts, ctx, () => hoursImport(ctx, { replaceHours: opts.replaceHours, fast: fast === true ? hoursFast : fast === false ? null : fast, sortedRows }));
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

// ---------------------------------------------------------------- random rosters, row by row

/**
 * A cadre's service record, as days from FIRST: appointments (rank, day), a
 * leaving that ends the series before the next appointment (a gap until the
 * re-appointment), and the latest series' leaving.
 */
interface Service {
  appointments: { division: boolean; day: number; gap: number | null }[];
  left: number | null;
  /** The roster's name with a space inside (the file's name then matches with whitespace ignored only). */
  spacedName: boolean;
}

const serviceArb: fc.Arbitrary<Service> = fc
  .record({
    days: fc.uniqueArray(fc.oneof({ arbitrary: fc.integer({ min: -1300, max: 700 }), weight: 4 }, { arbitrary: fc.integer({ min: 700, max: 1200 }), weight: 1 }), { minLength: 1, maxLength: 3 }),
    ranks: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    gaps: fc.array(fc.option(fc.double({ min: 0, max: 0.999, noNaN: true }), { freq: 2 }), { minLength: 3, maxLength: 3 }),
    left: fc.option(fc.integer({ min: 0, max: 1500 }), { freq: 2 }),
    spacedName: fc.boolean(),
  })
  .map(({ days, ranks, gaps, left, spacedName }) => {
    const sorted = [...days].sort((a, b) => a - b);
    const appointments = sorted.map((day, i) => {
      const next = sorted[i + 1];
      // A leaving inside the series, before the next appointment.
      const gap = next !== undefined && gaps[i] !== null ? day + Math.floor(gaps[i]! * (next - day)) : null;
      return { division: ranks[i]!, day, gap };
    });
    return { appointments, left: left === null ? null : sorted[sorted.length - 1]! + left, spacedName };
  });

const iso = (day: number) => new Date(FIRST + day * DAY).toISOString().slice(0, 10);

/** Puts the service records on the roster of the database `file` (the template's cadres, in order). */
function setRoster(file: string, services: Service[]): void {
  const db = new Database(file);
  try {
    db.transaction(() => {
      cadres.forEach((c, i) => {
        const s = services[i]!;
        const id = (db.prepare('SELECT id FROM cadres WHERE learner_id = ?').get(c.learnerId) as { id: number }).id;
        const name = s.spacedName ? `${c.name.slice(0, 1)} ${c.name.slice(1)}` : c.name;
        db.prepare('UPDATE cadres SET name = ?, left_on = ? WHERE id = ?').run(name, s.left === null ? null : iso(s.left), id);
        db.prepare('DELETE FROM appointments WHERE cadre_id = ?').run(id);
        for (const a of s.appointments) {
          db.prepare('INSERT INTO appointments (cadre_id, rank, rank_title, appointed_on, recorded_at, left_on) VALUES (?, ?, ?, ?, ?, ?)').run(
            id,
            a.division ? 'division' : 'section',
            a.division ? '处级' : '科级',
            iso(a.day),
            '2026-01-01 00:00:00',
            a.gap === null ? null : iso(a.gap),
          );
        }
      });
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** What the fast path took of one line: the record parse() returns, and the title. */
interface Taken {
  cadreId: number;
  code: string;
  date: string;
  quarters: number;
  title: string | null;
  /** The minute of the day the date cell gives (null: none). */
  minute: number | null;
}

/** The accelerator as the command plugs it in, carrying `carries`, with every file it opens and row it takes recorded. */
function recording(carries: readonly string[]): { accelerator: HoursAccelerator; opens: number; taken: Map<number, Taken> } {
  const log = {
    opens: 0,
    taken: new Map<number, Taken>(),
    accelerator: {
      carries,
      open(db, header, sink, limits) {
        log.opens++;
        const spy: HoursSink = {
          slots: sink.slots,
          todayNum: sink.todayNum,
          slotOf: (id) => sink.slotOf(id),
          cadreOf: (slot) => sink.cadreOf(slot),
          codeId: (code) => sink.codeId(code),
          codeText: (code) => sink.codeText(code),
          dayId: (date) => sink.dayId(date),
          dayNum: (day) => sink.dayNum(day),
          termOf: (slot, num) => sink.termOf(slot, num),
          take(cadreId, code, day, quarters, title, line, minute) {
            log.taken.set(line, { cadreId, code: sink.codeText(code), date: fromDayNumber(sink.dayNum(day)), quarters, title, minute });
            sink.take(cadreId, code, day, quarters, title, line, minute);
          },
        };
        return hoursFast.open(db, header, spy, limits);
      },
    } satisfies HoursAccelerator,
  };
  return log;
}

/** Every row of `file` through parse() alone, on the roster of the database in `dir`: each line's record, or why not. */
async function parseEach(dir: string, file: string): Promise<Map<number, Taken | 'rejected' | 'skipped'>> {
  const ctx = testContext({ cwd: dir, now: NOW });
  try {
    const kind = hoursImport(ctx);
    const env = new RowEnv(loadCadres(ctx.db({ readOnly: true })), ctx.policy(), ctx.today());
    const { records } = await openTable(file, HOURS_SPEC);
    const out = new Map<number, Taken | 'rejected' | 'skipped'>();
    for await (const rec of records) {
      const p = new RowProblems(file, rec);
      if (rec.problem) p.list.push(rec.problem);
      const values = rec.problem ? null : ((await kind.parse(rec, env, p, ctx)) as [number, string, string, number, number, string, string, number | null] | null);
      if (values && p.ok) {
        // The title as parse() reads it (it goes to the catalogue, not into the record).
        const raw = rec.cells.course_title;
        const t = raw === undefined ? null : HOURS_CELLS.course_title(raw);
        out.set(rec.line, { cadreId: values[0], code: values[1], date: values[2], quarters: values[3], title: t && t.ok ? t.value : null, minute: values[7] });
      } else out.set(rec.line, p.ok && p.skipped ? 'skipped' : 'rejected');
    }
    return out;
  } finally {
    ctx.dispose?.();
  }
}

const RUNS_ROSTER = Number(process.env.HOURS_PATHS_RUNS ?? 100);
const seen = { runs: 0, taken: 0, notTaken: 0, rejected: 0, skipped: 0, declined: 0, extra: 0, gaps: 0, sortedRuns: 0, runsOverRecords: 0, runsDuplicates: 0 };

describe('random rosters, row by row: a row the fast path takes is the record parse() gives; one parse() rejects or skips it never takes', () => {
  test.prop(
    [
      fc.array(serviceArb, { minLength: 4, maxLength: 4 }),
      fc.array(rowArb, { minLength: 1, maxLength: 40, size: 'medium' }),
      layoutArb,
      // Now and then a column the tool does not know; now and then a fast path that does not carry one the header has.
      fc.oneof({ arbitrary: fc.constant(null), weight: 2 }, { arbitrary: fc.nat(), weight: 1 }),
      fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.nat(), weight: 1 }),
      fc.option(fc.array(rowArb, { minLength: 1, maxLength: 15 }), { nil: null, freq: 3 }),
      fc.record({ skipInvalid: fc.boolean(), dryRun: fc.boolean(), replaceHours: fc.boolean() }),
      // Now and then the rows staged in several sorted runs (as a file of more than 2 million rows is).
      fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 1 }),
    ],
    { seed: 20261202, numRuns: RUNS_ROSTER },
  )(
    `the same import either way, a header with a column it does not carry declined, one it does not know ignored alike (${RUNS_ROSTER} runs)`,
    async (services, rows, layout, extra, narrow, before, opts, sortedRows) => {
      const k = n++;
      const base = path.join(dir, `roster-${k}`);
      for (const side of ['start', 'fast', 'slow']) fs.mkdirSync(path.join(base, side), { recursive: true });
      const start = path.join(base, 'start', 'cadre.db');
      copyDb(template, start);
      setRoster(start, services);
      if (before) {
        const earlier = path.join(base, 'start', 'earlier.csv');
        fs.writeFileSync(earlier, fileText(before, layout));
        await importInto(start, earlier, { skipInvalid: true, dryRun: false, replaceHours: false }, true);
        checkpoint(start);
      }
      const file = path.join(base, 'week.csv');
      fs.writeFileSync(file, fileText(rows, layout, extra ?? undefined));
      // `narrow`: the fast path carries every column but one the header has (a rule it would not apply).
      const header = fs.readFileSync(file, 'utf8').split('\n')[0]!.split(',');
      const inHeader = HOURS_SPEC.columns.map((c) => c.key).filter((key) => header.includes(key));
      const dropped = narrow === null ? null : inHeader[narrow % inHeader.length]!;
      const log = recording(hoursFast.carries.filter((key) => key !== dropped));
      copyDb(start, path.join(base, 'fast', 'cadre.db'));
      copyDb(start, path.join(base, 'slow', 'cadre.db'));
      const fast = await importInto(path.join(base, 'fast', 'cadre.db'), file, opts, log.accelerator, sortedRows);
      const slow = await importInto(path.join(base, 'slow', 'cadre.db'), file, opts, false, sortedRows);
      // Several sorted runs merge into the stage in the order one sort of the whole file gives: the same import as in one run.
      let single: Outcome | null = null;
      if (sortedRows !== undefined) {
        fs.mkdirSync(path.join(base, 'single'));
        copyDb(start, path.join(base, 'single', 'cadre.db'));
        single = await importInto(path.join(base, 'single', 'cadre.db'), file, opts, true);
      }
      const parsed = await parseEach(path.join(base, 'start'), file);
      fs.rmSync(base, { recursive: true, force: true });

      expect(fast.code).toBe(slow.code);
      expect(fast.stderr).toBe(slow.stderr);
      expect(fast.rejected).toBe(slow.rejected);
      expect(fast.tables).toEqual(slow.tables);
      if (single) {
        expect(slow.code).toBe(single.code);
        expect(slow.stderr).toBe(single.stderr);
        expect(slow.rejected).toBe(single.rejected);
        expect(slow.tables).toEqual(single.tables);
      }
      // A file already imported is never read; any other opens the fast path, unless the header has a column it does not carry.
      const read = !/already imported/.test(fast.stderr);
      expect(log.opens).toBe(read && dropped === null ? 1 : 0);
      if (dropped !== null) expect(log.taken.size).toBe(0);
      for (const [line, taken] of log.taken) expect({ line, record: parsed.get(line) }).toEqual({ line, record: taken });

      seen.runs++;
      seen.taken += log.taken.size;
      if (dropped !== null && read) seen.declined++;
      if (extra !== null && dropped === null && log.taken.size > 0) seen.extra++;
      if (services.some((s) => s.appointments.some((a) => a.gap !== null))) seen.gaps++;
      if (sortedRows !== undefined && rows.length > sortedRows && fast.tables.hours.length > 0) seen.sortedRuns++;
      if (single && rows.length > sortedRows! && fast.tables.record_sources.length > 0) seen.runsOverRecords++;
      const last = fast.tables.batches[fast.tables.batches.length - 1] as { rows_duplicate: number } | undefined;
      if (single && rows.length > sortedRows! && last && last.rows_duplicate > 0) seen.runsDuplicates++;
      for (const [line, r] of parsed) {
        if (r === 'rejected') seen.rejected++;
        else if (r === 'skipped') seen.skipped++;
        else if (!log.taken.has(line) && dropped === null && read) seen.notTaken++;
      }
    },
    Math.max(60_000, RUNS_ROSTER * 600),
  );

  it('and the property was not vacuous: rows taken, rows left to parse(), rejected and skipped rows, declined headers, unknown columns, gaps, several sorted runs (over records on file, with duplicates)', () => {
    expect(seen.runs).toBe(RUNS_ROSTER);
    for (const [what, count] of Object.entries(seen)) expect({ what, some: count > 0 }).toEqual({ what, some: true });
  });
});
