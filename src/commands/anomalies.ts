/** `cadre anomalies [--year Y] [--department D] [--status open|accepted|rejected]`: the implausible study records found by hours imports. */
import type { Context } from '../shell/context.js';
import { listingOutput } from '../shell/listing-out.js';
import type { CellKind } from '../io/xlsx-out.js';
import { present, type FitHints, type Format } from '../shell/render.js';
import { readableTime } from '../local-time.js';
import { ANOMALY_STATUSES, type AnomalyStatus } from '../core/anomalies.js';
import { formatQuarters } from '../core/decimal.js';
import { yearEndDate, yearStartDate } from '../core/terms.js';
import { listAnomalies, type AnomalyRow } from '../db/anomalies.js';
import { UsageError, msg } from '../errors.js';
import { anomalyFigure } from './shared/anomaly-text.js';

export interface AnomaliesOptions {
  year?: string;
  department?: string;
  status?: string;
  format?: Format;
  out?: string;
  overwrite?: boolean;
}

export async function run(opts: AnomaliesOptions, ctx: Context): Promise<number> {
  const { format, out } = listingOutput(ctx, opts);
  if (opts.year !== undefined && !/^\d{4}$/.test(opts.year)) throw new UsageError(msg('audit.badYear', { year: opts.year }), msg('audit.fix.badYear'));
  if (opts.status !== undefined && !ANOMALY_STATUSES.includes(opts.status as AnomalyStatus)) {
    throw new UsageError(msg('anomalies.badStatus', { status: opts.status }), msg('anomalies.fix.badStatus'));
  }
  const policy = ctx.policy();
  const year = opts.year === undefined ? undefined : Number(opts.year);
  const db = ctx.db({ readOnly: true });
  const rows = listAnomalies(db, {
    from: year === undefined ? undefined : yearStartDate(year, policy),
    to: year === undefined ? undefined : yearEndDate(year, policy),
    department: opts.department,
    status: opts.status as AnomalyStatus | undefined,
  });
  const { t } = ctx.tr;
  const view = rows.map((r) => ({
    ...r,
    kind_text: t(`anomalies.kind.${r.kind}`),
    figures: anomalyFigure(r, ctx),
    status_text: t(`anomalies.status.${r.status}`),
    reason: r.reason ?? '',
    decided_at: r.decided_at ?? '',
    batch_id: r.batch_id ?? '',
  }));
  type ViewRow = (typeof view)[number];
  const keys = ['id', 'learner_id', 'name', 'department', 'day', 'kind_text', 'figures', 'courses', 'status_text', 'reason', 'batch_id', 'decided_at'] as const;
  const kinds: Partial<Record<(typeof keys)[number], CellKind>> = { id: 'number', learner_id: 'id', day: 'date', batch_id: 'number', decided_at: 'datetime' };
  const short: Partial<Record<string, (r: ViewRow) => string>> = { decided_at: (r) => readableTime(r.decided_at) };
  const fit: Partial<Record<string, FitHints>> = {
    id: { essential: true, keep: true, align: 'right' },
    learner_id: { essential: true, keep: true },
    name: { keep: true, drop: 1 },
    department: { drop: 4 },
    day: { essential: true, keep: true },
    kind_text: { min: 10 },
    figures: { min: 8 },
    courses: { min: 6, drop: 5 },
    status_text: { keep: true },
    reason: { min: 6, drop: 3 },
    batch_id: { keep: true, drop: 7 },
    decided_at: { keep: true, drop: 6 },
  };
  const columns = keys.map((key) => ({ key, header: t(`anomalies.col.${key}`), short: short[key], fit: fit[key], kind: kinds[key] }));
  // In JSON the figures in their own unit: hours (as decimal text), courses or minutes.
  const json = () =>
    rows.map((r: AnomalyRow) => {
      const { limit_value, figure, ...rest } = r;
      const hours = r.kind === 'day_hours';
      return { ...rest, figure: hours ? formatQuarters(figure) : figure, limit: hours ? formatQuarters(limit_value) : limit_value, unit: hours ? 'hours' : r.kind === 'same_minute' ? 'courses' : 'minutes' };
    });
  await present(ctx, { columns, rows: view, json, empty: t('anomalies.none') }, { format, out });
  if (rows.some((r) => r.status === 'open')) ctx.err.write(t('anomalies.next') + '\n');
  return 0;
}
