/** `cadre anomaly-accept ID --reason TEXT`: the office finds the records plausible: they count. */
import type { Context } from '../shell/context.js';
import { decide, type DecisionOptions } from './shared/anomaly-decision.js';

export type AnomalyAcceptOptions = DecisionOptions;

export async function run(opts: DecisionOptions, ctx: Context): Promise<number> {
  decide(opts, ctx, 'accepted', 'anomaly-accept');
  return 0;
}
