/** Training attendance records (专题培训). */
import type { DB } from './open.js';

/** Moves the staged rows (temp.stage of the training import) into `training`; duplicates are left out. batchId null: entered by hand. */
export function commitStagedTraining(db: DB, batchId: number | null, enteredBy: string): void {
  db.prepare(
    `INSERT OR IGNORE INTO training (cadre_id, topic, topic_key, attended_on, batch_id, line, entered_by)
     SELECT cadre_id, topic, topic_key, attended_on, ?, line, ? FROM temp.stage ORDER BY cadre_id, topic_key, attended_on, line`,
  ).run(batchId, enteredBy);
}

/** The topics on file for one cadre, with their dates. */
export function topicsOfCadre(db: DB, cadreId: number): { topic: string; attended_on: string }[] {
  return db.prepare('SELECT topic, attended_on FROM training WHERE cadre_id = ? ORDER BY attended_on, id').all(cadreId) as { topic: string; attended_on: string }[];
}
