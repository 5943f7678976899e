/** Cadres, their appointments and first accounts: reading them, and writing what a roster run plans. */
import type { IsoDate } from '../core/dates.js';
import type { Rank } from '../core/policy.js';
import type { ServiceRecord } from '../core/terms.js';
import type { DB } from './open.js';

export interface CadreRow {
  id: number;
  learnerId: string;
  staffNo: string;
  name: string;
  department: string;
  phone: string | null;
  email: string | null;
  leftOn: IsoDate | null;
  service: ServiceRecord;
}

export interface CadreIndex {
  all: CadreRow[];
  byId: Map<number, CadreRow>;
  byLearnerId: Map<string, CadreRow>;
  byStaffNo: Map<string, CadreRow>;
}

/**
 * The roster (or, with `learnerIds`, only the cadres of those learner IDs
 * exactly as stored: one transcript in a province need not read 320,000).
 */
export function loadCadres(db: DB, learnerIds: readonly string[] | null = null): CadreIndex {
  // Raw rows: a province's roster is read by every audit, and plain arrays cost a third of named objects.
  const only = learnerIds === null ? '' : 'WHERE learner_id IN (SELECT value FROM json_each(?))';
  const cadres = db.prepare(`SELECT ${CADRE_COLUMNS} FROM cadres ${only} ORDER BY learner_id`).raw();
  const all = withAppointments(db, (learnerIds === null ? cadres.all() : cadres.all(JSON.stringify(learnerIds))) as RawCadre[], learnerIds === null);
  const byId = new Map<number, CadreRow>();
  for (const c of all) byId.set(c.id, c);
  return {
    all,
    byId,
    byLearnerId: new Map(all.map((c) => [c.learnerId, c])),
    byStaffNo: new Map(all.map((c) => [c.staffNo, c])),
  };
}

const CADRE_COLUMNS = 'id, learner_id, staff_no, name, department, phone, email, left_on';
type RawCadre = [number, string, string, string, string, string | null, string | null, string | null];

/** The cadres of `rows` with their appointments (of every cadre on file when `everyone`, else of theirs only). */
function withAppointments(db: DB, rows: RawCadre[], everyone: boolean): CadreRow[] {
  const all: CadreRow[] = new Array(rows.length);
  const byId = new Map<number, CadreRow>();
  for (let i = 0; i < rows.length; i++) {
    const [id, learnerId, staffNo, name, department, phone, email, leftOn] = rows[i];
    const c: CadreRow = { id, learnerId, staffNo, name, department, phone, email, leftOn, service: { appointments: [], leftOn } };
    all[i] = c;
    byId.set(id, c);
  }
  const apptsOf = everyone ? '' : 'WHERE cadre_id IN (SELECT value FROM json_each(?))';
  const apptStmt = db.prepare(`SELECT cadre_id, rank, appointed_on, left_on FROM appointments ${apptsOf} ORDER BY cadre_id, appointed_on`).raw();
  const appts = (everyone ? apptStmt.all() : apptStmt.all(JSON.stringify(all.map((c) => c.id)))) as [number, Rank, string, string | null][];
  for (const [cadreId, rank, appointedOn, apptLeftOn] of appts) {
    byId.get(cadreId)?.service.appointments.push(apptLeftOn === null ? { rank, appointedOn } : { rank, appointedOn, leftOn: apptLeftOn });
  }
  return all;
}

/**
 * The whole roster in learner-ID order (loadCadres' order and rows), `size`
 * cadres at a time: an office-wide audit plans and audits one chunk, lets it
 * go and reads the next, so a province's 320,000 cadres never sit in memory
 * at once. Each chunk is read when asked for; a caller wanting one state of
 * the roster reads them all inside one transaction.
 */
export function* cadreChunks(db: DB, size: number): Generator<CadreRow[]> {
  const first = db.prepare(`SELECT ${CADRE_COLUMNS} FROM cadres ORDER BY learner_id LIMIT ?`).raw();
  const after = db.prepare(`SELECT ${CADRE_COLUMNS} FROM cadres WHERE learner_id > ? ORDER BY learner_id LIMIT ?`).raw();
  let last: string | null = null;
  for (;;) {
    const rows = (last === null ? first.all(size) : after.all(last, size)) as RawCadre[];
    if (!rows.length) return;
    last = rows[rows.length - 1][1];
    yield withAppointments(db, rows, false);
    if (rows.length < size) return;
  }
}

export function findCadre(index: CadreIndex, learnerId: string): CadreRow | undefined {
  return index.byLearnerId.get(learnerId.trim().toUpperCase());
}

/** Reads the learner ID of a cadre by internal id; one statement for many reads. */
export function learnerIdReader(db: DB): (cadreId: number) => string {
  const learnerOf = db.prepare('SELECT learner_id FROM cadres WHERE id = ?').pluck();
  return (cadreId) => learnerOf.get(cadreId) as string;
}

/** How many cadres are on file. */
export function countCadres(db: DB): number {
  return db.prepare('SELECT COUNT(*) FROM cadres').pluck().get() as number;
}

/** Learner IDs: the policy's prefix, the year (two digits) and the next number of the counter (never reused); one statement for many. */
function learnerIdMaker(db: DB, prefix: string): (today: IsoDate) => string {
  const next = db.prepare("INSERT INTO counters (name, value) VALUES ('learner_id', 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value").pluck();
  return (today) => `${prefix}${today.slice(2, 4)}${String(next.get() as number).padStart(4, '0')}`;
}

export interface NewCadre {
  staffNo: string;
  name: string;
  department: string;
  phone: string | null;
  email: string | null;
  leftOn: IsoDate | null;
  rank: Rank;
  rankTitle: string;
  appointedOn: IsoDate;
}

/**
 * Inside the caller's write transaction: each cadre with a new learner ID
 * (of the year `today()` gives as it is made), its first appointment and its
 * account (on the initial password whose hash `hashOf` gives, by the cadre's
 * place in `cadres`). Returns their ids and learner IDs, in order: two lists
 * of plain values, which a roster of 320,000 can hold.
 */
export function insertCadres(db: DB, cadres: { readonly length: number; at(i: number): NewCadre | undefined }, hashOf: (i: number) => string, learnerIdPrefix: string, today: () => IsoDate, now: string): { ids: number[]; learnerIds: string[] } {
  const insertCadre = db.prepare('INSERT INTO cadres (learner_id, staff_no, name, department, phone, email, left_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insertAppt = db.prepare('INSERT INTO appointments (cadre_id, rank, rank_title, appointed_on, recorded_at) VALUES (?, ?, ?, ?, ?)');
  const insertAccount = db.prepare('INSERT INTO accounts (cadre_id, password_hash, initial_hash, must_change, issued_at) VALUES (?, ?, ?, 1, ?)');
  const nextLearnerId = learnerIdMaker(db, learnerIdPrefix);
  const ids: number[] = new Array(cadres.length);
  const learnerIds: string[] = new Array(cadres.length);
  for (let i = 0; i < cadres.length; i++) {
    const e = cadres.at(i)!;
    const learnerId = nextLearnerId(today());
    const id = Number(insertCadre.run(learnerId, e.staffNo, e.name, e.department, e.phone, e.email, e.leftOn, now, now).lastInsertRowid);
    insertAppt.run(id, e.rank, e.rankTitle, e.appointedOn, now);
    const hash = hashOf(i);
    insertAccount.run(id, hash, hash, now);
    ids[i] = id;
    learnerIds[i] = learnerId;
  }
  return { ids, learnerIds };
}

export interface CadreUpdate {
  cadreId: number;
  name: string;
  department: string;
  /** null: kept as on file. */
  phone: string | null;
  email: string | null;
  leftOn: IsoDate | null;
  /** The series that ended by a leaving before a re-appointment: its appointment's date, and the day it ended. */
  closeSeries: { appointedOn: IsoDate; leftOn: IsoDate } | null;
  /** A later appointment, opening a new series. */
  newAppointment: { rank: Rank; rankTitle: string; appointedOn: IsoDate } | null;
}

/** Inside the caller's write transaction: the changes a roster run makes to cadres on file. */
export function updateCadres(db: DB, updates: readonly CadreUpdate[], now: string): void {
  const insertAppt = db.prepare('INSERT INTO appointments (cadre_id, rank, rank_title, appointed_on, recorded_at) VALUES (?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE cadres SET name = ?, department = ?, phone = COALESCE(?, phone), email = COALESCE(?, email), left_on = ?, updated_at = ? WHERE id = ?');
  const closeSeries = db.prepare('UPDATE appointments SET left_on = ? WHERE cadre_id = ? AND appointed_on = ?');
  for (const u of updates) {
    update.run(u.name, u.department, u.phone, u.email, u.leftOn, now, u.cadreId);
    if (u.closeSeries) closeSeries.run(u.closeSeries.leftOn, u.cadreId, u.closeSeries.appointedOn);
    if (u.newAppointment) insertAppt.run(u.cadreId, u.newAppointment.rank, u.newAppointment.rankTitle, u.newAppointment.appointedOn, now);
  }
}

/** The cadres a roster run created carry it (its journal entry), for `issue-accounts --undo`. */
export function markIssuedBy(db: DB, runId: number, cadreIds: readonly number[]): void {
  const mark = db.prepare('UPDATE cadres SET issued_by = ? WHERE id = ?');
  for (const id of cadreIds) mark.run(runId, id);
}

/** Cadres on file as a roster run planned against them: another issue-accounts or undo committed since when it changed. */
export function rosterVersion(db: DB): string {
  const r = db
    .prepare("SELECT (SELECT COUNT(*) FROM cadres) AS n, (SELECT COALESCE(MAX(id), 0) FROM cadres) AS maxId, (SELECT COALESCE(MAX(id), 0) FROM journal WHERE command IN ('issue-accounts', 'issue-accounts --undo')) AS j")
    .get() as { n: number; maxId: number; j: number };
  return `${r.n}/${r.maxId}/${r.j}`;
}
