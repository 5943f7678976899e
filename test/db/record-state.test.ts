/**
 * The record state a close stores (recordState): each table's rows hashed as
 * JSON lines in id order, whatever the chunks SQLite makes them in.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { recordState } from '../../src/db/closes.js';
import { MIGRATIONS } from '../../src/db/migrations.js';
import type { DB } from '../../src/db/open.js';

describe('recordState', () => {
  it('hashes each table as its rows one JSON line each (in id order, up to the cutoff), over several chunks', () => {
    const db: DB = new Database(':memory:');
    for (const m of MIGRATIONS) db.exec(m.sql);
    for (let c = 1; c <= 100; c++) db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (?, ?, ?, 'n', 'd', 'x', 'x')").run(c, `L${c}`, `S${c}`);
    // Codes with what JSON escapes: a quote, a backslash, Chinese.
    const codes = ['C"1', 'C\\2', '党史3'];
    for (const c of codes) db.prepare("INSERT INTO courses (code, quarters, created_at) VALUES (?, 4, 'x')").run(c);
    const insert = db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (?, ?, ?, ?, 't')");
    db.transaction(() => {
      // 300 rows a day (100 cadres × 3 courses) from 15 December 2025: the last days after the cutoff.
      for (let i = 0; i < 80_000; i++) insert.run(1 + (i % 100), codes[i % 3], new Date(Date.UTC(2025, 11, 15) + Math.floor(i / 300) * 86_400_000).toISOString().slice(0, 10), 1 + (i % 13));
    })();
    const cutoff = '2026-08-31';
    const h = createHash('sha256');
    let count = 0;
    for (const row of db.prepare('SELECT id, cadre_id, course_code, completed_on, quarters FROM hours WHERE completed_on <= ? ORDER BY id').raw().iterate(cutoff) as Iterable<unknown[]>) {
      h.update(JSON.stringify(row) + '\n');
      count++;
    }
    const state = JSON.parse(recordState(db, cutoff).state) as { hours: { count: number; sha256: string }; training: { count: number; sha256: string } };
    expect(count).toBeGreaterThan(2 * 32_768);
    expect(count).toBeLessThan(80_000);
    expect(state.hours).toEqual({ count, sha256: h.digest('hex') });
    expect(state.training).toEqual({ count: 0, sha256: createHash('sha256').digest('hex') });
  });
});
