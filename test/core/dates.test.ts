import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, daysFromCivil, daysInclusive, fromDayNumber, isValidIsoDate } from '../../src/core/dates.js';

const DAY_MS = 86_400_000;
/** The calendar as the platform's own Date object has it: the reference the arithmetic must equal. */
const byDate = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayByDate = (iso: string) => Math.round(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS);
/** 0000-01-01 … 9999-12-31 as day numbers. */
const FIRST = dayByDate('0000-01-01');
const LAST = dayByDate('9999-12-31');

describe('day numbers: integer arithmetic equal to the Date calendar', () => {
  it.each([
    ['1970-01-01', 0],
    ['1969-12-31', -1],
    ['2000-02-29', 11016],
    ['2024-02-29', 19782],
    ['2025-09-01', 20332],
    ['2100-03-01', 47541],
    ['0999-12-31', dayByDate('0999-12-31')],
  ])('%s is day %i, and back', (iso, day) => {
    expect(dayNumber(iso)).toBe(day);
    expect(fromDayNumber(day)).toBe(iso);
  });

  it('every day from year 0 to 9999 converts as Date converts it (sampled)', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST, max: LAST }), (day) => {
        expect(fromDayNumber(day)).toBe(byDate(day));
        expect(dayNumber(byDate(day))).toBe(day);
      }),
      { seed: 20251125, numRuns: 5_000 },
    );
  });

  it('every day of 1990–2100 round-trips, leap days included', () => {
    for (let day = dayByDate('1990-01-01'); day <= dayByDate('2100-12-31'); day++) {
      const iso = byDate(day);
      if (fromDayNumber(day) !== iso || dayNumber(iso) !== day) throw new Error(`day ${day} (${iso})`);
    }
  });

  it('an impossible date rolls over as Date.UTC does, and is not a valid ISO date', () => {
    expect(dayNumber('2025-02-30')).toBe(dayByDate('2025-02-30'));
    expect(fromDayNumber(dayNumber('2025-02-30'))).toBe('2025-03-02');
    expect(isValidIsoDate('2025-02-30')).toBe(false);
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(isValidIsoDate('2025-2-3')).toBe(false);
  });

  it('daysFromCivil matches dayNumber; addDays and daysInclusive cross month, year and leap boundaries', () => {
    expect(daysFromCivil(2026, 3, 1)).toBe(dayNumber('2026-03-01'));
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-09-01', -1)).toBe('2025-08-31');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(daysInclusive('2025-09-01', '2026-08-31')).toBe(365);
    expect(daysInclusive('2023-09-01', '2024-08-31')).toBe(366);
    expect(daysInclusive('2025-09-01', '2025-09-01')).toBe(1);
  });
});
