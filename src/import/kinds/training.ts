/** Training attendance (专题培训): the kind of `import-training` and `record-training`. */
import type { Context } from '../../shell/context.js';
import { topicKey } from '../../core/audit.js';
import { commitStagedTraining } from '../../db/training.js';
import { readText } from '../cells.js';
import { TRAINING_COLUMNS } from '../columns.js';
import type { ImportKind } from '../pipeline.js';
import { countNewInTerm, recordVouchers } from '../stage-sql.js';

export const TRAINING_SPEC = TRAINING_COLUMNS;

export function trainingImport(ctx: Context): ImportKind {
  const touched = new Set<string>();
  return {
    kind: 'training',
    command: 'import-training',
    spec: TRAINING_SPEC,
    stageDdl: 'CREATE TEMP TABLE stage (cadre_id INTEGER, topic TEXT, topic_key TEXT, attended_on TEXT, line INTEGER, term_start TEXT, term_end TEXT)',
    stageInsert: 'INSERT INTO temp.stage VALUES (?, ?, ?, ?, ?, ?, ?)',
    parse(rec, env, p) {
      const cadre = env.cadre(rec, p);
      const topic = readText(rec.cells.topic, 200);
      if (!topic.ok) p.add('topic', topic.reason);
      const dated = env.datedInTerm(rec, 'attended_on', cadre, p);
      if (!p.ok || !cadre || !topic.ok || !dated?.term) return null;
      if (touched.size <= 100) touched.add(cadre.learnerId);
      return [cadre.id, topic.value, topicKey(topic.value), dated.date, rec.line, dated.term.windowStart, dated.term.windowEnd];
    },
    countNew: (db) => countNewInTerm(db, 'training', ['cadre_id', 'topic_key'], 'attended_on'),
    commit(db, batchId) {
      commitStagedTraining(db, batchId, ctx.operator);
      recordVouchers(db, 'training', 'training', ['cadre_id', 'topic_key', 'attended_on'], batchId);
    },
    touched: () => (touched.size <= 100 ? [...touched] : []),
  };
}
