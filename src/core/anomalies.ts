/**
 * Implausible study records: what one person could not have done. The rules
 * only find; the import records what they find, and the office decides
 * (accepted: the records count; rejected: they never count; open: held, not
 * counting yet).
 *
 * - day_hours: a cadre's records of one day add up to more than the policy's
 *   hours per day.
 * - same_minute: the policy's number of courses (or more) completed by one
 *   cadre within the same minute (only when the file gives the time).
 * - too_fast: a course studied in less than its length (only when the file
 *   gives a start time or a study duration).
 */
import type { IsoDate } from './dates.js';

export type AnomalyKind = 'day_hours' | 'same_minute' | 'too_fast';
export const ANOMALY_KINDS: readonly AnomalyKind[] = ['day_hours', 'same_minute', 'too_fast'];
export type AnomalyStatus = 'open' | 'accepted' | 'rejected';
export const ANOMALY_STATUSES: readonly AnomalyStatus[] = ['open', 'accepted', 'rejected'];

export interface AnomalyRules {
  /** More than this many quarter hours on one day is implausible. */
  maxQuartersPerDay: number;
  /** This many courses (or more) completed within one minute is implausible (0: not checked). */
  sameMinuteCourses: number;
  /** A course studied in less than this percentage of its length is implausible (0: not checked). */
  minStudyPercent: number;
}

/** One hours record as the rules see it. */
export interface StudyRecord {
  id: number;
  cadreId: number;
  course: string;
  date: IsoDate;
  quarters: number;
  /** Minute of the day of the completion, null when the file gave none. */
  minute: number | null;
  /** Minutes the study took, null when the file gave no start time or duration. */
  studiedMinutes: number | null;
  /** The course's length in the catalogue, quarter hours (null: unknown). */
  lengthQuarters: number | null;
}

export interface FoundAnomaly {
  kind: AnomalyKind;
  cadreId: number;
  date: IsoDate;
  /** The minute (same_minute), else null. */
  minute: number | null;
  /** day_hours: quarter hours of the day; same_minute: courses; too_fast: minutes studied. */
  figure: number;
  /** The figure the policy allows (day_hours: quarter hours; same_minute: courses; too_fast: the minutes needed). */
  limit: number;
  /** The record ids involved, ascending. */
  records: number[];
}

/** The minutes a course of `quarters` needs at the policy's share of its length (rounded up). */
export function minutesNeeded(quarters: number, percent: number): number {
  return Math.ceil((quarters * 15 * percent) / 100);
}

/**
 * Every implausible finding among `records`: per cadre and day (day_hours),
 * per cadre, day and minute (same_minute), per record (too_fast). In a stable
 * order: cadre, date, kind, minute, first record.
 */
export function findAnomalies(records: readonly StudyRecord[], rules: AnomalyRules): FoundAnomaly[] {
  const found: FoundAnomaly[] = [];
  const byDay = new Map<string, StudyRecord[]>();
  for (const r of records) {
    const key = `${r.cadreId}\u0000${r.date}`;
    const list = byDay.get(key);
    if (list) list.push(r);
    else byDay.set(key, [r]);
  }
  for (const list of byDay.values()) {
    const { cadreId, date } = list[0];
    const ids = (rs: StudyRecord[]) => rs.map((r) => r.id).sort((a, b) => a - b);
    const total = list.reduce((s, r) => s + r.quarters, 0);
    if (total > rules.maxQuartersPerDay) found.push({ kind: 'day_hours', cadreId, date, minute: null, figure: total, limit: rules.maxQuartersPerDay, records: ids(list) });
    if (rules.sameMinuteCourses > 0) {
      const byMinute = new Map<number, StudyRecord[]>();
      for (const r of list) {
        if (r.minute === null) continue;
        const m = byMinute.get(r.minute);
        if (m) m.push(r);
        else byMinute.set(r.minute, [r]);
      }
      for (const [minute, rs] of [...byMinute].sort((a, b) => a[0] - b[0])) {
        const courses = new Set(rs.map((r) => r.course)).size;
        if (courses >= rules.sameMinuteCourses) found.push({ kind: 'same_minute', cadreId, date, minute, figure: courses, limit: rules.sameMinuteCourses, records: ids(rs) });
      }
    }
    if (rules.minStudyPercent > 0) {
      for (const r of [...list].sort((a, b) => a.id - b.id)) {
        if (r.studiedMinutes === null || r.lengthQuarters === null) continue;
        const needed = minutesNeeded(r.lengthQuarters, rules.minStudyPercent);
        if (r.studiedMinutes < needed) found.push({ kind: 'too_fast', cadreId, date, minute: r.minute, figure: r.studiedMinutes, limit: needed, records: [r.id] });
      }
    }
  }
  const order = (a: FoundAnomaly, b: FoundAnomaly) =>
    a.cadreId - b.cadreId || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || ANOMALY_KINDS.indexOf(a.kind) - ANOMALY_KINDS.indexOf(b.kind) || (a.minute ?? -1) - (b.minute ?? -1) || a.records[0] - b.records[0];
  return found.sort(order);
}

/**
 * What the decisions make of a record: 'rejected' when any finding that
 * names it was rejected; else 'open' when any is still open; else it counts.
 */
export function heldState(statuses: readonly AnomalyStatus[]): 'open' | 'rejected' | null {
  if (statuses.includes('rejected')) return 'rejected';
  if (statuses.includes('open')) return 'open';
  return null;
}
