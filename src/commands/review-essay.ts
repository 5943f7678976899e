/**
 * `cadre review-essay ID --approve|--reject|--return [--reviewer R] [--score S] [--comment T] [--reason T]`.
 *
 * Without --reviewer the office decides: the essay takes the verdict's status
 * at once. With --reviewer an assigned reviewer records their review; the
 * essay's status is decided once every reviewer assigned to it has reviewed
 * (src/core/review.ts, combinedStatus). Every review is kept and journaled.
 */
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { essayForReview, setEssayStatus } from '../db/essays.js';
import { writeTransaction } from '../db/journal.js';
import { InputError, UsageError, msg } from '../errors.js';
import { essayHold, overrideHold } from '../db/similarity.js';
import { assignedReviewers, insertReview, latestVerdicts, resubmitTarget, reviewsOf } from '../db/reviews.js';
import { percentText } from '../core/similarity.js';
import { combinedStatus, readScore, scaleText, statusOfVerdict, type Verdict } from '../core/review.js';
import type { EssayStatus } from '../core/essays.js';
import { readText } from '../import/cells.js';
import { oneReviewer } from './shared/reviewer-key.js';

export interface ReviewEssayOptions {
  id: string;
  approve?: boolean;
  reject?: boolean;
  /** 退回修改: returned to the cadre for revision; a resubmission links to it (record-essay --resubmits). */
  return?: boolean;
  /** The assigned reviewer whose review this is (code or name); absent: the office decides. */
  reviewer?: string;
  score?: string;
  comment?: string;
  /** Why an essay held for similarity is approved (the verdict overrides the hold). */
  reason?: string;
}

function optionText(ctx: Context, option: string, raw: string | undefined, max: number): string | undefined {
  if (raw === undefined) return undefined;
  const r = readText(raw, max);
  if (!r.ok) throw new InputError(msg('essay.badOption', { option, reason: ctx.tr.m(r.reason) }));
  return r.value || undefined;
}

export async function run(opts: ReviewEssayOptions, ctx: Context): Promise<number> {
  const rawId = opts.id;
  const chosen = [opts.approve, opts.reject, opts.return].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError(msg('review.oneOf'), msg('review.fix.oneOf'));
  if (!/^\d+$/.test(rawId)) throw new InputError(msg('review.badId', { id: rawId }), [], msg('review.fix.badId'));
  const verdict: Verdict = opts.approve ? 'approve' : opts.reject ? 'reject' : 'return';
  const { t } = ctx.tr;
  const policy = ctx.policy();
  const reason = optionText(ctx, '--reason', opts.reason, 500);
  const comment = optionText(ctx, '--comment', opts.comment, 2000);
  let score: string | undefined;
  if (opts.score !== undefined) {
    const s = readScore(opts.score, policy.review.scale);
    if (s === null) throw new InputError(msg('review.badScore', { score: opts.score, scale: scaleText(policy.review.scale) }), [], msg('review.fix.badScore', { scale: scaleText(policy.review.scale) }));
    score = s;
  }
  // The write connection first: the closed-year guard is installed on it.
  const db = ctx.db();
  const reviewer = opts.reviewer !== undefined ? oneReviewer(db, opts.reviewer, true) : undefined;
  if (reviewer && score === undefined) throw new UsageError(msg('review.needScore', { scale: scaleText(policy.review.scale) }));
  const essay = essayForReview(db, Number(rawId));
  if (!essay) throw new InputError(msg('review.notFound', { id: rawId }), [], msg('review.fix.badId'));
  // A returned essay once resubmitted is history: its resubmission is the one reviewed (else both could count).
  const replacedBy = resubmitTarget(db, essay.id)?.resubmitted_by ?? null;
  if (replacedBy !== null) throw new InputError(msg('review.resubmitted', { id: essay.id, by: replacedBy }), [], msg('review.fix.resubmitted', { by: replacedBy }));
  if (reviewer) {
    if (!assignedReviewers(db, essay.id).includes(reviewer.id)) {
      throw new InputError(msg('review.notAssigned', { id: essay.id, code: reviewer.code, name: reviewer.name }), [], msg('review.fix.notAssigned', { id: essay.id }));
    }
    if (essay.status !== 'pending') {
      throw new InputError(msg('review.decided', { id: essay.id, status: t(`essayStatus.${essay.status}`) }), [], msg('review.fix.decided', { id: essay.id }));
    }
  }
  // The office approving an approved essay (rejecting a rejected one) with nothing more to say changes nothing.
  if (!reviewer && essay.status === statusOfVerdict(verdict) && score === undefined && comment === undefined) {
    ctx.err.write(t('forgive.review.already', { id: essay.id, title: essay.title, status: t(`essayStatus.${essay.status}`) }) + '\n');
    return 0;
  }
  // An essay held for similarity is approved only with the reviewer's reason, which overrides the hold.
  const hold = essayHold(db, essay.id);
  const heldOpen = !!hold?.held && hold.override_reason === null;
  if (verdict === 'approve' && heldOpen && !reason) {
    throw new InputError(
      msg('essays.review.needReason', { id: essay.id, copied: percentText(hold!.others_permille), self: percentText(hold!.self_permille) }),
      [],
      msg('essays.review.fix.needReason', { id: essay.id }),
    );
  }
  const at = localTimestamp(ctx.now());
  const result = writeTransaction(
    db,
    ctx,
    (r) => ({
      command: 'review-essay',
      args: {
        id: essay.id,
        verdict,
        ...(reviewer ? { reviewer: reviewer.code } : {}),
        ...(score !== undefined ? { score } : {}),
        ...(comment !== undefined ? { comment } : {}),
        status: r.status,
        was: essay.status,
        ...(reason ? { reason } : {}),
        ...(r.overrides ? { overrides: `similarity:${hold!.held}` } : {}),
      },
      counts: { changed: r.status !== essay.status ? 1 : 0, new: 1 },
      learnerIds: [essay.learner_id],
    }),
    () => {
      let status: EssayStatus = essay.status;
      let waiting = 0;
      if (reviewer) {
        // The other assigned reviewers' latest verdicts, and this one.
        const assigned = assignedReviewers(db, essay.id).length;
        const verdicts = [...latestVerdicts(db, essay.id, reviewer.id), verdict];
        waiting = assigned - verdicts.length;
        status = combinedStatus(assigned, verdicts) ?? essay.status;
        insertReview(db, { essayId: essay.id, reviewerId: reviewer.id, verdict, score: score ?? null, comment: comment ?? null, reason: reason ?? null, statusAfter: status, at, operator: ctx.operator });
      } else {
        status = statusOfVerdict(verdict);
        insertReview(db, { essayId: essay.id, reviewerId: null, verdict, score: score ?? null, comment: comment ?? null, reason: reason ?? null, statusAfter: status, at, operator: ctx.operator });
      }
      if (status !== essay.status) setEssayStatus(db, essay.id, status, at);
      const overrides = status === 'approved' && heldOpen;
      if (overrides) {
        // The verdict that overrides the hold: this review's reason, else the latest approving review's.
        const why = (verdict === 'approve' ? reason : undefined) ?? [...reviewsOf(db, [essay.id])].reverse().find((x) => x.verdict === 'approve' && x.reason)?.reason ?? '';
        overrideHold(db, essay.id, why, reviewer ? reviewer.code : ctx.operator, at);
      }
      return { status, waiting, overrides };
    },
  );
  if (result.status !== essay.status) {
    ctx.err.write(t('review.done', { id: essay.id, title: essay.title, from: t(`essayStatus.${essay.status}`), to: t(`essayStatus.${result.status}`) }) + '\n');
    if (result.status === 'returned') ctx.err.write(t('review.returnedHint', { id: essay.id, days: policy.review.resubmitDays }) + '\n');
  } else if (result.waiting > 0) ctx.err.write(t('review.recordedWaiting', { id: essay.id, waiting: result.waiting }) + '\n');
  else if (reviewer) ctx.err.write(t('review.recordedTie', { id: essay.id }) + '\n');
  else ctx.err.write(t('review.recorded', { id: essay.id, status: t(`essayStatus.${essay.status}`) }) + '\n');
  return 0;
}
