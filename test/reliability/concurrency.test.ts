/**
 * Issue 5, item 3, the long run: four processes × 25 commands at once, three
 * times on fresh databases; and the guard five times: the same workload
 * against a build whose write transactions are deferred must fail.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratch } from '../robustness/lib/cadre.js';
import { concurrentStaff, deferredBuild, expectExactTotals } from '../robustness/lib/concurrency.js';

afterAll(removeScratch);

describe('concurrent staff: 4 processes × 25 commands', () => {
  it.each([1, 2, 3])('run %i: every command succeeds, totals exact', async (run) => {
    const r = await concurrentStaff({ workers: 4, commands: 25, rowsPerFile: 400 });
    console.log(`concurrent staff, run ${run}: 4 × 25 commands in ${Math.round(r.ms)} ms, ${r.failures.length} failed; ${r.expected.hoursRows} hour rows in ${r.expected.batches} files, ${r.expected.essays} essays`);
    expectExactTotals(r);
  }, 300_000);

  it('guard: the deferred build fails the same workload, five times out of five', async () => {
    const guard = deferredBuild();
    const firstFailureAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await concurrentStaff({ workers: 4, commands: 25, rowsPerFile: 400, bin: guard.bin, stopOnFailure: true });
      expect(r.failures.length, `attempt ${i + 1}`).toBeGreaterThan(0);
      expect(r.failures[0].exit.stderr).toMatch(/database is locked|SQLITE_BUSY|is held by another cadre command|by another cadre command at the same moment/);
      firstFailureAt.push(r.runs.length);
    }
    console.log(`guard: the deferred build failed 5 of 5 times, after ${firstFailureAt.join(', ')} commands`);
  }, 600_000);
});
