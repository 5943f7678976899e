/**
 * Implausible study records through the commands: an hours import keeps such
 * rows, records what it found and says so; `cadre anomalies` lists the
 * findings; the office's decisions change the audit and the transcript, and
 * are journaled and taken back; undoing the batch removes its findings; a
 * decision on a closed year is an amendment.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cadreIn } from '../helpers/run.js';

let dir: string;
const ids: Record<string, string> = {};
const NOW = '2026-11-25T10:00:00';
const cli = (args: string[], lang: 'en' | 'zh' = 'en', now = NOW) => cadreIn({ cwd: dir, operator: 'office', lang, now })(args);
const write = (name: string, content: string) => fs.writeFileSync(path.join(dir, name), content);
const query = <T>(sql: string, ...params: unknown[]): T[] => {
  const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
};

async function ok(args: string[], lang: 'en' | 'zh' = 'en', now = NOW) {
  const r = await cli(args, lang, now);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
const list = async (...args: string[]) => JSON.parse((await ok(['anomalies', ...args, '--format', 'json'])).stdout) as Record<string, any>[];
/** The platform credits (tenths) of a cadre's current term, from the audit's JSON. */
const platform = async (id: string) => {
  const a = JSON.parse((await ok(['audit', id, '--format', 'json'])).stdout);
  return (Array.isArray(a) ? a[0] : a).credits.platform as number;
};
const transcriptHours = async (id: string) => {
  const a = JSON.parse((await ok(['audit', id, '--format', 'json'])).stdout);
  return (Array.isArray(a) ? a[0] : a).transcript.hours as { course: string; counts: boolean; why: string | null; anomaly?: number }[];
};

// A platform export with completion times (re-saved by Excel as the sample is): three courses at 09:00 on
// one day, one of them studied in 5 minutes; fourteen hours on the next day; plain rows of another cadre.
const TIMED = [
  '工号,课程编号,课程名称,完成时间,学时,学习时长',
  'A1,K1,课程一,2025/11/10 09:00,2,120',
  'A1,K2,课程二,2025/11/10 09:00,2,5',
  'A1,K3,课程三,2025/11/10 09:00,2,',
  'A1,K4,课程四,2025/11/11 09:00,8,',
  'A1,K5,课程五,2025/11/11 19:00,6,',
  'B1,K1,课程一,2025/11/10 09:00,2,',
  'B1,K2,课程二,2025/11/10 10:15,2,',
].join('\n');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-anomalies-'));
  write('roster.csv', '工号,姓名,部门,职级,任职日期\nA1,张伟,计算机学院,正处,2025-09-01\nB1,王芳,文学院,正处,2025-09-01\n');
  await ok(['issue-accounts', 'roster.csv', '--out', 'creds.csv']);
  for (const l of fs.readFileSync(path.join(dir, 'creds.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)) {
    const cells = l.split(',');
    ids[cells[1]] = cells[0];
  }
  write('timed.csv', TIMED);
}, 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('an hours import with implausible rows', () => {
  it('imports every row, records each finding in the same batch and says on stderr how many, with the command to see them', async () => {
    const r = await ok(['import-hours', 'timed.csv'], 'zh');
    expect(r.stderr).toContain('新增 7');
    expect(r.stderr).toContain('发现 3 条不合常理的学习记录');
    expect(r.stderr).toContain('cadre anomalies --status open');
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM hours')[0].n).toBe(7);
    // The minute of every row is kept, and the study time the file gives.
    expect(query('SELECT h.course_code, t.minute, t.studied_minutes FROM hour_times t JOIN hours h ON h.id = t.hour_id JOIN cadres c ON c.id = h.cadre_id WHERE c.staff_no = ? ORDER BY h.id', 'A1')).toEqual([
      { course_code: 'K1', minute: 540, studied_minutes: 120 },
      { course_code: 'K2', minute: 540, studied_minutes: 5 },
      { course_code: 'K3', minute: 540, studied_minutes: null },
      { course_code: 'K4', minute: 540, studied_minutes: null },
      { course_code: 'K5', minute: 1140, studied_minutes: null },
    ]);
  });

  it('cadre anomalies lists them, by year, department and status, in JSON with the figures in their units', async () => {
    const all = await list();
    expect(all.map((a) => [a.id, a.kind, a.learner_id, a.day, a.figure, a.limit, a.unit, a.courses, a.status, a.file_name])).toEqual([
      [1, 'same_minute', ids.A1, '2025-11-10', 3, 3, 'courses', 'K1,K2,K3', 'open', 'timed.csv'],
      [2, 'too_fast', ids.A1, '2025-11-10', 5, 120, 'minutes', 'K2', 'open', 'timed.csv'],
      [3, 'day_hours', ids.A1, '2025-11-11', '14', '12', 'hours', 'K4,K5', 'open', 'timed.csv'],
    ]);
    expect(await list('--year', '2025')).toHaveLength(3);
    expect(await list('--year', '2024')).toEqual([]);
    expect(await list('--department', '文学院')).toEqual([]);
    expect(await list('--status', 'accepted')).toEqual([]);
    const bad = await cli(['anomalies', '--status', 'pending']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status takes open, accepted or rejected');
  });

  it('the table fits 80 columns, in both languages, and names what to do next', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const r = await cadreIn({ cwd: dir, lang, now: NOW, columns: 80 })(['anomalies', '--format', 'table']);
      expect(r.code, r.stderr).toBe(0);
      const { default: stringWidth } = await import('string-width');
      for (const line of r.stdout.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
      expect(r.stdout).toContain(lang === 'zh' ? '同分钟多门' : 'same minute');
      expect(r.stderr).toContain('anomaly-accept');
    }
  });

  it('the held records do not count, and the transcript says which finding holds each', async () => {
    expect(await platform(ids.B1)).toBe(1.6);
    // Only records no finding names count: none of A1's five.
    expect(await platform(ids.A1)).toBe(0);
    const hours = await transcriptHours(ids.A1);
    expect(hours.map((h) => [h.course, h.counts, h.why, h.anomaly ?? null])).toEqual([
      ['K1', false, 'held', 1],
      ['K2', false, 'held', 1],
      ['K3', false, 'held', 1],
      ['K4', false, 'held', 3],
      ['K5', false, 'held', 3],
    ]);
    const zh = await cadreIn({ cwd: dir, lang: 'zh', now: NOW, columns: 120 })(['audit', ids.A1, '--format', 'table']);
    expect(zh.stdout).toContain('暂不计（待核实：异常 1');
  });

  it('accepting a finding makes its records count, rejecting one makes them never count; both need a reason and are journaled', async () => {
    const noReason = await cli(['anomaly-accept', '3'], 'zh');
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');
    const accepted = await ok(['anomaly-accept', '3', '--reason', '集中学习日，经核实属实'], 'zh');
    expect(accepted.stderr).toContain('已认可异常记录 3');
    expect(await platform(ids.A1)).toBe(5.6);
    await ok(['anomaly-reject', '1', '--reason', '同一分钟完成三门，系挂机']);
    // K2 is named by finding 2 (still open) as well as by the rejected one: rejected wins.
    const hours = await transcriptHours(ids.A1);
    expect(hours.map((h) => [h.course, h.counts, h.why])).toEqual([
      ['K1', false, 'anomaly_rejected'],
      ['K2', false, 'anomaly_rejected'],
      ['K3', false, 'anomaly_rejected'],
      ['K4', true, null],
      ['K5', true, null],
    ]);
    const again = await cli(['anomaly-reject', '1', '--reason', 'again']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('anomaly-reopen 1');
    expect((await list('--status', 'rejected')).map((a) => [a.id, a.reason, a.decided_by])).toEqual([[1, '同一分钟完成三门，系挂机', 'office']]);
    const journal = query<{ command: string; args: string }>("SELECT command, args FROM journal WHERE command LIKE 'anomaly-%' ORDER BY id");
    expect(journal.map((j) => [j.command, JSON.parse(j.args).anomaly, JSON.parse(j.args).was])).toEqual([
      ['anomaly-accept', 3, 'open'],
      ['anomaly-reject', 1, 'open'],
    ]);
  });

  it('a decision is taken back with anomaly-reopen: the records are held again', async () => {
    await ok(['anomaly-reopen', '3']);
    expect(await platform(ids.A1)).toBe(0);
    const twice = await cli(['anomaly-reopen', '3']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('finding 3 has not been decided');
    const unknown = await cli(['anomaly-accept', '99', '--reason', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no finding 99');
  });

  it('importing the same rows again in another file finds nothing new', async () => {
    write('timed-again.csv', TIMED + '\n');
    const r = await ok(['import-hours', 'timed-again.csv']);
    expect(r.stderr).not.toContain('implausible');
    expect(await list()).toHaveLength(3);
  });

  it('undoing the batch removes its findings and the times of the records it removes', async () => {
    const batch = query<{ id: number }>("SELECT id FROM batches WHERE file_name = 'timed.csv'")[0].id;
    await ok(['undo-import', String(batch)]);
    // The rows stay, vouched for by the other file; the findings were the undone batch's.
    expect(await list()).toEqual([]);
    expect(await platform(ids.A1)).toBe(8);
    const again = query<{ id: number }>("SELECT id FROM batches WHERE file_name = 'timed-again.csv'")[0].id;
    await ok(['undo-import', String(again)]);
    expect(query('SELECT * FROM hour_times')).toEqual([]);
    expect(query('SELECT * FROM anomaly_records')).toEqual([]);
  });
});

describe('what the file gives', () => {
  it('a start time column gives the study time (it goes through the general path); a start after the completion is refused with the column named', async () => {
    write('started.csv', 'staff_no,course_code,started,completed,hours\nB1,S1,2025-12-01 08:00,2025-12-01 08:20,2\nB1,S2,2025-12-01 08:00,2025-12-01 10:30,2\n');
    const r = await ok(['import-hours', 'started.csv']);
    expect(r.stderr).toContain('1 implausible study record found');
    expect((await list()).map((a) => [a.kind, a.courses, a.figure, a.limit])).toEqual([['too_fast', 'S1', 20, 120]]);
    write('backwards.csv', 'staff_no,course_code,started,completed,hours\nB1,S3,2025-12-02 09:00,2025-12-02 08:00,2\n');
    const bad = await cli(['import-hours', 'backwards.csv'], 'zh');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('开始时间“2025-12-02 09:00”晚于完成时间');
  });

  it('an Excel workbook’s date-time cells keep their minute: three courses in one minute are found', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('学时');
    ws.addRow(['工号', '课程编号', '完成时间', '学时']);
    for (const code of ['X1', 'X2', 'X3']) ws.addRow(['B1', code, new Date(Date.UTC(2025, 11, 3, 21, 5)), 1]);
    ws.getColumn(3).numFmt = 'yyyy-mm-dd hh:mm';
    await wb.xlsx.writeFile(path.join(dir, 'platform.xlsx'));
    const r = await ok(['import-hours', 'platform.xlsx']);
    expect(r.stderr).toContain('1 implausible study record found');
    expect((await list()).filter((a) => a.day === '2025-12-03').map((a) => [a.kind, a.minute, a.courses])).toEqual([['same_minute', 21 * 60 + 5, 'X1,X2,X3']]);
  });

  it('a file of dates alone keeps no time and finds only the days over the hours', async () => {
    write('dates.csv', 'staff_no,course_code,completed_on,hours\nB1,D1,2025-12-05,6\nB1,D2,2025-12-05,7\nB1,D3,2025-12-06,2\n');
    const before = query<{ n: number }>('SELECT COUNT(*) AS n FROM hour_times')[0].n;
    const r = await ok(['import-hours', 'dates.csv']);
    expect(r.stderr).toContain('1 implausible study record found');
    expect(query<{ n: number }>('SELECT COUNT(*) AS n FROM hour_times')[0].n).toBe(before);
    expect((await list('--status', 'open')).filter((a) => a.kind === 'day_hours').map((a) => [a.day, a.figure])).toEqual([['2025-12-05', '13']]);
  });

  it('a day over the hours across two files is found by the second', async () => {
    write('day-a.csv', 'staff_no,course_code,completed_on,hours\nB1,E1,2025-12-10,8\n');
    write('day-b.csv', 'staff_no,course_code,completed_on,hours\nB1,E2,2025-12-10,8\n');
    expect((await ok(['import-hours', 'day-a.csv'])).stderr).not.toContain('implausible');
    expect((await ok(['import-hours', 'day-b.csv'])).stderr).toContain('1 implausible');
    expect((await list()).filter((a) => a.day === '2025-12-10').map((a) => [a.courses, a.figure])).toEqual([['E1,E2', '16']]);
  });
});

describe('a closed year', () => {
  it('a decision on a finding of a closed year is refused unless it amends the close', async () => {
    const id = (await list('--status', 'open'))[0].id;
    await ok(['close-year', '2025'], 'en', '2026-09-02T10:00:00');
    const refused = await cli(['anomaly-accept', String(id), '--reason', 'checked'], 'en', '2026-09-02T11:00:00');
    expect(refused.code).not.toBe(0);
    await ok(['anomaly-accept', String(id), '--reason', 'checked', '--amend'], 'en', '2026-09-02T11:00:00');
    expect(query<{ command: string }>('SELECT command FROM year_amendments')).toEqual([{ command: 'anomaly-accept' }]);
  });
});
