/** `cadre import-hours FILE…`: weekly study-hour exports from the platform. */
import type { Context } from '../cli/context.js';
import { parseHours } from '../core/values.js';
import type { DB } from '../db/open.js';
import { localTimestamp } from '../cli/context.js';
import { readText } from '../import/cells.js';
import { runImports, type ImportKind } from '../import/pipeline.js';
import { CADRE_COLUMNS } from '../import/columns.js';

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

export function hoursImport(ctx: Context): ImportKind {
  const courses = new Map<string, CourseSeen>();
  const touched = new Set<string>();
  const maxQ = ctx.policy().maxQuarterHoursPerRow;
  let hoursColumn = false;
  return {
    kind: 'hours',
    command: 'import-hours',
    spec: HOURS_SPEC,
    stageDdl: `CREATE TEMP TABLE stage (cadre_id INTEGER, course_code TEXT, completed_on TEXT, quarters INTEGER, line INTEGER, term_start TEXT, term_end TEXT)`,
    stageInsert: 'INSERT INTO temp.stage VALUES (?, ?, ?, ?, ?, ?, ?)',
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
      const seen = courses.get(code.value);
      if (!seen) courses.set(code.value, { title, quarters });
      else if (!seen.title && title) seen.title = title;
      if (touched.size <= 100) touched.add(cadre.learnerId);
      return [cadre.id, code.value, dated.date, quarters, rec.line, dated.term.windowStart, dated.term.windowEnd];
    },
    countNew(db) {
      return (
        db
          .prepare(
            `SELECT COUNT(*) AS n FROM (SELECT cadre_id, course_code, term_start, term_end FROM temp.stage GROUP BY cadre_id, course_code, term_start) g
             WHERE NOT EXISTS (SELECT 1 FROM hours h WHERE h.cadre_id = g.cadre_id AND h.course_code = g.course_code
                               AND h.completed_on BETWEEN g.term_start AND g.term_end)`,
          )
          .get() as { n: number }
      ).n;
    },
    commit(db, batchId) {
      registerCourses(db, courses, hoursColumn, ctx);
      const hadRows = db.prepare('SELECT EXISTS (SELECT 1 FROM hours) AS x').get() as { x: number };
      db.prepare(
        `INSERT OR IGNORE INTO hours (cadre_id, course_code, completed_on, quarters, batch_id, line, entered_by)
         SELECT cadre_id, course_code, completed_on, quarters, ?, line, ? FROM temp.stage
         ORDER BY cadre_id, course_code, completed_on, line`,
      ).run(batchId, ctx.operator);
      if (hadRows.x && batchId !== null) {
        // Rows already on file from another batch: this batch vouches for them too.
        db.prepare(
          `INSERT OR IGNORE INTO record_sources (kind, record_id, batch_id, line)
           SELECT 'hours', h.id, ?, MIN(s.line) FROM temp.stage s
           JOIN hours h ON h.cadre_id = s.cadre_id AND h.course_code = s.course_code AND h.completed_on = s.completed_on
           WHERE h.batch_id IS NOT ? GROUP BY h.id`,
        ).run(batchId, batchId);
      }
    },
    touched: () => (touched.size <= 100 ? [...touched] : []),
  };
}

/**
 * A course code the catalogue does not know is registered (with the row's
 * hours when the file has an hours column, else 1 hour); a title fills in a
 * course registered without one.
 */
function registerCourses(db: DB, courses: Map<string, CourseSeen>, hoursColumn: boolean, ctx: Context): void {
  const insert = db.prepare('INSERT INTO courses (code, title, quarters, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET title = excluded.title WHERE courses.title IS NULL AND excluded.title IS NOT NULL');
  const exists = db.prepare('SELECT 1 FROM courses WHERE code = ?');
  const now = localTimestamp(ctx.now());
  const untitled: string[] = [];
  for (const [code, c] of courses) {
    const isNew = !exists.get(code);
    insert.run(code, c.title, hoursColumn ? c.quarters : 4, now);
    if (isNew && !c.title) untitled.push(code);
  }
  if (untitled.length) ctx.warn(ctx.tr.t('import.coursesUntitled', { count: untitled.length, codes: untitled.slice(0, 10).join(', ') }));
}

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [files, opts] = args as [string[], { skipInvalid?: boolean; dryRun?: boolean }];
  return runImports(files, opts, ctx, () => hoursImport(ctx));
}
