/**
 * Issue 9, items 4 and 9, the long run: 40 rounds of two racing --reset of
 * one learner (at least one of them must be a real race, refused), and 30
 * rounds of issue-accounts killed at random moments.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratch } from '../robustness/lib/cadre.js';
import { killRounds, resetRaceRounds } from '../robustness/lib/accounts.js';

afterAll(removeScratch);

describe('accounts under races and kills', () => {
  it('40 rounds of two --reset at once: never two successes from one read; the race is seen and refused', async () => {
    const s = await resetRaceRounds(40);
    console.log(`reset races: ${s.rounds} rounds, ${s.raced} raced (one refused), ${s.sequential} one after the other`);
    expect(s.raced).toBeGreaterThan(0);
  }, 600_000);

  it('30 kills of issue-accounts: accounts exist exactly when their credentials file does, nothing left behind', async () => {
    const s = await killRounds(30, 20261125);
    console.log(`kills: ${s.rounds} rounds, ${s.committed} committed, ${s.rolledBack} rolled back`);
    expect(s.committed).toBeGreaterThan(0);
    expect(s.rolledBack).toBeGreaterThan(0);
  }, 600_000);
});
