/**
 * Cell values from input files, parsed strictly: dates, hours, scores and
 * identifiers. Each parser returns a Result whose failure reason says what is
 * wrong and how to fix it, so an import can list every bad cell at once.
 *
 * Numbers are parsed from their decimal text by hand into integer units
 * (quarter hours, tenths of a point), never through a binary float.
 */
import { msg, type Msg } from '../errors.js';

export type Result<T> = { ok: true; value: T } | { ok: false; reason: Msg };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(key: string, params?: Record<string, string | number>): Result<T> => ({ ok: false, reason: msg(key, params) });

// ---------------------------------------------------------------- dates

const DAY_MS = 86_400_000;
/** Excel's day 0 in the 1900 date system, as used for serials after its fake 1900-02-29 (serial 60). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const serialOf = (y: number, m: number, d: number): number => (Date.UTC(y, m - 1, d) - EXCEL_EPOCH_MS) / DAY_MS;
/** Plausible dates for this office's records: 1990-01-01 … 2099-12-31. */
const SERIAL_MIN = serialOf(1990, 1, 1);
const SERIAL_MAX = serialOf(2099, 12, 31);
const YEAR_MIN = 1900;
const YEAR_MAX = 2099;

const SEPARATED = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:(?:T|\s+)(.*))?$/;
const CHINESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号](?:\s*(.*))?$/;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const SERIAL = /^(\d+)(?:\.\d+)?$/;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function isoFromSerial(serial: number): string {
  const d = new Date(EXCEL_EPOCH_MS + serial * DAY_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

function checkTime(time: string | undefined, value: string): Result<null> {
  if (time === undefined || time.trim() === '') return ok(null);
  const m = TIME.exec(time.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || (m[3] !== undefined && Number(m[3]) > 59)) {
    return fail('io.date.time', { value });
  }
  return ok(null);
}

function checkYmd(y: number, m: number, d: number, value: string): Result<string> {
  if (y < YEAR_MIN || y > YEAR_MAX) return fail('io.date.year', { value, year: y });
  if (m < 1 || m > 12) return fail('io.date.month', { value, month: m });
  if (d < 1 || d > daysInMonth(y, m)) return fail('io.date.day', { value, day: d, days: daysInMonth(y, m) });
  return ok(`${y}-${pad2(m)}-${pad2(d)}`);
}

/**
 * A date in any form the office's spreadsheets produce → ISO `YYYY-MM-DD`.
 * Accepts 2025-09-01, 2025-9-1, 2025/9/1, 2025.9.1, 2025年9月1日, each with an
 * optional time that is dropped, and Excel serial numbers (1900 date system).
 */
export function parseDate(text: string): Result<string> {
  // NFKC turns full-width digits and punctuation (２０２５／９／１) into ASCII.
  const value = text.normalize('NFKC').trim();
  if (value === '') return fail('io.date.empty');
  const m = SEPARATED.exec(value) ?? CHINESE.exec(value);
  if (m) {
    const hasSep = m.length === 6;
    const [y, mo, d] = hasSep ? [m[1], m[3], m[4]] : [m[1], m[2], m[3]];
    const time = checkTime(hasSep ? m[5] : m[4], value);
    if (!time.ok) return time;
    return checkYmd(Number(y), Number(mo), Number(d), value);
  }
  const s = SERIAL.exec(value);
  if (s) {
    const whole = s[1];
    if (/^(19|20)\d{6}$/.test(whole) && whole === value) {
      return fail('io.date.compact', { value, suggestion: `${whole.slice(0, 4)}-${whole.slice(4, 6)}-${whole.slice(6)}` });
    }
    const serial = whole.length > 7 ? Infinity : Number(whole);
    if (serial === 60) return fail('io.date.serial1900', { value });
    if (serial < SERIAL_MIN || serial > SERIAL_MAX) return fail('io.date.serialRange', { value, min: '1990-01-01', max: '2099-12-31' });
    return ok(isoFromSerial(serial));
  }
  return fail('io.date.format', { value });
}

/**
 * The minute of the day (0 … 1439) a date cell gives with its date, or null
 * when it gives none (a date alone, an Excel serial without a fraction). Only
 * for a cell parseDate accepts; seconds are dropped.
 */
export function minuteOfDay(text: string): number | null {
  const value = text.normalize('NFKC').trim();
  const m = SEPARATED.exec(value) ?? CHINESE.exec(value);
  if (m) {
    const time = (m.length === 6 ? m[5] : m[4])?.trim();
    const t = time ? TIME.exec(time) : null;
    return t ? Number(t[1]) * 60 + Number(t[2]) : null;
  }
  const s = /^\d+\.(\d+)$/.exec(value);
  if (s) return Math.min(1439, Math.floor(Number(`0.${s[1]}`) * 1440 + 1e-7));
  return null;
}

const DURATION_HMS = /^(\d{1,3}):(\d{2})(?::(\d{2}))?$/;
const DURATION_WORDS = /^(?:(\d{1,3})\s*(?:小时|时|h|hours?))?\s*(?:(\d{1,5})\s*(?:分钟|分|min|minutes?|m))?\s*(?:(\d{1,5})\s*(?:秒|s|sec|seconds?))?$/i;

/**
 * How long a study took, in whole minutes (seconds dropped): "90", "90分钟",
 * "1小时30分", "1h30m", "01:30:00" or "1:30" (hours and minutes). A blank cell
 * is null (the platform did not say).
 */
export function parseDuration(text: string): Result<number | null> {
  const value = text.normalize('NFKC').trim();
  if (value === '') return ok(null);
  if (/^\d{1,5}$/.test(value)) return ok(Number(value));
  const hms = DURATION_HMS.exec(value);
  if (hms && Number(hms[2]) < 60 && (hms[3] === undefined || Number(hms[3]) < 60)) return ok(Number(hms[1]) * 60 + Number(hms[2]));
  const w = DURATION_WORDS.exec(value);
  if (w && (w[1] !== undefined || w[2] !== undefined || w[3] !== undefined)) {
    return ok(Number(w[1] ?? 0) * 60 + Number(w[2] ?? 0) + Math.floor(Number(w[3] ?? 0) / 60));
  }
  return fail('anomalies.duration.format', { value });
}

// ---------------------------------------------------------------- numbers

interface Decimal {
  whole: string;
  frac: string;
}

/**
 * A plain non-negative decimal ("2", "2.5", "0.25", ".5") split into its digit
 * strings, with leading zeros of the whole part and trailing zeros of the
 * fraction removed. Anything else fails with the reason a person needs;
 * `shown` is the text the reasons quote (the cell as written).
 */
function lexDecimal(text: string, shown = text.trim()): Result<Decimal> {
  const value = text.trim();
  if (value === '') return fail('io.number.empty');
  if (/[\uFF10-\uFF19\uFF0E\uFF0C\uFF0D\uFF0B]/.test(value)) return fail('io.number.fullWidth', { value: shown });
  if (/^[+-]?\d*,\d+$/.test(value)) return fail('io.number.decimalComma', { value: shown, suggestion: value.replace(',', '.') });
  if (/^[-\u2212]/.test(value) && /\d/.test(value)) return fail('io.number.negative', { value: shown });
  if (/^[+-]?(nan|inf|infinity)$/i.test(value)) return fail('io.number.notNumber', { value: shown });
  if (/^[+-]?(\d+\.?\d*|\.\d+)e[+-]?\d+$/i.test(value)) return fail('io.number.exponent', { value: shown });
  const m = /^\+?(\d*)(?:\.(\d*))?$/.exec(value);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) {
    const unit = /^\+?[\d.]+\s*(\p{L}[\p{L}.]*)$/u.exec(value);
    if (unit) return fail('io.number.unit', { value: shown, unit: unit[1].trim() });
    return fail('io.number.invalid', { value: shown });
  }
  return ok({ whole: m[1].replace(/^0+/, ''), frac: (m[2] ?? '').replace(/0+$/, '') });
}

const FULL_WIDTH_FORMS = /[\uFF01-\uFF5E\u3000]/;
const FULL_WIDTH_FORMS_ALL = new RegExp(FULL_WIDTH_FORMS.source, 'g');

/**
 * The full-width forms of ASCII (U+FF01–U+FF5E: `３．５`, `２`, `，`) as
 * ASCII and the ideographic space U+3000 as a space, as a Chinese input
 * method in full-width mode types them. Nothing else is changed (not the
 * wider NFKC folding, which would also read `²` or `①` as a digit).
 */
export function halfWidth(text: string): string {
  if (!FULL_WIDTH_FORMS.test(text)) return text;
  return text.replace(FULL_WIDTH_FORMS_ALL, (c) => (c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)));
}

const QUARTERS: Record<string, number> = { '': 0, '25': 1, '5': 2, '75': 3 };

/**
 * Study hours → an integer number of quarter hours. The value must be a
 * multiple of 0.25, more than 0 and at most `maxHours`. Full-width digits and
 * points are read like half-width ones (`３．５` is 3.5), as dates read them.
 */
export function parseHours(text: string, maxHours: number): Result<number> {
  const value = text.trim();
  const d = lexDecimal(halfWidth(text), value);
  if (!d.ok) return d;
  const { whole, frac } = d.value;
  const quarter = Object.prototype.hasOwnProperty.call(QUARTERS, frac) ? QUARTERS[frac] : undefined;
  if (quarter === undefined) return fail('io.hours.quarter', { value });
  const maxQuarters = Math.floor(maxHours * 4);
  if (whole.length > 9) return fail('io.hours.max', { value, max: maxHours });
  const quarters = Number(whole || '0') * 4 + quarter;
  if (quarters === 0) return fail('io.hours.zero', { value });
  if (quarters > maxQuarters) return fail('io.hours.max', { value, max: maxHours });
  return ok(quarters);
}

/** An exam score 0–100 with at most one decimal → integer tenths (85.5 → 855). */
export function parseScore(text: string): Result<number> {
  const d = lexDecimal(text);
  if (!d.ok) return d;
  const value = text.trim();
  const { whole, frac } = d.value;
  if (frac.length > 1) return fail('io.score.decimals', { value });
  if (whole.length > 3) return fail('io.score.range', { value });
  const tenths = Number(whole || '0') * 10 + Number(frac || '0');
  if (tenths > 1000) return fail('io.score.range', { value });
  return ok(tenths);
}

// ---------------------------------------------------------------- identifiers

export type IdentifierKind = 'learner_id' | 'staff_no';

/** Whitespace, control and invisible format characters (zero-width, BOM, bidi marks …). */
const INVISIBLE = /[\s\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');
const EXCEL_SCIENTIFIC = /^[+-]?\d+(\.\d+)?E[+-]?\d+$/i;
const FULL_WIDTH_ALNUM = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/;

const codeOf = (ch: string): string => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * A learner ID (upper-cased, A–Z and 0–9) or a staff number (letters, digits,
 * `_` and `-`, kept as written). Spaces and tabs at the ends are trimmed; any
 * other invisible character is refused with its code point and position.
 */
export function parseIdentifier(text: string, kind: IdentifierKind): Result<string> {
  const lead = /^[ \t]*/.exec(text)![0].length;
  const value = text.slice(lead).replace(/[ \t]+$/, '');
  const label = kind === 'learner_id' ? 'io.id.learnerId' : 'io.id.staffNo';
  if (value === '') return fail(`${label}.empty`);
  let position = [...text.slice(0, lead)].length;
  for (const ch of value) {
    position++;
    if (INVISIBLE.test(ch)) return fail('io.id.invisible', { code: codeOf(ch), position, value: value.replace(INVISIBLE_ALL, '') });
  }
  if (EXCEL_SCIENTIFIC.test(value)) return fail('io.id.scientific', { value });
  if (FULL_WIDTH_ALNUM.test(value)) return fail('io.id.fullWidth', { value, suggestion: value.normalize('NFKC') });
  const allowed = kind === 'learner_id' ? /[A-Za-z0-9]/ : /[A-Za-z0-9_-]/;
  let at = 0;
  for (const ch of value) {
    at++;
    if (!allowed.test(ch)) return fail(`${label}.char`, { value, char: ch, code: codeOf(ch), position: lead + at });
  }
  return ok(kind === 'learner_id' ? value.toUpperCase() : value);
}
