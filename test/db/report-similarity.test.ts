/**
 * The year-end report's similarity counts (db/report.ts similarityByDepartment)
 * on a real (in-memory) schema, and the summary the model makes of them.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { overShare, rateText, similaritySummary } from '../../src/core/report-model.js';
import { MIGRATIONS } from '../../src/db/migrations.js';
import type { DB } from '../../src/db/open.js';
import { similarityByDepartment } from '../../src/db/report.js';

describe('similarityByDepartment', () => {
  it('counts per department the year\'s essays of the cadres given: compared, at or over either threshold, held, overridden', () => {
    const db: DB = new Database(':memory:');
    for (const m of MIGRATIONS) db.exec(m.sql);
    const dept = ['法学院', '法学院', '理学院', '理学院'];
    dept.forEach((d, i) => db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (?, ?, ?, 'n', ?, 'x', 'x')").run(i + 1, `L${i}`, `S${i}`, d));
    let n = 0;
    const essay = (cadre: number, date: string, sim?: { others: number; self: number; held?: 'copied' | 'self'; reason?: string }) => {
      const id = Number(db.prepare("INSERT INTO essays (cadre_id, kind, title, submitted_on, chars, status, entered_by) VALUES (?, 'reflection', ?, ?, 3000, 'approved', 't')").run(cadre, `T${++n}`, date).lastInsertRowid);
      if (sim)
        db.prepare("INSERT INTO essay_similarity (essay_id, checked_at, zi, others_zi, self_zi, quoted_zi, others_permille, self_permille, sources, held, override_reason) VALUES (?, 'x', 3000, 0, 0, 0, ?, ?, '[]', ?, ?)").run(
          id,
          sim.others,
          sim.self,
          sim.held ?? null,
          sim.reason ?? null,
        );
    };
    essay(1, '2025-10-01', { others: 300, self: 0, held: 'copied' }); // over (others), held
    essay(1, '2025-11-01', { others: 299, self: 0 }); // under
    essay(2, '2026-03-01', { others: 0, self: 500, held: 'self', reason: '本人旧文，已说明' }); // over (self), held, overridden
    essay(2, '2026-04-01'); // not compared
    essay(3, '2026-05-01', { others: 10, self: 10 });
    essay(3, '2024-12-01', { others: 900, self: 0, held: 'copied' }); // the year before: not counted
    essay(4, '2026-06-01', { others: 900, self: 0, held: 'copied' }); // a cadre not given: not counted
    const rows = similarityByDepartment(db, '2025-09-01', '2026-08-31', new Set([1, 2, 3]), 300, 400);
    const by = Object.fromEntries(rows.map((r) => [r.department, r]));
    expect(by['法学院']).toEqual({ department: '法学院', essays: 4, compared: 3, over: 2, held: 2, overridden: 1 });
    expect(by['理学院']).toEqual({ department: '理学院', essays: 1, compared: 1, over: 0, held: 0, overridden: 0 });
    const sum = similaritySummary(rows, 300, 400);
    expect(sum.total).toEqual({ essays: 5, compared: 4, over: 2, held: 2, overridden: 1 });
    expect(sum.departments.map((d) => d.department)).toEqual(['法学院', '理学院'].sort());
    expect(rateText(overShare(sum.total))).toBe('50.0%');
    expect(similarityByDepartment(db, '2025-09-01', '2026-08-31', new Set(), 300, 400)).toEqual([]);
  });
});
