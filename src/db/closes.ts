/**
 * Closed academic years (`cadre close-year`): the frozen year-end view, the
 * state of the records it counted, and the guard that keeps a closed year's
 * records as they were.
 *
 * The guard lives in SQLite itself, so no write path can forget it: every
 * write connection the tool opens gets TEMP triggers (syncCloseGuard) on
 * each table whose rows a year's view counts. A row inserted, changed or
 * deleted there whose date falls in a closed year aborts the statement (and
 * so the command's one transaction: nothing is written) unless the command
 * runs as an amendment (permitAmendment, from `--amend --reason`); then each
 * closed year it touches gets one row in year_amendments for the run, with
 * the reason and the number of rows it changed. The triggers are TEMP (per
 * connection, never in the file), so the database's schema is what the
 * migrations build and a restored copy is checked against it as before.
 */
import { createHash } from 'node:crypto';
import { STAGED_WITH_DAY } from './hours-stage.js';
import type { DB } from './open.js';

/** A closed year as stored; `result` is the gzip'd JSON of the audited cadres. */
export interface YearClose {
  year: number;
  startsOn: string;
  endsOn: string;
  asOf: string;
  closedAt: string;
  operator: string;
  journalId: number | null;
  policy: string;
  policySha256: string;
  state: string;
  stateSha256: string;
  cadres: number;
  counts: string;
  result: Buffer;
  resultSha256: string;
}

export type YearCloseSummary = Omit<YearClose, 'result' | 'policy' | 'state'>;

export interface Amendment {
  id: number;
  year: number;
  run: string;
  at: string;
  operator: string;
  command: string;
  reason: string;
  changes: number;
}

const COLUMNS = 'year, starts_on AS startsOn, ends_on AS endsOn, as_of AS asOf, closed_at AS closedAt, operator, journal_id AS journalId, policy_sha256 AS policySha256, state_sha256 AS stateSha256, cadres, counts, result_sha256 AS resultSha256';

export function insertClose(db: DB, c: YearClose): void {
  db.prepare(
    `INSERT INTO year_closes (year, starts_on, ends_on, as_of, closed_at, operator, journal_id, policy, policy_sha256, state, state_sha256, cadres, counts, result, result_sha256)
     VALUES (@year, @startsOn, @endsOn, @asOf, @closedAt, @operator, @journalId, @policy, @policySha256, @state, @stateSha256, @cadres, @counts, @result, @resultSha256)`,
  ).run(c);
}

export function setCloseJournal(db: DB, year: number, journalId: number): void {
  db.prepare('UPDATE year_closes SET journal_id = ? WHERE year = ?').run(journalId, year);
}

export function loadClose(db: DB, year: number): YearClose | undefined {
  return db.prepare(`SELECT ${COLUMNS}, policy, state, result FROM year_closes WHERE year = ?`).get(year) as YearClose | undefined;
}

export function closeSummary(db: DB, year: number): YearCloseSummary | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM year_closes WHERE year = ?`).get(year) as YearCloseSummary | undefined;
}

export function listCloses(db: DB): YearCloseSummary[] {
  return db.prepare(`SELECT ${COLUMNS} FROM year_closes ORDER BY year`).all() as YearCloseSummary[];
}

/** Each amending run of `year` and the cadres (learner IDs) whose records it changed. */
export function amendedCadres(db: DB, year: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const rows = db.prepare('SELECT a.run, c.learner_id FROM year_amendment_cadres a JOIN cadres c ON c.id = a.cadre_id WHERE a.year = ? ORDER BY c.learner_id').raw().all(year) as [string, string][];
  for (const [run, id] of rows) {
    let list = out.get(run);
    if (!list) out.set(run, (list = []));
    list.push(id);
  }
  return out;
}

export function listAmendments(db: DB, year?: number): Amendment[] {
  const where = year === undefined ? '' : 'WHERE year = ?';
  return db.prepare(`SELECT id, year, run, at, operator, command, reason, changes FROM year_amendments ${where} ORDER BY id`).all(...(year === undefined ? [] : [year])) as Amendment[];
}

/**
 * The staged rows of an import (temp.stage, with its `line`) dated in a
 * closed year, in line order, at most `limit`: the lines a refused import names.
 * The stage keeps its date as a `…_on` column, or (hours) as an index into temp.stage_days.
 */
export function closedStageRows(db: DB, limit = 20): { line: number; date: string; year: number }[] {
  const cols = (db.prepare('PRAGMA temp.table_info(stage)').all() as { name: string }[]).map((c) => c.name);
  if (!cols.includes('line')) return [];
  const dated = cols.find((c) => c.endsWith('_on'));
  const from = dated ? `temp.stage s` : cols.includes('cd') ? STAGED_WITH_DAY : null;
  if (!from) return [];
  const date = dated ? `s.${dated}` : 'd.day';
  return db
    .prepare(`SELECT s.line AS line, ${date} AS date, c.year AS year FROM ${from} JOIN main.year_closes c ON ${date} BETWEEN c.starts_on AND c.ends_on ORDER BY s.line LIMIT ?`)
    .all(limit) as { line: number; date: string; year: number }[];
}

/** How many staged rows fall in closed years (see closedStageRows). */
export function closedStageCount(db: DB): number {
  const cols = (db.prepare('PRAGMA temp.table_info(stage)').all() as { name: string }[]).map((c) => c.name);
  const dated = cols.find((c) => c.endsWith('_on'));
  const from = dated ? `temp.stage s` : cols.includes('cd') ? STAGED_WITH_DAY : null;
  if (!from) return 0;
  const date = dated ? `s.${dated}` : 'd.day';
  return db.prepare(`SELECT COUNT(*) FROM ${from} JOIN main.year_closes c ON ${date} BETWEEN c.starts_on AND c.ends_on`).pluck().get() as number;
}

/** The closed years whose dates hold `date` (at most one). */
export function closedYearsHolding(db: DB, dates: readonly string[]): number[] {
  if (!dates.length) return [];
  const closes = db.prepare('SELECT year, starts_on AS startsOn, ends_on AS endsOn FROM year_closes').all() as { year: number; startsOn: string; endsOn: string }[];
  const years = new Set<number>();
  for (const d of dates) for (const c of closes) if (d >= c.startsOn && d <= c.endsOn) years.add(c.year);
  return [...years].sort((a, b) => a - b);
}

/**
 * The state of the records a year-end view up to `cutoff` counted: each
 * table's rows dated up to it (count and SHA-256 of the rows in id order)
 * and the live import batches (id, kind, file hash). Hashed again as a
 * whole for the close's `state_sha256`.
 */
export function recordState(db: DB, cutoff: string): { state: string; sha256: string } {
  const tables: [string, string, string][] = [
    ['hours', 'completed_on', 'id, cadre_id, course_code, completed_on, quarters'],
    ['training', 'attended_on', 'id, cadre_id, topic_key, attended_on'],
    ['essays', 'submitted_on', 'id, cadre_id, kind, title, submitted_on, chars, status, file_sha256'],
    ['exams', 'taken_on', 'id, cadre_id, exam, taken_on, score_tenths'],
  ];
  const out: Record<string, unknown> = { cutoff };
  for (const [table, date, cols] of tables) {
    const h = createHash('sha256');
    let count = 0;
    // Each row as a JSON line (SQLite's json_array writes these integers and texts as JSON.stringify
    // does), made by SQLite 32,768 rows at a time and hashed a chunk at a time: a row at a time through
    // JavaScript, a million hours rows took seconds. The lines are joined in the order the subquery
    // gives them (id order: it is not flattened into the aggregate, having a LIMIT); an ORDER BY
    // inside string_agg sorted every chunk again, 40 % of the hash's time. A test holds the digest
    // to the rows' JSON joined in id order.
    const chunk = db.prepare(
      `SELECT string_agg(j, char(10)), count(*), max(id) FROM (SELECT id, json_array(${cols}) AS j FROM ${table} WHERE ${date} <= ? AND id > ? ORDER BY id LIMIT 32768)`,
    ).raw();
    for (let last = -1; ; ) {
      const [text, n, max] = chunk.get(cutoff, last) as [string | null, number, number | null];
      if (!n) break;
      h.update(text!);
      h.update('\n');
      count += n;
      last = max!;
    }
    out[table] = { count, sha256: h.digest('hex') };
  }
  const small: [string, string][] = [
    ['exemptions', 'SELECT id, cadre_id, requirement, year, reason, revoked_at FROM exemptions ORDER BY id'],
    ['designations', 'SELECT year, rank, course_code FROM designations WHERE year <= ? ORDER BY year, rank, course_code'],
    ['appointments', 'SELECT cadre_id, rank, appointed_on, left_on FROM appointments WHERE appointed_on <= ? ORDER BY cadre_id, appointed_on'],
    // The findings on implausible records and the office's decisions: they decide which records counted.
    ['anomalies', "SELECT a.id, a.kind, a.cadre_id, a.day, a.status, (SELECT group_concat(hour_id) FROM anomaly_records r WHERE r.anomaly_id = a.id) FROM anomalies a WHERE a.day <= ? ORDER BY a.id"],
  ];
  for (const [name, sql] of small) {
    const stmt = db.prepare(sql).raw();
    const rows = (sql.includes('?') ? stmt.all(cutoff) : stmt.all()) as unknown[];
    out[name] = { count: rows.length, sha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
  }
  out.batches = db.prepare('SELECT id, kind, sha256 FROM batches WHERE undone_at IS NULL ORDER BY id').raw().all();
  const state = JSON.stringify(out);
  return { state, sha256: createHash('sha256').update(state).digest('hex') };
}

/** What an amending run records against each closed year it changes. */
export interface AmendmentPermit {
  /** One token per command run: the run's rows of year_amendments. */
  run: string;
  at: string;
  operator: string;
  command: string;
  reason: string;
}

const permits = new WeakMap<DB, AmendmentPermit>();

/** The message of the guard's abort, recognised by isClosedYearRefusal. */
export const CLOSED_YEAR_ABORT = 'cadre: a record of a closed year';

/**
 * A closed year as the guard's conditions name it: SQL expressions for its
 * year and first and last days, either the columns of `year_closes c` (in a
 * trigger's body) or literals (in its WHEN, so a row's check reads no table).
 */
interface CloseTerms {
  year: string;
  starts: string;
  ends: string;
}
const FROM_TABLE: CloseTerms = { year: 'c.year', starts: 'c.starts_on', ends: 'c.ends_on' };

/** For each guarded table: when a row of it (ROW is NEW or OLD) is of the closed year `c`. */
const GUARDED: { table: string; events: ('INSERT' | 'UPDATE' | 'DELETE')[]; of?: string; cadre?: string; touches: (row: string, c: CloseTerms) => string }[] = [
  { table: 'hours', cadre: 'cadre_id', events: ['INSERT', 'UPDATE', 'DELETE'], of: 'cadre_id, course_code, completed_on, quarters', touches: (r, c) => `${r}.completed_on BETWEEN ${c.starts} AND ${c.ends}` },
  { table: 'training', cadre: 'cadre_id', events: ['INSERT', 'UPDATE', 'DELETE'], of: 'cadre_id, topic_key, attended_on', touches: (r, c) => `${r}.attended_on BETWEEN ${c.starts} AND ${c.ends}` },
  // An essay counts on its own date, or (a timely resubmission) on the date of the essay it resubmits.
  {
    table: 'essays',
    cadre: 'cadre_id',
    events: ['INSERT', 'UPDATE', 'DELETE'],
    of: 'cadre_id, kind, submitted_on, chars, status, counts_on',
    touches: (r, c) => `(${r}.submitted_on BETWEEN ${c.starts} AND ${c.ends} OR ${r}.counts_on BETWEEN ${c.starts} AND ${c.ends})`,
  },
  // A review of an essay of a closed year is part of that year's record, whether or not it changes the essay's status.
  {
    table: 'essay_reviews',
    events: ['INSERT', 'UPDATE', 'DELETE'],
    touches: (r, c) => `EXISTS (SELECT 1 FROM main.essays e WHERE e.id = ${r}.essay_id AND (e.submitted_on BETWEEN ${c.starts} AND ${c.ends} OR e.counts_on BETWEEN ${c.starts} AND ${c.ends}))`,
  },
  { table: 'exams', cadre: 'cadre_id', events: ['INSERT', 'UPDATE', 'DELETE'], of: 'cadre_id, exam, taken_on, score_tenths', touches: (r, c) => `${r}.taken_on BETWEEN ${c.starts} AND ${c.ends}` },
  // A yearly exemption touches its year; one for a term, the years of any term that may hold its
  // year (within two years of it); one for every year or term, every closed year.
  {
    table: 'exemptions',
    cadre: 'cadre_id',
    events: ['INSERT', 'UPDATE', 'DELETE'],
    of: 'cadre_id, requirement, year, revoked_at',
    touches: (r, c) => `(${r}.year IS NULL OR ${r}.year = ${c.year} OR (${r}.requirement IN ('total', 'training', 'report') AND ${r}.year BETWEEN ${c.year} - 2 AND ${c.year} + 2))`,
  },
  { table: 'designations', events: ['INSERT', 'UPDATE', 'DELETE'], touches: (r, c) => `${r}.year = ${c.year}` },
  // A course's catalogue hours are the hours of its designations.
  { table: 'courses', events: ['UPDATE'], of: 'quarters', touches: (r, c) => `EXISTS (SELECT 1 FROM main.designations d WHERE d.course_code = ${r}.code AND d.year = ${c.year})` },
  // An appointment dated up to a closed year's end shapes the terms that hold it; so does a leaving.
  { table: 'appointments', cadre: 'cadre_id', events: ['INSERT', 'UPDATE', 'DELETE'], of: 'rank, appointed_on, left_on', touches: (r, c) => `(${r}.appointed_on <= ${c.ends} OR ${r}.left_on <= ${c.ends})` },
  { table: 'cadres', cadre: 'id', events: ['UPDATE'], of: 'left_on', touches: (r, c) => `(${r}.left_on <= ${c.ends})` },
  // A finding on a day of a closed year, or the office's decision on it, decides whether its records count.
  { table: 'anomalies', cadre: 'cadre_id', events: ['INSERT', 'UPDATE', 'DELETE'], of: 'status', touches: (r, c) => `${r}.day BETWEEN ${c.starts} AND ${c.ends}` },
];

/** What the guard of each connection was built from: the closes it knows (their years and days). */
const installed = new WeakMap<DB, string>();

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Makes this write connection's guard match the closed years on file: none
 * while no year is closed (a write then pays nothing), else TEMP triggers
 * whose WHEN names each closed year's days as literals (a row's check reads
 * no table) and whose body records the amendment. Called when the
 * connection is opened and again inside every write transaction (see
 * guardWrites), under its lock: a year closed meanwhile by another process
 * is guarded before this one writes.
 */
export function syncCloseGuard(db: DB): void {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'year_closes'").get();
  const closes = has ? (db.prepare('SELECT year, starts_on AS startsOn, ends_on AS endsOn FROM year_closes ORDER BY year').all() as { year: number; startsOn: string; endsOn: string }[]) : [];
  const signature = closes.map((c) => `${c.year}:${c.startsOn}:${c.endsOn}`).join(',');
  if ((installed.get(db) ?? '') === signature) return;
  const old = db.prepare("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'cadre_close_%'").pluck().all() as string[];
  for (const name of old) db.exec(`DROP TRIGGER IF EXISTS temp.${name}`);
  installed.set(db, signature);
  if (!closes.length) return;
  db.function('cadre_amend_run', { deterministic: false }, () => permits.get(db)?.run ?? null);
  db.function('cadre_amend', { deterministic: false }, (field: unknown) => {
    const p = permits.get(db);
    return p ? (p as unknown as Record<string, string>)[String(field)] ?? null : null;
  });
  const literal = closes.map((c): CloseTerms => ({ year: String(c.year), starts: sqlText(c.startsOn), ends: sqlText(c.endsOn) }));
  const sql: string[] = [];
  // A database of an older version (being migrated) may not have every guarded table yet.
  const present = new Set(db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  for (const g of GUARDED) {
    if (!present.has(g.table)) continue;
    for (const ev of g.events) {
      const rows = ev === 'INSERT' ? ['NEW'] : ev === 'DELETE' ? ['OLD'] : ['OLD', 'NEW'];
      const when = literal.flatMap((c) => rows.map((r) => `(${g.touches(r, c)})`)).join(' OR ');
      const cond = rows.map((r) => `(${g.touches(r, FROM_TABLE)})`).join(' OR ');
      const on = ev === 'UPDATE' && g.of ? `UPDATE OF ${g.of}` : ev;
      sql.push(`CREATE TEMP TRIGGER cadre_close_${g.table}_${ev.toLowerCase()} BEFORE ${on} ON main.${g.table}
WHEN ${when}
BEGIN
  SELECT RAISE(ABORT, '${CLOSED_YEAR_ABORT}') WHERE cadre_amend_run() IS NULL;
  INSERT INTO main.year_amendments (year, run, at, operator, command, reason, changes)
    SELECT c.year, cadre_amend_run(), cadre_amend('at'), cadre_amend('operator'), cadre_amend('command'), cadre_amend('reason'), 1
    FROM main.year_closes c WHERE ${cond}
    ON CONFLICT (year, run) DO UPDATE SET changes = changes + 1;${g.cadre ? rows.map((r) => `
  INSERT OR IGNORE INTO main.year_amendment_cadres (year, run, cadre_id)
    SELECT c.year, cadre_amend_run(), ${r}.${g.cadre} FROM main.year_closes c WHERE ${g.touches(r, FROM_TABLE)};`).join('') : ''}
END;`);
    }
  }
  db.exec(sql.join('\n'));
}

/**
 * Guards a write connection: now, and at the start of each of its
 * transactions (better-sqlite3's `transaction`, which every write of the
 * tool goes through, wrapped once), so the guard always matches the closes
 * committed before this transaction took its lock.
 */
export function guardWrites(db: DB): void {
  syncCloseGuard(db);
  const transaction = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) =>
    transaction((...args: unknown[]) => {
      syncCloseGuard(db);
      try {
        return fn(...args);
      } catch (e) {
        // The transaction rolls back, and with it a guard built inside it: built again next time.
        installed.delete(db);
        throw e;
      }
    })) as DB['transaction'];
}

/** This connection's writes amend closed years, recorded with the permit's reason. */
export function permitAmendment(db: DB, permit: AmendmentPermit): void {
  permits.set(db, permit);
}

/** The guard refused a write: a record of a closed year, without --amend. */
export function isClosedYearRefusal(e: unknown): boolean {
  return e instanceof Error && (e as { code?: unknown }).code === 'SQLITE_CONSTRAINT_TRIGGER' && e.message.includes(CLOSED_YEAR_ABORT);
}
