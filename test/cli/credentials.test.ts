/**
 * The credentials file and the write transaction, in process: a reset that
 * another reset overtook fails and leaves no file; a failure after the file
 * was put in place (inside the transaction) removes it again with the
 * accounts. The interleavings are made exact by acting while the command
 * awaits its password hashing, between reading the accounts and writing.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runIssueAccounts } from '../../src/commands/issue-accounts.js';
import { tempDir } from '../helpers/cli.js';
import { testContext, type TestContext } from '../helpers/context.js';

let dir: string;
let ctx: TestContext;
const contexts: TestContext[] = [];
const fresh = (): TestContext => {
  const c = testContext({ cwd: dir });
  contexts.push(c);
  return c;
};
const leftovers = () => fs.readdirSync(dir).filter((n) => /\.cadre-tmp$|\.pending$/.test(n));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  dir = tempDir('cadre-creds-');
  ctx = fresh();
  fs.writeFileSync(path.join(dir, 'roster.csv'), 'staff_no,name,department,rank,appointed_on\nT1,张三,文学院,section,2024-09-10\n');
  expect(await runIssueAccounts({ roster: path.join(dir, 'roster.csv'), out: 'first.csv' }, ctx)).toBe(0);
});

afterEach(() => {
  for (const c of contexts.splice(0)) c.dispose?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('--reset', () => {
  it('another reset saved while this one hashed: this one fails, changes nothing and writes no file', async () => {
    const id = (ctx.db().prepare('SELECT learner_id FROM cadres').pluck().get() as string);
    const mine = fresh();
    const pending = runIssueAccounts({ reset: [id], out: 'mine.csv' }, mine);
    // The other reset commits now, after this one read the account and before it writes.
    const other = new Database(path.join(dir, 'cadre.db'));
    other.prepare("UPDATE accounts SET password_hash = 'other', initial_hash = 'other'").run();
    other.close();
    await expect(pending).rejects.toMatchObject({ exitCode: 2, msg: { key: 'accounts.resetRace', params: { id } } });
    expect(fs.existsSync(path.join(dir, 'mine.csv'))).toBe(false);
    expect(leftovers()).toEqual([]);
    expect(ctx.db().prepare('SELECT password_hash FROM accounts').pluck().get()).toBe('other');
    expect(ctx.db().prepare("SELECT COUNT(*) FROM journal WHERE command = 'issue-accounts --reset'").pluck().get()).toBe(0);
    // Run again: it goes through.
    expect(await runIssueAccounts({ reset: [id], out: 'again.csv' }, fresh())).toBe(0);
    expect(fs.existsSync(path.join(dir, 'again.csv'))).toBe(true);
  });
});

describe('a failure after the credentials file is in place', () => {
  it('removes the file with the accounts: neither accounts without passwords nor passwords without accounts', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => `N${i},新人${i},理学院,section,2025-09-01`);
    fs.writeFileSync(path.join(dir, 'big.csv'), `staff_no,name,department,rank,appointed_on\n${rows.join('\n')}\nBAD,坏,理学院,正厅,2025-09-01\n`);
    const run = fresh();
    const pending = runIssueAccounts({ roster: path.join(dir, 'big.csv'), out: 'big-creds.csv', skipInvalid: true }, run);
    // While the 120 passwords hash, the rejected-rows name becomes a folder: its commit, after the
    // credentials file was put in place inside the transaction, fails.
    const tmpOf = () => fs.readdirSync(dir).some((n) => n.startsWith('.big.rejected.csv.'));
    for (let i = 0; i < 2000 && !tmpOf(); i++) await sleep(1);
    expect(tmpOf()).toBe(true);
    fs.mkdirSync(path.join(dir, 'big.rejected.csv'));
    await expect(pending).rejects.toMatchObject({ exitCode: 2, msg: { key: 'file.isDirectory' } });
    expect(fs.existsSync(path.join(dir, 'big-creds.csv'))).toBe(false);
    expect(leftovers()).toEqual([]);
    expect(ctx.db().prepare('SELECT COUNT(*) FROM cadres').pluck().get()).toBe(1);
    expect(ctx.db().prepare("SELECT COUNT(*) FROM journal WHERE command = 'issue-accounts'").pluck().get()).toBe(1);
  }, 30_000);
});
