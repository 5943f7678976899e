/**
 * What a roster row means for the cadres on file: pure rules, no I/O.
 *
 * - Names and departments are compared with every kind of whitespace removed
 *   (`张 三` = `张　三` = `张三`, NBSP too): `personKey`, the one definition.
 * - Staff numbers are compared exactly. `withoutLeadingZeros` is what Excel or
 *   WPS leaves of a 工号 saved as a number (`00120012` → `120012`).
 * - A row with a staff number not on file is a look-alike of a cadre on file
 *   when the two staff numbers agree once leading zeros are ignored (either
 *   side may have lost them), or when its name and department are a cadre's.
 *   Zeros that differ on a row whose name and department are the cadre's own
 *   are the same person for certain: `samePerson`.
 * - `planAppointment` reads a row for a cadre on file against their service:
 *   a later appointment opens a new series (after a leaving: a
 *   re-appointment, the leaving kept on the closed series); an empty 离任日期
 *   on the row of the latest appointment clears a leaving entered by mistake.
 * - `planRoster` says what the whole roster does, entry by entry: issue,
 *   update, nothing; or the problem that refuses a row (a look-alike of a
 *   cadre on file, an appointment that does not fit the cadre's service).
 */
import { msg, type Msg, type Problem } from '../errors.js';
import type { IsoDate } from './dates.js';
import type { Rank } from './policy.js';
import { forTerminal } from './text.js';

/** A name or department as compared: without any whitespace. */
export function personKey(text: string): string {
  return text.replace(/\s+/gu, '');
}

/** A staff number without its leading zeros (`0` stays `0`). */
export function withoutLeadingZeros(staffNo: string): string {
  return staffNo.replace(/^0+(?=.)/, '');
}

export interface PersonLike {
  staffNo: string;
  name: string;
  department: string;
}

export type Lookalike<C extends PersonLike> =
  | { kind: 'zeros'; cadre: C; samePerson: boolean }
  | { kind: 'name'; cadre: C };

/** The cadres on file, looked up by staff number without zeros and by name and department; each index built on first use. */
export class Lookalikes<C extends PersonLike> {
  private zeros: Map<string, C[]> | null = null;
  private names: Map<string, C[]> | null = null;
  constructor(private readonly cadres: readonly C[]) {}

  /** Cadres whose staff number is `staffNo` once leading zeros are ignored, but not `staffNo` itself. */
  byZeros(staffNo: string): C[] {
    if (!this.zeros) {
      this.zeros = new Map();
      for (const c of this.cadres) push(this.zeros, withoutLeadingZeros(c.staffNo), c);
    }
    return (this.zeros.get(withoutLeadingZeros(staffNo)) ?? []).filter((c) => c.staffNo !== staffNo);
  }

  /** Cadres with this name and department (whitespace ignored). */
  byNameAndDepartment(name: string, department: string): C[] {
    if (!this.names) {
      this.names = new Map();
      for (const c of this.cadres) push(this.names, pairKey(c.name, c.department), c);
    }
    return this.names.get(pairKey(name, department)) ?? [];
  }

  /** For a row whose staff number is not on file: the cadre on file it looks like, or null. */
  of(row: PersonLike): Lookalike<C> | null {
    const zeros = this.byZeros(row.staffNo);
    if (zeros.length) {
      const name = personKey(row.name);
      const dept = personKey(row.department);
      const same = zeros.find((c) => personKey(c.name) === name && personKey(c.department) === dept);
      if (same) return { kind: 'zeros', cadre: same, samePerson: true };
      return { kind: 'zeros', cadre: zeros.find((c) => personKey(c.name) === name) ?? zeros[0], samePerson: false };
    }
    const named = this.byNameAndDepartment(row.name, row.department).filter((c) => c.staffNo !== row.staffNo);
    return named.length ? { kind: 'name', cadre: named[0] } : null;
  }
}

function pairKey(name: string, department: string): string {
  return `${personKey(name)}\u0000${personKey(department)}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface ServiceAppointment {
  rank: Rank;
  appointedOn: IsoDate;
  leftOn?: IsoDate | null;
}

export interface RosterAppointment {
  rank: Rank;
  appointedOn: IsoDate;
  /** The row's 离任日期; null when empty or when the roster has no such column. */
  leftOn: IsoDate | null;
  /** Whether the roster has a 离任日期 column at all (an empty cell then says "in office"). */
  leftColumn: boolean;
}

export type Leaving =
  /** Left office on `closedOn` and appointed again: the earlier series ends that day. */
  | 'reappointed'
  /** A leaving on record is removed: the roster says the cadre is in office. */
  | 'cleared'
  | 'set'
  | 'changed';

export type AppointmentPlan =
  | { ok: false; why: 'rankChangedSameDate' | 'appointmentEarlier' | 'leftBeforeLatest'; latest: IsoDate }
  | {
      ok: true;
      /** The row's appointment is later than every one on file: a new series. */
      newAppointment: boolean;
      /** Set on the latest appointment on file: the day that series ended by a leaving (a re-appointment follows). */
      closeLatestOn: IsoDate | null;
      /** The cadre's leaving after the plan (of the latest series). */
      leftOn: IsoDate | null;
      leaving: Leaving | null;
      /** The leaving on file before the plan. */
      leftBefore: IsoDate | null;
    };

/**
 * What a roster row does to a cadre's appointments and leaving.
 * `appointments` sorted by date, at least one; `leftOn` the latest series' leaving.
 */
export function planAppointment(service: { appointments: readonly ServiceAppointment[]; leftOn: IsoDate | null }, row: RosterAppointment): AppointmentPlan {
  const appts = service.appointments;
  const latest = appts[appts.length - 1];
  const stored = service.leftOn;
  const keepOrSet = (leftOn: IsoDate | null): { leftOn: IsoDate | null; leaving: Leaving | null } => {
    if (leftOn === stored) return { leftOn, leaving: null };
    if (leftOn === null) return { leftOn, leaving: 'cleared' };
    return { leftOn, leaving: stored === null ? 'set' : 'changed' };
  };
  // The row's own 离任日期: a date, or (with the column present) empty = in office, or (no column) no word on it.
  const said = row.leftOn !== null ? row.leftOn : row.leftColumn ? null : stored;
  if (row.appointedOn > latest.appointedOn) {
    if (stored !== null && stored < row.appointedOn) {
      return { ok: true, newAppointment: true, closeLatestOn: stored, leftOn: row.leftOn, leaving: 'reappointed', leftBefore: stored };
    }
    return { ok: true, newAppointment: true, closeLatestOn: null, ...keepOrSet(said), leftBefore: stored };
  }
  if (row.appointedOn === latest.appointedOn) {
    if (row.rank !== latest.rank) return { ok: false, why: 'rankChangedSameDate', latest: latest.appointedOn };
    return { ok: true, newAppointment: false, closeLatestOn: null, ...keepOrSet(said), leftBefore: stored };
  }
  // A row of an earlier appointment: it says nothing new about the appointments.
  if (!appts.some((a) => a.appointedOn === row.appointedOn && a.rank === row.rank)) {
    return { ok: false, why: 'appointmentEarlier', latest: latest.appointedOn };
  }
  if (row.leftOn !== null && row.leftOn < latest.appointedOn) return { ok: false, why: 'leftBeforeLatest', latest: latest.appointedOn };
  // An empty 离任日期 on an older appointment's row is not read as a correction.
  return { ok: true, newAppointment: false, closeLatestOn: null, ...keepOrSet(row.leftOn ?? stored), leftBefore: stored };
}

/** A name and a department at most this long (characters). */
export const NAME_MAX = 50;
export const DEPARTMENT_MAX = 100;

/** One valid roster row. */
export interface RosterEntry {
  line: number;
  staffNo: string;
  name: string;
  department: string;
  rank: Rank;
  rankTitle: string;
  appointedOn: IsoDate;
  phone: string | null;
  email: string | null;
  leftOn: IsoDate | null;
}

/** What the planner needs to know about the roster file. */
export interface RosterShape {
  file: string;
  /** The user's header of a column, by key (for messages). */
  header: (key: string) => string;
  /** Whether the roster has a 离任日期 column (an empty cell then means "in office"). */
  leftColumn: boolean;
  /** Rows that look like cadres on file really are new people. */
  newPeople: boolean;
}

/** A cadre on file as the planner sees it. */
export interface RosterCadre extends PersonLike {
  id: number;
  learnerId: string;
  phone: string | null;
  email: string | null;
  service: { appointments: readonly ServiceAppointment[]; leftOn: IsoDate | null };
}

export type RosterChange = Extract<AppointmentPlan, { ok: true }>;

export type RosterPlan<C extends RosterCadre> =
  | { action: 'issue'; entry: RosterEntry }
  | { action: 'update'; entry: RosterEntry; cadre: C; change: RosterChange; changed: string[] }
  | { action: 'same'; entry: RosterEntry; cadre: C };

/** The roster refusal of a row, at the column the user named. */
function problemAt(shape: RosterShape, entry: RosterEntry, key: string, columnOf: (key: string) => number | undefined, reason: Msg, fix?: Msg): Problem {
  const column = columnOf(key);
  return { file: shape.file, line: entry.line, ...(column ? { column, columnName: shape.header(key) } : {}), reason, ...(fix ? { fix } : {}) };
}

/**
 * What the roster does for each entry; problems for rows that cannot apply
 * (`lookalikes` counts those that look like cadres on file).
 */
export function planRoster<C extends RosterCadre>(
  entries: RosterEntry[],
  index: { all: readonly C[]; byStaffNo: ReadonlyMap<string, C> },
  shape: RosterShape,
  columnOf: (key: string) => number | undefined = () => undefined,
): { plans: RosterPlan<C>[]; problems: Problem[]; lookalikes: number } {
  const plans: RosterPlan<C>[] = [];
  const problems: Problem[] = [];
  let lookalikes = 0;
  const near = new Lookalikes(index.all);
  const at = (entry: RosterEntry, key: string, reason: Msg, fix?: Msg) => problems.push(problemAt(shape, entry, key, columnOf, reason, fix));
  for (const entry of entries) {
    const cadre = index.byStaffNo.get(entry.staffNo);
    if (!cadre) {
      const like = near.of(entry);
      if (like && (!shape.newPeople || (like.kind === 'zeros' && like.samePerson))) {
        const c = like.cadre;
        const params = { staffNo: entry.staffNo, existing: c.staffNo, name: forTerminal(c.name, NAME_MAX), department: forTerminal(c.department, DEPARTMENT_MAX), id: c.learnerId, column: shape.header('staff_no') };
        lookalikes++;
        if (like.kind === 'zeros' && like.samePerson) {
          // Either this roster lost the zeros, or the cadre was registered from one that had.
          const lost = entry.staffNo.length < c.staffNo.length;
          at(entry, 'staff_no', msg(lost ? 'roster.lookalike.samePerson' : 'roster.lookalike.samePersonOnFile', params), msg(lost ? 'roster.fix.lookalike.samePerson' : 'roster.fix.lookalike.samePersonOnFile', params));
        }
        else if (like.kind === 'zeros') at(entry, 'staff_no', msg('roster.lookalike.zeros', params), msg('roster.fix.lookalike.zeros', params));
        else at(entry, 'name', msg('roster.lookalike.name', params), msg('roster.fix.lookalike.name', params));
        continue;
      }
      plans.push({ action: 'issue', entry });
      continue;
    }
    const change = planAppointment(cadre.service, { rank: entry.rank, appointedOn: entry.appointedOn, leftOn: entry.leftOn, leftColumn: shape.leftColumn });
    if (!change.ok) {
      if (change.why === 'rankChangedSameDate') at(entry, 'rank', msg('roster.rankChangedSameDate', { staffNo: entry.staffNo, date: entry.appointedOn }), msg('roster.fix.rankChangedSameDate'));
      else if (change.why === 'appointmentEarlier') at(entry, 'appointed_on', msg('roster.appointmentEarlier', { staffNo: entry.staffNo, date: entry.appointedOn, latest: change.latest }), msg('roster.fix.appointmentEarlier'));
      else at(entry, 'left_on', msg('roster.leftBeforeLatest', { staffNo: entry.staffNo, left: entry.leftOn ?? '', latest: change.latest }), msg('roster.fix.leftBeforeLatest', { latest: change.latest, column: shape.header('appointed_on') }));
      continue;
    }
    const changed: string[] = [];
    if (entry.name !== cadre.name) changed.push('name');
    if (entry.department !== cadre.department) changed.push('department');
    if (entry.phone !== null && entry.phone !== cadre.phone) changed.push('phone');
    if (entry.email !== null && entry.email !== cadre.email) changed.push('email');
    if (change.leaving !== null) changed.push('left_on');
    if (change.newAppointment) changed.push('appointment');
    plans.push(changed.length ? { action: 'update', entry, cadre, change, changed } : { action: 'same', entry, cadre });
  }
  return { plans, problems, lookalikes };
}

/** What a plan does, row by row: two plans with one signature write the same. */
export function planSignature(plans: readonly RosterPlan<RosterCadre>[], problems: readonly Problem[]): string {
  const rows = plans.map((p) => {
    if (p.action === 'issue') return `${p.entry.line}:issue`;
    if (p.action === 'same') return `${p.entry.line}:same:${p.cadre.id}`;
    const c = p.change;
    return `${p.entry.line}:update:${p.cadre.id}:${p.changed.join('+')}:${c.leftOn}:${c.closeLatestOn}:${c.leaving}:${c.leftBefore}`;
  });
  return [...rows, ...problems.map((p) => `${p.line}:${p.reason.key}`)].join('|');
}
