/** Training attendance (专题培训): the kind of `import-training` and `record-training`. */
import type { Context } from '../../shell/context.js';
import { topicKey } from '../../core/audit.js';
import { TopicNeighbours } from '../../core/topics.js';
import { commitStagedTraining, topicsOfCadre } from '../../db/training.js';
import { msg } from '../../errors.js';
import { readText } from '../cells.js';
import { TRAINING_COLUMNS } from '../columns.js';
import type { ImportKind } from '../pipeline.js';
import { countNewInTerm, recordVouchers } from '../stage-sql.js';

export const TRAINING_SPEC = TRAINING_COLUMNS;

export interface TrainingImportOptions {
  /** Topics that differ from one on file only by spaces or punctuation really are other topics. */
  confirmTopics?: boolean;
}

/**
 * A topic that differs from one of the cadre's in the same term only by
 * spaces, punctuation or symbols (src/core/topics.ts), on file or earlier in
 * the file, is refused as probably the same topic, so that it does not earn
 * a second credit, unless `confirmTopics` says it is another topic.
 */
export function trainingImport(ctx: Context, opts: TrainingImportOptions = {}): ImportKind {
  const touched = new Set<string>();
  const neighbours = new Map<number, TopicNeighbours>();
  const topicsOf = (cadreId: number): TopicNeighbours => {
    let n = neighbours.get(cadreId);
    if (!n) {
      n = new TopicNeighbours();
      for (const t of topicsOfCadre(ctx.db(), cadreId)) n.add({ topic: t.topic, date: t.attended_on });
      neighbours.set(cadreId, n);
    }
    return n;
  };
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
      const known = topicsOf(cadre.id);
      const same = opts.confirmTopics ? null : known.sameAs(topic.value, dated.term.windowStart, dated.term.windowEnd);
      if (same) {
        const params = { topic: topic.value, other: same.topic, date: same.date, line: same.line ?? 0 };
        p.add('topic', msg(same.line === undefined ? 'forgive.topic.sameAsOnFile' : 'forgive.topic.sameAsLine', params), msg('forgive.fix.topicSameAs'));
        return null;
      }
      known.add({ topic: topic.value, date: dated.date, line: rec.line });
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
