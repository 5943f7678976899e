/**
 * The course catalogue an hours file updates: a course code the catalogue
 * does not know is registered with the row's hours when the file has an
 * hours column, else with a placeholder of 1 hour; a title fills in a course
 * registered without one. A course on file whose hours are a placeholder
 * takes the file's (the largest its rows give), with a note; one whose hours
 * were set with `require --hours` keeps them, with a warning when the file
 * gives others. When the catalogue's hours of a course (from an earlier
 * import) and its rows' hours disagree, or the rows of a course disagree
 * among themselves, a warning says so once per course and file, with both figures
 * and which counts: each row's own hours for 平台学时, the catalogue's for
 * the required-course hours.
 */
import type { Context } from '../../shell/context.js';
import { localTimestamp } from '../../local-time.js';
import { formatQuarters } from '../../core/decimal.js';
import { forTerminal } from '../../core/text.js';
import { courseCatalogue } from '../../db/hours.js';
import type { DB } from '../../db/open.js';

/** A course the file's rows name: the first title given, the largest hours and the smallest. */
export interface CourseSeen {
  title: string | null;
  quarters: number;
  least: number;
}

/**
 * Registers and updates the courses (`write` false: only the notes, for a dry run). Returns the
 * warning that rows and catalogue disagree, for the caller to give when the file adds records
 * (a file all of whose rows are on file already was warned about when they were imported).
 */
export function registerCourses(db: DB, courses: Map<string, CourseSeen>, hoursColumn: boolean, ctx: Context, write: boolean): string | null {
  const catalogue = courseCatalogue(db);
  const now = localTimestamp(ctx.now());
  const untitled: string[] = [];
  const replaced: string[] = [];
  const disagree: string[] = [];
  /** Courses whose rows give hours other than the catalogue's (on file, or as this file registers them). */
  const differs: string[] = [];
  const h = (q: number) => formatQuarters(q);
  const rowsHours = (c: CourseSeen) => (c.least === c.quarters ? h(c.quarters) : ctx.tr.t('forgive.hours.range', { least: h(c.least), most: h(c.quarters) }));
  const differ = (code: string, c: CourseSeen, catalogueQ: number) => {
    if (c.least !== catalogueQ || c.quarters !== catalogueQ) differs.push(ctx.tr.t('forgive.hours.courseDiffers', { code: forTerminal(code), catalogue: h(catalogueQ), rows: rowsHours(c) }));
  };
  for (const [code, c] of courses) {
    const row = catalogue.get(code);
    if (!row) {
      if (write) catalogue.add(code, c.title, hoursColumn ? c.quarters : 4, now, hoursColumn ? 'import' : 'placeholder');
      if (!c.title) untitled.push(code);
      if (hoursColumn) differ(code, c, c.quarters);
      continue;
    }
    if (write && row.title === null && c.title) catalogue.fillTitle(code, c.title);
    if (!hoursColumn) continue;
    if (row.source === 'placeholder') {
      if (write) catalogue.setImportedHours(code, c.quarters);
      if (c.quarters !== row.quarters) replaced.push(ctx.tr.t('hours.courseChange', { code: forTerminal(code), from: h(row.quarters), to: h(c.quarters) }));
      differ(code, c, c.quarters);
    } else if (row.source === 'require' && c.quarters !== row.quarters) {
      disagree.push(ctx.tr.t('hours.courseChange', { code: forTerminal(code), from: h(row.quarters), to: h(c.quarters) }));
    } else if (row.source !== 'require') differ(code, c, row.quarters);
  }
  const sep = ctx.tr.lang === 'zh' ? '、' : ', ';
  const list = (items: string[]) => items.slice(0, 20).join(sep) + (items.length > 20 ? ctx.tr.t('hours.andMore', { count: items.length - 20 }) : '');
  if (untitled.length && write) ctx.warn(ctx.tr.t('import.coursesUntitled', { count: untitled.length, codes: untitled.slice(0, 10).map((c) => forTerminal(c)).join(', ') }));
  if (replaced.length) ctx.warn(ctx.tr.t('hours.placeholderReplaced', { count: replaced.length, list: list(replaced) }));
  if (disagree.length) ctx.warn(ctx.tr.t('hours.requireDisagrees', { count: disagree.length, list: list(disagree) }));
  return differs.length ? ctx.tr.t('forgive.hours.catalogueDisagrees', { count: differs.length, list: list(differs) }) : null;
}
