/** Copies of the database: taken by hand (`cadre backup`) or before a migration. */
import path from 'node:path';
import { CadreError, InputError, msg } from '../errors.js';
import { AtomicFile, PRIVATE_MODE } from '../io/atomic-file.js';
import { isDiskFull, type DB } from './open.js';
import { fileStamp } from './snapshot.js';

/**
 * Before a migration changes the schema, keep a consistent copy beside the
 * database. VACUUM INTO (synchronous, one snapshot) fills a temporary that was
 * created exclusively and 0600 (it holds password hashes); the copy is then
 * linked into place under its name, never over another file. A run killed
 * meanwhile leaves only the temporary (removed by the next run), never half a
 * copy under the backup's name.
 */
export function autoBackupBeforeMigration(db: DB, dbPath: string, from: number, to: number): string {
  // Another process may take the same backup in the same second (two staff opening the database
  // at the upgrade), or a run killed after its backup may be followed by another: a taken name is
  // never overwritten, the copy gets the next free one (-2, -3 …).
  const base = `${dbPath}.v${from}-before-v${to}.${fileStamp(new Date())}`;
  for (let n = 1; ; n++) {
    const copy = n === 1 ? `${base}.bak` : `${base}-${n}.bak`;
    // Up to a thousand names are tried; past that, the refusal to overwrite is reported.
    const more = n < 1000;
    let file: AtomicFile;
    try {
      file = new AtomicFile(copy, { mode: PRIVATE_MODE });
    } catch (e) {
      if (more && e instanceof CadreError && e.msg.key === 'file.exists') continue;
      throw fullOr(e, dbPath, copy);
    }
    try {
      db.prepare('VACUUM INTO ?').run(file.tmp);
      file.commit();
      return copy;
    } catch (e) {
      file.discard();
      // Taken between the check and the link: try the next name. Any other failure (a full disk) is reported.
      if (more && e instanceof CadreError && e.msg.key === 'file.exists') continue;
      throw fullOr(e, dbPath, copy);
    }
  }
}

function fullOr(e: unknown, dbPath: string, copy: string): unknown {
  const folder = path.dirname(path.resolve(copy));
  if (isDiskFull(e, folder)) return new InputError(msg('db.fullBackup', { file: dbPath, folder, backup: copy }), [], msg('db.fix.full'));
  return e;
}
