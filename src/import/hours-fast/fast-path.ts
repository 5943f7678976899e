/**
 * The fast path of one hours file: a plain row of a UTF-8 file is checked as
 * bytes, before any string is made of it, and taken into the stage when it
 * is plainly valid; any other row is left to parse(), which decides and
 * words every problem.
 *
 * - The roster as byte tables: a staff number or learner ID is found by its
 *   bytes (and counts only once HOURS_CELLS has read it back as itself), a
 *   name compared as bytes with the roster's.
 * - The other cells by HOURS_CELLS, remembered per distinct cell text: a
 *   course code, date, hours or title seen before costs a hash and a
 *   comparison.
 * - The date placed in a term by the stage, by integer day numbers.
 */
import { rosterRows } from '../../db/hours.js';
import type { DB } from '../../db/open.js';
import type { TableHeader } from '../../io/table.js';
import { DEFAULT_QUARTERS, HOURS_CELLS, type HoursFastPath } from '../kinds/hours.js';
import type { HoursSink } from '../kinds/hours-stage.js';
import { ByteIntern, MEMO_LIMIT, memo, sameBytes } from './intern.js';

/** Minutes of a day and one for "no time": a date cell's day and minute packed as day × MINUTES + minute + 1. */
const MINUTES = 1441;

/** A title cell that is not plainly valid (parse() decides). */
const BAD_TITLE = Symbol('bad title');

export class BytePath implements HoursFastPath {
  taken = 0;

  // The roster, by the stage's slot.
  /** 1 once the slot's staff number / learner ID has been read back as itself by HOURS_CELLS; 2 when it was not. */
  private staffChecked: Uint8Array;
  private idChecked: Uint8Array;
  private nameArena: Uint8Array;
  /** Offset of the name in nameArena; -1 when the name is not trim-stable (no plain match then). */
  private nameAt: Int32Array;
  private nameLen: Int32Array;
  private staffBytes: ByteIntern;
  private idBytes: ByteIntern;

  // Column positions (-1: absent), and the width of a row.
  private readonly width: number;
  private readonly iId: number;
  private readonly iStaff: number;
  private readonly iName: number;
  private readonly iCode: number;
  private readonly iDate: number;
  private readonly iHours: number;
  private readonly iTitle: number;

  // HOURS_CELLS of the other cells, remembered per distinct cell (-1 / BAD_TITLE: not plainly valid).
  private readonly code: (raw: string) => number;
  private readonly day: (raw: string) => number;
  private readonly hours: (raw: string) => number;
  private readonly title: (raw: string) => string | null | typeof BAD_TITLE;
  private codeBytes = new ByteIntern(MEMO_LIMIT);
  private dayBytes = new ByteIntern(MEMO_LIMIT);
  private hoursBytes = new ByteIntern(MEMO_LIMIT);
  /** Per course code index: the bytes of the last title cell seen with it, and what it gave. */
  private readonly lastTitleBytes: (Uint8Array | undefined)[] = [];
  private readonly lastTitle: (string | null)[] = [];
  private readonly unknown = () => -1;

  constructor(
    db: DB,
    header: TableHeader,
    private readonly sink: HoursSink,
    maxQuarters: number,
  ) {
    const at = (key: string) => header.keys.indexOf(key);
    this.width = header.names.length;
    this.iId = at('learner_id');
    this.iStaff = at('staff_no');
    this.iName = at('name');
    this.iCode = at('course_code');
    this.iDate = at('completed_on');
    this.iHours = at('hours');
    this.iTitle = at('course_title');

    // The roster's IDs and names as bytes, by the stage's slot (a cadre the stage does not know is never matched).
    const count = sink.slots;
    this.staffChecked = new Uint8Array(count);
    this.idChecked = new Uint8Array(count);
    this.nameAt = new Int32Array(count).fill(-1);
    this.nameLen = new Int32Array(count);
    // Each string is encoded into one scratch buffer (a name straight into the arena): a roster of
    // 320,000 cadres as a Buffer per string held some 100 MB, in Buffer objects and pooled slabs, at once.
    this.staffBytes = new ByteIntern(count + MEMO_LIMIT, count, 12);
    this.idBytes = new ByteIntern(count + MEMO_LIMIT, count, 12);
    let scratch = Buffer.allocUnsafe(256);
    const encoded = (text: string): number => {
      const len = Buffer.byteLength(text, 'utf8');
      if (len > scratch.length) scratch = Buffer.allocUnsafe(len);
      return scratch.write(text, 0, 'utf8');
    };
    let arena = Buffer.allocUnsafe(Math.max(1 << 12, count * 12));
    let nameBytes = 0;
    for (const [id, learnerId, staffNo, name] of rosterRows(db)) {
      const slot = sink.slotOf(id);
      if (slot < 0) continue;
      this.staffBytes.put(scratch, slot, 0, encoded(staffNo));
      this.idBytes.put(scratch, slot, 0, encoded(learnerId));
      if (name.trim() === name) {
        const len = Buffer.byteLength(name, 'utf8');
        if (nameBytes + len > arena.length) {
          const more = Buffer.allocUnsafe(Math.max(arena.length * 2, nameBytes + len));
          arena.copy(more, 0, 0, nameBytes);
          arena = more;
        }
        this.nameAt[slot] = nameBytes;
        this.nameLen[slot] = arena.write(name, nameBytes, 'utf8');
        nameBytes += len;
      }
    }
    this.nameArena = arena.subarray(0, nameBytes);

    this.code = memo((raw) => {
      const r = HOURS_CELLS.course_code(raw);
      return r.ok ? sink.codeId(r.value) : -1;
    });
    // The date's number and the minute its cell gives, in one integer: day × 1441 + (minute + 1), 0 for none.
    this.day = memo((raw) => {
      const r = HOURS_CELLS.completed_on(raw);
      if (!r.ok) return -1;
      const minute = HOURS_CELLS.completed_minute(raw);
      return sink.dayId(r.value) * MINUTES + (minute === null ? 0 : minute + 1);
    });
    this.hours = memo((raw) => {
      const r = HOURS_CELLS.hours(raw, maxQuarters);
      return r.ok ? r.value : -1;
    });
    this.title = memo((raw) => {
      const r = HOURS_CELLS.course_title(raw);
      return r.ok ? r.value : BAD_TITLE;
    });
  }

  /** A plain row as bytes (ByteRowTaker): true when it is valid and taken. */
  take(buf: Buffer, starts: Int32Array, ends: Int32Array, n: number, line: number): boolean {
    if (!this.check(buf, starts, ends, n, line)) return false;
    this.taken++;
    return true;
  }

  /** A row decoded to strings (one with quotes, say): the same checks, on its cells' bytes. */
  fields(fields: string[], line: number): boolean {
    if (fields.length !== this.width) return false;
    const parts = fields.map((f) => Buffer.from(f, 'utf8'));
    const buf = Buffer.concat(parts);
    const starts = new Int32Array(fields.length);
    const ends = new Int32Array(fields.length);
    let o = 0;
    parts.forEach((p, i) => {
      starts[i] = o;
      o += p.length;
      ends[i] = o;
    });
    return this.check(buf, starts, ends, fields.length, line);
  }

  /** The slot named by a staff number / learner ID cell, or -1 when the cell is not plainly one on the roster. */
  /**
   * The file is read: the roster's byte tables and the cells remembered go
   * (about 30 MB for a roster of 320,000), before the stage is sorted, merged
   * and written. No row is taken after it.
   */
  release(): void {
    const none = new ByteIntern(0, 0, 0);
    this.staffBytes = this.idBytes = this.codeBytes = this.dayBytes = this.hoursBytes = none;
    this.staffChecked = this.idChecked = new Uint8Array(0);
    this.nameArena = new Uint8Array(0);
    this.nameAt = this.nameLen = new Int32Array(0);
  }

  private cadreSlot(buf: Buffer, s: number, e: number, intern: ByteIntern, checked: Uint8Array, key: 'staff_no' | 'learner_id'): number {
    const slot = intern.get(buf, s, e, this.unknown);
    if (slot < 0) return -1;
    if (checked[slot] === 0) {
      const raw = buf.toString('utf8', s, e);
      const r = HOURS_CELLS[key](raw);
      checked[slot] = r.ok && r.value === raw ? 1 : 2;
    }
    return checked[slot] === 1 ? slot : -1;
  }

  /** RowEnv.cadre, datedInTerm and the cell rules of parse(), on a plain row's bytes: true when the row is valid and taken. */
  private check(buf: Buffer, starts: Int32Array, ends: Int32Array, n: number, line: number): boolean {
    if (n !== this.width) return false;
    let byId = -1;
    let byStaff = -1;
    if (this.iId >= 0 && starts[this.iId] < ends[this.iId]) {
      byId = this.cadreSlot(buf, starts[this.iId], ends[this.iId], this.idBytes, this.idChecked, 'learner_id');
      if (byId < 0) return false;
    }
    if (this.iStaff >= 0 && starts[this.iStaff] < ends[this.iStaff]) {
      byStaff = this.cadreSlot(buf, starts[this.iStaff], ends[this.iStaff], this.staffBytes, this.staffChecked, 'staff_no');
      if (byStaff < 0 || (byId >= 0 && byId !== byStaff)) return false;
    }
    const slot = byId >= 0 ? byId : byStaff;
    if (slot < 0) return false;
    // The name as the roster has it, byte for byte (RowEnv's rule, whitespace ignored, accepts it; any other is left to it).
    if (this.iName >= 0 && starts[this.iName] < ends[this.iName]) {
      const o = this.nameAt[slot];
      if (o < 0 || !sameBytes(buf, starts[this.iName], ends[this.iName], this.nameArena, o, this.nameLen[slot])) return false;
    }
    const sink = this.sink;
    const code = this.codeBytes.get(buf, starts[this.iCode], ends[this.iCode], this.code);
    if (code < 0) return false;
    const dayMinute = this.dayBytes.get(buf, starts[this.iDate], ends[this.iDate], this.day);
    if (dayMinute < 0) return false;
    const day = Math.floor(dayMinute / MINUTES);
    const minute = (dayMinute % MINUTES) - 1;
    const num = sink.dayNum(day);
    if (num > sink.todayNum) return false;
    if (sink.termOf(slot, num) < 0) return false;
    let quarters = DEFAULT_QUARTERS;
    if (this.iHours >= 0) {
      quarters = this.hoursBytes.get(buf, starts[this.iHours], ends[this.iHours], this.hours);
      if (quarters < 0) return false;
    }
    let title: string | null = null;
    if (this.iTitle >= 0) {
      const s = starts[this.iTitle];
      const e = ends[this.iTitle];
      const last = this.lastTitleBytes[code];
      if (last !== undefined && sameBytes(buf, s, e, last, 0, last.length)) {
        title = this.lastTitle[code];
      } else {
        const t = this.title(buf.toString('utf8', s, e));
        if (t === BAD_TITLE) return false;
        title = t;
        this.lastTitleBytes[code] = new Uint8Array(buf.subarray(s, e));
        this.lastTitle[code] = t;
      }
    }
    sink.take(sink.cadreOf(slot), code, day, quarters, title, line, minute < 0 ? null : minute);
    return true;
  }
}
