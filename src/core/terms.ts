/**
 * Academic years and terms (任期). Pure functions of the appointments, the
 * policy and a date.
 *
 * - Academic year Y runs from yearStart of Y to the day before yearStart of Y+1.
 * - A series starts at each appointment (a first appointment, a promotion or a
 *   re-appointment). Its first term starts with the academic year holding the
 *   appointment when the appointment falls before the cutoff (1 March) of that
 *   year, else with the next academic year; the part-year before it carries no
 *   yearly requirement but its records count toward the first term.
 * - Terms roll over every `termYears` years until the next appointment (the
 *   term then ends the day before it) or the day the cadre left office.
 * - A cadre who left office and was appointed again has a gap: the series
 *   before it ends the day they left (that appointment's `leftOn`), and the
 *   years between the leaving and the re-appointment belong to no term.
 */
import { addDays, minDate, type IsoDate } from './dates.js';
import type { Policy, Rank } from './policy.js';

export interface Appointment {
  rank: Rank;
  appointedOn: IsoDate;
  /**
   * The day the cadre left office at the end of this appointment's series,
   * when a later appointment (a re-appointment after leaving) followed. The
   * latest series' leaving is the record's `leftOn`.
   */
  leftOn?: IsoDate | null;
}

export interface ServiceRecord {
  /** Sorted by date, earliest first; dates distinct. */
  appointments: Appointment[];
  leftOn: IsoDate | null;
}

export interface Term {
  rank: Rank;
  /** Index of the appointment that opened the series. */
  series: number;
  /** 0 for the first term of a series. */
  index: number;
  appointedOn: IsoDate;
  /** First and last academic year of the term. */
  startYear: number;
  endYear: number;
  /** Records dated in [windowStart, windowEnd] belong to the term. */
  windowStart: IsoDate;
  windowEnd: IsoDate;
  /** The nominal period: first day of startYear to last day of endYear. */
  periodStart: IsoDate;
  periodEnd: IsoDate;
  /** Why the term ends before periodEnd, if it does. */
  cutShort: 'reappointed' | 'left' | null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Each policy's year bounds, built once per year: an office-wide audit asks for them per cadre. */
const yearBounds = new WeakMap<Policy, Map<number, YearBounds>>();
interface YearBounds { start: IsoDate; end: IsoDate; cutoff?: IsoDate }

function boundsOf(year: number, policy: Policy): YearBounds {
  let years = yearBounds.get(policy);
  if (!years) yearBounds.set(policy, (years = new Map()));
  let b = years.get(year);
  if (!b) {
    const [m, d] = policy.yearStart;
    const start = (y: number) => `${y}-${pad(m)}-${pad(d)}`;
    years.set(year, (b = { start: start(year), end: addDays(start(year + 1), -1) }));
  }
  return b;
}

export function yearStartDate(year: number, policy: Policy): IsoDate {
  return boundsOf(year, policy).start;
}

export function yearEndDate(year: number, policy: Policy): IsoDate {
  return boundsOf(year, policy).end;
}

/** The academic year a date falls in (named by its first calendar year). */
export function academicYearOf(date: IsoDate, policy: Policy): number {
  const y = Number(date.slice(0, 4));
  return date >= yearStartDate(y, policy) ? y : y - 1;
}

/** The cutoff date (e.g. 1 March) inside academic year Y. */
function cutoffDate(year: number, policy: Policy): IsoDate {
  const b = boundsOf(year, policy);
  if (b.cutoff === undefined) {
    const [m, d] = policy.appointmentCutoff;
    const sameCalendarYear = `${year}-${pad(m)}-${pad(d)}`;
    b.cutoff = sameCalendarYear >= b.start ? sameCalendarYear : `${year + 1}-${pad(m)}-${pad(d)}`;
  }
  return b.cutoff;
}

/** First academic year of the first term after an appointment on `date`. */
export function firstTermYear(date: IsoDate, policy: Policy): number {
  const ay = academicYearOf(date, policy);
  return date < cutoffDate(ay, policy) ? ay : ay + 1;
}

/** Last day on which records belong to the series opened by appointment i. */
function seriesEnd(service: ServiceRecord, i: number): { end: IsoDate | null; by: 'reappointed' | 'left' | null } {
  const next = service.appointments[i + 1];
  const nextEnd = next ? addDays(next.appointedOn, -1) : null;
  const own = service.appointments[i].leftOn ?? null;
  const left = own !== null && service.leftOn !== null ? minDate(own, service.leftOn) : own ?? service.leftOn;
  if (nextEnd && (!left || nextEnd <= left)) return { end: nextEnd, by: 'reappointed' };
  if (left) return { end: left, by: 'left' };
  return { end: null, by: null };
}

/**
 * The terms of series `series` (opened by that appointment) that have begun
 * by `upTo`, from term `fromIndex` on, appended to `terms`.
 */
function seriesTerms(terms: Term[], service: ServiceRecord, policy: Policy, series: number, upTo: IsoDate, fromIndex: number): void {
  const appt = service.appointments[series];
  const { end, by } = seriesEnd(service, series);
  if (end !== null && end < appt.appointedOn) return; // superseded the same day
  const first = firstTermYear(appt.appointedOn, policy);
  for (let index = fromIndex; ; index++) {
    const startYear = first + index * policy.termYears;
    const endYear = startYear + policy.termYears - 1;
    const windowStart = index === 0 ? appt.appointedOn : yearStartDate(startYear, policy);
    if (windowStart > upTo) break;
    if (end !== null && windowStart > end) break;
    const periodEnd = yearEndDate(endYear, policy);
    const windowEnd = end !== null ? minDate(periodEnd, end) : periodEnd;
    terms.push({
      rank: appt.rank,
      series,
      index,
      appointedOn: appt.appointedOn,
      startYear,
      endYear,
      windowStart,
      windowEnd,
      periodStart: yearStartDate(startYear, policy),
      periodEnd,
      cutShort: windowEnd < periodEnd ? by : null,
    });
    if (end !== null && windowEnd >= end) break;
  }
}

/**
 * Every term that has begun (windowStart ≤ upTo), in order. A term begins on
 * its window start: the appointment date for a series' first term.
 */
export function termsUpTo(service: ServiceRecord, policy: Policy, upTo: IsoDate): Term[] {
  const terms: Term[] = [];
  for (let series = 0; series < service.appointments.length; series++) seriesTerms(terms, service, policy, series, upTo, 0);
  return terms;
}

/** The term a dated record belongs to, or null when the date is outside every term. */
export function termOf(service: ServiceRecord, policy: Policy, date: IsoDate): Term | null {
  const terms = termsUpTo(service, policy, date);
  for (let i = terms.length - 1; i >= 0; i--) {
    const t = terms[i];
    if (date >= t.windowStart && date <= t.windowEnd) return t;
  }
  return null;
}

/**
 * The latest term that has begun by `asOf`, or null: the last of
 * termsUpTo, found without building the terms before it (an office-wide
 * audit asks this for every cadre). The latest series with a term holds it;
 * its terms before the one holding asOf's academic year are skipped.
 * Null as well between a leaving and a later re-appointment: the cadre is
 * out of office then.
 */
export function currentTerm(service: ServiceRecord, policy: Policy, asOf: IsoDate): Term | null {
  const terms: Term[] = [];
  for (let series = service.appointments.length - 1; series >= 0; series--) {
    const first = firstTermYear(service.appointments[series].appointedOn, policy);
    const skip = Math.max(0, Math.floor((academicYearOf(asOf, policy) - first) / policy.termYears) - 1);
    seriesTerms(terms, service, policy, series, asOf, skip);
    if (!terms.length && skip > 0) seriesTerms(terms, service, policy, series, asOf, 0);
    if (terms.length) {
      // A series closed by a leaving that a re-appointment followed: out of office until then.
      const own = service.appointments[series].leftOn ?? null;
      if (own !== null && series < service.appointments.length - 1) {
        const { end, by } = seriesEnd(service, series);
        if (by === 'left' && end !== null && end < asOf) return null;
      }
      return terms[terms.length - 1];
    }
  }
  return null;
}

/** For the year-end view: the latest term whose academic years include `year`. */
export function termHoldingYear(service: ServiceRecord, policy: Policy, year: number): Term | null {
  const terms = termsUpTo(service, policy, yearEndDate(year, policy));
  for (let i = terms.length - 1; i >= 0; i--) {
    const t = terms[i];
    if (t.startYear <= year && year <= t.endYear && t.windowEnd >= yearStartDate(year, policy)) return t;
  }
  return null;
}

export function termLabel(t: { startYear: number; endYear: number }): string {
  return `${t.startYear}-${t.endYear + 1}`;
}
