/**
 * A year close that holds: `close-year` freezes the year-end view, `audit
 * --year` then regenerates it byte for byte, a change to a record of the
 * closed year is refused (nothing written) unless `--amend --reason`, which
 * is recorded, listed by `closes` and explained by `close-diff`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { cadreIn, runCommand } from '../helpers/run.js';
import { testContext } from '../helpers/context.js';
import { closeYear } from '../../src/report/year-close.js';
import { computeAudits } from '../../src/report/audit-run.js';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { recordJournal } from '../../src/db/journal.js';
import { openDatabase } from '../../src/db/open.js';
import { isClosedYearRefusal } from '../../src/db/closes.js';

const sample = path.join(repoRoot, 'data', 'sample');
const AFTER = '2026-12-01T10:00:00';
let dir: string;
let cadre: ReturnType<typeof cadreIn>;

async function ok(args: string[], now = AFTER, lang: 'zh' | 'en' = 'en') {
  const r = await cadre(args, { now, lang });
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

/** Rows of each record table and the journal: what a refused command must leave as it was. */
function tableCounts(): Record<string, number> {
  const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
  try {
    const out: Record<string, number> = {};
    for (const t of ['hours', 'training', 'essays', 'exams', 'exemptions', 'journal', 'batches', 'year_amendments']) out[t] = db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number;
    return out;
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = tempDir('cadre-close-');
  for (const f of fs.readdirSync(sample)) if (f.endsWith('.csv')) fs.copyFileSync(path.join(sample, f), path.join(dir, f));
  fs.cpSync(path.join(sample, 'essays'), path.join(dir, 'essays'), { recursive: true });
  cadre = cadreIn({ cwd: dir, operator: 'office' });
  await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv'], '2025-10-01T09:00:00');
  await ok(['import-hours', 'hours-2025-w38.csv', '学时-2025-w45.csv'], '2025-11-20T09:00:00');
  await ok(['import-training', 'training.csv'], '2026-06-01T09:00:00');
  await ok(['import-exams', 'exams.csv'], '2026-07-01T09:00:00');
});

describe('close-year', () => {
  it('is refused before the academic year has ended, and nothing is closed', async () => {
    const r = await cadre(['close-year', '2025'], { now: '2026-08-31T18:00:00' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has not ended');
    expect(r.stderr).toContain('2026-08-31');
    expect(JSON.parse((await ok(['closes', '--format', 'json'])).stdout)).toEqual([]);
  });

  it('freezes the year-end view: audit --year regenerates it byte for byte in every format', async () => {
    const before = {
      csv: (await ok(['audit', '--year', '2025', '--format', 'csv'])).stdout,
      json: (await ok(['audit', '--year', '2025', '--format', 'json'])).stdout,
      shortfall: (await ok(['audit', '--year', '2025', '--shortfall', '--format', 'csv'])).stdout,
    };
    const closed = await ok(['close-year', '2025-2026']);
    expect(closed.stderr).toMatch(/closed 2025-2026: 8 cadres/);
    // A later year's records do not touch the closed view; an amendment does not change what was closed.
    await ok(['import-hours', 'hours-2026-w10.csv', '--amend', '--reason', 'March hours exported late'], '2026-12-01T11:00:00');
    for (let i = 0; i < 2; i++) {
      const r = await ok(['audit', '--year', '2025', '--format', 'csv']);
      expect(r.stdout).toBe(before.csv);
      expect(r.stderr).toContain('was closed on 2026-12-01 10:00');
      expect((await ok(['audit', '--year', '2025', '--format', 'json'])).stdout).toBe(before.json);
      expect((await ok(['audit', '--year', '2025', '--shortfall', '--format', 'csv'])).stdout).toBe(before.shortfall);
    }
    // The live view has moved on: close-diff says how, with the amendment's reason.
    const diff = JSON.parse((await ok(['close-diff', '2025', '--format', 'json'])).stdout) as any[];
    expect(diff.length).toBeGreaterThan(0);
    const hours = diff.find((d) => d.change === 'requirement' && d.requirement === 'hours');
    expect(hours.after.actual).toBeGreaterThan(hours.before.actual);
    expect(hours.reasons).toEqual(['March hours exported late']);
  });

  it('is refused for a year no term of any cadre holds (a mistyped year), and nothing is closed', async () => {
    const r = await cadre(['close-year', '1990'], { now: AFTER });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing to close');
    expect(JSON.parse((await ok(['closes', '--format', 'json'])).stdout)).toEqual([]);
  });

  it('is refused a second time, and for a year that is not closed close-diff says so', async () => {
    await ok(['close-year', '2025']);
    const again = await cadre(['close-year', '2025'], { now: AFTER });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('was closed on');
    const open = await cadre(['close-diff', '2024'], { now: AFTER });
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('has not been closed');
  });

  it('stores the policy, the as-of date and the state of the records it counted, by hash', async () => {
    await ok(['close-year', '2025']);
    const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    const row = db.prepare('SELECT * FROM year_closes WHERE year = 2025').get() as any;
    db.close();
    expect(row.as_of).toBe('2026-09-01');
    expect(row.ends_on).toBe('2026-08-31');
    expect(JSON.parse(row.policy).ranks.division.totalTenths).toBe(600);
    const state = JSON.parse(row.state);
    expect(state.hours.count).toBeGreaterThan(0);
    expect(state.hours.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(state.batches.length).toBe(4);
    expect(row.state_sha256).toMatch(/^[0-9a-f]{64}$/);
    const log = JSON.parse((await ok(['log', '--command', 'close-year', '--format', 'json'])).stdout);
    expect(log).toHaveLength(1);
  });
});

describe('a closed year\'s records', () => {
  beforeEach(async () => {
    await ok(['close-year', '2025']);
  });

  it('an import dated in it is refused, naming its lines, and nothing is written', async () => {
    const counts = tableCounts();
    const r = await cadre(['import-hours', 'hours-2026-w10.csv'], { now: AFTER, lang: 'zh' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hours-2026-w10\.csv 有 \d+ 行的日期在已关账的学年（2025-2026学年）/);
    expect(r.stderr).toMatch(/第 2 行: 日期 2026-0\d-\d\d 在已关账的2025-2026学年/);
    expect(r.stderr).toContain('--amend --reason');
    // The summary counts the rows read, and the refused ones, as any refused import's does (not "0 rows read").
    const refused = Number(/有 (\d+) 行的日期在已关账的学年/.exec(r.stderr)![1]);
    expect(r.stderr).toMatch(new RegExp(`未导入 hours-2026-w10\\.csv  读取 32 行：新增 0，重复 0，拒绝 ${refused}`));
    expect(tableCounts()).toEqual(counts);
  });

  it('record, exempt, undo and require are refused for it, and allowed for an open year', async () => {
    const counts = tableCounts();
    const id = (await ok(['accounts', '--format', 'json'])).stdout.match(/"learner_id":\s*"(\w+)"/)![1];
    for (const args of [
      ['record-training', id, '--topic', '补录专题', '--date', '2026-03-01'],
      ['record-exam', id, '--exam', '补考', '--date', '2026-05-01', '--score', '90'],
      ['exempt', id, '--requirement', 'hours', '--year', '2025', '--reason', '借调'],
      ['undo-import', '1'],
      ['require', '--year', '2025', '--rank', 'division', 'C001'],
    ]) {
      const r = await cadre(args, { now: AFTER });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('closed academic year');
    }
    expect(tableCounts()).toEqual(counts);
    await ok(['record-training', id, '--topic', '新学年专题', '--date', '2026-10-01']);
    await ok(['exempt', id, '--requirement', 'hours', '--year', '2026', '--reason', '借调']);
  });

  it('--amend needs a reason; with one the change is made and recorded, and closes lists it', async () => {
    const noReason = await cadre(['undo-import', '1', '--amend'], { now: AFTER });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');
    await ok(['undo-import', '1', '--amend', '--reason', '导入了错误的文件'], '2026-12-02T09:30:00');
    const list = JSON.parse((await ok(['closes', '--format', 'json'])).stdout) as any[];
    expect(list.map((x) => x.type)).toEqual(['close', 'amendment']);
    expect(list[1]).toMatchObject({ year: 2025, command: 'undo-import', reason: '导入了错误的文件', operator: 'office' });
    expect(list[1].changes).toBeGreaterThan(0);
    const table = (await ok(['closes', '--format', 'table'], AFTER, 'zh')).stdout;
    // At 80 columns the text may wrap inside its cell.
    expect(table.replace(/[│\s]/g, '')).toContain('导入了错误的文件');
    expect(table).toContain('2026-12-02 09:30');
  });

  it('an amending run that is refused for another reason records no amendment', async () => {
    const r = await cadre(['record-exam', 'WZ999999', '--exam', 'x', '--date', '2026-05-01', '--score', '90', '--amend', '--reason', 'r'], { now: AFTER });
    expect(r.code).toBe(2);
    expect(tableCounts().year_amendments).toBe(0);
  });
});

describe('what a close stores', () => {
  it('is the JSON of the year\'s audits, whole (made and gzipped a cadre at a time), and its hash', async () => {
    const ctx = testContext({ cwd: dir, now: AFTER, operator: 'office' });
    const { audited } = await computeAudits(ctx, { learnerIds: [], year: '2025' });
    expect(audited.length).toBeGreaterThan(1);
    await ok(['close-year', '2025']);
    const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    const row = db.prepare('SELECT cadres, result, result_sha256 FROM year_closes WHERE year = 2025').get() as { cadres: number; result: Buffer; result_sha256: string };
    db.close();
    const text = gunzipSync(row.result).toString('utf8');
    expect(text).toBe(JSON.stringify(audited));
    expect(row.result_sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(row.cadres).toBe(audited.length);
  });
});

describe('closing while another command writes', () => {
  it('is refused when anything was written between its audit and its write, and closes nothing', async () => {
    const ctx = testContext({ cwd: dir, now: AFTER, operator: 'office' });
    const r = await runCommand({ run: async (_o: unknown, c) => void (await closeYear(c, 2025, () => recordJournal(c.db(), c, { command: 'other', args: {} }))) }, {}, ctx);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('while 2025-2026 was being closed');
    expect(JSON.parse((await ok(['closes', '--format', 'json'])).stdout)).toEqual([]);
    await ok(['close-year', '2025']);
  });
});

describe('a review of a closed year\'s essay', () => {
  it('is refused without --amend and recorded with it', async () => {
    await ok(['import-essays', 'essays.csv'], '2026-07-10T09:00:00');
    await ok(['close-year', '2025']);
    const essays = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    const id = essays.prepare("SELECT id FROM essays WHERE status = 'approved' ORDER BY id LIMIT 1").pluck().get() as number;
    essays.close();
    const r = await cadre(['review-essay', String(id), '--reject'], { now: AFTER });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('closed academic year');
    await ok(['review-essay', String(id), '--reject', '--amend', '--reason', '复查发现抄袭']);
    const list = JSON.parse((await ok(['closes', '--format', 'json'])).stdout) as any[];
    // Two rows changed: the essay's status, and the review kept with it (essay_reviews).
    expect(list[1]).toMatchObject({ command: 'review-essay', reason: '复查发现抄袭', changes: 2 });
  });
});

describe('the guard of a connection opened before the close', () => {
  it('costs nothing while no year is closed, and refuses a write made after another process closed the year', async () => {
    const early = openDatabase(path.join(dir, 'cadre.db'), { create: false });
    try {
      // No year closed: no trigger on this connection, so an import pays nothing for the guard.
      expect(early.prepare("SELECT COUNT(*) FROM sqlite_temp_master WHERE type = 'trigger'").pluck().get()).toBe(0);
      await ok(['close-year', '2025']);
      const cadreId = early.prepare('SELECT id FROM cadres ORDER BY id LIMIT 1').pluck().get() as number;
      const course = early.prepare('SELECT code FROM courses ORDER BY code LIMIT 1').pluck().get() as string;
      const write = () => early.transaction(() => early.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (?, ?, '2026-03-03', 4, 'x')").run(cadreId, course)).immediate();
      let refused: unknown;
      try {
        write();
      } catch (e) {
        refused = e;
      }
      expect(isClosedYearRefusal(refused)).toBe(true);
      // A later year is still written, by the same connection.
      early.transaction(() => early.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (?, ?, '2026-10-03', 4, 'x')").run(cadreId, course)).immediate();
    } finally {
      early.close();
    }
  });
});
