/**
 * Copies of the database taken by hand (`cadre backup`) and putting one back
 * (`cadre restore`).
 *
 * Backup: SQLite's online backup API copies a consistent snapshot while other
 * connections go on reading and writing; the copy is switched to rollback
 * journal mode (one self-contained file, no -wal/-shm beside it) and checked
 * with `PRAGMA integrity_check`.
 *
 * Restore: the candidate is copied beside the database and checked there
 * (integrity, a cadre schema no newer than this code knows, a journal table);
 * the restore is journaled into it; then, holding an EXCLUSIVE lock on the live
 * database (which fails while any other connection has it open: in WAL mode
 * every open connection keeps a SHARED lock on the file), the live WAL is
 * checkpointed into the main file, that file is kept as
 * `<db>.replaced-<UTC stamp>`, the now-stale -wal/-shm/-journal are removed and
 * the checked copy is renamed into place.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CadreError, InputError, msg } from '../errors.js';
import { LATEST_VERSION } from './migrations.js';
import type { DB } from './open.js';

export const SIDECARS = ['-wal', '-shm', '-journal'] as const;

/** A file-name-safe UTC stamp, e.g. 20261125T103150Z. */
export function fileStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export async function sha256File(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    /* best effort */
  }
}

/** The rows of `PRAGMA integrity_check`: ['ok'] when sound. */
export function integrityCheck(db: DB): string[] {
  return (db.pragma('integrity_check') as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));
}

function sqliteCode(e: unknown): string {
  return (e as { code?: string }).code ?? '';
}

export interface BackupResult {
  file: string;
  pages: number;
  sha256: string;
}

/** Online backup of `db` into a new file `target` (never overwritten), mode 0600, checked. */
export async function backupDatabase(db: DB, target: string): Promise<BackupResult> {
  const file = path.resolve(target);
  if (exists(file)) throw new InputError(msg('ops.backup.exists', { file: target }), [], msg('ops.backup.fix.exists'));
  for (const s of SIDECARS) {
    if (exists(file + s)) throw new InputError(msg('ops.backup.exists', { file: target + s }), [], msg('ops.backup.fix.exists'));
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Create it first, exclusively and 0600, so it is never world-readable and never clobbers a file.
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(msg('ops.backup.exists', { file: target }), [], msg('ops.backup.fix.exists'));
    throw new InputError(msg('ops.backup.cannotWrite', { file: target, reason: (e as Error).message }));
  }
  let ok = false;
  try {
    let pages = 0;
    try {
      const r = await db.backup(file);
      pages = r.totalPages;
    } catch (e) {
      throw new InputError(msg('ops.backup.cannotWrite', { file: target, reason: (e as Error).message }));
    }
    const copy = new Database(file, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      const check = integrityCheck(copy);
      if (check.length !== 1 || check[0] !== 'ok') {
        throw new CadreError(1, msg('ops.backup.badCopy', { file: target, problems: check.slice(0, 5).join('; ') }));
      }
    } finally {
      copy.close();
    }
    for (const s of SIDECARS) removeQuietly(file + s);
    fs.chmodSync(file, 0o600);
    ok = true;
    return { file, pages, sha256: await sha256File(file) };
  } finally {
    if (!ok) {
      removeQuietly(file);
      for (const s of SIDECARS) removeQuietly(file + s);
    }
  }
}

export interface CheckedCopy {
  /** The checked copy, beside the live database, ready to be renamed into place. */
  tmp: string;
  version: number;
  sha256: string;
  /** Open on the copy until `close()`: journal into it before swapping. */
  db: DB;
  close(): void;
  discard(): void;
}

/** Copies `source` beside `dbPath` and checks it is a sound cadre database. */
export async function prepareRestore(source: string, dbPath: string): Promise<CheckedCopy> {
  const src = path.resolve(source);
  let st: fs.Stats;
  try {
    st = fs.statSync(src);
  } catch {
    throw new InputError(msg('ops.restore.missing', { file: source }));
  }
  if (!st.isFile()) throw new InputError(msg('ops.restore.notFile', { file: source }));
  if (exists(dbPath) && fs.realpathSync(src) === fs.realpathSync(dbPath)) throw new InputError(msg('ops.restore.same', { file: source }));
  // A copy with a non-empty WAL beside it is live or was not closed: its main file alone is not the whole database.
  try {
    if (fs.statSync(`${src}-wal`).size > 0) throw new InputError(msg('ops.restore.sourceWal', { file: source }), [], msg('ops.restore.fix.sourceWal', { file: source }));
  } catch (e) {
    if (e instanceof InputError) throw e;
  }
  const sha256 = await sha256File(src);
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });
  const tmp = `${dbPath}.restore-${process.pid}.tmp`;
  const cleanup = () => {
    removeQuietly(tmp);
    for (const s of SIDECARS) removeQuietly(tmp + s);
  };
  cleanup();
  fs.copyFileSync(src, tmp, fs.constants.COPYFILE_EXCL);
  fs.chmodSync(tmp, 0o600);
  let db: DB | undefined;
  try {
    try {
      db = new Database(tmp, { fileMustExist: true });
      db.pragma('journal_mode = DELETE');
    } catch (e) {
      const code = sqliteCode(e);
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new InputError(msg('ops.restore.notSqlite', { file: source }));
      throw new InputError(msg('ops.restore.unreadable', { file: source, reason: (e as Error).message }));
    }
    let check: string[];
    try {
      check = integrityCheck(db);
    } catch (e) {
      const code = sqliteCode(e);
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new InputError(msg('ops.restore.notSqlite', { file: source }));
      throw e;
    }
    if (check.length !== 1 || check[0] !== 'ok') throw new InputError(msg('ops.restore.corrupt', { file: source, problems: check.slice(0, 5).join('; ') }));
    const version = db.pragma('user_version', { simple: true }) as number;
    const hasJournal = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'").get();
    if (version < 1 || !hasJournal) throw new InputError(msg('ops.restore.notCadre', { file: source }));
    if (version > LATEST_VERSION) throw new InputError(msg('ops.restore.tooNew', { file: source, version, supported: LATEST_VERSION }));
    const open = db;
    return {
      tmp,
      version,
      sha256,
      db: open,
      close() {
        if (open.open) open.close();
        for (const s of SIDECARS) removeQuietly(tmp + s);
      },
      discard() {
        if (open.open) open.close();
        cleanup();
      },
    };
  } catch (e) {
    if (db?.open) db.close();
    cleanup();
    throw e;
  }
}

/**
 * Puts the checked copy in place of `dbPath`. Refuses (InputError) while
 * another connection has the live database open. Returns the path the
 * replaced file was kept at (null when there was no database yet).
 */
export function swapIn(copy: CheckedCopy, dbPath: string, replaced: string, opts: { busyMs?: number; warnUnlocked?: () => void } = {}): string | null {
  if (!exists(dbPath)) {
    for (const s of SIDECARS) removeQuietly(dbPath + s);
    fs.renameSync(copy.tmp, dbPath);
    syncDir(dbPath);
    return null;
  }
  if (exists(replaced)) throw new InputError(msg('ops.restore.replacedExists', { file: replaced }));
  let lock: DB | undefined;
  try {
    try {
      lock = new Database(dbPath, { fileMustExist: true, timeout: opts.busyMs ?? 250 });
      lock.pragma('locking_mode = EXCLUSIVE');
      // Fails with SQLITE_BUSY while any other connection has the file open (WAL: each holds a SHARED lock).
      lock.exec('BEGIN EXCLUSIVE');
      lock.exec('COMMIT');
      const [cp] = lock.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (cp && cp.busy) throw Object.assign(new Error('checkpoint busy'), { code: 'SQLITE_BUSY' });
    } catch (e) {
      const code = sqliteCode(e);
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        throw new InputError(msg('ops.restore.inUse', { file: dbPath }), [], msg('ops.restore.fix.inUse'));
      }
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_IOERR')) {
        // The live file is damaged (that may be why it is being restored): no lock can be taken on it.
        opts.warnUnlocked?.();
        if (lock?.open) lock.close();
        lock = undefined;
      } else {
        throw e;
      }
    }
    // The live file, checkpointed, is kept under its new name (a hard link: same bytes, no copy).
    try {
      fs.linkSync(dbPath, replaced);
    } catch {
      fs.copyFileSync(dbPath, replaced, fs.constants.COPYFILE_EXCL);
    }
    fs.chmodSync(replaced, 0o600);
    // Closing the last connection removes its -wal/-shm; whatever is left over is stale.
    if (lock?.open) lock.close();
    lock = undefined;
    for (const s of SIDECARS) removeQuietly(dbPath + s);
    fs.renameSync(copy.tmp, dbPath);
    syncDir(dbPath);
    return replaced;
  } finally {
    if (lock?.open) lock.close();
  }
}

function syncDir(file: string): void {
  try {
    const fd = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* not supported everywhere (Windows) */
  }
}
