/**
 * `cadre reviewer add NAME --department D [--id CODE]`: registers a reviewer (评审人).
 * `cadre reviewer list`: the reviewers, their load and whether retired.
 * `cadre reviewer remove CODE`: retires one; their reviews stay, their assignments not yet reviewed are withdrawn.
 */
import type { Context } from '../shell/context.js';
import { listingOutput, type ListingOutputOptions } from '../shell/listing-out.js';
import { present } from '../shell/render.js';
import type { CellKind } from '../io/xlsx-out.js';
import { writeTransaction } from '../db/journal.js';
import { findReviewers, insertReviewer, listReviewers, nextReviewerCode, retireReviewer, reviewerLoads } from '../db/reviews.js';
import { InputError, UsageError, msg } from '../errors.js';
import { readText } from '../import/cells.js';
import { localTimestamp, readableTime } from '../local-time.js';
import { oneReviewer } from './shared/reviewer-key.js';
import { matchDepartment } from '../core/option-values.js';
import { rosterDepartments } from '../db/essays.js';

export interface ReviewerOptions extends ListingOutputOptions {
  action: string;
  name?: string;
  department?: string;
  id?: string;
}

export async function run(opts: ReviewerOptions, ctx: Context): Promise<number> {
  if (opts.action === 'list') {
    if (opts.name !== undefined) throw new UsageError(msg('review.reviewer.listNoName'), msg('review.reviewer.fix.action'));
    return list(opts, ctx);
  }
  if (opts.action === 'add') return add(opts, ctx);
  if (opts.action === 'remove') return remove(opts, ctx);
  throw new UsageError(msg('review.reviewer.badAction', { action: opts.action }), msg('review.reviewer.fix.action'));
}

function text(ctx: Context, option: string, raw: string, max: number): string {
  const r = readText(raw, max);
  if (!r.ok) throw new InputError(msg('essay.badOption', { option, reason: ctx.tr.m(r.reason) }));
  return r.value;
}

async function add(opts: ReviewerOptions, ctx: Context): Promise<number> {
  if (!opts.name) throw new UsageError(msg('review.reviewer.needName'), msg('review.reviewer.fix.action'));
  if (!opts.department) throw new UsageError(msg('usage.missingOption', { option: '--department' }));
  const name = text(ctx, 'NAME', opts.name, 50);
  const typed = text(ctx, '--department', opts.department, 100);
  // The roster's spelling of the department when it names one; else (a reviewer from outside the
  // roster's departments) as typed, with the nearest ones said: a typo would let a reviewer review
  // their own department's essays.
  const match = matchDepartment(typed, rosterDepartments(ctx.db()));
  const department = match.ok ? match.departments[0] : typed;
  if (!match.ok) ctx.warn(ctx.tr.t('review.reviewer.outsideRoster', { department: typed, nearest: match.nearest.length ? match.nearest.join('、') : '-' }));
  let code: string | undefined;
  if (opts.id !== undefined) {
    code = opts.id.normalize('NFKC').trim();
    if (!/^[A-Za-z0-9_-]{1,20}$/.test(code)) throw new InputError(msg('review.reviewer.badCode', { code: opts.id }), [], msg('review.reviewer.fix.badCode'));
  }
  const db = ctx.db();
  const at = localTimestamp(ctx.now());
  const r = writeTransaction(
    db,
    ctx,
    (r) => ({ command: 'reviewer add', args: { code: r.code, name, department }, counts: { new: 1 } }),
    () => {
      const c = code ?? nextReviewerCode(db);
      if (findReviewers(db, c).some((x) => x.code === c)) throw new InputError(msg('review.reviewer.codeTaken', { code: c }), [], msg('review.reviewer.fix.codeTaken'));
      return { code: c, id: insertReviewer(db, { code: c, name, department }, at, ctx.operator) };
    },
  );
  if (listReviewers(db, false).filter((x) => x.name === name).length > 1) ctx.warn(ctx.tr.t('review.reviewer.sameName', { name, code: r.code }));
  ctx.err.write(ctx.tr.t('review.reviewer.added', { code: r.code, name, department }) + '\n');
  ctx.out.write(`${r.code}\n`);
  return 0;
}

async function remove(opts: ReviewerOptions, ctx: Context): Promise<number> {
  if (!opts.name) throw new UsageError(msg('review.reviewer.needCode'), msg('review.reviewer.fix.action'));
  const db = ctx.db();
  const r = oneReviewer(db, opts.name, false);
  if (r.retired_at) {
    ctx.err.write(ctx.tr.t('review.reviewer.alreadyRetired', { code: r.code, name: r.name }) + '\n');
    return 0;
  }
  const at = localTimestamp(ctx.now());
  const withdrawn = writeTransaction(
    db,
    ctx,
    (n) => ({ command: 'reviewer remove', args: { code: r.code, name: r.name, withdrawn: n }, counts: { changed: 1 } }),
    () => retireReviewer(db, r.id, at, ctx.operator),
  );
  ctx.err.write(ctx.tr.t('review.reviewer.removed', { code: r.code, name: r.name, withdrawn }) + '\n');
  return 0;
}

async function list(opts: ReviewerOptions, ctx: Context): Promise<number> {
  const { format, out } = listingOutput(ctx, opts);
  const db = ctx.db({ readOnly: true, missingAsEmpty: true });
  const { t } = ctx.tr;
  const loads = reviewerLoads(db);
  const rows = listReviewers(db).map((r) => ({
    code: r.code,
    name: r.name,
    department: r.department,
    assigned: loads.get(r.id)?.assigned ?? 0,
    reviewed: loads.get(r.id)?.reviewed ?? 0,
    state: t(r.retired_at ? 'review.reviewer.state.retired' : 'review.reviewer.state.active'),
    added_at: r.added_at,
    retired_at: r.retired_at ?? '',
  }));
  type Row = (typeof rows)[number];
  const keys = ['code', 'name', 'department', 'assigned', 'reviewed', 'state', 'added_at', 'retired_at'] as const;
  const short: Partial<Record<string, (r: Row) => string>> = { added_at: (r) => readableTime(r.added_at), retired_at: (r) => readableTime(r.retired_at) };
  // Times local in CSV and date cells in xlsx, counts numbers, as in every listing.
  const kinds: Partial<Record<(typeof keys)[number], CellKind>> = { assigned: 'number', reviewed: 'number', added_at: 'datetime', retired_at: 'datetime' };
  const columns = keys.map((key) => ({ key, header: t(`review.reviewer.col.${key}`), kind: kinds[key], ...(kinds[key] === 'number' ? { fit: { align: 'right' as const } } : {}), ...(short[key] ? { short: short[key] } : {}) }));
  const json = () => listReviewers(db).map((r) => ({ code: r.code, name: r.name, department: r.department, assigned: loads.get(r.id)?.assigned ?? 0, reviewed: loads.get(r.id)?.reviewed ?? 0, retired: r.retired_at !== null, added_at: r.added_at, added_by: r.added_by, retired_at: r.retired_at }));
  await present(ctx, { columns, rows, json, empty: t('review.reviewer.none') }, { format, out });
  return 0;
}
