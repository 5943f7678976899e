/**
 * The hours import kind: weekly study-hour exports from the platform.
 *
 * - HOURS_CELLS: the rule of each cell, written once.
 * - parse(): one row, every problem worded (RowEnv finds the cadre and the term).
 * - The stage (hours-stage.ts): valid rows packed, sorted by key, staged in order.
 * - commit(): the catalogue (hours-courses.ts), other hours on file (hours-other.ts), the new rows.
 *
 * An accelerator (src/import/hours-fast/, given as the `fast` option) may
 * take plain rows before they become records; the kind works the same
 * without one. It declares the columns it carries: a header with a column of
 * HOURS_SPEC it does not carry gets none, and every row goes through parse().
 */
import type { Context } from '../../shell/context.js';
import type { IsoDate } from '../../core/dates.js';
import type { Term } from '../../core/terms.js';
import { findAnomalies } from '../../core/anomalies.js';
import { dayNumber } from '../../core/dates.js';
import { minuteOfDay, parseDate, parseDuration, parseHours, parseIdentifier, type Result } from '../../core/values.js';
import { addAnomalyDays, insertAnomalies, lastHourId, recordsToCheck } from '../../db/anomalies.js';
import { localTimestamp } from '../../local-time.js';
import { msg } from '../../errors.js';
import { batchExists, hoursOnFile, learnerIdsOf } from '../../db/hours.js';
import { countNewStagedGroups, HOURS_STAGE_DDL, insertStagedHours, markOldStagedGroups, stagedCadresNotOnFile, stagedCodesNotInCatalogue, stagedOtherHours, vouchForOldGroups } from '../../db/hours-stage.js';
import type { DB } from '../../db/open.js';
import { hoursAdded } from '../../db/record-span.js';
import type { ByteRowTaker, TableHeader } from '../../io/table.js';
import { readText } from '../cells.js';
import { HOURS_COLUMNS } from '../columns.js';
import type { ImportKind, RowCollector } from '../pipeline.js';
import { registerCourses, type CourseSeen } from './hours-courses.js';
import { keepOtherHours, OtherHours, reportOtherHours } from './hours-other.js';
import { detached } from './hours-rows.js';
import { HoursStage, SORTED_ROWS, type HoursSink, type Staged } from './hours-stage.js';

export { SORTED_ROWS } from './hours-stage.js';

export const HOURS_SPEC = HOURS_COLUMNS;

const NO_TITLE: Result<string | null> = { ok: true, value: null };

/**
 * The rule of each cell of an hours row: its value, or why it is wrong.
 * parse() reads the row's cells with these; an accelerator takes a row only
 * when these accept its cells (it may remember the result per distinct cell
 * text, never write a rule again). The IDs and the date are read by RowEnv,
 * which every import kind shares, with these same functions; it then finds
 * the cadre on the roster (and compares the name) and places the date in
 * one of the cadre's terms, not after today.
 */
export const HOURS_CELLS = {
  learner_id: (raw: string): Result<string> => parseIdentifier(raw, 'learner_id'),
  staff_no: (raw: string): Result<string> => parseIdentifier(raw, 'staff_no'),
  course_code: (raw: string): Result<string> => readText(raw, 64),
  completed_on: (raw: string): Result<IsoDate> => parseDate(raw),
  /** The minute of the day the date cell gives with its date (null: none), for a cell completed_on accepts. */
  completed_minute: (raw: string): number | null => minuteOfDay(raw),
  /** When the study began: a date with a time (blank: not given). */
  started_at: (raw: string): Result<{ date: IsoDate; minute: number } | null> => {
    if (raw.trim() === '') return { ok: true, value: null };
    const d = parseDate(raw);
    if (!d.ok) return d;
    const minute = minuteOfDay(raw);
    if (minute === null) return { ok: false, reason: msg('anomalies.started.noTime', { value: raw.trim() }) };
    return { ok: true, value: { date: d.value, minute } };
  },
  /** How long the study took, whole minutes (blank: not given). */
  studied: (raw: string): Result<number | null> => parseDuration(raw),
  /** Hours in quarters, at most the policy's per row. A file without the column gives 1 hour a row. */
  hours: (raw: string, maxQuarters: number): Result<number> => parseHours(raw, maxQuarters / 4),
  /** A blank title is none. */
  course_title: (raw: string): Result<string | null> => (raw.trim() === '' ? NO_TITLE : readText(raw, 200)),
} as const;

/** Hours a row gives when the file has no hours column (1 hour). */
export const DEFAULT_QUARTERS = 4;

/** An accelerator's work on one file: rows it takes go into the stage (HoursSink). */
export interface HoursFastPath extends ByteRowTaker {
  /** Rows taken by take() (plain rows as bytes). */
  readonly taken: number;
  /** A row decoded to strings (one with quotes, say): the same checks; true when taken. */
  fields(fields: string[], line: number): boolean;
  /** The file is read: what the fast path held to check rows can go (`taken` stays). */
  release(): void;
}

export interface HoursAccelerator {
  /** The columns of HOURS_SPEC whose rules it applies (a column the spec does not know, both paths ignore). */
  readonly carries: readonly string[];
  open(db: DB, header: TableHeader, sink: HoursSink, limits: { maxQuarters: number }): HoursFastPath;
}

/** Whether the accelerator carries every column of the header that HOURS_SPEC names. */
export function carriesHeader(accelerator: HoursAccelerator, header: TableHeader): boolean {
  return header.keys.every((k) => k === null || accelerator.carries.includes(k));
}

export interface HoursImportOptions {
  /** Rows sorted in memory per run (tests: smaller, to exercise several runs). */
  sortedRows?: number;
  /** --replace-hours: a row whose (cadre, course, date) is on file with other hours replaces them. */
  replaceHours?: boolean;
  /** The accelerator; none: every row goes through parse() (tests hold the two paths equal). */
  fast?: HoursAccelerator | null;
}

/** The stage as the pipeline's RowCollector, with the file's fast path, if any. */
class HoursCollector implements RowCollector {
  readonly taker?: ByteRowTaker;
  constructor(
    private readonly stage: HoursStage,
    private readonly fastPath: HoursFastPath | null,
    private readonly takeTerm: () => Term | null,
  ) {
    if (fastPath) this.taker = fastPath;
  }
  get taken(): number {
    return this.fastPath === null ? 0 : this.fastPath.taken;
  }
  fast(fields: string[], line: number): boolean {
    return this.fastPath !== null && this.fastPath.fields(fields, line);
  }
  add(values: unknown[]): void {
    this.stage.add(values, this.takeTerm());
  }
  finish(): void {
    this.fastPath?.release();
    this.stage.finish();
  }
}

export function hoursImport(ctx: Context, options: HoursImportOptions = {}): ImportKind {
  const courses = new Map<string, CourseSeen>();
  /** Internal ids of the first cadres touched (up to 101), for the journal. */
  const touched = new Set<number>();
  const maxQ = ctx.policy().maxQuarterHoursPerRow;
  const sortedRows = options.sortedRows ?? SORTED_ROWS;
  const replace = !!options.replaceHours;
  let hoursColumn = false;
  /** The term of the row parse() last accepted. */
  let lastTerm: Term | null = null;
  /** Set by the collector once the stage is written. */
  let staged: Staged | null = null;
  /** The file as named on the command line (for the warnings' advice). */
  let fileName = '';

  const seeCourse = (code: string, title: string | null, quarters: number, cadreId: number) => {
    const seen = courses.get(code);
    if (!seen) courses.set(detached(code), { title: title && detached(title), quarters, least: quarters });
    else {
      if (!seen.title && title) seen.title = detached(title);
      // A new course takes the largest hours any row gives it, whatever the row order.
      if (quarters > seen.quarters) seen.quarters = quarters;
      if (quarters < seen.least) seen.least = quarters;
    }
    if (touched.size <= 100) touched.add(cadreId);
  };
  /**
   * The findings among the days the batch added records to, recorded in the same transaction; said on
   * stderr. Without records on file before, only the days the stage found over
   * the policy's hours and the days of rows with a time are looked at (a file of dates alone costs nothing).
   */
  const flagImplausible = (db: DB, batchId: number, before: number, allDays: boolean, hadRows: boolean) => {
    const s = stagedOrThrow();
    const rules = ctx.policy().anomalies;
    if (!allDays) addAnomalyDays(db, s.heavyDays);
    const found = findAnomalies(recordsToCheck(db, before, allDays, rules.sameMinuteCourses, rules.maxQuartersPerDay, hadRows), rules);
    const n = insertAnomalies(db, found, batchId, localTimestamp(ctx.now()));
    if (n) ctx.warn(ctx.tr.t('anomalies.flagged', { count: n, batch: batchId }));
  };
  const stagedOrThrow = (): Staged => {
    if (!staged) throw new Error('import-hours: no stage');
    return staged;
  };

  const kind: ImportKind = {
    kind: 'hours',
    command: 'import-hours',
    spec: HOURS_SPEC,
    stageDdl: HOURS_STAGE_DDL,
    stageInsert: '',
    checksReferences: true,
    parse(rec, env, p) {
      hoursColumn ||= rec.columnOf('hours') > 0;
      const cadre = env.cadre(rec, p);
      const code = HOURS_CELLS.course_code(rec.cells.course_code ?? '');
      if (!code.ok) p.add('course_code', code.reason);
      const dated = env.datedInTerm(rec, 'completed_on', cadre, p);
      let quarters = DEFAULT_QUARTERS;
      if (rec.columnOf('hours') > 0) {
        const h = HOURS_CELLS.hours(rec.cells.hours ?? '', maxQ);
        if (h.ok) quarters = h.value;
        else p.add('hours', h.reason);
      }
      let title: string | null = null;
      const rawTitle = rec.cells.course_title;
      if (rawTitle !== undefined) {
        const t = HOURS_CELLS.course_title(rawTitle);
        if (t.ok) title = t.value;
        else p.add('course_title', t.reason);
      }
      const minute = HOURS_CELLS.completed_minute(rec.cells.completed_on ?? '');
      let studied: number | null = null;
      if (rec.cells.studied !== undefined) {
        const d = HOURS_CELLS.studied(rec.cells.studied);
        if (d.ok) studied = d.value;
        else p.add('studied', d.reason);
      }
      if (rec.cells.started_at !== undefined) {
        const st = HOURS_CELLS.started_at(rec.cells.started_at);
        if (!st.ok) p.add('started_at', st.reason);
        else if (st.value && dated && minute !== null) {
          const span = (dayNumber(dated.date) - dayNumber(st.value.date)) * 1440 + minute - st.value.minute;
          if (span < 0) p.add('started_at', msg('anomalies.started.after', { value: rec.cells.started_at.trim() }));
          // A duration the file gives is the platform's own measure; the span is the most the study can have taken.
          else if (studied === null) studied = span;
        }
      }
      if (!p.ok || !cadre || !code.ok || !dated || !dated.term) return null;
      seeCourse(code.value, title, quarters, cadre.id);
      lastTerm = dated.term;
      return [cadre.id, code.value, dated.date, quarters, rec.line, dated.term.windowStart, dated.term.windowEnd, minute, studied];
    },
    collector(db, header) {
      hoursColumn ||= header.keys.includes('hours');
      fileName = header.file;
      const stage = new HoursStage(db, ctx.policy(), ctx.today(), maxQ, sortedRows, {
        seeCourse,
        done: (s) => {
          staged = s;
          if (s.conflictCount) {
            const list = s.conflicts.map((c) => ctx.tr.t('hours.conflictPair', { line: c.line, hours: c.quarters / 4, kept: c.keptLine, keptHours: c.keptQuarters / 4 }));
            ctx.warn(ctx.tr.t('hours.conflicts', { count: s.conflictCount, list: list.join(ctx.tr.lang === 'zh' ? '；' : '; ') }));
          }
        },
      });
      const accelerator = options.fast ?? null;
      const fastPath = accelerator && carriesHeader(accelerator, header) ? accelerator.open(db, header, stage, { maxQuarters: maxQ }) : null;
      return new HoursCollector(stage, fastPath, () => {
        const t = lastTerm;
        lastTerm = null;
        return t;
      });
    },
    countNew(db) {
      const s = stagedOrThrow();
      // Nothing on file: every (cadre, course, term) group of the file is new.
      if (!hoursOnFile(db)) return s.groups;
      return countNewStagedGroups(db);
    },
    countsOnCommit: true,
    dryRunNotes(db) {
      const s = stagedOrThrow();
      const differs = registerCourses(db, courses, hoursColumn, ctx, false);
      if (differs && kind.countNew(db) > 0) ctx.warn(differs);
      const found = new OtherHours();
      for (const [id, line, quarters, stored] of stagedOtherHours(db)) found.add(id, line, quarters, stored);
      if (found.count) reportOtherHours(db, ctx, found, fileName, null, replace);
    },
    commit(db, batchId) {
      const s = stagedOrThrow();
      const differs = registerCourses(db, courses, hoursColumn, ctx, true);
      checkReferences(db, batchId);
      const hadRows = hoursOnFile(db);
      // Counted before the new rows go in: a group is new when its term holds no record of the course.
      // The others are kept (temp.stage_old): only their keys can be on file.
      const old = hadRows ? markOldStagedGroups(db) : 0;
      const fresh = s.groups - old;
      let vouched = 0;
      if (old > 0 && batchId !== null) {
        // Rows already on file (from other batches or entered by hand): this batch vouches for them too.
        // Done before the new rows go in, so every match is an old row.
        const found = new OtherHours();
        vouched = vouchForOldGroups(db, batchId, (id, line, quarters, stored) => found.add(id, line, quarters, stored));
        if (found.count) {
          reportOtherHours(db, ctx, found, fileName, batchId, replace);
          keepOtherHours(db, found, batchId, replace);
        }
      }
      // Every distinct key already on file: nothing new (each group has a record on one of its own
      // dates, so in its term), nothing to insert.
      if (vouched === s.keys) return 0;
      if (differs && fresh > 0) ctx.warn(differs);
      const before = lastHourId(db);
      insertStagedHours(db, batchId, ctx.operator);
      hoursAdded(db, before, s.firstDay);
      if (batchId !== null) flagImplausible(db, batchId, before, hadRows, hadRows);
      return fresh;
    },
    touched(db) {
      if (touched.size > 100) return [];
      return learnerIdsOf(db, touched);
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
function checkReferences(db: DB, batchId: number | null): void {
  const missing: string[] = [];
  for (const id of stagedCadresNotOnFile(db, 5)) missing.push(`cadre ${id}`);
  for (const code of stagedCodesNotInCatalogue(db, 5)) missing.push(`course ${code}`);
  if (batchId !== null && !batchExists(db, batchId)) missing.push(`batch ${batchId}`);
  if (missing.length) {
    throw Object.assign(new Error(`FOREIGN KEY constraint failed (hours: ${missing.join(', ')})`), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
  }
}
