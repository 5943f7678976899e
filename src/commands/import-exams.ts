/** `cadre import-exams FILE…` and the kind shared with `record-exam`. */
import type { Statement } from 'better-sqlite3';
import type { Context } from '../cli/context.js';
import { formatTenths } from '../core/decimal.js';
import { parseScore } from '../core/values.js';
import { msg } from '../errors.js';
import { readText } from '../import/cells.js';
import { CADRE_COLUMNS } from '../import/columns.js';
import { runImports, type ImportKind, type ImportOptions } from '../import/pipeline.js';
import { countNewExact, recordVouchers } from '../import/stage-sql.js';

export const EXAMS_SPEC = {
  columns: [
    ...CADRE_COLUMNS,
    { key: 'exam', aliases: ['考试名称', '考试', '摸底考试', 'exam name'] },
    { key: 'taken_on', aliases: ['日期', '考试日期', 'date', 'taken'] },
    { key: 'score', aliases: ['成绩', '分数', '得分'] },
  ],
  required: ['exam', 'taken_on', 'score'],
  oneOf: [['learner_id', 'staff_no']],
};

export function examsImport(ctx: Context): ImportKind {
  const touched = new Set<string>();
  const seenInFile = new Map<string, number>();
  let scoreOnFile: Statement | undefined;
  return {
    kind: 'exams',
    command: 'import-exams',
    spec: EXAMS_SPEC,
    stageDdl: 'CREATE TEMP TABLE stage (cadre_id INTEGER, exam TEXT, taken_on TEXT, score_tenths INTEGER, line INTEGER)',
    stageInsert: 'INSERT INTO temp.stage VALUES (?, ?, ?, ?, ?)',
    parse(rec, env, p) {
      const cadre = env.cadre(rec, p);
      const exam = readText(rec.cells.exam, 200);
      if (!exam.ok) p.add('exam', exam.reason);
      const dated = env.datedInTerm(rec, 'taken_on', cadre, p);
      const score = parseScore(rec.cells.score ?? '');
      if (!score.ok) p.add('score', score.reason);
      if (!p.ok || !cadre || !exam.ok || !dated || !score.ok) return null;
      // The same exam on the same day with another score is a conflict, not a duplicate.
      const key = `${cadre.id}\u0000${exam.value}\u0000${dated.date}`;
      const earlier = seenInFile.get(key);
      scoreOnFile ??= ctx.db().prepare('SELECT score_tenths FROM exams WHERE cadre_id = ? AND exam = ? AND taken_on = ?');
      const onFile = scoreOnFile.get(cadre.id, exam.value, dated.date) as { score_tenths: number } | undefined;
      const other = onFile?.score_tenths ?? earlier;
      if (other !== undefined && other !== score.value) {
        p.add('score', msg('exam.conflict', { exam: exam.value, date: dated.date, score: formatTenths(other) }), msg('exam.fix.conflict'));
        return null;
      }
      seenInFile.set(key, score.value);
      if (touched.size <= 100) touched.add(cadre.learnerId);
      return [cadre.id, exam.value, dated.date, score.value, rec.line];
    },
    countNew: (db) => countNewExact(db, 'exams', ['cadre_id', 'exam', 'taken_on']),
    commit(db, batchId) {
      db.prepare(
        `INSERT OR IGNORE INTO exams (cadre_id, exam, taken_on, score_tenths, batch_id, line, entered_by)
         SELECT cadre_id, exam, taken_on, score_tenths, ?, line, ? FROM temp.stage ORDER BY line`,
      ).run(batchId, ctx.operator);
      recordVouchers(db, 'exams', 'exams', ['cadre_id', 'exam', 'taken_on'], batchId);
    },
    touched: () => (touched.size <= 100 ? [...touched] : []),
  };
}

export interface ImportExamsOptions extends ImportOptions {
  files: string[];
}

export async function run(opts: ImportExamsOptions, ctx: Context): Promise<number> {
  const { files } = opts;
  return runImports(files, opts, ctx, () => examsImport(ctx));
}
