/**
 * The essays of a transcript with their versions (an essay returned for
 * revision, its resubmission) and every review (reviewer, score, verdict,
 * comment, time), for the terminal, JSON and workbook transcripts.
 */
import type { Context } from '../shell/context.js';
import { reviewsOf, versionsOf, type ReviewRow, type VersionRow } from '../db/reviews.js';
import { readableTime } from '../local-time.js';
import type { Translator } from '../i18n/index.js';
import type { AuditedCadre } from './audit-view.js';

export interface EssayHistory {
  versions: Map<number, VersionRow>;
  reviews: Map<number, ReviewRow[]>;
}

export function essayHistory(ctx: Context, a: AuditedCadre): EssayHistory {
  const ids = a.audit.essays.map((e) => e.id);
  const db = ctx.db({ readOnly: true });
  const versions = new Map(versionsOf(db, ids).map((v) => [v.id, v]));
  const reviews = new Map<number, ReviewRow[]>();
  for (const r of reviewsOf(db, ids)) {
    let l = reviews.get(r.essay_id);
    if (!l) reviews.set(r.essay_id, (l = []));
    l.push(r);
  }
  return { versions, reviews };
}

/** The essay's place among its versions, in words: `#12 修改自 #9；提交于 …，按 … 计分`, or ''. */
export function versionText(id: number, h: EssayHistory, tr: Translator): string {
  const v = h.versions.get(id);
  if (!v) return '';
  const parts: string[] = [];
  if (v.resubmits_id !== null) parts.push(tr.t('review.transcript.version', { id, original: v.resubmits_id }));
  if (v.counts_on !== null) parts.push(tr.t('review.transcript.countsOn', { submitted: v.submitted_on, counts: v.counts_on }));
  if (v.resubmitted_by !== null) parts.push(tr.t('review.transcript.replacedBy', { id: v.resubmitted_by }));
  return parts.join(tr.lang === 'zh' ? '；' : '; ');
}

export function reviewerText(r: ReviewRow, tr: Translator): string {
  return r.reviewer_code ? `${r.reviewer_code} ${r.reviewer_name ?? ''}`.trim() : tr.t('review.transcript.office');
}

/** One review as the transcript's table row shows it. */
export function reviewCells(r: ReviewRow, tr: Translator): { essay: string; reviewer: string; score: string; verdict: string; comment: string; at: string; status: string } {
  const comment = [r.comment, r.reason].filter((x): x is string => !!x).join(tr.lang === 'zh' ? '；' : '; ');
  return {
    essay: `#${r.essay_id}`,
    reviewer: reviewerText(r, tr),
    score: r.score ?? '',
    verdict: tr.t(`review.verdict.${r.verdict}`),
    comment,
    at: readableTime(r.reviewed_at),
    status: tr.t(`essayStatus.${r.status_after}`),
  };
}

/** What the JSON transcript adds to each essay. */
export function essayHistoryJson(id: number, h: EssayHistory): Record<string, unknown> {
  const v = h.versions.get(id);
  return {
    submitted_on: v?.submitted_on ?? null,
    counts_on: v ? (v.counts_on ?? v.submitted_on) : null,
    resubmits: v?.resubmits_id ?? null,
    resubmitted_by: v?.resubmitted_by ?? null,
    reviews: (h.reviews.get(id) ?? []).map((r) => ({
      reviewer: r.reviewer_code ? { code: r.reviewer_code, name: r.reviewer_name } : null,
      score: r.score,
      verdict: r.verdict,
      comment: r.comment,
      reason: r.reason,
      status_after: r.status_after,
      reviewed_at: r.reviewed_at,
      operator: r.operator,
    })),
  };
}
