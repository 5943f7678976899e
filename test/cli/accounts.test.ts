/**
 * Accounts through the public CLI: `passwd`, `verify`, `accounts`.
 * Each test has its own folder and database; the clock is fixed (the
 * context's now) and the time zone with TZ, so expiry and lockout windows are
 * crossed without waiting. Hashing at the chosen-password parameters takes
 * about 0.4 s, so those steps are few.
 *
 * Each command line runs in this process (test/helpers/run.ts: the real
 * program, a fresh context per run, the exit code as main gives it). The
 * same commands under parallel processes are in test/auth/attempts.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { auth } from '../../src/i18n/catalogue/auth.js';
import { runCli } from '../helpers/cli.js';
import { cadreIn, type RunResult as CliResult } from '../helpers/run.js';

// Local times are shown in the office's zone; this file's process is its own (vitest runs each file in one).
const zoneBefore = process.env.TZ;
process.env.TZ = 'Asia/Shanghai';
afterAll(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

const T0 = '2026-01-10T09:00:00+08:00';
const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const days = (n: number): string => at(n * 24 * 60);

interface Cred {
  learnerId: string;
  staffNo: string;
  password: string;
}

let dir: string;
let creds: Cred[];

function cli(args: string[], opts: { now?: string; input?: string; lang?: 'en' | 'zh' } = {}): Promise<CliResult> {
  return cadreIn({ cwd: dir, operator: 'tester' })(args, { input: opts.input ?? '', now: opts.now ?? T0, lang: opts.lang ?? 'en' });
}

function readCreds(file: string): Cred[] {
  const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1);
  return lines.map((l) => {
    const [learnerId, staffNo, , , password] = l.split(',');
    return { learnerId: learnerId!, staffNo: staffNo!, password: password! };
  });
}

const passwd = (c: Cred, current: string, next: string, now?: string) => cli(['passwd', c.learnerId, '--password-stdin'], { input: `${current}\n${next}\n`, now });
const verify = (c: Cred, password: string, now?: string, lang?: string) => cli(['verify', c.learnerId, '--password-stdin'], { input: `${password}\n`, now, lang });

async function accountsJson(args: string[] = [], now?: string): Promise<{ learner_id: string; state: string; changed_at: string | null; locked_until: string | null; expires_at: string | null }[]> {
  const r = await cli(['accounts', ...args, '--format', 'json'], { now });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function dbRows(sql: string): Record<string, unknown>[] {
  const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cadre-accounts-'));
  writeFileSync(
    path.join(dir, 'roster.csv'),
    'staff_no,name,department,rank,appointed_on\nT20240001,张三,计算机学院,正处,2024-05-01\nT20240002,李四,图书馆,副科,2025-10-01\n',
  );
  const r = await cli(['issue-accounts', 'roster.csv', '--out', 'creds.csv']);
  expect(r.code, r.stderr).toBe(0);
  creds = readCreds(path.join(dir, 'creds.csv'));
  expect(creds).toHaveLength(2);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cadre passwd', () => {
  it('refuses weak new passwords (exit 2, nothing changed) and a wrong current one (exit 1), then changes it', async () => {
    const [a, b] = creds as [Cred, Cred];
    const refused: [string, RegExp][] = [
      ['short7!', /at least 8/],
      ['password1', /most common/],
      [a.learnerId, /learner ID/],
      [a.learnerId.toLowerCase(), /learner ID/],
      [a.staffNo, /staff number/],
      [a.password, /initial password/],
    ];
    for (const [next, why] of refused) {
      const r = await passwd(a, a.password, next);
      expect(r.code, `${next}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(why);
    }
    const wrong = await passwd(a, 'not-the-password', 'a good new passphrase');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong password for/);
    expect(wrong.stderr).toMatch(/4 more wrong within 15 minutes/);

    const missing = await cli(['passwd', a.learnerId, '--password-stdin'], { input: `${a.password}\n` });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/two lines/);
    expect((await accountsJson([a.learnerId]))[0]!.state).toBe('initial');

    const chosen = 'violet harbour 47 lanterns';
    const ok = await passwd(a, a.password, chosen, at(1));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/password of .* changed/);
    const row = dbRows(`SELECT a.password_hash, a.must_change, a.changed_at FROM accounts a JOIN cadres c ON c.id = a.cadre_id WHERE c.learner_id = '${a.learnerId}'`)[0]!;
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    expect(row.must_change).toBe(0);
    expect(row.changed_at).toBe('2026-01-10T09:01:00+08:00');

    expect((await verify(a, chosen, at(2))).code).toBe(0);
    const old = await verify(a, a.password, at(2));
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/wrong password/);

    // The listing: one changed, one still on its initial password.
    const list = await accountsJson();
    expect(list.map((x) => [x.learner_id, x.state])).toEqual([[a.learnerId, 'changed'], [b.learnerId, 'initial']]);
    expect(list[0]!.changed_at).toBe('2026-01-10T09:01:00+08:00');
    expect(list[1]!.expires_at).toBe('2026-02-09T09:00:00+08:00');
    const csv = await cli(['accounts', '--state', 'initial', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const csvLines = csv.stdout.trim().split('\n');
    expect(csvLines).toHaveLength(2);
    expect(csvLines[1]).toContain(b.learnerId);
    expect(csvLines[1]).toContain('expires 2026-02-09 09:00');
    const table = await cli(['accounts', a.learnerId, '--format', 'table']);
    expect(table.stdout).toMatch(/changed/);
    expect(table.stdout).not.toContain(b.learnerId);
    const unknown = await cli(['accounts', 'WZ999999']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no learner has the ID WZ999999/);

    // No password, typed or issued, is in the journal or the attempt log.
    const secrets = [a.password, b.password, chosen, 'not-the-password', 'short7!', 'password1', 'a good new passphrase'];
    const journal = JSON.stringify(dbRows('SELECT * FROM journal'));
    const attempts = JSON.stringify(dbRows('SELECT * FROM login_attempts'));
    for (const s of secrets) {
      expect(journal).not.toContain(s);
      expect(attempts).not.toContain(s);
    }
    const entries = dbRows("SELECT command, counts FROM journal WHERE command IN ('passwd', 'verify') ORDER BY id");
    expect(entries.map((e) => e.command)).toEqual(['passwd', 'passwd', 'verify', 'verify']);
  }, 60_000);
});

describe('cadre verify', () => {
  it('exits 0 for the right password and 1 for a wrong one, recording every attempt', async () => {
    const [a] = creds as [Cred];
    const right = await verify(a, a.password);
    expect(right.code, right.stderr).toBe(0);
    expect(right.stderr).toMatch(/still the initial password.*before 2026-02-09 09:00/);
    const wrong = await verify(a, `${a.password}x`);
    expect(wrong.code).toBe(1);
    expect(dbRows('SELECT ok FROM login_attempts ORDER BY id').map((r) => r.ok)).toEqual([1, 0]);
    const journal = dbRows("SELECT args, counts, learner_ids FROM journal WHERE command = 'verify' ORDER BY id");
    expect(journal).toHaveLength(2);
    expect(journal[0]!.learner_ids).toBe(`,${a.learnerId},`);
    expect(JSON.parse(String(journal[1]!.counts))).toMatchObject({ ok: 0, failures: 1, locked: 0 });

    expect((await cli(['verify', a.learnerId, '--password-stdin'], { input: '' })).code).toBe(2);
    const unknown = await verify({ ...a, learnerId: 'WZ999999' }, 'whatever');
    expect(unknown.code).toBe(2);
  }, 30_000);

  it('locks after 5 wrong passwords within 15 minutes, refuses even the right one while locked, and unlocks after 15 minutes', async () => {
    const [a, b] = creds as [Cred, Cred];
    // Four wrong, then one more outside the window: not locked.
    for (let i = 0; i < 4; i++) expect((await verify(a, 'wrong-one')).code).toBe(1);
    const later = await verify(a, 'wrong-one', at(16));
    expect(later.code).toBe(1);
    expect(later.stderr).toMatch(/4 more wrong/);
    expect((await verify(a, a.password, at(16))).code).toBe(0);

    // Five wrong within the window: the fifth locks for 15 minutes and says until when.
    let last: CliResult | undefined;
    for (let i = 0; i < 5; i++) {
      last = await verify(b, `wrong-${i}`, at(i));
      expect(last.code).toBe(1);
    }
    expect(last!.stderr).toMatch(/5 wrong passwords within 15 minutes: account .* is locked until 2026-01-10 09:19 \(local time\)/);
    expect(last!.stderr).toMatch(/issue-accounts --reset/);

    const whileLocked = await verify(b, b.password, at(10));
    expect(whileLocked.code).toBe(1);
    expect(whileLocked.stderr).toMatch(/locked until 2026-01-10 09:19/);
    const zh = await verify(b, b.password, at(10), 'zh');
    expect(zh.code).toBe(1);
    expect(zh.stderr).toMatch(/锁定至 2026-01-10 09:19/);
    const change = await passwd(b, b.password, 'violet harbour 47 lanterns', at(11));
    expect(change.code).toBe(1);
    expect(change.stderr).toMatch(/locked until/);

    const locked = await accountsJson(['--state', 'locked'], at(12));
    expect(locked.map((x) => x.learner_id)).toEqual([b.learnerId]);
    expect(locked[0]!.locked_until).toBe('2026-01-10T09:19:00+08:00');

    // Attempts while locked did not extend the lock.
    const after = await verify(b, b.password, at(19));
    expect(after.code, after.stderr).toBe(0);
    expect((await accountsJson([b.learnerId], at(19)))[0]!.state).toBe('initial');
    expect(JSON.stringify(dbRows('SELECT * FROM journal'))).not.toContain(b.password);
  }, 60_000);

  it('refuses an expired initial password and accepts a reset one', async () => {
    const [a] = creds as [Cred];
    expect((await verify(a, a.password, days(29))).code).toBe(0);
    const expired = await verify(a, a.password, days(31));
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(/initial password of .* expired on 2026-02-09 09:00/);
    expect(expired.stderr).toMatch(/issue-accounts --reset/);
    const change = await passwd(a, a.password, 'violet harbour 47 lanterns', days(31));
    expect(change.code).toBe(1);
    expect(change.stderr).toMatch(/expired/);
    const list = await accountsJson(['--state', 'expired'], days(31));
    expect(list.map((x) => x.learner_id)).toEqual([a.learnerId, creds[1]!.learnerId]);

    const reset = await cli(['issue-accounts', '--reset', a.learnerId, '--out', 'creds2.csv'], { now: days(31) });
    expect(reset.code, reset.stderr).toBe(0);
    const fresh = readCreds(path.join(dir, 'creds2.csv'))[0]!;
    expect((await verify(fresh, fresh.password, days(31))).code).toBe(0);
    expect((await accountsJson([a.learnerId], days(31)))[0]!.state).toBe('initial');
  }, 30_000);

  it('rehashes a changed password stored under weaker parameters', async () => {
    const [a] = creds as [Cred];
    const chosen = 'copper kettle 19 meadows';
    const weak = await hashPassword(chosen, { ln: 12, r: 8, p: 1 });
    const db = new Database(path.join(dir, 'cadre.db'));
    db.prepare("UPDATE accounts SET password_hash = ?, must_change = 0, changed_at = ? WHERE cadre_id = (SELECT id FROM cadres WHERE learner_id = ?)").run(weak, T0, a.learnerId);
    db.close();
    const r = await verify(a, chosen, at(1));
    expect(r.code, r.stderr).toBe(0);
    const row = dbRows(`SELECT password_hash FROM accounts a JOIN cadres c ON c.id = a.cadre_id WHERE c.learner_id = '${a.learnerId}'`)[0]!;
    expect(row.password_hash).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$/);
    expect(JSON.parse(String(dbRows("SELECT counts FROM journal WHERE command = 'verify'")[0]!.counts))).toMatchObject({ ok: 1, rehashed: 1 });
  }, 30_000);
});

describe('the real binary', () => {
  it('reads the clock from CADRE_NOW and shows local times in the zone of TZ', async () => {
    const listAt = (now: string) =>
      runCli(['accounts', '--format', 'json'], { cwd: dir, env: { TZ: 'Asia/Shanghai', CADRE_NOW: now, CADRE_DB: path.join(dir, 'cadre.db') } });
    const r = await listAt(T0);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).map((x: { state: string; expires_at: string }) => [x.state, x.expires_at])).toEqual([
      ['initial', '2026-02-09T09:00:00+08:00'],
      ['initial', '2026-02-09T09:00:00+08:00'],
    ]);
    expect(JSON.parse((await listAt(days(31))).stdout).map((x: { state: string }) => x.state)).toEqual(['expired', 'expired']);
  }, 30_000);
});

describe('catalogue', () => {
  it('has every account message in both languages', () => {
    expect(Object.keys(auth.zh).sort()).toEqual(Object.keys(auth.en).sort());
  });
});
