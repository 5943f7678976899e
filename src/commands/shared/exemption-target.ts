/** What `exempt` and `unexempt` both read: the cadre, requirement and year an exemption is about, and how its scope is said. */
import type { Context } from '../../shell/context.js';
import { REQUIREMENT_IDS, YEARLY_REQUIREMENTS, type RequirementId } from '../../core/audit.js';
import { findCadre, loadCadres, type CadreRow } from '../../db/cadres.js';
import type { DB } from '../../db/open.js';
import { InputError, UsageError, msg } from '../../errors.js';

export interface ExemptionTarget {
  cadre: CadreRow;
  requirement: RequirementId;
  year: number | null;
}

export function parseTarget(db: DB, learnerId: string, opts: { requirement?: string; year?: string }): ExemptionTarget {
  if (!opts.requirement) throw new UsageError(msg('ops.exempt.needRequirement'), msg('ops.exempt.fix.requirement', { ids: REQUIREMENT_IDS.join('|') }));
  const requirement = opts.requirement.trim().toLowerCase() as RequirementId;
  if (!REQUIREMENT_IDS.includes(requirement)) {
    throw new UsageError(msg('ops.exempt.badRequirement', { value: opts.requirement }), msg('ops.exempt.fix.requirement', { ids: REQUIREMENT_IDS.join('|') }));
  }
  let year: number | null = null;
  if (opts.year !== undefined) {
    const y = opts.year.trim();
    if (!/^\d{4}$/.test(y) || Number(y) < 1949 || Number(y) > 2200) throw new UsageError(msg('ops.exempt.badYear', { year: opts.year }), msg('ops.exempt.fix.year'));
    year = Number(y);
  }
  const cadre = findCadre(loadCadres(db), learnerId);
  if (!cadre) throw new InputError(msg('ops.unknownLearner', { id: learnerId }), [], msg('ops.fix.unknownLearner'));
  return { cadre, requirement, year };
}

export function scopeText(t: ExemptionTarget | { requirement: string; year: number | null }, ctx: Context): string {
  const yearly = YEARLY_REQUIREMENTS.has(t.requirement as RequirementId);
  if (t.year === null) return ctx.tr.t(yearly ? 'ops.exempt.everyYear' : 'ops.exempt.everyTerm');
  return ctx.tr.t(yearly ? 'ops.exempt.year' : 'ops.exempt.termOfYear', { year: ctx.tr.t('year.label', { from: t.year, to: t.year + 1 }) });
}
