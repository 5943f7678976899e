/**
 * Exact decimal handling. Credits are stored and added as integer tenths and
 * hours as integer quarter hours; a decimal string from the policy or an
 * input is turned into those units by hand, never through a binary float.
 */

/**
 * Parses a plain decimal string ("0.4", "60", "2.25") into an integer number of
 * units where `unitsPerOne` units make 1 (10 for tenths, 4 for quarters).
 * Returns null when the text is not a plain non-negative decimal or is not a
 * whole number of units.
 */
export function decimalToUnits(text: string, unitsPerOne: number): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = m[2] ?? '';
  // value = whole + frac / 10^len; units = value * unitsPerOne must be whole.
  const scale = 10 ** frac.length;
  const numerator = (whole * scale + (frac ? Number(frac) : 0)) * unitsPerOne;
  if (numerator % scale !== 0) return null;
  return numerator / scale;
}

/** Tenths → a number with at most one decimal, for JSON (12 → 1.2). */
export function tenthsToNumber(tenths: number): number {
  return tenths / 10;
}

/** Quarter hours → a number of hours (5 → 1.25). */
export function quartersToHours(quarters: number): number {
  return quarters / 4;
}

/** Tenths → text without float noise ("1.2", "60", "-0.5"). */
export function formatTenths(tenths: number): string {
  const sign = tenths < 0 ? '-' : '';
  const abs = Math.abs(tenths);
  const whole = Math.floor(abs / 10);
  const frac = abs % 10;
  return frac === 0 ? `${sign}${whole}` : `${sign}${whole}.${frac}`;
}

/** Quarter hours → text ("12", "2.5", "0.25"). */
export function formatQuarters(quarters: number): string {
  const sign = quarters < 0 ? '-' : '';
  const abs = Math.abs(quarters);
  const whole = Math.floor(abs / 4);
  const frac = ['', '.25', '.5', '.75'][abs % 4];
  return `${sign}${whole}${frac}`;
}
