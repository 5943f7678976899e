/** Reading the journal (writing it is journal.ts's). */
import type { DB } from './open.js';
import { RECORD_TABLES } from './undo.js';

export interface JournalRow {
  id: number;
  at: string;
  operator: string;
  command: string;
  args: string;
  input_sha256: string | null;
  counts: string | null;
  learner_ids: string | null;
}

export interface JournalFilter {
  /** Entries that name the cadre, and imports (and undos) of batches that carry one of the cadre's records. */
  cadre?: { id: number; learnerId: string };
  /** A command, with or without its mode (`issue-accounts` is also `issue-accounts --reset`). */
  command?: string;
  /** Local dates, both days included. */
  since?: string;
  until?: string;
}

/** The journal's entries that pass the filter, oldest first. */
export function journalEntries(db: DB, filter: JournalFilter): JournalRow[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.cadre) {
    const { id, learnerId } = filter.cadre;
    // Batches that carry one of the cadre's records, first-hand or vouching.
    const carried = RECORD_TABLES.flatMap((t) => [
      `SELECT batch_id FROM ${t} WHERE cadre_id = @cadre AND batch_id IS NOT NULL`,
      `SELECT s.batch_id FROM record_sources s JOIN ${t} r ON r.id = s.record_id WHERE s.kind = '${t}' AND r.cadre_id = @cadre`,
    ]).join(' UNION ');
    const batches = db.prepare(carried).pluck().all({ cadre: id }) as number[];
    const byBatch = batches.length ? ` OR (json_valid(args) AND json_type(args, '$.batch') = 'integer' AND json_extract(args, '$.batch') IN (${batches.map(() => '?').join(',')}))` : '';
    where.push(`(instr(learner_ids, ?) > 0${byBatch})`);
    params.push(`,${learnerId},`, ...batches);
  }
  if (filter.command !== undefined) {
    where.push('(command = ? OR command LIKE ? ESCAPE \'\\\')');
    const name = filter.command.trim();
    params.push(name, `${name.replace(/[\\%_]/g, (c) => `\\${c}`)} %`);
  }
  if (filter.since) {
    where.push('substr(at, 1, 10) >= ?');
    params.push(filter.since);
  }
  if (filter.until) {
    where.push('substr(at, 1, 10) <= ?');
    params.push(filter.until);
  }
  return db
    .prepare(`SELECT id, at, operator, command, args, input_sha256, counts, learner_ids FROM journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`)
    .all(...params) as JournalRow[];
}

/** Whether an issue-accounts run (by its credentials run id) committed: it is in the journal. One statement for many checks. */
export function credentialsRunChecker(db: DB): (run: string) => boolean {
  const inJournal = db.prepare("SELECT 1 FROM journal WHERE command LIKE 'issue-accounts%' AND json_valid(args) AND json_extract(args, '$.run') = ? LIMIT 1").pluck();
  return (run) => !!inJournal.get(run);
}
