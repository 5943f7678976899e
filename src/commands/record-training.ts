/** `cadre record-training LEARNER_ID --topic T --date D`. */
import type { Context } from '../shell/context.js';
import { UsageError, msg } from '../errors.js';
import { trainingImport } from '../import/kinds/training.js';
import { recordSingle } from '../import/pipeline.js';

export interface RecordTrainingOptions {
  learnerId: string;
  topic: string;
  date: string;
  /** The topic differs from one on file only by spaces or punctuation and really is another topic. */
  confirmTopics?: boolean;
}

export async function run(opts: RecordTrainingOptions, ctx: Context): Promise<number> {
  const { learnerId } = opts;
  // Mandatory (the registry); an empty value is missing too.
  if (!opts.topic) throw new UsageError(msg('usage.missingOption', { option: '--topic' }));
  if (!opts.date) throw new UsageError(msg('usage.missingOption', { option: '--date' }));
  const kind = { ...trainingImport(ctx, { confirmTopics: !!opts.confirmTopics }), command: 'record-training' };
  const { isNew } = await recordSingle(
    ctx,
    kind,
    { learner_id: learnerId, topic: opts.topic, attended_on: opts.date },
    { learner_id: 'LEARNER_ID', topic: '--topic', attended_on: '--date' },
    { learnerId, topic: opts.topic, date: opts.date },
  );
  ctx.err.write(ctx.tr.t(isNew ? 'training.recorded' : 'training.duplicate', { id: learnerId.toUpperCase(), topic: opts.topic }) + '\n');
  return 0;
}
