/**
 * Calendar arithmetic on ISO dates (YYYY-MM-DD) as whole day numbers. Pure:
 * Date.UTC only converts, it never reads the clock.
 */
export type IsoDate = string;

const DAY_MS = 86_400_000;

export function dayNumber(iso: IsoDate): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function fromDayNumber(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(iso: IsoDate, days: number): IsoDate {
  return fromDayNumber(dayNumber(iso) + days);
}

/** Days from a to b inclusive (a = b → 1). */
export function daysInclusive(a: IsoDate, b: IsoDate): number {
  return dayNumber(b) - dayNumber(a) + 1;
}

export function isValidIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  return fromDayNumber(dayNumber(text)) === text;
}

export function minDate(a: IsoDate, b: IsoDate): IsoDate {
  return a < b ? a : b;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a > b ? a : b;
}
