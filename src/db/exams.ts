/** Exam results (摸底考试), scores in integer tenths. */
import type { DB } from './open.js';

/** Reads the score on file for a cadre's exam on a day (undefined: none); one statement for many reads. */
export function examScoreReader(db: DB): (cadreId: number, exam: string, takenOn: string) => number | undefined {
  const scoreOnFile = db.prepare('SELECT score_tenths FROM exams WHERE cadre_id = ? AND exam = ? AND taken_on = ?');
  return (cadreId, exam, takenOn) => (scoreOnFile.get(cadreId, exam, takenOn) as { score_tenths: number } | undefined)?.score_tenths;
}

/** Moves the staged rows (temp.stage of the exams import) into `exams`; duplicates are left out. batchId null: entered by hand. */
export function commitStagedExams(db: DB, batchId: number | null, enteredBy: string): void {
  db.prepare(
    `INSERT OR IGNORE INTO exams (cadre_id, exam, taken_on, score_tenths, batch_id, line, entered_by)
     SELECT cadre_id, exam, taken_on, score_tenths, ?, line, ? FROM temp.stage ORDER BY line`,
  ).run(batchId, enteredBy);
}
