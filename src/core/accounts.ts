/**
 * An account's state, from its row alone (see src/auth/account.ts for the
 * login rules that write it): on the initial password, expired (an initial
 * password not changed within policy.initial_password_days), changed, or
 * locked. Times are local timestamps with their offset, compared as instants
 * after parsing, never as strings.
 */
import type { Policy } from './policy.js';

export type AccountState = 'initial' | 'expired' | 'changed' | 'locked';
export const ACCOUNT_STATES: readonly AccountState[] = ['initial', 'expired', 'changed', 'locked'];

export interface Account {
  cadreId: number;
  learnerId: string;
  staffNo: string;
  name: string;
  department: string;
  passwordHash: string;
  initialHash: string | null;
  mustChange: boolean;
  issuedAt: string;
  changedAt: string | null;
  lockedUntil: string | null;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A learner ID as typed, as stored: trimmed, upper case. */
export function normalizeLearnerId(raw: string): string {
  return raw.trim().toUpperCase();
}

/** A stored timestamp as milliseconds since the epoch; null when absent or unreadable. */
export function instant(stamp: string | null): number | null {
  if (!stamp) return null;
  const t = Date.parse(stamp);
  return Number.isNaN(t) ? null : t;
}

/** When the initial password stops working; null once it has been changed. */
export function expiresAt(acc: Account, policy: Policy): Date | null {
  if (!acc.mustChange) return null;
  const issued = instant(acc.issuedAt);
  return issued === null ? null : new Date(issued + policy.initialPasswordDays * DAY);
}

export function isExpired(acc: Account, policy: Policy, now: Date): boolean {
  const exp = expiresAt(acc, policy);
  return exp !== null && exp.getTime() < now.getTime();
}

/** The end of a lock still running at `now`, else null. */
export function lockedUntil(acc: Pick<Account, 'lockedUntil'>, now: Date): Date | null {
  const until = instant(acc.lockedUntil);
  return until !== null && until > now.getTime() ? new Date(until) : null;
}

/** One state per account: expired, else locked, else initial or changed. */
export function accountState(acc: Account, policy: Policy, now: Date): AccountState {
  if (isExpired(acc, policy, now)) return 'expired';
  if (lockedUntil(acc, now)) return 'locked';
  return acc.mustChange ? 'initial' : 'changed';
}

/**
 * Of the wrong attempts since the last right one (their times, newest first),
 * those that count toward a lock at `now`: inside the window, and not before
 * the latest of the end of the last lock, the issue (or reset) of the initial
 * password and the last change.
 */
export function countFailures(stamps: readonly string[], acc: Pick<Account, 'lockedUntil' | 'issuedAt' | 'changedAt'>, policy: Policy, now: Date): number {
  const windowStart = now.getTime() - policy.lockout.windowMinutes * MINUTE;
  // Stamps have whole seconds: an attempt in the same second as a reset point counts.
  const since = Math.max(...[acc.lockedUntil, acc.issuedAt, acc.changedAt].map((s) => Math.floor((instant(s) ?? 0) / 1000) * 1000));
  let n = 0;
  for (const stamp of stamps) {
    const at = instant(stamp);
    if (at === null) continue;
    if (at > windowStart && at >= since) n++;
  }
  return n;
}
