/**
 * The review workflow through the CLI: reviewers registered, listed and
 * retired; essays assigned (balanced, never within a department, refused
 * whole); reviews with scores on the policy's scale, combined into the
 * essay's status; 退回修改 and resubmissions counting on the original date
 * only within the policy's days; the lists of the work; the journal; the
 * closed-year guard; the transcript's versions and reviews; zh and en.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';
import { proseSupply } from '../helpers/essay-corpus.js';
import { policyWith } from '../core/fixtures.js';

/** Unused prose sentences up to `zi` 字. */
const fresh = proseSupply();

describe('the review workflow', () => {
  const dir = tempDir();
  const NOW = '2026-11-25T10:00:00';
  const cli = cadreIn({ cwd: dir, operator: 'tester', now: NOW });
  const ok = async (args: string[], more = {}) => {
    const r = await cli(args, more);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  const json = async (args: string[], more = {}) => JSON.parse((await ok([...args, '--format', 'json'], more)).stdout);
  const ids: Record<string, string> = {};
  const essay: Record<string, string> = {};
  const db = () => new Database(path.join(dir, 'cadre.db'), { readonly: true });
  const record = async (staff: string, title: string, date: string, extra: string[] = ['--chars', '3200', '--status', 'pending'], more = {}) =>
    (await ok(['record-essay', ids[staff], '--kind', 'reflection', '--title', title, '--submitted-on', date, ...extra], more)).stdout.trim();

  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,科级,2024-09-10\nT2,乙,文学院,科级,2024-09-10\nT3,丙,理学院,科级,2024-09-10\nT4,丁,管理学院,科级,2024-09-10\n');
    await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    for (const line of fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)) {
      const [id, staff] = line.split(',');
      ids[staff] = id;
    }
    essay.e1 = await record('T1', '心得一', '2025-10-10');
    essay.e2 = await record('T2', '心得二', '2025-10-11');
    essay.e3 = await record('T3', '心得三', '2025-10-12');
    essay.e4 = await record('T4', '心得四', '2025-10-13');
  }, 60_000);

  it('reviewer add registers with a code (given or numbered), list shows them', async () => {
    expect((await ok(['reviewer', 'add', '王明', '--department', '文学院'])).stdout).toBe('R001\n');
    expect((await ok(['reviewer', 'add', '李华', '--department', '理学院'])).stdout).toBe('R002\n');
    const z = await ok(['reviewer', 'add', '张三', '--department', '外语学院', '--id', 'Z9']);
    expect(z.stdout).toBe('Z9\n');
    expect(z.stderr).toContain('reviewer Z9 registered: 张三 (外语学院)');
    const taken = await cli(['reviewer', 'add', '赵四', '--department', '外语学院', '--id', 'Z9']);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('reviewer code Z9 is taken');
    const list = await json(['reviewer', 'list']);
    expect(list.map((r: { code: string; department: string; retired: boolean }) => [r.code, r.department, r.retired])).toEqual([
      ['R001', '文学院', false],
      ['R002', '理学院', false],
      ['Z9', '外语学院', false],
    ]);
    // The CSV a person opens: the time local and to the second, as in every listing (not an ISO stamp with its offset).
    const csv = (await ok(['reviewer', 'list', '--format', 'csv'])).stdout.trim().split(/\r?\n/);
    expect(csv[1]).toMatch(/^R001,王明,文学院,0,0,[^,]+,2026-11-25 10:00:00,$/);
    const journal = await json(['log', '--command', 'reviewer add']);
    expect(journal.map((e: { args: { code: string; department: string } }) => [e.args.code, e.args.department])).toEqual([
      ['R001', '文学院'],
      ['R002', '理学院'],
      ['Z9', '外语学院'],
    ]);
  });

  it('assign refuses, writing nothing, when an essay cannot get enough reviewers of other departments, and names the essays', async () => {
    const before = db().prepare('SELECT count(*) FROM journal').pluck().get();
    const r = await cli(['assign', '--year', '2025', '--reviewers', 'R001,R002', '--per-essay', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3 essays cannot get 2 eligible reviewers');
    for (const e of [essay.e1, essay.e2, essay.e3]) expect(r.stderr).toContain(`essay ${e} (`);
    expect(r.stderr).not.toContain(`essay ${essay.e4} (`);
    const d = db();
    expect(d.prepare('SELECT count(*) FROM essay_assignments').pluck().get()).toBe(0);
    expect(d.prepare('SELECT count(*) FROM journal').pluck().get()).toBe(before);
    d.close();
  });

  it('assign balances the load, never within a department, and prints each reviewer\'s share', async () => {
    const rows = await json(['assign', '--year', '2025', '--reviewers', 'R001,R002,Z9', '--per-essay', '2']);
    const d = db();
    const pairs = d.prepare('SELECT a.essay_id, r.department AS rd, c.department AS cd FROM essay_assignments a JOIN reviewers r ON r.id = a.reviewer_id JOIN essays e ON e.id = a.essay_id JOIN cadres c ON c.id = e.cadre_id').all() as { essay_id: number; rd: string; cd: string }[];
    d.close();
    expect(pairs).toHaveLength(8);
    for (const p of pairs) expect(p.rd).not.toBe(p.cd);
    // R001 (文学院) can take only 心得三 and 心得四; Z9 is needed on the three others: 2, 3, 3.
    expect(rows.map((r: { code: string; added: number; load: number }) => [r.code, r.added, r.load])).toEqual([
      ['R001', 2, 2],
      ['R002', 3, 3],
      ['Z9', 3, 3],
    ]);
    // Again: every essay has its reviewers, nothing more to assign.
    const again = await ok(['assign', '--year', '2025', '--reviewers', 'R001,R002,Z9', '--per-essay', '2']);
    expect(again.stderr).toContain('nothing to assign');
    // A year not yet begun (today is in 2026-2027) is refused as a likely typo, writing nothing.
    const later = await cli(['assign', '--year', '2027', '--reviewers', 'R001,R002']);
    expect(later.code).toBe(2);
    expect(later.stderr).toContain('has not begun (it starts on 2027-09-01)');
    expect(later.stderr).toContain('today is in 2026-2027');
    const [entry] = await json(['log', '--command', 'assign']);
    expect(entry.args).toMatchObject({ year: 2025, reviewers: ['R001', 'R002', 'Z9'], perEssay: 2 });
    expect(entry.args.assignments).toHaveLength(8);
  });

  it('a reviewer reviews only what is assigned to them, with a score on the scale', async () => {
    const notMine = await cli(['review-essay', essay.e1, '--approve', '--reviewer', 'R001', '--score', '合格']);
    expect(notMine.code).toBe(2);
    expect(notMine.stderr).toContain(`essay ${essay.e1} is not assigned to reviewer R001 (王明)`);
    const badScore = await cli(['review-essay', essay.e1, '--approve', '--reviewer', 'R002', '--score', '良好']);
    expect(badScore.code).toBe(2);
    expect(badScore.stderr).toContain('score "良好" is not on the scale (优秀/合格/不合格)');
    const noScore = await cli(['review-essay', essay.e1, '--approve', '--reviewer', 'R002']);
    expect(noScore.code).toBe(2);
    expect(noScore.stderr).toContain('needs --score');
  });

  it('the status is decided once every assigned reviewer has reviewed: majority, a tie stays pending, any return returns', async () => {
    const first = await ok(['review-essay', essay.e1, '--approve', '--reviewer', 'R002', '--score', '合格', '--comment', '联系实际较好']);
    expect(first.stderr).toContain('assigned reviewers still to review: 1');
    expect((await json(['essays', '--status', 'pending'])).map((e: { id: number }) => String(e.id))).toContain(essay.e1);
    const second = await ok(['review-essay', essay.e1, '--approve', '--reviewer', 'Z9', '--score', '优秀']);
    expect(second.stderr).toContain('pending → approved');
    // A decided essay is no longer the reviewers' to review.
    expect((await cli(['review-essay', essay.e1, '--reject', '--reviewer', 'Z9', '--score', '不合格'])).stderr).toContain('already decided');

    await ok(['review-essay', essay.e2, '--approve', '--reviewer', 'R002', '--score', '合格']);
    const tie = await ok(['review-essay', essay.e2, '--reject', '--reviewer', 'Z9', '--score', '不合格']);
    expect(tie.stderr).toContain('tied');

    await ok(['review-essay', essay.e3, '--approve', '--reviewer', 'Z9', '--score', '合格']);
    const back = await ok(['review-essay', essay.e3, '--return', '--reviewer', 'R001', '--score', '不合格', '--comment', '请结合本职工作修改']);
    expect(back.stderr).toContain('pending → returned');
    expect(back.stderr).toContain(`--resubmits ${essay.e3}`);

    const list = await json(['essays', '--year', '2025']);
    const status = Object.fromEntries(list.map((e: { id: number; status: string }) => [String(e.id), e.status]));
    expect(status).toMatchObject({ [essay.e1]: 'approved', [essay.e2]: 'pending', [essay.e3]: 'returned', [essay.e4]: 'pending' });
    // The office decides the tie directly.
    expect((await ok(['review-essay', essay.e2, '--approve', '--comment', '组织部认定'])).stderr).toContain('pending → approved');

    const [entry] = (await json(['log', '--command', 'review-essay'])).filter((e: { args: { id: number } }) => String(e.args.id) === essay.e3).slice(-1);
    expect(entry.args).toMatchObject({ verdict: 'return', reviewer: 'R001', score: '不合格', comment: '请结合本职工作修改', status: 'returned', was: 'pending' });
  });

  it('essays --status returned and --reviewer list the work', async () => {
    expect((await json(['essays', '--status', 'returned'])).map((e: { id: number }) => String(e.id))).toEqual([essay.e3]);
    // R001's queue: 心得四 (心得三 is reviewed).
    expect((await json(['essays', '--reviewer', 'R001'])).map((e: { id: number }) => String(e.id))).toEqual([essay.e4]);
    expect((await ok(['essays', '--reviewer', 'Z9', '--format', 'table'])).stdout).toContain('has no essays to review');
    // Chinese words for the states are read.
    expect((await json(['essays', '--status', '退回修改'])).map((e: { id: number }) => String(e.id))).toEqual([essay.e3]);
  });

  it('a resubmission within the days counts on the original date; the original is kept and not counted twice', async () => {
    const bad = await cli(['record-essay', ids.T3, '--kind', 'reflection', '--title', 'x', '--submitted-on', '2026-11-20', '--chars', '3200', '--resubmits', essay.e1]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`essay ${essay.e1} is a reflection of ${ids.T1}`);
    const notReturned = await cli(['record-essay', ids.T1, '--kind', 'reflection', '--title', 'x', '--submitted-on', '2026-11-25', '--chars', '3200', '--resubmits', essay.e1]);
    expect(notReturned.stderr).toContain('not returned for revision');
    // Returned on 2026-11-25 (the clock); resubmitted 2026-12-20, within 30 days.
    const later = { now: '2026-12-21T09:00:00' };
    const r = await ok(['record-essay', ids.T3, '--kind', 'reflection', '--title', '心得三（修改稿）', '--submitted-on', '2026-12-20', '--chars', '3300', '--status', 'pending', '--resubmits', essay.e3], later);
    essay.e3b = r.stdout.trim();
    expect(r.stderr).toContain(`revises essay #${essay.e3}, resubmitted within 30 days: it counts on the original date 2025-10-12`);
    const twice = await cli(['record-essay', ids.T3, '--kind', 'reflection', '--title', '再改', '--submitted-on', '2026-12-21', '--chars', '3300', '--resubmits', essay.e3], later);
    expect(twice.stderr).toContain(`already resubmitted as essay ${essay.e3b}`);
    // The original is history now: reviewing it again (which could make it count beside its revision) is refused.
    expect((await cli(['review-essay', essay.e3, '--approve'], later)).stderr).toContain(`resubmitted as essay ${essay.e3b}`);
    await ok(['review-essay', essay.e3b, '--approve'], later);
    const [a] = await json(['audit', ids.T3, '--year', '2025'], later);
    const essays = a.transcript.essays as { id: number; date: string; counts: boolean; why: string | null; resubmits: number | null; submitted_on: string; reviews: { verdict: string; reviewer: { code: string } | null; score: string | null; comment: string | null }[] }[];
    const original = essays.find((e) => String(e.id) === essay.e3)!;
    const revised = essays.find((e) => String(e.id) === essay.e3b)!;
    expect(original).toMatchObject({ counts: false, why: 'returned' });
    expect(original.reviews.map((x) => [x.verdict, x.reviewer?.code ?? null, x.score])).toEqual([
      ['approve', 'Z9', '合格'],
      ['return', 'R001', '不合格'],
    ]);
    expect(revised).toMatchObject({ date: '2025-10-12', submitted_on: '2026-12-20', counts: true, resubmits: Number(essay.e3) });
    expect(a.requirements.find((q: { id: string; period: number }) => q.id === 'reflection' && q.period === 2025)).toMatchObject({ actual: 1 });
  });

  it('a resubmission after the days counts on its own date: the original year stays short', async () => {
    await ok(['review-essay', essay.e4, '--return', '--comment', '篇幅不足']);
    const late = { now: '2027-01-10T09:00:00' };
    const r = await ok(['record-essay', ids.T4, '--kind', 'reflection', '--title', '心得四（修改稿）', '--submitted-on', '2027-01-05', '--chars', '3300', '--status', 'pending', '--resubmits', essay.e4], late);
    expect(r.stderr).toContain('resubmitted after 30 days: it counts on its own date 2027-01-05');
    const id = r.stdout.trim();
    await ok(['review-essay', id, '--approve'], late);
    const [a] = await json(['audit', ids.T4], late);
    expect(a.transcript.essays.find((e: { id: number }) => String(e.id) === id)).toMatchObject({ date: '2027-01-05', counts: true });
    expect(a.requirements.find((q: { id: string; period: number }) => q.id === 'reflection' && q.period === 2025)).toMatchObject({ actual: 0 });
  });

  it('the terminal and workbook transcripts show every version and review', async () => {
    const later = { now: '2026-12-21T09:00:00' };
    const t = await ok(['audit', ids.T3, '--format', 'table'], { ...later, columns: 120 });
    expect(t.stdout).toContain('Versions and reviews of the essays:');
    expect(t.stdout).toContain(`#${essay.e3b} revises #${essay.e3}; submitted 2026-12-20, counts on 2025-10-12`);
    expect(t.stdout).toMatch(/R001 王明.*不合格.*return for revision.*请结合本职工作修改/);
    const zh = await ok(['audit', ids.T3, '--format', 'table'], { ...later, lang: 'zh', columns: 120 });
    expect(zh.stdout).toContain('文章的各稿与评审记录：');
    expect(zh.stdout).toContain(`#${essay.e3b} 修改自 #${essay.e3}`);
    expect(zh.stdout).toContain('退回修改');
    await ok(['audit', ids.T3, '--out', 'tx.xlsx'], later);
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'tx.xlsx'));
    const sheet = wb.getWorksheet('Reviews')!;
    const cells = sheet.getSheetValues().slice(2).map((row) => (row as unknown[]).slice(1, 5));
    expect(cells).toContainEqual([Number(essay.e3), 'R001 王明', '不合格', 'return for revision']);
    expect(cells.find((c) => c[0] === Number(essay.e3b))?.[1]).toBe('office');
    expect(cells.find((c) => c[0] === Number(essay.e3b))?.[3]).toBe('approve');
  });

  it('reviewer remove retires one: their reviews stay, their open assignments are withdrawn, they can no longer review', async () => {
    const r = await ok(['reviewer', 'remove', 'R002']);
    expect(r.stderr).toContain('reviewer R002 (李华) retired');
    const list = await json(['reviewer', 'list']);
    expect(list.find((x: { code: string }) => x.code === 'R002')).toMatchObject({ retired: true, reviewed: 2 });
    const refused = await cli(['assign', '--year', '2025', '--reviewers', 'R002']);
    expect(refused.stderr).toContain('reviewer R002 (李华) was retired');
    const [entry] = await json(['log', '--command', 'reviewer remove']);
    expect(entry.args).toMatchObject({ code: 'R002', withdrawn: 0 });
  });
});

describe('essays held for similarity: flagged, and a verdict overrides the flag', () => {
  const dir = tempDir();
  const cli = cadreIn({ cwd: dir, operator: 'tester', now: '2026-11-25T10:00:00' });
  const ok = async (args: string[], more = {}) => {
    const r = await cli(args, more);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  const json = async (args: string[]) => JSON.parse((await ok([...args, '--format', 'json'])).stdout);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,科级,2024-09-10\nT2,乙,理学院,科级,2024-09-10\n');
    await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    for (const line of fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)) {
      const [id, staff] = line.split(',');
      ids[staff] = id;
    }
    const text = fresh(3200);
    fs.writeFileSync(path.join(dir, 'a.txt'), text.join('\n'));
    fs.writeFileSync(path.join(dir, 'b.txt'), text.join('\n'));
    // A revision: the same essay with a few sentences added.
    fs.writeFileSync(path.join(dir, 'a2.txt'), [...text, ...fresh(300)].join('\n'));
  }, 60_000);

  it('--status flagged lists the held essay until a verdict with a reason overrides it', async () => {
    await ok(['record-essay', ids.T1, '--kind', 'reflection', '--title', '心得', '--submitted-on', '2025-10-10', '--file', 'a.txt']);
    const copy = (await ok(['record-essay', ids.T2, '--kind', 'reflection', '--title', '心得', '--submitted-on', '2025-10-20', '--file', 'b.txt'])).stdout.trim();
    expect((await json(['essays', '--status', 'flagged'])).map((e: { id: number; flagged: boolean }) => [String(e.id), e.flagged])).toEqual([[copy, true]]);
    expect((await ok(['essays', '--status', 'flagged', '--format', 'table'], { lang: 'zh', columns: 160 })).stdout).toContain('（查重待审）');
    const noReason = await cli(['review-essay', copy, '--approve']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('approving it needs the reviewer\'s reason');
    await ok(['review-essay', copy, '--approve', '--reason', '已核对，为本人原创']);
    expect(await json(['essays', '--status', 'flagged'])).toEqual([]);
    const [entry] = (await json(['log', '--command', 'review-essay'])).slice(-1);
    expect(entry.args).toMatchObject({ overrides: 'similarity:copied', reason: '已核对，为本人原创', status: 'approved' });
  });

  it('a held essay assigned to two reviewers: each approval needs a reason; the hold is overridden when the essay is approved', async () => {
    const held = (await ok(['record-essay', ids.T2, '--kind', 'reflection', '--title', '心得（再交）', '--submitted-on', '2025-10-25', '--file', 'b.txt'])).stdout.trim();
    await ok(['reviewer', 'add', '周', '--department', '外语学院']);
    await ok(['reviewer', 'add', '吴', '--department', '外语学院']);
    await ok(['assign', '--year', '2025', '--reviewers', 'R001,R002', '--per-essay', '2']);
    expect((await cli(['review-essay', held, '--approve', '--reviewer', 'R001', '--score', '合格'])).stderr).toContain('approving it needs the reviewer\'s reason');
    await ok(['review-essay', held, '--approve', '--reviewer', 'R001', '--score', '合格', '--reason', '引文已核对']);
    expect((await json(['essays', '--status', 'flagged'])).map((e: { id: number }) => String(e.id))).toEqual([held]);
    await ok(['review-essay', held, '--approve', '--reviewer', 'R002', '--score', '优秀', '--reason', '同意']);
    expect(await json(['essays', '--status', 'flagged'])).toEqual([]);
    const d = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    expect(d.prepare('SELECT override_reason, overridden_by FROM essay_similarity WHERE essay_id = ?').get(Number(held))).toEqual({ override_reason: '同意', overridden_by: 'R002' });
    d.close();
  });

  it('a resubmission is not compared with its own original: no self-recycling hold', async () => {
    const first = (await ok(['record-essay', ids.T1, '--kind', 'report', '--title', '调研报告', '--submitted-on', '2025-11-01', '--file', 'a2.txt', '--status', 'pending'])).stdout.trim();
    await ok(['review-essay', first, '--return', '--comment', '请补充数据']);
    const r = await ok(['record-essay', ids.T1, '--kind', 'report', '--title', '调研报告（修改稿）', '--submitted-on', '2026-11-25', '--file', 'a2.txt', '--status', 'pending', '--resubmits', first]);
    const d = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    const s = d.prepare('SELECT held, self_permille, sources FROM essay_similarity WHERE essay_id = ?').get(Number(r.stdout.trim())) as { held: string | null; self_permille: number; sources: string };
    d.close();
    // The text is also in the cadre's own reflection (a.txt ⊂ a2.txt): that earlier essay is a source; the original is not.
    expect(JSON.parse(s.sources).map((x: { id: number }) => String(x.id))).not.toContain(first);
  });
});

describe('reviews of a closed year', () => {
  const dir = tempDir();
  const cli = cadreIn({ cwd: dir, operator: 'tester', now: '2026-11-25T10:00:00' });
  const ok = async (args: string[], more = {}) => {
    const r = await cli(args, more);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  let learner = '';

  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,科级,2024-09-10\n');
    await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    learner = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)[1].split(',')[0];
    await ok(['record-essay', learner, '--kind', 'reflection', '--title', '甲', '--submitted-on', '2025-10-10', '--chars', '3200', '--status', 'pending']);
    await ok(['record-essay', learner, '--kind', 'report', '--title', '乙', '--submitted-on', '2025-10-11', '--chars', '3600', '--status', 'pending']);
    await ok(['reviewer', 'add', '王明', '--department', '理学院']);
    await ok(['assign', '--year', '2025', '--reviewers', 'R001']);
    await ok(['review-essay', '2', '--return']);
    await ok(['close-year', '2025']);
  }, 60_000);

  it('a review of a closed year\'s essay needs --amend --reason, even one that decides nothing yet', async () => {
    const refused = await cli(['review-essay', '1', '--approve', '--reviewer', 'R001', '--score', '合格']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--amend');
    const d = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    expect(d.prepare('SELECT count(*) FROM essay_reviews WHERE essay_id = 1').pluck().get()).toBe(0);
    d.close();
    await ok(['review-essay', '1', '--approve', '--reviewer', 'R001', '--score', '合格', '--amend', '--reason', '评审补录']);
    const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    expect(db.prepare('SELECT year, command, reason, changes FROM year_amendments').all()).toEqual([{ year: 2025, command: 'review-essay', reason: '评审补录', changes: 2 }]);
    db.close();
  });

  it('a timely resubmission of a closed year\'s returned essay counts in that year: it needs --amend too', async () => {
    const args = ['record-essay', learner, '--kind', 'report', '--title', '乙（修改稿）', '--submitted-on', '2026-11-25', '--chars', '3600', '--resubmits', '2'];
    const refused = await cli(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--amend');
    await ok([...args, '--amend', '--reason', '按期修改']);
  });

  it('in Chinese: the refusal of an assignment and the reviewer list', async () => {
    const r = await cli(['assign', '--year', '2026', '--reviewers', 'R001,R001'], { lang: 'zh' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('评审人 R001（王明）在 --reviewers 中写了两次');
    const list = await ok(['reviewer', 'list', '--format', 'table'], { lang: 'zh', columns: 120 });
    expect(list.stdout).toContain('已分配');
    expect(list.stdout).toContain('在用');
  });
});

describe('import-essays: the resubmits column', () => {
  const dir = tempDir();
  const cli = cadreIn({ cwd: dir, operator: 'tester', now: '2026-11-25T10:00:00' });
  const ok = async (args: string[], more = {}) => {
    const r = await cli(args, more);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };
  let learner = '';

  beforeAll(async () => {
    fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,科级,2024-09-10\n');
    await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    learner = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)[1].split(',')[0];
    await ok(['record-essay', learner, '--kind', 'reflection', '--title', '甲', '--submitted-on', '2025-10-10', '--chars', '3200', '--status', 'pending']);
    await ok(['review-essay', '1', '--return', '--comment', '请修改']);
  }, 60_000);

  it('a row resubmitting a returned essay is linked and counts on the original date; the same essay twice in a file is refused, naming the line', async () => {
    fs.writeFileSync(path.join(dir, 'twice.csv'), `学员编号,类型,题目,提交日期,字数,状态,修改自\n${learner},心得体会,甲（修改稿）,2026-11-25,3300,待审核,1\n${learner},心得体会,甲（再改）,2026-11-25,3300,待审核,1\n`);
    const r = await cli(['import-essays', 'twice.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('essay 1 is already resubmitted on line 2');
    fs.writeFileSync(path.join(dir, 'one.csv'), `学员编号,类型,题目,提交日期,字数,状态,修改自\n${learner},心得体会,甲（修改稿）,2026-11-25,3300,待审核,1\n`);
    await ok(['import-essays', 'one.csv']);
    const d = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    expect(d.prepare('SELECT id, resubmits_id, counts_on FROM essays WHERE resubmits_id IS NOT NULL').all()).toEqual([{ id: 2, resubmits_id: 1, counts_on: '2025-10-10' }]);
    d.close();
    expect((await cli(['essays', '--status', 'returned', '--format', 'csv'], { lang: 'zh' })).stdout).toContain('退回修改');
  });

  it('undo-import of a reviewed resubmission removes it with its reviews; the returned essay can be resubmitted again', async () => {
    await ok(['review-essay', '2', '--approve', '--comment', '已修改']);
    const [batch] = JSON.parse((await ok(['imports', '--kind', 'essays', '--format', 'json'])).stdout).filter((b: { undone_at: string | null }) => !b.undone_at).slice(-1);
    await ok(['undo-import', String(batch.id)]);
    const d = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    expect(d.prepare('SELECT id, status FROM essays').all()).toEqual([{ id: 1, status: 'returned' }]);
    expect(d.prepare('SELECT essay_id FROM essay_reviews').pluck().all()).toEqual([1]);
    d.close();
    await ok(['record-essay', learner, '--kind', 'reflection', '--title', '甲（修改稿）', '--submitted-on', '2026-11-25', '--chars', '3300', '--resubmits', '1']);
  });
});

describe('a policy scoring 0-100', () => {
  const dir = tempDir();
  const policy = policyWith((j) => (j.essays.review = { scale: { min: 0, max: 100 }, resubmit_days: 10 }));
  const cli = cadreIn({ cwd: dir, operator: 'tester', now: '2026-11-25T10:00:00', policy });

  it('takes a whole number within the range and refuses others, in both languages', async () => {
    fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,科级,2024-09-10\n');
    expect((await cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv'])).code).toBe(0);
    const learner = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)[1].split(',')[0];
    expect((await cli(['record-essay', learner, '--kind', 'reflection', '--title', '甲', '--submitted-on', '2025-10-10', '--chars', '3200', '--status', 'pending'])).code).toBe(0);
    // A reviewer retired before reviewing: the assignment is withdrawn, and the essay goes to another.
    for (const name of ['王明', '李华']) expect((await cli(['reviewer', 'add', name, '--department', '理学院'])).code).toBe(0);
    expect((await cli(['assign', '--year', '2025', '--reviewers', 'R001'])).code).toBe(0);
    expect((await cli(['reviewer', 'remove', '王明'])).stderr).toContain('assignments withdrawn (pending essays not yet reviewed by them): 1');
    expect((await cli(['essays', '--reviewer', 'R001', '--format', 'json'])).stdout.trim()).toBe('[]');
    expect((await cli(['assign', '--year', '2025', '--reviewers', 'R002'])).stderr).toContain('reviews assigned: 1, over 1 essay');
    expect(JSON.parse((await cli(['essays', '--reviewer', 'R002', '--format', 'json'])).stdout).map((e: { id: number }) => e.id)).toEqual([1]);
    const over = await cli(['review-essay', '1', '--approve', '--score', '101']);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('score "101" is not on the scale (0-100)');
    const zh = await cli(['review-essay', '1', '--approve', '--score', '合格'], { lang: 'zh' });
    expect(zh.stderr).toContain('评分“合格”不在评分标准内（0-100）');
    expect((await cli(['review-essay', '1', '--approve', '--score', '85'])).code).toBe(0);
    const d = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    expect(d.prepare('SELECT score, verdict, status_after FROM essay_reviews').all()).toEqual([{ score: '85', verdict: 'approve', status_after: 'approved' }]);
    d.close();
  });
});

describe('a reviewer\'s department', () => {
  const dir = tempDir();
  const cli = cadreIn({ cwd: dir, operator: 'tester', now: '2026-11-25T10:00:00' });
  const ok = async (args: string[]) => {
    const r = await cli(args);
    expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r;
  };

  it('is stored as the roster writes it when it names one; one the roster lacks is registered with a warning naming the nearest', async () => {
    fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,科级,2024-09-10\nT2,乙,理学院,科级,2024-09-10\n');
    await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    const same = await ok(['reviewer', 'add', '钱五', '--department', '文 学 院']);
    expect(same.stderr).not.toContain('not on the roster');
    const outside = await ok(['reviewer', 'add', '孙六', '--department', '文学系']);
    expect(outside.stderr).toContain('department "文学系" is not on the roster (nearest: 文学院)');
    const list = JSON.parse((await ok(['reviewer', 'list', '--format', 'json'])).stdout) as { name: string; department: string }[];
    expect(list.map((r) => [r.name, r.department])).toEqual([
      ['钱五', '文学院'],
      ['孙六', '文学系'],
    ]);
  });
});
