/**
 * recordsToCheck after an import that looks at every day (several sorted
 * runs, or records on file before): only the days a rule can find something
 * on are read into memory (a province's year of 20M rows is not), and what
 * the rules find among them is what they find among every day.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAnomalies, type AnomalyRules } from '../../src/core/anomalies.js';
import { addAnomalyDays, DAY_RECORDS, recordsToCheck } from '../../src/db/anomalies.js';
import { openDatabase, type DB } from '../../src/db/open.js';
import { tempDir } from '../helpers/cli.js';

const RULES: AnomalyRules = { maxQuartersPerDay: 48, sameMinuteCourses: 3, minStudyPercent: 100 };

function database(): DB {
  const db = openDatabase(path.join(tempDir(), 'cadre.db'), { create: true });
  const now = '2026-09-01T00:00:00+00:00';
  for (let i = 1; i <= 3; i++) db.prepare('INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(i, `WZ26000${i}`, `S${i}`, `n${i}`, 'd', now, now);
  for (const code of ['A', 'B', 'C', 'D']) db.prepare('INSERT INTO courses (code, quarters, created_at) VALUES (?, 8, ?)').run(code, now);
  return db;
}

const add = (db: DB, cadre: number, code: string, day: string, quarters: number) =>
  Number(db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (?, ?, ?, ?, 'o')").run(cadre, code, day, quarters).lastInsertRowid);

/** Every record of every day a record after `after` is on: what recordsToCheck read before. */
function everyDay(db: DB, after: number) {
  return db
    .prepare(
      `SELECT h.id, h.cadre_id AS cadreId, h.course_code AS course, h.completed_on AS date, h.quarters, t.minute, t.studied_minutes AS studiedMinutes, c.quarters AS lengthQuarters
       FROM hours h LEFT JOIN hour_times t ON t.hour_id = h.id LEFT JOIN courses c ON c.code = h.course_code
       WHERE (h.cadre_id, h.completed_on) IN (SELECT cadre_id, completed_on FROM hours WHERE id > ?) ORDER BY h.id`,
    )
    .all(after) as Parameters<typeof findAnomalies>[0];
}

describe('recordsToCheck over every day of an import', () => {
  it('into an empty table: reads only the days over the hours or with a time, and finds the same', () => {
    const db = database();
    add(db, 1, 'A', '2026-09-01', 8);
    add(db, 1, 'B', '2026-09-01', 8);
    const heavy = [add(db, 2, 'A', '2026-09-02', 32), add(db, 2, 'B', '2026-09-02', 24)];
    const timed = add(db, 3, 'A', '2026-09-03', 4);
    add(db, 3, 'B', '2026-09-04', 4);
    db.prepare('INSERT INTO hour_times (hour_id, minute, studied_minutes) VALUES (?, 600, 5)').run(timed);
    const all = everyDay(db, 0);
    const read = recordsToCheck(db, 0, true, RULES.sameMinuteCourses, RULES.maxQuartersPerDay, false);
    expect(read.map((r) => r.id)).toEqual([...heavy, timed]);
    expect(findAnomalies(read, RULES)).toEqual(findAnomalies(all, RULES));
    expect(findAnomalies(read, RULES).map((f) => f.kind)).toEqual(['day_hours', 'too_fast']);
  });

  it('into records on file: a day is over the hours with the records on file, and is read whole', () => {
    const db = database();
    const old = add(db, 1, 'A', '2026-09-01', 40);
    add(db, 2, 'A', '2026-09-01', 4);
    const before = add(db, 3, 'A', '2026-09-05', 4);
    const fresh = add(db, 1, 'B', '2026-09-01', 12);
    add(db, 2, 'B', '2026-09-01', 4);
    const all = everyDay(db, before);
    const read = recordsToCheck(db, before, true, RULES.sameMinuteCourses, RULES.maxQuartersPerDay, true);
    expect(read.map((r) => r.id)).toEqual([old, fresh]);
    expect(findAnomalies(read, RULES)).toEqual(findAnomalies(all, RULES));
  });

  it('reads the days to look at as ranges of the covering index, not a scan of every record', () => {
    const db = database();
    addAnomalyDays(db, [[1, '2026-09-01']]);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${DAY_RECORDS}`).all() as { detail: string }[]).map((r) => r.detail);
    expect(plan.some((d) => /^SCAN p\b/.test(d))).toBe(true);
    expect(plan.some((d) => /^SEARCH h USING COVERING INDEX hours_by_cadre_day \(cadre_id=\? AND completed_on=\?\)/.test(d))).toBe(true);
    expect(plan.some((d) => /^SCAN h\b/.test(d))).toBe(false);
  });
});
