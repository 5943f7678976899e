/**
 * The stage of one hours file (src/db/hours-stage.ts has its tables): the
 * valid rows kept packed (about 18 bytes a row), sorted in memory by the
 * unique key (cadre, course, date) and staged in that order, so the write
 * into `hours` appends to its indexes instead of inserting at random places,
 * and new/duplicate counts come from one pass over the sorted rows. A file
 * larger than one sorted run is sorted run by run, each kept packed in a
 * TEMP table, and the runs merged into the stage in the same order.
 *
 * Rows come from parse() (add) or from an accelerator (HoursSink.take): the
 * stage places each in its cadre's term from the roster, read once into
 * typed arrays (no object per cadre): the same terms RowEnv gives, from the
 * same function (termsUpTo) on the same service record.
 */
import { dayNumber, fromDayNumber, type IsoDate } from '../../core/dates.js';
import type { Policy, Rank } from '../../core/policy.js';
import { termsUpTo, type Appointment, type Term } from '../../core/terms.js';
import { appointmentCount, appointmentRows, rosterLeavings, rosterSize } from '../../db/hours.js';
import { createHoursStage, DAY_BITS, dropHoursRuns, hoursRunReader, hoursRunWriter, hoursStageWriter, KEY_FIRST, LEAD, RUN_CHUNK, RUN_FIELDS, STAGE_BATCH } from '../../db/hours-stage.js';
import { resetStageTimes, stageTimesWriter } from '../../db/anomalies.js';
import type { DB } from '../../db/open.js';
import { countingSort, Dictionary, grown, HourRows } from './hours-rows.js';

/**
 * Rows sorted in memory before staging (1,048,576: about 19 MB of rows and
 * 8 MB of permutations at most); a larger file is kept in sorted runs of this
 * many, merged into the stage in key order (the merge costs little, so a
 * run need not hold the bench's 1M-row file to be quick, only fit in memory).
 */
export const SORTED_ROWS = 1 << 20;

/** What the stage tells the kind once it is written. */
export interface Staged {
  /** Sorted runs read (1: the file fitted in memory; more: merged). The stage is in key order and its flags hold either way. */
  runs: number;
  /** Distinct (cadre, course, term) groups and (cadre, course, date) keys. */
  groups: number;
  keys: number;
  /** Rows whose (cadre, course, date) another row lists with more hours: the larger is kept. */
  conflicts: { line: number; quarters: number; keptLine: number; keptQuarters: number }[];
  conflictCount: number;
  /** (cadre, day) pairs whose rows of the file add up to more than the policy's hours per day. */
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

/** One staged row, in key order. */
type Emit = (cadre: number, code: number, day: number, quarters: number, line: number) => void;

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
  /** Sorted runs read (1: the file fitted in memory; more: merged from the runs kept). */
  private runs = 0;
  /** The runs kept in stage_runs, as [first, last] chunk ids, in file order. */
  private readonly spilled: [number, number][] = [];
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
  /** The permutations of sortedOrder(), kept from run to run. */
  private permA = new Uint32Array(0);
  private permB = new Uint32Array(0);

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
    for (const [id, leftOn] of rosterLeavings(db)) {
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
    this.hooks.done({ runs: this.runs, groups: this.groups, keys: this.keys, conflicts: this.conflicts, conflictCount: this.conflictCount, heavyDays: this.heavyDays, firstDay: this.firstNum === Infinity ? null : fromDayNumber(this.firstNum) });
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
    return base;
  }

  private push(cadre: number, code: number, day: number, quarters: number, line: number): void {
    if (this.rows.n === this.sortedRows) this.spill();
    if (this.dayNums[day] < this.firstNum) this.firstNum = this.dayNums[day];
    this.rows.push(cadre, code, day, quarters, line);
    if (code >= this.codeUsed.length) {
      const more = new Uint8Array(Math.max(code + 1, this.codeUsed.length * 2));
      more.set(this.codeUsed);
      this.codeUsed = more;
    }
    this.codeUsed[code] = 1;
  }

  /** The rows in memory, sorted by (cadre, course, date), the most hours first, insertion order kept: a permutation of them. */
  private sortedOrder(): Uint32Array {
    const r = this.rows;
    const n = r.n;
    // The two permutations are kept for the next run (a file of several runs sorts each in the same memory).
    if (this.permA.length < n) {
      this.permA = new Uint32Array(n);
      this.permB = new Uint32Array(n);
    }
    let perm = this.permA;
    for (let i = 0; i < n; i++) perm[i] = i;
    let tmp = this.permB;
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
    return perm;
  }

  /**
   * The rows in memory are full (a file larger than one sorted run): they
   * are sorted and kept as a run in the TEMP table stage_runs, packed
   * (src/db/hours-stage.ts), and merged with the other runs at the end.
   */
  private spill(): void {
    const r = this.rows;
    const n = r.n;
    if (n === 0) return;
    const perm = this.sortedOrder();
    const out = hoursRunWriter(this.db);
    const chunk = new Int32Array(RUN_CHUNK * RUN_FIELDS);
    let first = -1;
    let last = -1;
    let k = 0;
    const put = () => {
      last = out(chunk.subarray(0, k));
      if (first < 0) first = last;
      k = 0;
    };
    // Only the TEMP table is written: a deferred transaction, which takes no lock on the database.
    this.db.transaction(() => {
      for (let j = 0; j < n; j++) {
        const i = perm[j];
        chunk[k] = r.cadre(i);
        chunk[k + 1] = r.code(i);
        chunk[k + 2] = r.day(i);
        chunk[k + 3] = r.quarters(i);
        chunk[k + 4] = r.line(i);
        k += RUN_FIELDS;
        if (k === chunk.length) put();
      }
      if (k > 0) put();
      this.writeTimed();
    })();
    this.spilled.push([first, last]);
    r.reuse();
  }

  /** The rows, in key order, into the stage: from memory (one sorted run), or merged from the runs kept. */
  private flush(): void {
    if (this.spilled.length === 0) {
      const r = this.rows;
      const perm = this.sortedOrder();
      this.runs = 1;
      this.writeStage((emit) => {
        for (let j = 0; j < r.n; j++) {
          const i = perm[j];
          emit(r.cadre(i), r.code(i), r.day(i), r.quarters(i), r.line(i));
        }
      });
      r.clear();
      this.permA = this.permB = new Uint32Array(0);
      return;
    }
    this.spill();
    this.runs = this.spilled.length;
    this.rows.clear();
    this.permA = this.permB = new Uint32Array(0);
    this.writeStage((emit) => this.merge(emit));
    dropHoursRuns(this.db);
  }

  /**
   * A k-way merge of the runs kept: each is in key order (cadre's slot, the
   * code's and the date's ranks, the most hours first, insertion order), and
   * a tie between runs goes to the earlier one, so the rows come out in the
   * order one sort of the whole file would give them.
   */
  private merge(emit: Emit): void {
    const dayRank = this.days.ranks();
    const codeRank = this.codes.ranks();
    const nDays = dayRank.length;
    const k = this.spilled.length;
    const read = hoursRunReader(this.db);
    const bufs: Int32Array[] = new Array(k);
    const pos = new Int32Array(k);
    const next = new Float64Array(k);
    // Each run's head row, as a key: the slot, then the code and date ranks, then the hours.
    const hSlot = new Int32Array(k);
    const hLo = new Float64Array(k);
    const hQ = new Int32Array(k);
    const load = (run: number): boolean => {
      const at = next[run];
      if (at > this.spilled[run][1]) return false;
      bufs[run] = read(at);
      next[run] = at + 1;
      pos[run] = 0;
      return true;
    };
    const head = (run: number) => {
      const b = bufs[run];
      const p = pos[run];
      hSlot[run] = this.slotOfId[b[p]];
      hLo[run] = codeRank[b[p + 1]] * nDays + dayRank[b[p + 2]];
      hQ[run] = b[p + 3];
    };
    const before = (a: number, b: number): boolean => {
      if (hSlot[a] !== hSlot[b]) return hSlot[a] < hSlot[b];
      if (hLo[a] !== hLo[b]) return hLo[a] < hLo[b];
      if (hQ[a] !== hQ[b]) return hQ[a] > hQ[b];
      return a < b;
    };
    // A binary heap of the runs with rows left, by their head rows.
    const heap = new Int32Array(k);
    let size = 0;
    const down = (from: number) => {
      let i = from;
      const x = heap[i];
      for (;;) {
        let c = 2 * i + 1;
        if (c >= size) break;
        if (c + 1 < size && before(heap[c + 1], heap[c])) c++;
        if (!before(heap[c], x)) break;
        heap[i] = heap[c];
        i = c;
      }
      heap[i] = x;
    };
    for (let run = 0; run < k; run++) {
      next[run] = this.spilled[run][0];
      if (!load(run)) continue;
      head(run);
      heap[size++] = run;
    }
    for (let i = (size >> 1) - 1; i >= 0; i--) down(i);
    while (size > 0) {
      const run = heap[0];
      const b = bufs[run];
      const p = pos[run];
      emit(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4]);
      pos[run] = p + RUN_FIELDS;
      if (pos[run] < b.length || load(run)) head(run);
      else heap[0] = heap[--size];
      if (size > 0) down(0);
    }
  }

  /**
   * Stages the rows `each` gives, in key order, as one run whose flags hold:
   * the first row of each group and of each key, the counts of both, the
   * conflicting hours and the heavy days found on the way.
   */
  private writeStage(each: (emit: Emit) => void): void {
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
    /** 1 for the terms the staged rows are in (the others the stage does not name). */
    let termUsed = new Uint8Array(this.terms);
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
      each((cadre, code, day, quarters, line) => {
        const term = this.termOf(this.slotOfId[cadre], this.dayNums[day]);
        if (term >= termUsed.length) {
          const more = new Uint8Array(Math.max(term + 1, this.terms, termUsed.length * 2));
          more.set(termUsed);
          termUsed = more;
        }
        termUsed[term] = 1;
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
          dayQ[day] += quarters;
          keptLine = line;
          keptQuarters = quarters;
        } else if (quarters !== keptQuarters) {
          this.conflictCount++;
          if (this.conflicts.length < 20) this.conflicts.push({ line, quarters, keptLine, keptQuarters });
        }
        pCadre = cadre;
        pCode = code;
        pTerm = term;
        pDay = day;
        params[k] = cadre;
        params[k + 1] = line;
        params[k + 2] = code * (1 << DAY_BITS) + day;
        params[k + 3] = quarters;
        params[k + 4] = term * 4 + flags;
        k += 5;
        if (k === params.length) {
          stage.rows(params);
          k = 0;
        }
      });
      if (pCadre >= 0) closeCadre(pCadre);
      for (let j = 0; j < k; j += 5) stage.row(params.slice(j, j + 5));
      this.writeTimed();
      this.codes.list.forEach((v, i) => {
        if (this.codeUsed[i]) stage.code(i, v);
      });
      this.days.list.forEach((v, i) => stage.day(i, v));
      // Only the terms a staged row is in (a roster's cadres have several each; the rows of a week, one),
      // STAGE_BATCH to a statement, each window's text made once.
      const text = new Map<number, string>();
      const day = (num: number) => {
        let t = text.get(num);
        if (t === undefined) text.set(num, (t = fromDayNumber(num)));
        return t;
      };
      const terms: (number | string)[] = new Array(STAGE_BATCH * 3);
      let n = 0;
      for (let i = 0; i < this.terms; i++) {
        if (!termUsed[i]) continue;
        terms[n] = i;
        terms[n + 1] = day(this.termFrom[i]);
        terms[n + 2] = day(this.termTo[i]);
        n += 3;
        if (n === terms.length) {
          stage.terms(terms);
          n = 0;
        }
      }
      for (let j = 0; j < n; j += 3) stage.term(terms[j] as number, terms[j + 1] as string, terms[j + 2] as string);
    });
    write();
  }
}
