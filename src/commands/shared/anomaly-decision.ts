/** What anomaly-accept, anomaly-reject and anomaly-reopen share: find the finding, record the decision, journal it. */
import type { Context } from '../../shell/context.js';
import { localTimestamp } from '../../local-time.js';
import type { AnomalyStatus } from '../../core/anomalies.js';
import { anomalyById, decideAnomaly } from '../../db/anomalies.js';
import { writeTransaction } from '../../db/journal.js';
import { InputError, UsageError, msg } from '../../errors.js';

export interface DecisionOptions {
  anomalyId: string;
  reason?: string;
}

export function decide(opts: DecisionOptions, ctx: Context, status: AnomalyStatus, command: string): void {
  if (!/^\d{1,12}$/.test(opts.anomalyId)) throw new UsageError(msg('anomalies.badId', { id: opts.anomalyId }), msg('anomalies.fix.list'));
  const id = Number(opts.anomalyId);
  const reason = (opts.reason ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
  if (status !== 'open') {
    if (!reason) throw new UsageError(msg('anomalies.needReason'), msg('anomalies.fix.reason', { command, id }));
    if ([...reason].length > 500) throw new UsageError(msg('ops.exempt.reasonTooLong', { max: 500 }));
  }
  const db = ctx.db();
  const found = writeTransaction(
    db,
    ctx,
    (a) => ({ command, args: { anomaly: id, status, reason: reason || null, was: a.status }, counts: { decided: 1 }, learnerIds: [a.learner_id] }),
    () => {
      const a = anomalyById(db, id);
      if (!a) throw new InputError(msg('anomalies.unknown', { id }), [], msg('anomalies.fix.list'));
      if (status === 'open' && a.status === 'open') throw new InputError(msg('anomalies.alreadyOpen', { id }), [], msg('anomalies.fix.list'));
      if (status !== 'open' && a.status !== 'open') {
        throw new InputError(msg('anomalies.alreadyDecided', { id, status: ctx.tr.t(`anomalies.status.${a.status}`), reason: a.reason ?? '' }), [], msg('anomalies.fix.reopen', { id }));
      }
      if (status === 'open') decideAnomaly(db, id, 'open', null, null, null);
      else decideAnomaly(db, id, status, reason, ctx.operator, localTimestamp(ctx.now()));
      return a;
    },
  );
  ctx.err.write(ctx.tr.t(`anomalies.done.${status}`, { id, name: found.name, learner: found.learner_id, day: found.day, kind: ctx.tr.t(`anomalies.kind.${found.kind}`), reason }) + '\n');
}
