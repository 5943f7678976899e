/**
 * Issue 5, items 1 and 2, the long runs (`npm run test:reliability`).
 *
 * 1. 100 rounds: `cadre import-hours` of two files of 100,000 rows each,
 *    killed with SIGKILL — 80 rounds at stratified random moments of the
 *    whole run, 20 aimed 0–300 ms after the first batch commits. After every
 *    round: integrity_check ok, foreign_key_check empty, each batch all or
 *    nothing, and the tool writes to the recovered file. Fails unless the
 *    first file's batch both committed and rolled back at least 5 times.
 * 2. 100 kills during the first open of a new database, which creates the
 *    schema: version 0 with no tables, or the whole schema; the tool opens
 *    every one and finishes it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratch, tempDir } from '../robustness/lib/cadre.js';
import { crashRounds, describeCrash, describeMigration, migrationRounds, prepareCrash, prepareMigration } from '../robustness/lib/crash.js';

const seed = Number(process.env.CADRE_CRASH_SEED ?? 20261125);

afterAll(removeScratch);

describe('crash atomicity: 100 rounds', () => {
  it('SIGKILL during 100,000-row imports: sound, all or nothing, at least 5 commits and 5 rollbacks', async () => {
    const setup = await prepareCrash(100_000, 100);
    const s = await crashRounds(setup, { random: 80, afterCommit: 20, seed });
    console.log(describeCrash(s));
    expect(s.rounds).toBe(100);
    expect(s.committed).toBeGreaterThanOrEqual(5);
    expect(s.rolledBack).toBeGreaterThanOrEqual(5);
  }, 1_800_000);
});

describe('migrations under a crash: 100 rounds', () => {
  it('a kill during the first open leaves version 0 with no tables or the whole schema, and the tool opens it', async () => {
    const setup = await prepareMigration(tempDir('cadre-mig-'));
    const s = await migrationRounds(setup, { rounds: 100, seed });
    console.log(describeMigration(s));
    expect(s.rounds).toBe(100);
    expect(s.killed).toBeGreaterThanOrEqual(50);
    const old = Object.entries(s.outcomes).filter(([k]) => k.startsWith('old')).reduce((a, [, v]) => a + v, 0);
    expect(old).toBeGreaterThanOrEqual(5);
    expect(s.rounds - old).toBeGreaterThanOrEqual(5);
  }, 900_000);
});
