/**
 * Accounts and sign-in attempts: every statement on `accounts` and
 * `login_attempts`. Times are the local timestamps the caller gives.
 */
import type { Account } from '../core/accounts.js';
import type { DB } from './open.js';

interface AccountSqlRow {
  cadre_id: number;
  learner_id: string;
  staff_no: string;
  name: string;
  department: string;
  password_hash: string | null;
  initial_hash: string | null;
  must_change: number | null;
  issued_at: string | null;
  changed_at: string | null;
  locked_until: string | null;
}

const SELECT = `SELECT c.id AS cadre_id, c.learner_id, c.staff_no, c.name, c.department,
  a.password_hash, a.initial_hash, a.must_change, a.issued_at, a.changed_at, a.locked_until
  FROM cadres c LEFT JOIN accounts a ON a.cadre_id = c.id`;

function toAccount(r: AccountSqlRow): Account | null {
  if (r.password_hash === null || r.issued_at === null) return null;
  return {
    cadreId: r.cadre_id,
    learnerId: r.learner_id,
    staffNo: r.staff_no,
    name: r.name,
    department: r.department,
    passwordHash: r.password_hash,
    initialHash: r.initial_hash,
    mustChange: r.must_change === 1,
    issuedAt: r.issued_at,
    changedAt: r.changed_at,
    lockedUntil: r.locked_until,
  };
}

export interface CadreAccount {
  learnerId: string;
  staffNo: string;
  name: string;
  department: string;
  /** null: the cadre has no account row (should not happen; issue-accounts creates both). */
  account: Account | null;
}

/** Every cadre with its account, ordered by learner ID. */
export function loadAccounts(db: DB): CadreAccount[] {
  const rows = db.prepare(`${SELECT} ORDER BY c.learner_id`).all() as AccountSqlRow[];
  return rows.map((r) => ({ learnerId: r.learner_id, staffNo: r.staff_no, name: r.name, department: r.department, account: toAccount(r) }));
}

/** The account of a learner (ID as stored); null for a cadre without one, undefined when there is no such cadre. */
export function accountByLearnerId(db: DB, learnerId: string): Account | null | undefined {
  const row = db.prepare(`${SELECT} WHERE c.learner_id = ?`).get(learnerId) as AccountSqlRow | undefined;
  return row && toAccount(row);
}

/** The account of a cadre known to have one, as it is now. */
export function accountByCadreId(db: DB, cadreId: number): Account {
  const row = db.prepare(`${SELECT} WHERE c.id = ?`).get(cadreId) as AccountSqlRow;
  return toAccount(row)!;
}

/** The times of the wrong attempts since the last right one, newest first (at most 10 000). */
export function failureStamps(db: DB, cadreId: number): string[] {
  const lastOk = db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM login_attempts WHERE cadre_id = ? AND ok = 1').get(cadreId) as { id: number };
  return db.prepare('SELECT at FROM login_attempts WHERE cadre_id = ? AND ok = 0 AND id > ? ORDER BY id DESC LIMIT 10000').pluck().all(cadreId, lastOk.id) as string[];
}

/** Records a sign-in attempt; returns its id. */
export function insertAttempt(db: DB, cadreId: number, at: string, ok: boolean): number {
  return Number(db.prepare('INSERT INTO login_attempts (cadre_id, at, ok) VALUES (?, ?, ?)').run(cadreId, at, ok ? 1 : 0).lastInsertRowid);
}

export function deleteAttempt(db: DB, attemptId: number): void {
  db.prepare('DELETE FROM login_attempts WHERE id = ?').run(attemptId);
}

export function markAttemptOk(db: DB, attemptId: number): void {
  db.prepare('UPDATE login_attempts SET ok = 1 WHERE id = ?').run(attemptId);
}

export function setLockedUntil(db: DB, cadreId: number, until: string): void {
  db.prepare('UPDATE accounts SET locked_until = ? WHERE cadre_id = ?').run(until, cadreId);
}

/** A password the learner chose: the initial one is no longer asked for, and a lock ends. */
export function setChosenPassword(db: DB, cadreId: number, hash: string, changedAt: string): void {
  db.prepare('UPDATE accounts SET password_hash = ?, must_change = 0, changed_at = ?, locked_until = NULL WHERE cadre_id = ?').run(hash, changedAt, cadreId);
}

/** The same password hashed again (stronger parameters). */
export function setPasswordHash(db: DB, cadreId: number, hash: string): void {
  db.prepare('UPDATE accounts SET password_hash = ? WHERE cadre_id = ?').run(hash, cadreId);
}

/** Reads the stored hash of a cadre's account (null without one); one statement for many reads. */
export function passwordHashReader(db: DB): (cadreId: number) => string | null {
  const current = db.prepare('SELECT password_hash FROM accounts WHERE cadre_id = ?').pluck();
  return (cadreId) => (current.get(cadreId) as string | undefined) ?? null;
}

/** New initial passwords (an account made where there was none): to be changed at first use, no lock, no change on record. */
export function resetAccounts(db: DB, accounts: readonly { cadreId: number; hash: string }[], issuedAt: string): void {
  const upd = db.prepare(
    `INSERT INTO accounts (cadre_id, password_hash, initial_hash, must_change, issued_at) VALUES (?, ?, ?, 1, ?)
     ON CONFLICT (cadre_id) DO UPDATE SET password_hash = excluded.password_hash, initial_hash = excluded.initial_hash,
       must_change = 1, issued_at = excluded.issued_at, changed_at = NULL, locked_until = NULL`,
  );
  for (const a of accounts) upd.run(a.cadreId, a.hash, a.hash, issuedAt);
}
