/**
 * The SQL every import kind runs against its staged rows (temp.stage), written
 * once: counting what is new, and recording this batch as a further voucher of
 * records another batch brought first.
 */
import type { DB } from '../db/open.js';
import type { BatchKind } from './pipeline.js';

const same = (keys: string[], a: string, b: string) => keys.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');

/** Staged groups with no record in the table sharing `keys` and dated inside the group's term window. */
export function countNewInTerm(db: DB, table: string, keys: string[], dateColumn: string): number {
  const cols = keys.join(', ');
  return (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM (SELECT ${cols}, term_start, term_end FROM temp.stage GROUP BY ${cols}, term_start) g
         WHERE NOT EXISTS (SELECT 1 FROM ${table} r WHERE ${same(keys, 'r', 'g')} AND r.${dateColumn} BETWEEN g.term_start AND g.term_end)`,
      )
      .get() as { n: number }
  ).n;
}

/** Distinct staged keys not yet in the table. */
export function countNewExact(db: DB, table: string, keys: string[]): number {
  return (
    db
      .prepare(`SELECT COUNT(*) AS n FROM (SELECT DISTINCT ${keys.join(', ')} FROM temp.stage) g WHERE NOT EXISTS (SELECT 1 FROM ${table} r WHERE ${same(keys, 'r', 'g')})`)
      .get() as { n: number }
  ).n;
}

/** Records matched by a staged row but first brought by another batch: this batch vouches for them too. */
export function recordVouchers(db: DB, kind: BatchKind, table: string, keys: string[], batchId: number | null): void {
  if (batchId === null) return;
  db.prepare(
    `INSERT OR IGNORE INTO record_sources (kind, record_id, batch_id, line)
     SELECT '${kind}', r.id, ?, MIN(s.line) FROM temp.stage s JOIN ${table} r ON ${same(keys, 'r', 's')}
     WHERE r.batch_id IS NOT ? GROUP BY r.id`,
  ).run(batchId, batchId);
}
