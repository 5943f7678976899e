/** `cadre close-year YEAR`: freezes the year-end view of an academic year that has ended (src/report/year-close.ts). */
import type { Context } from '../shell/context.js';
import { closeYear, parseCloseYear, yearLabel } from '../report/year-close.js';

export interface CloseYearOptions {
  year: string;
}

export async function run(opts: CloseYearOptions, ctx: Context): Promise<number> {
  const year = parseCloseYear(opts.year);
  const r = await closeYear(ctx, year);
  const { t } = ctx.tr;
  ctx.err.write(
    t('close.done', { year: yearLabel(ctx, year), cadres: r.cadres, met: r.counts.met, on_track: r.counts.on_track, behind: r.counts.behind, short: r.counts.short, exempt: r.counts.exempt, asOf: r.asOf, hash: r.resultSha256.slice(0, 12) }) + '\n',
  );
  ctx.err.write(t('close.next', { year }) + '\n');
  return 0;
}
