/**
 * `cadre exempt LEARNER_ID --requirement ID [--year YYYY] --reason TEXT`.
 *
 * Yearly requirements (hours, required, reflection): --year YYYY exempts that
 * academic year; without it, every academic year. Term requirements (total,
 * training, report): --year YYYY exempts the term that holds academic year
 * YYYY; without it, every term. An exemption already in force for the same
 * requirement and year (or for every year) is refused.
 */
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { coveringExemption, insertExemption } from '../db/exemptions.js';
import { writeTransaction } from '../db/journal.js';
import { InputError, UsageError, msg } from '../errors.js';
import { parseTarget, scopeText } from './shared/exemption-target.js';

export interface ExemptOptions {
  learnerId: string;
  requirement: string;
  year?: string;
  reason: string;
}

export async function run(opts: ExemptOptions, ctx: Context): Promise<number> {
  const { learnerId } = opts;
  const db = ctx.db();
  const target = parseTarget(db, learnerId, opts);
  const reason = (opts.reason ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!reason) throw new UsageError(msg('ops.exempt.needReason'), msg('ops.exempt.fix.reason'));
  if ([...reason].length > 500) throw new UsageError(msg('ops.exempt.reasonTooLong', { max: 500 }));
  const { cadre, requirement, year } = target;
  const id = writeTransaction(
    db,
    ctx,
    (newId) => ({ command: 'exempt', args: { learner: cadre.learnerId, requirement, year, reason, exemption: newId }, counts: { exempted: 1 }, learnerIds: [cadre.learnerId] }),
    () => {
      const existing = coveringExemption(db, cadre.id, requirement, year);
      if (existing) {
        throw new InputError(
          msg('ops.exempt.duplicate', { id: cadre.learnerId, requirement: ctx.tr.t(`req.${requirement}`), scope: scopeText({ requirement, year: existing.year }, ctx), exemption: existing.id, reason: existing.reason }),
          [],
          msg('ops.exempt.fix.duplicate', { id: cadre.learnerId, requirement: existing.year === null ? requirement : `${requirement} --year ${existing.year}` }),
        );
      }
      return insertExemption(db, { cadreId: cadre.id, requirement, year, reason, grantedBy: ctx.operator, grantedAt: localTimestamp(ctx.now()) });
    },
  );
  ctx.err.write(ctx.tr.t('ops.exempt.done', { exemption: id, name: cadre.name, id: cadre.learnerId, requirement: ctx.tr.t(`req.${requirement}`), scope: scopeText(target, ctx), reason }) + '\n');
  return 0;
}
