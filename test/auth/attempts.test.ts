/**
 * Issue 9, item 9: login attempts under concurrency, and the same work in
 * every case.
 *
 * - 20 `verify` processes with wrong passwords started at once against one
 *   account: no more than the policy's 5 passwords are checked before the
 *   lock (counted by a preloaded hook that logs each scrypt call's salt: a
 *   check of the stored hash uses its salt), and every other try is refused
 *   as locked. The same with 20 verifications at once in one process.
 * - `verify` does the same scrypt work (one derivation at N = 2^13, one at
 *   N = 2^17) whether the learner exists and whatever the account's state:
 *   unknown, locked, expired, initial or changed password, right or wrong;
 *   a refused try never touches the stored hash.
 *
 * The long version (several rounds) and a loose timing check are in
 * test/reliability/attempts.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOSEN_HASH_PARAMS, derive, hashPassword, INITIAL_HASH_PARAMS, type Derive } from '../../src/auth/password.js';
import { CadreError } from '../../src/errors.js';
import { run as verifyRun } from '../../src/commands/verify.js';
import { testContext } from '../helpers/context.js';
import { cadre, makeWorkspace, NOW, removeScratch, repoRoot, spawnCadre, type Exit, type Workspace } from '../robustness/lib/cadre.js';

afterAll(removeScratch);

const HOOK = path.join(repoRoot, 'test', 'helpers', 'scrypt-log.cjs');
const N_INITIAL = 2 ** INITIAL_HASH_PARAMS.ln;
const N_CHOSEN = 2 ** CHOSEN_HASH_PARAMS.ln;
const later = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

/** The salt of a learner's stored hash, as hex (what the scrypt log shows for a real check). */
function saltOf(db: string, learnerId: string): string {
  const conn = new Database(db, { readonly: true });
  try {
    const hash = conn.prepare('SELECT a.password_hash FROM accounts a JOIN cadres c ON c.id = a.cadre_id WHERE c.learner_id = ?').pluck().get(learnerId) as string;
    return Buffer.from(hash.split('$')[3]!, 'base64').toString('hex');
  } finally {
    conn.close();
  }
}

function sql(db: string, text: string, ...params: unknown[]): void {
  const conn = new Database(db);
  try {
    conn.prepare(text).run(...params);
  } finally {
    conn.close();
  }
}

interface Logged {
  n: number;
  salt: string;
}

function readLog(file: string): Logged[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [n, salt] = l.split(' ');
      return { n: Number(n), salt: salt! };
    });
}

let ws: Workspace;
let logCount = 0;

/** `cadre verify ID --password-stdin` with the scrypt log on: its exit and every derivation it did. */
async function verifyLogged(id: string, password: string, now = NOW): Promise<{ exit: Exit; log: Logged[] }> {
  const log = path.join(ws.dir, `scrypt-${++logCount}.log`);
  const exit = await cadre(['verify', id, '--password-stdin'], { cwd: ws.dir, env: { ...ws.env, CADRE_NOW: now, NODE_OPTIONS: `--require=${HOOK}`, SCRYPT_LOG: log }, input: `${password}\n` });
  return { exit, log: readLog(log) };
}

beforeAll(async () => {
  ws = await makeWorkspace(6);
}, 60_000);

describe('20 wrong tries at once', () => {
  it('20 processes: at most 5 passwords are checked before the lock, the other tries are refused as locked', async () => {
    const id = ws.ids[0]!;
    const salt = saltOf(ws.db, id);
    const log = path.join(ws.dir, 'parallel.log');
    const env = { ...ws.env, NODE_OPTIONS: `--require=${HOOK}`, SCRYPT_LOG: log };
    const runs = Array.from({ length: 20 }, (_, i) => spawnCadre(['verify', id, '--password-stdin'], { cwd: ws.dir, env, input: `wrong-${i}\n` }).done);
    const exits = await Promise.all(runs);
    const checked = readLog(log).filter((l) => l.salt === salt).length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(checked).toBe(5);
    for (const e of exits) expect(e.code, e.stderr).toBe(1);
    const refusedLocked = exits.filter((e) => /is locked until .* no password is checked/.test(e.stderr));
    expect(refusedLocked.length).toBeGreaterThanOrEqual(15);
    // One row per try, one journal entry per try; the account is locked now.
    const conn = new Database(ws.db, { readonly: true });
    const attempts = conn.prepare('SELECT COUNT(*) FROM login_attempts l JOIN cadres c ON c.id = l.cadre_id WHERE c.learner_id = ?').pluck().get(id);
    const journal = conn.prepare("SELECT COUNT(*) FROM journal WHERE command = 'verify' AND learner_ids = ?").pluck().get(`,${id},`);
    const locked = conn.prepare('SELECT a.locked_until FROM accounts a JOIN cadres c ON c.id = a.cadre_id WHERE c.learner_id = ?').pluck().get(id);
    conn.close();
    expect(attempts).toBe(20);
    expect(journal).toBe(20);
    expect(locked).not.toBeNull();
    // The right password while locked: refused, and still not checked.
    const right = await verifyLogged(id, ws.passwords[0]!);
    expect(right.exit.code).toBe(1);
    expect(right.exit.stderr).toMatch(/is locked until/);
    expect(right.log.filter((l) => l.salt === salt)).toEqual([]);
  }, 120_000);

  it('20 verifications at once in one process (each its own connection): 5 checked, the rest refused as locked', async () => {
    const id = ws.ids[1]!;
    const salt = saltOf(ws.db, id);
    const seen: string[] = [];
    const counting: Derive = (password, s, keylen, params) => {
      seen.push(Buffer.from(s).toString('hex'));
      return derive(password, s, keylen, params);
    };
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const ctx = testContext({ cwd: ws.dir, now: later(1) });
        ctx.stdin = Readable.from([`wrong-${i}\n`]);
        try {
          return await verifyRun({ learnerId: id, passwordStdin: true }, ctx, counting);
        } catch (e) {
          if (!(e instanceof CadreError)) throw e;
          return ctx.tr.m(e.msg);
        } finally {
          ctx.dispose?.();
        }
      }),
    );
    expect(seen.filter((s) => s === salt)).toHaveLength(5);
    expect(seen).toHaveLength(40);
    expect(outcomes.filter((o) => typeof o === 'string' && /is locked until .* no password is checked/.test(o)).length).toBeGreaterThanOrEqual(15);
    expect(outcomes.filter((o) => o === 0)).toEqual([]);
  }, 120_000);

  it('tries one after another keep the README rule: 4 wrong leave the right password working, the 5th wrong locks', async () => {
    const id = ws.ids[2]!;
    for (let i = 0; i < 4; i++) expect((await verifyLogged(id, `wrong-${i}`, later(i))).exit.stderr).toMatch(new RegExp(`${4 - i} more wrong`));
    const ok = await verifyLogged(id, ws.passwords[2]!, later(4));
    expect(ok.exit.code, ok.exit.stderr).toBe(0);
    for (let i = 0; i < 4; i++) expect((await verifyLogged(id, `wrong-${i}`, later(5 + i))).exit.code).toBe(1);
    const fifth = await verifyLogged(id, 'wrong-5', later(9));
    expect(fifth.exit.stderr).toMatch(/5 wrong passwords within 15 minutes: account .* is locked until/);
    const conn = new Database(ws.db, { readonly: true });
    const rows = conn.prepare('SELECT ok FROM login_attempts l JOIN cadres c ON c.id = l.cadre_id WHERE c.learner_id = ? ORDER BY l.id').pluck().all(id);
    conn.close();
    expect(rows).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  }, 120_000);
});

describe('the same scrypt work in every case', () => {
  /** The derivations of a run, as their N values in order, and whether one used the stored salt. */
  const work = (log: Logged[], salt: string) => ({ ns: log.map((l) => l.n).sort((a, b) => a - b), real: log.some((l) => l.salt === salt) });
  const EVEN = [N_INITIAL, N_CHOSEN];

  it('unknown learner, locked, expired, initial and changed password, right or wrong: one derivation at each cost', async () => {
    const [initial, locked, changed] = [ws.ids[3]!, ws.ids[4]!, ws.ids[5]!];
    const chosen = 'violet harbour 47 lanterns';
    sql(ws.db, 'UPDATE accounts SET password_hash = ?, must_change = 0, changed_at = ? WHERE cadre_id = (SELECT id FROM cadres WHERE learner_id = ?)', await hashPassword(chosen, CHOSEN_HASH_PARAMS), NOW, changed);
    sql(ws.db, 'UPDATE accounts SET locked_until = ? WHERE cadre_id = (SELECT id FROM cadres WHERE learner_id = ?)', later(30), locked);

    const cases: [string, string, string, string | undefined, number, boolean][] = [
      // what, learner, password, clock, exit, the stored hash checked
      ['initial, wrong', initial, 'wrong', undefined, 1, true],
      ['initial, right', initial, ws.passwords[3]!, undefined, 0, true],
      ['changed, wrong', changed, 'wrong', undefined, 1, true],
      ['changed, right', changed, chosen, undefined, 0, true],
      ['unknown learner', 'WZ999999', 'wrong', undefined, 2, false],
      ['locked, right password', locked, ws.passwords[4]!, undefined, 1, false],
      ['expired, right password', initial, ws.passwords[3]!, later(31 * 24 * 60), 1, false],
    ];
    for (const [what, id, password, now, code, real] of cases) {
      const salt = id.startsWith('WZ9') ? '-' : saltOf(ws.db, id);
      const r = await verifyLogged(id, password, now);
      expect(r.exit.code, `${what}: ${r.exit.stderr}`).toBe(code);
      expect(work(r.log, salt), what).toEqual({ ns: EVEN, real });
    }
  }, 120_000);
});
