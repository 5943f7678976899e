/**
 * `cadre require --year YYYY [--rank R] CODE…`: designates required courses
 * (both ranks without --rank). Unknown codes are registered with a warning:
 * with `--hours`, or with a placeholder of 1 hour that the first import giving
 * the course's hours replaces. `--hours` also replaces a placeholder on file;
 * hours set otherwise are kept.
 */
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { RANKS, type Rank } from '../core/policy.js';
import { parseHours } from '../core/values.js';
import { designateCourses } from '../db/courses.js';
import { writeTransaction } from '../db/journal.js';
import { InputError, UsageError, msg } from '../errors.js';
import { readText } from '../import/cells.js';
import { rankText, yearText } from '../report/audit-view.js';

export interface RequireOptions {
  codes: string[];
  year: string;
  rank?: Rank;
  hours?: string;
  title?: string;
}

export async function run(opts: RequireOptions, ctx: Context): Promise<number> {
  const { codes } = opts;
  // Mandatory (the registry); an empty value is missing too.
  if (!opts.year) throw new UsageError(msg('usage.missingOption', { option: '--year YYYY' }));
  if (!/^\d{4}$/.test(opts.year)) throw new UsageError(msg('audit.badYear', { year: opts.year }), msg('audit.fix.badYear'));
  if (opts.title !== undefined && codes.length !== 1) throw new UsageError(msg('require.titleOneCode'));
  const year = Number(opts.year);
  const policy = ctx.policy();
  let quarters = 4;
  if (opts.hours !== undefined) {
    const h = parseHours(opts.hours, policy.maxQuarterHoursPerRow / 4);
    if (!h.ok) throw new InputError(msg('essay.badOption', { option: '--hours', reason: ctx.tr.m(h.reason) }));
    quarters = h.value;
  }
  const clean = codes.map((c) => {
    const r = readText(c, 64);
    if (!r.ok) throw new InputError(msg('essay.badOption', { option: c, reason: ctx.tr.m(r.reason) }));
    return r.value;
  });
  const ranks: readonly Rank[] = opts.rank ? [opts.rank] : RANKS;
  const db = ctx.db();
  const now = localTimestamp(ctx.now());
  const r = writeTransaction(
    db,
    ctx,
    (d) => ({ command: 'require', args: { year, rank: opts.rank ?? 'both', codes: clean, hours: opts.hours ?? null, title: opts.title ?? null }, counts: { designated: d.added, registered: d.registered.length } }),
    () => designateCourses(db, { year, ranks, codes: clean, quarters, hoursGiven: opts.hours !== undefined, title: opts.title ?? null, at: now }),
  );
  const { added, registered } = r;
  // --hours sets the hours of new codes and of placeholders; a course whose hours were given keeps them.
  const kept = r.kept.map((k) => `${k.code} (${k.quarters / 4})`);
  const replaced = r.replaced.map((k) => `${k.code} (${k.from / 4} → ${k.to / 4})`);
  if (kept.length) ctx.warn(ctx.tr.t('require.keptHours', { courses: kept.join(', ') }));
  if (replaced.length) ctx.warn(ctx.tr.t('require.placeholderReplaced', { courses: replaced.join(', ') }));
  if (registered.length) {
    const key = opts.hours !== undefined ? 'require.registered' : 'require.registeredPlaceholder';
    ctx.warn(ctx.tr.t(key, { codes: registered.join(', '), hours: quarters / 4 }));
  }
  ctx.err.write(ctx.tr.t('require.done', { count: added, year: yearText(year, ctx.tr), ranks: ranks.map((r) => rankText(r, ctx.tr)).join('/') }) + '\n');
  return 0;
}
