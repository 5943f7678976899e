/**
 * Dates and times in the machine's local zone, as the office reads them: the
 * one place that asks the zone (the rules in src/core never do).
 */
import type { IsoDate } from './core/dates.js';

/** The local calendar date of `d`, e.g. 2026-11-25. */
export function localIsoDate(d: Date): IsoDate {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

/** Local time with its offset, e.g. 2026-11-25T10:31:50+08:00. */
export function localTimestamp(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const hh = String(Math.floor(Math.abs(off) / 60)).padStart(2, '0');
  const mm = String(Math.abs(off) % 60).padStart(2, '0');
  const p = (n: number) => String(n).padStart(2, '0');
  return `${localIsoDate(d)}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${sign}${hh}:${mm}`;
}

const MINUTE = 60_000;

/**
 * Local time to the minute for messages: 2026-03-01 09:15. `up` rounds a
 * part minute up (the end of a lock: trying again at the time shown works);
 * otherwise down (an expiry: acting before the time shown works).
 */
export function localMinute(d: Date, up = false): string {
  const t = up ? Math.ceil(d.getTime() / MINUTE) * MINUTE : d.getTime();
  return localTimestamp(new Date(t)).slice(0, 16).replace('T', ' ');
}

/**
 * A stored time (ISO, with its offset) as people read it on a terminal: the
 * local date and time to the minute, 2026-12-01 18:05. A text that is not a
 * time is returned as it is; an empty one stays empty.
 */
export function readableTime(stamp: string | null | undefined): string {
  if (!stamp) return '';
  const d = new Date(stamp);
  return Number.isNaN(d.getTime()) ? stamp : localMinute(d);
}
