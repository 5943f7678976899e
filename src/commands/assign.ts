/**
 * `cadre assign --year Y --reviewers A,B[,...] [--per-essay N] [--department D]`:
 * assigns the year's essays awaiting review (pending, held for similarity
 * included) that lack reviewers to the named reviewers, balanced, never to a
 * reviewer of the essay's cadre's department (src/core/review.ts,
 * assignEssays). When some essay cannot get enough reviewers nothing is
 * written and each such essay is named.
 */
import type { Context } from '../shell/context.js';
import { chooseFormat, present, type Format } from '../shell/render.js';
import { assignEssays } from '../core/review.js';
import { academicYearOf, yearEndDate, yearStartDate } from '../core/terms.js';
import { departmentExists } from '../db/essays.js';
import { writeTransaction } from '../db/journal.js';
import { essaysAwaitingReview, insertAssignment, yearLoads, type ReviewerRow } from '../db/reviews.js';
import { InputError, UsageError, msg } from '../errors.js';
import { localTimestamp } from '../local-time.js';
import { oneReviewer } from './shared/reviewer-key.js';
import { yearText } from '../report/audit-view.js';

export interface AssignOptions {
  year: string;
  reviewers: string;
  perEssay?: string;
  department?: string;
  format?: Format;
}

export async function run(opts: AssignOptions, ctx: Context): Promise<number> {
  const { t } = ctx.tr;
  const format = chooseFormat(opts.format, ctx.out);
  if (!/^\d{4}$/.test(opts.year ?? '')) throw new UsageError(msg('audit.badYear', { year: opts.year ?? '' }), msg('audit.fix.badYear'));
  const perText = (opts.perEssay ?? '1').trim();
  if (!/^\d{1,2}$/.test(perText) || Number(perText) < 1) throw new UsageError(msg('review.assign.badPerEssay', { value: opts.perEssay ?? '' }), msg('review.assign.fix.badPerEssay'));
  const perEssay = Number(perText);
  const keys = (opts.reviewers ?? '').split(/[,，、]/).map((k) => k.trim()).filter(Boolean);
  if (!keys.length) throw new UsageError(msg('usage.missingOption', { option: '--reviewers' }));
  // The write connection first: the closed-year guard is installed on it.
  const db = ctx.db();
  const reviewers: ReviewerRow[] = [];
  for (const k of keys) {
    const r = oneReviewer(db, k, true);
    if (reviewers.some((x) => x.id === r.id)) throw new UsageError(msg('review.assign.twice', { code: r.code, name: r.name }));
    reviewers.push(r);
  }
  const department = opts.department?.trim();
  if (department !== undefined && !departmentExists(db, department)) throw new InputError(msg('listings.unknownDepartment', { department }), [], msg('listings.fix.unknownDepartment'));
  const policy = ctx.policy();
  const year = Number(opts.year);
  const from = yearStartDate(year, policy);
  const to = yearEndDate(year, policy);
  // A year not yet begun holds no essays: most likely a mistyped year, said so rather than "nothing to assign".
  // The current year is assigned as its essays come in, so only a later one is refused.
  const today = ctx.today();
  if (from > today) throw new UsageError(msg('assign.yearNotBegun', { year: yearText(year, ctx.tr), start: from }), msg('assign.fix.yearNotBegun', { current: yearText(academicYearOf(today, policy), ctx.tr) }));
  const at = localTimestamp(ctx.now());
  const result = writeTransaction(
    db,
    ctx,
    (r) => ({
      command: 'assign',
      args: { year, reviewers: reviewers.map((x) => x.code), perEssay, ...(department ? { department } : {}), assignments: r.pairs.map((p) => [p.essay, r.codes.get(p.reviewer)]) },
      counts: { new: r.pairs.length },
      learnerIds: [...new Set(r.pairs.map((p) => r.learners.get(p.essay)!))].sort(),
    }),
    () => {
      const essays = essaysAwaitingReview(db, from, to, department);
      const loads = yearLoads(db, from, to);
      const res = assignEssays(
        essays.map((e) => ({ id: e.id, department: e.department, assigned: e.assigned })),
        reviewers.map((r) => ({ id: r.id, department: r.department, load: loads.get(r.id) ?? 0 })),
        perEssay,
      );
      if (!res.ok) {
        const byId = new Map(essays.map((e) => [e.id, e]));
        const problems = res.short.map((s) => ({ reason: msg('review.assign.shortLine', { id: s.essay, learner: byId.get(s.essay)!.learner_id, department: byId.get(s.essay)!.department, need: s.need, eligible: s.eligible }) }));
        throw new InputError(msg('review.assign.short', { count: res.short.length, perEssay }), problems, msg('review.assign.fix.short'));
      }
      for (const p of res.pairs) insertAssignment(db, p.essay, p.reviewer, at, ctx.operator);
      return { pairs: res.pairs, loads: res.loads, essays: essays.length, codes: new Map(reviewers.map((r) => [r.id, r.code])), learners: new Map(essays.map((e) => [e.id, e.learner_id])) };
    },
  );
  const added = new Map<number, number>();
  for (const p of result.pairs) added.set(p.reviewer, (added.get(p.reviewer) ?? 0) + 1);
  const rows = reviewers.map((r) => ({ code: r.code, name: r.name, department: r.department, added: added.get(r.id) ?? 0, load: result.loads.get(r.id) ?? 0 }));
  // The counts are numbers: right-aligned on a terminal, number cells in a file.
  const counts = new Set(['added', 'load']);
  const columns = (['code', 'name', 'department', 'added', 'load'] as const).map((key) => ({ key, header: t(`review.assign.col.${key}`), ...(counts.has(key) ? { kind: 'number' as const, fit: { align: 'right' as const } } : {}) }));
  await present(ctx, { columns, rows, json: () => reviewers.map((r, i) => ({ ...rows[i], essays: result.pairs.filter((p) => p.reviewer === r.id).map((p) => p.essay) })), empty: '' }, { format });
  ctx.err.write(t(result.pairs.length ? 'review.assign.done' : 'review.assign.nothing', { count: result.pairs.length, essays: new Set(result.pairs.map((p) => p.essay)).size, year: yearText(year, ctx.tr) }) + '\n');
  return 0;
}
