/**
 * The reminders produced (`cadre remind`), one row per cadre and gap: read
 * back to hold a reminder within the quiet period, and listed by `cadre
 * reminders`.
 */
import type { IsoDate } from '../core/dates.js';
import type { PastReminder } from '../core/reminders.js';
import type { DB } from './open.js';

export interface ReminderRecord {
  journalId: number;
  cadreId: number;
  requirement: string;
  period: string;
  termStart: number;
  status: 'behind' | 'short';
  /** The gap in words, in the language of the run (its deadline and status are their own columns). */
  gap: string;
  deadline: IsoDate;
  asOf: IsoDate;
  producedAt: string;
  operator: string;
  format: string;
  file: string | null;
  notice: string | null;
  messageSha256: string;
}

export interface ListedReminder extends ReminderRecord {
  id: number;
  learnerId: string;
  name: string;
  department: string;
}

/** Whether the database has the table yet (a read-only command on a database not yet migrated). */
export function hasReminders(db: DB): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reminders'").get();
}

export function insertReminders(db: DB, rows: readonly ReminderRecord[]): void {
  const insert = db.prepare(
    `INSERT INTO reminders (journal_id, cadre_id, requirement, period, term_start, status, gap, deadline, as_of, produced_at, operator, format, file, notice, message_sha256)
     VALUES (@journalId, @cadreId, @requirement, @period, @termStart, @status, @gap, @deadline, @asOf, @producedAt, @operator, @format, @file, @notice, @messageSha256)`,
  );
  for (const r of rows) insert.run(r);
}

/**
 * The reminders produced for an as-of date after `after`, as the planner reads them: only
 * those can hold a reminder back (a year of fortnightly runs for a large office is millions of rows).
 */
export function pastReminders(db: DB, after: IsoDate): PastReminder[] {
  if (!hasReminders(db)) return [];
  return db.prepare('SELECT cadre_id AS cadreId, requirement, period, term_start AS termStart, status, as_of AS asOf FROM reminders WHERE as_of > ?').all(after) as PastReminder[];
}

const LISTED = `SELECT r.id, r.journal_id AS journalId, r.cadre_id AS cadreId, r.requirement, r.period, r.term_start AS termStart, r.status, r.gap, r.deadline,
  r.as_of AS asOf, r.produced_at AS producedAt, r.operator, r.format, r.file, r.notice, r.message_sha256 AS messageSha256,
  c.learner_id AS learnerId, c.name, c.department
  FROM reminders r JOIN cadres c ON c.id = r.cadre_id`;

/** The reminders produced, oldest first; optionally of one cadre, or produced on or after a day. */
export function listReminders(db: DB, filter: { cadreId?: number; since?: IsoDate } = {}): ListedReminder[] {
  if (!hasReminders(db)) return [];
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.cadreId !== undefined) {
    where.push('r.cadre_id = ?');
    params.push(filter.cadreId);
  }
  if (filter.since !== undefined) {
    where.push('r.produced_at >= ?');
    params.push(filter.since);
  }
  return db.prepare(`${LISTED}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id`).all(...params) as ListedReminder[];
}

/** The newest reminder's row number (0 when none): a run checks, as it records, that no other run recorded any since it planned. */
export function lastReminderId(db: DB): number {
  if (!hasReminders(db)) return 0;
  return (db.prepare('SELECT COALESCE(MAX(id), 0) FROM reminders').pluck().get() as number) ?? 0;
}
