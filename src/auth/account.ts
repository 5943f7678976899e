/**
 * The login-attempt rules shared by `verify` and `passwd`. An account's state
 * (on the initial password, expired, changed, locked) is read by the pure
 * rules of src/core/accounts.ts; its rows are src/db/accounts.ts's.
 *
 * Lockout (policy.lockout): a wrong password is recorded in login_attempts;
 * when `attempts` wrong ones fall within the last `window_minutes`, the
 * account is locked for `lock_minutes` (accounts.locked_until). Wrong
 * attempts count only since the latest of: the last right one, the end of
 * the last lock, the issue (or reset) of the initial password and the last
 * change, so a reset or a lock that has run out starts the count afresh.
 * While an account is locked no password is checked (a right one fails
 * too); the attempt is recorded and does not extend the lock.
 *
 * A try is counted before its password is checked (written as wrong, made
 * right once it proves so), in a transaction of its own: tries run at the
 * same time each see the ones before them, so no more than `attempts`
 * passwords are ever checked before the lock. Every check does the same
 * scrypt work, whether the learner exists and whatever the account's state
 * (`attemptLogin`, `verifyEvenly`), so its time gives nothing away.
 *
 * Expiry (policy.initial_password_days): an initial password not changed
 * within that many days of issue can no longer be used, not even to change
 * it; the office issues a new one with `issue-accounts --reset`.
 *
 * Times are stored as local timestamps with their offset (as the rest of the
 * database) and compared as instants after parsing, never as strings.
 */
import type { Actor } from '../db/journal.js';
import { localMinute, localTimestamp } from '../local-time.js';
import { countFailures, expiresAt, isExpired, lockedUntil, normalizeLearnerId, type Account } from '../core/accounts.js';
import type { Policy } from '../core/policy.js';
import { accountByCadreId, accountByLearnerId, deleteAttempt, failureStamps, insertAttempt as insertAttemptRow, markAttemptOk, setLockedUntil } from '../db/accounts.js';
import { recordJournal, writeTransaction } from '../db/journal.js';
import type { DB } from '../db/open.js';
import { CadreError, InputError, msg, type Msg } from '../errors.js';
import { CHOSEN_HASH_PARAMS, INITIAL_HASH_PARAMS, verifyEvenly, type Derive, type HashParams } from './password.js';

/** What a sign-in needs of the command's context: who and when (for the journal), and the policy. */
export interface LoginContext extends Actor {
  policy(): Policy;
}

/** The account of one learner, or the error (exit 2) that says there is none: the learner or the account does not exist. */
export function findAccount(db: DB, learnerIdRaw: string): Account | InputError {
  const id = normalizeLearnerId(learnerIdRaw);
  const acc = accountByLearnerId(db, id);
  if (acc === undefined) return new InputError(msg('auth.unknownLearner', { id: learnerIdRaw }), [], msg('auth.fix.unknownLearner'));
  return acc ?? new InputError(msg('auth.noAccount', { id }), [], msg('auth.fix.noAccount', { id }));
}

/** The account of one learner; exit 2 when the learner or the account does not exist. */
export function loadAccount(db: DB, learnerIdRaw: string): Account {
  const acc = findAccount(db, learnerIdRaw);
  if (acc instanceof InputError) throw acc;
  return acc;
}

const MINUTE = 60_000;

/** The scrypt parameters a hash of this account's kind should have. */
export function targetParams(acc: Pick<Account, 'mustChange'>): HashParams {
  return acc.mustChange ? INITIAL_HASH_PARAMS : CHOSEN_HASH_PARAMS;
}

/** Wrong attempts that count toward a lock at `now` (this one included when already inserted). */
export function countedFailures(db: DB, acc: Account, policy: Policy, now: Date): number {
  return countFailures(failureStamps(db, acc.cadreId), acc, policy, now);
}

const reread = accountByCadreId;

export interface AttemptJournal {
  command: string;
  args: Record<string, unknown>;
}

function insertAttempt(db: DB, acc: Account, ok: boolean, now: Date): number {
  return insertAttemptRow(db, acc.cadreId, localTimestamp(now), ok);
}

const resetFix = (id: string): Msg => msg('auth.fix.reset', { id });

function expiredError(acc: Account, policy: Policy): CadreError {
  return new CadreError(1, msg('auth.expired', { id: acc.learnerId, date: localMinute(expiresAt(acc, policy)!), days: policy.initialPasswordDays }), [], resetFix(acc.learnerId));
}

function lockedError(acc: Account, until: Date): CadreError {
  const at = localMinute(until, true);
  return new CadreError(1, msg('auth.locked', { id: acc.learnerId, until: at }), [], msg('auth.fix.locked', { id: acc.learnerId, until: at }));
}

/**
 * Refuses an expired or locked account before any password is asked for
 * (passwd), recording the attempt (which does not count toward a lock).
 * `attemptLogin` refuses them again, atomically, when a password is at hand.
 */
export function refuseUnusable(ctx: LoginContext, db: DB, acc: Account, journal: AttemptJournal): void {
  const policy = ctx.policy();
  const now = ctx.now();
  const expired = isExpired(acc, policy, now);
  const until = expired ? null : lockedUntil(acc, now);
  if (!expired && !until) return;
  writeTransaction(
    db,
    ctx,
    () => ({ ...journal, counts: { ok: 0, expired: expired ? 1 : 0, locked: until ? 1 : 0 }, learnerIds: [acc.learnerId] }),
    () => insertAttempt(db, acc, false, now),
  );
  throw expired ? expiredError(acc, policy) : lockedError(acc, until!);
}

/** A try the count allowed: its row in login_attempts (written as wrong) and the account as it was then. */
interface Reservation {
  acc: Account;
  attemptId: number;
}

/**
 * Takes a try from the count before any password is checked, in one BEGIN
 * IMMEDIATE transaction, so that tries running at the same time (20
 * processes at once) cannot all read the count before any records its
 * failure: the try is written first, as a wrong one, and only then is its
 * password checked. A try the count does not allow is refused without a
 * check: the account is expired or locked, or the tries counted (those still
 * being checked included) already reach policy.lockout.attempts, which locks
 * it now. A refusal is recorded and journaled here; an allowed try is
 * journaled when its outcome is known (`failAttempt`, `Granted.succeed`).
 */
function reserveAttempt(ctx: LoginContext, db: DB, acc: Account, journal: AttemptJournal): Reservation | CadreError {
  const policy = ctx.policy();
  const now = ctx.now();
  const { attempts, lockMinutes } = policy.lockout;
  return db
    .transaction((): Reservation | CadreError => {
      const current = reread(db, acc.cadreId);
      const expired = isExpired(current, policy, now);
      let until = expired ? null : lockedUntil(current, now);
      if (!expired && !until && countedFailures(db, current, policy, now) >= attempts) {
        until = new Date(now.getTime() + lockMinutes * MINUTE);
        setLockedUntil(db, current.cadreId, localTimestamp(until));
      }
      const attemptId = insertAttempt(db, current, false, now);
      if (!expired && !until) return { acc: current, attemptId };
      recordJournal(db, ctx, { ...journal, counts: { ok: 0, expired: expired ? 1 : 0, locked: until ? 1 : 0 }, learnerIds: [current.learnerId] });
      return expired ? expiredError(current, policy) : lockedError(current, until!);
    })
    .immediate();
}

/** A right password: record it (with a rehash or a new password), or give the try back (a new password refused). */
export interface Granted {
  acc: Account;
  /**
   * Records the right password in one transaction with `update`, provided
   * the account has not changed since it was checked: its hash is the one
   * verified and no lock began meanwhile. Otherwise throws (exit 1), and the
   * command can simply be run again.
   */
  succeed(journal: AttemptJournal & { counts?: Record<string, number> }, update?: () => void): void;
  /** Removes the try's row: nothing of it stays (passwd when the new password is refused, exit 2). */
  release(): void;
}

/**
 * One login attempt (verify; passwd's current password), in three steps:
 * the try is taken from the count (`reserveAttempt`), the password is
 * checked, the outcome is recorded. At most policy.lockout.attempts
 * passwords are checked within a window before the lock, however many tries
 * run at once. A try interrupted while its password is checked stays
 * counted as a wrong one.
 *
 * The scrypt work is the same in every case (`verifyEvenly`): `found` the
 * error of an unknown learner, a locked or expired account, a wrong password,
 * whatever kind of password the account has, all take the same time; the
 * real hash is never checked for a try that is refused. Throws the refusal
 * (exit 2 for no such account, exit 1 otherwise) once that work is done.
 */
export async function attemptLogin(ctx: LoginContext, db: DB, found: Account | CadreError, password: string, journal: AttemptJournal, kdf?: Derive): Promise<Granted> {
  if (found instanceof CadreError) {
    await verifyEvenly(password, null, kdf);
    throw found;
  }
  const r = reserveAttempt(ctx, db, found, journal);
  if (r instanceof CadreError) {
    await verifyEvenly(password, null, kdf);
    throw r;
  }
  if (!(await verifyEvenly(password, r.acc.passwordHash, kdf))) failAttempt(ctx, db, r.acc, journal);
  return {
    acc: r.acc,
    succeed: (j, update) => succeedAttempt(ctx, db, r, j, update),
    release: () => void db.transaction(() => deleteAttempt(db, r.attemptId)).immediate(),
  };
}

/**
 * Records a wrong password (the try's row, already written by
 * `reserveAttempt`), locks the account when it was the last one allowed,
 * and throws the exit-1 error that says which.
 */
function failAttempt(ctx: LoginContext, db: DB, acc: Account, journal: AttemptJournal): never {
  const policy = ctx.policy();
  const now = ctx.now();
  const { attempts, windowMinutes, lockMinutes } = policy.lockout;
  const result = writeTransaction(
    db,
    ctx,
    (r: { failures: number; until: Date | null }) => ({ ...journal, counts: { ok: 0, failures: r.failures, locked: r.until ? 1 : 0 }, learnerIds: [acc.learnerId] }),
    () => {
      const current = reread(db, acc.cadreId);
      const running = lockedUntil(current, now);
      // Locked by another attempt meanwhile: this one does not extend the lock.
      if (running) return { failures: 0, until: running, already: true };
      const failures = countedFailures(db, current, policy, now);
      if (failures < attempts) return { failures, until: null, already: false };
      const until = new Date(now.getTime() + lockMinutes * MINUTE);
      setLockedUntil(db, acc.cadreId, localTimestamp(until));
      return { failures, until, already: false };
    },
  );
  if (result.until && result.already) throw lockedError(acc, result.until);
  if (result.until) {
    throw new CadreError(1, msg('auth.lockedNow', { id: acc.learnerId, attempts, window: windowMinutes, until: localMinute(result.until, true) }), [], msg('auth.fix.locked', { id: acc.learnerId, until: localMinute(result.until, true) }));
  }
  throw new CadreError(1, msg('auth.wrongPassword', { id: acc.learnerId, left: attempts - result.failures, window: windowMinutes, minutes: lockMinutes }), [], msg('auth.fix.wrongPassword', { id: acc.learnerId }));
}

function succeedAttempt(ctx: LoginContext, db: DB, r: Reservation, journal: AttemptJournal & { counts?: Record<string, number> }, update?: () => void): void {
  const { acc, attemptId } = r;
  const now = ctx.now();
  const outcome = writeTransaction(
    db,
    ctx,
    (o: 'ok' | 'changed' | 'locked') => ({ ...journal, counts: { ok: o === 'ok' ? 1 : 0, ...(o === 'ok' ? journal.counts : {}), ...(o === 'locked' ? { locked: 1 } : {}) }, learnerIds: [acc.learnerId] }),
    () => {
      const current = reread(db, acc.cadreId);
      if (current.passwordHash !== acc.passwordHash) {
        // Checked against a password no longer the account's: the try is neither right nor wrong.
        deleteAttempt(db, attemptId);
        return 'changed' as const;
      }
      // A lock began meanwhile (other tries): this one stays recorded as refused.
      if (lockedUntil(current, now)) return 'locked' as const;
      markAttemptOk(db, attemptId);
      update?.();
      return 'ok' as const;
    },
  );
  if (outcome === 'changed') throw new CadreError(1, msg('auth.changedMeanwhile', { id: acc.learnerId }), [], msg('auth.fix.changedMeanwhile'));
  if (outcome === 'locked') throw lockedError(acc, lockedUntil(reread(db, acc.cadreId), now) ?? now);
}

/**
 * Reads `count` lines from a stream (for --password-stdin): each line without
 * its line ending; nothing else is trimmed, as spaces may belong to a password.
 */
export async function readStdinLines(stream: NodeJS.ReadableStream, count: number): Promise<string[] | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    // Enough lines already: stop reading (a script may keep stdin open).
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.split('\n').length > count) break;
  }
  let text = Buffer.concat(chunks).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text === '') return null;
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.length && lines[lines.length - 1] === '' && text.endsWith('\n')) lines.pop();
  if (lines.length < count) return null;
  return lines.slice(0, count);
}
