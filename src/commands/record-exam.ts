/** `cadre record-exam LEARNER_ID --exam E --date D --score S`. */
import type { Context } from '../shell/context.js';
import { UsageError, msg } from '../errors.js';
import { examsImport } from '../import/kinds/exams.js';
import { recordSingle } from '../import/pipeline.js';

export interface RecordExamOptions {
  learnerId: string;
  exam: string;
  date: string;
  score: string;
}

export async function run(opts: RecordExamOptions, ctx: Context): Promise<number> {
  const { learnerId } = opts;
  // Mandatory (the registry), checked again for a caller in-process.
  for (const [v, flag] of [[opts.exam, '--exam'], [opts.date, '--date'], [opts.score, '--score']] as const) {
    if (v === undefined) throw new UsageError(msg('usage.missingOption', { option: flag }));
  }
  const kind = { ...examsImport(ctx), command: 'record-exam' };
  const { isNew } = await recordSingle(
    ctx,
    kind,
    { learner_id: learnerId, exam: opts.exam!, taken_on: opts.date!, score: opts.score! },
    { learner_id: 'LEARNER_ID', exam: '--exam', taken_on: '--date', score: '--score' },
    { learnerId, exam: opts.exam, date: opts.date, score: opts.score },
  );
  ctx.err.write(ctx.tr.t(isNew ? 'exam.recorded' : 'exam.duplicate', { id: learnerId.toUpperCase(), exam: opts.exam!, score: opts.score! }) + '\n');
  return 0;
}
