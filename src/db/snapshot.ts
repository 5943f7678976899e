/**
 * Copies of the database taken by hand (`cadre backup`) and putting one back
 * (`cadre restore`).
 *
 * Backup: SQLite's online backup API copies a consistent snapshot while other
 * connections go on reading and writing. The copy is written into a temporary
 * beside the target, created exclusively (O_EXCL|O_NOFOLLOW) and 0600 from its
 * first byte (see src/io/atomic-file.ts), switched to rollback-journal mode
 * (one self-contained file, no -wal/-shm beside it), checked with
 * `PRAGMA integrity_check`, flushed, and only then linked to its name, which
 * fails rather than overwrite anything there. A killed backup leaves only the
 * temporary, never half a copy under the backup's name.
 *
 * Restore, and why it never corrupts the live database (issue 9, item 2):
 *
 * SQLite finds a database's -wal and -shm by the database's *name*. Replacing
 * the file under that name (rename) while another process may be opening it is
 * unsound whatever is locked: a process that opened the old file and waits for
 * its lock takes, once the lock is free, the -wal/-shm *by name* — those of
 * the new file — and writes frames of the old file into the new file's WAL
 * (or, as the last one to close, checkpoints the new WAL into the old file and
 * deletes it). Earlier versions did exactly that, in the gap between the lock
 * being released and the rename: "database disk image is malformed", or a
 * silently corrupt file with both commands reporting success.
 *
 * So the live file is never replaced: its *contents* are, in one SQLite
 * transaction, on a connection that holds the file's EXCLUSIVE lock
 * (locking_mode=EXCLUSIVE) from before the replaced contents are copied out
 * until after the new contents are committed:
 *   1. the candidate is copied into a private temporary beside the database
 *      and checked there: integrity, foreign keys, text encoding, a version
 *      this code knows, and its whole schema against that version's (see
 *      schema.ts: no trigger, no view, nothing missing or extra); it is then
 *      migrated, in the temporary, to the current version and checked again,
 *      and the restore is journaled into it;
 *   2. the live database is locked EXCLUSIVE: refused (nothing changed)
 *      while any other connection has it open, since in WAL mode each holds a
 *      SHARED lock for as long as it is open;
 *   3. under that lock its current contents are copied out, with the backup
 *      API, to `<db>.replaced-<UTC stamp>` (written like a backup above);
 *   4. still under the lock, one transaction drops every object of the live
 *      database, creates the current schema by the migrations, copies every
 *      table of the checked temporary in, checks foreign keys and row counts,
 *      and sets user_version; then the connection closes (checkpointing its
 *      WAL into the file) and the lock is released.
 * Any other process that opens the database meanwhile waits on the lock (its
 * busy timeout) and then sees the restored contents through the same file and
 * the same -wal/-shm; if the restore outlasts its wait it fails with
 * SQLITE_BUSY ("database busy … nothing was changed") and commits nothing. A
 * restore killed at any point leaves the live database as it was (the
 * transaction is rolled back by the next open) or restored (committed), plus
 * temporaries the next run removes (leftovers.ts).
 *
 * Only a live file SQLite cannot read at all (not a database, corrupt, an I/O
 * error: no lock can be taken on it, and no other cadre command can use it
 * either) is set aside by name and the checked copy renamed into its place,
 * with a warning; a missing database is linked into place, never over a file
 * that appeared meanwhile.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CadreError, InputError, msg } from '../errors.js';
import { AtomicFile, PRIVATE_MODE } from '../io/atomic-file.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations.js';
import { applyMigrations, connection, databaseError, isDiskFull, makeDirs, removeDirs, sqliteCode, type DB } from './open.js';
import { referenceSchema, schemaDifferences } from './schema.js';

export const SIDECARS = ['-wal', '-shm', '-journal'] as const;

/** How many schema differences a refusal lists. */
const LISTED_DIFFERENCES = 8;

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

function removeWithSidecars(file: string): void {
  removeQuietly(file);
  for (const s of SIDECARS) removeQuietly(file + s);
}

/** The rows of `PRAGMA integrity_check`: ['ok'] when sound. */
export function integrityCheck(db: DB): string[] {
  return (db.pragma('integrity_check') as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));
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

export interface BackupResult {
  file: string;
  pages: number;
  sha256: string;
}

export interface BackupOptions {
  /** Refuse (and remove) a copy that fails integrity_check. Default true; the copy of a damaged database being replaced is kept as it is. */
  check?: boolean;
}

/** Online backup of `db` into a new file `target` (never overwritten), 0600 from creation, checked, linked into place. */
export async function backupDatabase(db: DB, target: string, opts: BackupOptions = {}): Promise<BackupResult> {
  const file = path.resolve(target);
  // A -wal or -journal beside the name would be read as part of the copy.
  for (const s of ['', ...SIDECARS]) {
    if (exists(file + s)) throw new InputError(msg('ops.backup.exists', { file: target + s }), [], msg('ops.backup.fix.exists'));
  }
  let out: AtomicFile;
  try {
    out = new AtomicFile(file, { mode: PRIVATE_MODE });
  } catch (e) {
    if (e instanceof CadreError && e.msg.key === 'file.exists') throw new InputError(msg('ops.backup.exists', { file: target }), [], msg('ops.backup.fix.exists'));
    if (e instanceof CadreError) throw e;
    throw backupFailure(e, target);
  }
  try {
    let pages = 0;
    try {
      const r = await db.backup(out.tmp);
      pages = r.totalPages;
    } catch (e) {
      // The database itself is damaged: that is not about the backup's file (the caller decides).
      if (damagedDatabase(e, '')) throw e;
      throw backupFailure(e, target);
    }
    const copy = new Database(out.tmp, connection(0, { fileMustExist: true }));
    try {
      copy.pragma('journal_mode = DELETE');
      if (opts.check !== false) {
        const check = integrityCheck(copy);
        if (check.length !== 1 || check[0] !== 'ok') {
          throw new CadreError(1, msg('ops.backup.badCopy', { file: target, problems: check.slice(0, 5).join('; ') }));
        }
      }
    } catch (e) {
      throw e instanceof CadreError ? e : backupFailure(e, target);
    } finally {
      copy.close();
    }
    for (const s of SIDECARS) removeQuietly(out.tmp + s);
    const sha256 = await sha256File(out.tmp);
    try {
      out.commit();
    } catch (e) {
      if (e instanceof CadreError && e.msg.key === 'file.exists') throw new InputError(msg('ops.backup.exists', { file: target }), [], msg('ops.backup.fix.exists'));
      throw e instanceof CadreError ? e : backupFailure(e, target);
    }
    return { file, pages, sha256 };
  } finally {
    out.discard();
    for (const s of SIDECARS) removeQuietly(out.tmp + s);
  }
}

function backupFailure(e: unknown, target: string): CadreError {
  const folder = path.dirname(path.resolve(target));
  if (isDiskFull(e, folder)) return new InputError(msg('ops.backup.full', { file: target, folder }), [], msg('db.fix.full'));
  return new InputError(msg('ops.backup.cannotWrite', { file: target, reason: (e as Error).message }));
}

/** A private temporary beside `target`, named like AtomicFile's (so a later run can remove it), created exclusively and 0600. */
function privateTemp(target: string): string {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.cadre-tmp`);
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), PRIVATE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_MODE);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

/** Copies `src` into the (empty, private) file `dest`, flushed. */
function copyInto(src: string, dest: string): void {
  const from = fs.openSync(src, 'r');
  const to = fs.openSync(dest, fs.constants.O_WRONLY | (fs.constants.O_NOFOLLOW ?? 0));
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(from, buf, 0, buf.length, null);
      if (n === 0) break;
      for (let at = 0; at < n; ) at += fs.writeSync(to, buf, at, n - at);
    }
    fs.fsyncSync(to);
  } finally {
    fs.closeSync(from);
    fs.closeSync(to);
  }
}

export interface CheckedCopy {
  /** The checked copy, beside the live database, at the current schema version. */
  tmp: string;
  /** The version of the file as given. */
  version: number;
  /** The version it was migrated to (the current one). */
  migratedTo: number;
  sha256: string;
  /** Open on the copy until `close()`: journal into it before putting it in place. */
  db: DB;
  /** Folders made for the database (it had none): removed again if the restore does not happen. */
  createdDirs: string[];
  close(): void;
  discard(): void;
}

function notSqlite(e: unknown, source: string): unknown {
  const code = sqliteCode(e);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return new InputError(msg('ops.restore.notSqlite', { file: source }));
  return e;
}

/**
 * Copies `source` beside `dbPath`, checks it is a sound and genuine cadre
 * database of a version this code knows, and migrates the copy to the current
 * version. The live database is not touched.
 */
export async function prepareRestore(source: string, dbPath: string): Promise<CheckedCopy> {
  const src = path.resolve(source);
  let st: fs.Stats;
  try {
    st = fs.statSync(src);
  } catch {
    throw new InputError(msg('ops.restore.missing', { file: source }));
  }
  if (!st.isFile()) throw new InputError(msg('ops.restore.notFile', { file: source }));
  try {
    const live = fs.statSync(dbPath);
    if ((live.dev === st.dev && live.ino === st.ino) || fs.realpathSync(src) === fs.realpathSync(dbPath)) throw new InputError(msg('ops.restore.same', { file: source }));
  } catch (e) {
    if (e instanceof InputError) throw e;
  }
  // A copy with a non-empty WAL beside it is live or was not closed: its main file alone is not the whole database.
  try {
    if (fs.statSync(`${src}-wal`).size > 0) throw new InputError(msg('ops.restore.sourceWal', { file: source }), [], msg('ops.restore.fix.sourceWal', { file: source }));
  } catch (e) {
    if (e instanceof InputError) throw e;
  }
  const sha256 = await sha256File(src);
  const createdDirs = makeDirs(path.dirname(dbPath));
  let tmp: string | undefined;
  let db: DB | undefined;
  try {
    tmp = privateTemp(dbPath);
    try {
      copyInto(src, tmp);
    } catch (e) {
      if (isDiskFull(e, path.dirname(dbPath))) throw new InputError(msg('ops.restore.full', { file: source, folder: path.dirname(dbPath) }), [], msg('db.fix.full'));
      throw e;
    }
    try {
      db = new Database(tmp, connection(0, { fileMustExist: true }));
      db.pragma('journal_mode = DELETE');
    } catch (e) {
      const err = notSqlite(e, source);
      if (err !== e) throw err;
      throw new InputError(msg('ops.restore.unreadable', { file: source, reason: (e as Error).message }));
    }
    checkCopy(db, source);
    const version = db.pragma('user_version', { simple: true }) as number;
    try {
      applyMigrations(db, version, MIGRATIONS);
    } catch (e) {
      if (isDiskFull(e, path.dirname(dbPath))) throw new InputError(msg('ops.restore.full', { file: source, folder: path.dirname(dbPath) }), [], msg('db.fix.full'));
      throw e;
    }
    const after = schemaDifferences(db, LATEST_VERSION);
    if (after.length) throw new InputError(msg('ops.restore.notGenuine', { file: source, version: LATEST_VERSION, count: after.length }), after.slice(0, LISTED_DIFFERENCES), msg('ops.restore.fix.notGenuine'));
    const open = db;
    const file = tmp;
    return {
      tmp: file,
      version,
      migratedTo: LATEST_VERSION,
      sha256,
      db: open,
      createdDirs,
      close() {
        if (open.open) open.close();
        for (const s of SIDECARS) removeQuietly(file + s);
      },
      discard() {
        if (open.open) open.close();
        removeWithSidecars(file);
      },
    };
  } catch (e) {
    if (db?.open) db.close();
    if (tmp) removeWithSidecars(tmp);
    removeDirs(createdDirs);
    throw e;
  }
}

/** Integrity, encoding, version, schema and foreign keys of the copy as given: throws the refusal. */
function checkCopy(db: DB, source: string): void {
  let check: string[];
  try {
    check = integrityCheck(db);
  } catch (e) {
    throw notSqlite(e, source);
  }
  if (check.length !== 1 || check[0] !== 'ok') throw new InputError(msg('ops.restore.corrupt', { file: source, problems: check.slice(0, 5).join('; ') }));
  const version = db.pragma('user_version', { simple: true }) as number;
  const hasJournal = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'journal'").get();
  if (version < 1 || !hasJournal) throw new InputError(msg('ops.restore.notCadre', { file: source }));
  if (version > LATEST_VERSION) throw new InputError(msg('ops.restore.tooNew', { file: source, version, supported: LATEST_VERSION }));
  const encoding = String(db.pragma('encoding', { simple: true }));
  if (encoding !== 'UTF-8') throw new InputError(msg('ops.restore.notCadre', { file: source }));
  const differences = schemaDifferences(db, version);
  if (differences.length) {
    throw new InputError(msg('ops.restore.notGenuine', { file: source, version, count: differences.length }), differences.slice(0, LISTED_DIFFERENCES), msg('ops.restore.fix.notGenuine'));
  }
  const fk = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  if (fk.length) {
    throw new InputError(msg('ops.restore.foreignKeys', { file: source, count: fk.length, table: fk[0].table, row: fk[0].rowid ?? '', parent: fk[0].parent }), [], msg('ops.restore.fix.notGenuine'));
  }
}

export interface PutOptions {
  /** How long to wait for the live database's lock before "in use" (ms). */
  busyMs?: number;
  /** The live file is damaged: it is set aside without a lock. */
  warnUnlocked?: () => void;
  /** Tests only: called while the live database is locked, before its contents are replaced. */
  pause?: () => Promise<void>;
}

export interface PutResult {
  /** Where the replaced contents were kept (null: there was no database). */
  replaced: string | null;
  /** There was no database: the copy became it. */
  created: boolean;
}

/**
 * Puts the checked copy in place of the database at `dbPath` (see the top of
 * this file). Refuses (InputError, nothing changed) while another connection
 * has the live database open.
 */
export async function putInPlace(copy: CheckedCopy, dbPath: string, replaced: string, opts: PutOptions = {}): Promise<PutResult> {
  if (!exists(dbPath)) {
    if (linkNew(copy.tmp, dbPath)) return { replaced: null, created: true };
    // A database appeared meanwhile: it is replaced like any other.
  }
  if (exists(replaced)) throw new InputError(msg('ops.restore.replacedExists', { file: replaced }));
  let live: DB | undefined;
  try {
    try {
      live = new Database(dbPath, connection(opts.busyMs ?? 250, { fileMustExist: true }));
      live.pragma('locking_mode = EXCLUSIVE');
      live.pragma('foreign_keys = OFF');
      // Fails with SQLITE_BUSY while any other connection has the file open (WAL: each holds a SHARED lock);
      // once it succeeds, no other connection can read or write until this one closes.
      live.exec('BEGIN EXCLUSIVE');
      live.exec('COMMIT');
    } catch (e) {
      if (live?.open) live.close();
      live = undefined;
      const code = sqliteCode(e);
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        throw new InputError(msg('ops.restore.inUse', { file: dbPath }), [], msg('ops.restore.fix.inUse'));
      }
      if (damagedDatabase(e, path.dirname(dbPath))) return setAside(copy, dbPath, replaced, opts);
      throw databaseError(e, dbPath) ?? e;
    }
    try {
      await backupDatabase(live, replaced, { check: false });
    } catch (e) {
      if (e instanceof CadreError) throw e;
      if (damagedDatabase(e, path.dirname(dbPath))) {
        live.close();
        live = undefined;
        return setAside(copy, dbPath, replaced, opts);
      }
      throw e;
    }
    await opts.pause?.();
    try {
      replaceContents(live, copy.tmp);
    } catch (e) {
      if (e instanceof CadreError) throw e;
      if (damagedDatabase(e, path.dirname(dbPath))) {
        // The live file is damaged beyond what a transaction can replace: set it aside (its copy is kept already).
        live.close();
        live = undefined;
        fs.rmSync(replaced, { force: true });
        return setAside(copy, dbPath, replaced, opts);
      }
      throw databaseError(e, dbPath, false) ?? e;
    }
    live.close();
    live = undefined;
    syncDir(dbPath);
    return { replaced, created: false };
  } finally {
    if (live?.open) live.close();
  }
}

/**
 * SQLite cannot read the file: not a database, corrupt, or (with `dir`, on a
 * disk that is not full) an I/O error reading it.
 */
function damagedDatabase(e: unknown, dir: string): boolean {
  const code = sqliteCode(e);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return true;
  return dir !== '' && code.startsWith('SQLITE_IOERR') && code !== 'SQLITE_IOERR_NOMEM' && !isDiskFull(e, dir);
}

/**
 * In one transaction of `live` (which holds the EXCLUSIVE lock): every object
 * dropped, the current schema made by the migrations, every table of the
 * checked copy at `source` copied in, checked, and the version set.
 */
function replaceContents(live: DB, source: string): void {
  live.prepare("ATTACH DATABASE ? AS restore_src").run(source);
  try {
    live
      .transaction(() => {
        const objects = live.prepare("SELECT type, name FROM main.sqlite_schema WHERE type IN ('table', 'view', 'trigger')").all() as { type: string; name: string }[];
        const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
        for (const o of objects.filter((x) => x.type === 'trigger')) live.exec(`DROP TRIGGER IF EXISTS main.${q(o.name)}`);
        for (const o of objects.filter((x) => x.type === 'view')) live.exec(`DROP VIEW IF EXISTS main.${q(o.name)}`);
        for (const o of objects.filter((x) => x.type === 'table')) {
          if (o.name === 'sqlite_sequence') live.exec('DELETE FROM main.sqlite_sequence');
          else if (!o.name.startsWith('sqlite_') || /^sqlite_stat\d$/.test(o.name)) live.exec(`DROP TABLE IF EXISTS main.${q(o.name)}`);
        }
        // Unqualified names resolve to main before an attached database: the migrations build main.
        for (const m of MIGRATIONS) live.exec(m.sql);
        live.pragma(`main.user_version = ${LATEST_VERSION}`);
        const reference = referenceSchema(LATEST_VERSION);
        for (const [table, shape] of reference.tables) {
          const cols = shape.columns.filter((c) => c.hidden === 0).map((c) => q(c.name)).join(', ');
          live.exec(`INSERT INTO main.${q(table)} (${cols}) SELECT ${cols} FROM restore_src.${q(table)}`);
          const count = (name: string) => live.prepare(`SELECT COUNT(*) FROM ${name}.${q(table)}`).pluck().get() as number;
          if (count('main') !== count('restore_src')) throw new Error(`restore: rows of ${table} differ after the copy`);
        }
        const fk = live.pragma('main.foreign_key_check') as unknown[];
        if (fk.length) throw new Error('restore: foreign keys do not hold after the copy');
        // The connection holds the EXCLUSIVE lock already (locking_mode=EXCLUSIVE): IMMEDIATE takes nothing more.
      })
      .immediate();
  } finally {
    live.exec('DETACH DATABASE restore_src');
  }
}

/** Links the checked copy to the name of a missing database; false if a file appeared there meanwhile. */
function linkNew(tmp: string, dbPath: string): boolean {
  // A -wal or -journal left without its database would be played into the restored one.
  for (const s of SIDECARS) removeQuietly(dbPath + s);
  try {
    fs.linkSync(tmp, dbPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    // No hard links here: claim the name exclusively, then rename over our own empty file.
    let fd: number;
    try {
      fd = fs.openSync(dbPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), PRIVATE_MODE);
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
    fs.closeSync(fd);
    fs.renameSync(tmp, dbPath);
  }
  syncDir(dbPath);
  return true;
}

/**
 * The live file cannot be read by SQLite at all: it is kept as `replaced` (a
 * hard link, or a copy), its stale -wal/-shm/-journal removed, and the checked
 * copy renamed into its place.
 */
function setAside(copy: CheckedCopy, dbPath: string, replaced: string, opts: PutOptions): PutResult {
  opts.warnUnlocked?.();
  try {
    fs.linkSync(dbPath, replaced);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(msg('ops.restore.replacedExists', { file: replaced }));
    fs.copyFileSync(dbPath, replaced, fs.constants.COPYFILE_EXCL);
  }
  fs.chmodSync(replaced, PRIVATE_MODE);
  for (const s of SIDECARS) removeQuietly(dbPath + s);
  fs.renameSync(copy.tmp, dbPath);
  syncDir(dbPath);
  return { replaced, created: false };
}
