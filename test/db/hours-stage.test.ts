/**
 * The checks an hours import makes of its stage inside the write (the
 * row-by-row foreign-key checks are off for it): every cadre a staged row
 * names is on the roster.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHoursStage, stagedCadresNotOnFile } from '../../src/db/hours-stage.js';
import { openDatabase } from '../../src/db/open.js';
import { tempDir } from '../helpers/cli.js';

describe('stagedCadresNotOnFile', () => {
  it('names each staged cadre that is not on the roster once, by id, up to the limit', () => {
    const db = openDatabase(path.join(tempDir(), 'cadre.db'), { create: true });
    const now = '2026-09-01T00:00:00+00:00';
    for (const id of [1, 2]) db.prepare('INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, `WZ26000${id}`, `S${id}`, `n${id}`, 'd', now, now);
    createHoursStage(db);
    const stage = db.prepare('INSERT INTO temp.stage VALUES (?, ?, 0, 4, 3)');
    [1, 9, 9, 2, 7, 9, 1].forEach((cadre, i) => stage.run(cadre, i + 2));
    expect(stagedCadresNotOnFile(db, 5)).toEqual([7, 9]);
    expect(stagedCadresNotOnFile(db, 1)).toEqual([9]);
    db.exec('DELETE FROM temp.stage WHERE cadre_id > 2');
    expect(stagedCadresNotOnFile(db, 5)).toEqual([]);
  });
});
