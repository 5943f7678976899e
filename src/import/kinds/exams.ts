/** Exam results (摸底考试): the kind of `import-exams` and `record-exam`. */
import type { Context } from '../../shell/context.js';
import { formatTenths } from '../../core/decimal.js';
import { parseScore } from '../../core/values.js';
import { commitStagedExams, examScoreReader } from '../../db/exams.js';
import { msg } from '../../errors.js';
import { readText } from '../cells.js';
import { EXAMS_COLUMNS } from '../columns.js';
import type { ImportKind } from '../pipeline.js';
import { countNewExact, recordVouchers } from '../stage-sql.js';

export const EXAMS_SPEC = EXAMS_COLUMNS;

export function examsImport(ctx: Context): ImportKind {
  const touched = new Set<string>();
  const seenInFile = new Map<string, number>();
  let scoreOnFile: ReturnType<typeof examScoreReader> | undefined;
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
      scoreOnFile ??= examScoreReader(ctx.db());
      const other = scoreOnFile(cadre.id, exam.value, dated.date) ?? earlier;
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
      commitStagedExams(db, batchId, ctx.operator);
      recordVouchers(db, 'exams', 'exams', ['cadre_id', 'exam', 'taken_on'], batchId);
    },
    touched: () => (touched.size <= 100 ? [...touched] : []),
  };
}
