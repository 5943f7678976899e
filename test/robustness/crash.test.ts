/**
 * Issue 5, items 1 and 2, cheap version (`npm test`): a few SIGKILL rounds of
 * a two-file, 2 × 100,000-row import, and a few kills during the first open
 * that creates the schema. test/reliability/crash.test.ts runs 100 of each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeScratch, tempDir } from './lib/cadre.js';
import { crashRounds, describeCrash, describeMigration, migrationRounds, prepareCrash, prepareMigration, type CrashSetup } from './lib/crash.js';

afterAll(removeScratch);

describe('crash atomicity (a few rounds; 100 in test:reliability)', () => {
  let setup: CrashSetup;
  beforeAll(async () => {
    setup = await prepareCrash(100_000, 100);
  }, 180_000);

  it('SIGKILL during a 100,000-row import: integrity ok, no dangling keys, each batch all or nothing, the file still works', async () => {
    // 4 kills at stratified random moments, 2 aimed just after the first batch commits: both outcomes every time.
    const s = await crashRounds(setup, { random: 4, afterCommit: 2, seed: 20261125 });
    console.log(describeCrash(s));
    expect(s.killed).toBeGreaterThanOrEqual(4);
    expect(s.committed).toBeGreaterThanOrEqual(1);
    expect(s.rolledBack).toBeGreaterThanOrEqual(1);
  }, 240_000);
});

describe('migrations under a crash (a few rounds; 100 in test:reliability)', () => {
  it('a kill during the first open leaves version 0 with no tables or the whole schema, and the tool opens it', async () => {
    const setup = await prepareMigration(tempDir('cadre-mig-'));
    const s = await migrationRounds(setup, { rounds: 6, seed: 20261125 });
    console.log(describeMigration(s));
    expect(s.rounds).toBe(6);
  }, 120_000);
});
