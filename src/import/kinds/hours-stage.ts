/**
 * The stage of one hours file (src/db/hours-stage.ts has its tables): the
 * valid rows kept packed (about 18 bytes a row), sorted in memory by the
 * unique key (cadre, course, date) and staged in that order, so the write
 * into `hours` appends to its indexes instead of inserting at random places,
 * and new/duplicate counts come from one pass over the sorted rows.
 *
 * Rows come from parse() (add) or from an accelerator (HoursSink.take): the
 * stage places each in its cadre's term from the roster, read once into
 * typed arrays (no object per cadre): the same terms RowEnv gives, from the
 * same function (termsUpTo) on the same service record.
 */
import { dayNumber, fromDayNumber, type IsoDate } from '../../core/dates.js';
import type { Policy, Rank } from '../../core/policy.js';
import { termsUpTo, type Appointment, type Term } from '../../core/terms.js';
import { appointmentCount, appointmentRows, rosterRows, rosterSize } from '../../db/hours.js';
import { createHoursStage, DAY_BITS, hoursStageWriter, KEY_FIRST, LEAD, STAGE_BATCH } from '../../db/hours-stage.js';
import { resetStageTimes, stageTimesWriter } from '../../db/anomalies.js';
import type { DB } from '../../db/open.js';
import { countingSort, Dictionary, grown, HourRows } from './hours-rows.js';

/** Rows sorted in memory before staging (about 40 MB at most); a larger file is staged in sorted runs and SQLite sorts them. */
export const SORTED_ROWS = 1 << 21;

/** What the stage tells the kind once it is written. */
export interface Staged {
  /** Sorted runs written (1: the stage is in key order and its flags hold). */
  runs: number;
  /** Distinct (cadre, course, term) groups and (cadre, course, date) keys, when runs is 1. */
  groups: number;
  keys: number;
  /** The cadres the rows name (each must be on file). */
  cadreIds: number[];
  /** Rows whose (cadre, course, date) another row lists with more hours: the larger is kept. */
  conflicts: { line: number; quarters: number; keptLine: number; keptQuarters: number }[];
  conflictCount: number;
  /** (cadre, day) pairs whose rows of the file add up to more than the policy's hours per day (when runs is 1). */
  heavyDays: [number, string][];
  /** The earliest date of the rows taken (null: none), for the date of the earliest record (src/db/record-span.ts). */
  firstDay: IsoDate | null;
}

/**
 * The stage as an accelerator sees it (src/import/kinds/hours.ts plugs one
 * in). A cadre is a slot (0 … slots-1, by id); a course code and a date are
 * numbered by the stage's dictionaries; a date also has its day number.
 */
export interface HoursSink {
  readonly slots: number;
  /** The day number of today: a later date is refused. */
  readonly todayNum: number;
  /** The slot of the cadre with this id, -1 when the stage does not know it. */
  slotOf(cadreId: number): number;
  cadreOf(slot: number): number;
  /** The number of a course code (as HOURS_CELLS.course_code gives it), and back. */
  codeId(code: string): number;
  codeText(code: number): string;
  /** The number of a date (as HOURS_CELLS.completed_on gives it), and its day number. */
  dayId(date: IsoDate): number;
  dayNum(day: number): number;
  /** The slot's term holding day `num` (RowEnv.termOfDate's: the latest that holds it), -1 for none. */
  termOf(slot: number, num: number): number;
  /** Takes a valid row: what parse() would return for it, its title (null: none) and the minute its date cell gives (null: none). */
  take(cadreId: number, code: number, day: number, quarters: number, title: string | null, line: number, minute: number | null): void;
}

/** A stored date that is not a plain ISO date. */
const ODD_DAY = -2147483648;

/** The day number of an ISO date, or ODD_DAY when the text is not exactly one. */
function exactDay(iso: string): number {
  if (!/^[1-9]\d{3}-\d{2}-\d{2}$/.test(iso)) return ODD_DAY;
  const n = dayNumber(iso);
  return fromDayNumber(n) === iso ? n : ODD_DAY;
}

export interface StageHooks {
  /** A course a row names, with the row's title and hours (the catalogue is updated from these). */
  seeCourse(code: string, title: string | null, quarters: number, cadreId: number): void;
  done(staged: Staged): void;
}

export class HoursStage implements HoursSink {
  readonly slots: number;
  readonly todayNum: number;
  private readonly rows: HourRows;
  private readonly codes = new Dictionary();
  /** 1 for the course codes of rows taken (the stage names only those: each must be in the catalogue). */
  private codeUsed = new Uint8Array(1 << 10);
  private readonly days = new Dictionary();
  /** Day numbers of the dates in `days`. */
  private dayNums = new Int32Array(1 << 10);
  private readonly today: string;
  private runs = 0;
  private groups = 0;
  private keys = 0;
  private readonly conflicts: Staged['conflicts'] = [];
  private conflictCount = 0;
  private readonly heavyDays: [number, string][] = [];
  /** Rows with a time or a duration (none for a file of dates alone): line, minute and minutes studied (-1: none), staged with the rows. */
  private timedN = 0;
  /** The day number of the earliest row taken. */
  private firstNum = Infinity;
  private timedRows = new Int32Array(0);

  // The roster, by slot.
  private readonly slotId: Int32Array;
  private readonly slotLeft: Int32Array;
  private readonly apptAt: Int32Array;
  private readonly apptCount: Int32Array;
  private readonly apptRank: Uint8Array;
  private readonly apptDay: Int32Array;
  /** The day the appointment's series ended with a leaving before a re-appointment (-1: none). */
  private readonly apptLeft: Int32Array;
  private readonly slotOfId: Int32Array;
  /** Term windows, numbered per slot in order (a cadre's terms get consecutive numbers), as day numbers. */
  private termFrom = new Int32Array(1 << 10);
  private termTo = new Int32Array(1 << 10);
  private terms = 0;
  /** Per slot: the number of its first term (-1: not computed yet), and how many it has. */
  private readonly termBase: Int32Array;
  private readonly termCount: Int32Array;
  private readonly slotsMet: number[] = [];

  constructor(
    private readonly db: DB,
    private readonly policy: Policy,
    today: IsoDate,
    maxQuarters: number,
    private readonly sortedRows: number,
    private readonly hooks: StageHooks,
  ) {
    this.rows = new HourRows(maxQuarters > 0xffff);
    this.today = today;
    this.todayNum = dayNumber(today);

    // The roster, read once into typed arrays (no object per cadre).
    const { count, maxId } = rosterSize(db);
    this.slots = count;
    this.slotId = new Int32Array(count);
    this.slotLeft = new Int32Array(count);
    this.apptAt = new Int32Array(count);
    this.apptCount = new Int32Array(count);
    this.termBase = new Int32Array(count).fill(-1);
    this.termCount = new Int32Array(count);
    this.slotOfId = new Int32Array(maxId + 1).fill(-1);
    let k = 0;
    for (const [id, , , , leftOn] of rosterRows(db)) {
      if (k === count || id > maxId) break;
      this.slotId[k] = id;
      this.slotOfId[id] = k;
      // A date that does not read back as itself (never so in a database this tool wrote) leaves the cadre without terms here.
      this.slotLeft[k] = leftOn === null ? -1 : exactDay(leftOn);
      k++;
    }
    const apptTotal = appointmentCount(db);
    this.apptRank = new Uint8Array(apptTotal);
    this.apptDay = new Int32Array(apptTotal);
    this.apptLeft = new Int32Array(apptTotal);
    let a = 0;
    let last = -1;
    for (const [cadreId, rank, appointedOn, apptLeft] of appointmentRows(db)) {
      if (a === apptTotal) break;
      const slot = cadreId <= maxId ? this.slotOfId[cadreId] : -1;
      if (slot < 0) continue;
      if (slot !== last) {
        this.apptAt[slot] = a;
        last = slot;
      }
      this.apptRank[a] = rank === 'division' ? 1 : rank === 'section' ? 0 : 2;
      this.apptDay[a] = exactDay(appointedOn);
      // A series that ended with a leaving before a re-appointment: its terms end that day, and the gap
      // before the next series belongs to no term (termsUpTo knows it from the appointment's leftOn).
      this.apptLeft[a] = apptLeft === null ? -1 : exactDay(apptLeft);
      this.apptCount[slot]++;
      a++;
    }
    createHoursStage(db);
    resetStageTimes(db);
  }

  private timed(line: number, minute: number | null, studied: number | null): void {
    if (minute === null && studied === null) return;
    const at = this.timedN * 3;
    if (at + 3 > this.timedRows.length) this.timedRows = grown(this.timedRows, at + 3);
    const t = this.timedRows;
    t[at] = line;
    t[at + 1] = minute ?? -1;
    t[at + 2] = studied ?? -1;
    this.timedN++;
  }

  /** The timed rows into temp.stage_times, in batches (inside the stage's transaction). */
  private writeTimed(): void {
    if (this.timedN === 0) return;
    const w = stageTimesWriter(this.db);
    const t = this.timedRows;
    const params: (number | null)[] = new Array(STAGE_BATCH * 3);
    let k = 0;
    for (let i = 0; i < this.timedN; i++) {
      const at = i * 3;
      params[k] = t[at];
      params[k + 1] = t[at + 1] < 0 ? null : t[at + 1];
      params[k + 2] = t[at + 2] < 0 ? null : t[at + 2];
      k += 3;
      if (k === params.length) {
        w.rows(params);
        k = 0;
      }
    }
    for (let j = 0; j < k; j += 3) w.row(params.slice(j, j + 3));
    this.timedN = 0;
    this.timedRows = new Int32Array(0);
  }

  slotOf(cadreId: number): number {
    return cadreId >= 0 && cadreId < this.slotOfId.length ? this.slotOfId[cadreId] : -1;
  }

  cadreOf(slot: number): number {
    return this.slotId[slot];
  }

  codeId(code: string): number {
    return this.codes.id(code);
  }

  codeText(code: number): string {
    return this.codes.list[code];
  }

  dayId(date: IsoDate): number {
    const id = this.days.id(date);
    if (id >= this.dayNums.length) this.dayNums = grown(this.dayNums, id + 1);
    this.dayNums[id] = dayNumber(date);
    return id;
  }

  dayNum(day: number): number {
    return this.dayNums[day];
  }

  take(cadreId: number, code: number, day: number, quarters: number, title: string | null, line: number, minute: number | null): void {
    this.hooks.seeCourse(this.codes.list[code], title, quarters, cadreId);
    if (minute !== null) this.timed(line, minute, null);
    this.push(cadreId, code, day, quarters, line);
  }

  /** A valid row's values from parse(), and the term parse() placed it in. */
  add(values: unknown[], term: Term | null): void {
    const [cadreId, code, date, quarters, line, , , minute, studied] = values as [number, string, string, number, number, string, string, number | null, number | null];
    const slot = cadreId < this.slotOfId.length ? this.slotOfId[cadreId] : -1;
    if (!term || slot < 0) throw new Error('import-hours: a row without its cadre or term');
    // The term is found again from the date when the rows are staged: it must be the same one.
    const day = this.dayId(date);
    const t = this.termOf(slot, this.dayNums[day]);
    if (t < 0 || this.termFrom[t] !== dayNumber(term.windowStart) || this.termTo[t] !== dayNumber(term.windowEnd)) {
      throw new Error('import-hours: terms disagree');
    }
    const codeId = this.codes.id(code);
    this.timed(line, minute ?? null, studied ?? null);
    this.push(cadreId, codeId, day, quarters, line);
  }

  finish(): void {
    this.flush();
    this.hooks.done({ runs: this.runs, groups: this.groups, keys: this.keys, cadreIds: this.slotsMet.map((s) => this.slotId[s]), conflicts: this.conflicts, conflictCount: this.conflictCount, heavyDays: this.heavyDays, firstDay: this.firstNum === Infinity ? null : fromDayNumber(this.firstNum) });
  }

  termOf(slot: number, num: number): number {
    let base = this.termBase[slot];
    if (base < 0) base = this.computeTerms(slot);
    for (let i = base + this.termCount[slot] - 1; i >= base; i--) {
      if (num >= this.termFrom[i] && num <= this.termTo[i]) return i;
    }
    return -1;
  }

  /** The slot's terms as RowEnv.termsOf has them (the same function on the same service record), kept as day numbers. */
  private computeTerms(slot: number): number {
    const appointments: Appointment[] = [];
    let odd = this.slotLeft[slot] === ODD_DAY;
    for (let a = this.apptAt[slot]; a < this.apptAt[slot] + this.apptCount[slot]; a++) {
      odd ||= this.apptDay[a] === ODD_DAY || this.apptRank[a] === 2 || this.apptLeft[a] === ODD_DAY;
      const rank = (this.apptRank[a] === 1 ? 'division' : 'section') as Rank;
      const appointedOn = fromDayNumber(this.apptDay[a]);
      appointments.push(this.apptLeft[a] < 0 ? { rank, appointedOn } : { rank, appointedOn, leftOn: fromDayNumber(this.apptLeft[a]) });
    }
    const left = this.slotLeft[slot];
    // An odd record gets no terms here.
    const terms = odd ? [] : termsUpTo({ appointments, leftOn: left < 0 ? null : fromDayNumber(left) }, this.policy, this.today);
    const base = this.terms;
    if (base + terms.length > this.termFrom.length) {
      this.termFrom = grown(this.termFrom, base + terms.length);
      this.termTo = grown(this.termTo, base + terms.length);
    }
    terms.forEach((t, i) => {
      this.termFrom[base + i] = dayNumber(t.windowStart);
      this.termTo[base + i] = dayNumber(t.windowEnd);
    });
    this.terms += terms.length;
    this.termBase[slot] = base;
    this.termCount[slot] = terms.length;
    this.slotsMet.push(slot);
    return base;
  }

  private push(cadre: number, code: number, day: number, quarters: number, line: number): void {
    if (this.rows.n === this.sortedRows) this.flush();
    if (this.dayNums[day] < this.firstNum) this.firstNum = this.dayNums[day];
    this.rows.push(cadre, code, day, quarters, line);
    if (code >= this.codeUsed.length) {
      const more = new Uint8Array(Math.max(code + 1, this.codeUsed.length * 2));
      more.set(this.codeUsed);
      this.codeUsed = more;
    }
    this.codeUsed[code] = 1;
  }

  /**
   * Sorts the rows in memory by (cadre, course, date), line order kept (a
   * cadre's terms follow its dates), and stages them as one run.
   */
  private flush(): void {
    const r = this.rows;
    const n = r.n;
    if (n === 0 && this.runs > 0) return;
    this.runs++;
    let perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    let tmp = new Uint32Array(n);
    const sortBy = (key: (i: number) => number, range: number) => {
      countingSort(perm, n, key, range, tmp);
      [perm, tmp] = [tmp, perm];
    };
    const dayRank = this.days.ranks();
    const codeRank = this.codes.ranks();
    // Within one (cadre, course, date) the row with the most hours comes first and is the one kept,
    // so what counts never depends on the order of the rows.
    let maxQuarters = 0;
    for (let i = 0; i < n; i++) if (r.quarters(i) > maxQuarters) maxQuarters = r.quarters(i);
    sortBy((i) => maxQuarters - r.quarters(i), maxQuarters + 1);
    sortBy((i) => dayRank[r.day(i)], dayRank.length);
    sortBy((i) => codeRank[r.code(i)], codeRank.length);
    sortBy((i) => this.slotOfId[r.cadre(i)], this.slotId.length);
    tmp = new Uint32Array(0);
    const db = this.db;
    const stage = hoursStageWriter(db);
    const params: number[] = new Array(STAGE_BATCH * 5);
    // Each cadre's hours per day (its rows are consecutive): a day over the policy's is looked at after the write.
    const maxDay = this.policy.anomalies.maxQuartersPerDay;
    const dayQ = new Int32Array(this.days.list.length);
    const daysMet: number[] = [];
    const closeCadre = (cadre: number) => {
      for (const d of daysMet) {
        if (dayQ[d] > maxDay) this.heavyDays.push([cadre, this.days.list[d]]);
        dayQ[d] = 0;
      }
      daysMet.length = 0;
    };
    // Only the TEMP stage is written (temp.stage and its dictionaries, through hoursStageWriter): a
    // deferred transaction, which takes no lock on the database while a large file is staged.
    const write = db.transaction(() => {
      let k = 0;
      let pCadre = -1;
      let pCode = -1;
      let pTerm = -1;
      let pDay = -1;
      let keptLine = 0;
      let keptQuarters = 0;
      for (let j = 0; j < n; j++) {
        const i = perm[j];
        const cadre = r.cadre(i);
        const code = r.code(i);
        const day = r.day(i);
        const term = this.termOf(this.slotOfId[cadre], this.dayNums[day]);
        let flags = 0;
        const sameGroup = cadre === pCadre && code === pCode && term === pTerm;
        if (!sameGroup) {
          flags |= LEAD;
          this.groups++;
        }
        if (cadre !== pCadre && pCadre >= 0) closeCadre(pCadre);
        if (!sameGroup || day !== pDay) {
          flags |= KEY_FIRST;
          this.keys++;
          if (dayQ[day] === 0) daysMet.push(day);
          dayQ[day] += r.quarters(i);
          keptLine = r.line(i);
          keptQuarters = r.quarters(i);
        } else if (r.quarters(i) !== keptQuarters) {
          this.conflictCount++;
          if (this.conflicts.length < 20) this.conflicts.push({ line: r.line(i), quarters: r.quarters(i), keptLine, keptQuarters });
        }
        pCadre = cadre;
        pCode = code;
        pTerm = term;
        pDay = day;
        params[k] = cadre;
        params[k + 1] = r.line(i);
        params[k + 2] = code * (1 << DAY_BITS) + day;
        params[k + 3] = r.quarters(i);
        params[k + 4] = term * 4 + flags;
        k += 5;
        if (k === params.length) {
          stage.rows(params);
          k = 0;
        }
      }
      if (pCadre >= 0) closeCadre(pCadre);
      for (let j = 0; j < k; j += 5) stage.row(params.slice(j, j + 5));
      this.writeTimed();
      this.codes.list.forEach((v, i) => {
        if (this.codeUsed[i]) stage.code(i, v);
      });
      this.days.list.forEach((v, i) => stage.day(i, v));
      for (let i = 0; i < this.terms; i++) stage.term(i, fromDayNumber(this.termFrom[i]), fromDayNumber(this.termTo[i]));
    });
    write();
    perm = new Uint32Array(0);
    r.clear();
  }
}
