/**
 * Reminders for a year in May: `remind --as-of 2026-05-15` on the sample
 * year writes a message per cadre behind pace or short with the right
 * deadline, and a notice per department; a second run within the quiet
 * period produces nothing new (and says so) unless --again; after it, the
 * reminders come again; `reminders` lists them; a failure writes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';
import { testContext } from '../helpers/context.js';
import { prepareReminders, recordReminders, renderMessages, StagedFiles, stageNotices } from '../../src/report/reminders.js';

const sample = path.join(repoRoot, 'data', 'sample');
const hasPoppler = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).error === undefined;
if (!hasPoppler) console.log('test/cli/remind.test.ts: pdftotext (poppler-utils) is not installed: the check that the notice PDF reads back as its text is skipped');

let base: string;
let dir: string;
let cadre: ReturnType<typeof cadreIn>;

async function ok(args: string[], lang: 'zh' | 'en' = 'zh') {
  const r = await cadre(args, { lang });
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}

/** The sample year, as bin/demo.mjs runs it, made once and copied for each test. */
beforeAll(async () => {
  base = tempDir('cadre-remind-base-');
  for (const f of fs.readdirSync(sample)) if (/\.(csv|txt)$/.test(f)) fs.copyFileSync(path.join(sample, f), path.join(base, f));
  fs.cpSync(path.join(sample, 'essays'), path.join(base, 'essays'), { recursive: true });
  cadre = cadreIn({ cwd: base, operator: 'office' });
  await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
  await ok(['issue-accounts', 'roster-2026.csv', '--out', 'cred2.csv']);
  await ok(['require', '--year', '2025', '--rank', 'division', 'C001', 'C002', 'C003', 'C004', 'C005', '--hours', '2']);
  await ok(['require', '--year', '2025', '--rank', 'section', 'C006']);
  await ok(['import-hours', 'hours-2025-w38.csv', '学时-2025-w45.csv', 'hours-2026-w10.csv']);
  await ok(['import-essays', 'essays.csv']);
  await ok(['import-training', 'training.csv']);
  await ok(['import-exams', 'exams.csv']);
}, 120_000);

beforeEach(() => {
  dir = tempDir('cadre-remind-');
  fs.cpSync(base, dir, { recursive: true });
  cadre = cadreIn({ cwd: dir, operator: 'office' });
});

function count(table: string): number {
  const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
  try {
    return db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

const csvRows = (file: string) => parse(fs.readFileSync(path.join(dir, file), 'utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];

describe('remind: a year in May', () => {
  it('writes one message per cadre behind pace or short, each gap with its deadline, the office contact from the policy', async () => {
    const audit = JSON.parse((await ok(['audit', '--as-of', '2026-05-15', '--format', 'json'], 'en')).stdout) as { learner_id: string; requirements: { status: string }[] }[];
    const expected = audit.filter((a) => a.requirements.some((r) => r.status === 'behind' || r.status === 'short')).map((a) => a.learner_id).sort();
    expect(expected.length).toBeGreaterThan(2);

    const r = await ok(['remind', '--as-of', '2026-05-15', '--format', 'csv', '--out', 'r.csv']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`已生成 ${expected.length} 名干部的提醒`);
    const rows = csvRows('r.csv');
    expect(rows.map((x) => x['学员编号']).sort()).toEqual(expected);
    const li = rows.find((x) => x['姓名'] === '李娜')!;
    // 2025-2026 hours are behind pace: due at the end of the academic year; the term total at the end of the term.
    expect(li['缺口']).toContain('2025-2026学年 平台学时 8/20，缺 12 学时（截止 2026-08-31，进度落后）');
    expect(li['缺口']).toMatch(/本任期 总学分 [\d.]+\/60，缺 [\d.]+ 学分（截止 2027-08-31，进度落后）/);
    // A year that has ended is short, and said so.
    expect(li['缺口']).toContain('2024-2025学年 心得体会 未提交（已于 2025-08-31 截止）');
    expect(li['截止日期']).toBe('2026-08-31');
    expect(li['提醒内容']).toMatch(/^李娜同志：截至2026-05-15，/);
    expect(li['提醒内容']).toContain('请于2026-08-31前完成');
    expect(li['提醒内容']).toContain('干部教育科 电话 0577-00000000');
    expect(Number(li['字数'])).toBe([...li['提醒内容']].length);
    // The length is said, and a long message warned about.
    expect(r.stderr).toMatch(/条提醒超过一条短信的 70 字/);
    // Recorded: one row per cadre and gap, one journal entry.
    const listed = JSON.parse((await ok(['reminders', '--format', 'json'])).stdout) as Record<string, unknown>[];
    expect(listed.length).toBe(rows.reduce((n, x) => n + x['缺口'].split('\n').length, 0));
    expect(listed.find((x) => x.name === '李娜' && x.requirement === 'hours' && x.period === 2025)).toMatchObject({ as_of: '2026-05-15', status: 'behind', deadline: '2026-08-31', format: 'csv', operator: 'office', file: path.join(dir, 'r.csv') });
    // The CSV a person opens says the status in words (the JSON above keeps the code).
    const csv = (await ok(['reminders', '--format', 'csv'])).stdout;
    expect(csv).toMatch(/,李娜,[^,]*,进度落后,/);
    expect(csv).not.toMatch(/,(behind|short),/);
  });

  it('the SMS text has a block per cadre in the user language; --behind and --short choose the gaps', async () => {
    const zh = await ok(['remind', '--as-of', '2026-05-15', '--behind']);
    expect(zh.stdout).toMatch(/^# WZ\d+ /m);
    expect(zh.stdout).not.toContain('截止）');
    expect(zh.stdout).not.toContain('已于');
    const en = await ok(['remind', '--as-of', '2026-05-15', '--short', '--again'], 'en');
    expect(en.stdout).toMatch(/^Dear .+: as of 2026-05-15, your cadre online learning still lacks: /m);
    expect(en.stdout).toContain('(period ended 2025-08-31)');
    expect(en.stdout).not.toContain('behind pace)');
  });

  it('a second run within the quiet period produces nothing new and says so; --again produces; after the quiet period it produces again', async () => {
    await ok(['remind', '--as-of', '2026-05-15', '--format', 'csv', '--out', 'first.csv']);
    const recorded = count('reminders');
    const journal = count('journal');
    const again = await ok(['remind', '--as-of', '2026-05-15', '--format', 'csv', '--out', 'second.csv', '--out-dir', 'notices']);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('没有新的提醒');
    expect(again.stderr).toContain('静默期（14 天）');
    expect(again.stderr).toContain('--again');
    expect(fs.existsSync(path.join(dir, 'second.csv'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'notices'))).toBe(false);
    expect([count('reminders'), count('journal')]).toEqual([recorded, journal]);

    await ok(['remind', '--as-of', '2026-05-15', '--again', '--format', 'csv', '--out', 'second.csv']);
    expect(csvRows('second.csv')).toEqual(csvRows('first.csv'));
    expect(count('reminders')).toBe(2 * recorded);

    type Listed = { as_of: string; learner_id: string; requirement: string; period: unknown; status: string };
    const key = (x: Listed) => `${x.learner_id} ${x.requirement} ${x.period} ${x.status}`;
    const listed = async () => JSON.parse((await ok(['reminders', '--format', 'json'])).stdout) as Listed[];
    const first = new Set((await listed()).filter((x) => x.as_of === '2026-05-15').map(key));
    // 13 days on: a gap that has opened since is reminded, none of those reminded on 2026-05-15.
    await ok(['remind', '--as-of', '2026-05-28']);
    const later = (await listed()).filter((x) => x.as_of === '2026-05-28');
    expect(later.filter((x) => first.has(key(x)))).toEqual([]);
    // 14 days on: every gap reminded on 2026-05-15 and still open is reminded again.
    await ok(['remind', '--as-of', '2026-05-29', '--format', 'csv', '--out', 'third.csv']);
    const third = (await listed()).filter((x) => x.as_of === '2026-05-29').map(key);
    expect(third.filter((k) => first.has(k)).length).toBeGreaterThan(0);
    const still = JSON.parse((await ok(['audit', '--as-of', '2026-05-29', '--format', 'json'], 'en')).stdout) as { learner_id: string; requirements: { id: string; period: unknown; status: string }[] }[];
    const open = new Set(still.flatMap((a) => a.requirements.map((r) => `${a.learner_id} ${r.id} ${r.period} ${r.status}`)));
    for (const k of first) if (open.has(k)) expect(third).toContain(k);

    const table = (await ok(['reminders', '--learner', [...first][0].split(' ')[0], '--format', 'table'])).stdout;
    expect(table).toContain('2026-05-29');
  });

  it('writes a notice per department as xlsx and PDF, named with the department and the date', async () => {
    const r = await ok(['remind', '--as-of', '2026-05-15', '--department', '财务处', '--format', 'xlsx', '--out', 'r.xlsx', '--out-dir', '督办单']);
    expect(r.stderr).toContain('督办单 财务处');
    expect(fs.readdirSync(path.join(dir, '督办单')).sort()).toEqual(['督办单-财务处_2026-05-15.pdf', '督办单-财务处_2026-05-15.xlsx']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, '督办单', '督办单-财务处_2026-05-15.xlsx'));
    const ws = wb.worksheets[0];
    const cells = (n: number) => (ws.getRow(n).values as unknown[]).slice(1).map((v) => String(v ?? ''));
    expect(cells(1)[0]).toBe('财务处干部网络学习督办单（截至 2026-05-15）');
    expect(cells(2)).toEqual(['序号', '学员编号', '姓名', '级别', '状态', '缺口', '截止日期']);
    const names = [cells(3), cells(4)].map((c) => c[2]).sort();
    expect(names).toEqual(['刘洋', '李娜']);
    expect([cells(3), cells(4)].find((c) => c[2] === '李娜')![5]).toContain('2025-2026学年 必修课学时 6/10，缺 4 学时（截止 2026-08-31，进度落后）');
    const messages = new ExcelJS.Workbook();
    await messages.xlsx.readFile(path.join(dir, 'r.xlsx'));
    expect(messages.worksheets[0].rowCount).toBe(4);
    if (hasPoppler) {
      const text = spawnSync('pdftotext', [path.join(dir, '督办单', '督办单-财务处_2026-05-15.pdf'), '-'], { encoding: 'utf8' }).stdout;
      expect(text).toContain('财务处干部网络学习督办单');
      expect(text).toContain('财务处负责同志：截至2026-05-15，贵单位有2名干部');
      expect(text).toContain('李娜（');
      expect(text).toContain('刘洋（');
      expect(text).toContain('干部教育科 电话 0577-00000000');
      expect(spawnSync('pdfinfo', [path.join(dir, '督办单', '督办单-财务处_2026-05-15.pdf')], { encoding: 'utf8' }).stdout).toMatch(/Pages:\s+1\n/);
    }
  });
});

describe('remind: nothing written on failure', () => {
  it('a notice that exists already is refused: no file, no record, no journal entry', async () => {
    fs.mkdirSync(path.join(dir, 'n'));
    fs.writeFileSync(path.join(dir, 'n', '督办单-财务处_2026-05-15.pdf'), 'mine');
    const journal = count('journal');
    const r = await cadre(['remind', '--as-of', '2026-05-15', '--format', 'csv', '--out', 'r.csv', '--out-dir', 'n'], { lang: 'zh' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('督办单-财务处_2026-05-15.pdf');
    expect(fs.existsSync(path.join(dir, 'r.csv'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'n'))).toEqual(['督办单-财务处_2026-05-15.pdf']);
    expect(fs.readFileSync(path.join(dir, 'n', '督办单-财务处_2026-05-15.pdf'), 'utf8')).toBe('mine');
    expect(count('journal')).toBe(journal);
    expect(JSON.parse((await ok(['reminders', '--format', 'json'])).stdout)).toEqual([]);
    // Nothing was recorded, so nothing is held back.
    expect((await ok(['remind', '--as-of', '2026-05-15', '--format', 'csv', '--out', 'r.csv'])).stderr).toContain('已生成');
  });

  it('a file that cannot be put in place inside the transaction rolls the records back and takes back the files placed', async () => {
    const ctx = testContext({ cwd: dir, lang: 'zh', operator: 'office' });
    try {
      const prepared = await prepareReminders(ctx, { asOf: '2026-05-15', statuses: new Set(['behind', 'short']), again: false });
      const staged = new StagedFiles();
      staged.stage(path.join(dir, 'r.csv'), await renderMessages(ctx, prepared, 'csv', true), false);
      await stageNotices(ctx, prepared, 'n', false, staged);
      // Taken meanwhile (another user in a shared folder): the last one cannot be placed.
      const last = fs.readdirSync(path.join(dir, 'n')).filter((f) => f.endsWith('.cadre-tmp')).sort().pop()!;
      const taken = last.replace(/^\./, '').replace(/\.\d+\.[0-9a-f]+\.cadre-tmp$/, '');
      fs.writeFileSync(path.join(dir, 'n', taken), 'theirs');
      expect(() => recordReminders(ctx, prepared, staged, { format: 'csv', file: 'r.csv', notices: new Map(), args: {} })).toThrow();
      expect(fs.existsSync(path.join(dir, 'r.csv'))).toBe(false);
      expect(fs.readdirSync(path.join(dir, 'n'))).toEqual([taken]);
    } finally {
      ctx.dispose?.();
    }
    expect(count('reminders')).toBe(0);
  });

  it('another run that recorded reminders meanwhile stops this one: nothing recorded twice, no file', async () => {
    const ctx = testContext({ cwd: dir, lang: 'zh', operator: 'office' });
    try {
      const prepared = await prepareReminders(ctx, { asOf: '2026-05-15', statuses: new Set(['behind', 'short']), again: false });
      const staged = new StagedFiles();
      staged.stage(path.join(dir, 'r.csv'), await renderMessages(ctx, prepared, 'csv', true), false);
      // The other run, committed between this one's planning and its recording.
      expect((await cadre(['remind', '--as-of', '2026-05-15'])).code).toBe(0);
      const after = count('reminders');
      expect(() => recordReminders(ctx, prepared, staged, { format: 'csv', file: 'r.csv', notices: new Map(), args: {} })).toThrow(/remind\.concurrent|另一次/);
      expect(count('reminders')).toBe(after);
      expect(fs.existsSync(path.join(dir, 'r.csv'))).toBe(false);
    } finally {
      ctx.dispose?.();
    }
  });

  it('an as-of date in the future, and xlsx without --out, are refused before anything is written', async () => {
    const future = await cadre(['remind', '--as-of', '2027-01-01', '--format', 'csv', '--out', 'r.csv']);
    expect(future.code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'r.csv'))).toBe(false);
    const xlsx = await cadre(['remind', '--as-of', '2026-05-15', '--format', 'xlsx']);
    expect(xlsx.code).toBe(2);
    expect(xlsx.stderr).toContain('--out');
  });
});

describe('remind: the templates are checked at start', () => {
  it('a policy file with an unknown placeholder is refused, naming it and its path, before any work', async () => {
    const policy = JSON.parse(fs.readFileSync(path.join(repoRoot, 'data', 'policy.json'), 'utf8'));
    policy.reminders.templates.sms_zh = policy.reminders.templates.sms_zh.replace('{缺口}', '{缺项}');
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(policy));
    const r = await runCli(['remind', '--as-of', '2026-05-15', '--format', 'csv', '--out', 'r.csv'], { cwd: dir, env: { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_POLICY: path.join(dir, 'policy.json'), CADRE_LANG: 'zh' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('policy.reminders.templates.sms_zh');
    expect(r.stderr).toContain('{缺项}');
    expect(fs.existsSync(path.join(dir, 'r.csv'))).toBe(false);
    expect(count('reminders')).toBe(0);
  });

  it('a template that says the contact, with no contact in the policy, is refused', async () => {
    const policy = JSON.parse(fs.readFileSync(path.join(repoRoot, 'data', 'policy.json'), 'utf8'));
    delete policy.office.contact;
    fs.writeFileSync(path.join(dir, 'policy.json'), JSON.stringify(policy));
    const r = await runCli(['remind', '--as-of', '2026-05-15'], { cwd: dir, env: { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_POLICY: path.join(dir, 'policy.json') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('office.contact');
  });
});
