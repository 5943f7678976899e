import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayNumber, fromDayNumber } from '../../src/core/dates.js';
import { auditTerm, paceStatus, type CadreFacts, type Designation, type EssayFact, type Evaluation, type HourFact, type Requirement } from '../../src/core/audit.js';
import { componentSumTenths, type Rank } from '../../src/core/policy.js';
import { currentTerm, termHoldingYear, type ServiceRecord } from '../../src/core/terms.js';
import { policy, policyWith } from './fixtures.js';

const service = (rank: Rank, appointedOn = '2025-09-01'): ServiceRecord => ({ appointments: [{ rank, appointedOn }], leftOn: null });
const asOf = (date: string): Evaluation => ({ asOf: date, cutoff: date, lastYear: Number(date.slice(0, 4)) - (date.slice(5) < '09-01' ? 1 : 0) });
const yearEnd = (year: number): Evaluation => ({ asOf: `${year + 1}-09-01`, cutoff: `${year + 1}-08-31`, lastYear: year });
const none = (): CadreFacts => ({ hours: [], essays: [], training: [] });

/** n distinct courses of `hours` each, all on one date. */
function courses(n: number, date: string, hours = 1, prefix = 'C'): HourFact[] {
  return Array.from({ length: n }, (_, i) => ({ course: `${prefix}${i}`, date, quarters: hours * 4 }));
}
let essayId = 0;
const essay = (kind: 'reflection' | 'report', date: string, chars: number, status: EssayFact['status'] = 'approved'): EssayFact => ({ id: ++essayId, kind, title: `${kind} ${essayId}`, date, chars, status });
const topics = (n: number, date: string) => Array.from({ length: n }, (_, i) => ({ topic: `专题${i}`, date }));

function audit(rank: Rank, facts: CadreFacts, ev: Evaluation, designations: Designation[] = [], appointedOn = '2025-09-01') {
  const svc = service(rank, appointedOn);
  const term = ev.cutoff !== ev.asOf ? termHoldingYear(svc, policy, ev.lastYear)! : currentTerm(svc, policy, ev.asOf)!;
  return auditTerm(term, facts, designations, policy, ev);
}
const req = (a: ReturnType<typeof audit>, id: Requirement['id'], period: Requirement['period'] = 'term') => a.requirements.find((r) => r.id === id && r.period === period)!;

describe('the policy: every number of the rules table, once', () => {
  it.each([
    ['division', 600, 80, 40, 3500, 50, 4000, 60, 150],
    ['section', 400, 60, 20, 3000, 30, 3500, 40, 90],
  ] as const)('%s', (rank, total, hoursQ, requiredQ, reflMin, reflCredit, reportMin, reportCredit, training) => {
    const r = policy.ranks[rank];
    expect([r.totalTenths, r.hoursPerYearQ, r.requiredHoursPerYearQ, r.reflection.minChars, r.reflection.creditTenths, r.report.minChars, r.report.creditTenths, r.trainingTenths]).toEqual([
      total, hoursQ, requiredQ, reflMin, reflCredit, reportMin, reportCredit, training,
    ]);
  });
  it('the components add up to the totals: 3 × 8 + 21 + 15 = 60 and 3 × 6 + 13 + 9 = 40', () => {
    expect(componentSumTenths(policy, 'division')).toBe(600);
    expect(componentSumTenths(policy, 'section')).toBe(400);
  });
  it('1 hour = 0.4 credits, so a quarter hour is exactly one tenth', () => {
    expect(policy.creditTenthsPerQuarterHour).toBe(1);
  });
});

describe('exact credits: 0.4 × 3 hours = 1.2, never 1.2000000000000002', () => {
  it.each([
    [[3], 12],
    [[0.25], 1],
    [[0.25, 0.5, 0.75], 6],
    [[1, 1, 1], 12],
    [[2.5, 0.25], 11],
    [[24, 24, 24, 24, 24, 24, 24, 24, 24, 24], 960],
  ])('hours %j → %i tenths', (list, tenths) => {
    const hours = list.map((h, i) => ({ course: `K${i}`, date: '2025-10-01', quarters: h * 4 }));
    const a = audit('division', { ...none(), hours }, asOf('2026-01-01'));
    expect(a.credits.platformTenths).toBe(tenths);
  });
});

describe('platform hours per academic year: ≥ 20 h division, ≥ 15 h section', () => {
  it.each([
    ['division', 20, 'met'],
    ['division', 19.75, 'short'],
    ['section', 15, 'met'],
    ['section', 14.75, 'short'],
    ['section', 20, 'met'],
  ] as const)('%s with %f hours at year end → %s', (rank, hours, status) => {
    const facts = { ...none(), hours: courses(hours * 4, '2026-03-01', 0.25) };
    const r = req(audit(rank, facts, yearEnd(2025)), 'hours', 2025);
    expect(r.status).toBe(status);
    expect(r.actual).toBe(hours * 4);
  });
  it('a course counts once per term, its earliest record; a re-export on another day is not counted again', () => {
    const hours: HourFact[] = [
      { course: 'C1', date: '2025-10-01', quarters: 8 },
      { course: 'C1', date: '2026-10-01', quarters: 8 },
      { course: 'C2', date: '2025-11-01', quarters: 4 },
    ];
    const a = audit('division', { ...none(), hours }, asOf('2026-11-01'));
    expect(req(a, 'hours', 2025).actual).toBe(12);
    expect(req(a, 'hours', 2026).actual).toBe(0);
    expect(a.hours.filter((h) => !h.counts).map((h) => [h.course, h.why])).toEqual([['C1', 'repeat']]);
    expect(a.credits.platformTenths).toBe(12);
  });
  it('in any order, with repeats on one day and records outside the term, the counted hours are those of each course’s earliest record', () => {
    // The reference: sort by date (stable), keep each course's first record; sum per academic year.
    const day = fc.integer({ min: dayNumber('2025-06-01'), max: dayNumber('2029-01-31') }).map(fromDayNumber);
    const record = fc.record({ course: fc.constantFrom('C1', 'C2', 'C3', 'C4', 'R1'), date: day, quarters: fc.integer({ min: 1, max: 96 }) });
    const designations: Designation[] = [{ year: 2026, rank: 'division', course: 'R1', quarters: 8 }];
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.constantFrom('2026-02-01', '2026-09-01', '2027-08-31', '2028-12-31'), (hours, when) => {
        const ev = asOf(when);
        const full = audit('division', { ...none(), hours }, ev, designations);
        const term = full.term;
        const lite = auditTerm(term, { ...none(), hours }, designations, policy, ev, false);
        const to = when < term.windowEnd ? when : term.windowEnd;
        const seen = new Set<string>();
        const byYear = new Map<number, number>();
        for (const h of hours.filter((h) => h.date >= term.windowStart && h.date <= to).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) {
          if (seen.has(h.course)) continue;
          seen.add(h.course);
          const y = Number(h.date.slice(0, 4)) - (h.date.slice(5) < '09-01' ? 1 : 0);
          byYear.set(y, (byYear.get(y) ?? 0) + h.quarters);
        }
        const total = [...byYear.values()].reduce((a, b) => a + b, 0);
        expect(full.credits.platformTenths).toBe(total);
        for (const r of full.requirements.filter((r) => r.id === 'hours')) expect(r.actual).toBe(byYear.get(r.period as number) ?? 0);
        expect(full.hours.filter((h) => h.counts).length).toBe(seen.size);
        // The office-wide form (no per-record lists) gives the same figures.
        expect({ ...lite, hours: [], training: [] }).toEqual({ ...full, hours: [], training: [] });
      }),
      { seed: 20251125, numRuns: 500 },
    );
  });
  it('records after the as-of date are ignored', () => {
    const hours = [...courses(10, '2025-10-01'), ...courses(10, '2026-05-01', 1, 'L')];
    expect(req(audit('division', { ...none(), hours }, asOf('2026-04-30')), 'hours', 2025).actual).toBe(40);
  });
});

describe('required courses (必修课): every designated course of the year and rank, in catalogue hours', () => {
  const designations: Designation[] = [
    { year: 2025, rank: 'division', course: 'R1', quarters: 20 },
    { year: 2025, rank: 'division', course: 'R2', quarters: 20 },
    { year: 2025, rank: 'section', course: 'S1', quarters: 20 },
    { year: 2026, rank: 'division', course: 'R3', quarters: 40 },
  ];
  it('done when completed in the term on or before the end of the year', () => {
    const hours: HourFact[] = [
      { course: 'R1', date: '2025-10-01', quarters: 20 },
      { course: 'R2', date: '2026-09-02', quarters: 20 },
    ];
    const a = audit('division', { ...none(), hours }, yearEnd(2025), designations);
    expect([req(a, 'required', 2025).required, req(a, 'required', 2025).actual, req(a, 'required', 2025).status]).toEqual([40, 20, 'short']);
  });
  it('studied earlier in the term is fine', () => {
    const hours: HourFact[] = [{ course: 'R3', date: '2025-10-01', quarters: 4 }];
    const a = audit('division', { ...none(), hours }, yearEnd(2026), designations);
    expect(req(a, 'required', 2026).actual).toBe(40);
    expect(req(a, 'required', 2026).status).toBe('met');
  });
  it('only the designations of the cadre’s rank apply', () => {
    const a = audit('section', none(), yearEnd(2025), designations);
    expect(req(a, 'required', 2025).required).toBe(20);
  });
  it('a year designated below the policy’s 10/5 hours is flagged', () => {
    const a = audit('division', none(), yearEnd(2025), designations);
    expect(a.underDesignated).toEqual([]);
    const b = audit('section', none(), yearEnd(2025), designations);
    expect(b.underDesignated).toEqual([]);
    const c = audit('division', none(), yearEnd(2025), designations.slice(0, 1));
    expect(c.underDesignated).toEqual([{ year: 2025, designatedQ: 20, policyQ: 40 }]);
  });
});

describe('reflection (心得体会): one approved of ≥ 3500 字 (division) / ≥ 3000 字 (section) each year', () => {
  it.each([
    ['division', 3500, 'approved', 'met', 50],
    ['division', 3499, 'approved', 'short', 0],
    ['section', 3000, 'approved', 'met', 30],
    ['section', 2999, 'approved', 'short', 0],
    ['division', 5000, 'pending', 'short', 0],
    ['section', 5000, 'rejected', 'short', 0],
  ] as const)('%s, %i 字, %s → %s, %i tenths', (rank, chars, status, expected, tenths) => {
    const a = audit(rank, { ...none(), essays: [essay('reflection', '2026-01-10', chars, status)] }, yearEnd(2025));
    expect(req(a, 'reflection', 2025).status).toBe(expected);
    expect(a.credits.essaysTenths).toBe(tenths);
  });
  it('at most one reflection a year earns credits', () => {
    const essays = [essay('reflection', '2025-10-10', 4000), essay('reflection', '2026-01-10', 4000), essay('reflection', '2026-10-10', 4000)];
    const a = audit('division', { ...none(), essays }, yearEnd(2026));
    expect(a.credits.essaysTenths).toBe(100);
    expect(a.essays.map((e) => e.why ?? 'counts')).toEqual(['counts', 'over_cap', 'counts']);
  });
  it('behind only when less than a quarter of the year remains and none is approved', () => {
    // 365 days: the last quarter (under 91.25 days left after the as-of day) starts on 1 June.
    expect(req(audit('division', none(), asOf('2026-05-31')), 'reflection', 2025).status).toBe('on_track');
    expect(req(audit('division', none(), asOf('2026-06-01')), 'reflection', 2025).status).toBe('behind');
  });
});

describe('research report: one approved of ≥ 4000 字 (division) / ≥ 3500 字 (section) in the term', () => {
  it.each([
    ['division', 4000, 'met', 60],
    ['division', 3999, 'short', 0],
    ['section', 3500, 'met', 40],
    ['section', 3499, 'short', 0],
  ] as const)('%s, %i 字 → %s', (rank, chars, status, tenths) => {
    const a = audit(rank, { ...none(), essays: [essay('report', '2027-05-01', chars)] }, yearEnd(2027));
    expect(req(a, 'report').status).toBe(status);
    expect(a.credits.essaysTenths).toBe(tenths);
  });
  it('one report per term earns credits', () => {
    const a = audit('section', { ...none(), essays: [essay('report', '2026-05-01', 5000), essay('report', '2027-05-01', 5000)] }, yearEnd(2027));
    expect(a.credits.essaysTenths).toBe(40);
    expect(req(a, 'report').actual).toBe(2);
  });
});

describe('topic training (专题培训): 1 credit a topic, ≥ 15 division / ≥ 9 section in the term', () => {
  it.each([
    ['division', 15, 'met'],
    ['division', 14, 'short'],
    ['section', 9, 'met'],
    ['section', 8, 'short'],
  ] as const)('%s with %i topics at the end of the term → %s', (rank, n, status) => {
    const a = audit(rank, { ...none(), training: topics(n, '2026-03-01') }, yearEnd(2027));
    expect(req(a, 'training').status).toBe(status);
    expect(a.credits.trainingTenths).toBe(n * 10);
  });
  it('a topic attended on two days counts once; case and spacing do not make a new topic', () => {
    const training = [
      { topic: '高校治理', date: '2025-10-01' },
      { topic: ' 高校治理 ', date: '2026-10-01' },
      { topic: 'Party History', date: '2025-11-01' },
      { topic: 'party  history', date: '2025-12-01' },
    ];
    const a = audit('section', { ...none(), training }, asOf('2026-11-01'));
    expect(a.credits.trainingTenths).toBe(20);
  });
});

describe('the total: 60 division / 40 section over the term', () => {
  function perfect(rank: Rank): CadreFacts {
    const p = policy.ranks[rank];
    const hours: HourFact[] = [];
    const essays: EssayFact[] = [];
    for (const y of [2025, 2026, 2027]) {
      hours.push(...courses(p.hoursPerYearQ / 4, `${y + 1}-01-15`, 1, `Y${y}-`));
      essays.push(essay('reflection', `${y + 1}-03-01`, p.reflection.minChars));
    }
    essays.push(essay('report', '2028-03-01', p.report.minChars));
    return { hours, essays, training: topics(p.trainingTenths / 10, '2026-05-05') };
  }
  it.each([
    ['division', 600],
    ['section', 400],
  ] as const)('a %s cadre meeting every component has exactly %i tenths and meets the total', (rank, total) => {
    const a = audit(rank, perfect(rank), yearEnd(2027));
    expect(a.credits.totalTenths).toBe(total);
    expect(a.requirements.every((r) => r.status === 'met')).toBe(true);
    expect(a.status).toBe('met');
  });
  it('a cadre can reach the total and still miss a component', () => {
    const facts: CadreFacts = { ...none(), hours: courses(160, '2026-01-15'), training: [] };
    const a = audit('division', facts, yearEnd(2027));
    expect(req(a, 'total').status).toBe('met');
    expect(req(a, 'training').status).toBe('short');
    expect(a.status).toBe('short');
  });
});

describe('status: met, on track, behind (under pro-rata pace), short (closed period missed)', () => {
  it.each([
    // total 60 over 2025-09-01..2028-08-31 (1096 days); after year 1 (365 days) pace is 19.98
    [200, '2026-08-31', 'on_track'],
    [199, '2026-08-31', 'behind'],
    [600, '2026-08-31', 'met'],
  ])('total %i tenths as of %s → %s', (tenths, date, status) => {
    const a = audit('division', { ...none(), hours: courses(tenths, '2025-10-01', 0.25) }, asOf(date));
    expect(req(a, 'total').status).toBe(status);
  });
  it('pace counts the as-of day: 20 h a year, 1 day in → 20 × 1/365 h needed', () => {
    const r = { required: 80, periodStart: '2025-09-01', periodEnd: '2026-08-31', appointedOn: '2020-01-01', essay: false };
    expect(paceStatus({ ...r, actual: 0 }, asOf('2025-09-01'))).toBe('behind');
    expect(paceStatus({ ...r, actual: 1 }, asOf('2025-09-01'))).toBe('on_track');
  });
  it('the period starts at the appointment when that is later', () => {
    const r = { required: 80, actual: 0, periodStart: '2025-09-01', periodEnd: '2026-08-31', appointedOn: '2026-02-01', essay: false };
    expect(paceStatus(r, asOf('2026-01-31'))).toBe('on_track');
    expect(paceStatus(r, asOf('2026-02-01'))).toBe('behind');
  });
  it('a closed year that was missed is short, whatever came later', () => {
    const a = audit('section', { ...none(), hours: courses(60, '2026-10-01') }, asOf('2026-11-01'));
    expect(req(a, 'hours', 2025).status).toBe('short');
    expect(req(a, 'hours', 2026).status).toBe('met');
  });
  it('the cadre’s status is the worst of its requirements', () => {
    const a = audit('division', { ...none(), hours: courses(20, '2025-10-01') }, asOf('2025-12-01'));
    expect(a.requirements.map((r) => r.status)).toContain('on_track');
    expect(a.status).toBe(a.requirements.some((r) => r.status === 'behind') ? 'behind' : 'on_track');
  });
  it('only years that have begun are listed; the year-end view stops at its year', () => {
    expect(audit('division', none(), asOf('2026-08-31')).years).toEqual([2025]);
    expect(audit('division', none(), asOf('2026-09-01')).years).toEqual([2025, 2026]);
    expect(audit('division', none(), yearEnd(2025)).years).toEqual([2025]);
  });
});

describe('appointment after 1 March: the part-year has no yearly requirement but counts toward the term', () => {
  it('hours studied before the first academic year count in the total', () => {
    const facts = { ...none(), hours: courses(10, '2026-04-10') };
    const a = audit('section', facts, asOf('2026-10-01'), [], '2026-04-01');
    expect(a.term.startYear).toBe(2026);
    expect(a.years).toEqual([2026]);
    expect(a.credits.platformTenths).toBe(40);
    expect(req(a, 'hours', 2026).actual).toBe(0);
  });
});

describe('a promotion mid-way: the new term has the new rank and its own records', () => {
  it('records before the promotion stay with the earlier term', () => {
    const svc: ServiceRecord = { appointments: [{ rank: 'section', appointedOn: '2024-09-01' }, { rank: 'division', appointedOn: '2025-12-01' }], leftOn: null };
    const facts = { ...none(), hours: [...courses(10, '2025-10-01'), ...courses(5, '2026-01-10', 1, 'P')] };
    const ev = asOf('2026-02-01');
    const term = currentTerm(svc, policy, ev.asOf)!;
    const a = auditTerm(term, facts, [], policy, ev);
    expect([a.rank, a.term.startYear, a.credits.requiredTenths]).toEqual(['division', 2025, 600]);
    expect(req(a, 'hours', 2025).actual).toBe(20);
    expect(req(a, 'hours', 2025).required).toBe(80);
  });
});

describe('the policy file drives the audit: change a threshold, the audit follows', () => {
  it('hours_per_year 10 makes 12 hours enough', () => {
    const changed = policyWith((j) => (j.ranks.division.hours_per_year = '10'));
    const svc = service('division');
    const ev = yearEnd(2025);
    const facts = { ...none(), hours: courses(12, '2026-01-01') };
    expect(req(auditTerm(termHoldingYear(svc, policy, 2025)!, facts, [], policy, ev), 'hours', 2025).status).toBe('short');
    expect(req(auditTerm(termHoldingYear(svc, changed, 2025)!, facts, [], changed, ev), 'hours', 2025).status).toBe('met');
  });
  it('a bad policy is refused with the path of the field', () => {
    expect(() => policyWith((j) => (j.credits_per_hour = '0.45'))).toThrow(/credits_per_hour/);
    expect(() => policyWith((j) => delete j.ranks.section.training_credits)).toThrow(/training_credits/);
    expect(() => policyWith((j) => (j.academic_year_start = '09-31'))).toThrow(/academic_year_start/);
  });
});

describe('exemptions', () => {
  it('an exempt requirement shows exempt with its reason and is no shortfall', () => {
    const facts: CadreFacts = { ...none(), exemptions: [{ requirement: 'hours', year: 2025, reason: '病假' }] };
    const a = audit('section', facts, yearEnd(2025));
    const r = req(a, 'hours', 2025);
    expect([r.status, r.shortfall, r.exemptReason]).toEqual(['exempt', 0, '病假']);
    expect(req(a, 'reflection', 2025).status).toBe('short');
  });
});
