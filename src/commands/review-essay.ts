/** `cadre review-essay ID --approve|--reject`. */
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { essayForReview, setEssayStatus } from '../db/essays.js';
import { writeTransaction } from '../db/journal.js';
import { InputError, UsageError, msg } from '../errors.js';
import { essayHold, overrideHold } from '../db/similarity.js';
import { percentText } from '../core/similarity.js';
import { readText } from '../import/cells.js';

export interface ReviewEssayOptions {
  id: string;
  approve?: boolean;
  reject?: boolean;
  /** Why an essay held for similarity is approved (the verdict overrides the hold). */
  reason?: string;
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
  // An essay held for similarity is approved only with the reviewer's reason, which overrides the hold.
  const hold = essayHold(db, essay.id);
  const overrides = status === 'approved' && !!hold?.held && hold.override_reason === null;
  let reason: string | undefined;
  if (opts.reason !== undefined) {
    const r = readText(opts.reason, 500);
    if (!r.ok) throw new InputError(msg('essay.badOption', { option: '--reason', reason: ctx.tr.m(r.reason) }));
    reason = r.value;
  }
  if (overrides && !reason) {
    throw new InputError(
      msg('essays.review.needReason', { id: essay.id, copied: percentText(hold!.others_permille), self: percentText(hold!.self_permille) }),
      [],
      msg('essays.review.fix.needReason', { id: essay.id }),
    );
  }
  const at = localTimestamp(ctx.now());
  writeTransaction(
    db,
    ctx,
    () => ({ command: 'review-essay', args: { id: essay.id, status, was: essay.status, ...(reason ? { reason } : {}), ...(overrides ? { overrides: `similarity:${hold!.held}` } : {}) }, counts: { changed: 1 }, learnerIds: [essay.learner_id] }),
    () => {
      setEssayStatus(db, essay.id, status, at);
      if (overrides) overrideHold(db, essay.id, reason!, ctx.operator, at);
    },
  );
  ctx.err.write(ctx.tr.t('review.done', { id: essay.id, title: essay.title, from: ctx.tr.t(`essayStatus.${essay.status}`), to: ctx.tr.t(`essayStatus.${status}`) }) + '\n');
  return 0;
}
