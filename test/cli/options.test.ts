/**
 * Options as the office types them, through the public CLI (in process, the
 * clock fixed at 2026-11-25): ranks, kinds, states and requirements in
 * Chinese; academic years written any usual way; a department matched after
 * NFKC or refused with the nearest; the views refused that cannot be made
 * yet (a year not ended, an as-of date after today); and `cadre start`, the
 * day the office began keeping records, in the audit and the journal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';

let dir: string;
const ids: Record<string, string> = {};
const cli = (args: string[], lang: 'en' | 'zh' = 'en') => cadreIn({ cwd: dir, operator: 'tester', lang })(args);
const write = (name: string, content: string) => fs.writeFileSync(path.join(dir, name), content);
async function ok(args: string[], lang: 'en' | 'zh' = 'en') {
  const r = await cli(args, lang);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
const auditJson = async (args: string[]) => JSON.parse((await ok(['audit', '--format', 'json', ...args])).stdout) as any[];
const statuses = (a: any) => a.requirements.map((r: any) => r.status);

beforeAll(async () => {
  dir = tempDir();
  // Three cadres of terms that began before the office used the tool, one appointed since.
  write(
    'roster.csv',
    '工号,姓名,部门,职级,任职日期\nP1,甲,财务处(计划财务),正处,2024-05-10\nP2,乙,财务处(计划财务),副科,2023-06-01\nP3,丙,计算机学院,科级,2024-04-01\nP4,丁,计算机学院,处级,2025-10-20\n',
  );
  await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
  for (const line of fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)) {
    const [id, staff] = line.split(',');
    ids[staff] = id;
  }
}, 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('values as people type them', () => {
  it('--rank 处级 / 科级 and --year 2025-2026学年 in the audit', async () => {
    const division = await auditJson(['--rank', '处级']);
    expect(division.map((a) => a.learner_id).sort()).toEqual([ids.P1, ids.P4].sort());
    const section = await auditJson(['--year', '2024-2025学年', '--rank', '科级']);
    expect(section.map((a) => a.learner_id).sort()).toEqual([ids.P2, ids.P3].sort());
  });

  it('record-essay --kind 心得体会 --status 待审核 records a pending reflection', async () => {
    await ok(['record-essay', ids.P1, '--kind', '心得体会', '--title', '学习心得', '--submitted-on', '2025-12-01', '--chars', '4000', '--status', '待审核']);
    const [a] = JSON.parse((await ok(['audit', ids.P1, '--format', 'json'])).stdout);
    expect(a.transcript.essays.map((e: any) => [e.kind, e.status])).toEqual([['reflection', 'pending']]);
  });

  it('exempt --requirement 平台学时 --year 2025-2026学年 exempts the hours of 2025', async () => {
    await ok(['exempt', ids.P3, '--requirement', '平台学时', '--year', '2025-2026学年', '--reason', '借调']);
    const [a] = await auditJson([ids.P3, '--year', '2025']);
    expect(a.requirements.find((r: any) => r.id === 'hours' && r.period === 2025).status).toBe('exempt');
    await ok(['unexempt', ids.P3, '--requirement', '平台学时', '--year', '2025']);
  });

  it('--department matches full-width brackets; a near miss lists the nearest, in the user language', async () => {
    const list = await auditJson(['--department', '财务处（计划财务）']);
    expect(list.map((a) => a.learner_id).sort()).toEqual([ids.P1, ids.P2].sort());
    const miss = await cli(['audit', '--department', '计算机'], 'zh');
    expect([miss.code, miss.stdout]).toEqual([2, '']);
    expect(miss.stderr).toBe('错误: 没有名为“计算机”的部门\n解决办法: 相近的部门：计算机学院；按其中一个的写法重写（全角、半角括号都可以）\n');
  });
});

describe('views that cannot be made yet', () => {
  it('the year-end view of a year not ended is refused, saying until when it runs', async () => {
    const r = await cli(['audit', '--year', '2026-2027学年']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: academic year 2026-2027 has not ended \(it runs to 2027-08-31\)/);
    expect((await cli(['audit', '--year', '2025'])).code).toBe(0);
  });

  it('an as-of date after today is refused; today is accepted', async () => {
    const r = await cli(['audit', '--as-of', '2026-11-26'], 'zh');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^错误: 截至日期 2026-11-26 晚于今天（2026-11-25）/);
    expect((await cli(['audit', '--as-of', '2026-11-25'])).code).toBe(0);
  });
});

describe('cadre start: the day the office began keeping records', () => {
  it('before it is recorded, a year nobody recorded is short for everyone in office then, with a designation warning', async () => {
    const r = await ok(['audit', '--year', '2024', '--format', 'json']);
    const list = JSON.parse(r.stdout);
    expect(list.map((a: any) => a.status)).toEqual(['short', 'short', 'short']);
    expect(r.stderr).toMatch(/2024-2025/);
    // The audit points out the years that ended before any record (the essay of 2025-12-01), and what to do.
    expect(r.stderr).toMatch(/hint: 3 cadres are short in a period that ended before 2025-12-01 \(the earliest record on file\), .*cadre start --since 2025-09-01/);
    expect((await ok(['start'])).stderr).toMatch(/no day of first records is recorded/);
  });

  it('recorded (journaled once), earlier years show "no full records", not short; later ones are audited as before', async () => {
    const before2025 = await auditJson(['--year', '2025']);
    const set = await ok(['start', '--since', '2025-09-01']);
    expect(set.stderr).toMatch(/^recorded: the office keeps records in cadre since 2025-09-01/);
    const again = await ok(['start', '--since', '2025-2026学年']);
    expect(again.stderr).toMatch(/already kept since 2025-09-01: nothing changed/);
    const log = JSON.parse((await ok(['log', '--command', 'start', '--format', 'json'])).stdout);
    expect(log).toHaveLength(1);
    expect(log[0].args).toEqual({ since: '2025-09-01', previous: null });
    expect((await ok(['start'])).stdout).toBe('2025-09-01\n');

    const y2024 = await ok(['audit', '--year', '2024', '--format', 'json']);
    const list = JSON.parse(y2024.stdout);
    expect(list.map((a: any) => a.status)).toEqual(['unrecorded', 'unrecorded', 'unrecorded']);
    for (const a of list) expect(statuses(a)).not.toContain('short');
    // No warning about the designations of a year before the office used the tool.
    expect(y2024.stderr).not.toMatch(/2024-2025/);
    expect(y2024.stderr).toMatch(/no full records 3/);
    expect(y2024.stderr).not.toMatch(/hint:/);

    // 2025-2026: its yearly requirements are audited as before; the terms begun before the start are not short.
    const after2025 = await auditJson(['--year', '2025']);
    for (const [i, a] of after2025.entries()) {
      const b = before2025[i];
      for (const [j, r] of a.requirements.entries()) {
        if (r.period === 2025 && a.learner_id !== ids.P4) expect(r.status).toBe(b.requirements[j].status);
        if (r.period === 'term' && a.learner_id !== ids.P4) expect(r.status).not.toBe('short');
      }
    }
    // The cadre appointed after the start is audited exactly as before.
    expect(after2025.find((a) => a.learner_id === ids.P4)).toEqual(before2025.find((a) => a.learner_id === ids.P4));
  });

  it('a day after today is refused; --clear forgets it and the audit is as before', async () => {
    const future = await cli(['start', '--since', '2026-12-01']);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/after today \(2026-11-25\)/);
    const bad = await cli(['start', '--since', '2025-13-01'], 'zh');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^错误: 日期“2025-13-01”无法识别/);
    expect((await ok(['start', '--clear'])).stderr).toMatch(/forgot the day of first records \(it was 2025-09-01\)/);
    const list = await auditJson(['--year', '2024']);
    expect(list.map((a) => a.status)).toEqual(['short', 'short', 'short']);
  });
});
