/**
 * Every write goes through `writeTransaction`: one BEGIN IMMEDIATE
 * transaction that does the work and records it in the journal (operator,
 * time, command, arguments without secrets, input hash, counts).
 */
import { localTimestamp } from '../local-time.js';
import type { DB } from './open.js';

/** Who writes, and when: the journal needs no more of the command's context. */
export interface Actor {
  operator: string;
  now(): Date;
}

export interface JournalEntry {
  command: string;
  args: unknown;
  inputSha256?: string | null;
  counts?: Record<string, number>;
  learnerIds?: string[];
}

const SECRET = /pass(word)?|secret|token/i;

/** Removes any argument whose name looks like a secret. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET.test(k) ? '[redacted]' : redact(v);
    return out;
  }
  return value;
}

export function recordJournal(db: DB, actor: Actor, entry: JournalEntry): number {
  const ids = entry.learnerIds && entry.learnerIds.length ? `,${[...new Set(entry.learnerIds)].join(',')},` : null;
  const info = db
    .prepare('INSERT INTO journal (at, operator, command, args, input_sha256, counts, learner_ids) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(localTimestamp(actor.now()), actor.operator, entry.command, JSON.stringify(redact(entry.args)), entry.inputSha256 ?? null, entry.counts ? JSON.stringify(entry.counts) : null, ids);
  return Number(info.lastInsertRowid);
}

/**
 * Runs `work` and journals it in one BEGIN IMMEDIATE transaction. `work` must
 * be synchronous (better-sqlite3 transactions cannot span an await).
 */
export function writeTransaction<T>(db: DB, actor: Actor, journal: (result: T) => JournalEntry, work: () => T): T {
  return db
    .transaction(() => {
      const result = work();
      recordJournal(db, actor, journal(result));
      return result;
    })
    .immediate();
}
