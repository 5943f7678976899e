/**
 * The credit audit: a pure function of one cadre's facts, the policy and the
 * evaluation dates. It reads no clock, file, database or terminal.
 *
 * Units: credits in tenths, hours in quarter hours, essays as counts.
 */
import type { AnomalyKind } from './anomalies.js';
import { dayNumber, maxDate, minDate, type IsoDate } from './dates.js';
import type { Policy, Rank } from './policy.js';
import { academicYearOf, yearEndDate, yearStartDate, type Term } from './terms.js';

export type RequirementId = 'total' | 'training' | 'report' | 'hours' | 'required' | 'reflection';
export const REQUIREMENT_IDS: readonly RequirementId[] = ['total', 'training', 'report', 'hours', 'required', 'reflection'];
export const YEARLY_REQUIREMENTS: ReadonlySet<RequirementId> = new Set(['hours', 'required', 'reflection']);
/**
 * `unrecorded`: not met on the records kept, in a period that began before the
 * office kept records (Evaluation.recordsSince): neither met nor short.
 */
export type Status = 'met' | 'on_track' | 'behind' | 'short' | 'exempt' | 'unrecorded';
export type Unit = 'credits' | 'hours' | 'essays';

/** Anything a record can point back to (an import batch and line, a command). */
export type Source = unknown;

/** A record an implausibility finding names (src/core/anomalies.ts): held while the office has not decided, or rejected by it. */
export interface HeldBy { state: 'open' | 'rejected'; anomaly: number; kind: AnomalyKind }
export interface HourFact { course: string; date: IsoDate; quarters: number; source?: Source; held?: HeldBy }
export interface EssayFact {
  id: number;
  kind: 'reflection' | 'report';
  title: string;
  date: IsoDate;
  chars: number;
  status: 'approved' | 'pending' | 'rejected' | 'returned';
  /** Held for review by the similarity check (copied, or repeated from the cadre's earlier essays), no verdict yet. */
  held?: 'copied' | 'self';
  source?: Source;
}
export interface TrainingFact { topic: string; date: IsoDate; source?: Source }
export interface ExamFact { exam: string; date: IsoDate; scoreTenths: number; source?: Source }
/** A required course designated for (year, rank) with its catalogue hours. */
export interface Designation { year: number; rank: Rank; course: string; quarters: number }
export interface Exemption { requirement: RequirementId; year: number | null; reason: string }

export interface CadreFacts {
  hours: HourFact[];
  essays: EssayFact[];
  training: TrainingFact[];
  exams?: ExamFact[];
  exemptions?: Exemption[];
}

/**
 * When the audit is taken. `asOf` decides which periods are closed (their last
 * day is before it); records dated after `cutoff` are ignored and pace is
 * measured through `min(asOf, cutoff)`; years after `lastYear` are not listed.
 * A plain audit has cutoff = asOf; the year-end view of year Y has asOf = the
 * first day of Y+1, cutoff = the last day of Y and lastYear = Y.
 */
export interface Evaluation {
  asOf: IsoDate;
  cutoff: IsoDate;
  lastYear: number;
  /**
   * The day the office began keeping records in the tool (`cadre start`), if
   * recorded. A requirement whose period (from the cadre's term window on)
   * began before it is met on the records kept or else `unrecorded`: never
   * short or behind, since the records of its earlier days were never kept;
   * and years that ended before it draw no warning about their designations.
   */
  recordsSince?: IsoDate | null;
}

export interface Requirement {
  id: RequirementId;
  /** 'term' or the academic year. */
  period: 'term' | number;
  unit: Unit;
  required: number;
  actual: number;
  shortfall: number;
  met: boolean;
  status: Status;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  exemptReason?: string;
}

export type Counted<T> = T & { counts: boolean; year: number; why?: 'repeat' | 'too_short' | 'not_approved' | 'returned' | 'held_similarity' | 'over_cap' | 'held' | 'anomaly_rejected' };

export interface CadreAudit {
  term: Term;
  rank: Rank;
  credits: { platformTenths: number; essaysTenths: number; trainingTenths: number; totalTenths: number; requiredTenths: number };
  requirements: Requirement[];
  status: Status;
  years: number[];
  hours: Counted<HourFact>[];
  essays: Counted<EssayFact>[];
  training: Counted<TrainingFact>[];
  exams: ExamFact[];
  latestExam: ExamFact | null;
  designated: Designation[];
  /** Years whose designations total less than the policy asks (year → designated quarters). */
  underDesignated: { year: number; designatedQ: number; policyQ: number }[];
}

/**
 * Worst last. `unrecorded` above met (a cadre is never met with a period not
 * known) and below on_track, behind and short (those are said on records kept).
 */
const STATUS_RANK: Record<Status, number> = { exempt: 0, met: 1, unrecorded: 2, on_track: 3, behind: 4, short: 5 };
export function worstStatus(statuses: Status[]): Status {
  let worst: Status = 'met';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[worst]) worst = s;
  return worst;
}

function inWindow(date: IsoDate, from: IsoDate, to: IsoDate): boolean {
  return date >= from && date <= to;
}

const byDate = <T extends { date: IsoDate }>(a: T, b: T) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/** Normalises a training topic so the same topic written twice counts once. */
export function topicKey(topic: string): string {
  return topic.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

interface PaceInput {
  required: number;
  actual: number;
  periodStart: IsoDate;
  periodEnd: IsoDate;
  appointedOn: IsoDate;
  essay: boolean;
}

/**
 * met when actual ≥ required; short when the period closed before asOf;
 * otherwise behind when under the pro-rata share of the elapsed part (counting
 * the day pace is measured through), or for an essay when under a quarter of
 * the period remains; else on track. Exact: compared by cross-multiplying.
 */
/**
 * dayNumber, remembered: an office's audit asks it for the same few dates
 * (period bounds, appointments, the as-of day) hundreds of thousands of times.
 */
const days = new Map<IsoDate, number>();
function dayOf(iso: IsoDate): number {
  let d = days.get(iso);
  if (d === undefined) {
    if (days.size > 50_000) days.clear();
    days.set(iso, (d = dayNumber(iso)));
  }
  return d;
}

export function paceStatus(p: PaceInput, ev: Evaluation): Status {
  if (p.actual >= p.required) return 'met';
  if (p.periodEnd < ev.asOf) return 'short';
  const start = maxDate(p.periodStart, p.appointedOn);
  const through = minDate(ev.asOf, ev.cutoff);
  if (start > p.periodEnd) return 'on_track';
  const length = dayOf(p.periodEnd) - dayOf(start) + 1;
  const elapsed = Math.max(0, Math.min(length, dayOf(through) - dayOf(start) + 1));
  if (p.essay) {
    const remaining = length - elapsed;
    return remaining * 4 < length ? 'behind' : 'on_track';
  }
  return p.actual * length < p.required * elapsed ? 'behind' : 'on_track';
}

/**
 * The facts a read of one cadre's window `from`–`to` and `cutoff` gives, taken from a read of a
 * window holding it and a later cutoff (the report's year and the year before, read once): hours
 * in the window, the other records dated up to the cutoff (those are read by cutoff only), in the
 * order read. The records themselves are shared, not copied: the engine does not change them.
 */
export function factsWithin(facts: CadreFacts, from: IsoDate, to: IsoDate, cutoff: IsoDate): CadreFacts {
  const upTo = <T extends { date: IsoDate }>(list: T[]) => list.filter((x) => x.date <= cutoff);
  const out: CadreFacts = {
    hours: facts.hours.filter((h) => h.date >= from && h.date <= to && h.date <= cutoff),
    essays: upTo(facts.essays),
    training: upTo(facts.training),
  };
  if (facts.exams) out.exams = upTo(facts.exams);
  if (facts.exemptions) out.exemptions = facts.exemptions.slice();
  return out;
}

export function auditTerm(
  term: Term,
  facts: CadreFacts,
  designations: Designation[],
  policy: Policy,
  ev: Evaluation,
  /** false: leave out the per-record lists (hours, training) a transcript needs; a whole-office audit does not. */
  records = true,
): CadreAudit {
  const rp = policy.ranks[term.rank];
  const from = term.windowStart;
  const to = minDate(term.windowEnd, ev.cutoff);
  const yearOf = (d: IsoDate) => academicYearOf(d, policy);

  // Platform hours: each course counts once per term, its earliest record (on equal dates, the first listed).
  /** Course → its counted record. */
  const earliest = new Map<string, HourFact>();
  for (const h of facts.hours) {
    if (h.date < from || h.date > to || h.held !== undefined) continue;
    const e = earliest.get(h.course);
    if (e === undefined || h.date < e.date) earliest.set(h.course, h);
  }
  /** Counted quarter hours per academic year of the window, from the window's first year (`baseYear`) on. */
  const baseYear = academicYearOf(from, policy);
  const yearStarts: IsoDate[] = [];
  for (let y = baseYear + 1; y <= academicYearOf(to, policy); y++) yearStarts.push(yearStartDate(y, policy));
  const quartersByYear: number[] = new Array(yearStarts.length + 1).fill(0);
  let platformQ = 0;
  for (const h of earliest.values()) {
    platformQ += h.quarters;
    // The year of a date inside the window: how many of the window's year starts it has passed.
    let i = 0;
    while (i < yearStarts.length && h.date >= yearStarts[i]) i++;
    quartersByYear[i] += h.quarters;
  }
  // The transcript's list: every record of the term by date, each marked counted or a repeat.
  const hours: Counted<HourFact>[] = [];
  if (records) {
    for (const h of facts.hours.filter((h) => inWindow(h.date, from, to)).sort(byDate)) {
      const counts = earliest.get(h.course) === h;
      // A plain literal, not a spread: this runs once per record.
      const c: Counted<HourFact> = { course: h.course, date: h.date, quarters: h.quarters, source: h.source, counts, year: yearOf(h.date) };
      if (h.held !== undefined) {
        c.held = h.held;
        c.why = h.held.state === 'open' ? 'held' : 'anomaly_rejected';
      } else if (!counts) c.why = 'repeat';
      hours.push(c);
    }
  }
  const platformTenths = platformQ * policy.creditTenthsPerQuarterHour;

  // Topic training: 1 credit per topic, once per term.
  const training: Counted<TrainingFact>[] = [];
  const seenTopics = new Set<string>();
  for (const t of facts.training.length ? facts.training.filter((t) => inWindow(t.date, from, to)).sort(byDate) : []) {
    const key = topicKey(t.topic);
    const counts = !seenTopics.has(key);
    seenTopics.add(key);
    if (!records) continue;
    const c: Counted<TrainingFact> = { topic: t.topic, date: t.date, source: t.source, counts, year: yearOf(t.date) };
    if (!counts) c.why = 'repeat';
    training.push(c);
  }
  const trainingTenths = seenTopics.size * policy.trainingTenthsPerTopic;

  // Essays: approved and long enough for the term's rank qualify; caps limit credits.
  const essays: Counted<EssayFact>[] = [];
  const reflectionsByYear = new Map<number, number>();
  let reportsCredited = 0;
  let reportsQualified = 0;
  let essaysTenths = 0;
  for (const e of facts.essays.length ? facts.essays.filter((e) => inWindow(e.date, from, to)).sort((a, b) => byDate(a, b) || a.id - b.id) : []) {
    const year = yearOf(e.date);
    const rule = e.kind === 'reflection' ? rp.reflection : rp.report;
    let why: Counted<EssayFact>['why'];
    if (e.chars < rule.minChars) why = 'too_short';
    else if (e.status !== 'approved') why = e.held ? 'held_similarity' : e.status === 'returned' ? 'returned' : 'not_approved';
    if (!why && e.kind === 'reflection') {
      const n = reflectionsByYear.get(year) ?? 0;
      reflectionsByYear.set(year, n + 1);
      if (n >= policy.caps.reflectionsPerYear) why = 'over_cap';
    } else if (!why) {
      reportsQualified++;
      if (reportsCredited >= policy.caps.reportsPerTerm) why = 'over_cap';
      else reportsCredited++;
    }
    if (!why) essaysTenths += rule.creditTenths;
    essays.push({ ...e, year, counts: !why, ...(why ? { why } : {}) });
  }

  // Years of the term that have begun and are within the view.
  const years: number[] = [];
  for (let y = term.startYear; y <= Math.min(term.endYear, ev.lastYear); y++) {
    const start = yearStartDate(y, policy);
    if (start <= ev.asOf && start <= term.windowEnd) years.push(y);
  }

  const exemptions = facts.exemptions ?? [];
  const exemptionFor = (id: RequirementId, period: 'term' | number) =>
    exemptions.length === 0 ? undefined : exemptions.find((x) => x.requirement === id && (x.year === null || x.year === period || (period === 'term' && x.year >= term.startYear && x.year <= term.endYear)));

  const since = ev.recordsSince ?? null;
  const requirements: Requirement[] = [];
  const add = (id: RequirementId, period: 'term' | number, unit: Unit, required: number, actual: number, periodStart: IsoDate, periodEnd: IsoDate, essay = false) => {
    const met = actual >= required;
    const exemption = exemptionFor(id, period);
    let status: Status = exemption ? 'exempt' : paceStatus({ required, actual, periodStart, periodEnd, appointedOn: term.appointedOn, essay }, ev);
    if (status !== 'met' && status !== 'exempt' && since !== null && maxDate(periodStart, term.windowStart) < since) status = 'unrecorded';
    const r: Requirement = { id, period, unit, required, actual, shortfall: exemption ? 0 : Math.max(0, required - actual), met, status, periodStart, periodEnd };
    if (exemption) r.exemptReason = exemption.reason;
    requirements.push(r);
  };

  const totalTenths = platformTenths + essaysTenths + trainingTenths;
  add('total', 'term', 'credits', rp.totalTenths, totalTenths, term.periodStart, term.periodEnd);
  add('training', 'term', 'credits', rp.trainingTenths, trainingTenths, term.periodStart, term.periodEnd);
  add('report', 'term', 'essays', rp.report.requiredPerTerm, reportsQualified, term.periodStart, term.periodEnd, true);

  const designated = designations.filter((d) => d.rank === term.rank && d.year >= term.startYear && d.year <= term.endYear);
  const underDesignated: CadreAudit['underDesignated'] = [];
  for (const y of years) {
    const ys = yearStartDate(y, policy);
    const ye = yearEndDate(y, policy);
    const yearQ = y >= baseYear && y - baseYear < quartersByYear.length ? quartersByYear[y - baseYear] : 0;
    add('hours', y, 'hours', rp.hoursPerYearQ, yearQ, ys, ye);
    // A designated course of year y is done when completed in the term on or before the end of y.
    const courses = designated.filter((d) => d.year === y);
    const requiredQ = courses.reduce((s, d) => s + d.quarters, 0);
    const doneQ = courses.filter((d) => {
      const first = earliest.get(d.course)?.date;
      return first !== undefined && first <= ye;
    }).reduce((s, d) => s + d.quarters, 0);
    if (requiredQ < rp.requiredHoursPerYearQ && (since === null || ye >= since)) underDesignated.push({ year: y, designatedQ: requiredQ, policyQ: rp.requiredHoursPerYearQ });
    add('required', y, 'hours', requiredQ, doneQ, ys, ye);
    const reflections = essays.filter((e) => e.kind === 'reflection' && e.year === y && (e.counts || e.why === 'over_cap')).length;
    add('reflection', y, 'essays', rp.reflection.requiredPerYear, reflections, ys, ye, true);
  }

  const exams = [...(facts.exams ?? [])].sort(byDate);
  return {
    term,
    rank: term.rank,
    credits: { platformTenths, essaysTenths, trainingTenths, totalTenths, requiredTenths: rp.totalTenths },
    requirements,
    status: worstStatus(requirements.map((r) => r.status)),
    years,
    hours,
    essays,
    training,
    exams,
    latestExam: exams.length ? exams[exams.length - 1] : null,
    designated,
    underDesignated,
  };
}
