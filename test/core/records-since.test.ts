/**
 * The day the office began keeping records (Evaluation.recordsSince, set by
 * `cadre start`): a requirement whose period began before it is met on the
 * records kept or else "unrecorded", never short or behind; a period that
 * began on or after it is audited exactly as without it; credits are never
 * invented (actual figures, met flags and the cadre's met status unchanged);
 * years that ended before it draw no designation warning.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { auditTerm, worstStatus, type CadreFacts, type Designation, type Evaluation } from '../../src/core/audit.js';
import { addDays, maxDate } from '../../src/core/dates.js';
import type { Rank } from '../../src/core/policy.js';
import { academicYearOf, currentTerm, termHoldingYear, yearEndDate, yearStartDate, type ServiceRecord, type Term } from '../../src/core/terms.js';
import { policy } from './fixtures.js';

const service = (rank: Rank, appointedOn: string): ServiceRecord => ({ appointments: [{ rank, appointedOn }], leftOn: null });
const yearEnd = (year: number, recordsSince: string | null = null): Evaluation => ({ asOf: yearStartDate(year + 1, policy), cutoff: yearEndDate(year, policy), lastYear: year, recordsSince });
const asOf = (date: string, recordsSince: string | null = null): Evaluation => ({ asOf: date, cutoff: date, lastYear: academicYearOf(date, policy), recordsSince });
const noFacts: CadreFacts = { hours: [], essays: [], training: [] };

function termFor(svc: ServiceRecord, ev: Evaluation): Term | null {
  return ev.cutoff !== ev.asOf ? termHoldingYear(svc, policy, ev.lastYear) : currentTerm(svc, policy, ev.asOf);
}

describe('records kept since a day', () => {
  // A division cadre of the term 2024-2027 with nothing recorded; the office started on 1 September 2025.
  const svc = service('division', '2024-05-10');
  it('a closed year before the start is no longer short, and the cadre is not 未达标 for it', () => {
    const term = termFor(svc, yearEnd(2024))!;
    const before = auditTerm(term, noFacts, [], policy, yearEnd(2024));
    expect(before.status).toBe('short');
    const after = auditTerm(term, noFacts, [], policy, yearEnd(2024, '2025-09-01'));
    // Every requirement but the required courses of a year with none designated (0 of 0: met).
    expect(after.requirements.map((r) => r.status)).toEqual(after.requirements.map((r) => (r.required === 0 ? 'met' : 'unrecorded')));
    expect(after.status).toBe('unrecorded');
    // The figures are the records kept: nothing invented.
    expect(after.requirements.map((r) => [r.actual, r.met])).toEqual(before.requirements.map((r) => [r.actual, r.met]));
  });

  it('the first recorded year is audited on its records; the term, begun before the start, is not short', () => {
    const term = termFor(svc, yearEnd(2025))!;
    const a = auditTerm(term, noFacts, [], policy, yearEnd(2025, '2025-09-01'));
    const status = (id: string, period: 'term' | number) => a.requirements.find((r) => r.id === id && r.period === period)!.status;
    expect(status('hours', 2025)).toBe('short');
    expect(status('hours', 2024)).toBe('unrecorded');
    expect(status('total', 'term')).toBe('unrecorded');
    expect(a.status).toBe('short');
  });

  it('a term met on the records kept is met', () => {
    const term = termFor(svc, asOf('2026-06-30'))!;
    const hours = Array.from({ length: 150 }, (_, i) => ({ course: `C${i}`, date: '2025-10-01', quarters: 4 }));
    const a = auditTerm(term, { hours, essays: [], training: [] }, [], policy, asOf('2026-06-30', '2025-09-01'));
    expect(a.requirements.find((r) => r.id === 'total')!.status).toBe('met');
  });

  it('years that ended before the start draw no designation warning; later ones still do', () => {
    const term = termFor(svc, yearEnd(2025))!;
    const without = auditTerm(term, noFacts, [], policy, yearEnd(2025));
    expect(without.underDesignated.map((u) => u.year)).toEqual([2024, 2025]);
    const withStart = auditTerm(term, noFacts, [], policy, yearEnd(2025, '2025-09-01'));
    expect(withStart.underDesignated.map((u) => u.year)).toEqual([2025]);
  });

  it('a cadre appointed after the start is audited as if no start were recorded', () => {
    const late = service('section', '2025-11-03');
    const term = termFor(late, asOf('2026-06-30'))!;
    const a = auditTerm(term, noFacts, [], policy, asOf('2026-06-30', '2025-10-01'));
    const b = auditTerm(term, noFacts, [], policy, asOf('2026-06-30'));
    expect(a.requirements).toEqual(b.requirements);
  });

  it('status order: unrecorded is worse than met and better than on track, behind and short', () => {
    expect(worstStatus(['met', 'unrecorded'])).toBe('unrecorded');
    expect(worstStatus(['unrecorded', 'on_track'])).toBe('on_track');
    expect(worstStatus(['unrecorded', 'behind'])).toBe('behind');
    expect(worstStatus(['short', 'unrecorded'])).toBe('short');
    expect(worstStatus(['exempt', 'unrecorded'])).toBe('unrecorded');
  });

  const day = (from: string, span: number) => fc.integer({ min: 0, max: span }).map((n) => addDays(from, n));
  it('property: before the start never short or behind; from it on exactly as without; nothing invented', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Rank>('division', 'section'),
        day('2019-01-01', 2400),
        day('2021-09-01', 1900),
        fc.oneof(day('2022-09-01', 1500).map((d) => ({ asOf: d })), fc.integer({ min: 2022, max: 2025 }).map((y) => ({ year: y }))),
        fc.array(fc.record({ c: fc.integer({ min: 0, max: 120 }), d: day('2019-01-01', 2900), q: fc.integer({ min: 1, max: 40 }) }), { maxLength: 60 }),
        fc.array(fc.record({ d: day('2019-01-01', 2900), kind: fc.constantFrom<'reflection' | 'report'>('reflection', 'report') }), { maxLength: 6 }),
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 30 }), d: day('2019-01-01', 2900) }), { maxLength: 25 }),
        (rank, appointed, since, view, hourRows, essayRows, trainingRows) => {
          const base = 'asOf' in view ? asOf(view.asOf) : yearEnd(view.year);
          const svc = service(rank, appointed);
          const term = termFor(svc, base);
          if (!term) return;
          const facts: CadreFacts = {
            hours: hourRows.map((h) => ({ course: `C${h.c}`, date: h.d, quarters: h.q })),
            essays: essayRows.map((e, i) => ({ id: i + 1, kind: e.kind, title: 't', date: e.d, chars: 9000, status: 'approved' as const })),
            training: trainingRows.map((t) => ({ topic: `T${t.t}`, date: t.d })),
          };
          const designations: Designation[] = [{ year: term.startYear, rank, course: 'C1', quarters: 8 }];
          const plain = auditTerm(term, facts, designations, policy, base);
          const kept = auditTerm(term, facts, designations, policy, { ...base, recordsSince: since });
          expect(kept.credits).toEqual(plain.credits);
          kept.requirements.forEach((r, i) => {
            const p = plain.requirements[i];
            expect([r.id, r.period, r.actual, r.required, r.met]).toEqual([p.id, p.period, p.actual, p.required, p.met]);
            if (maxDate(r.periodStart, term.windowStart) < since) expect(r.status).toBe(p.status === 'met' ? 'met' : 'unrecorded');
            else expect(r.status).toBe(p.status);
          });
          if (kept.status === 'met') expect(kept.requirements.every((r) => r.met)).toBe(true);
          expect(['short', 'behind']).not.toContain(worstStatus(kept.requirements.filter((r) => maxDate(r.periodStart, term.windowStart) < since).map((r) => r.status)));
          for (const u of kept.underDesignated) expect(yearEndDate(u.year, policy) >= since).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
