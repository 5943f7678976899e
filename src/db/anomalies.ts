/**
 * Implausible study records (src/core/anomalies.ts finds them): the
 * completion times kept with hours records, the findings, and the office's
 * decisions on them.
 */
import type { AnomalyKind, AnomalyStatus, FoundAnomaly, StudyRecord } from '../core/anomalies.js';
import type { HeldBy } from '../core/audit.js';
import type { IsoDate } from '../core/dates.js';
import { STAGE_BATCH } from './hours-stage.js';
import type { DB } from './open.js';

/** The TEMP table of a file's rows that gave a time or a duration, by line (created only when some did; null: not given). */
const STAGE_TIMES_DDL = 'CREATE TEMP TABLE IF NOT EXISTS stage_times (line INTEGER PRIMARY KEY, minute INTEGER, studied INTEGER)';
/** The TEMP table of (cadre, day) pairs to look at after an import. */
const CANDIDATE_DDL = 'CREATE TEMP TABLE IF NOT EXISTS anomaly_days (cadre_id INTEGER, day TEXT, PRIMARY KEY (cadre_id, day)) WITHOUT ROWID';

export function resetStageTimes(db: DB): void {
  db.exec('DROP TABLE IF EXISTS temp.stage_times; DROP TABLE IF EXISTS temp.anomaly_days');
}

/** Writes rows into the TEMP stage_times: `rows` takes STAGE_BATCH rows of 3 values (line, minute, studied), `row` one. */
export function stageTimesWriter(db: DB): { rows(values: (number | null)[]): void; row(values: (number | null)[]): void } {
  db.exec(STAGE_TIMES_DDL);
  const cols = '(?, ?, ?)';
  const one = db.prepare(`INSERT OR REPLACE INTO temp.stage_times VALUES ${cols}`);
  const many = db.prepare(`INSERT OR REPLACE INTO temp.stage_times VALUES ${new Array(STAGE_BATCH).fill(cols).join(', ')}`);
  return { rows: (v) => void many.run(v), row: (v) => void one.run(v) };
}

/** Adds (cadre, day) pairs to look at. */
export function addAnomalyDays(db: DB, pairs: Iterable<[number, string]>): void {
  db.exec(CANDIDATE_DDL);
  const ins = db.prepare('INSERT OR IGNORE INTO temp.anomaly_days VALUES (?, ?)');
  for (const [c, d] of pairs) ins.run(c, d);
}

/** The id of the last hours record: records inserted after this call have larger ids. */
export function lastHourId(db: DB): number {
  return (db.prepare('SELECT COALESCE(MAX(id), 0) FROM hours').pluck().get() as number) ?? 0;
}

/**
 * The records of the days to look at (temp.anomaly_days), with their times and their courses' hours, by id.
 * The days lead (CROSS JOIN): each is a range of the covering index. Left to choose, SQLite (no
 * statistics) scanned the whole index for the days instead, 20M entries in a province for a handful of days.
 */
export const DAY_RECORDS = `SELECT h.id, h.cadre_id, h.course_code, h.completed_on, h.quarters, t.minute, t.studied_minutes, c.quarters
       FROM temp.anomaly_days p
       CROSS JOIN hours h INDEXED BY hours_by_cadre_day ON h.cadre_id = p.cadre_id AND h.completed_on = p.day
       LEFT JOIN hour_times t ON t.hour_id = h.id
       LEFT JOIN courses c ON c.code = h.course_code
       ORDER BY h.id`;

/**
 * After an import inserted the hours records with ids above `after` (each
 * carrying its file line): the times of those that gave one are kept, and
 * the records of the days to look at are returned: the pairs added before,
 * the days where `sameMinute` (0: none) of the new records share a minute
 * or one gave a study time, or (`allDays`) every day a new record is on
 * where a rule can find something (over `maxQuartersPerDay`, or a record
 * with a time); `hadRows`: records were on file before the import.
 */
export function recordsToCheck(db: DB, after: number, allDays: boolean, sameMinute: number, maxQuartersPerDay: number, hadRows: boolean): StudyRecord[] {
  db.exec(CANDIDATE_DDL);
  const timed = (db.prepare("SELECT COUNT(*) FROM temp.sqlite_master WHERE name = 'stage_times'").pluck().get() as number) > 0;
  if (timed) {
    db.prepare('INSERT OR REPLACE INTO hour_times (hour_id, minute, studied_minutes) SELECT h.id, t.minute, t.studied FROM hours h JOIN temp.stage_times t ON t.line = h.line WHERE h.id > ?').run(after);
    if (!allDays) {
      if (sameMinute > 0) {
        db.prepare(
          `INSERT OR IGNORE INTO temp.anomaly_days SELECT h.cadre_id, h.completed_on FROM hours h JOIN hour_times t ON t.hour_id = h.id
           WHERE h.id > ? AND t.minute IS NOT NULL GROUP BY h.cadre_id, h.completed_on, t.minute HAVING COUNT(*) >= ?`,
        ).run(after, sameMinute);
      }
      db.prepare('INSERT OR IGNORE INTO temp.anomaly_days SELECT h.cadre_id, h.completed_on FROM hours h JOIN hour_times t ON t.hour_id = h.id WHERE h.id > ? AND t.studied_minutes IS NOT NULL').run(after);
    }
  }
  if (allDays) {
    // Every day a new record is on, less the days no rule can find anything on: those whose records
    // (new and on file) add up to no more than the policy's hours and none of which gave a time or a
    // duration. Only the others are read into memory (a province's year of 20M rows is not). The new
    // records are found by id (NOT INDEXED: a range of the table, not a scan of a 20M-row index), the
    // timed days from hour_times (CROSS JOIN: it leads, it holds only the records that gave a time).
    if (hadRows) {
      db.prepare(
        `INSERT OR IGNORE INTO temp.anomaly_days SELECT n.cadre_id, n.day FROM (SELECT DISTINCT cadre_id, completed_on AS day FROM hours NOT INDEXED WHERE id > ?) n
         WHERE (SELECT SUM(h.quarters) FROM hours h INDEXED BY hours_by_cadre_day WHERE h.cadre_id = n.cadre_id AND h.completed_on = n.day) > ?`,
      ).run(after, maxQuartersPerDay);
    } else {
      // No record was on file before: every record is new, and its day's sum is read in one pass of the index.
      db.prepare(
        `INSERT OR IGNORE INTO temp.anomaly_days SELECT cadre_id, completed_on FROM hours INDEXED BY hours_by_cadre_day
         GROUP BY cadre_id, completed_on HAVING SUM(quarters) > ?`,
      ).run(maxQuartersPerDay);
    }
    db.prepare(
      `INSERT OR IGNORE INTO temp.anomaly_days SELECT h.cadre_id, h.completed_on FROM hour_times t CROSS JOIN hours h ON h.id = t.hour_id
       WHERE EXISTS (SELECT 1 FROM hours x INDEXED BY hours_by_cadre_day WHERE x.cadre_id = h.cadre_id AND x.completed_on = h.completed_on AND x.id > ?)`,
    ).run(after);
  }
  const rows = db
    .prepare(DAY_RECORDS)
    .raw()
    .all() as [number, number, string, string, number, number | null, number | null, number | null][];
  db.exec('DROP TABLE IF EXISTS temp.anomaly_days; DROP TABLE IF EXISTS temp.stage_times');
  return rows.map(([id, cadreId, course, date, quarters, minute, studiedMinutes, lengthQuarters]) => ({ id, cadreId, course, date, quarters, minute, studiedMinutes, lengthQuarters }));
}

/**
 * Records the findings of batch `batchId`. A finding the office already has
 * (same kind, cadre, day and minute, naming every record this one names) is
 * not recorded again. Returns the findings recorded.
 */
export function insertAnomalies(db: DB, found: readonly FoundAnomaly[], batchId: number | null, foundAt: string): number {
  const same = db.prepare(
    `SELECT a.id FROM anomalies a WHERE a.kind = ? AND a.cadre_id = ? AND a.day = ? AND a.minute IS ?
     AND (SELECT COUNT(*) FROM anomaly_records r WHERE r.anomaly_id = a.id AND r.hour_id IN (SELECT value FROM json_each(?))) = ?`,
  );
  const ins = db.prepare('INSERT INTO anomalies (kind, cadre_id, day, minute, figure, limit_value, batch_id, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const rec = db.prepare('INSERT INTO anomaly_records (anomaly_id, hour_id) VALUES (?, ?)');
  let n = 0;
  for (const f of found) {
    if (same.get(f.kind, f.cadreId, f.date, f.minute, JSON.stringify(f.records), f.records.length)) continue;
    const id = Number(ins.run(f.kind, f.cadreId, f.date, f.minute, f.figure, f.limit, batchId, foundAt).lastInsertRowid);
    for (const r of f.records) rec.run(id, r);
    n++;
  }
  return n;
}

/** Per cadre: the records findings hold or rejected, as (course, date) → why (rejected over open; the lowest finding). */
export function heldRecords(db: DB, cadreIds: readonly number[] | null): Map<number, Map<string, HeldBy>> {
  const only = cadreIds ? `AND h.cadre_id IN (SELECT value FROM json_each(?))` : '';
  const rows = db
    .prepare(
      `SELECT h.cadre_id, h.course_code, h.completed_on, a.status, a.id, a.kind FROM anomaly_records r
       JOIN anomalies a ON a.id = r.anomaly_id JOIN hours h ON h.id = r.hour_id
       WHERE a.status <> 'accepted' ${only} ORDER BY a.status = 'rejected' DESC, a.id`,
    )
    .raw()
    .all(...(cadreIds ? [JSON.stringify(cadreIds)] : [])) as [number, string, string, 'open' | 'rejected', number, AnomalyKind][];
  const out = new Map<number, Map<string, HeldBy>>();
  for (const [cadre, course, date, state, anomaly, kind] of rows) {
    let m = out.get(cadre);
    if (!m) out.set(cadre, (m = new Map()));
    const key = heldKey(course, date);
    if (!m.has(key)) m.set(key, { state, anomaly, kind });
  }
  return out;
}

export const heldKey = (course: string, date: string): string => `${course}\u0000${date}`;

export interface AnomalyRow {
  id: number;
  kind: AnomalyKind;
  learner_id: string;
  name: string;
  department: string;
  day: IsoDate;
  minute: number | null;
  figure: number;
  limit_value: number;
  /** The records named: "course code" joined by commas, in id order. */
  courses: string;
  records: number;
  batch_id: number | null;
  file_name: string | null;
  status: AnomalyStatus;
  reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
}

/** Findings between two dates (inclusive), of one department and status if given, by day, cadre and id. */
export function listAnomalies(db: DB, filter: { from?: IsoDate; to?: IsoDate; department?: string; status?: AnomalyStatus }): AnomalyRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.from) where.push('a.day >= ?') && params.push(filter.from);
  if (filter.to) where.push('a.day <= ?') && params.push(filter.to);
  if (filter.department !== undefined) where.push('c.department = ?') && params.push(filter.department);
  if (filter.status) where.push('a.status = ?') && params.push(filter.status);
  return db
    .prepare(
      `SELECT a.id, a.kind, c.learner_id, c.name, c.department, a.day, a.minute, a.figure, a.limit_value,
              (SELECT group_concat(code, ',') FROM (SELECT h.course_code AS code FROM anomaly_records r JOIN hours h ON h.id = r.hour_id WHERE r.anomaly_id = a.id ORDER BY h.id)) AS courses,
              (SELECT COUNT(*) FROM anomaly_records r WHERE r.anomaly_id = a.id) AS records,
              a.batch_id, b.file_name, a.status, a.reason, a.decided_by, a.decided_at
       FROM anomalies a JOIN cadres c ON c.id = a.cadre_id LEFT JOIN batches b ON b.id = a.batch_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY a.day, c.learner_id, a.id`,
    )
    .all(...params) as AnomalyRow[];
}

export function anomalyById(db: DB, id: number): { id: number; status: AnomalyStatus; cadre_id: number; learner_id: string; name: string; kind: AnomalyKind; day: string; reason: string | null } | undefined {
  return db
    .prepare('SELECT a.id, a.status, a.cadre_id, c.learner_id, c.name, a.kind, a.day, a.reason FROM anomalies a JOIN cadres c ON c.id = a.cadre_id WHERE a.id = ?')
    .get(id) as ReturnType<typeof anomalyById>;
}

/** Sets the office's decision (status 'open' takes it back). */
export function decideAnomaly(db: DB, id: number, status: AnomalyStatus, reason: string | null, by: string | null, at: string | null): void {
  db.prepare('UPDATE anomalies SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ?').run(status, reason, by, at, id);
}

/** Undoing a batch: its findings go. Returns how many. */
export function deleteBatchAnomalies(db: DB, batchId: number): number {
  db.prepare('DELETE FROM anomaly_records WHERE anomaly_id IN (SELECT id FROM anomalies WHERE batch_id = ?)').run(batchId);
  return db.prepare('DELETE FROM anomalies WHERE batch_id = ?').run(batchId).changes;
}

/** A removed hours record: its time and its place in other findings go too. */
export function forgetHourRecord(db: DB): (hourId: number) => void {
  const t = db.prepare('DELETE FROM hour_times WHERE hour_id = ?');
  const r = db.prepare('DELETE FROM anomaly_records WHERE hour_id = ?');
  return (id) => {
    t.run(id);
    r.run(id);
  };
}
