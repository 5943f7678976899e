import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dayNumber, fromDayNumber } from '../../src/core/dates.js';
import { academicYearOf, currentTerm, firstTermYear, termHoldingYear, termOf, termsUpTo, type ServiceRecord } from '../../src/core/terms.js';
import { policy } from './fixtures.js';

const one = (rank: 'division' | 'section', appointedOn: string, leftOn: string | null = null): ServiceRecord => ({ appointments: [{ rank, appointedOn }], leftOn });

describe('academic year: 1 September to 31 August, named by its first year', () => {
  it.each([
    ['2025-09-01', 2025],
    ['2025-08-31', 2024],
    ['2026-02-28', 2025],
    ['2026-08-31', 2025],
    ['2025-12-31', 2025],
    ['2026-01-01', 2025],
  ])('%s is in %i', (date, year) => {
    expect(academicYearOf(date, policy)).toBe(year);
  });
});

describe('the 1 March rule for the first term', () => {
  it.each([
    ['2025-09-01', 2025, 'first day of the year'],
    ['2025-12-15', 2025, 'autumn'],
    ['2026-02-28', 2025, 'last day before 1 March'],
    ['2024-02-29', 2023, 'leap day, before 1 March'],
    ['2026-03-01', 2026, '1 March itself: the next year'],
    ['2026-05-20', 2026, 'spring'],
    ['2026-08-31', 2026, 'last day of the year'],
  ])('appointed %s → first term starts %i (%s)', (date, year) => {
    expect(firstTermYear(date, policy)).toBe(year);
  });
});

describe('terms roll over every three academic years', () => {
  const service = one('division', '2019-10-10');
  const terms = termsUpTo(service, policy, '2026-11-25');
  it('lists three terms up to 2026', () => {
    expect(terms.map((t) => [t.startYear, t.endYear])).toEqual([
      [2019, 2021],
      [2022, 2024],
      [2025, 2027],
    ]);
  });
  it('the first term counts from the appointment, later ones from 1 September', () => {
    expect(terms[0].windowStart).toBe('2019-10-10');
    expect(terms[1].windowStart).toBe('2022-09-01');
    expect(terms[0].windowEnd).toBe('2022-08-31');
    expect(terms[2].periodEnd).toBe('2028-08-31');
  });
  it('an appointment on or after 1 March: the part-year belongs to the first term', () => {
    const t = termsUpTo(one('section', '2023-03-05'), policy, '2024-01-01');
    expect(t).toHaveLength(1);
    expect([t[0].startYear, t[0].endYear, t[0].windowStart, t[0].periodStart]).toEqual([2023, 2025, '2023-03-05', '2023-09-01']);
    expect(termOf(one('section', '2023-03-05'), policy, '2023-06-01')?.startYear).toBe(2023);
  });
  it('no term before the appointment', () => {
    expect(termOf(service, policy, '2019-10-09')).toBeNull();
    expect(currentTerm(service, policy, '2019-10-09')).toBeNull();
  });
});

describe('a promotion or re-appointment ends the term the day before and opens a new series', () => {
  const promoted: ServiceRecord = {
    appointments: [
      { rank: 'section', appointedOn: '2023-09-15' },
      { rank: 'division', appointedOn: '2025-01-10' },
    ],
    leftOn: null,
  };
  const terms = termsUpTo(promoted, policy, '2026-11-25');
  it('keeps the earlier term on record, cut short', () => {
    expect(terms.map((t) => [t.rank, t.startYear, t.windowStart, t.windowEnd, t.cutShort])).toEqual([
      ['section', 2023, '2023-09-15', '2025-01-09', 'reappointed'],
      ['division', 2024, '2025-01-10', '2027-08-31', null],
    ]);
  });
  it('records go to the term in force on their date', () => {
    expect(termOf(promoted, policy, '2025-01-09')?.rank).toBe('section');
    expect(termOf(promoted, policy, '2025-01-10')?.rank).toBe('division');
  });
  it('the year-end view of a year both terms touch takes the later term', () => {
    expect(termHoldingYear(promoted, policy, 2024)?.rank).toBe('division');
    expect(termHoldingYear(promoted, policy, 2023)?.rank).toBe('section');
  });
  it('a promotion after 1 March starts the new term the next academic year', () => {
    const late: ServiceRecord = { appointments: [{ rank: 'section', appointedOn: '2023-09-15' }, { rank: 'division', appointedOn: '2025-04-01' }], leftOn: null };
    const t = termsUpTo(late, policy, '2026-11-25');
    expect(t.map((x) => [x.rank, x.startYear, x.windowStart, x.windowEnd])).toEqual([
      ['section', 2023, '2023-09-15', '2025-03-31'],
      ['division', 2025, '2025-04-01', '2028-08-31'],
    ]);
    expect(termHoldingYear(late, policy, 2024)?.rank).toBe('section');
  });
});

describe('leaving office ends the term that day', () => {
  const left = one('division', '2022-09-01', '2024-06-30');
  it('no record after the day', () => {
    expect(termOf(left, policy, '2024-06-30')?.windowEnd).toBe('2024-06-30');
    expect(termOf(left, policy, '2024-07-01')).toBeNull();
  });
  it('no later term opens', () => {
    expect(termsUpTo(left, policy, '2026-11-25')).toHaveLength(1);
  });
});

describe('currentTerm is the last term termsUpTo lists, found without the ones before it', () => {
  it('for any appointments, promotions, leaving and as-of date (3,000 random cases)', () => {
    const day = fc.integer({ min: dayNumber('2010-01-01'), max: dayNumber('2032-12-31') }).map(fromDayNumber);
    const service = fc
      .record({
        dates: fc.uniqueArray(day, { minLength: 0, maxLength: 4 }),
        ranks: fc.array(fc.constantFrom('division' as const, 'section' as const), { minLength: 4, maxLength: 4 }),
        left: fc.option(day, { nil: null }),
      })
      .map(({ dates, ranks, left }): ServiceRecord => ({ appointments: [...dates].sort().map((appointedOn, i) => ({ rank: ranks[i], appointedOn })), leftOn: left }));
    fc.assert(
      fc.property(service, day, (svc, asOf) => {
        const all = termsUpTo(svc, policy, asOf);
        expect(currentTerm(svc, policy, asOf)).toEqual(all.length ? all[all.length - 1] : null);
      }),
      { seed: 20251125, numRuns: 3000 },
    );
  });
});

describe('left office, then appointed again: the series before ends the day of leaving, the years between belong to no term', () => {
  // Left 2021-06-30 at the end of a section-level series, appointed again (division) on 2025-10-08.
  const back: ServiceRecord = {
    appointments: [
      { rank: 'section', appointedOn: '2019-10-10', leftOn: '2021-06-30' },
      { rank: 'division', appointedOn: '2025-10-08' },
    ],
    leftOn: null,
  };
  const terms = termsUpTo(back, policy, '2026-11-25');
  it('two series: the first cut short by the leaving, the second from the re-appointment', () => {
    expect(terms.map((t) => [t.series, t.rank, t.startYear, t.windowStart, t.windowEnd, t.cutShort])).toEqual([
      [0, 'section', 2019, '2019-10-10', '2021-06-30', 'left'],
      [1, 'division', 2025, '2025-10-08', '2028-08-31', null],
    ]);
  });
  it.each([
    ['2021-06-30', 'section'],
    ['2021-07-01', null],
    ['2023-05-01', null],
    ['2025-10-07', null],
    ['2025-10-08', 'division'],
  ])('a record of %s belongs to %s', (date, rank) => {
    expect(termOf(back, policy, date)?.rank ?? null).toBe(rank);
  });
  it.each([
    ['2020-06-01', 'section'],
    ['2023-05-01', null],
    ['2026-06-30', 'division'],
  ])('in office as of %s: %s', (asOf, rank) => {
    expect(currentTerm(back, policy, asOf)?.rank ?? null).toBe(rank);
  });
  it.each([
    [2020, 'section'],
    [2021, null],
    [2023, null],
    [2025, 'division'],
  ])('the year-end view of %i shows %s', (year, rank) => {
    expect(termHoldingYear(back, policy, year)?.rank ?? null).toBe(rank);
  });
  it('without the kept leaving the old series would roll on through the gap (what the leaving on the appointment prevents)', () => {
    const lost: ServiceRecord = { appointments: back.appointments.map(({ rank, appointedOn }) => ({ rank, appointedOn })), leftOn: null };
    expect(termOf(lost, policy, '2023-05-01')?.rank).toBe('section');
  });
});
