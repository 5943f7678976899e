/**
 * The TEMP tables an hours import stages a file's valid rows in, and the
 * statements that read them against `hours` (src/import/kinds/hours.ts says
 * when each runs).
 *
 * The stage: one row per valid file row, in (cadre, course, date) order,
 * the most hours first (a file larger than one sorted run is merged into it
 * in that order from stage_runs). `cd` packs the course and
 * date indexes (code × 2^17 + date: dates run 1900 … 2099, fewer than 2^17
 * days), `tf` the term index and flags (term × 4 + flags), to bind fewer
 * values. Flag LEAD: the first row of its (cadre, course, term) group;
 * KEY_FIRST: the first of its (cadre, course, date) key, the one that goes in.
 */
import type { DB } from './open.js';

export const LEAD = 1;
export const KEY_FIRST = 2;
export const DAY_BITS = 17;
/** Rows per multi-row INSERT into the stage. */
export const STAGE_BATCH = 256;

const STAGE_DDL = [
  'CREATE TEMP TABLE stage (cadre_id INTEGER, line INTEGER, cd INTEGER, quarters INTEGER, tf INTEGER)',
  'CREATE TEMP TABLE stage_codes (i INTEGER PRIMARY KEY, code TEXT)',
  'CREATE TEMP TABLE stage_days (i INTEGER PRIMARY KEY, day TEXT)',
  'CREATE TEMP TABLE stage_terms (i INTEGER PRIMARY KEY, term_start TEXT, term_end TEXT)',
];
const DROP_STAGE = ['stage', 'stage_codes', 'stage_days', 'stage_terms', 'stage_runs', 'stage_old'].map((t) => `DROP TABLE IF EXISTS temp.${t}`).join('; ');

/** The stage's tables, in one string (ImportKind.stageDdl). */
export const HOURS_STAGE_DDL = STAGE_DDL.join('; ');

/** Each staged row with its date (`d.day`): for the lines a refused import names (src/db/closes.ts). */
export const STAGED_WITH_DAY = `temp.stage s CROSS JOIN temp.stage_days d ON d.i = s.cd & ${(1 << DAY_BITS) - 1}`;

/** The stage with its dictionaries resolved (stage first, so rows come in stage order). */
const STAGED_ROWS = `temp.stage s CROSS JOIN temp.stage_codes c ON c.i = s.cd >> ${DAY_BITS} CROSS JOIN temp.stage_days d ON d.i = s.cd & ${(1 << DAY_BITS) - 1}`;
const STAGED = `${STAGED_ROWS} CROSS JOIN temp.stage_terms t ON t.i = s.tf >> 2`;
/**
 * The record on file with a staged row's key, found in the covering index of hours by cadre and date:
 * it holds the record's id and hours, so comparing the hours visits no table page (the unique index
 * of the key does not hold them, and SQLite would pick it).
 */
const ON_FILE = 'JOIN hours h INDEXED BY hours_by_cadre_day ON h.cadre_id = s.cadre_id AND h.course_code = c.code AND h.completed_on = d.day';

/** A new, empty stage (one an earlier file left is dropped). */
export function createHoursStage(db: DB): void {
  db.exec(DROP_STAGE);
  for (const ddl of STAGE_DDL) db.exec(ddl);
}

/** Writes into the stage; `rows` takes STAGE_BATCH rows of 5 values (cadre_id, line, cd, quarters, tf), `row` one. */
export interface HoursStageWriter {
  rows(values: number[]): void;
  row(values: number[]): void;
  code(i: number, code: string): void;
  day(i: number, day: string): void;
  term(i: number, start: string, end: string): void;
  /** STAGE_BATCH terms of 3 values (i, start, end). */
  terms(values: (number | string)[]): void;
}

export function hoursStageWriter(db: DB): HoursStageWriter {
  const cols = '(?, ?, ?, ?, ?)';
  const one = db.prepare(`INSERT INTO temp.stage VALUES ${cols}`);
  const many = db.prepare(`INSERT INTO temp.stage VALUES ${new Array(STAGE_BATCH).fill(cols).join(', ')}`);
  // The dictionaries as they stand (they only grow; earlier runs' entries stay the same).
  const codes = db.prepare('INSERT OR REPLACE INTO temp.stage_codes VALUES (?, ?)');
  const days = db.prepare('INSERT OR REPLACE INTO temp.stage_days VALUES (?, ?)');
  const terms = db.prepare('INSERT OR REPLACE INTO temp.stage_terms VALUES (?, ?, ?)');
  const manyTerms = db.prepare(`INSERT OR REPLACE INTO temp.stage_terms VALUES ${new Array(STAGE_BATCH).fill('(?, ?, ?)').join(', ')}`);
  return {
    rows: (values) => void many.run(values),
    row: (values) => void one.run(values),
    code: (i, code) => void codes.run(i, code),
    day: (i, day) => void days.run(i, day),
    term: (i, start, end) => void terms.run(i, start, end),
    terms: (values) => void manyTerms.run(values),
  };
}

/**
 * Rows of a sorted run per chunk of stage_runs, and the values of each (cadre id, code, date, quarters, line).
 * The merge holds one chunk of every run (each read is a copy): 8,192 rows are 160 KB, so the 20 runs of a
 * 20M-row file hold 3 MB (32,768 held 13 MB, at the moment the import's memory peaked).
 */
export const RUN_CHUNK = 1 << 13;
export const RUN_FIELDS = 5;

/**
 * The sorted runs of a file larger than one (src/import/kinds/hours-stage.ts
 * merges them): chunks of rows packed as 32-bit integers, one blob each, in
 * order of their ids. A run is a range of ids.
 */
const RUNS_DDL = 'CREATE TEMP TABLE IF NOT EXISTS stage_runs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)';

/** Appends a chunk of a run (RUN_FIELDS values a row); returns its id. */
export function hoursRunWriter(db: DB): (values: Int32Array) => number {
  db.exec(RUNS_DDL);
  const ins = db.prepare('INSERT INTO temp.stage_runs (data) VALUES (?)');
  return (values) => Number(ins.run(Buffer.from(values.buffer, values.byteOffset, values.byteLength)).lastInsertRowid);
}

/** Reads a chunk back. */
export function hoursRunReader(db: DB): (id: number) => Int32Array {
  const get = db.prepare('SELECT data FROM temp.stage_runs WHERE id = ?').pluck();
  return (id) => {
    const b = get.get(id) as Buffer;
    // A view needs a 4-byte aligned start: a copy otherwise.
    if (b.byteOffset % 4 === 0) return new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
    const copy = new Int32Array(b.byteLength >> 2);
    new Uint8Array(copy.buffer).set(b);
    return copy;
  };
}

export function dropHoursRuns(db: DB): void {
  db.exec('DROP TABLE IF EXISTS temp.stage_runs');
}

/** Staged (cadre, course, term) groups whose term holds no record of the course on file. */
export function countNewStagedGroups(db: DB): number {
  return db
    .prepare(
      `SELECT COUNT(*) FROM ${STAGED} WHERE s.tf & ${LEAD}
         AND NOT EXISTS (SELECT 1 FROM hours h WHERE h.cadre_id = s.cadre_id AND h.course_code = c.code
                         AND h.completed_on BETWEEN t.term_start AND t.term_end)`,
    )
    .pluck()
    .get() as number;
}

/**
 * The staged groups whose term holds a record of the course on file, kept by
 * their first row's rowid in temp.stage_old (the groups not counted new, and
 * the only ones whose keys can be on file: vouchForOldGroups reads only
 * them). Returns how many. The same look-ups as countNewStagedGroups.
 */
export function markOldStagedGroups(db: DB): number {
  db.exec('DROP TABLE IF EXISTS temp.stage_old; CREATE TEMP TABLE stage_old (first INTEGER PRIMARY KEY)');
  return db
    .prepare(
      `INSERT INTO temp.stage_old SELECT s.rowid FROM ${STAGED} WHERE s.tf & ${LEAD}
         AND EXISTS (SELECT 1 FROM hours h WHERE h.cadre_id = s.cadre_id AND h.course_code = c.code
                     AND h.completed_on BETWEEN t.term_start AND t.term_end)`,
    )
    .run().changes;
}

/** Records on file whose key a staged row has with other hours: [record id, line, the row's hours, the record's], by line. */
export function stagedOtherHours(db: DB): Iterable<[number, number, number, number]> {
  return db
    .prepare(
      `SELECT h.id, s.line, s.quarters, h.quarters FROM ${STAGED_ROWS}
       ${ON_FILE}
       WHERE s.tf & ${KEY_FIRST} AND h.quarters <> s.quarters ORDER BY s.line`,
    )
    .raw()
    .iterate() as Iterable<[number, number, number, number]>;
}

/**
 * Records already on file with a staged row's key: batch `batchId` vouches
 * for them too, with the first line that carried each. Each one whose hours
 * the row does not give is passed to `other` as it goes by, in stage order
 * (the only rows that cost a call): it is never dropped silently. Returns
 * how many records were vouched for.
 *
 * Only the rows of the groups markOldStagedGroups kept are looked up (a key
 * on file is in a group whose term holds a record of its course): a week of
 * new rows into years of records looks up the few keys that can be on file,
 * not each of its 400,000. A group's rows run from its first to the next
 * group's first.
 */
export function vouchForOldGroups(db: DB, batchId: number, other: (id: number, line: number, quarters: number, stored: number) => void): number {
  const rows = `temp.stage_old g
    CROSS JOIN temp.stage s ON s.rowid >= g.first
      AND s.rowid < COALESCE((SELECT x.rowid FROM temp.stage x WHERE x.rowid > g.first AND x.tf & ${LEAD} ORDER BY x.rowid LIMIT 1), ${Number.MAX_SAFE_INTEGER})
    CROSS JOIN temp.stage_codes c ON c.i = s.cd >> ${DAY_BITS} CROSS JOIN temp.stage_days d ON d.i = s.cd & ${(1 << DAY_BITS) - 1}`;
  return vouch(db, batchId, other, rows);
}

function vouch(db: DB, batchId: number, other: (id: number, line: number, quarters: number, stored: number) => void, rows: string): number {
  db.function('cadre_other_hours', (id: number, line: number, quarters: number, stored: number) => {
    other(id, line, quarters, stored);
    return line;
  });
  return db
    .prepare(
      `INSERT OR IGNORE INTO record_sources (kind, record_id, batch_id, line)
       SELECT 'hours', h.id, ?, CASE WHEN h.quarters = s.quarters THEN s.line ELSE cadre_other_hours(h.id, s.line, s.quarters, h.quarters) END
       FROM ${rows}
       ${ON_FILE}
       WHERE s.tf & ${KEY_FIRST}`,
    )
    .run(batchId).changes;
}

/** Inserts the kept row of every staged key not on file (in key order: the indexes of hours are appended to). */
export function insertStagedHours(db: DB, batchId: number | null, enteredBy: string): void {
  db.prepare(
    `INSERT OR IGNORE INTO hours (cadre_id, course_code, completed_on, quarters, batch_id, line, entered_by)
     SELECT s.cadre_id, c.code, d.day, s.quarters, ?, s.line, ? FROM ${STAGED_ROWS} WHERE s.tf & ${KEY_FIRST} ORDER BY s.rowid`,
  ).run(batchId, enteredBy);
}

/** Up to `limit` staged course codes the catalogue does not have. */
export function stagedCodesNotInCatalogue(db: DB, limit: number): string[] {
  return db.prepare('SELECT c.code FROM temp.stage_codes c WHERE NOT EXISTS (SELECT 1 FROM courses WHERE code = c.code) LIMIT ?').pluck().all(limit) as string[];
}

/**
 * Up to `limit` cadre ids of staged rows that are not on the roster, by id: one pass of the stage, each
 * row's cadre found by its rowid (a statement per cadre from JavaScript cost a call each).
 */
export function stagedCadresNotOnFile(db: DB, limit: number): number[] {
  const found = new Set<number>();
  // No DISTINCT in SQL: it would sort every staged row; the rows without a cadre are few, and the read stops at `limit`.
  const rows = db.prepare('SELECT s.cadre_id FROM temp.stage s WHERE NOT EXISTS (SELECT 1 FROM cadres WHERE id = s.cadre_id)').pluck().iterate() as IterableIterator<number>;
  for (const id of rows) {
    found.add(id);
    if (found.size === limit) break;
  }
  return [...found].sort((a, b) => a - b);
}
