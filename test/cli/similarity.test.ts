/**
 * Essays kept and compared, through the CLI: record-essay and import-essays
 * store the text and compare it with every stored essay and reference;
 * `reference add|list`; `similar ID` (the report, side by side within 80
 * columns) and `similar --year`; PDF essays with text and scanned ones; the
 * policy that keeps fingerprints only; undo-import removing what it stored.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import stringWidth from 'string-width';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, repoRoot } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';
import { policyWith } from '../core/fixtures.js';
import { noticeText, proseSupply, sentencesOf } from '../helpers/essay-corpus.js';
import { countZi } from '../../src/core/wordcount.js';
import { headingLines } from '../../src/commands/shared/similarity-view.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'essays');
/** Unused prose sentences up to `zi` 字. */
const fresh = proseSupply();

function setup(policy?: ReturnType<typeof policyWith>) {
  const dir = tempDir();
  const cli = (args: string[]) => cadreIn({ cwd: dir, operator: 'tester', now: '2026-11-25T10:00:00', policy })(args);
  const write = (name: string, content: string) => fs.writeFileSync(path.join(dir, name), content);
  return { dir, cli, write };
}

describe('essays compared with every stored essay and reference', () => {
  const { dir, cli, write } = setup();
  const ids: Record<string, string> = {};
  const essay: Record<string, string> = {};
  let original: string[];

  beforeAll(async () => {
    write('roster.csv', '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,科级,2024-09-10\nT2,乙,文学院,科级,2024-09-10\nT3,丙,理学院,科级,2024-09-10\n');
    const r = await cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    expect(r.code, r.stderr).toBe(0);
    for (const line of fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)) {
      const [id, staff] = line.split(',');
      ids[staff] = id;
    }
    original = fresh(3100);
    write('a.txt', original.join('\n'));
    // Half of a.txt, its sentences reversed, with fresh prose.
    const half = original.slice(0, Math.ceil(original.length / 2)).reverse();
    write('b.md', [...half, ...fresh(3100 - countZi(half.join('')))].join(''));
    const quoted = sentencesOf(noticeText()).slice(2, 14);
    write('c.txt', [...quoted, ...fresh(3100 - countZi(quoted.join('')))].join(''));
    fs.copyFileSync(path.join(fixtures, 'notice.txt'), path.join(dir, 'notice.txt'));
  }, 60_000);

  it('reference add registers a text once; reference list shows it', async () => {
    const r = await cli(['reference', 'add', 'notice.txt', '--title', '在线学习中心通知']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('1\n');
    expect(r.stderr).toMatch(/registered reference 1 "在线学习中心通知"/);
    const again = await cli(['reference', 'add', 'notice.txt', '--title', 'x']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/registered already, as reference 1/);
    const list = await cli(['reference', 'list', '--format', 'json']);
    expect(JSON.parse(list.stdout).map((x: { title: string }) => x.title)).toEqual(['在线学习中心通知']);
  });

  it('record-essay stores the text and compares it: the ID alone on stdout, the figures on stderr', async () => {
    const a = await cli(['record-essay', ids.T1, '--kind', 'reflection', '--title', '心得一', '--submitted-on', '2025-10-10', '--file', 'a.txt']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^\d+\n$/);
    essay.a = a.stdout.trim();
    expect(a.stderr).toMatch(/compared with 0 stored essays and 1 reference: copied 0\.0%/);
    const b = await cli(['record-essay', ids.T2, '--kind', 'reflection', '--title', '心得二', '--submitted-on', '2025-11-10', '--file', 'b.md']);
    expect(b.code, b.stderr).toBe(0);
    essay.b = b.stdout.trim();
    const copied = Number(/copied (\d+\.\d)%/.exec(b.stderr)![1]);
    expect(copied).toBeGreaterThan(40);
    expect(copied).toBeLessThan(60);
    // Held: recorded as approved, it waits as pending review, saying why and how to approve it.
    expect(b.stderr).toMatch(new RegExp(`warning: essay ${essay.b} is held as pending review and does not count yet: \\d+\\.\\d% copied from others, at or over the threshold of 30\\.0%; once reviewed, approve it with cadre review-essay ${essay.b} --approve --reason TEXT`));
    expect(b.stderr).toMatch(/recorded reflection #\d+ \(乙, \d+ 字, pending\)/);
    const c = await cli(['record-essay', ids.T3, '--kind', 'reflection', '--title', '心得三', '--submitted-on', '2025-12-10', '--file', 'c.txt']);
    expect(c.code, c.stderr).toBe(0);
    essay.c = c.stdout.trim();
    // The prose shares short phrases between any two texts: a little, never near the threshold.
    expect(Number(/copied (\d+\.\d)%/.exec(c.stderr)![1])).toBeLessThan(5);
    expect(c.stderr).toMatch(/quoted [1-9]\d\.\d%/);
    const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    const row = db.prepare('SELECT sha256, length(body) AS n FROM essay_texts WHERE essay_id = ?').get(Number(essay.a)) as { sha256: string; n: number };
    db.close();
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Compressed: fewer bytes than the UTF-8 text.
    expect(row.n).toBeLessThan(Buffer.byteLength(fs.readFileSync(path.join(dir, 'a.txt'))));
  });

  it('similar ID shows the figures, the source and the passages side by side, within 80 columns', async () => {
    const r = await cli(['similar', essay.b]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/copied from others \(复制比\): \d+\.\d%/);
    expect(r.stdout).toContain(`essay ${essay.a} (${ids.T1} 甲, 2025-10-10, 心得一)`);
    expect(r.stdout).toMatch(/the \d longest shared passages/);
    expect(r.stdout).toMatch(/this essay +│ the source/);
    console.log(r.stdout);
    for (const line of r.stdout.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    // A passage of b is the same text as in a, shown on both sides.
    const side = r.stdout.split('\n').find((l) => l.includes(' │ ') && !l.includes('this essay'))!;
    const [left, right] = side.split(' │ ');
    expect(left.trim()).toBe(right.trim());
  });

  it('similar ID --format json carries the report and its passages', async () => {
    const r = await cli(['similar', essay.c, '--format', 'json']);
    const [report] = JSON.parse(r.stdout);
    expect(report.copied_permille).toBeLessThan(50);
    expect(report.quoted_permille).toBeGreaterThan(100);
    expect(report.sources[0]).toMatchObject({ kind: 'reference', id: 1, title: '在线学习中心通知' });
    expect(report.sources[0].passages[0].essay).toBe(report.sources[0].passages[0].source);
  });

  it('similar --year lists the essays at or over the threshold, most first; --over and --department narrow it', async () => {
    const r = await cli(['similar', '--year', '2025', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((x: { essay_id: number }) => String(x.essay_id))).toEqual([essay.b]);
    const all = await cli(['similar', '--year', '2025', '--over', '0', '--format', 'csv']);
    expect(all.stdout.trim().split('\n')).toHaveLength(4);
    // In Chinese, the kind and the status are words, as in every listing's CSV (JSON keeps the codes).
    const zh = await cadreIn({ cwd: dir, operator: 'tester', now: '2026-11-25T10:00:00', lang: 'zh' })(['similar', '--year', '2025', '--over', '0', '--format', 'csv']);
    expect(zh.stdout).not.toMatch(/,(reflection|report|approved|pending|rejected),/);
    expect(zh.stdout).toMatch(/,(心得体会|调研报告\/论文|调研报告),/);
    expect(zh.stdout).toMatch(/,(已通过|待审核|未通过),/);
    const dept = await cli(['similar', '--year', '2025', '--over', '0', '--department', '理学院', '--format', 'json']);
    expect(JSON.parse(dept.stdout).map((x: { essay_id: number }) => String(x.essay_id))).toEqual([essay.c]);
    const table = await cli(['similar', '--year', '2025', '--over', '0', '--format', 'table']);
    for (const line of table.stdout.trimEnd().split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    const none = await cli(['similar', '--year', '2024', '--format', 'table']);
    expect(none.stdout).toMatch(/no essay of 2024-2025 is 30\.0% or more/);
    const bad = await cli(['similar', '--year', '2025', '--over', '120']);
    expect(bad.code).toBe(2);
  });

  it('finds a cadre handing in last year\'s essay again as 自我重复, not as copied, and holds it: it does not count for the new year', async () => {
    const r = await cli(['record-essay', ids.T1, '--kind', 'reflection', '--title', '心得一（再交）', '--submitted-on', '2026-10-10', '--file', 'a.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr, r.stderr).toMatch(/copied \d\.\d%, self-repeated 100\.0%/);
    expect(r.stderr).toMatch(/100\.0% repeated from the same cadre's earlier essays, at or over the threshold of 30\.0% \(an essay handed in again does not count for a new year\)/);
    const audit = JSON.parse((await cli(['audit', ids.T1, '--format', 'json'])).stdout)[0];
    const held = audit.transcript.essays.find((e: { id: number }) => String(e.id) === r.stdout.trim());
    expect(held).toMatchObject({ status: 'pending', counts: false, why: 'held_similarity' });
    const table = await cli(['audit', ids.T1, '--format', 'table']);
    // Laid out for 80 columns: the reason wraps inside its cell; read it cell by cell, line after line.
    const column = table.stdout.split('\n').filter((l) => l.includes('│')).map((l) => l.split('│').map((c) => c.trim()));
    const why = column.map((cells) => cells[cells.length - 2] ?? '').join(' ').replace(/\s+/g, ' ').replace(/- /g, '-');
    expect(why).toContain('not counted (held for review: copied or self-repeated at or over the threshold)');
    const report = JSON.parse((await cli(['similar', r.stdout.trim(), '--format', 'json'])).stdout)[0];
    expect(report.sources[0]).toMatchObject({ kind: 'self', id: Number(essay.a) });
  });

  it('a reviewer\'s verdict overrides the hold only with a reason, which is journaled', async () => {
    const refused = await cli(['review-essay', essay.b, '--approve']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`essay ${essay.b} is held for similarity \\(\\d+\\.\\d% copied, 0\\.0% self-repeated\\): approving it needs the reviewer's reason`));
    const ok = await cli(['review-essay', essay.b, '--approve', '--reason', '相同部分为学习笔记的规范引文，已核对']);
    expect(ok.code, ok.stderr).toBe(0);
    const log = JSON.parse((await cli(['log', '--command', 'review-essay', '--format', 'json'])).stdout);
    expect(log.at(-1).args).toMatchObject({ id: Number(essay.b), status: 'approved', was: 'pending', reason: '相同部分为学习笔记的规范引文，已核对', overrides: 'similarity:copied' });
    const audit = JSON.parse((await cli(['audit', ids.T2, '--format', 'json', '--as-of', '2026-06-30'])).stdout)[0];
    expect(audit.transcript.essays.find((e: { id: number }) => String(e.id) === essay.b)).toMatchObject({ status: 'approved', counts: true });
    // Rejecting or approving again needs no reason: the hold was decided.
    expect((await cli(['review-essay', essay.b, '--approve'])).code).toBe(0);
  });

  it('an essay entered before an earlier-dated one it shares text with is compared again', async () => {
    // d.txt copies b.md whole but is dated before it: b is now the copy of d as well as of a.
    fs.copyFileSync(path.join(dir, 'b.md'), path.join(dir, 'd.txt'));
    const d = await cli(['record-essay', ids.T3, '--kind', 'reflection', '--title', '心得四', '--submitted-on', '2025-11-01', '--file', 'd.txt']);
    expect(d.code, d.stderr).toBe(0);
    const b = JSON.parse((await cli(['similar', essay.b, '--format', 'json'])).stdout)[0];
    expect(b.copied_permille).toBeGreaterThan(990);
    expect(b.sources[0]).toMatchObject({ kind: 'other', id: Number(d.stdout.trim()) });
  });

  it('reads a PDF with a text layer and refuses a scanned one, naming the file and the fix', async () => {
    fs.copyFileSync(path.join(fixtures, 'notice.pdf'), path.join(dir, 'notice.pdf'));
    fs.copyFileSync(path.join(fixtures, 'scanned.pdf'), path.join(dir, 'scanned.pdf'));
    const text = await cli(['record-essay', ids.T2, '--kind', 'reflection', '--title', 'pdf', '--submitted-on', '2025-12-01', '--file', 'notice.pdf']);
    // Read and counted: too short for a reflection, which says its count.
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/notice\.pdf: 1[0-9]{3} 字 counted/);
    const scan = await cli(['record-essay', ids.T2, '--kind', 'reflection', '--title', 'scan', '--submitted-on', '2025-12-01', '--file', 'scanned.pdf']);
    expect(scan.code).toBe(2);
    expect(scan.stderr).toMatch(/scanned\.pdf is a scan \(1 page of images/);
    expect(scan.stderr).toMatch(/give the original Word \(\.docx\) file/);
  });

  it('an essay recorded without its file has nothing to compare; a policy with another k is refused, naming both', async () => {
    const r = await cli(['record-essay', ids.T2, '--kind', 'reflection', '--title', '字数而已', '--submitted-on', '2025-12-05', '--chars', '3200']);
    expect(r.code, r.stderr).toBe(0);
    const none = await cli(['similar', r.stdout.trim()]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/was recorded without its file .* there is no text to compare/);
    expect((await cli(['similar', '99999'])).code).toBe(2);
    const other = policyWith((j) => {
      j.essays.similarity.k = 8;
    });
    write('f.txt', fresh(3100).join(''));
    const refused = await cadreIn({ cwd: dir, operator: 'tester', now: '2026-11-25T10:00:00', policy: other })(['record-essay', ids.T2, '--kind', 'reflection', '--title', 'k8', '--submitted-on', '2025-12-06', '--file', 'f.txt']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/k=8, window=12, but this database holds fingerprints made with k=6, window=12/);
    expect(refused.stderr).toMatch(/set k and window of essays\.similarity back to 6 and 12/);
  });

  it('import-essays holds a copied essay as pending, listing it in its summary', async () => {
    fs.copyFileSync(path.join(dir, 'a.txt'), path.join(dir, 'copy.txt'));
    write('copies.csv', `工号,类型,题目,提交日期,文件\nT3,心得体会,抄来的心得,2026-01-20,copy.txt\n`);
    const r = await cli(['import-essays', 'copies.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 essay compared with every stored essay and reference; 1 held for review, not counting yet/);
    const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    const row = db.prepare("SELECT e.status, s.held FROM essays e JOIN essay_similarity s ON s.essay_id = e.id WHERE e.title = '抄来的心得'").get();
    db.close();
    expect(row).toEqual({ status: 'pending', held: 'copied' });
  });

  it('undo-import removes the text, fingerprints and report of the essays it removes', async () => {
    write('e.txt', fresh(3100).join(''));
    write('essays.csv', `工号,类型,题目,提交日期,文件\nT2,心得体会,导入的心得,2025-12-20,e.txt\n`);
    const r = await cli(['import-essays', 'essays.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 essay compared with every stored essay and reference; none at or over the thresholds/);
    const count = () => {
      const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
      const id = (db.prepare("SELECT id FROM essays WHERE title = '导入的心得'").get() as { id: number } | undefined)?.id ?? -1;
      const n = db.prepare('SELECT (SELECT count(*) FROM essay_prints WHERE essay_id = ?) + (SELECT count(*) FROM essay_texts WHERE essay_id = ?) + (SELECT count(*) FROM essay_similarity WHERE essay_id = ?) AS n').get(id, id, id) as { n: number };
      db.close();
      return { id, n: n.n };
    };
    const before = count();
    expect(before.n).toBeGreaterThan(100);
    const batch = JSON.parse((await cli(['imports', '--kind', 'essays', '--format', 'json'])).stdout).at(-1).id;
    const u = await cli(['undo-import', String(batch)]);
    expect(u.code, u.stderr).toBe(0);
    const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    const left = db.prepare('SELECT (SELECT count(*) FROM essay_prints WHERE essay_id = ?) + (SELECT count(*) FROM essay_texts WHERE essay_id = ?) AS n').get(before.id, before.id) as { n: number };
    db.close();
    expect(left.n).toBe(0);
  });
});

describe('a policy that keeps fingerprints only', () => {
  const policy = policyWith((j) => {
    j.essays.similarity.keep_text = false;
  });
  const { dir, cli, write } = setup(policy);

  it('stores no text, still finds the copy from the fingerprints, and says what it cannot show', async () => {
    write('roster.csv', '工号,姓名,部门,职级,任职日期\nT1,甲,文学院,科级,2024-09-10\nT2,乙,文学院,科级,2024-09-10\n');
    expect((await cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv'])).code).toBe(0);
    const ids = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[0]);
    const text = fresh(3100);
    write('a.txt', text.join(''));
    write('b.txt', text.join(''));
    expect((await cli(['record-essay', ids[0], '--kind', 'reflection', '--title', 'a', '--submitted-on', '2025-10-10', '--file', 'a.txt'])).code).toBe(0);
    const b = await cli(['record-essay', ids[1], '--kind', 'reflection', '--title', 'b', '--submitted-on', '2025-10-11', '--file', 'b.txt']);
    expect(b.code, b.stderr).toBe(0);
    expect(Number(/copied (\d+\.\d)%/.exec(b.stderr)![1])).toBeGreaterThan(95);
    const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM essay_texts WHERE body IS NOT NULL').get()).toEqual({ n: 0 });
    db.close();
    const r = await cli(['similar', b.stdout.trim()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/keeps fingerprints only, not texts/);
  });
});

describe('a passage heading at 80 columns', () => {
  it('breaks after punctuation, never inside a number', () => {
    // 80 columns end inside "106": once shown as "…相同 10" and "6 字" on the next line.
    const head = '— 121 字，来自 文章 1（WZ260002 王芳，2025-11-01，体会A）；其中与来源逐字相同 106 字';
    const lines = headingLines(head, 80);
    expect(lines.join('').replace(/\s/g, '')).toBe(head.replace(/\s/g, ''));
    for (const l of lines) expect(stringWidth(l), l).toBeLessThanOrEqual(80);
    expect(lines.some((l) => /\d$/.test(l) && /^\d/.test(lines[lines.indexOf(l) + 1] ?? ''))).toBe(false);
    expect(lines.at(-1)).toMatch(/106 字$/);
  });
});

