/**
 * The date of the earliest hours record (record_span, migration 14): filled by the migration,
 * kept by import-hours and undo-import, always the date the walk of the index finds; rows put in
 * by hand leave it behind and are not missed.
 */
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/db/migrations.js';
import type { DB } from '../../src/db/open.js';
import { hoursAdded, hoursFirstDay, hoursRemoval } from '../../src/db/record-span.js';
import { undoBatch } from '../../src/db/undo.js';
import { earliestRecordDate } from '../../src/db/settings.js';

let db: DB;
const span = () => db.prepare("SELECT first_day, last_id FROM record_span WHERE kind = 'hours'").get();
const lastId = () => db.prepare('SELECT COALESCE(MAX(id), 0) FROM hours').pluck().get() as number;
let files = 0;
const batch = () =>
  Number(db.prepare("INSERT INTO batches (kind, file_name, sha256, imported_at, operator, rows_read, rows_new, rows_duplicate, rows_rejected) VALUES ('hours', 'f', ?, 'x', 't', 0, 0, 0, 0)").run(`h${++files}`).lastInsertRowid);
const hour = (cadre: number, date: string, batchId: number | null = null) =>
  Number(db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, batch_id, line, entered_by) VALUES (?, 'C1', ?, 4, ?, 2, 't')").run(cadre, date, batchId).lastInsertRowid);
/** An import's write as import-hours does it: rows in, then the date kept. */
const imported = (rows: [number, string][], batchId: number) => {
  const before = lastId();
  for (const [c, d] of rows) hour(c, d, batchId);
  hoursAdded(db, before, rows.reduce<string | null>((m, [, d]) => (m === null || d < m ? d : m), null));
};
const walkDate = () => db.prepare('SELECT MIN(completed_on) FROM hours').pluck().get();

function schema(upTo: number) {
  db = new Database(':memory:');
  for (const m of MIGRATIONS.filter((m) => m.version <= upTo)) db.exec(m.sql);
  for (const id of [1, 2, 3]) db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (?, ?, ?, 'n', 'd', 'x', 'x')").run(id, `L${id}`, `S${id}`);
  db.prepare("INSERT INTO courses (code, quarters, created_at) VALUES ('C1', 4, 'x')").run();
}

describe('record_span', () => {
  beforeEach(() => schema(Infinity));

  it('is filled by its migration from the hours on file', () => {
    schema(13);
    hour(2, '2025-10-02');
    hour(3, '2025-09-15');
    hour(1, '2025-11-01');
    db.exec(MIGRATIONS.find((m) => m.version === 14)!.sql);
    expect(span()).toEqual({ first_day: '2025-09-15', last_id: 3 });
    schema(13);
    db.exec(MIGRATIONS.find((m) => m.version === 14)!.sql);
    expect(span()).toBeUndefined();
    expect(hoursFirstDay(db)).toBeNull();
  });

  it('is kept by imports, earlier or later, and by undoing them', () => {
    expect(hoursFirstDay(db)).toBeNull();
    const b1 = batch();
    imported([[1, '2025-10-05'], [2, '2025-10-03']], b1);
    expect(span()).toEqual({ first_day: '2025-10-03', last_id: 2 });
    const b2 = batch();
    imported([[3, '2025-09-20'], [1, '2025-12-01']], b2);
    expect(span()).toEqual({ first_day: '2025-09-20', last_id: 4 });
    const b3 = batch();
    imported([[2, '2026-01-10']], b3);
    expect(span()).toEqual({ first_day: '2025-09-20', last_id: 5 });
    // Undoing the batch with the earliest record: the date is looked for again.
    undoBatch(db, b2, 'now');
    expect(span()).toEqual({ first_day: '2025-10-03', last_id: 5 });
    // Undoing the last batch (not of the earliest date): the date stays, the largest id follows.
    undoBatch(db, b3, 'now');
    expect(span()).toEqual({ first_day: '2025-10-03', last_id: 2 });
    expect(hoursFirstDay(db)).toBe(walkDate());
    undoBatch(db, b1, 'now');
    expect(span()).toBeUndefined();
    expect(hoursFirstDay(db)).toBeNull();
  });

  it('rows put in by hand are not missed: the date is looked for, and the next import keeps the right one', () => {
    const b1 = batch();
    imported([[1, '2025-10-05']], b1);
    hour(2, '2025-09-02');
    expect(hoursFirstDay(db)).toBe('2025-09-02');
    expect(earliestRecordDate(db)).toBe('2025-09-02');
    const b2 = batch();
    imported([[3, '2025-09-30']], b2);
    expect(span()).toEqual({ first_day: '2025-09-02', last_id: 3 });
    // An undo when the kept date was behind: looked for again, not trusted.
    hour(1, '2025-09-01');
    const undo = hoursRemoval(db);
    db.prepare('DELETE FROM hours WHERE batch_id = ?').run(b2);
    undo('2025-09-30');
    expect(span()).toEqual({ first_day: '2025-09-01', last_id: 4 });
  });

  it('the earliest record on file is the least of hours and the other records', () => {
    imported([[1, '2025-10-05']], batch());
    expect(earliestRecordDate(db)).toBe('2025-10-05');
    db.prepare("INSERT INTO training (cadre_id, topic, topic_key, attended_on, entered_by) VALUES (1, 't', 't', '2025-09-03', 'o')").run();
    expect(earliestRecordDate(db)).toBe('2025-09-03');
  });
});
