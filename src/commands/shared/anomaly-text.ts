/** A finding's figures in words (the listing and the decisions say them the same). */
import type { Context } from '../../shell/context.js';
import type { AnomalyKind } from '../../core/anomalies.js';
import { formatQuarters } from '../../core/decimal.js';

const hhmm = (m: number | null): string => (m === null ? '' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);

export function anomalyFigure(r: { kind: AnomalyKind; figure: number; limit_value: number; minute: number | null }, ctx: Context): string {
  const { t } = ctx.tr;
  if (r.kind === 'day_hours') return t('anomalies.figure.day_hours', { hours: formatQuarters(r.figure), limit: formatQuarters(r.limit_value) });
  if (r.kind === 'same_minute') return t('anomalies.figure.same_minute', { count: r.figure, time: hhmm(r.minute), limit: r.limit_value });
  return t('anomalies.figure.too_fast', { minutes: r.figure, needed: r.limit_value });
}
