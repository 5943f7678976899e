/**
 * Issue 5, item 6: the properties, with fast-check and a fixed seed. Declared
 * here once and registered by test/robustness/properties.test.ts (npm test)
 * and test/reliability/properties.test.ts (more runs).
 *
 * Each property has a cheap form that runs `runs.pure` times (≥1,000 in npm
 * test): the in-process table reader and row validation of import-hours, the
 * pure audit engine, the 字数 count, or the whole import pipeline in-process
 * on a real SQLite file. The heavier forms (an in-process export/import round
 * trip through two databases, the real binary in a child process) run
 * `runs.heavy` and `runs.spawned` times.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fc, test } from '@fast-check/vitest';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { computeAudits } from '../../../src/report/audit-run.js';
import { hoursFast } from '../../../src/import/hours-fast/index.js';
import { HOURS_SPEC, hoursImport } from '../../../src/import/kinds/hours.js';
import { auditTerm, type CadreFacts, type Designation, type EssayFact, type HourFact, type TrainingFact } from '../../../src/core/audit.js';
import { currentTerm } from '../../../src/core/terms.js';
import { countZi } from '../../../src/core/wordcount.js';
import { CadreError } from '../../../src/errors.js';
import { loadCadres, type CadreIndex, type CadreRow } from '../../../src/db/cadres.js';
import { RowEnv, RowProblems } from '../../../src/import/row-context.js';
import { runImports } from '../../../src/import/pipeline.js';
import { BOM, toCsv } from '../../../src/io/csv-out.js';
import { openTable } from '../../../src/io/table.js';
import { auditJson } from '../../../src/report/audit-view.js';
import { transcriptJson } from '../../../src/report/transcript.js';
import { testContext, type TestContext } from '../../helpers/context.js';
import { cadre, checkpoint, copyDb, NO_CRASH, removeScratch, sha256, tempDir, TODAY } from './cadre.js';

export interface PropertyRuns {
  /** The cheap forms: at least 1,000 in npm test. */
  pure: number;
  /** In-process round trips through two SQLite files. */
  heavy: number;
  /** The real binary in a child process. */
  spawned: number;
  seed: number;
}

// ---------------------------------------------------------------- the cadres

/** Four cadres: two ranks, an appointment after 1 March, terms that roll over, a promotion. */
const ROSTER = 'staff_no,name,department,rank,appointed_on\nP1,甲一,文学院,division,2024-09-10\nP2,乙二,理学院,section,2025-03-15\nP3,丙三,文学院,division,2023-10-01\nP4,丁四,理学院,section,2024-01-05\n';
const PROMOTION = 'staff_no,name,department,rank,appointed_on\nP4,丁四,理学院,division,2025-12-01\n';

interface World {
  dir: string;
  template: string;
  cadres: CadreRow[];
  index: CadreIndex;
  ctx: TestContext;
}

async function makeWorld(): Promise<World> {
  const dir = tempDir('cadre-prop-');
  const template = path.join(dir, 'template.db');
  fs.writeFileSync(path.join(dir, 'roster.csv'), ROSTER);
  fs.writeFileSync(path.join(dir, 'promotion.csv'), PROMOTION);
  for (const [file, out] of [
    ['roster.csv', 'c1.csv'],
    ['promotion.csv', 'c2.csv'],
  ]) {
    const r = await cadre(['--db', template, 'issue-accounts', file, '--out', out], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }
  checkpoint(template);
  const db = new Database(template, { readonly: true });
  const index = loadCadres(db);
  db.close();
  // A context only for the row parser (policy, clock); it never opens a database.
  const ctx = testContext({ cwd: dir, now: '2026-11-25T10:00:00' });
  expect(ctx.today()).toBe(TODAY);
  return { dir, template, cadres: index.all, index, ctx };
}

// ---------------------------------------------------------------- tables of valid rows

interface Row {
  cadre: number;
  code: string;
  /** Days after the cadre's first appointment (reduced modulo the days up to today). */
  day: number;
  quarters: number;
  dateForm: number;
  hoursForm: number;
}

const CODE_CHARS = [...'ABCKXZ0123456789', '-', '_', '.', ',', '"', "'", ' ', '课', '程', 'é', '（', '）'];
const codeArb = (alphabet = CODE_CHARS, max = 8) =>
  fc
    .array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: max })
    .map((a) => a.join(''))
    // As an office would write them: no spaces at the ends, not starting like a formula.
    .filter((s) => s.trim() === s && !/^[=+\-@]/.test(s));

const rowArb = (codes: fc.Arbitrary<string>, days = fc.nat(5000)) =>
  fc.record({
    cadre: fc.nat(3),
    code: codes,
    day: days,
    quarters: fc.integer({ min: 1, max: 96 }),
    dateForm: fc.nat(6),
    hoursForm: fc.nat(5),
  });

interface Layout {
  byStaff: boolean;
  chinese: boolean;
  withName: boolean;
  extra: string | null;
  order: number[];
}

const layoutArb = fc.record({
  byStaff: fc.boolean(),
  chinese: fc.boolean(),
  withName: fc.boolean(),
  extra: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
  order: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
});

const DAY = 86_400_000;
const pad = (n: number): string => String(n).padStart(2, '0');

function isoOf(w: World, r: Row): string {
  const first = w.cadres[r.cadre].service.appointments[0].appointedOn;
  const from = Date.parse(`${first}T00:00:00Z`);
  const span = Math.round((Date.parse(`${TODAY}T00:00:00Z`) - from) / DAY) + 1;
  return new Date(from + (r.day % span) * DAY).toISOString().slice(0, 10);
}

function dateText(iso: string, form: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  switch (form) {
    case 1:
      return `${y}/${m}/${d}`;
    case 2:
      return `${y}.${m}.${d}`;
    case 3:
      return `${y}年${m}月${d}日`;
    case 4:
      return String((Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / DAY);
    case 5:
      return `${iso} ${pad(d % 24)}:${pad(m * 3)}:00`;
    case 6:
      return iso.normalize('NFKC').replace(/[0-9-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    default:
      return iso;
  }
}

function hoursText(q: number, form: number): string {
  const whole = Math.floor(q / 4);
  const frac = ['', '25', '5', '75'][q % 4];
  if (form === 1 && frac) return `${whole === 0 ? '' : whole}.${frac}`;
  if (form === 2) return `${whole}.${frac || '0'}0`;
  if (form === 3 && !frac) return `${whole}.`;
  const plain = frac ? `${whole}.${frac}` : String(whole);
  // Full-width digits and point, as a Chinese input method types them (read like dates read them).
  const full = (t: string) => t.replace(/[0-9.]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  if (form === 4) return full(plain);
  if (form === 5) return `\u3000${full(plain).replace('．', '.')}`;
  return plain;
}

/** The table as cadre's own CSV writer writes it (BOM, quoting, formula escape). */
function exportTable(w: World, rows: Row[], layout: Layout): string {
  const cols = [
    layout.byStaff ? (layout.chinese ? '工号' : 'staff_no') : layout.chinese ? '学员编号' : 'learner_id',
    layout.chinese ? '课程编号' : 'course_code',
    layout.chinese ? '完成日期' : 'completed_on',
    layout.chinese ? '学时' : 'hours',
    layout.withName ? (layout.chinese ? '姓名' : 'name') : null,
    layout.extra !== null ? (layout.chinese ? '备注' : 'note') : null,
  ];
  const cell = (r: Row, i: number): string => {
    const c = w.cadres[r.cadre];
    return [layout.byStaff ? c.staffNo : c.learnerId, r.code, dateText(isoOf(w, r), r.dateForm), hoursText(r.quarters, r.hoursForm), c.name, layout.extra ?? ''][i];
  };
  const order = [0, 1, 2, 3, 4, 5].filter((i) => cols[i] !== null).sort((a, b) => layout.order[a] - layout.order[b] || a - b);
  return BOM + toCsv([order.map((i) => cols[i]!), ...rows.map((r) => order.map((i) => cell(r, i)))]);
}

type Fact = { cadreId: number; course: string; date: string; quarters: number };
const byKey = (a: Fact, b: Fact): number => a.cadreId - b.cadreId || (a.course < b.course ? -1 : a.course > b.course ? 1 : 0) || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || a.quarters - b.quarters;

/** What the rows say, as the database would keep it: one record per (cadre, course, date), the first line's. */
function modelFacts(w: World, rows: Row[]): Fact[] {
  const seen = new Map<string, Fact>();
  for (const r of rows) {
    const f = { cadreId: w.cadres[r.cadre].id, course: r.code, date: isoOf(w, r), quarters: r.quarters };
    const key = `${f.cadreId}\u0000${f.course}\u0000${f.date}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()].sort(byKey);
}

const DESIGNATIONS: Designation[] = [
  { year: 2025, rank: 'division', course: 'A1', quarters: 4 },
  { year: 2025, rank: 'section', course: 'B2', quarters: 8 },
];

/** The same, from records read back in file order. */
function modelFactsFrom(facts: Fact[]): Fact[] {
  const seen = new Map<string, Fact>();
  for (const f of facts) {
    const key = `${f.cadreId}\u0000${f.course}\u0000${f.date}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()].sort(byKey);
}

/** The audit of each cadre's current term on these facts, as JSON-comparable values. */
function auditOf(w: World, facts: Fact[]): unknown[] {
  const policy = w.ctx.policy();
  const ev = { asOf: TODAY, cutoff: TODAY, lastYear: 2026 };
  return w.cadres.map((c) => {
    const term = currentTerm(c.service, policy, TODAY)!;
    const hours: HourFact[] = facts.filter((f) => f.cadreId === c.id).map((f) => ({ course: f.course, date: f.date, quarters: f.quarters }));
    return auditTerm(term, { hours, essays: [], training: [] }, DESIGNATIONS, policy, ev);
  });
}

/** Reads a file through the import's reader and row validation, as import-hours does before staging. */
async function readBack(w: World, file: string): Promise<{ facts: Fact[]; problems: string[] }> {
  const kind = hoursImport(w.ctx);
  const env = new RowEnv(w.index, w.ctx.policy(), TODAY);
  const { records } = await openTable(file, HOURS_SPEC);
  const facts: Fact[] = [];
  const problems: string[] = [];
  for await (const rec of records) {
    const p = new RowProblems(file, rec);
    if (rec.problem) p.list.push(rec.problem);
    const values = rec.problem ? null : ((await kind.parse(rec, env, p, w.ctx)) as [number, string, string, number] | null);
    if (!values || !p.ok) problems.push(...p.list.map((x) => `line ${x.line} col ${x.column}: ${w.ctx.tr.m(x.reason)}`));
    else facts.push({ cadreId: values[0], course: values[1], date: values[2], quarters: values[3] });
  }
  return { facts, problems };
}

/** import-hours in-process on a fresh copy of the template; returns the audit JSON of every cadre. */
async function importAndAudit(w: World, dir: string, file: string, parallelFrom?: number): Promise<{ code: number; audits: Record<string, unknown>[]; transcripts: Record<string, unknown>[]; ctx: TestContext }> {
  fs.mkdirSync(dir, { recursive: true });
  copyDb(w.template, path.join(dir, 'cadre.db'));
  const ctx = testContext({ cwd: dir, now: '2026-11-25T10:00:00' });
  try {
    const code = await runImports([file], {}, ctx, () => hoursImport(ctx, { fast: hoursFast }));
    // parallelFrom 1: the facts read on a worker thread, as a large office's are.
    const audits = (await computeAudits(ctx, { learnerIds: [] }, parallelFrom)).audited.map((a) => auditJson(a));
    const transcripts: Record<string, unknown>[] = [];
    for (const c of w.cadres) transcripts.push(transcriptJson((await computeAudits(ctx, { learnerIds: [c.learnerId] })).audited[0]));
    return { code, audits, transcripts, ctx };
  } finally {
    ctx.dispose?.();
  }
}

// ---------------------------------------------------------------- any bytes

const TOKENS = ['learner_id', 'course_code', 'completed_on', 'hours', '学员编号', '课程编号', '完成日期', '学时', 'staff_no', 'P1', 'WZ260001', 'WZ260002', 'C1', '2025-10-01', '2025/9/1', '1', '2.5', '-1', ',', ',', ',', '"', '""', '\n', '\r\n', '\r', '\t', ' ', '\u0000', '\uFEFF', '\u200B', 'é', '课', '\uD800', '=1+1', '__proto__'];

type Recipe =
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'tokens'; tokens: string[] }
  | { kind: 'valid'; rows: Row[]; layout: Layout; encoding: number }
  | { kind: 'spliced'; rows: Row[]; layout: Layout; edits: [number, number, Uint8Array][] }
  | { kind: 'magic'; head: number[]; tail: Uint8Array };

const tableArb = fc.tuple(fc.array(rowArb(codeArb()), { minLength: 1, maxLength: 6 }), layoutArb);

/** Byte strings: random bytes, token soups, valid files in several encodings, valid files with bytes spliced in or cut out, magic numbers. */
const recipeArb: fc.Arbitrary<{ recipe: Recipe; ext: string }> = fc.record({
  recipe: fc.oneof(
    fc.uint8Array({ maxLength: 400 }).map((bytes): Recipe => ({ kind: 'raw', bytes })),
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((tokens): Recipe => ({ kind: 'tokens', tokens })),
    fc.tuple(tableArb, fc.nat(3)).map(([[rows, layout], encoding]): Recipe => ({ kind: 'valid', rows, layout, encoding })),
    fc.tuple(tableArb, fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.uint8Array({ maxLength: 4 })), { minLength: 1, maxLength: 4 })).map(([[rows, layout], edits]): Recipe => ({ kind: 'spliced', rows, layout, edits })),
    fc
      .tuple(fc.constantFrom([0x50, 0x4b, 0x03, 0x04], [0xd0, 0xcf, 0x11, 0xe0], [0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf]), fc.uint8Array({ maxLength: 200 }))
      .map(([head, tail]): Recipe => ({ kind: 'magic', head: [...head], tail })),
  ),
  ext: fc.constantFrom('.csv', '.csv', '.csv', '.tsv', '.txt', '.xlsx'),
});

function render(w: World, r: Recipe): Buffer {
  switch (r.kind) {
    case 'raw':
      return Buffer.from(r.bytes);
    case 'tokens':
      return Buffer.from(r.tokens.join(''), 'utf8');
    case 'magic':
      return Buffer.from([...r.head, ...r.tail]);
    case 'valid': {
      const text = exportTable(w, r.rows, r.layout).replace(/^\uFEFF/, '');
      if (r.encoding === 1) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
      if (r.encoding === 2) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
      if (r.encoding === 3) return Buffer.from(text, 'latin1');
      return Buffer.from(text, 'utf8');
    }
    case 'spliced': {
      let b = Buffer.from(exportTable(w, r.rows, r.layout), 'utf8');
      for (const [at, cut, insert] of r.edits) {
        const i = at % (b.length + 1);
        b = Buffer.concat([b.subarray(0, i), Buffer.from(insert), b.subarray(Math.min(b.length, i + cut))]);
      }
      return b;
    }
  }
}

// ---------------------------------------------------------------- order

interface FactsRecipe {
  cadre: number;
  hours: { code: string; day: number; quarters: number }[];
  essays: { kind: 'reflection' | 'report'; day: number; chars: number; status: 'approved' | 'pending' | 'rejected' }[];
  training: { topic: string; day: number }[];
  keys: number[];
}

const factsArb: fc.Arbitrary<FactsRecipe> = fc.record({
  cadre: fc.nat(3),
  hours: fc.array(fc.record({ code: codeArb([...'ABC12'], 2), day: fc.nat(5000), quarters: fc.integer({ min: 1, max: 96 }) }), { maxLength: 40 }),
  essays: fc.array(
    fc.record({ kind: fc.constantFrom('reflection' as const, 'report' as const), day: fc.nat(5000), chars: fc.integer({ min: 2500, max: 5000 }), status: fc.constantFrom('approved' as const, 'pending' as const, 'rejected' as const) }),
    { maxLength: 8 },
  ),
  training: fc.array(fc.record({ topic: fc.constantFrom('党史', '法治', ' 党史 ', 'ai', 'AI', '数据'), day: fc.nat(5000) }), { maxLength: 20 }),
  keys: fc.array(fc.double({ noNaN: true }), { minLength: 70, maxLength: 70 }),
});

function permute<T>(list: T[], keys: number[], offset: number): T[] {
  return list
    .map((x, i) => ({ x, k: keys[(i + offset) % keys.length] }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.x);
}

function factsOf(w: World, r: FactsRecipe, shuffle: boolean): CadreFacts {
  const dateOf = (day: number): string => isoOf(w, { cadre: r.cadre, day } as Row);
  const seen = new Set<string>();
  const hours: HourFact[] = [];
  for (const h of r.hours) {
    const f = { course: h.code, date: dateOf(h.day), quarters: h.quarters };
    // The database keeps one record per (cadre, course, date).
    if (seen.has(`${f.course}\u0000${f.date}`)) continue;
    seen.add(`${f.course}\u0000${f.date}`);
    hours.push(f);
  }
  const essays: EssayFact[] = r.essays.map((e, i) => ({ id: i + 1, kind: e.kind, title: `t${i}`, date: dateOf(e.day), chars: e.chars, status: e.status }));
  const training: TrainingFact[] = r.training.map((t) => ({ topic: t.topic, date: dateOf(t.day) }));
  if (!shuffle) return { hours, essays, training };
  return { hours: permute(hours, r.keys, 0), essays: permute(essays, r.keys, 40), training: permute(training, r.keys, 50) };
}

// ---------------------------------------------------------------- registration

export function registerProperties(runs: PropertyRuns): void {
  let w: World;
  let n = 0;
  beforeAll(async () => {
    w = await makeWorld();
  }, 60_000);
  afterAll(removeScratch);
  /** Each run's own files and folders go when the run is over. */
  const drop = (...paths: string[]): void => {
    for (const p of paths) fs.rmSync(p, { recursive: true, force: true });
  };
  const params = (numRuns: number) => ({ seed: runs.seed, numRuns });
  const timeout = (numRuns: number, msEach: number) => Math.max(30_000, numRuns * msEach);

  describe('a table of valid rows written by cadre and imported again gives the same audit', () => {
    test.prop([fc.array(rowArb(codeArb()), { minLength: 1, maxLength: 30 }), layoutArb], params(runs.pure))(
      `cadre's CSV writer, then the import's reader and row checks: the same records, the same audit (${runs.pure} runs)`,
      async (rows, layout) => {
        const file = path.join(w.dir, 'roundtrip.csv');
        fs.writeFileSync(file, exportTable(w, rows, layout));
        const back = await readBack(w, file);
        expect(back.problems).toEqual([]);
        const expected = modelFacts(w, rows);
        const got = modelFactsFrom(back.facts);
        expect(got).toEqual(expected);
        expect(auditOf(w, got)).toEqual(auditOf(w, expected));
      },
      timeout(runs.pure, 20),
    );

    test.prop([fc.array(rowArb(codeArb()), { minLength: 1, maxLength: 30 }), layoutArb], params(runs.heavy))(
      `import-hours, the transcript exported by cadre written as CSV, import-hours into a fresh database: the same audit (${runs.heavy} runs)`,
      async (rows, layout) => {
        const k = n++;
        const first = path.join(w.dir, `rt-${k}.csv`);
        fs.writeFileSync(first, exportTable(w, rows, layout));
        const a = await importAndAudit(w, path.join(w.dir, `rt-${k}-a`), first);
        expect(a.code, a.ctx.stderr.join('')).toBe(0);
        const exported: string[][] = [['learner_id', 'course_code', 'completed_on', 'hours']];
        w.cadres.forEach((c, i) => {
          for (const h of a.transcripts[i].hours as { course: string; date: string; hours: number }[]) exported.push([c.learnerId, h.course, h.date, String(h.hours)]);
        });
        const second = path.join(w.dir, `rt-${k}-export.csv`);
        fs.writeFileSync(second, BOM + toCsv(exported));
        const b = await importAndAudit(w, path.join(w.dir, `rt-${k}-b`), second);
        drop(first, second, path.join(w.dir, `rt-${k}-a`), path.join(w.dir, `rt-${k}-b`));
        if (exported.length === 1) {
          // Nothing in the current terms to export: the header-only file is refused, as any empty export is.
          expect(b.code, b.ctx.stderr.join('')).toBe(2);
          return;
        }
        expect(b.code, b.ctx.stderr.join('')).toBe(0);
        expect(b.audits).toEqual(a.audits);
      },
      timeout(runs.heavy, 300),
    );
  });

  describe('any byte string given to import-hours imports or exits 2 with the database unchanged, never a crash', () => {
    test.prop([recipeArb], params(runs.pure))(
      `in-process: the whole import (reader, checks, SQLite) on one database (${runs.pure} runs)`,
      async ({ recipe, ext }) => {
        const dir = path.join(w.dir, 'bytes');
        if (!fs.existsSync(dir)) {
          fs.mkdirSync(dir);
          copyDb(w.template, path.join(dir, 'cadre.db'));
        }
        const ctx = testContext({ cwd: dir, now: '2026-11-25T10:00:00' });
        try {
          const db = ctx.db();
          const hash = (): string => {
            db.pragma('wal_checkpoint(TRUNCATE)');
            return sha256(fs.readFileSync(ctx.dbPath));
          };
          const batches = (): number => (db.prepare('SELECT COUNT(*) AS n FROM batches').get() as { n: number }).n;
          const file = path.join(dir, `input${ext}`);
          fs.writeFileSync(file, render(w, recipe));
          const before = hash();
          const batchesBefore = batches();
          let code: number;
          try {
            code = await runImports([file], {}, ctx, () => hoursImport(ctx, { fast: hoursFast }));
          } catch (e) {
            // A command may also refuse by throwing a CadreError (exit 2); anything else is a crash.
            if (!(e instanceof CadreError)) throw e;
            code = e.exitCode;
          }
          expect([0, 2]).toContain(code);
          if (code === 2) expect(hash()).toBe(before);
          else expect(batches() === batchesBefore + 1 || /imported before|already imported/i.test(ctx.stderr.join(''))).toBe(true);
        } finally {
          ctx.dispose?.();
        }
      },
      timeout(runs.pure, 30),
    );

    test.prop([recipeArb], params(runs.spawned))(
      `the real binary: exit 0 or 2, the database unchanged on 2, no stack trace (${runs.spawned} runs)`,
      async ({ recipe, ext }) => {
        const k = n++;
        const dir = path.join(w.dir, `spawn-${k}`);
        fs.mkdirSync(dir);
        const db = path.join(dir, 'cadre.db');
        copyDb(w.template, db);
        const before = sha256(fs.readFileSync(db));
        const file = path.join(dir, `input${ext}`);
        fs.writeFileSync(file, render(w, recipe));
        const r = await cadre(['--db', db, 'import-hours', file], { cwd: dir });
        let after = before;
        if (r.code === 2) {
          checkpoint(db);
          after = sha256(fs.readFileSync(db));
        }
        drop(dir);
        expect([0, 2], r.stderr).toContain(r.code);
        expect(r.stderr).not.toMatch(NO_CRASH);
        expect(after).toBe(before);
      },
      timeout(runs.spawned, 1500),
    );
  });

  describe('the 字数 of a concatenation is the sum of the counts of its parts where they meet at whitespace', () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.array(fc.constantFrom('学', '习', '。', '，', 'COVID-19', '3.14', 'a', ' ', '\u3000', '\u200D', '\uD83D\uDE00', '“', '…', 'é', 'かな', '한'), { maxLength: 20 }).map((a) => a.join('')));
    const space = fc.array(fc.constantFrom(' ', '\t', '\n', '\r\n', '\u3000', '\u00A0', '\u200B', '\uFEFF', '\u2003'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
    test.prop([text, space, text], params(runs.pure * 10))(`countZi(a + space + b) = countZi(a) + countZi(b) (${runs.pure * 10} runs)`, (a, s, b) => {
      expect(countZi(a + s + b)).toBe(countZi(a) + countZi(b));
    }, timeout(runs.pure * 10, 1));
    test.prop([text, text], params(runs.pure * 10))(`without whitespace between them the parts can only merge one run (${runs.pure * 10} runs)`, (a, b) => {
      const sum = countZi(a) + countZi(b);
      expect(countZi(a + b)).toBeLessThanOrEqual(sum);
      expect(countZi(a + b)).toBeGreaterThanOrEqual(sum - 1);
    }, timeout(runs.pure * 10, 1));
  });

  describe('credits never depend on the order of the rows', () => {
    test.prop([factsArb], params(runs.pure))(`the audit engine on the same facts in any order (${runs.pure} runs)`, (r) => {
      const policy = w.ctx.policy();
      const ev = { asOf: TODAY, cutoff: TODAY, lastYear: 2026 };
      const term = currentTerm(w.cadres[r.cadre].service, policy, TODAY)!;
      const one = auditTerm(term, factsOf(w, r, false), DESIGNATIONS, policy, ev);
      const other = auditTerm(term, factsOf(w, r, true), DESIGNATIONS, policy, ev);
      expect(other.credits).toEqual(one.credits);
      expect(other.requirements).toEqual(one.requirements);
      expect(other.status).toBe(one.status);
    });

    test.prop([fc.array(rowArb(codeArb([...'AB1'], 2), fc.oneof(fc.nat(3), fc.nat(5000))), { minLength: 1, maxLength: 25 }), layoutArb, fc.array(fc.double({ noNaN: true }), { minLength: 25, maxLength: 25 })], params(runs.heavy))(
      `import-hours of a file and of the same rows shuffled, each into a fresh database: the same audit, read on this thread and on a worker (${runs.heavy} runs)`,
      async (rows, layout, keys) => {
        const k = n++;
        const one = path.join(w.dir, `order-${k}.csv`);
        const other = path.join(w.dir, `order-${k}-shuffled.csv`);
        fs.writeFileSync(one, exportTable(w, rows, layout));
        fs.writeFileSync(other, exportTable(w, permute(rows, keys, 0), layout));
        const a = await importAndAudit(w, path.join(w.dir, `order-${k}-a`), one);
        const b = await importAndAudit(w, path.join(w.dir, `order-${k}-b`), other, 1);
        drop(one, other, path.join(w.dir, `order-${k}-a`), path.join(w.dir, `order-${k}-b`));
        expect(a.code, a.ctx.stderr.join('')).toBe(0);
        expect(b.code, b.ctx.stderr.join('')).toBe(0);
        expect(b.audits).toEqual(a.audits);
      },
      timeout(runs.heavy, 300),
    );
  });
}
