/**
 * Implausible study records, pure: the rules that find them, the cells they
 * read (a completion's minute, a study time), the policy's settings, and what
 * the audit makes of a record a finding holds or the office rejected.
 */
import { describe, expect, it } from 'vitest';
import { findAnomalies, heldState, minutesNeeded, type AnomalyRules, type StudyRecord } from '../../src/core/anomalies.js';
import { auditTerm, type CadreFacts, type Evaluation, type HourFact } from '../../src/core/audit.js';
import { DEFAULT_ANOMALIES, PolicyError } from '../../src/core/policy.js';
import { currentTerm } from '../../src/core/terms.js';
import { minuteOfDay, parseDuration } from '../../src/core/values.js';
import { policy, policyWith } from './fixtures.js';

const RULES: AnomalyRules = { maxQuartersPerDay: 48, sameMinuteCourses: 3, minStudyPercent: 100 };
let nextId = 1;
const rec = (r: Partial<StudyRecord>): StudyRecord => ({ id: nextId++, cadreId: 1, course: `C${nextId}`, date: '2025-11-10', quarters: 8, minute: null, studiedMinutes: null, lengthQuarters: 8, ...r });

describe('the rules', () => {
  it('a day over the policy’s hours is one finding naming every record of that day; at the limit, none', () => {
    const atLimit = [rec({ quarters: 24 }), rec({ quarters: 24 })];
    expect(findAnomalies(atLimit, RULES)).toEqual([]);
    const over = [rec({ quarters: 24 }), rec({ quarters: 24 }), rec({ quarters: 1 }), rec({ date: '2025-11-11', quarters: 40 })];
    expect(findAnomalies(over, RULES)).toEqual([{ kind: 'day_hours', cadreId: 1, date: '2025-11-10', minute: null, figure: 49, limit: 48, records: over.slice(0, 3).map((r) => r.id) }]);
  });

  it('another cadre’s records on the same day are not added in', () => {
    expect(findAnomalies([rec({ quarters: 40 }), rec({ cadreId: 2, quarters: 40 })], RULES)).toEqual([]);
  });

  it('the policy’s number of courses in one minute is a finding; fewer, other minutes, or no time at all are not', () => {
    const three = [rec({ minute: 630 }), rec({ minute: 630 }), rec({ minute: 630 })];
    const found = findAnomalies([...three, rec({ minute: 631 }), rec({ minute: null }), rec({ minute: null })], RULES);
    expect(found).toEqual([{ kind: 'same_minute', cadreId: 1, date: '2025-11-10', minute: 630, figure: 3, limit: 3, records: three.map((r) => r.id) }]);
    expect(findAnomalies(three.slice(0, 2), RULES)).toEqual([]);
    expect(findAnomalies(three, { ...RULES, sameMinuteCourses: 0 })).toEqual([]);
  });

  it('a course studied in less than its length is a finding; a study time missing, or a course of unknown length, is not checked', () => {
    const fast = rec({ studiedMinutes: 119, lengthQuarters: 8 });
    const found = findAnomalies([fast, rec({ studiedMinutes: 120, lengthQuarters: 8 }), rec({ studiedMinutes: null }), rec({ studiedMinutes: 1, lengthQuarters: null })], RULES);
    expect(found).toEqual([{ kind: 'too_fast', cadreId: 1, date: '2025-11-10', minute: null, figure: 119, limit: 120, records: [fast.id] }]);
    // At half the length, 60 minutes do for a 2-hour course.
    expect(minutesNeeded(8, 50)).toBe(60);
    expect(findAnomalies([rec({ studiedMinutes: 60, lengthQuarters: 8 })], { ...RULES, minStudyPercent: 50 })).toEqual([]);
    expect(findAnomalies([fast], { ...RULES, minStudyPercent: 0 })).toEqual([]);
  });

  it('one day can hold several kinds, listed in a stable order whatever the order of the records', () => {
    const day = [rec({ minute: 600, quarters: 20 }), rec({ minute: 600, quarters: 20 }), rec({ minute: 600, quarters: 20, studiedMinutes: 3, lengthQuarters: 20 })];
    const a = findAnomalies(day, RULES);
    expect(a.map((f) => f.kind)).toEqual(['day_hours', 'same_minute', 'too_fast']);
    expect(findAnomalies([...day].reverse(), RULES)).toEqual(a);
  });

  it('a record is held while any finding naming it is open, and never counts once one is rejected', () => {
    expect(heldState([])).toBe(null);
    expect(heldState(['accepted'])).toBe(null);
    expect(heldState(['accepted', 'open'])).toBe('open');
    expect(heldState(['open', 'rejected', 'accepted'])).toBe('rejected');
  });
});

describe('the cells', () => {
  it('the minute a date cell gives, in every form the platform writes it; none for a date alone', () => {
    expect(minuteOfDay('2025/11/3 10:30')).toBe(630);
    expect(minuteOfDay('2025-11-03T08:05:59')).toBe(485);
    expect(minuteOfDay('２０２５／１１／３　２３：５９')).toBe(1439);
    expect(minuteOfDay('2025年11月3日 0:00')).toBe(0);
    expect(minuteOfDay('2025-11-03')).toBe(null);
    expect(minuteOfDay('45964')).toBe(null);
    // An Excel serial with a fraction of a day: 45964.4375 is 10:30.
    expect(minuteOfDay('45964.4375')).toBe(630);
  });

  it('a study time in minutes, hours and minutes, or a clock', () => {
    for (const [text, minutes] of [['90', 90], ['90分钟', 90], ['1小时30分', 90], ['1h30m', 90], ['01:30:00', 90], ['1:30', 90], ['2小时', 120], ['45秒', 0], ['', null]] as const) {
      expect(parseDuration(text), text).toEqual({ ok: true, value: minutes });
    }
    const bad = parseDuration('一个半小时');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason.key).toBe('anomalies.duration.format');
  });
});

describe('the policy', () => {
  it('the shipped policy and a policy without the section take the same checks', () => {
    expect(policy.anomalies).toEqual(DEFAULT_ANOMALIES);
    expect(policyWith((j) => delete j.anomalies).anomalies).toEqual(DEFAULT_ANOMALIES);
    expect(policyWith((j) => (j.anomalies = { max_hours_per_day: '8.5' })).anomalies).toEqual({ ...DEFAULT_ANOMALIES, maxQuartersPerDay: 34 });
  });

  it('a setting out of range or unknown is refused, naming it', () => {
    const refused = (anomalies: unknown) => {
      try {
        policyWith((j) => (j.anomalies = anomalies));
      } catch (e) {
        return e instanceof PolicyError ? e.path : String(e);
      }
      return null;
    };
    expect(refused({ max_hours_per_day: '0' })).toBe('policy.anomalies.max_hours_per_day');
    expect(refused({ max_hours_per_day: '25' })).toBe('policy.anomalies.max_hours_per_day');
    expect(refused({ max_hours_per_day: '1.1' })).toBe('policy.anomalies.max_hours_per_day');
    expect(refused({ same_minute_courses: 1 })).toBe('policy.anomalies.same_minute_courses');
    expect(refused({ min_study_percent: 101 })).toBe('policy.anomalies.min_study_percent');
    expect(refused({ max_hours_per_week: '40' })).toBe('policy.anomalies.max_hours_per_week');
    expect(refused([])).toBe('policy.anomalies');
  });
});

describe('the audit', () => {
  const ev: Evaluation = { asOf: '2026-08-31', cutoff: '2026-08-31', lastYear: 2025 };
  const term = currentTerm({ appointments: [{ rank: 'division', appointedOn: '2025-09-01' }], leftOn: null }, policy, ev.asOf)!;
  const hours = (held: (HourFact['held'] | undefined)[]): CadreFacts => ({
    hours: held.map((h, i) => ({ course: `C${i}`, date: '2025-10-01', quarters: 8, ...(h ? { held: h } : {}) })),
    essays: [],
    training: [],
  });

  it('a held or rejected record does not count and says why; the others count as before', () => {
    const plain = auditTerm(term, hours([undefined, undefined, undefined]), [], policy, ev);
    const a = auditTerm(term, hours([undefined, { state: 'open', anomaly: 4, kind: 'same_minute' }, { state: 'rejected', anomaly: 5, kind: 'day_hours' }]), [], policy, ev);
    expect(plain.credits.platformTenths).toBe(3 * 8 * policy.creditTenthsPerQuarterHour);
    expect(a.credits.platformTenths).toBe(8 * policy.creditTenthsPerQuarterHour);
    expect(a.hours.map((h) => [h.course, h.counts, h.why ?? null, h.held?.anomaly ?? null])).toEqual([
      ['C0', true, null, null],
      ['C1', false, 'held', 4],
      ['C2', false, 'anomaly_rejected', 5],
    ]);
  });

  it('a later record of a course whose first record is held counts in its place', () => {
    const f: CadreFacts = {
      hours: [
        { course: 'C1', date: '2025-10-01', quarters: 8, held: { state: 'open', anomaly: 1, kind: 'too_fast' } },
        { course: 'C1', date: '2025-12-01', quarters: 8 },
      ],
      essays: [],
      training: [],
    };
    const a = auditTerm(term, f, [], policy, ev);
    expect(a.hours.map((h) => [h.date, h.counts, h.why ?? null])).toEqual([
      ['2025-10-01', false, 'held'],
      ['2025-12-01', true, null],
    ]);
  });
});
