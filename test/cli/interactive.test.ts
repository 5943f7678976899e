import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIssueAccounts } from '../../src/commands/issue-accounts.js';
import { tempDir } from '../helpers/cli.js';
import { testContext } from '../helpers/context.js';

const answers = {
  'Staff number': 'P100',
  Name: '周八',
  Department: '音乐学院',
  Rank: 'section',
  'Appointment date': '2025/10/8',
  'Phone': '',
  'Email': 'zhou@example.edu.cn',
  'Issue the account': 'yes',
};

describe('issue-accounts --interactive', () => {
  it('asks for one cadre, validates like a roster row, and issues the account', async () => {
    const dir = tempDir();
    const ctx = testContext({ cwd: dir, answers });
    try {
      const code = await runIssueAccounts({ interactive: true, out: 'one.csv' }, ctx);
      expect(code).toBe(0);
      const creds = fs.readFileSync(path.join(dir, 'one.csv'), 'utf8');
      expect(creds).toMatch(/^\uFEFFlearner_id,staff_no,name,department,initial_password\r\nWZ26\d{4},P100,周八,音乐学院,\S{12}\r\n$/);
      const row = ctx.db().prepare('SELECT c.email, a.rank, a.appointed_on FROM cadres c JOIN appointments a ON a.cadre_id = c.id').get();
      expect(row).toEqual({ email: 'zhou@example.edu.cn', rank: 'section', appointed_on: '2025-10-08' });
      expect(ctx.stderr.join('')).toMatch(/issued 1/);
      // The summary before the confirmation, then the password shown once, on stdout.
      expect(ctx.stderr.join('')).toContain('Please check:\n  Staff number: P100\n  Name: 周八\n  Department: 音乐学院\n  Rank: section\n  Appointment date: 2025-10-08\n  Phone: (none)\n  Email: zhou@example.edu.cn\nA new cadre will be created and given a learner ID and an initial password.\n');
      const password = creds.trim().split(/\r?\n/)[1]!.split(',')[4]!;
      expect(ctx.stdout.join('')).toMatch(new RegExp(`^initial password of WZ26\\d{4} \\(周八\\): ${password} \\(shown this once; also in the credentials file\\)\n$`));
      expect(ctx.asked.at(-1)).toBe('Issue the account?');
    } finally {
      ctx.dispose?.();
    }
  });
  it('a prompt answer the roster rules refuse is refused at the prompt', async () => {
    const dir = tempDir();
    const ctx = testContext({ cwd: dir, answers: { ...answers, 'Appointment date': '2025-02-30' } });
    await expect(runIssueAccounts({ interactive: true }, ctx)).rejects.toThrow(/refused "2025-02-30"/);
    ctx.dispose?.();
  });
  it('each field is checked by the roster rules as it is typed: a future appointment, a bad email', async () => {
    const future = testContext({ cwd: tempDir(), answers: { ...answers, 'Appointment date': '2027-01-01' } });
    await expect(runIssueAccounts({ interactive: true }, future)).rejects.toThrow(/refused "2027-01-01": .*after today/);
    expect(future.asked.at(-1)).toMatch(/^Appointment date/);
    future.dispose?.();
    const email = testContext({ cwd: tempDir(), answers: { ...answers, Email: 'zhou@' } });
    await expect(runIssueAccounts({ interactive: true }, email)).rejects.toThrow(/refused "zhou@"/);
    email.dispose?.();
  });
  it('declining the summary writes nothing: no cadre, no credentials file (cancelled, exit 130)', async () => {
    const dir = tempDir();
    const ctx = testContext({ cwd: dir, answers: { ...answers, 'Issue the account': 'no' } });
    await expect(runIssueAccounts({ interactive: true, out: 'one.csv' }, ctx)).rejects.toMatchObject({ exitCode: 130 });
    expect(fs.existsSync(path.join(dir, 'one.csv'))).toBe(false);
    expect(ctx.db().prepare('SELECT count(*) AS n FROM cadres').get()).toEqual({ n: 0 });
    expect(ctx.stdout.join('')).toBe('');
    ctx.dispose?.();
  });
  it('only one mode at a time', async () => {
    const ctx = testContext({ cwd: tempDir(), answers });
    await expect(runIssueAccounts({ interactive: true, roster: 'x.csv' }, ctx)).rejects.toMatchObject({ exitCode: 2, msg: { key: 'accounts.oneMode' } });
    await expect(runIssueAccounts({}, ctx)).rejects.toMatchObject({ exitCode: 2, msg: { key: 'accounts.oneMode' } });
    ctx.dispose?.();
  });
});
