/**
 * A training topic that differs from one of the cadre's in the same term
 * only by spaces or punctuation is probably the same topic: refused (it
 * would earn a second credit) unless --confirm-topics says it is another.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runIssueAccounts } from '../../src/commands/issue-accounts.js';
import { run as importTraining } from '../../src/commands/import-training.js';
import { run as recordTraining } from '../../src/commands/record-training.js';
import { looseTopicKey, TopicNeighbours } from '../../src/core/topics.js';
import { tempDir } from '../helpers/cli.js';
import { testContext, type TestContext } from '../helpers/context.js';

describe('looseTopicKey', () => {
  it('drops spaces, punctuation and symbols, after NFKC, in lower case', () => {
    expect(looseTopicKey('《一流本科 教育》')).toBe('一流本科教育');
    expect(looseTopicKey('“党史学习，教育”。')).toBe('党史学习教育');
    expect(looseTopicKey('ＡＩ＋教育：专题、一')).toBe('ai教育专题一');
    expect(looseTopicKey('——')).toBe('');
  });
  it('a topic written the same way (as the audit counts it) is an ordinary duplicate, not a look-alike', () => {
    const n = new TopicNeighbours();
    n.add({ topic: '一流本科教育', date: '2025-10-01' });
    n.add({ topic: 'AI 教育', date: '2025-10-01' });
    expect(n.sameAs('ＡＩ　教育', '2025-09-01', '2028-08-31')).toBeNull();
    expect(n.sameAs('一流本科教育', '2025-09-01', '2028-08-31')).toBeNull();
    expect(n.sameAs('《一流本科教育》', '2025-09-01', '2028-08-31')).toEqual({ topic: '一流本科教育', date: '2025-10-01' });
    // Another term: the topic counts again there anyway.
    expect(n.sameAs('《一流本科教育》', '2028-09-01', '2031-08-31')).toBeNull();
  });
});

let dir: string;
let learnerId: string;
const opened: TestContext[] = [];
const ctxFor = (lang: 'en' | 'zh' = 'en') => {
  const c = testContext({ cwd: dir, lang });
  opened.push(c);
  return c;
};
const topics = (ctx: TestContext) => (ctx.db().prepare('SELECT topic FROM training ORDER BY id').all() as { topic: string }[]).map((r) => r.topic);

beforeEach(async () => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nP001,周八,音乐学院,正科,2025-09-01\n');
  expect(await runIssueAccounts({ roster: path.join(dir, 'roster.csv'), out: 'cred.csv' }, ctxFor())).toBe(0);
  learnerId = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').trim().split(/\r?\n/)[1]!.split(',')[0]!;
});

afterEach(() => {
  for (const c of opened.splice(0)) c.dispose?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('training topics that are probably the same', () => {
  it('a file whose topic differs from one on file only by punctuation is refused, naming both; --confirm-topics takes it', async () => {
    expect(await recordTraining({ learnerId, topic: '一流本科教育', date: '2025-10-10' }, ctxFor())).toBe(0);
    const file = path.join(dir, 'training.csv');
    fs.writeFileSync(file, '工号,专题,日期\nP001,《一流本科 教育》,2026-03-01\nP001,意识形态工作,2026-03-02\n');
    const refused = ctxFor('zh');
    expect(await importTraining({ files: [file] }, refused)).toBe(2);
    expect(refused.stderr.join('')).toContain('第 2 行 第 2 列（专题）: 专题“《一流本科 教育》”与已登记的“一流本科教育”（2025-10-10）只差空格或标点，很可能是同一专题，不再计学分 — 同一专题：删去该行，或改成与已登记的写法一致；确是另一个专题：加 --confirm-topics 重新运行');
    expect(topics(refused)).toEqual(['一流本科教育']);

    const confirmed = ctxFor();
    expect(await importTraining({ files: [file], confirmTopics: true }, confirmed)).toBe(0);
    expect(topics(confirmed)).toEqual(['一流本科教育', '《一流本科 教育》', '意识形态工作']);
  });

  it('two rows of one file: the later one is flagged with the line of the first', async () => {
    const file = path.join(dir, 'training.csv');
    fs.writeFileSync(file, '工号,专题,日期\nP001,"党史学习, 教育",2025-10-10\nP001,党史学习教育。,2025-11-10\n');
    const ctx = ctxFor();
    expect(await importTraining({ files: [file] }, ctx)).toBe(2);
    expect(ctx.stderr.join('')).toContain('line 3, column 2 (专题): topic "党史学习教育。" differs from "党史学习, 教育" on line 2 of this file (2025-10-10)');
    expect(topics(ctx)).toEqual([]);
  });

  it('record-training refuses it too, unless confirmed', async () => {
    expect(await recordTraining({ learnerId, topic: '巡视整改专题', date: '2025-10-10' }, ctxFor())).toBe(0);
    await expect(recordTraining({ learnerId, topic: '巡视整改 专题！', date: '2025-12-01' }, ctxFor())).rejects.toMatchObject({ exitCode: 2 });
    const ok = ctxFor();
    expect(await recordTraining({ learnerId, topic: '巡视整改 专题！', date: '2025-12-01', confirmTopics: true }, ok)).toBe(0);
    expect(topics(ok)).toEqual(['巡视整改专题', '巡视整改 专题！']);
  });
});
