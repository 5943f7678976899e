/** `cadre unexempt LEARNER_ID --requirement ID [--year YYYY]`: revokes an exemption in force. */
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { exemptionInForce, revokeExemption, yearsInForce } from '../db/exemptions.js';
import { writeTransaction } from '../db/journal.js';
import { InputError, msg } from '../errors.js';
import { parseTarget, scopeText } from './shared/exemption-target.js';

export interface UnexemptOptions {
  learnerId: string;
  requirement: string;
  year?: string;
}

export async function run(opts: UnexemptOptions, ctx: Context): Promise<number> {
  const { learnerId } = opts;
  const db = ctx.db();
  const target = parseTarget(db, learnerId, opts);
  const { cadre, requirement, year } = target;
  const revoked = writeTransaction(
    db,
    ctx,
    (r) => ({ command: 'unexempt', args: { learner: cadre.learnerId, requirement, year, exemption: r.id }, counts: { revoked: 1 }, learnerIds: [cadre.learnerId] }),
    () => {
      const row = exemptionInForce(db, cadre.id, requirement, year);
      if (!row) {
        const others = yearsInForce(db, cadre.id, requirement);
        const inForce = others.map((y) => (y === null ? ctx.tr.t('ops.exempt.noYear') : `--year ${y}`)).join(', ');
        throw new InputError(
          msg('ops.unexempt.none', { id: cadre.learnerId, requirement: ctx.tr.t(`req.${requirement}`), scope: scopeText(target, ctx) }),
          [],
          inForce ? msg('ops.unexempt.fix.others', { list: inForce }) : msg('ops.unexempt.fix.list'),
        );
      }
      revokeExemption(db, row.id, localTimestamp(ctx.now()));
      return row;
    },
  );
  ctx.err.write(ctx.tr.t('ops.unexempt.done', { exemption: revoked.id, name: cadre.name, id: cadre.learnerId, requirement: ctx.tr.t(`req.${requirement}`), scope: scopeText(target, ctx) }) + '\n');
  return 0;
}
