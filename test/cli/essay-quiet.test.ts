/**
 * Essays, quietly: `record-essay` prints only the essay's ID on stdout (its
 * sentence on stderr), and a review that would not change the status
 * changes nothing and journals nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runIssueAccounts } from '../../src/commands/issue-accounts.js';
import { run as recordEssay } from '../../src/commands/record-essay.js';
import { run as reviewEssay } from '../../src/commands/review-essay.js';
import { tempDir } from '../helpers/cli.js';
import { testContext, type TestContext } from '../helpers/context.js';

let dir: string;
let learnerId: string;
const opened: TestContext[] = [];
const ctxFor = (lang: 'en' | 'zh' = 'en') => {
  const c = testContext({ cwd: dir, lang });
  opened.push(c);
  return c;
};

beforeEach(async () => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nP001,周八,音乐学院,正科,2025-09-01\n');
  const ctx = ctxFor();
  expect(await runIssueAccounts({ roster: path.join(dir, 'roster.csv'), out: 'cred.csv' }, ctx)).toBe(0);
  learnerId = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').trim().split(/\r?\n/)[1]!.split(',')[0]!;
});

afterEach(() => {
  for (const c of opened.splice(0)) c.dispose?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

const journalCount = (ctx: TestContext) => (ctx.db().prepare('SELECT count(*) AS n FROM journal').get() as { n: number }).n;

describe('record-essay output', () => {
  it('stdout holds only the ID, for a new essay, one counted from a file and one already on file', async () => {
    const base = { learnerId, kind: 'reflection' as const, submittedOn: '2026-03-01', status: 'pending' as const };
    const a = ctxFor('zh');
    expect(await recordEssay({ ...base, title: '学习心得', chars: '3500' }, a)).toBe(0);
    expect(a.stdout.join('')).toBe('1\n');
    expect(a.stderr.join('')).toContain('已登记 心得体会 #1');

    fs.writeFileSync(path.join(dir, 'report.txt'), '学'.repeat(3600));
    const b = ctxFor();
    expect(await recordEssay({ ...base, kind: 'report', title: 'Survey', file: path.join(dir, 'report.txt') }, b)).toBe(0);
    expect(b.stdout.join('')).toBe('2\n');
    expect(b.stderr.join('')).toMatch(/3600/);

    const c = ctxFor();
    expect(await recordEssay({ ...base, title: '学习心得', chars: '3500' }, c)).toBe(0);
    expect(c.stdout.join('')).toBe('1\n');
    expect(c.stderr.join('')).not.toBe('');
  });
});

describe('review-essay', () => {
  it('re-approving an approved essay changes nothing and journals nothing (exit 0)', async () => {
    const r = ctxFor();
    await recordEssay({ learnerId, kind: 'reflection', title: 'Notes', submittedOn: '2026-03-01', chars: '3500', status: 'pending' }, r);
    const first = ctxFor();
    expect(await reviewEssay({ id: '1', approve: true }, first)).toBe(0);
    const before = first.db().prepare('SELECT status, reviewed_at FROM essays').get();
    const journal = journalCount(first);

    const again = ctxFor('zh');
    expect(await reviewEssay({ id: '1', approve: true }, again)).toBe(0);
    expect(again.stdout.join('')).toBe('');
    expect(again.stderr.join('')).toBe('文章 #1“Notes”的状态已经是“已通过”，未作更改\n');
    expect(again.db().prepare('SELECT status, reviewed_at FROM essays').get()).toEqual(before);
    expect(journalCount(again)).toBe(journal);

    // A real change is still made and journaled.
    const reject = ctxFor();
    expect(await reviewEssay({ id: '1', reject: true }, reject)).toBe(0);
    expect(journalCount(reject)).toBe(journal + 1);
  });
});
