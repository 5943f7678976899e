/** `cadre anomaly-reopen ID`: takes a decision back: the records are held again until the office decides. */
import type { Context } from '../shell/context.js';
import { decide, type DecisionOptions } from './shared/anomaly-decision.js';

export type AnomalyReopenOptions = DecisionOptions;

export async function run(opts: DecisionOptions, ctx: Context): Promise<number> {
  decide(opts, ctx, 'open', 'anomaly-reopen');
  return 0;
}
