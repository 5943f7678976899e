/** `cadre courses`: the catalogue with its designations. */
import type { Context } from '../shell/context.js';
import { listingOutput } from '../shell/listing-out.js';
import { present, type FitHints, type Format } from '../shell/render.js';
import { formatQuarters, quartersToHours } from '../core/decimal.js';
import type { Rank } from '../core/policy.js';
import { listCourses, listDesignations } from '../db/courses.js';
import { UsageError, msg } from '../errors.js';
import { rankText, yearText } from '../report/audit-view.js';

export interface CoursesOptions {
  year?: string;
  format?: Format;
  out?: string;
  overwrite?: boolean;
}

export async function run(opts: CoursesOptions, ctx: Context): Promise<number> {
  const { format, out } = listingOutput(ctx, opts);
  if (opts.year !== undefined && !/^\d{4}$/.test(opts.year)) throw new UsageError(msg('audit.badYear', { year: opts.year }), msg('audit.fix.badYear'));
  const db = ctx.db({ readOnly: true });
  const courses = listCourses(db);
  const designations = listDesignations(db);
  const byCourse = new Map<string, { year: number; rank: Rank }[]>();
  for (const d of designations) {
    if (opts.year !== undefined && d.year !== Number(opts.year)) continue;
    const list = byCourse.get(d.course_code) ?? [];
    list.push({ year: d.year, rank: d.rank });
    byCourse.set(d.course_code, list);
  }
  const shown = opts.year !== undefined ? courses.filter((c) => byCourse.has(c.code)) : courses;
  const rows = shown.map((c) => ({
    code: c.code,
    quarters: c.quarters,
    title: c.title ?? '',
    hours: quartersToHours(c.quarters),
    hoursSource: ctx.tr.t(`courses.source.${c.source}`),
    required: (byCourse.get(c.code) ?? []).map((d) => `${yearText(d.year, ctx.tr)} ${rankText(d.rank, ctx.tr)}`).join(', '),
  }));
  const json = () => shown.map((c) => ({ code: c.code, title: c.title, hours: quartersToHours(c.quarters), hours_source: c.source, required: (byCourse.get(c.code) ?? []).map((d) => ({ year: d.year, rank: d.rank })) }));
  const fit: Record<string, FitHints> = { code: { essential: true, keep: true }, title: { min: 16 }, hours: { keep: true, align: 'right' }, hoursSource: { drop: 1 }, required: { min: 16 } };
  const columns = (['code', 'title', 'hours', 'hoursSource', 'required'] as const).map((key) => ({ key, header: ctx.tr.t(`courses.col.${key}`), fit: fit[key], ...(key === 'code' ? { kind: 'id' as const } : key === 'hours' ? { kind: 'number' as const, short: (r: (typeof rows)[number]) => formatQuarters(r.quarters) } : {}) }));
  await present(ctx, { columns, rows, json, empty: ctx.tr.t('courses.none') }, { format, out });
  return 0;
}
