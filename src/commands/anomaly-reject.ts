/** `cadre anomaly-reject ID --reason TEXT`: the office finds the records implausible: they never count. */
import type { Context } from '../shell/context.js';
import { decide, type DecisionOptions } from './shared/anomaly-decision.js';

export type AnomalyRejectOptions = DecisionOptions;

export async function run(opts: DecisionOptions, ctx: Context): Promise<number> {
  decide(opts, ctx, 'rejected', 'anomaly-reject');
  return 0;
}
