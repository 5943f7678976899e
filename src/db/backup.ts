/** Copies of the database: taken by hand (`cadre backup`) or before a migration. */
import fs from 'node:fs';
import type { DB } from './open.js';

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * Before a migration changes the schema, keep a consistent copy beside the
 * database (VACUUM INTO is synchronous and reads one snapshot).
 */
export function autoBackupBeforeMigration(db: DB, dbPath: string, from: number, to: number): string {
  const copy = `${dbPath}.v${from}-before-v${to}.${stamp(new Date())}.bak`;
  db.prepare('VACUUM INTO ?').run(copy);
  fs.chmodSync(copy, 0o600);
  return copy;
}
