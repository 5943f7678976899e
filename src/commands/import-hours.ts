/**
 * `cadre import-hours FILE…`: weekly study-hour exports from the platform.
 *
 * How a million rows stay fast and small (issue 4):
 *
 * - The roster is held as byte tables and typed arrays (HoursCollector): a
 *   staff number or learner ID is found by its bytes, a name compared as
 *   bytes, a date placed in a term by integer day numbers. A plain row of a
 *   UTF-8 file is checked as bytes, before any string is made of it; cell
 *   texts seen before (course codes, dates, hours, titles) cost a hash and a
 *   comparison. Each such check is the exact one (parse()'s), remembered.
 * - Any row that is not plainly valid goes through parse(), which decides and
 *   words every problem, exactly as before.
 * - Valid rows are kept packed (about 18 bytes a row), sorted in memory by
 *   the unique key (cadre, course, date) and staged in that order, so the
 *   write into `hours` appends to its indexes instead of inserting at random
 *   places, and new/duplicate counts come from one pass over the sorted rows.
 */
import type { Context } from '../cli/context.js';
import { localTimestamp } from '../cli/context.js';
import { dayNumber, fromDayNumber } from '../core/dates.js';
import { formatQuarters } from '../core/decimal.js';
import { forTerminal } from '../core/text.js';
import type { Policy, Rank } from '../core/policy.js';
import { termsUpTo, type Term } from '../core/terms.js';
import { parseDate, parseHours, parseIdentifier } from '../core/values.js';
import type { DB } from '../db/open.js';
import { readText } from '../import/cells.js';
import { runImports, type ImportKind, type RowCollector } from '../import/pipeline.js';
import { CADRE_COLUMNS } from '../import/columns.js';
import type { TableHeader } from '../io/table.js';

export const HOURS_SPEC = {
  columns: [
    ...CADRE_COLUMNS,
    { key: 'course_code', aliases: ['课程编号', '课程代码', '课程号', 'course code', 'course'] },
    { key: 'completed_on', aliases: ['完成日期', '学习日期', '完成时间', '学习时间', 'completed', 'date'] },
    { key: 'course_title', aliases: ['课程名称', '课程标题', '课程', 'title', 'course name'] },
    { key: 'hours', aliases: ['学时', '学时数', 'hour'] },
  ],
  required: ['course_code', 'completed_on'],
  oneOf: [['learner_id', 'staff_no']],
};

interface CourseSeen {
  title: string | null;
  quarters: number;
}

/** Rows sorted in memory before staging (about 40 MB at most); a larger file is staged in sorted runs and SQLite sorts them. */
export const SORTED_ROWS = 1 << 21;
/** Distinct cell texts remembered per column; past this, cells are checked one by one. */
const MEMO_LIMIT = 1 << 17;
/** Rows per multi-row INSERT into the stage. */
const STAGE_BATCH = 256;

/**
 * A copy of `s` that keeps no larger string alive (a cell decoded from a
 * block of text may be a slice of it).
 */
function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** An exact check, remembered per distinct cell text (`check` never returns undefined). */
function memo<T>(check: (raw: string) => T): (raw: string) => T {
  const seen = new Map<string, T>();
  return (raw) => {
    let r = seen.get(raw);
    if (r === undefined) {
      raw = detached(raw);
      r = check(raw);
      if (seen.size < MEMO_LIMIT) seen.set(raw, r);
    }
    return r;
  };
}

/** Distinct strings numbered in order of arrival. */
class Dictionary {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.list.length;
      value = detached(value);
      this.list.push(value);
      this.index.set(value, i);
    }
    return i;
  }
  /** Each entry's rank in SQLite's BINARY order (bytes of UTF-8). */
  ranks(): Int32Array {
    const order = this.list.map((v, i) => ({ b: Buffer.from(v, 'utf8'), i }));
    order.sort((x, y) => Buffer.compare(x.b, y.b));
    const rank = new Int32Array(this.list.length);
    order.forEach((o, r) => (rank[o.i] = r));
    return rank;
  }
}

/** A copy of `a` with room for at least `size` entries. */
function grown(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Byte strings, each with an integer: a hash table over the bytes
 * themselves, so a cell seen before costs a hash and a comparison, and no
 * string.
 */
class ByteIntern {
  private slots = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 10);
  private offsets = new Int32Array(1 << 10);
  private lengths = new Int32Array(1 << 10);
  private values = new Int32Array(1 << 10);
  private arena = new Uint8Array(1 << 14);
  private used = 0;
  private n = 0;

  constructor(private readonly limit: number) {}

  private static hash(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5 ^ (e - s);
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    return h;
  }

  /** The entry holding `buf[s … e)`, or -1 - (the free slot where it would go). */
  private find(buf: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    const mask = this.slots.length - 1;
    let k = h & mask;
    for (let entry = this.slots[k]; entry !== 0; entry = this.slots[k]) {
      const j = entry - 1;
      if (this.hashes[j] === h && this.lengths[j] === len) {
        const o = this.offsets[j] - s;
        let i = s;
        while (i < e && this.arena[o + i] === buf[i]) i++;
        if (i === e) return j;
      }
      k = (k + 1) & mask;
    }
    return -1 - k;
  }

  /** The value of `buf[s … e)`, or `compute` of its text (then kept, up to the limit). */
  get(buf: Buffer, s: number, e: number, compute: (text: string) => number): number {
    const h = ByteIntern.hash(buf, s, e);
    const j = this.find(buf, s, e, h);
    if (j >= 0) return this.values[j];
    const value = compute(buf.toString('utf8', s, e));
    if (this.n < this.limit) this.add(-1 - j, h, buf, s, e, value);
    return value;
  }

  /** Sets the value of `bytes` (the first value given for them stays). */
  put(bytes: Uint8Array, value: number): void {
    const h = ByteIntern.hash(bytes, 0, bytes.length);
    const j = this.find(bytes, 0, bytes.length, h);
    if (j < 0) this.add(-1 - j, h, bytes, 0, bytes.length, value);
  }

  private add(k: number, h: number, buf: Uint8Array, s: number, e: number, value: number): void {
    const j = this.n++;
    if (j === this.hashes.length) {
      this.hashes = grown(this.hashes, j + 1);
      this.offsets = grown(this.offsets, j + 1);
      this.lengths = grown(this.lengths, j + 1);
      this.values = grown(this.values, j + 1);
    }
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const more = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      more.set(this.arena.subarray(0, this.used));
      this.arena = more;
    }
    this.arena.set(buf.subarray(s, e), this.used);
    this.hashes[j] = h;
    this.offsets[j] = this.used;
    this.lengths[j] = len;
    this.values[j] = value;
    this.used += len;
    this.slots[k] = j + 1;
    if (this.n * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let j = 0; j < this.n; j++) {
      let k = this.hashes[j] & mask;
      while (slots[k] !== 0) k = (k + 1) & mask;
      slots[k] = j + 1;
    }
    this.slots = slots;
  }
}

/** Whether `buf[s … e)` holds exactly `arena[o … o + len)`. */
function sameBytes(buf: Uint8Array, s: number, e: number, arena: Uint8Array, o: number, len: number): boolean {
  if (e - s !== len) return false;
  for (let i = 0; i < len; i++) if (buf[s + i] !== arena[o + i]) return false;
  return true;
}

/** Stable counting sort of `perm` by `key(perm[i])` (keys in 0 … range-1), into `out`. */
function countingSort(perm: Uint32Array, n: number, key: (i: number) => number, range: number, out: Uint32Array): void {
  const count = new Uint32Array(range + 1);
  for (let i = 0; i < n; i++) count[key(perm[i]) + 1]++;
  for (let k = 1; k <= range; k++) count[k] += count[k - 1];
  for (let i = 0; i < n; i++) {
    const p = perm[i];
    out[count[key(p)]++] = p;
  }
}

const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
const IN_BLOCK = BLOCK - 1;

/**
 * The valid rows of one file, packed in blocks of 65,536 (so the store never
 * copies itself to grow): cadre id, indexes of the course code and the date,
 * hours in quarters, line. About 18 bytes a row.
 */
class HourRows {
  n = 0;
  private cadres: Int32Array[] = [];
  private codes: Int32Array[] = [];
  private days: Int32Array[] = [];
  private quarterss: (Uint16Array | Int32Array)[] = [];
  private lines: Int32Array[] = [];

  constructor(private readonly wideQuarters: boolean) {}

  push(cadre: number, code: number, day: number, quarters: number, line: number): void {
    const b = this.n >>> BLOCK_BITS;
    const o = this.n & IN_BLOCK;
    if (b === this.cadres.length) {
      this.cadres.push(new Int32Array(BLOCK));
      this.codes.push(new Int32Array(BLOCK));
      this.days.push(new Int32Array(BLOCK));
      this.quarterss.push(this.wideQuarters ? new Int32Array(BLOCK) : new Uint16Array(BLOCK));
      this.lines.push(new Int32Array(BLOCK));
    }
    this.cadres[b][o] = cadre;
    this.codes[b][o] = code;
    this.days[b][o] = day;
    this.quarterss[b][o] = quarters;
    this.lines[b][o] = line;
    this.n++;
  }

  cadre(i: number): number {
    return this.cadres[i >>> BLOCK_BITS][i & IN_BLOCK];
  }
  code(i: number): number {
    return this.codes[i >>> BLOCK_BITS][i & IN_BLOCK];
  }
  day(i: number): number {
    return this.days[i >>> BLOCK_BITS][i & IN_BLOCK];
  }
  quarters(i: number): number {
    return this.quarterss[i >>> BLOCK_BITS][i & IN_BLOCK];
  }
  line(i: number): number {
    return this.lines[i >>> BLOCK_BITS][i & IN_BLOCK];
  }

  /** Drops every row and its memory. */
  clear(): void {
    this.n = 0;
    this.cadres = [];
    this.codes = [];
    this.days = [];
    this.quarterss = [];
    this.lines = [];
  }
}

/**
 * The stage: one row per valid file row, in (cadre, course, date, line) order
 * when the file fitted in one sorted run. `cd` packs the course and date
 * indexes (code × 2^17 + date: dates run 1900 … 2099, fewer than 2^17 days),
 * `tf` the term index and flags (term × 4 + flags), to bind fewer values.
 * Flag 1: the first row of its (cadre, course, term) group; 2: the first of its
 * (cadre, course, date) key, the one that goes in.
 */
const LEAD = 1;
const KEY_FIRST = 2;
const DAY_BITS = 17;
const STAGE_DDL = [
  'CREATE TEMP TABLE stage (cadre_id INTEGER, line INTEGER, cd INTEGER, quarters INTEGER, tf INTEGER)',
  'CREATE TEMP TABLE stage_codes (i INTEGER PRIMARY KEY, code TEXT)',
  'CREATE TEMP TABLE stage_days (i INTEGER PRIMARY KEY, day TEXT)',
  'CREATE TEMP TABLE stage_terms (i INTEGER PRIMARY KEY, term_start TEXT, term_end TEXT)',
];
const DROP_STAGE = ['stage', 'stage_codes', 'stage_days', 'stage_terms'].map((t) => `DROP TABLE IF EXISTS temp.${t}`).join('; ');

/** The stage with its dictionaries resolved (stage first, so rows come in stage order). */
const STAGED_ROWS = `temp.stage s CROSS JOIN temp.stage_codes c ON c.i = s.cd >> ${DAY_BITS} CROSS JOIN temp.stage_days d ON d.i = s.cd & ${(1 << DAY_BITS) - 1}`;
const STAGED = `${STAGED_ROWS} CROSS JOIN temp.stage_terms t ON t.i = s.tf >> 2`;
/**
 * The record on file with a staged row's key, found in the covering index of hours by cadre and date:
 * it holds the record's id and hours, so comparing the hours visits no table page (the unique index
 * of the key does not hold them, and SQLite would pick it).
 */
const ON_FILE = 'JOIN hours h INDEXED BY hours_by_cadre_day ON h.cadre_id = s.cadre_id AND h.course_code = c.code AND h.completed_on = d.day';

interface Staged {
  /** Sorted runs written (1: the stage is in key order and its flags hold). */
  runs: number;
  /** Distinct (cadre, course, term) groups and (cadre, course, date) keys, when runs is 1. */
  groups: number;
  keys: number;
  cadreIds: number[];
  /** Rows whose (cadre, course, date) another row lists with more hours: the larger is kept. */
  conflicts: { line: number; quarters: number; keptLine: number; keptQuarters: number }[];
  conflictCount: number;
}

export interface HoursImportOptions {
  /** Rows sorted in memory per run (tests: smaller, to exercise several runs). */
  sortedRows?: number;
  /** --replace-hours: a row whose (cadre, course, date) is on file with other hours replaces them. */
  replaceHours?: boolean;
  /** false: every row goes through parse() (tests hold the two paths equal). */
  fast?: boolean;
}

export function hoursImport(ctx: Context, options: HoursImportOptions = {}): ImportKind {
  const courses = new Map<string, CourseSeen>();
  /** Internal ids of the first cadres touched (up to 101), for the journal. */
  const touched = new Set<number>();
  const maxQ = ctx.policy().maxQuarterHoursPerRow;
  const sortedRows = options.sortedRows ?? SORTED_ROWS;
  let hoursColumn = false;
  /** The term of the row parse() last accepted. */
  let lastTerm: Term | null = null;
  /** Set by the collector once the stage is written. */
  let staged: Staged | null = null;
  /** The file as named on the command line (for the warnings' advice). */
  let fileName = '';

  const seeCourse = (code: string, title: string | null, quarters: number, cadreId: number) => {
    const seen = courses.get(code);
    if (!seen) courses.set(detached(code), { title: title && detached(title), quarters });
    else {
      if (!seen.title && title) seen.title = detached(title);
      // A new course takes the largest hours any row gives it, whatever the row order.
      if (quarters > seen.quarters) seen.quarters = quarters;
    }
    if (touched.size <= 100) touched.add(cadreId);
  };

  const kind: ImportKind = {
    kind: 'hours',
    command: 'import-hours',
    spec: HOURS_SPEC,
    stageDdl: STAGE_DDL.join('; '),
    stageInsert: '',
    checksReferences: true,
    parse(rec, env, p) {
      hoursColumn ||= rec.columnOf('hours') > 0;
      const cadre = env.cadre(rec, p);
      const code = readText(rec.cells.course_code, 64);
      if (!code.ok) p.add('course_code', code.reason);
      const dated = env.datedInTerm(rec, 'completed_on', cadre, p);
      let quarters = 4;
      if (rec.columnOf('hours') > 0) {
        const h = parseHours(rec.cells.hours ?? '', maxQ / 4);
        if (h.ok) quarters = h.value;
        else p.add('hours', h.reason);
      }
      let title: string | null = null;
      const rawTitle = rec.cells.course_title;
      if (rawTitle !== undefined && rawTitle.trim() !== '') {
        const t = readText(rawTitle, 200);
        if (t.ok) title = t.value;
        else p.add('course_title', t.reason);
      }
      if (!p.ok || !cadre || !code.ok || !dated || !dated.term) return null;
      seeCourse(code.value, title, quarters, cadre.id);
      lastTerm = dated.term;
      return [cadre.id, code.value, dated.date, quarters, rec.line, dated.term.windowStart, dated.term.windowEnd];
    },
    collector(db, header) {
      hoursColumn ||= header.keys.includes('hours');
      fileName = header.file;
      return new HoursCollector(db, header, ctx, maxQ, sortedRows, options.fast !== false, {
        seeCourse,
        takeTerm: () => {
          const t = lastTerm;
          lastTerm = null;
          return t;
        },
        done: (s) => {
          staged = s;
          if (s.conflictCount) {
            const list = s.conflicts.map((c) => ctx.tr.t('hours.conflictPair', { line: c.line, hours: c.quarters / 4, kept: c.keptLine, keptHours: c.keptQuarters / 4 }));
            ctx.warn(ctx.tr.t('hours.conflicts', { count: s.conflictCount, list: list.join(ctx.tr.lang === 'zh' ? '；' : '; ') }));
          }
        },
      });
    },
    countNew(db) {
      if (!staged) throw new Error('import-hours: no stage');
      if (staged.runs <= 1) {
        // Nothing on file: every (cadre, course, term) group of the file is new.
        if (!db.prepare('SELECT EXISTS (SELECT 1 FROM hours) AS x').pluck().get()) return staged.groups;
        return db
          .prepare(
            `SELECT COUNT(*) FROM ${STAGED} WHERE s.tf & ${LEAD}
               AND NOT EXISTS (SELECT 1 FROM hours h WHERE h.cadre_id = s.cadre_id AND h.course_code = c.code
                               AND h.completed_on BETWEEN t.term_start AND t.term_end)`,
          )
          .pluck()
          .get() as number;
      }
      return db
        .prepare(
          `SELECT COUNT(*) FROM (SELECT s.cadre_id, c.code, t.term_start, t.term_end FROM ${STAGED} GROUP BY s.cadre_id, c.code, s.tf >> 2) g
           WHERE NOT EXISTS (SELECT 1 FROM hours h WHERE h.cadre_id = g.cadre_id AND h.course_code = g.code
                             AND h.completed_on BETWEEN g.term_start AND g.term_end)`,
        )
        .pluck()
        .get() as number;
    },
    countsOnCommit: true,
    dryRunNotes(db) {
      if (!staged) throw new Error('import-hours: no stage');
      registerCourses(db, courses, hoursColumn, ctx, false);
      const found = new OtherHours();
      const sorted = staged.runs <= 1;
      for (const [id, line, quarters, stored] of db
        .prepare(
          sorted
            ? `SELECT h.id, s.line, s.quarters, h.quarters FROM ${STAGED_ROWS}
               ${ON_FILE}
               WHERE s.tf & ${KEY_FIRST} AND h.quarters <> s.quarters ORDER BY s.line`
            : `SELECT h.id, MIN(s.line), MAX(s.quarters), h.quarters FROM ${STAGED_ROWS}
               ${ON_FILE}
               GROUP BY h.id HAVING MAX(s.quarters) <> h.quarters ORDER BY MIN(s.line)`,
        )
        .raw()
        .iterate() as Iterable<[number, number, number, number]>) {
        found.add(id, line, quarters, stored);
      }
      if (found.count) reportOtherHours(db, ctx, found, fileName, null, !!options.replaceHours);
    },
    commit(db, batchId) {
      if (!staged) throw new Error('import-hours: no stage');
      registerCourses(db, courses, hoursColumn, ctx, true);
      checkReferences(db, staged, batchId);
      const hadRows = db.prepare('SELECT EXISTS (SELECT 1 FROM hours) AS x').pluck().get() as number;
      const sorted = staged.runs <= 1;
      let vouched = 0;
      if (hadRows && batchId !== null) {
        // Rows already on file (from other batches or entered by hand): this batch vouches for them too,
        // with the first line that carried each. Done before the new rows go in, so every match is an old row.
        // A row with other hours than the record's is passed to a function as it goes by (the only rows that
        // cost a call): it is never dropped silently.
        const found = new OtherHours();
        db.function('cadre_other_hours', (id: number, line: number, quarters: number, stored: number) => {
          found.add(id, line, quarters, stored);
          return line;
        });
        vouched = db
          .prepare(
            sorted
              ? `INSERT OR IGNORE INTO record_sources (kind, record_id, batch_id, line)
                 SELECT 'hours', h.id, ?, CASE WHEN h.quarters = s.quarters THEN s.line ELSE cadre_other_hours(h.id, s.line, s.quarters, h.quarters) END
                 FROM ${STAGED_ROWS}
                 ${ON_FILE}
                 WHERE s.tf & ${KEY_FIRST}`
              : `INSERT OR IGNORE INTO record_sources (kind, record_id, batch_id, line)
                 SELECT 'hours', h.id, ?, CASE WHEN h.quarters = MAX(s.quarters) THEN MIN(s.line) ELSE cadre_other_hours(h.id, MIN(s.line), MAX(s.quarters), h.quarters) END
                 FROM ${STAGED_ROWS}
                 ${ON_FILE}
                 GROUP BY h.id`,
          )
          .run(batchId).changes;
        if (found.count) {
          reportOtherHours(db, ctx, found, fileName, batchId, !!options.replaceHours);
          keepOtherHours(db, found, batchId, !!options.replaceHours);
        }
      }
      // Every distinct key already on file: nothing new (each group has a record on one of its own
      // dates, so in its term), nothing to insert, and no group needs looking up again.
      if (sorted && vouched === staged.keys) return 0;
      // Counted before the new rows go in: a group is new when its term holds no record of the course.
      const fresh = kind.countNew(db);
      db.prepare(
        sorted
          ? `INSERT OR IGNORE INTO hours (cadre_id, course_code, completed_on, quarters, batch_id, line, entered_by)
             SELECT s.cadre_id, c.code, d.day, s.quarters, ?, s.line, ? FROM ${STAGED_ROWS} WHERE s.tf & ${KEY_FIRST} ORDER BY s.rowid`
          : `INSERT OR IGNORE INTO hours (cadre_id, course_code, completed_on, quarters, batch_id, line, entered_by)
             SELECT s.cadre_id, c.code, d.day, s.quarters, ?, s.line, ? FROM ${STAGED_ROWS} ORDER BY s.cadre_id, c.code, d.day, s.quarters DESC, s.line`,
      ).run(batchId, ctx.operator);
      return fresh;
    },
    touched(db) {
      if (touched.size > 100) return [];
      const learnerId = db.prepare('SELECT learner_id FROM cadres WHERE id = ?').pluck();
      return [...touched].map((id) => learnerId.get(id) as string);
    },
  };
  return kind;
}

/**
 * The write runs with SQLite's row-by-row foreign-key checks off (they cost
 * as much as the insert itself); these checks, inside the same transaction,
 * vouch for every reference the new rows make instead: each cadre, each
 * course code and the batch. A failure aborts the transaction like a foreign
 * key would.
 */
function checkReferences(db: DB, staged: Staged, batchId: number | null): void {
  const cadre = db.prepare('SELECT 1 FROM cadres WHERE id = ?').pluck();
  const missing: string[] = [];
  for (const id of staged.cadreIds) if (!cadre.get(id)) missing.push(`cadre ${id}`);
  const codes = db.prepare('SELECT c.code FROM temp.stage_codes c WHERE NOT EXISTS (SELECT 1 FROM courses WHERE code = c.code) LIMIT 5').pluck().all() as string[];
  for (const code of codes) missing.push(`course ${code}`);
  if (batchId !== null && !db.prepare('SELECT 1 FROM batches WHERE id = ?').pluck().get(batchId)) missing.push(`batch ${batchId}`);
  if (missing.length) {
    throw Object.assign(new Error(`FOREIGN KEY constraint failed (hours: ${missing.join(', ')})`), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  }
}

interface CollectorHooks {
  seeCourse(code: string, title: string | null, quarters: number, cadreId: number): void;
  takeTerm(): Term | null;
  done(staged: Staged): void;
}

/** A stored date that is not a plain ISO date. */
const ODD_DAY = -2147483648;

/** The day number of an ISO date, or ODD_DAY when the text is not exactly one. */
function exactDay(iso: string): number {
  if (!/^[1-9]\d{3}-\d{2}-\d{2}$/.test(iso)) return ODD_DAY;
  const n = dayNumber(iso);
  return fromDayNumber(n) === iso ? n : ODD_DAY;
}

/** A title cell that is not plainly valid (parse() decides). */
const BAD_TITLE = Symbol('bad title');

/**
 * Takes the valid rows of one hours file: the roster as byte tables and
 * typed arrays, the quick checks of plain rows, the packed store and the
 * sorted stage.
 *
 * A cadre is a slot: its id, name bytes, appointments and (once met) its
 * term windows as day numbers. A staff number or learner ID in the byte
 * tables counts only once parseIdentifier has read it back as itself.
 */
class HoursCollector implements RowCollector {
  readonly taker?: { take: (buf: Buffer, starts: Int32Array, ends: Int32Array, n: number, line: number) => boolean };
  taken = 0;
  private readonly rows: HourRows;
  private readonly codes = new Dictionary();
  /** 1 for the course codes of rows taken (the stage names only those: each must be in the catalogue). */
  private codeUsed = new Uint8Array(1 << 10);
  private readonly days = new Dictionary();
  /** Day numbers of the dates in `days`. */
  private dayNums = new Int32Array(1 << 10);
  private readonly policy: Policy;
  private readonly today: string;
  private readonly todayNum: number;
  private runs = 0;
  private groups = 0;
  private keys = 0;
  private readonly conflicts: Staged['conflicts'] = [];
  private conflictCount = 0;

  // The roster, by slot.
  private readonly slotId: Int32Array;
  /** 1 once the slot's staff number / learner ID has been checked with parseIdentifier; 2 when it failed. */
  private readonly staffChecked: Uint8Array;
  private readonly idChecked: Uint8Array;
  private readonly slotLeft: Int32Array;
  private readonly nameArena: Uint8Array;
  /** Offset of the name in nameArena; -1 when the name is not trim-stable (no plain match then). */
  private readonly nameAt: Int32Array;
  private readonly nameLen: Int32Array;
  private readonly apptAt: Int32Array;
  private readonly apptCount: Int32Array;
  private readonly apptRank: Uint8Array;
  private readonly apptDay: Int32Array;
  /** The day the appointment's series ended with a leaving before a re-appointment (-1: none). */
  private readonly apptLeft: Int32Array;
  private readonly slotOfId: Int32Array;
  private readonly staffBytes: ByteIntern;
  private readonly idBytes: ByteIntern;
  /** Term windows, numbered per slot in order (a cadre's terms get consecutive numbers), as day numbers. */
  private termFrom = new Int32Array(1 << 10);
  private termTo = new Int32Array(1 << 10);
  private terms = 0;
  /** Per slot: the number of its first term (-1: not computed yet), and how many it has. */
  private readonly termBase: Int32Array;
  private readonly termCount: Int32Array;
  private readonly slotsMet: number[] = [];

  // Column positions (-1: absent), and the width of a row.
  private readonly width: number;
  private readonly iId: number;
  private readonly iStaff: number;
  private readonly iName: number;
  private readonly iCode: number;
  private readonly iDate: number;
  private readonly iHours: number;
  private readonly iTitle: number;

  // The exact checks of the other cells, remembered per distinct cell (-1 / BAD_TITLE: not plainly valid).
  private readonly code: (raw: string) => number;
  private readonly day: (raw: string) => number;
  private readonly hours: (raw: string) => number;
  private readonly title: (raw: string) => string | null | typeof BAD_TITLE;
  private readonly codeBytes = new ByteIntern(MEMO_LIMIT);
  private readonly dayBytes = new ByteIntern(MEMO_LIMIT);
  private readonly hoursBytes = new ByteIntern(MEMO_LIMIT);
  /** Per course code index: the bytes of the last title cell seen with it, and what it gave. */
  private readonly lastTitleBytes: (Uint8Array | undefined)[] = [];
  private readonly lastTitle: (string | null)[] = [];
  private readonly unknown = () => -1;

  constructor(
    private readonly db: DB,
    header: TableHeader,
    ctx: Context,
    maxQ: number,
    private readonly sortedRows: number,
    private readonly accelerate: boolean,
    private readonly hooks: CollectorHooks,
  ) {
    if (accelerate) this.taker = { take: (buf, starts, ends, n, line) => this.takeBytes(buf, starts, ends, n, line) };
    this.rows = new HourRows(maxQ > 0xffff);
    this.policy = ctx.policy();
    this.today = ctx.today();
    this.todayNum = dayNumber(this.today);
    const at = (key: string) => header.keys.indexOf(key);
    this.width = header.names.length;
    this.iId = at('learner_id');
    this.iStaff = at('staff_no');
    this.iName = at('name');
    this.iCode = at('course_code');
    this.iDate = at('completed_on');
    this.iHours = at('hours');
    this.iTitle = at('course_title');

    // The roster, read once into typed arrays (no object per cadre).
    const count = db.prepare('SELECT COUNT(*) FROM cadres').pluck().get() as number;
    const maxId = db.prepare('SELECT COALESCE(MAX(id), 0) FROM cadres').pluck().get() as number;
    this.slotId = new Int32Array(count);
    this.staffChecked = new Uint8Array(count);
    this.idChecked = new Uint8Array(count);
    this.slotLeft = new Int32Array(count);
    this.nameAt = new Int32Array(count);
    this.nameLen = new Int32Array(count);
    this.apptAt = new Int32Array(count);
    this.apptCount = new Int32Array(count);
    this.termBase = new Int32Array(count).fill(-1);
    this.termCount = new Int32Array(count);
    this.slotOfId = new Int32Array(maxId + 1).fill(-1);
    this.staffBytes = new ByteIntern(count + MEMO_LIMIT);
    this.idBytes = new ByteIntern(count + MEMO_LIMIT);
    const names: Buffer[] = [];
    let nameBytes = 0;
    let k = 0;
    for (const [id, learnerId, staffNo, name, leftOn] of db
      .prepare('SELECT id, learner_id, staff_no, name, left_on FROM cadres ORDER BY id')
      .raw()
      .iterate() as Iterable<[number, string, string, string, string | null]>) {
      if (k === count || id > maxId) break;
      this.slotId[k] = id;
      this.slotOfId[id] = k;
      // A date that does not read back as itself (never so in a database this tool wrote) leaves the cadre to parse().
      this.slotLeft[k] = leftOn === null ? -1 : exactDay(leftOn);
      this.staffBytes.put(Buffer.from(staffNo, 'utf8'), k);
      this.idBytes.put(Buffer.from(learnerId, 'utf8'), k);
      if (name.trim() === name) {
        const b = Buffer.from(name, 'utf8');
        this.nameAt[k] = nameBytes;
        this.nameLen[k] = b.length;
        names.push(b);
        nameBytes += b.length;
      } else {
        this.nameAt[k] = -1;
      }
      k++;
    }
    this.nameArena = new Uint8Array(nameBytes);
    let o = 0;
    for (const b of names) {
      this.nameArena.set(b, o);
      o += b.length;
    }
    const apptTotal = db.prepare('SELECT COUNT(*) FROM appointments').pluck().get() as number;
    this.apptRank = new Uint8Array(apptTotal);
    this.apptDay = new Int32Array(apptTotal);
    this.apptLeft = new Int32Array(apptTotal);
    let a = 0;
    let last = -1;
    for (const [cadreId, rank, appointedOn, apptLeft] of db
      .prepare('SELECT cadre_id, rank, appointed_on, left_on FROM appointments ORDER BY cadre_id, appointed_on')
      .raw()
      .iterate() as Iterable<[number, Rank, string, string | null]>) {
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

    this.code = memo((raw) => {
      const r = readText(raw, 64);
      return r.ok ? this.codes.id(r.value) : -1;
    });
    this.day = memo((raw) => {
      const r = parseDate(raw);
      return r.ok ? this.dayId(r.value) : -1;
    });
    this.hours = memo((raw) => {
      const r = parseHours(raw, maxQ / 4);
      return r.ok ? r.value : -1;
    });
    this.title = memo((raw) => {
      if (raw.trim() === '') return null;
      const t = readText(raw, 200);
      return t.ok ? t.value : BAD_TITLE;
    });
    db.exec(DROP_STAGE);
    for (const ddl of STAGE_DDL) db.exec(ddl);
  }

  /** A row decoded to strings (one with quotes, say): the same checks, on its cells' bytes. */
  fast(fields: string[], line: number): boolean {
    if (!this.accelerate || fields.length !== this.width) return false;
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
    if (!this.takeBytes(buf, starts, ends, fields.length, line)) return false;
    // takeBytes counted it with the rows taken as bytes; the pipeline counts this one itself.
    this.taken--;
    return true;
  }

  /** The slot named by a staff number / learner ID cell, or -1 when the cell is not plainly one on the roster. */
  private cadreSlot(buf: Buffer, s: number, e: number, intern: ByteIntern, checked: Uint8Array, kind: 'staff_no' | 'learner_id'): number {
    const slot = intern.get(buf, s, e, this.unknown);
    if (slot < 0) return -1;
    if (checked[slot] === 0) {
      const raw = buf.toString('utf8', s, e);
      const r = parseIdentifier(raw, kind);
      checked[slot] = r.ok && r.value === raw ? 1 : 2;
    }
    return checked[slot] === 1 ? slot : -1;
  }

  /** RowEnv.cadre, datedInTerm and the cell checks of parse(), on a plain row's bytes: true when the row is valid and taken. */
  private takeBytes(buf: Buffer, starts: Int32Array, ends: Int32Array, n: number, line: number): boolean {
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
    if (this.iName >= 0 && starts[this.iName] < ends[this.iName]) {
      const o = this.nameAt[slot];
      if (o < 0 || !sameBytes(buf, starts[this.iName], ends[this.iName], this.nameArena, o, this.nameLen[slot])) return false;
    }
    const code = this.codeBytes.get(buf, starts[this.iCode], ends[this.iCode], this.code);
    if (code < 0) return false;
    const day = this.dayBytes.get(buf, starts[this.iDate], ends[this.iDate], this.day);
    if (day < 0) return false;
    const num = this.dayNums[day];
    if (num > this.todayNum) return false;
    if (this.termOf(slot, num) < 0) return false;
    let quarters = 4;
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
    const id = this.slotId[slot];
    this.hooks.seeCourse(this.codes.list[code], title, quarters, id);
    this.take(id, code, day, quarters, line);
    this.taken++;
    return true;
  }

  add(values: unknown[]): void {
    const [cadreId, code, date, quarters, line] = values as [number, string, string, number, number];
    const term = this.hooks.takeTerm();
    const slot = cadreId < this.slotOfId.length ? this.slotOfId[cadreId] : -1;
    if (!term || slot < 0) throw new Error('import-hours: a row without its cadre or term');
    // The term is found again from the date when the rows are staged: it must be the same one.
    const day = this.dayId(date);
    const t = this.termOf(slot, this.dayNums[day]);
    if (t < 0 || this.termFrom[t] !== dayNumber(term.windowStart) || this.termTo[t] !== dayNumber(term.windowEnd)) {
      throw new Error('import-hours: terms disagree');
    }
    this.take(cadreId, this.codes.id(code), day, quarters, line);
  }

  finish(): void {
    this.flush();
    this.hooks.done({ runs: this.runs, groups: this.groups, keys: this.keys, cadreIds: this.slotsMet.map((s) => this.slotId[s]), conflicts: this.conflicts, conflictCount: this.conflictCount });
  }

  private dayId(date: string): number {
    const id = this.days.id(date);
    if (id >= this.dayNums.length) this.dayNums = grown(this.dayNums, id + 1);
    this.dayNums[id] = dayNumber(date);
    return id;
  }

  /** The number of the slot's term holding day `num` (as RowEnv.termOfDate: the latest that holds it), -1 for none. */
  private termOf(slot: number, num: number): number {
    let base = this.termBase[slot];
    if (base < 0) base = this.computeTerms(slot);
    for (let i = base + this.termCount[slot] - 1; i >= base; i--) {
      if (num >= this.termFrom[i] && num <= this.termTo[i]) return i;
    }
    return -1;
  }

  /** The slot's terms as RowEnv.termsOf has them (the same function on the same service record), kept as day numbers. */
  private computeTerms(slot: number): number {
    const appointments = [];
    let odd = this.slotLeft[slot] === ODD_DAY;
    for (let a = this.apptAt[slot]; a < this.apptAt[slot] + this.apptCount[slot]; a++) {
      odd ||= this.apptDay[a] === ODD_DAY || this.apptRank[a] === 2 || this.apptLeft[a] === ODD_DAY;
      const rank = (this.apptRank[a] === 1 ? 'division' : 'section') as Rank;
      const appointedOn = fromDayNumber(this.apptDay[a]);
      appointments.push(this.apptLeft[a] < 0 ? { rank, appointedOn } : { rank, appointedOn, leftOn: fromDayNumber(this.apptLeft[a]) });
    }
    const left = this.slotLeft[slot];
    // An odd record gets no terms here: its rows all go through parse().
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

  private take(cadre: number, code: number, day: number, quarters: number, line: number): void {
    if (this.rows.n === this.sortedRows) this.flush();
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
    const cols = '(?, ?, ?, ?, ?)';
    const insertOne = db.prepare(`INSERT INTO temp.stage VALUES ${cols}`);
    const insertMany = db.prepare(`INSERT INTO temp.stage VALUES ${new Array(STAGE_BATCH).fill(cols).join(', ')}`);
    const params: number[] = new Array(STAGE_BATCH * 5);
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
        if (!sameGroup || day !== pDay) {
          flags |= KEY_FIRST;
          this.keys++;
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
          insertMany.run(params);
          k = 0;
        }
      }
      for (let j = 0; j < k; j += 5) insertOne.run(params.slice(j, j + 5));
      // The dictionaries as they stand (they only grow; earlier runs' entries stay the same).
      const codes = db.prepare('INSERT OR REPLACE INTO temp.stage_codes VALUES (?, ?)');
      this.codes.list.forEach((v, i) => {
        if (this.codeUsed[i]) codes.run(i, v);
      });
      const days = db.prepare('INSERT OR REPLACE INTO temp.stage_days VALUES (?, ?)');
      this.days.list.forEach((v, i) => days.run(i, v));
      const terms = db.prepare('INSERT OR REPLACE INTO temp.stage_terms VALUES (?, ?, ?)');
      for (let i = 0; i < this.terms; i++) terms.run(i, fromDayNumber(this.termFrom[i]), fromDayNumber(this.termTo[i]));
    });
    write();
    perm = new Uint32Array(0);
    r.clear();
  }
}

/**
 * A course code the catalogue does not know is registered with the row's
 * hours when the file has an hours column, else with a placeholder of 1 hour;
 * a title fills in a course registered without one. A course on file whose
 * hours are a placeholder takes the file's (the largest its rows give), with
 * a note; one whose hours were set with `require --hours` keeps them, with a
 * warning when the file gives others. `write` false: only the notes (dry run).
 */
function registerCourses(db: DB, courses: Map<string, CourseSeen>, hoursColumn: boolean, ctx: Context, write: boolean): void {
  const current = db.prepare('SELECT title, quarters, hours_source AS source FROM courses WHERE code = ?');
  const insert = db.prepare('INSERT INTO courses (code, title, quarters, created_at, hours_source) VALUES (?, ?, ?, ?, ?)');
  const setTitle = db.prepare('UPDATE courses SET title = ? WHERE code = ? AND title IS NULL');
  const setHours = db.prepare("UPDATE courses SET quarters = ?, hours_source = 'import' WHERE code = ?");
  const now = localTimestamp(ctx.now());
  const untitled: string[] = [];
  const replaced: string[] = [];
  const disagree: string[] = [];
  const h = (q: number) => formatQuarters(q);
  for (const [code, c] of courses) {
    const row = current.get(code) as { title: string | null; quarters: number; source: string } | undefined;
    if (!row) {
      if (write) insert.run(code, c.title, hoursColumn ? c.quarters : 4, now, hoursColumn ? 'import' : 'placeholder');
      if (!c.title) untitled.push(code);
      continue;
    }
    if (write && row.title === null && c.title) setTitle.run(c.title, code);
    if (!hoursColumn) continue;
    if (row.source === 'placeholder') {
      if (write) setHours.run(c.quarters, code);
      if (c.quarters !== row.quarters) replaced.push(ctx.tr.t('hours.courseChange', { code: forTerminal(code), from: h(row.quarters), to: h(c.quarters) }));
    } else if (row.source === 'require' && c.quarters !== row.quarters) {
      disagree.push(ctx.tr.t('hours.courseChange', { code: forTerminal(code), from: h(row.quarters), to: h(c.quarters) }));
    }
  }
  const sep = ctx.tr.lang === 'zh' ? '、' : ', ';
  const list = (items: string[]) => items.slice(0, 20).join(sep) + (items.length > 20 ? ctx.tr.t('hours.andMore', { count: items.length - 20 }) : '');
  if (untitled.length && write) ctx.warn(ctx.tr.t('import.coursesUntitled', { count: untitled.length, codes: untitled.slice(0, 10).map((c) => forTerminal(c)).join(', ') }));
  if (replaced.length) ctx.warn(ctx.tr.t('hours.placeholderReplaced', { count: replaced.length, list: list(replaced) }));
  if (disagree.length) ctx.warn(ctx.tr.t('hours.requireDisagrees', { count: disagree.length, list: list(disagree) }));
}

/**
 * Rows of the file whose (cadre, course, date) is on file with other hours:
 * every record, its line and both hours (the first few are worded).
 */
class OtherHours {
  count = 0;
  readonly ids: number[] = [];
  readonly lines: number[] = [];
  readonly quarters: number[] = [];
  readonly stored: number[] = [];
  add(id: number, line: number, quarters: number, stored: number): void {
    this.count++;
    this.ids.push(id);
    this.lines.push(line);
    this.quarters.push(quarters);
    this.stored.push(stored);
  }
}

/** The file name as a command line takes it (quoted when it has spaces or shell characters). */
function asArgument(file: string): string {
  const shown = forTerminal(file);
  return /[\s"'$&|;<>()`*?!#~]/.test(shown) ? `"${shown.replace(/(["$`\\])/g, '\\$1')}"` : shown;
}

/**
 * Warns about each row that gives other hours for a record on file: this
 * file's line and hours, the record's hours and source (batch, file, line,
 * time), and how to take this file's hours (or, with --replace-hours, how to
 * put the earlier ones back). `batchId` null: a dry run.
 */
function reportOtherHours(db: DB, ctx: Context, found: OtherHours, file: string, batchId: number | null, replace: boolean): void {
  const { t } = ctx.tr;
  const source = db.prepare(
    `SELECT c.learner_id AS learnerId, h.course_code AS code, h.completed_on AS date, h.batch_id AS batch, h.line AS line, b.file_name AS file, b.imported_at AS at
     FROM hours h JOIN cadres c ON c.id = h.cadre_id LEFT JOIN batches b ON b.id = h.batch_id WHERE h.id = ?`,
  );
  const order = found.lines.map((_, i) => i).sort((a, b) => found.lines[a] - found.lines[b]);
  const shown = Math.min(order.length, 20);
  const head = replace ? (batchId === null ? 'hours.otherHours.replaceDry' : 'hours.otherHours.replaced') : batchId === null ? 'hours.otherHours.keptDry' : 'hours.otherHours.kept';
  ctx.warn(t(head, { count: found.count, file: forTerminal(file), batch: batchId ?? '', arg: asArgument(file) }));
  for (let k = 0; k < shown; k++) {
    const i = order[k];
    const r = source.get(found.ids[i]) as { learnerId: string; code: string; date: string; batch: number | null; line: number | null; file: string | null; at: string | null };
    const from =
      r.batch === null
        ? t('hours.otherHours.byHand')
        : t('hours.otherHours.batch', { batch: r.batch, file: forTerminal(r.file ?? ''), line: r.line ?? '?', at: r.at ?? '?' });
    ctx.warn(
      t('hours.otherHours.row', {
        file: forTerminal(file),
        line: found.lines[i],
        id: r.learnerId,
        code: forTerminal(r.code),
        date: r.date,
        hours: formatQuarters(found.quarters[i]),
        stored: formatQuarters(found.stored[i]),
        from,
      }),
    );
  }
  if (found.count > shown) ctx.warn(t('error.moreProblems', { count: found.count - shown }));
}

/**
 * Records what this batch said about the records it gave other hours for.
 * Without --replace-hours the record keeps its hours and this batch's
 * voucher remembers its own (so undoing the record's batch leaves the hours
 * this one gave). With it, the record takes this batch's hours and line, and
 * its earlier source becomes a voucher that remembers the earlier hours (so
 * undoing this batch puts them back).
 */
function keepOtherHours(db: DB, found: OtherHours, batchId: number, replace: boolean): void {
  const remember = db.prepare('INSERT OR REPLACE INTO voucher_hours (record_id, batch_id, quarters) VALUES (?, ?, ?)');
  const record = db.prepare('SELECT quarters, batch_id AS batch, line FROM hours WHERE id = ?');
  // The other vouchers gave the record's hours until now: they keep them.
  const keepOthers = db.prepare(
    `INSERT OR IGNORE INTO voucher_hours (record_id, batch_id, quarters)
     SELECT record_id, batch_id, ? FROM record_sources WHERE kind = 'hours' AND record_id = ? AND batch_id <> ?`,
  );
  const vouch = db.prepare("INSERT OR IGNORE INTO record_sources (kind, record_id, batch_id, line) VALUES ('hours', ?, ?, ?)");
  const unvouch = db.prepare("DELETE FROM record_sources WHERE kind = 'hours' AND record_id = ? AND batch_id = ?");
  const take = db.prepare('UPDATE hours SET quarters = ?, batch_id = ?, line = ? WHERE id = ?');
  const same = db.prepare('DELETE FROM voucher_hours WHERE record_id = ? AND quarters = ?');
  for (let i = 0; i < found.count; i++) {
    const id = found.ids[i];
    const r = replace ? (record.get(id) as { quarters: number; batch: number | null; line: number | null }) : null;
    if (!r || r.batch === null) {
      remember.run(id, batchId, found.quarters[i]);
      continue;
    }
    keepOthers.run(r.quarters, id, batchId);
    vouch.run(id, r.batch, r.line ?? 0);
    remember.run(id, r.batch, r.quarters);
    unvouch.run(id, batchId);
    take.run(found.quarters[i], batchId, found.lines[i], id);
    same.run(id, found.quarters[i]);
  }
}

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [files, opts] = args as [string[], { skipInvalid?: boolean; dryRun?: boolean; replaceHours?: boolean }];
  return runImports(files, opts, ctx, () => hoursImport(ctx, { replaceHours: !!opts.replaceHours }));
}
