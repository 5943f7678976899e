/** `cadre closes`: every closed year and every amendment made to one since. */
import type { Context } from '../shell/context.js';
import { chooseFormat, present, type FitHints, type Format } from '../shell/render.js';
import { listAmendments, listCloses } from '../db/closes.js';
import { yearLabel } from '../report/year-close.js';

export interface ClosesOptions {
  format?: Format;
}

/** A local timestamp as people read it: 2026-09-05 10:31. */
const minute = (ts: string) => ts.slice(0, 16).replace('T', ' ');

export async function run(opts: ClosesOptions, ctx: Context): Promise<number> {
  const format = chooseFormat(opts.format, ctx.out);
  const db = ctx.db({ readOnly: true });
  const hasCloses = !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'year_closes'").get();
  const closes = hasCloses ? listCloses(db) : [];
  const amendments = hasCloses ? listAmendments(db) : [];
  const { t } = ctx.tr;
  const rows = [
    ...closes.map((c) => {
      const counts = JSON.parse(c.counts) as Record<string, number>;
      return {
        entry: t('close.entry.close'),
        year: yearLabel(ctx, c.year),
        at: minute(c.closedAt),
        operator: c.operator,
        what: t('close.entry.closeWhat', { cadres: c.cadres, met: counts.met ?? 0, short: counts.short ?? 0, asOf: c.asOf }),
        hash: c.resultSha256,
        sort: `${c.year}:0:${c.closedAt}`,
      };
    }),
    ...amendments.map((a) => ({
      entry: t('close.entry.amendment'),
      year: yearLabel(ctx, a.year),
      at: minute(a.at),
      operator: a.operator,
      what: t('close.entry.amendWhat', { command: a.command, changes: a.changes, reason: a.reason }),
      hash: '',
      sort: `${a.year}:1:${a.at}:${String(a.id).padStart(12, '0')}`,
    })),
  ].sort((x, y) => (x.sort < y.sort ? -1 : x.sort > y.sort ? 1 : 0));
  const json = () => [
    ...closes.map((c) => ({ type: 'close', year: c.year, closed_at: c.closedAt, operator: c.operator, as_of: c.asOf, cadres: c.cadres, counts: JSON.parse(c.counts), result_sha256: c.resultSha256, state_sha256: c.stateSha256, policy_sha256: c.policySha256 })),
    ...amendments.map((a) => ({ type: 'amendment', year: a.year, at: a.at, operator: a.operator, command: a.command, reason: a.reason, changes: a.changes, run: a.run })),
  ];
  const keys = ['entry', 'year', 'at', 'operator', 'what', 'hash'] as const;
  // On a narrow terminal the hash gives way first, then the operator; the year, the entry and what it says stay.
  const fit: Record<string, FitHints> = { entry: { essential: true, keep: true }, year: { essential: true, keep: true }, at: { keep: true }, operator: { drop: 2 }, what: { min: 24 }, hash: { keep: true, drop: 1 } };
  const columns = keys.map((key) => ({ key, header: t(`close.col.${key}`), fit: fit[key], ...(key === 'hash' ? { short: (r: (typeof rows)[number]) => r.hash.slice(0, 12) } : {}) }));
  await present(ctx, { columns, rows, json, empty: t('close.none') }, { format });
  return 0;
}
