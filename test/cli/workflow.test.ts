/**
 * The office's year through the public CLI: roster, overlapping weekly files in
 * several encodings and date forms, bad files, essays at and just under the
 * limits, training, a promotion, and the audit JSON.
 *
 * Each command line is run in this process (test/helpers/run.ts: the real
 * program, a fresh context per run with a fixed clock, the exit code as main
 * gives it); the language read from the environment at start is checked
 * with the real binary.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';
// @ts-expect-error a plain .mjs helper shared with the fixture generators
import { legacyEncoder } from '../fixtures/legacy-encoder.mjs';

const gbk: (text: string) => Buffer = legacyEncoder('gbk');

let dir: string;
let env: Record<string, string>;
const ids: Record<string, string> = {};
const cli = (args: string[], input?: string) => cadreIn({ cwd: dir, operator: 'tester' })(args, { input });
const write = (name: string, content: string | Buffer) => fs.writeFileSync(path.join(dir, name), content);
const dbHash = () => {
  const db = new Database(path.join(dir, 'cadre.db'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, 'cadre.db'))).digest('hex');
};
async function auditJson(args: string[] = []) {
  const r = await cli(['audit', '--format', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as any[];
}
const find = (list: any[], id: string) => list.find((x) => x.learner_id === id);
const reqOf = (a: any, id: string, period: string | number = 'term') => a.requirements.find((r: any) => r.id === id && r.period === period);

beforeAll(async () => {
  dir = tempDir();
  env = { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_OPERATOR: 'tester' };
  write('roster.csv', '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,正处,2024-09-10\nT2,乙,文学院,副科,2025-03-15\nT3,丙,理学院,科级,2024-11-01\n');
  const r = await cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
  expect(r.code, r.stderr).toBe(0);
  const text = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8');
  for (const line of text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)) {
    const [id, staff] = line.split(',');
    ids[staff] = id;
  }
}, 60_000);

describe('issue-accounts', () => {
  it('writes the credentials once: BOM, mode 0600, the SPEC columns, strong passwords; stores no plaintext', () => {
    const buf = fs.readFileSync(path.join(dir, 'cred.csv'));
    expect(buf.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(fs.statSync(path.join(dir, 'cred.csv')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'cadre.db')).mode & 0o777).toBe(0o600);
    const lines = buf.toString('utf8').slice(1).trim().split(/\r?\n/);
    expect(lines[0]).toBe('learner_id,staff_no,name,department,initial_password');
    expect(lines).toHaveLength(4);
    for (const l of lines.slice(1)) {
      const [id, , , , pw] = l.split(',');
      expect(id).toMatch(/^[A-Z0-9]+$/);
      expect(pw.length).toBeGreaterThanOrEqual(12);
      expect(pw).not.toMatch(/[0Oo1lI]/);
      const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
      const raw = db.prepare('SELECT password_hash, must_change FROM accounts a JOIN cadres c ON c.id = a.cadre_id WHERE c.learner_id = ?').get(id) as { password_hash: string; must_change: number };
      db.close();
      expect(raw.password_hash).toMatch(/^\$scrypt\$/);
      expect(raw.password_hash).not.toContain(pw);
      expect(raw.must_change).toBe(1);
    }
  });
  it('re-running is safe: no new password, the summary says so', async () => {
    const r = await cli(['issue-accounts', 'roster.csv', '--out', 'cred2.csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/issued 0, already had an account 3, updated 0, rejected 0/);
    expect(fs.existsSync(path.join(dir, 'cred2.csv'))).toBe(false);
  });
  it('an existing credentials file is never overwritten', async () => {
    write('roster-new.csv', 'staff_no,name,department,rank,appointed_on\nT9,庚,理学院,section,2025-09-01\n');
    const r = await cli(['issue-accounts', 'roster-new.csv', '--out', 'cred.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/never overwritten/);
  });
  it('a credentials file that cannot be written: exit 2, the file named, no account created', async () => {
    const before = dbHash();
    const r = await cli(['issue-accounts', 'roster-new.csv', '--out', path.join(dir, 'no-such-folder', 'c.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read or write .*no-such-folder\/c\.csv \(ENOENT\); nothing was changed/);
    expect(dbHash()).toBe(before);
  });
  it('a bad roster changes nothing and names line, column and fix', async () => {
    const before = dbHash();
    write('bad-roster.csv', 'staff_no,name,department,rank,appointed_on\nT4,丁,理学院,正厅,2025-01-01\nT5,戊,理学院,科级,2025-13-01\n');
    const r = await cli(['issue-accounts', 'bad-roster.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-roster\.csv, line 2, column 4 \(rank\): rank "正厅" is above division level/);
    expect(r.stderr).toMatch(/line 3, column 5 \(appointed_on\)/);
    expect(dbHash()).toBe(before);
  });
});

describe('import-hours', () => {
  it('imports UTF-8 with every date form, and GBK with Chinese headers', async () => {
    write('w1.csv', `learner_id,course_code,course_title,completed_on,hours\n${ids.T1},K1,课程一,2025-09-10,2\n${ids.T1},K2,课程二,2025/9/12,1.5\n${ids.T1},K3,课程三,2025.9.13,0.25\n${ids.T1},K4,课程四,2025年9月14日,0.75\n${ids.T1},K5,课程五,45917,1\n${ids.T3},K1,课程一,2025-10-01 08:30:00,2\n`);
    write('w2-gbk.csv', gbk(`工号,课程编号,课程名称,完成日期,学时\r\nT1,K1,课程一,2025-09-10,2\r\nT1,K6,课程六,2025-10-20,3\r\nT3,K2,课程二,2025-10-21,1\r\n`));
    const r = await cli(['import-hours', 'w1.csv', 'w2-gbk.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/imported w1\.csv\s+rows read 6: new 6, duplicates 0, rejected 0/);
    expect(r.stderr).toMatch(/imported w2-gbk\.csv\s+rows read 3: new 2, duplicates 1, rejected 0/);
    const a = find(await auditJson(['--as-of', '2025-12-31']), ids.T1);
    expect(reqOf(a, 'hours', 2024).actual).toBe(0);
    // 2 + 1.5 + 0.25 + 0.75 + 1 + 3 hours = 8.5 h = 3.4 credits
    expect(reqOf(a, 'hours', 2025).actual).toBe(8.5);
    expect(a.credits.platform).toBe(3.4);
  });
  it('the same file twice is reported as already imported', async () => {
    const r = await cli(['import-hours', 'w1.csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/imported before/);
  });
  it('an overlapping re-export on a later day never double counts', async () => {
    write('w3.csv', `learner_id,course_code,completed_on,hours\n${ids.T1},K2,2025-11-02,1.5\n${ids.T1},K7,2025-11-03,1\n`);
    const r = await cli(['import-hours', 'w3.csv']);
    expect(r.stderr).toMatch(/new 1, duplicates 1/);
    const a = find(await auditJson(['--as-of', '2025-12-31']), ids.T1);
    expect(reqOf(a, 'hours', 2025).actual).toBe(9.5);
  });
  it('a bad file: exit 2, nothing written, every bad row by line, column and reason', async () => {
    const before = dbHash();
    write('bad.csv', `learner_id,course_code,completed_on,hours\n${ids.T1},K8,2025-02-30,1\n${ids.T1},K9,2025-10-01,2,5\n${ids.T1},K9,2025-10-01,"2,5"\nWZ999999,K9,2025-10-01,1\n${ids.T1},K9,2099-10-01,1\n${ids.T1},K9,2024-09-09,1\n${ids.T1},K10,2025-10-01,1\n`);
    const r = await cli(['import-hours', 'bad.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv, line 2, column 3 \(completed_on\): date 2025-02-30 does not exist/);
    expect(r.stderr).toMatch(/bad\.csv, line 3: this row has 5 fields/);
    expect(r.stderr).toMatch(/bad\.csv, line 4, column 4 \(hours\)/);
    expect(r.stderr).toMatch(/line 5, column 1 \(learner_id\): learner ID WZ999999 does not exist/);
    expect(r.stderr).toMatch(/line 6, column 3 \(completed_on\): date 2099-10-01 is after today/);
    expect(r.stderr).toMatch(/line 7, column 3 \(completed_on\): date 2024-09-09 is before the appointment/);
    expect(r.stderr).not.toMatch(/line 8/);
    expect(dbHash()).toBe(before);
  });
  it('--dry-run reports without writing; --skip-invalid writes the valid rows and NAME.rejected.csv', async () => {
    const before = dbHash();
    const dry = await cli(['import-hours', 'bad.csv', '--skip-invalid', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(/dry run.*rows read 7: new 1, duplicates 0, rejected 6/);
    expect(dbHash()).toBe(before);
    const r = await cli(['import-hours', 'bad.csv', '--skip-invalid']);
    expect(r.code).toBe(0);
    const rejected = fs.readFileSync(path.join(dir, 'bad.rejected.csv'), 'utf8');
    expect(rejected.split(/\r?\n/)[0]).toBe('\uFEFFline,learner_id,course_code,completed_on,hours,reason');
    expect(rejected.trim().split(/\r?\n/)).toHaveLength(7);
    expect(rejected).toMatch(/2025-02-30.*does not exist/);
  });
});

describe('essays', () => {
  it('refuses an essay one 字 short, saying counted and needed; accepts exactly the minimum', async () => {
    // T3 is section level: reflection ≥ 3000 字
    const short = await cli(['record-essay', ids.T3, '--kind', 'reflection', '--title', '心得', '--submitted-on', '2025-12-01', '--chars', '2999']);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/2999 字.*at least 3000 \(1 more\)/);
    const ok = await cli(['record-essay', ids.T3, '--kind', 'reflection', '--title', '心得', '--submitted-on', '2025-12-01', '--chars', '3000']);
    expect(ok.code, ok.stderr).toBe(0);
  });
  it('counts 字数 itself from a .txt file', async () => {
    write('report.txt', '调研'.repeat(1999) + ' COVID-19 https://example.org/a');
    const r = await cli(['record-essay', ids.T3, '--kind', 'report', '--title', '调研', '--submitted-on', '2025-12-02', '--file', 'report.txt']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/4000 字 counted/);
  });
  it('review-essay changes the status and the audit follows', async () => {
    const r = await cli(['record-essay', ids.T1, '--kind', 'reflection', '--title', '心得', '--submitted-on', '2025-12-03', '--chars', '3600', '--status', 'pending']);
    const essayId = r.stdout.trim();
    let a = find(await auditJson(['--as-of', '2025-12-31']), ids.T1);
    expect(reqOf(a, 'reflection', 2025).actual).toBe(0);
    expect((await cli(['review-essay', essayId, '--approve'])).code).toBe(0);
    a = find(await auditJson(['--as-of', '2025-12-31']), ids.T1);
    expect(reqOf(a, 'reflection', 2025).actual).toBe(1);
    expect(a.credits.essays).toBe(5);
  });
});

describe('training, required courses, promotion and the audit', () => {
  it('a topic attended twice counts once', async () => {
    write('training.csv', `learner_id,topic,attended_on\n${ids.T1},专题A,2025-10-10\n${ids.T1},专题A,2025-11-10\n${ids.T1},专题B,2025-11-11\n`);
    const r = await cli(['import-training', 'training.csv']);
    expect(r.stderr).toMatch(/new 2, duplicates 1/);
    expect((await cli(['record-training', ids.T1, '--topic', '专题B', '--date', '2025-12-01'])).stderr).toMatch(/already counts/);
    const a = find(await auditJson(['--as-of', '2025-12-31']), ids.T1);
    expect(a.credits.training).toBe(2);
  });
  it('required courses count in catalogue hours', async () => {
    expect((await cli(['require', '--year', '2025', '--rank', 'division', 'K1', 'K6', 'NEW1', '--hours', '2'])).code).toBe(0);
    const a = find(await auditJson(['--as-of', '2025-12-31']), ids.T1);
    // K1 (2 h) and K6 (3 h, from its import) are done; NEW1, registered now with 2 h, is not
    expect([reqOf(a, 'required', 2025).required, reqOf(a, 'required', 2025).actual]).toEqual([7, 5]);
  });
  it('the JSON carries the SPEC fields', async () => {
    const a = find(await auditJson(['--as-of', '2025-12-31']), ids.T1);
    for (const k of ['learner_id', 'staff_no', 'name', 'department', 'rank', 'term', 'credits', 'requirements', 'status']) expect(a).toHaveProperty(k);
    expect(a.term).toMatchObject({ start_year: 2024, end_year: 2026 });
    expect(Object.keys(a.credits).sort()).toEqual(['essays', 'platform', 'required', 'total', 'training']);
    expect(a.credits.required).toBe(60);
    for (const r of a.requirements) expect(Object.keys(r)).toEqual(expect.arrayContaining(['id', 'period', 'required', 'actual', 'met', 'shortfall', 'status']));
    expect(a.credits.total).toBe(Math.round((a.credits.platform + a.credits.essays + a.credits.training) * 10) / 10);
  });
  it('a promotion in the roster opens a new term at the new rank', async () => {
    write('roster2.csv', '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,正处,2024-09-10\nT2,乙,文学院,副科,2025-03-15\nT3,丙,理学院,副处,2026-01-05\n');
    const r = await cli(['issue-accounts', 'roster2.csv']);
    expect(r.stderr).toMatch(/updated 1/);
    const a = find(await auditJson(['--as-of', '2026-02-01']), ids.T3);
    expect([a.rank, a.term.start_year, a.credits.required]).toEqual(['division', 2025, 60]);
    // the section-level records before the promotion stay with the earlier term
    const old = find(await auditJson(['--as-of', '2025-12-31']), ids.T3);
    expect([old.rank, old.credits.platform]).toEqual(['section', 1.2]);
  });
  it('the year-end view closes the year; --shortfall and --fail-on-shortfall', async () => {
    const list = await auditJson(['--year', '2025']);
    const t1 = find(list, ids.T1);
    expect(reqOf(t1, 'hours', 2025).status).toBe('short');
    // 9.5 h plus the 1 h of K10 that --skip-invalid let through
    expect(reqOf(t1, 'hours', 2025).shortfall).toBe(9.5);
    const csv = await cli(['audit', '--year', '2025', '--shortfall', '--format', 'csv']);
    expect(csv.stdout).toMatch(/2025-2026 platform hours 10\.5\/20, 9\.5 hours missing/);
    const fail = await cli(['audit', '--year', '2025', '--fail-on-shortfall', '--format', 'json']);
    expect(fail.code).toBe(1);
  });
  it('JSON on a pipe or in a file has one cadre per line; --out is written whole or not at all; a learner named twice is audited once', async () => {
    const piped = await cli(['audit', '--as-of', '2025-12-31', '--format', 'json']);
    const lines = piped.stdout.trimEnd().split('\n');
    expect([lines[0], lines[lines.length - 1]]).toEqual(['[', ']']);
    expect(lines.slice(1, -1).map((l) => JSON.parse(l.replace(/,$/, '')).learner_id)).toEqual(JSON.parse(piped.stdout).map((a: any) => a.learner_id));
    expect(lines).toHaveLength(JSON.parse(piped.stdout).length + 2);
    const out = await cli(['audit', '--as-of', '2025-12-31', '--format', 'json', '--out', 'audit.json']);
    expect(out.code, out.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'audit.json'), 'utf8')).toBe(piped.stdout);
    expect(fs.readdirSync(dir).filter((f) => f.includes('audit.json'))).toEqual(['audit.json']);
    // A department nobody is in is refused (exit 2), not an empty list that looks like "nobody short".
    const none = await cli(['audit', '--as-of', '2025-12-31', '--format', 'json', '--department', 'nowhere']);
    expect([none.code, none.stdout]).toEqual([2, '']);
    expect(none.stderr).toMatch(/no department is called "nowhere"/);
    const twice = await cli(['audit', ids.T1, ids.T2, ids.T1, '--as-of', '2025-12-31', '--format', 'json']);
    expect(JSON.parse(twice.stdout).map((a: any) => a.learner_id)).toEqual([ids.T1, ids.T2].sort());
  });
  it('--department and --rank filter; the part-year cadre has no 2024 requirement', async () => {
    const list = await auditJson(['--as-of', '2025-12-31', '--department', '文学院', '--rank', 'section']);
    expect(list.map((x) => x.learner_id)).toEqual([ids.T2]);
    expect(list[0].term.start_year).toBe(2025);
    expect(list[0].requirements.filter((r: any) => r.period === 2024)).toEqual([]);
  });
  it('one learner ID prints the transcript with sources and gaps', async () => {
    // A wide terminal, where each source is one line (at 80 columns the cell wraps inside its column).
    const r = await cadreIn({ cwd: dir, operator: 'tester', columns: 200 })(['audit', ids.T1, '--as-of', '2025-12-31', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Transcript — 甲/);
    expect(r.stdout).toMatch(/w1\.csv line 2; batch \d+ w2-gbk\.csv line 2/);
    expect(r.stdout).toMatch(/not counted \(already studied this term\)/);
    expect(r.stdout).toMatch(/Gaps/);
  });
  it('speaks Chinese', async () => {
    const r = await runCli(['audit', '--as-of', '2025-12-31', '--format', 'csv'], { cwd: dir, env: { ...env, CADRE_LANG: 'zh' } });
    expect(r.stdout.split(/\r?\n/)[0]).toMatch(/^学员编号,工号,姓名,部门,职级/);
    expect(r.stderr).toMatch(/共 3 名干部/);
  });
  it('a cadre who left office is left out of later audits and still shown in year-end views of the years served', async () => {
    write('roster3.csv', '工号,姓名,部门,职级,任职日期,离任日期\nT2,乙,文学院,副科,2025-03-15,2026-06-30\n');
    expect((await cli(['issue-accounts', 'roster3.csv'])).code).toBe(0);
    expect(find(await auditJson(['--as-of', '2026-07-01']), ids.T2)).toBeUndefined();
    expect(find(await auditJson(['--as-of', '2026-06-30']), ids.T2)).toBeDefined();
    expect(find(await auditJson(['--year', '2025']), ids.T2)).toBeDefined();
    const named = await cli(['audit', ids.T2, '--as-of', '2026-07-01', '--format', 'json']);
    expect(named.stderr).toMatch(/not in office as of 2026-07-01/);
    // A row dated after leaving office is no error of the file: skipped, warned about and counted, the rest imported.
    write('late.csv', `learner_id,course_code,completed_on\n${ids.T2},K1,2026-07-02\n${ids.T2},K1,2026-06-29\n`);
    const late = await cli(['import-hours', 'late.csv']);
    expect(late.code, late.stderr).toBe(0);
    expect(late.stderr).toMatch(/late\.csv, line 2, column 3 \(completed_on\): learner \w+ left office on 2026-06-30; this row, dated 2026-07-02, is not imported/);
    expect(late.stderr).toMatch(/imported late\.csv\s+rows read 2: new 1, duplicates 0, rejected 0, after leaving office: 1/);
  });
});
