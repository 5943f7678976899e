/** Issue 5, item 8, the long run: two writers, twenty backups. */
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratch } from '../robustness/lib/cadre.js';
import { backupUnderLoad, describeBackup } from '../robustness/lib/backup.js';

afterAll(removeScratch);

describe('backup under load', () => {
  it('20 backups while two processes import and record essays: every copy sound and consistent', async () => {
    const r = await backupUnderLoad({ writers: 2, backups: 20, rowsPerFile: 4000 });
    console.log(describeBackup(r, 2));
    expect(r.copies).toHaveLength(20);
    expect(r.batchesPerCopy[19]).toBeGreaterThan(r.batchesPerCopy[0]);
  }, 600_000);
});
