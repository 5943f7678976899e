/**
 * Issue 9, items 4 and 9: two resets of one learner at once never both
 * report success with only one password working, and a killed issue-accounts
 * leaves neither accounts without passwords nor passwords without accounts.
 * A few rounds here; many in test/reliability/accounts.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratch } from './lib/cadre.js';
import { killRounds, resetRaceRounds } from './lib/accounts.js';

afterAll(removeScratch);

describe('accounts under races and kills (a few rounds)', () => {
  it('two --reset of one learner at once: each success has its file and journal entry, the last one works, a loser says so and writes nothing', async () => {
    const s = await resetRaceRounds(3);
    console.log(`reset races: ${s.rounds} rounds, ${s.raced} raced (one refused), ${s.sequential} one after the other`);
  }, 120_000);

  it('issue-accounts killed at random moments: its accounts exist exactly when its credentials file does', async () => {
    const s = await killRounds(3, 9, 60);
    console.log(`kills: ${s.rounds} rounds, ${s.committed} committed, ${s.rolledBack} rolled back`);
    expect(s.committed + s.rolledBack).toBe(3);
  }, 180_000);
});
