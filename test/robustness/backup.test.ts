/**
 * Issue 5, item 8: a backup taken while another process writes passes
 * integrity_check and holds a consistent state. npm test: one writer, four
 * backups; test:reliability: two writers, twenty backups.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratch } from './lib/cadre.js';
import { backupUnderLoad, describeBackup } from './lib/backup.js';

afterAll(removeScratch);

describe('backup under load', () => {
  it('cadre backup while another process imports and records essays: every copy sound and consistent', async () => {
    const r = await backupUnderLoad({ writers: 1, backups: 4, rowsPerFile: 2000 });
    console.log(describeBackup(r, 1));
    expect(r.copies).toHaveLength(4);
    // The writer really was writing while the copies were taken.
    expect(r.batchesPerCopy[r.batchesPerCopy.length - 1]).toBeGreaterThan(r.batchesPerCopy[0]);
  }, 120_000);
});
