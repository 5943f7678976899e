/**
 * Who gets which reminder: a pure function of the audits, the reminders
 * produced before and the policy's quiet period.
 *
 * - A gap is one requirement of one period (the term, or an academic year)
 *   of one cadre's term, behind pace or short. Its deadline is the last day
 *   of its period: the end of the academic year for a yearly requirement,
 *   the end of the term for a term requirement.
 * - The same reminder is the same cadre, gap and status (behind, then short
 *   once the period has ended, is a new one). It is not produced again while
 *   fewer than `quietDays` days separate the as-of date of the last one and
 *   this one's, unless `again`.
 * - One message per cadre lists the gaps not held back, in the audit's
 *   order; the cadre's deadline is the earliest deadline among them still to
 *   come; when every one has passed (all of them short), the end of the
 *   cadre's term if it is still to come (what is missing can still count
 *   towards the term's total), else none.
 */
import type { Requirement, RequirementId } from './audit.js';
import { dayNumber, type IsoDate } from './dates.js';

export type GapStatus = 'behind' | 'short';

export interface Gap {
  requirement: Requirement;
  /** 'term' or the academic year, as stored. */
  period: string;
  termStart: number;
  status: GapStatus;
  deadline: IsoDate;
}

/** What the planner needs of one audited cadre. */
export interface RemindCandidate<C> {
  cadre: C;
  cadreId: number;
  termStart: number;
  /** The last day of the cadre's term: the deadline when every gap's own has passed. */
  termEnd: IsoDate;
  requirements: readonly Requirement[];
}

/** A reminder produced before (the reminders table). */
export interface PastReminder {
  cadreId: number;
  requirement: RequirementId | string;
  period: string;
  termStart: number;
  status: string;
  asOf: IsoDate;
}

export interface PlannedReminder<C> {
  cadre: C;
  cadreId: number;
  gaps: Gap[];
  /** The earliest deadline of the gaps still to come, else the term's end if still to come, else null. */
  deadline: IsoDate | null;
}

export interface ReminderPlan<C> {
  reminders: PlannedReminder<C>[];
  /** Gaps held back: reminded within the quiet period. */
  held: number;
  /** Cadres every one of whose gaps was held back. */
  heldCadres: number;
}

export interface RemindOptions {
  asOf: IsoDate;
  statuses: ReadonlySet<GapStatus>;
  quietDays: number;
  again: boolean;
}

export function periodKey(r: Pick<Requirement, 'period'>): string {
  return r.period === 'term' ? 'term' : String(r.period);
}

const gapKey = (cadreId: number, requirement: string, period: string, termStart: number, status: string) => `${cadreId}\u0000${requirement}\u0000${period}\u0000${termStart}\u0000${status}`;

export function planReminders<C>(candidates: readonly RemindCandidate<C>[], past: readonly PastReminder[], opts: RemindOptions): ReminderPlan<C> {
  const today = dayNumber(opts.asOf);
  // The latest as-of date each reminder was produced for.
  const last = new Map<string, number>();
  for (const p of past) {
    const k = gapKey(p.cadreId, p.requirement, p.period, p.termStart, p.status);
    const d = dayNumber(p.asOf);
    if (!last.has(k) || d > last.get(k)!) last.set(k, d);
  }
  const reminders: PlannedReminder<C>[] = [];
  let held = 0;
  let heldCadres = 0;
  for (const c of candidates) {
    const gaps: Gap[] = [];
    let heldHere = 0;
    for (const r of c.requirements) {
      if (r.status !== 'behind' && r.status !== 'short') continue;
      if (!opts.statuses.has(r.status)) continue;
      const period = periodKey(r);
      const before = last.get(gapKey(c.cadreId, r.id, period, c.termStart, r.status));
      // Within the quiet period of the last one (or after a later as-of date than this one): held back.
      if (!opts.again && before !== undefined && today - before < opts.quietDays) {
        heldHere++;
        continue;
      }
      gaps.push({ requirement: r, period, termStart: c.termStart, status: r.status, deadline: r.periodEnd });
    }
    held += heldHere;
    if (!gaps.length) {
      if (heldHere) heldCadres++;
      continue;
    }
    const coming = gaps.map((g) => g.deadline).filter((d) => d >= opts.asOf).sort();
    reminders.push({ cadre: c.cadre, cadreId: c.cadreId, gaps, deadline: coming[0] ?? (c.termEnd >= opts.asOf ? c.termEnd : null) });
  }
  return { reminders, held, heldCadres };
}

/** The earliest of the cadres' deadlines still to come (a department's notice), or null. */
export function earliestDeadline(list: readonly { deadline: IsoDate | null }[]): IsoDate | null {
  const ds = list.map((r) => r.deadline).filter((d): d is IsoDate => d !== null).sort();
  return ds[0] ?? null;
}
