/**
 * Undoing a batch on a real (in-memory) schema: records another live batch
 * vouches for stay and are re-attributed to the earliest voucher; the rest go.
 */
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/db/migrations.js';
import type { DB } from '../../src/db/open.js';
import { undoBatch } from '../../src/db/undo.js';

let db: DB;
const batch = (file: string) =>
  Number(
    db
      .prepare("INSERT INTO batches (kind, file_name, sha256, imported_at, operator, rows_read, rows_new, rows_duplicate, rows_rejected) VALUES ('hours', ?, ?, '2025-10-01T00:00:00+08:00', 't', 0, 0, 0, 0)")
      .run(file, file).lastInsertRowid,
  );
const hour = (cadre: number, course: string, date: string, batchId: number | null, line: number) =>
  Number(db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, batch_id, line, entered_by) VALUES (?, ?, ?, 4, ?, ?, 't')").run(cadre, course, date, batchId, line).lastInsertRowid);
const vouch = (kind: string, record: number, batchId: number, line: number) => db.prepare('INSERT INTO record_sources (kind, record_id, batch_id, line) VALUES (?, ?, ?, ?)').run(kind, record, batchId, line);
const hoursRows = () => db.prepare('SELECT id, course_code, batch_id, line FROM hours ORDER BY id').all();
const sources = () => db.prepare('SELECT kind, record_id, batch_id, line FROM record_sources ORDER BY record_id, batch_id').all();

beforeEach(() => {
  db = new Database(':memory:');
  for (const m of MIGRATIONS) db.exec(m.sql);
  for (const [id, code] of [[1, 'A'], [2, 'B']] as const) {
    db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (?, ?, ?, 'n', 'd', 'x', 'x')").run(id, `L${code}`, `S${code}`);
  }
  for (const c of ['C1', 'C2', 'C3', 'C4']) db.prepare("INSERT INTO courses (code, quarters, created_at) VALUES (?, 4, 'x')").run(c);
});

describe('undoBatch', () => {
  it('keeps what another batch carried (moved to the earliest voucher), removes the rest', () => {
    const w1 = batch('w1');
    const w2 = batch('w2');
    const w3 = batch('w3');
    const only1 = hour(1, 'C1', '2025-10-01', w1, 2);
    const shared = hour(1, 'C2', '2025-10-02', w1, 3);
    vouch('hours', shared, w3, 7);
    vouch('hours', shared, w2, 5);
    const only2 = hour(2, 'C3', '2025-10-03', w2, 2);
    const r = undoBatch(db, w1, 'now');
    expect(r.counts).toEqual({ removed: 1, kept: 1, unvouched: 0 });
    expect(r.cadreIds).toEqual([1]);
    expect(hoursRows()).toEqual([
      { id: shared, course_code: 'C2', batch_id: w2, line: 5 },
      { id: only2, course_code: 'C3', batch_id: w2, line: 2 },
    ]);
    // w2's voucher row became the record's own source; w3 still vouches.
    expect(sources()).toEqual([{ kind: 'hours', record_id: shared, batch_id: w3, line: 7 }]);
    expect(db.prepare('SELECT undone_at FROM batches WHERE id = ?').pluck().get(w1)).toBe('now');
    expect(hoursRows().some((h: any) => h.id === only1)).toBe(false);
  });

  it('a voucher from an undone batch does not keep a record', () => {
    const w1 = batch('w1');
    const w2 = batch('w2');
    const rec = hour(1, 'C1', '2025-10-01', w1, 2);
    vouch('hours', rec, w2, 2);
    db.prepare("UPDATE batches SET undone_at = 'earlier' WHERE id = ?").run(w2);
    expect(undoBatch(db, w1, 'now').counts).toEqual({ removed: 1, kept: 0, unvouched: 0 });
    expect(hoursRows()).toEqual([]);
    expect(sources()).toEqual([]);
  });

  it("undoing the later batch drops only its vouchers; the first batch's records stay as they were", () => {
    const w1 = batch('w1');
    const w2 = batch('w2');
    const shared = hour(1, 'C1', '2025-10-01', w1, 2);
    vouch('hours', shared, w2, 4);
    const own = hour(2, 'C2', '2025-10-05', w2, 3);
    const r = undoBatch(db, w2, 'now');
    expect(r.counts).toEqual({ removed: 1, kept: 0, unvouched: 1 });
    expect(r.cadreIds).toEqual([1, 2]);
    expect(hoursRows()).toEqual([{ id: shared, course_code: 'C1', batch_id: w1, line: 2 }]);
    expect(sources()).toEqual([]);
    expect(hoursRows().some((h: any) => h.id === own)).toBe(false);
  });

  it('records entered by hand are never removed, even when the batch vouched for them', () => {
    const w1 = batch('w1');
    const manual = hour(1, 'C1', '2025-10-01', null, 1);
    vouch('hours', manual, w1, 2);
    expect(undoBatch(db, w1, 'now').counts).toEqual({ removed: 0, kept: 0, unvouched: 1 });
    expect(hoursRows()).toEqual([{ id: manual, course_code: 'C1', batch_id: null, line: 1 }]);
  });

  it('works the same for training, essays and exams', () => {
    const w1 = batch('w1');
    const w2 = batch('w2');
    const t = Number(db.prepare("INSERT INTO training (cadre_id, topic, topic_key, attended_on, batch_id, line, entered_by) VALUES (1, 'T', 't', '2025-10-01', ?, 2, 't')").run(w1).lastInsertRowid);
    vouch('training', t, w2, 3);
    db.prepare("INSERT INTO essays (cadre_id, kind, title, submitted_on, chars, status, batch_id, line, entered_by) VALUES (1, 'report', 'R', '2025-10-01', 5000, 'approved', ?, 2, 't')").run(w1);
    db.prepare("INSERT INTO exams (cadre_id, exam, taken_on, score_tenths, batch_id, line, entered_by) VALUES (2, 'E', '2025-10-01', 900, ?, 2, 't')").run(w1);
    expect(undoBatch(db, w1, 'now').counts).toEqual({ removed: 2, kept: 1, unvouched: 0 });
    expect(db.prepare('SELECT batch_id, line FROM training').all()).toEqual([{ batch_id: w2, line: 3 }]);
    expect(db.prepare('SELECT COUNT(*) FROM essays').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM exams').pluck().get()).toBe(0);
  });
});
