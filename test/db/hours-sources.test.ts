/**
 * Schema version 4: where a course's catalogue hours come from (a placeholder,
 * require --hours, an import), read from the journal for a database made
 * before; and the other hours a further batch gave for an hours record
 * (voucher_hours), which undoing a batch uses so that what remains is what
 * the remaining batches said.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/db/migrations.js';
import { openDatabase, type DB } from '../../src/db/open.js';
import { undoBatch } from '../../src/db/undo.js';
import { tempDir } from '../helpers/cli.js';

describe('migration to version 4', () => {
  it('reads where each course on file got its hours from the journal; an unreadable entry changes nothing', () => {
    const file = path.join(tempDir(), 'cadre.db');
    const v3 = openDatabase(file, { create: true, migrations: MIGRATIONS.slice(0, 3) });
    const course = v3.prepare('INSERT INTO courses (code, quarters, created_at) VALUES (?, ?, ?)');
    const journal = v3.prepare("INSERT INTO journal (at, operator, command, args) VALUES (?, 'o', ?, ?)");
    const requireArgs = (codes: string[], hours: string | null) => JSON.stringify({ year: 2025, rank: 'both', codes, hours, title: null });
    // Registered by require without --hours (the journal entry a second later, as a slow disk may make it).
    course.run('P1', 4, '2025-09-01T09:00:00+08:00');
    course.run('P2', 4, '2025-09-01T09:00:00+08:00');
    journal.run('2025-09-01T09:00:01+08:00', 'require', requireArgs(['P1', 'P2'], null));
    // Registered by require --hours 2.
    course.run('H1', 8, '2025-09-02T10:00:00+08:00');
    journal.run('2025-09-02T10:00:00+08:00', 'require', requireArgs(['H1'], '2'));
    // Registered by an import, designated by require weeks later (with and without --hours).
    course.run('I1', 4, '2025-09-03T11:00:00+08:00');
    course.run('I2', 6, '2025-09-03T11:00:00+08:00');
    journal.run('2025-09-03T11:00:00+08:00', 'import-hours', JSON.stringify({ file: '/w.csv', skipInvalid: false, batch: 1 }));
    journal.run('2025-10-01T08:00:00+08:00', 'require', requireArgs(['I1', 'I2'], null));
    journal.run('2025-10-02T08:00:00+08:00', 'require', requireArgs(['I2'], '3'));
    // A course made by hand with an odd timestamp, and a journal entry that is not JSON.
    course.run('X1', 4, 'x');
    journal.run('x', 'require', '{not json');
    v3.close();
    const db = openDatabase(file, { create: false });
    expect(db.prepare('SELECT code, quarters, hours_source AS source FROM courses ORDER BY code').all()).toEqual([
      { code: 'H1', quarters: 8, source: 'require' },
      { code: 'I1', quarters: 4, source: 'import' },
      { code: 'I2', quarters: 6, source: 'import' },
      { code: 'P1', quarters: 4, source: 'placeholder' },
      { code: 'P2', quarters: 4, source: 'placeholder' },
      { code: 'X1', quarters: 4, source: 'import' },
    ]);
    expect(() => db.prepare("UPDATE courses SET hours_source = 'guess' WHERE code = 'X1'").run()).toThrow(/CHECK/);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'voucher_hours'").pluck().get()).toMatch(/PRIMARY KEY \(record_id, batch_id\)\s*\) WITHOUT ROWID, STRICT$/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });
});

describe('undoing a batch with the other hours its vouchers gave', () => {
  let db: DB;
  const batch = (file: string) =>
    Number(
      db
        .prepare("INSERT INTO batches (kind, file_name, sha256, imported_at, operator, rows_read, rows_new, rows_duplicate, rows_rejected) VALUES ('hours', ?, ?, '2025-10-01T00:00:00+08:00', 't', 0, 0, 0, 0)")
        .run(file, file).lastInsertRowid,
    );
  const hour = (course: string, quarters: number, batchId: number, line: number) =>
    Number(db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, batch_id, line, entered_by) VALUES (1, ?, '2025-10-01', ?, ?, ?, 't')").run(course, quarters, batchId, line).lastInsertRowid);
  const vouch = (record: number, batchId: number, line: number, quarters?: number) => {
    db.prepare("INSERT INTO record_sources (kind, record_id, batch_id, line) VALUES ('hours', ?, ?, ?)").run(record, batchId, line);
    if (quarters !== undefined) db.prepare('INSERT INTO voucher_hours (record_id, batch_id, quarters) VALUES (?, ?, ?)').run(record, batchId, quarters);
  };
  const record = (id: number) => db.prepare('SELECT quarters, batch_id AS batch, line FROM hours WHERE id = ?').get(id);
  const given = () => db.prepare('SELECT record_id AS record, batch_id AS batch, quarters FROM voucher_hours ORDER BY record_id, batch_id').all();

  beforeEach(() => {
    db = new Database(':memory:');
    for (const m of MIGRATIONS) db.exec(m.sql);
    db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (1, 'L1', 'S1', 'n', 'd', 'x', 'x')").run();
    for (const c of ['C1', 'C2']) db.prepare("INSERT INTO courses (code, quarters, created_at) VALUES (?, 4, 'x')").run(c);
  });

  it('the record moves to its earliest voucher with the hours that batch gave; the others keep theirs', () => {
    const w1 = batch('w1');
    const w2 = batch('w2');
    const w3 = batch('w3');
    const rec = hour('C1', 4, w1, 2);
    vouch(rec, w2, 5, 6); // w2 said 1.5 h
    vouch(rec, w3, 7); // w3 said what the record says, 1 h
    undoBatch(db, w1, 'now');
    expect(record(rec)).toEqual({ quarters: 6, batch: w2, line: 5 });
    // w3 said 1 h: remembered now that the record says 1.5.
    expect(given()).toEqual([{ record: rec, batch: w3, quarters: 4 }]);
    undoBatch(db, w2, 'now');
    expect(record(rec)).toEqual({ quarters: 4, batch: w3, line: 7 });
    expect(given()).toEqual([]);
  });

  it('a voucher that gave the same hours: the record keeps them; a voucher undone takes its hours along', () => {
    const w1 = batch('w1');
    const w2 = batch('w2');
    const w3 = batch('w3');
    const rec = hour('C1', 4, w1, 2);
    vouch(rec, w2, 5);
    vouch(rec, w3, 7, 8);
    undoBatch(db, w3, 'now');
    expect(given()).toEqual([]);
    undoBatch(db, w1, 'now');
    expect(record(rec)).toEqual({ quarters: 4, batch: w2, line: 5 });
  });

  it('a record nothing else vouches for goes with its remembered hours', () => {
    const w1 = batch('w1');
    const w2 = batch('w2');
    const rec = hour('C1', 4, w1, 2);
    const other = hour('C2', 4, w2, 3);
    db.prepare('INSERT INTO voucher_hours (record_id, batch_id, quarters) VALUES (?, ?, 6)').run(rec, w2);
    undoBatch(db, w1, 'now');
    expect(record(rec)).toBeUndefined();
    expect(record(other)).toEqual({ quarters: 4, batch: w2, line: 3 });
    expect(given()).toEqual([]);
  });
});
