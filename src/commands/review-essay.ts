/** `cadre review-essay ID --approve|--reject`. */
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { essayForReview, setEssayStatus } from '../db/essays.js';
import { writeTransaction } from '../db/journal.js';
import { InputError, UsageError, msg } from '../errors.js';

export interface ReviewEssayOptions {
  id: string;
  approve?: boolean;
  reject?: boolean;
}

export async function run(opts: ReviewEssayOptions, ctx: Context): Promise<number> {
  const rawId = opts.id;
  if (!opts.approve === !opts.reject) throw new UsageError(msg('review.oneOf'), msg('review.fix.oneOf'));
  if (!/^\d+$/.test(rawId)) throw new InputError(msg('review.badId', { id: rawId }), [], msg('review.fix.badId'));
  const status = opts.approve ? 'approved' : 'rejected';
  const db = ctx.db();
  const essay = essayForReview(db, Number(rawId));
  if (!essay) throw new InputError(msg('review.notFound', { id: rawId }), [], msg('review.fix.badId'));
  // Approving an approved essay (rejecting a rejected one) changes nothing: no write, no journal entry.
  if (essay.status === status) {
    ctx.err.write(ctx.tr.t('forgive.review.already', { id: essay.id, title: essay.title, status: ctx.tr.t(`essayStatus.${status}`) }) + '\n');
    return 0;
  }
  writeTransaction(
    db,
    ctx,
    () => ({ command: 'review-essay', args: { id: essay.id, status, was: essay.status }, counts: { changed: 1 }, learnerIds: [essay.learner_id] }),
    () => setEssayStatus(db, essay.id, status, localTimestamp(ctx.now())),
  );
  ctx.err.write(ctx.tr.t('review.done', { id: essay.id, title: essay.title, from: ctx.tr.t(`essayStatus.${essay.status}`), to: ctx.tr.t(`essayStatus.${status}`) }) + '\n');
  return 0;
}
