/**
 * What an hours import reads and writes outside its stage
 * (src/db/hours-stage.ts): the roster as raw rows, the course catalogue,
 * and the records and vouchers of hours another batch brought first.
 *
 * Functions that run once per row or per course return their statements
 * prepared once, as functions of plain values.
 */
import type { Rank } from '../core/policy.js';
import type { DB } from './open.js';

// ---------------------------------------------------------------- the roster, raw

/** How many cadres, and the largest id (0 for none). */
export function rosterSize(db: DB): { count: number; maxId: number } {
  const count = db.prepare('SELECT COUNT(*) FROM cadres').pluck().get() as number;
  const maxId = db.prepare('SELECT COALESCE(MAX(id), 0) FROM cadres').pluck().get() as number;
  return { count, maxId };
}

/** Every cadre as [id, learner ID, staff number, name, left office], by id: no object per cadre. */
export function rosterRows(db: DB): Iterable<[number, string, string, string, string | null]> {
  return db.prepare('SELECT id, learner_id, staff_no, name, left_on FROM cadres ORDER BY id').raw().iterate() as Iterable<[number, string, string, string, string | null]>;
}

/** Every cadre as [id, left office], by id: what the stage reads of the roster (no names or IDs made into strings). */
export function rosterLeavings(db: DB): Iterable<[number, string | null]> {
  return db.prepare('SELECT id, left_on FROM cadres ORDER BY id').raw().iterate() as Iterable<[number, string | null]>;
}

export function appointmentCount(db: DB): number {
  return db.prepare('SELECT COUNT(*) FROM appointments').pluck().get() as number;
}

/** Every appointment as [cadre id, rank, appointed, the leaving that ended its series (null: none)], by cadre and date. */
export function appointmentRows(db: DB): Iterable<[number, Rank, string, string | null]> {
  return db.prepare('SELECT cadre_id, rank, appointed_on, left_on FROM appointments ORDER BY cadre_id, appointed_on').raw().iterate() as Iterable<[number, Rank, string, string | null]>;
}

export function learnerIdsOf(db: DB, ids: Iterable<number>): string[] {
  const st = db.prepare('SELECT learner_id FROM cadres WHERE id = ?').pluck();
  return [...ids].map((id) => st.get(id) as string);
}

export function batchExists(db: DB, id: number): boolean {
  return !!db.prepare('SELECT 1 FROM batches WHERE id = ?').pluck().get(id);
}

// ---------------------------------------------------------------- records

/** Whether any hours record is on file. */
export function hoursOnFile(db: DB): boolean {
  return !!db.prepare('SELECT EXISTS (SELECT 1 FROM hours) AS x').pluck().get();
}

// ---------------------------------------------------------------- the course catalogue

/** hours_source: 'import' (an import gave them), 'placeholder' (1 hour until one does), 'require' (set with require --hours). */
export interface CourseOnFile {
  title: string | null;
  quarters: number;
  source: string;
}

export interface CourseCatalogue {
  get(code: string): CourseOnFile | undefined;
  add(code: string, title: string | null, quarters: number, createdAt: string, source: 'import' | 'placeholder'): void;
  /** Gives a course registered without a title this one. */
  fillTitle(code: string, title: string): void;
  /** The hours an import gave (source 'import'). */
  setImportedHours(code: string, quarters: number): void;
}

export function courseCatalogue(db: DB): CourseCatalogue {
  const current = db.prepare('SELECT title, quarters, hours_source AS source FROM courses WHERE code = ?');
  const insert = db.prepare('INSERT INTO courses (code, title, quarters, created_at, hours_source) VALUES (?, ?, ?, ?, ?)');
  const setTitle = db.prepare('UPDATE courses SET title = ? WHERE code = ? AND title IS NULL');
  const setHours = db.prepare("UPDATE courses SET quarters = ?, hours_source = 'import' WHERE code = ?");
  return {
    get: (code) => current.get(code) as CourseOnFile | undefined,
    add: (code, title, quarters, createdAt, source) => void insert.run(code, title, quarters, createdAt, source),
    fillTitle: (code, title) => void setTitle.run(title, code),
    setImportedHours: (code, quarters) => void setHours.run(quarters, code),
  };
}

// ---------------------------------------------------------------- other hours for a record on file

/** Where a record on file came from (batch null: entered by hand). */
export interface HoursRecordSource {
  learnerId: string;
  code: string;
  date: string;
  batch: number | null;
  line: number | null;
  file: string | null;
  at: string | null;
}

export function hoursRecordSource(db: DB): (recordId: number) => HoursRecordSource {
  const st = db.prepare(
    `SELECT c.learner_id AS learnerId, h.course_code AS code, h.completed_on AS date, h.batch_id AS batch, h.line AS line, b.file_name AS file, b.imported_at AS at
     FROM hours h JOIN cadres c ON c.id = h.cadre_id LEFT JOIN batches b ON b.id = h.batch_id WHERE h.id = ?`,
  );
  return (id) => st.get(id) as HoursRecordSource;
}

/** The statements by which a batch records what it said about a record another source gave other hours. */
export interface HoursVouchers {
  /** The record's hours, batch and line. */
  record(id: number): { quarters: number; batch: number | null; line: number | null };
  /** The hours `batchId` gave for the record (kept for an undo). */
  remember(id: number, batchId: number, quarters: number): void;
  /** The record's other vouchers, but `batchId`, keep `quarters` as the hours they gave. */
  keepOthers(id: number, batchId: number, quarters: number): void;
  vouch(id: number, batchId: number, line: number): void;
  unvouch(id: number, batchId: number): void;
  /** The record takes these hours from `batchId`'s line. */
  take(id: number, quarters: number, batchId: number, line: number): void;
  /** Forgets the hours kept for the record where they are `quarters` (the record's own again). */
  forgetSame(id: number, quarters: number): void;
}

export function hoursVouchers(db: DB): HoursVouchers {
  const remember = db.prepare('INSERT OR REPLACE INTO voucher_hours (record_id, batch_id, quarters) VALUES (?, ?, ?)');
  const record = db.prepare('SELECT quarters, batch_id AS batch, line FROM hours WHERE id = ?');
  const keepOthers = db.prepare(
    `INSERT OR IGNORE INTO voucher_hours (record_id, batch_id, quarters)
     SELECT record_id, batch_id, ? FROM record_sources WHERE kind = 'hours' AND record_id = ? AND batch_id <> ?`,
  );
  const vouch = db.prepare("INSERT OR IGNORE INTO record_sources (kind, record_id, batch_id, line) VALUES ('hours', ?, ?, ?)");
  const unvouch = db.prepare("DELETE FROM record_sources WHERE kind = 'hours' AND record_id = ? AND batch_id = ?");
  const take = db.prepare('UPDATE hours SET quarters = ?, batch_id = ?, line = ? WHERE id = ?');
  const same = db.prepare('DELETE FROM voucher_hours WHERE record_id = ? AND quarters = ?');
  return {
    record: (id) => record.get(id) as { quarters: number; batch: number | null; line: number | null },
    remember: (id, batchId, quarters) => void remember.run(id, batchId, quarters),
    keepOthers: (id, batchId, quarters) => void keepOthers.run(quarters, id, batchId),
    vouch: (id, batchId, line) => void vouch.run(id, batchId, line),
    unvouch: (id, batchId) => void unvouch.run(id, batchId),
    take: (id, quarters, batchId, line) => void take.run(quarters, batchId, line, id),
    forgetSame: (id, quarters) => void same.run(id, quarters),
  };
}
