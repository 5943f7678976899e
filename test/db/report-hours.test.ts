/**
 * The year-end report's hours per month (db/report.ts hoursByMonth) on a real (in-memory) schema:
 * each month's sum, the first and last days of a month in their own month, the year's bounds kept,
 * only the cadres given, no month without a record.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/db/migrations.js';
import type { DB } from '../../src/db/open.js';
import { hoursByMonth } from '../../src/db/report.js';

describe('hoursByMonth', () => {
  it('sums each month of the range over the cadres given, as grouping by the month would', () => {
    const db: DB = new Database(':memory:');
    for (const m of MIGRATIONS) db.exec(m.sql);
    for (let i = 1; i <= 3; i++) db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (?, ?, ?, 'n', 'd', 'x', 'x')").run(i, `L${i}`, `S${i}`);
    const days = ['2025-08-31', '2025-09-01', '2025-09-30', '2025-10-01', '2025-12-31', '2026-01-01', '2026-02-28', '2026-08-01', '2026-08-31', '2026-09-01'];
    let n = 0;
    for (const cadre of [1, 2, 3])
      for (const day of days) {
        const code = `C${++n}`;
        db.prepare("INSERT INTO courses (code, quarters, created_at) VALUES (?, 1, 'x')").run(code);
        db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (?, ?, ?, ?, 't')").run(cadre, code, day, cadre * 10 + (n % 7) + 1);
      }
    const ids = new Set([1, 3]);
    const got = hoursByMonth(db, '2025-09-01', '2026-08-31', ids);
    const grouped = db
      .prepare("SELECT substr(completed_on, 1, 7), SUM(quarters) FROM hours WHERE completed_on >= '2025-09-01' AND completed_on <= '2026-08-31' AND cadre_id IN (1, 3) GROUP BY 1 ORDER BY 1")
      .raw()
      .all() as [string, number][];
    expect([...got]).toEqual(grouped);
    expect([...got.keys()]).toEqual(['2025-09', '2025-10', '2025-12', '2026-01', '2026-02', '2026-08']);
    expect(hoursByMonth(db, '2025-09-01', '2026-08-31', new Set())).toEqual(new Map());
  });
});
