/** loadCadres of named learners: only theirs are read, with their appointments, as the whole roster has them. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCadres } from '../../src/db/cadres.js';
import { earliestRecordDate } from '../../src/db/settings.js';
import { openDatabase } from '../../src/db/open.js';
import { tempDir } from '../helpers/cli.js';

describe('loadCadres of named learners', () => {
  it('reads only those cadres, each as the whole roster has it; the earliest record is the same by the index', () => {
    const db = openDatabase(path.join(tempDir(), 'cadre.db'), { create: true });
    const now = '2026-09-01T00:00:00+00:00';
    for (let i = 1; i <= 5; i++) {
      db.prepare('INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(i, `WZ26000${i}`, `S${i}`, `n${i}`, 'd', now, now);
      db.prepare("INSERT INTO appointments (cadre_id, rank, rank_title, appointed_on, recorded_at) VALUES (?, 'section', '副科', ?, ?)").run(i, `2020-0${i}-01`, now);
    }
    db.prepare("INSERT INTO appointments (cadre_id, rank, rank_title, appointed_on, recorded_at) VALUES (4, 'division', '副处', '2024-01-01', ?)").run(now);
    const all = loadCadres(db);
    const some = loadCadres(db, ['WZ260004', 'WZ260002', 'WZ269999']);
    expect(some.all.map((c) => c.learnerId)).toEqual(['WZ260002', 'WZ260004']);
    expect(some.byLearnerId.get('WZ260004')).toEqual(all.byLearnerId.get('WZ260004'));
    expect(some.byLearnerId.get('WZ260004')!.service.appointments).toHaveLength(2);
    expect(loadCadres(db, []).all).toEqual([]);

    expect(earliestRecordDate(db)).toBeNull();
    db.prepare("INSERT INTO courses (code, quarters, created_at) VALUES ('A', 4, ?)").run(now);
    for (const [c, d] of [[3, '2025-10-02'], [1, '2025-11-01'], [5, '2025-09-30'], [3, '2025-09-15']] as const) {
      db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (?, 'A', ?, 4, 'o')").run(c, d);
    }
    expect(earliestRecordDate(db)).toBe('2025-09-15');
  });
});
