/**
 * Opening the one SQLite file: WAL, synchronous=FULL, foreign keys, a busy
 * timeout, mode 0600, and forward-only migrations recorded in user_version.
 *
 * Who may create it (issue 9, item 10): only a caller that asks (`create`,
 * which the program passes for `issue-accounts` alone; `restore` puts a
 * checked copy in place itself). Everyone else gets "database missing" and
 * nothing is made: no folder, no file, no -wal/-shm.
 *
 * Read commands and dry runs (`readOnly`) never create the file, never build
 * a schema into an empty one, and leave its journal mode as it is (a backup
 * opened with --db stays one self-contained file). Where the file and its
 * folder can be written they read through an ordinary connection, which, as
 * the last to close, folds the WAL into the file and removes the -wal/-shm (a
 * read-only connection cannot, and would leave them behind after every
 * read); a database of an older version is upgraded first, with its backup,
 * as any command would. Where they cannot be written (a read-only share or
 * mount, a folder without write permission), the file is opened read-only;
 * if SQLite cannot make the -shm a WAL reader needs there, it is opened
 * `immutable` (no locks, no -shm), which is sound only while no one writes
 * it, so only when nothing lies beside it (no -wal/-shm/-journal: no
 * connection has it open and nothing waits in a WAL); otherwise, and for a
 * database that would need upgrading, the command is refused and says why.
 */
import { guardWrites, isClosedYearRefusal } from './closes.js';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { CadreError, InputError, msg } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { removeLeftovers, type Leftover } from './leftovers.js';

export type DB = Database.Database;

// A read-only place needs `file:…?immutable=1`: SQLite reads URIs only when asked before its first connection.
process.env.SQLITE_USE_URI = '1';

/**
 * better-sqlite3's compiled binding, named directly: found through the
 * `bindings` package it costs a search of a dozen paths on every start, and
 * from the bundle (bin/bundle.mjs, which carries the package's JavaScript)
 * that search would start from the bundle's folder. Where the file is
 * elsewhere (another build layout), the package's own search finds it,
 * started from the package's folder.
 */
const NATIVE_BINDING: string | object | undefined = (() => {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    try {
      const pkg = path.dirname(require.resolve('better-sqlite3/package.json'));
      return createRequire(path.join(pkg, 'package.json'))('bindings')({ bindings: 'better_sqlite3.node', module_root: pkg }) as object;
    } catch {
      return undefined;
    }
  }
})();

/** How long a connection waits for another's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 15_000;

/** better-sqlite3's options: the wait for locks, and the binding by its path. */
export function connection(timeout: number, more: Database.Options = {}): Database.Options {
  return { ...more, timeout, ...(NATIVE_BINDING ? { nativeBinding: NATIVE_BINDING as string } : {}) };
}

export interface OpenOptions {
  /** Create the file when missing (issue-accounts only); everyone else is refused a missing file. */
  create: boolean;
  /** A read command: open read-only, never create, never write (see the top of this file). */
  readOnly?: boolean;
  /** A missing database reads as an empty one of the latest schema, in memory (a dry run before the first roster). */
  missingAsEmpty?: boolean;
  /** Called before migrating an existing database (the program takes its backup here). */
  beforeMigrate?: (db: DB, from: number, to: number) => void;
  /** Called once every migration has been committed. */
  afterMigrate?: (from: number, to: number) => void;
  /** Told about files of interrupted runs removed from the database's folder. */
  onLeftovers?: (removed: Leftover[]) => void;
  busyTimeoutMs?: number;
  /** The migrations to apply (tests pass their own list; the program uses MIGRATIONS). */
  migrations?: Migration[];
}

export interface Opened {
  db: DB;
  /** This open created the file. */
  created: boolean;
  /** The folders this open created for it, outermost first. */
  createdDirs: string[];
  /** A read-only connection (`readOnly`, and the database did not need upgrading). */
  readOnly: boolean;
  /** Opened immutable: a read-only place with nothing beside the file. */
  immutable: boolean;
}

export function openDatabase(file: string, opts: OpenOptions): DB {
  return open(file, opts).db;
}

const isCode = (e: unknown, ...codes: string[]) => {
  const code = sqliteCode(e);
  return codes.some((c) => code === c || code.startsWith(`${c}_`));
};

export function sqliteCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function statOrNull(abs: string, file: string): fs.Stats | null {
  try {
    const st = fs.statSync(abs);
    if (st.isDirectory()) throw new InputError(msg('db.isDirectory', { file }), [], msg('db.fix.path'));
    return st;
  } catch (e) {
    if (e instanceof InputError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw new InputError(msg('db.unreadable', { file, reason: (e as Error).message }), [], msg('db.fix.path'));
  }
}

/** Creates the folders missing on the way to `dir` (0700), returning those it made, outermost first. */
export function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  const made: string[] = [];
  for (const d of missing) {
    try {
      fs.mkdirSync(d, { mode: 0o700 });
      fs.chmodSync(d, 0o700);
      made.push(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return made;
}

/** Removes folders `makeDirs` made, innermost first, each only if empty. */
export function removeDirs(made: string[]): void {
  for (const d of [...made].reverse()) {
    try {
      fs.rmdirSync(d);
    } catch {
      return;
    }
  }
}

function writable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function nonEmpty(p: string): boolean {
  try {
    return fs.statSync(p).size > 0;
  } catch {
    return false;
  }
}

export function open(file: string, opts: OpenOptions): Opened {
  const abs = path.resolve(file);
  const st = statOrNull(abs, file);
  if (!st) {
    if (opts.missingAsEmpty) return emptyInMemory(opts);
    if (!opts.create) throw new InputError(msg('db.missing', { file }), [], msg('db.fix.missing'));
    return createAndOpen(abs, file, opts);
  }
  if (opts.readOnly) return openForReading(abs, file, opts);
  return { db: openForWriting(abs, file, opts), created: false, createdDirs: [], readOnly: false, immutable: false };
}

function emptyInMemory(opts: OpenOptions): Opened {
  const db = new Database(':memory:', connection(0));
  db.pragma('foreign_keys = ON');
  applyMigrations(db, 0, opts.migrations ?? MIGRATIONS);
  return { db, created: false, createdDirs: [], readOnly: true, immutable: false };
}

function createAndOpen(abs: string, file: string, opts: OpenOptions): Opened {
  let createdDirs: string[];
  try {
    createdDirs = makeDirs(path.dirname(abs));
  } catch (e) {
    throw new InputError(msg('db.cannotCreate', { file, reason: (e as Error).message }), [], msg('db.fix.path'));
  }
  let created = false;
  try {
    // Created empty: SQLite itself then sets aside a -wal or -journal left without its database (a
    // file of no pages has neither), so none is removed by name here, where another process
    // creating the same database at the same moment may have just made its own.
    // Created here, exclusively and 0600 from the first byte (SQLite gives the WAL the same mode).
    const fd = fs.openSync(abs, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      fs.fchmodSync(fd, 0o600);
    } finally {
      fs.closeSync(fd);
    }
    created = true;
  } catch (e) {
    // Another process made it first: open theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      removeDirs(createdDirs);
      throw new InputError(msg('db.cannotCreate', { file, reason: (e as Error).message }), [], msg('db.fix.path'));
    }
  }
  try {
    return { db: openForWriting(abs, file, opts), created, createdDirs: created ? createdDirs : [], readOnly: false, immutable: false };
  } catch (e) {
    if (created && discardCreated(abs)) removeDirs(createdDirs);
    throw e;
  }
}

function openForWriting(abs: string, file: string, opts: OpenOptions, reading = false): DB {
  let db: DB;
  try {
    db = new Database(abs, connection(opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS, { fileMustExist: true }));
  } catch (e) {
    throw databaseError(e, file, false) ?? new InputError(msg('db.cannotOpen', { file, reason: (e as Error).message }), [], msg('db.fix.path'));
  }
  try {
    if (reading) {
      // A read leaves the journal mode as it is, and never builds a schema into an empty file.
      if ((db.pragma('user_version', { simple: true }) as number) === 0) throw new InputError(msg('db.empty', { file }), [], msg('db.fix.missing'));
    } else {
      db.pragma('journal_mode = WAL');
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = FILE');
    migrate(db, file, opts);
    // A write connection keeps closed years as they were (src/db/closes.ts); a read needs no guard.
    if (!reading) guardClosedYears(db);
  } catch (e) {
    db.close();
    throw databaseError(e, file, false) ?? e;
  }
  if (opts.onLeftovers) {
    const removed = removeLeftovers(path.dirname(abs));
    if (removed.length) opts.onLeftovers(removed);
  }
  return db;
}

function openForReading(abs: string, file: string, opts: OpenOptions): Opened {
  // Where the file can be written, an ordinary connection that only reads: as the last to close it
  // folds the WAL into the file and removes the -wal/-shm, which a read-only connection cannot
  // (it would leave them behind after every read). (query_only would refuse the TEMP tables the
  // audit and the dry runs read through.)
  if (writable(abs) && writable(path.dirname(abs))) {
    try {
      return { db: openForWriting(abs, file, opts, true), created: false, createdDirs: [], readOnly: true, immutable: false };
    } catch (e) {
      if (!(e instanceof InputError && e.msg.key === 'db.readOnly')) throw e;
      // Writable by its mode, yet refused (a read-only mount seen late): read it as read-only.
    }
  }
  const migrations = opts.migrations ?? MIGRATIONS;
  const latest = migrations[migrations.length - 1].version;
  let db: DB | undefined;
  let immutable = false;
  let version: number;
  try {
    try {
      db = new Database(abs, connection(opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS, { readonly: true, fileMustExist: true }));
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (e) {
      if (db?.open) db.close();
      db = undefined;
      if (!isCode(e, 'SQLITE_CANTOPEN', 'SQLITE_READONLY')) throw e;
      // No -shm can be made here. Immutable is sound only with nothing beside the file.
      if (nonEmpty(`${abs}-wal`) || fs.existsSync(`${abs}-shm`) || fs.existsSync(`${abs}-journal`)) {
        throw new InputError(msg('db.readOnlyBusy', { file }), [], msg('db.fix.readOnlyBusy'));
      }
      const uri = `${pathToFileURL(abs).href}?immutable=1`;
      db = new Database(uri, connection(0, { readonly: true, fileMustExist: true }));
      immutable = true;
      version = db.pragma('user_version', { simple: true }) as number;
    }
    if (version > latest) throw new InputError(msg('db.tooNew', { file, version, supported: latest }), [], msg('db.fix.tooNew'));
    if (version === 0) throw new InputError(msg('db.empty', { file }), [], msg('db.fix.missing'));
    if (version < latest) throw new InputError(msg('db.needsUpgrade', { file, version, latest }), [], msg('db.fix.needsUpgrade'));
    db.pragma('foreign_keys = ON');
    return { db, created: false, createdDirs: [], readOnly: true, immutable };
  } catch (e) {
    if (db?.open) db.close();
    throw databaseError(e, file, false) ?? e;
  }
}

/**
 * A read-only connection to a database another connection of this process
 * has opened (and migrated): for a worker thread that only reads. `file` is
 * that connection's name (a path, or the `file:` URI of an immutable open).
 */
/** The closed-year guard of a write connection (src/db/closes.ts): nothing while no year is closed. */
function guardClosedYears(db: DB): void {
  guardWrites(db);
}

/**
 * Begins a read transaction: one snapshot for reads spread over several calls (an office-wide
 * audit's chunks, read as they are asked for). Only on a read-only connection, which cannot
 * write: every write transaction is BEGIN IMMEDIATE, and a deferred one that wrote would risk
 * SQLITE_BUSY on its upgrade. Ended by COMMIT (endRead).
 */
export function beginRead(db: DB): void {
  if (!db.readonly) throw new Error('beginRead: a read transaction is only for a read-only connection');
  db.exec('BEGIN');
}

/** Ends the read transaction beginRead began, if it is still open. */
export function endRead(db: DB): void {
  if (db.open && db.inTransaction) db.exec('COMMIT');
}

export function openReader(file: string): DB {
  return new Database(file, connection(BUSY_TIMEOUT_MS, { readonly: true, fileMustExist: true }));
}

/**
 * Applies the migrations after `from`, each in its own IMMEDIATE transaction
 * with its version bump. Returns the version reached.
 */
export function applyMigrations(db: DB, from: number, migrations: Migration[] = MIGRATIONS): number {
  let now = from;
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      // Another process may have migrated while we waited for the lock.
      const v = db.pragma('user_version', { simple: true }) as number;
      if (v >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    now = m.version;
  }
  return now;
}

function migrate(db: DB, file: string, opts: OpenOptions): void {
  const migrations = opts.migrations ?? MIGRATIONS;
  const latest = migrations[migrations.length - 1].version;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new InputError(msg('db.tooNew', { file, version: current, supported: latest }), [], msg('db.fix.tooNew'));
  }
  if (current === latest) return;
  if (current > 0) opts.beforeMigrate?.(db, current, latest);
  try {
    applyMigrations(db, current, migrations);
  } catch (e) {
    if (e instanceof CadreError) throw e;
    // Each migration is one transaction: the file stays whole at `now`, which is past `current`
    // when the upgrade spans several versions and stopped between two (those before are committed).
    const now = db.pragma('user_version', { simple: true }) as number;
    const partly = now !== current;
    if (isDiskFull(e, path.dirname(path.resolve(file)))) {
      const params = { file, folder: path.dirname(path.resolve(file)), from: current, to: latest, version: now };
      throw new InputError(msg(partly ? 'db.fullMigratingPartly' : 'db.fullMigrating', params), [], msg('db.fix.full'));
    }
    if (sqliteCode(e) === 'SQLITE_ERROR' || isCode(e, 'SQLITE_CONSTRAINT')) {
      // The file's schema is not the one its version says (changed by hand).
      const params = { file, from: current, to: latest, version: now, reason: (e as Error).message };
      throw new InputError(msg(partly ? 'db.migrationFailedPartly' : 'db.migrationFailed', params), [], msg('db.fix.migrationFailed'));
    }
    throw e;
  }
  if (current > 0) opts.afterMigrate?.(current, latest);
}

/** A free-space reading of the disk holding `dir`: too little left for a page or two. */
export function diskNearlyFull(dir: string): boolean {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

/** SQLITE_FULL, or an I/O error on a disk that has no room left (a write that failed for want of space). */
export function isDiskFull(e: unknown, dir: string): boolean {
  if (isCode(e, 'SQLITE_FULL')) return true;
  if ((e as NodeJS.ErrnoException)?.code === 'ENOSPC') return true;
  return isCode(e, 'SQLITE_IOERR') && diskNearlyFull(dir);
}

/** The highest journal entry: a command that fails may say "nothing was changed" only if it is the same as at the start. */
export function journalHead(db: DB): number | undefined {
  try {
    return (db.prepare('SELECT COALESCE(MAX(id), 0) FROM main.journal').pluck().get() as number) ?? 0;
  } catch {
    return undefined;
  }
}

/**
 * What SQLite's refusal means for the user, as an error naming the database
 * (exit 2): undefined for errors that are not about the database file.
 * `changed` says whether this command committed anything before (false:
 * "nothing was changed" is true; undefined: unknown).
 */
export function databaseError(e: unknown, file: string, changed?: boolean): CadreError | undefined {
  if (e instanceof CadreError) return e;
  // The closed-year guard refused a change (src/db/closes.ts): the transaction was rolled back.
  if (isClosedYearRefusal(e)) return new InputError(msg('close.refused'), [], msg('close.fix.refused'));
  const abs = path.resolve(file);
  const folder = path.dirname(abs);
  if (isCode(e, 'SQLITE_NOTADB', 'SQLITE_CORRUPT')) return new InputError(msg('db.notSqlite', { file }), [], msg('db.fix.notSqlite'));
  if (sqliteCode(e) === 'SQLITE_READONLY_DBMOVED') return new InputError(msg('db.moved', { file }), [], msg('db.fix.moved'));
  if (isCode(e, 'SQLITE_FULL') || (isCode(e, 'SQLITE_IOERR') && diskNearlyFull(folder))) {
    return new InputError(msg(changed === false ? 'db.full' : 'db.fullPartly', { file, folder }), [], msg('db.fix.full'));
  }
  // Another's lock outlasted the wait (or, for a read turning into a write, could not be waited for); or refused at once (a stale snapshot, a recovery under way).
  if (sqliteCode(e) === 'SQLITE_BUSY' || sqliteCode(e) === 'SQLITE_BUSY_TIMEOUT') return new InputError(msg('db.busy', { file }), [], msg('db.fix.busy'));
  if (isCode(e, 'SQLITE_BUSY', 'SQLITE_LOCKED')) return new InputError(msg('db.busyNow', { file }), [], msg('db.fix.moved'));
  if (isCode(e, 'SQLITE_READONLY', 'SQLITE_CANTOPEN')) return new InputError(msg('db.readOnly', { file }), [], msg('db.fix.readOnly'));
  return undefined;
}

/**
 * Removes a database this run created (issue-accounts that then failed), if
 * no other connection has it open and nothing was recorded in it. True if it
 * is gone.
 */
export function discardCreated(file: string): boolean {
  let db: DB | undefined;
  try {
    db = new Database(file, connection(0, { fileMustExist: true }));
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    // No journal table yet (its first migration failed): nothing was recorded either.
    const hasJournal = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'journal'").get();
    const entries = hasJournal ? journalHead(db) : 0;
    db.exec('COMMIT');
    if (entries !== 0) return false;
    // Rollback-journal mode before the name goes: a process that opened the file meanwhile and
    // waits for its lock then finds no WAL of it, and SQLite refuses its writes to a file that
    // is no longer at its name (SQLITE_READONLY_DBMOVED), so nothing is committed into it.
    db.pragma('journal_mode = DELETE');
    fs.rmSync(file);
    for (const s of ['-wal', '-shm', '-journal']) fs.rmSync(file + s, { force: true });
    return true;
  } catch {
    return false;
  } finally {
    if (db?.open) db.close();
  }
}
