/** Reading the facts the audit needs, in bulk, grouped by cadre. */
import type { AnomalyKind } from '../core/anomalies.js';
import type { CadreFacts, Designation, Exemption, HeldBy, HourFact, RequirementId } from '../core/audit.js';
import { heldKey, heldRecords } from './anomalies.js';
import type { IsoDate } from '../core/dates.js';
import type { Rank } from '../core/policy.js';
import type { DB } from './open.js';

export interface SourceRef {
  batchId: number | null;
  file: string | null;
  sha256: string | null;
  importedAt: string | null;
  operator: string | null;
  line: number | null;
  enteredBy: string;
  alsoIn: { batchId: number; file: string; line: number }[];
}


/** One cadre of an office-wide audit and the dates its records are audited over (its term's window, cut at the evaluation's cutoff). */
export interface FactWindow {
  cadreId: number;
  from: IsoDate;
  to: IsoDate;
}

/**
 * Facts for the given cadres (all when `ids` is null), records dated up to
 * `cutoff`. With `withSources`, each record carries where it came from. The
 * transcript's path: every record, in id order. An office-wide audit reads
 * through auditWindows instead.
 */
export function loadFacts(db: DB, ids: number[] | null, cutoff: IsoDate, withSources = false): Map<number, CadreFacts> {
  const facts = new Map<number, CadreFacts>();
  const get = (id: number) => {
    let f = facts.get(id);
    if (!f) facts.set(id, (f = { hours: [], essays: [], training: [], exams: [], exemptions: [] }));
    return f;
  };
  const only = ids ? `AND cadre_id IN (${ids.map(() => '?').join(',')})` : '';
  const params = ids ?? [];
  const sources = withSources ? sourceLoader(db) : null;

  const held = heldRecords(db, ids);
  const hours = db.prepare(`SELECT cadre_id, course_code, completed_on, quarters, id, batch_id, line, entered_by FROM hours WHERE completed_on <= ? ${only}`).raw();
  for (const r of hours.iterate(cutoff, ...params) as Iterable<[number, string, string, number, number, number | null, number | null, string]>) {
    const h: HourFact = { course: r[1], date: r[2], quarters: r[3], ...(sources ? { source: sources('hours', r[4], r[5], r[6], r[7]) } : {}) };
    const by = held.get(r[0])?.get(heldKey(r[1], r[2]));
    if (by) h.held = by;
    get(r[0]).hours.push(h);
  }
  const training = db.prepare(`SELECT cadre_id, topic, attended_on, id, batch_id, line, entered_by FROM training WHERE attended_on <= ? ${only}`).raw();
  for (const r of training.iterate(cutoff, ...params) as Iterable<[number, string, string, number, number | null, number | null, string]>) {
    get(r[0]).training.push({ topic: r[1], date: r[2], ...(sources ? { source: sources('training', r[3], r[4], r[5], r[6]) } : {}) });
  }
  // held: the essay is held for similarity and no reviewer's verdict has overridden it.
  const essays = db
    .prepare(
      `SELECT cadre_id, id, kind, title, coalesce(counts_on, submitted_on), chars, status, batch_id, line, entered_by,
              (SELECT s.held FROM essay_similarity s WHERE s.essay_id = essays.id AND s.override_reason IS NULL) AS held
       FROM essays WHERE coalesce(counts_on, submitted_on) <= ? ${only}`,
    )
    .raw();
  for (const r of essays.iterate(cutoff, ...params) as Iterable<[number, number, 'reflection' | 'report', string, string, number, 'approved' | 'pending' | 'rejected' | 'returned', number | null, number | null, string, 'copied' | 'self' | null]>) {
    get(r[0]).essays.push({ id: r[1], kind: r[2], title: r[3], date: r[4], chars: r[5], status: r[6], ...(r[10] ? { held: r[10] } : {}), ...(sources ? { source: sources('essays', r[1], r[7], r[8], r[9]) } : {}) });
  }
  const exams = db.prepare(`SELECT cadre_id, exam, taken_on, score_tenths, id, batch_id, line, entered_by FROM exams WHERE taken_on <= ? ${only}`).raw();
  for (const r of exams.iterate(cutoff, ...params) as Iterable<[number, string, string, number, number, number | null, number | null, string]>) {
    get(r[0]).exams!.push({ exam: r[1], date: r[2], scoreTenths: r[3], ...(sources ? { source: sources('exams', r[4], r[5], r[6], r[7]) } : {}) });
  }
  const exemptions = db.prepare(`SELECT cadre_id, requirement, year, reason FROM exemptions WHERE revoked_at IS NULL ${only}`).raw();
  for (const r of exemptions.iterate(...params) as Iterable<[number, RequirementId, number | null, string]>) {
    get(r[0]).exemptions!.push({ requirement: r[1], year: r[2], reason: r[3] } satisfies Exemption);
  }
  return facts;
}

/** Creates temp.fact_window (position → cadre and window) in one statement, runs `fn`, drops it. */
function withWindows<T>(db: DB, windows: readonly FactWindow[], fn: () => T): T {
  db.exec('DROP TABLE IF EXISTS temp.fact_window; CREATE TEMP TABLE fact_window (pos INTEGER PRIMARY KEY, cadre_id INTEGER NOT NULL, from_day TEXT NOT NULL, to_day TEXT NOT NULL)');
  try {
    const list = windows.map((w, i) => [i, w.cadreId, w.from, w.to]);
    db.prepare('INSERT INTO temp.fact_window SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)').run(JSON.stringify(list));
    return fn();
  } finally {
    db.exec('DROP TABLE IF EXISTS temp.fact_window');
  }
}

/** The separator of course codes in one cadre's row (a control character: no stored code holds one, and the count is checked). */
const SEP = '\x1f';

/** The few facts of each windowed cadre besides its hours, as SQLite's rows. */
export interface OtherRows {
  training: [number, string, string][];
  essays: [number, number, 'reflection' | 'report', string, string, number, 'approved' | 'pending' | 'rejected' | 'returned', 'copied' | 'self' | null][];
  exams: [number, string, string, number][];
  exemptions: [number, RequirementId, number | null, string][];
  /** Records implausibility findings hold or rejected: cadre, course, date, state, finding, kind. */
  held: [number, string, string, 'open' | 'rejected', number, AnomalyKind][];
}

/**
 * One position's hours as read: its row count, the course codes joined by
 * SEP, the dates back to back, the quarters joined by commas; or, for a
 * cadre whose strings would not split back into its count, its rows.
 */
export type WindowHours = [pos: number, n: number, codes: string | null, dates: string | null, quarters: string | null, rows?: [string, string, number][]];

/** Where the read goes: the other facts once, then the hours, position by position, in batches. */
export interface WindowSink {
  others(rows: OtherRows): void;
  hours(batch: WindowHours[]): void;
}

/** Whether a position's strings split back into exactly its `n` rows. */
function splits(n: number, codes: string, dates: string, quarters: string): boolean {
  if (dates.length !== 10 * n) return false;
  let seps = 0;
  for (let i = codes.indexOf(SEP); i >= 0; i = codes.indexOf(SEP, i + 1)) seps++;
  let commas = 0;
  for (let i = quarters.indexOf(','); i >= 0; i = quarters.indexOf(',', i + 1)) commas++;
  return seps === n - 1 && commas === n - 1;
}

/**
 * The read of one chunk of an office-wide audit, inside the caller's
 * transaction (auditChunks, the facts worker: one state of the database for
 * every chunk, whatever another process writes meanwhile): each cadre's
 * facts limited to its window and to `cutoff` (the audit looks at no others,
 * and a province's database holds millions of hours rows, most outside any
 * one term). The other facts are few and go first; the hours then stream,
 * every position once, in order.
 *
 * Hours cross from SQLite as three strings per cadre (codes joined by a
 * control character, dates back to back, quarters by commas): a million rows
 * become sixty thousand strings. A cadre whose strings do not split into its
 * row count is read row by row instead. Rows come in no particular order:
 * the engine sorts them by date.
 */
export function readChunkIn(db: DB, windows: readonly FactWindow[], cutoff: IsoDate, sink: WindowSink, batchSize = 256): void {
  withWindows(db, windows, () => {
    const only = 'AND cadre_id IN (SELECT cadre_id FROM temp.fact_window)';
    sink.others({
      training: db.prepare(`SELECT cadre_id, topic, attended_on FROM training WHERE attended_on <= ? ${only}`).raw().all(cutoff) as OtherRows['training'],
      essays: db
        .prepare(
          `SELECT cadre_id, id, kind, title, coalesce(counts_on, submitted_on), chars, status,
                  (SELECT s.held FROM essay_similarity s WHERE s.essay_id = essays.id AND s.override_reason IS NULL) AS held
           FROM essays WHERE coalesce(counts_on, submitted_on) <= ? ${only}`,
        )
        .raw()
        .all(cutoff) as OtherRows['essays'],
      exams: db.prepare(`SELECT cadre_id, exam, taken_on, score_tenths FROM exams WHERE taken_on <= ? ${only}`).raw().all(cutoff) as OtherRows['exams'],
      exemptions: db.prepare(`SELECT cadre_id, requirement, year, reason FROM exemptions WHERE revoked_at IS NULL ${only}`).raw().all() as OtherRows['exemptions'],
      held: heldRows(db),
    });
    // One row per position, in order: each cadre's rows found through the key index (cadre first).
    const hours = db
      .prepare(
        `SELECT w.pos, COUNT(h.cadre_id), group_concat(h.course_code, char(31)), group_concat(h.completed_on, ''), group_concat(h.quarters)
         FROM temp.fact_window w LEFT JOIN hours h
           ON h.cadre_id = w.cadre_id AND h.completed_on BETWEEN w.from_day AND w.to_day AND h.completed_on <= ?
         GROUP BY w.pos ORDER BY w.pos`,
      )
      .raw();
    const oneByOne = db
      .prepare(
        `SELECT h.course_code, h.completed_on, h.quarters FROM hours h JOIN temp.fact_window w ON w.cadre_id = h.cadre_id
         WHERE w.pos = ? AND h.completed_on BETWEEN w.from_day AND w.to_day AND h.completed_on <= ?`,
      )
      .raw();
    let batch: WindowHours[] = [];
    for (const row of hours.iterate(cutoff) as Iterable<WindowHours>) {
      const [pos, n, codes, dates, quarters] = row;
      batch.push(n > 0 && !splits(n, codes!, dates!, quarters!) ? [pos, n, null, null, null, oneByOne.all(pos, cutoff) as [string, string, number][]] : row);
      if (batch.length === batchSize) {
        sink.hours(batch);
        batch = [];
      }
    }
    if (batch.length) sink.hours(batch);
  });
}

const noFacts = (): CadreFacts => ({ hours: [], essays: [], training: [], exams: [], exemptions: [] });

/** Builds each position's facts from the read (readChunkIn's rows, wherever they were read). */
export class WindowFacts {
  private readonly byCadre = new Map<number, CadreFacts>();
  private readonly held = new Map<number, Map<string, HeldBy>>();

  constructor(
    private readonly windows: readonly FactWindow[],
    others: OtherRows,
  ) {
    const get = (id: number) => {
      let f = this.byCadre.get(id);
      if (!f) this.byCadre.set(id, (f = noFacts()));
      return f;
    };
    for (const r of others.training) get(r[0]).training.push({ topic: r[1], date: r[2] });
    for (const r of others.essays) get(r[0]).essays.push({ id: r[1], kind: r[2], title: r[3], date: r[4], chars: r[5], status: r[6], ...(r[7] ? { held: r[7] } : {}) });
    for (const r of others.exams) get(r[0]).exams!.push({ exam: r[1], date: r[2], scoreTenths: r[3] });
    for (const r of others.exemptions) get(r[0]).exemptions!.push({ requirement: r[1], year: r[2], reason: r[3] } satisfies Exemption);
    for (const [cadre, course, date, state, anomaly, kind] of others.held ?? []) {
      let m = this.held.get(cadre);
      if (!m) this.held.set(cadre, (m = new Map()));
      if (!m.has(heldKey(course, date))) m.set(heldKey(course, date), { state, anomaly, kind });
    }
  }

  /** The facts of one position's cadre, its hours from `row`. */
  facts([pos, n, codeList, dateList, quarterList, rows]: WindowHours): CadreFacts {
    // A new object each time, the chunk's own left as it was: its hours are the caller's to let go
    // once audited. (Set on the chunk's object, every record of the chunk's 16,384 cadres lived until
    // the chunk was done, and the collector moved a million of them to the old generation each time.)
    const f: CadreFacts = { ...(this.byCadre.get(this.windows[pos].cadreId) ?? noFacts()) };
    if (rows) {
      f.hours = rows.map(([course, date, quarters]) => ({ course, date, quarters }));
    } else if (n > 0) {
      const codes = codeList!.split(SEP);
      const quarters = quarterList!.split(',');
      if (codes.length !== n || quarters.length !== n || dateList!.length !== 10 * n) throw new Error(`facts: position ${pos} does not split into ${n} rows`);
      const list: HourFact[] = (f.hours = new Array(n));
      for (let i = 0; i < n; i++) list[i] = { course: codes[i], date: dateList!.slice(10 * i, 10 * i + 10), quarters: Number(quarters[i]) };
    } else f.hours = [];
    const held = this.held.get(this.windows[pos].cadreId);
    if (held) {
      for (const h of f.hours) {
        const by = held.get(heldKey(h.course, h.date));
        if (by) h.held = by;
      }
    }
    return f;
  }
}

/**
 * The facts of each cadre of `windows` (one chunk of auditChunks), read on this thread:
 * `fn` gets every position once, in order, so a caller can write each
 * result as it comes and keep none.
 */
export function auditWindows(db: DB, windows: readonly FactWindow[], cutoff: IsoDate, fn: (pos: number, facts: CadreFacts) => void): void {
  auditChunks(db, [{ windows }].values(), cutoff, (_, pos, facts) => fn(pos, facts));
}

/** A chunk of an office-wide audit: its cadres' windows (positions count from 0 in each chunk) and whatever the caller keeps with them. */
export interface WindowChunk {
  windows: readonly FactWindow[];
}

/**
 * auditWindows over chunks of cadres, each chunk asked for (`chunks`) only
 * when the one before is read, so a caller that plans its cadres a chunk at
 * a time never holds them all; one read transaction for every chunk (and
 * for whatever `chunks` itself reads on this connection). `fn` gets each
 * chunk's positions once, in order, the chunks in order.
 */
export function auditChunks<C extends WindowChunk>(db: DB, chunks: Iterator<C>, cutoff: IsoDate, fn: (chunk: C, pos: number, facts: CadreFacts) => void): void {
  // Deferred: a read, whose only writes are to the TEMP table of windows (readChunkIn), which locks nothing.
  db.transaction(() => {
    for (let next = chunks.next(); !next.done; next = chunks.next()) {
      const chunk = next.value;
      let built: WindowFacts | null = null;
      readChunkIn(db, chunk.windows, cutoff, {
        others: (rows) => (built = new WindowFacts(chunk.windows, rows)),
        hours: (batch) => {
          for (const row of batch) fn(chunk, row[0], built!.facts(row));
        },
      });
    }
  })();
}

/**
 * The held records of the windowed cadres, rejected first, then by finding. Led by the findings
 * (few: CROSS JOIN keeps that order): left to choose, SQLite began from every hours record of the
 * chunk's cadres in the covering index, some 250 ms a chunk of 16,384 cadres in a province (20 of
 * them in an office-wide audit) to find two findings' records.
 */
export const HELD_ROWS_SQL = `SELECT h.cadre_id, h.course_code, h.completed_on, a.status, a.id, a.kind
       FROM anomalies a CROSS JOIN anomaly_records r ON r.anomaly_id = a.id CROSS JOIN hours h ON h.id = r.hour_id
       WHERE a.status <> 'accepted' AND h.cadre_id IN (SELECT cadre_id FROM temp.fact_window)
       ORDER BY a.status = 'rejected' DESC, a.id`;

function heldRows(db: DB): OtherRows['held'] {
  return db.prepare(HELD_ROWS_SQL).raw().all() as OtherRows['held'];
}

function sourceLoader(db: DB) {
  const batch = db.prepare('SELECT file_name, sha256, imported_at, operator FROM batches WHERE id = ?');
  const also = db.prepare(
    'SELECT s.batch_id, b.file_name, s.line FROM record_sources s JOIN batches b ON b.id = s.batch_id WHERE s.kind = ? AND s.record_id = ? AND b.undone_at IS NULL ORDER BY s.batch_id',
  );
  return (kind: string, id: number, batchId: number | null, line: number | null, enteredBy: string): SourceRef => {
    const b = batchId ? (batch.get(batchId) as { file_name: string; sha256: string; imported_at: string; operator: string } | undefined) : undefined;
    const alsoIn = (also.all(kind, id) as { batch_id: number; file_name: string; line: number }[]).map((a) => ({ batchId: a.batch_id, file: a.file_name, line: a.line }));
    return {
      batchId,
      file: b?.file_name ?? null,
      sha256: b?.sha256 ?? null,
      importedAt: b?.imported_at ?? null,
      operator: b?.operator ?? null,
      line,
      enteredBy,
      alsoIn,
    };
  };
}

export function loadDesignations(db: DB): Designation[] {
  return (
    db.prepare('SELECT d.year, d.rank, d.course_code, c.quarters FROM designations d JOIN courses c ON c.code = d.course_code ORDER BY d.year, d.rank, d.course_code').all() as {
      year: number;
      rank: Rank;
      course_code: string;
      quarters: number;
    }[]
  ).map((d) => ({ year: d.year, rank: d.rank, course: d.course_code, quarters: d.quarters }));
}

