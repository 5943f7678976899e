/**
 * `cadre exempt LEARNER_ID --requirement ID [--year YYYY] --reason TEXT`.
 *
 * Yearly requirements (hours, required, reflection): --year YYYY exempts that
 * academic year; without it, every academic year. Term requirements (total,
 * training, report): --year YYYY exempts the term that holds academic year
 * YYYY; without it, every term. An exemption already in force for the same
 * requirement and year (or for every year) is refused.
 */
import { localTimestamp, type Context } from '../cli/context.js';
import { REQUIREMENT_IDS, YEARLY_REQUIREMENTS, type RequirementId } from '../core/audit.js';
import { findCadre, loadCadres, type CadreRow } from '../db/cadres.js';
import { writeTransaction } from '../db/journal.js';
import type { DB } from '../db/open.js';
import { InputError, UsageError, msg } from '../errors.js';

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
      const existing = db
        .prepare('SELECT id, year, reason FROM exemptions WHERE cadre_id = ? AND requirement = ? AND revoked_at IS NULL AND (year IS NULL OR year IS ?)')
        .get(cadre.id, requirement, year) as { id: number; year: number | null; reason: string } | undefined;
      if (existing) {
        throw new InputError(
          msg('ops.exempt.duplicate', { id: cadre.learnerId, requirement: ctx.tr.t(`req.${requirement}`), scope: scopeText({ requirement, year: existing.year }, ctx), exemption: existing.id, reason: existing.reason }),
          [],
          msg('ops.exempt.fix.duplicate', { id: cadre.learnerId, requirement: existing.year === null ? requirement : `${requirement} --year ${existing.year}` }),
        );
      }
      return Number(
        db
          .prepare('INSERT INTO exemptions (cadre_id, requirement, year, reason, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(cadre.id, requirement, year, reason, ctx.operator, localTimestamp(ctx.now())).lastInsertRowid,
      );
    },
  );
  ctx.err.write(ctx.tr.t('ops.exempt.done', { exemption: id, name: cadre.name, id: cadre.learnerId, requirement: ctx.tr.t(`req.${requirement}`), scope: scopeText(target, ctx), reason }) + '\n');
  return 0;
}
