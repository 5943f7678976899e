/**
 * `passwd` at the prompts: the current password is checked before the new
 * one is asked for; a new password the rules refuse, or typed differently
 * twice, is asked for again (three tries); a refused or cancelled change
 * leaves no counted try behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run as passwd } from '../../src/commands/passwd.js';
import { runIssueAccounts } from '../../src/commands/issue-accounts.js';
import { CancelledError } from '../../src/errors.js';
import type { Context, Prompter } from '../../src/shell/context.js';
import { tempDir } from '../helpers/cli.js';
import { testContext, type TestContext } from '../helpers/context.js';

let dir: string;
let learnerId: string;
let initial: string;

beforeEach(async () => {
  dir = tempDir();
  fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\nP001,周八,音乐学院,正科,2025-09-01\n');
  const ctx = testContext({ cwd: dir });
  expect(await runIssueAccounts({ roster: path.join(dir, 'roster.csv'), out: 'cred.csv' }, ctx)).toBe(0);
  ctx.dispose?.();
  const row = fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').trim().split(/\r?\n/)[1]!.split(',');
  [learnerId, initial] = [row[0]!, row[4]!];
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The test context on a terminal (passwd refuses to prompt otherwise). */
function onTerminal(ctx: TestContext, prompter?: (p: Prompter) => Prompter): TestContext {
  const stdin = Object.assign(Readable.from([]), { isTTY: true });
  const fake = ctx.prompter;
  const own: Context['prompter'] = prompter ? async () => prompter(await fake()) : fake;
  return Object.assign(ctx, { stdin, prompter: own });
}

const attempts = (ctx: TestContext) => ctx.db().prepare('SELECT ok FROM login_attempts').all() as { ok: number }[];
const mustChange = (ctx: TestContext) => (ctx.db().prepare('SELECT must_change FROM accounts').get() as { must_change: number }).must_change;

describe('passwd at the prompts', () => {
  it('a wrong current password is refused before the new password is asked for', async () => {
    const ctx = onTerminal(testContext({ cwd: dir, answers: { 'Current password': 'not-the-password', 'New password': 'violet harbour 47' } }));
    await expect(passwd({ learnerId }, ctx)).rejects.toMatchObject({ exitCode: 1, msg: { key: 'auth.wrongPassword' } });
    expect(ctx.asked).toEqual([`Current password of ${learnerId}`]);
    expect(attempts(ctx)).toEqual([{ ok: 0 }]);
    ctx.dispose?.();
  });

  it('asks again after a refused and a mismatched new password, then changes it', async () => {
    const ctx = onTerminal(testContext({
      cwd: dir,
      answers: {
        'Current password': initial,
        'New password (': ['short', 'violet harbour 47', 'violet harbour 47'],
        'New password again': ['violet harbour 48', 'violet harbour 47'],
      },
    }));
    expect(await passwd({ learnerId }, ctx)).toBe(0);
    const err = ctx.stderr.join('');
    expect(err).toContain('The new password has 5 characters; it needs at least 8.');
    expect(err).toContain('Type a new password again (2 more tries)');
    expect(err).toContain('The two new passwords differ. Type a new password again (1 more try)');
    expect(err).toContain(`password of ${learnerId} changed`);
    expect(ctx.asked.filter((m) => m.startsWith('New password (')).length).toBe(3);
    expect(mustChange(ctx)).toBe(0);
    expect(attempts(ctx)).toEqual([{ ok: 1 }]);
    ctx.dispose?.();
  });

  it('after three refused tries nothing is changed and no try stays counted (exit 2)', async () => {
    const ctx = onTerminal(testContext({
      cwd: dir,
      lang: 'zh',
      answers: { WZ: initial, '新密码': ['short', learnerId, 'violet harbour 47'], '再次输入新密码': 'violet harbour 48' },
    }));
    await expect(passwd({ learnerId }, ctx)).rejects.toMatchObject({ exitCode: 2, msg: { key: 'forgive.passwd.gaveUp' } });
    expect(ctx.stderr.join('')).toContain('请重新输入新密码（还可以再试 1 次）');
    expect(mustChange(ctx)).toBe(1);
    expect(attempts(ctx)).toEqual([]);
    ctx.dispose?.();
  });

  it('cancelled at the new password: the try is given back, nothing changed', async () => {
    const ctx = onTerminal(testContext({ cwd: dir, answers: { 'Current password': initial } }), (p) => ({
      ...p,
      password: async (o) => {
        if (o.message.startsWith('New password')) throw new CancelledError();
        return p.password(o);
      },
    }));
    await expect(passwd({ learnerId }, ctx)).rejects.toMatchObject({ exitCode: 130 });
    expect(mustChange(ctx)).toBe(1);
    expect(attempts(ctx)).toEqual([]);
    ctx.dispose?.();
  });
});
