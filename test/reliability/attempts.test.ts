/**
 * Issue 9, item 9, the long run (CADRE_RELIABILITY=1):
 *
 * - five rounds of 20 `verify` processes with wrong passwords at once, each
 *   against a fresh account: never more than the policy's 5 passwords
 *   checked before the lock (a preloaded hook logs each scrypt call's salt),
 *   every other try refused as locked;
 * - three rounds of 19 wrong and 1 right at once: a right password that gets
 *   its turn still works, and no more than 5 wrong ones are checked per
 *   right one (a right password starts the count afresh, as the README says);
 * - a loose timing check, in process: the median time of `verify` for an
 *   unknown learner, a locked account, an expired initial password and a
 *   changed password is within 0.5×–2× of a wrong initial password's. This
 *   is a behavioural check (the same work in every case), not a speed target.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOSEN_HASH_PARAMS, hashPassword } from '../../src/auth/password.js';
import { run as verifyRun } from '../../src/commands/verify.js';
import { CadreError } from '../../src/errors.js';
import { testContext } from '../helpers/context.js';
import { makeWorkspace, NOW, removeScratch, repoRoot, spawnCadre, type Workspace } from '../robustness/lib/cadre.js';

afterAll(removeScratch);

const HOOK = path.join(repoRoot, 'test', 'helpers', 'scrypt-log.cjs');
const later = (minutes: number) => new Date(Date.parse(NOW) + minutes * 60_000).toISOString();

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

let ws: Workspace;

beforeAll(async () => {
  ws = await makeWorkspace(13);
}, 120_000);

async function parallelRound(index: number, id: string, passwords: string[]) {
  const salt = saltOf(ws.db, id);
  const log = path.join(ws.dir, `round-${index}.log`);
  const env = { ...ws.env, NODE_OPTIONS: `--require=${HOOK}`, SCRYPT_LOG: log };
  const exits = await Promise.all(passwords.map((pw) => spawnCadre(['verify', id, '--password-stdin'], { cwd: ws.dir, env, input: `${pw}\n` }).done));
  const checked = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter((l) => l.endsWith(` ${salt}`)).length : 0;
  return { exits, checked };
}

describe('parallel tries, several rounds', () => {
  it.each([0, 1, 2, 3, 4])('round %i: 20 wrong at once, at most 5 checked, the rest refused as locked', async (round) => {
    const { exits, checked } = await parallelRound(round, ws.ids[round]!, Array.from({ length: 20 }, (_, i) => `wrong-${round}-${i}`));
    console.log(`round ${round}: ${checked} of 20 tries checked`);
    expect(checked).toBeLessThanOrEqual(5);
    for (const e of exits) expect(e.code, e.stderr).toBe(1);
    expect(exits.filter((e) => /no password is checked/.test(e.stderr)).length).toBeGreaterThanOrEqual(15);
  }, 300_000);

  it.each([5, 6, 7])('round %i: 19 wrong and the right one at once', async (round) => {
    const pws = Array.from({ length: 20 }, (_, i) => `wrong-${round}-${i}`);
    // The right one started first, in the middle, last.
    const at = [0, 10, 19][round - 5]!;
    pws[at] = ws.passwords[round]!;
    const { exits, checked } = await parallelRound(round, ws.ids[round]!, pws);
    const ok = exits.filter((e) => e.code === 0).length;
    console.log(`round ${round}: ${checked} of 20 tries checked, the right one ${ok ? 'accepted' : 'refused (locked)'}`);
    expect(ok).toBeLessThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(5 * (ok + 1));
    exits.forEach((e, i) => {
      if (i !== at) expect(e.code, e.stderr).toBe(1);
    });
  }, 300_000);
});

describe('verify takes the same time in every case (loose check)', () => {
  it('each case median within 0.5×–2× of a wrong password for an existing account', async () => {
    const [wrongId, changedId, lockedId, expiredId] = ws.ids.slice(9, 13) as [string, string, string, string];
    sql(ws.db, 'UPDATE accounts SET password_hash = ?, must_change = 0, changed_at = ? WHERE cadre_id = (SELECT id FROM cadres WHERE learner_id = ?)', await hashPassword('violet harbour 47 lanterns', CHOSEN_HASH_PARAMS), NOW, changedId);
    const fresh = (id: string) => {
      sql(ws.db, 'DELETE FROM login_attempts WHERE cadre_id = (SELECT id FROM cadres WHERE learner_id = ?)', id);
      sql(ws.db, 'UPDATE accounts SET locked_until = NULL WHERE cadre_id = (SELECT id FROM cadres WHERE learner_id = ?)', id);
    };
    const cases: Record<string, { id: string; now: string; before?: () => void }> = {
      'wrong password': { id: wrongId, now: later(1), before: () => fresh(wrongId) },
      'changed password, wrong': { id: changedId, now: later(1), before: () => fresh(changedId) },
      'unknown learner': { id: 'WZ999999', now: later(1) },
      locked: { id: lockedId, now: later(1), before: () => sql(ws.db, 'UPDATE accounts SET locked_until = ? WHERE cadre_id = (SELECT id FROM cadres WHERE learner_id = ?)', later(60), lockedId) },
      'expired initial password': { id: expiredId, now: later(31 * 24 * 60) },
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let round = 0; round < 7; round++) {
      for (const [what, c] of Object.entries(cases)) {
        c.before?.();
        const ctx = testContext({ cwd: ws.dir, now: c.now });
        ctx.stdin = Readable.from(['not-the-password\n']);
        const t0 = performance.now();
        try {
          await verifyRun({ learnerId: c.id, passwordStdin: true }, ctx);
          throw new Error(`${what}: verify succeeded`);
        } catch (e) {
          if (!(e instanceof CadreError)) throw e;
        } finally {
          times[what]!.push(performance.now() - t0);
          ctx.dispose?.();
        }
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const base = median(times['wrong password']!);
    const report = Object.entries(times).map(([k, xs]) => `${k} ${Math.round(median(xs))} ms`);
    console.log(`verify medians: ${report.join(', ')}`);
    for (const [what, xs] of Object.entries(times)) {
      const ratio = median(xs) / base;
      expect(ratio, `${what}: ${report.join(', ')}`).toBeGreaterThanOrEqual(0.5);
      expect(ratio, `${what}: ${report.join(', ')}`).toBeLessThanOrEqual(2);
    }
  }, 300_000);
});
