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
  // Another process may take the same backup in the same second (two staff opening the database
  // at the upgrade), or a run killed after its backup may be followed by another: a taken name is
  // never overwritten, the copy gets the next free one (-2, -3 …).
  const base = `${dbPath}.v${from}-before-v${to}.${stamp(new Date())}`;
  for (let n = 1; ; n++) {
    const copy = n === 1 ? `${base}.bak` : `${base}-${n}.bak`;
    // Up to a thousand names are tried; past that, SQLite's refusal to overwrite is reported.
    const more = n < 1000;
    if (more && fs.existsSync(copy)) continue;
    try {
      db.prepare('VACUUM INTO ?').run(copy);
    } catch (e) {
      // Taken between the check and the copy: try the next name. Any other failure (a full disk) is reported.
      if (more && /output file already exists/.test((e as Error).message)) continue;
      throw e;
    }
    fs.chmodSync(copy, 0o600);
    return copy;
  }
}
