/**
 * Opening the one SQLite file: WAL, synchronous=FULL, foreign keys, a busy
 * timeout, mode 0600, and forward-only migrations recorded in user_version.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { InputError, msg } from '../errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';

export type DB = Database.Database;

/**
 * better-sqlite3's compiled binding, named directly: found through the
 * `bindings` package it costs a search of a dozen paths on every start.
 * Where the file is elsewhere (another build layout), the search decides.
 */
const NATIVE_BINDING: string | undefined = (() => {
  try {
    return createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node');
  } catch {
    return undefined;
  }
})();

/** How long a connection waits for another's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 15_000;

/** better-sqlite3's options: the wait for locks, and the binding by its path. */
function connection(timeout: number, more: Database.Options = {}): Database.Options {
  return { ...more, timeout, ...(NATIVE_BINDING ? { nativeBinding: NATIVE_BINDING } : {}) };
}

export interface OpenOptions {
  /** Create the file when missing (write commands); read commands refuse a missing file. */
  create: boolean;
  /** Called with the path of a backup taken before migrating an existing database. */
  beforeMigrate?: (db: DB, from: number, to: number) => void;
  busyTimeoutMs?: number;
  /** The migrations to apply (tests pass their own list; the program uses MIGRATIONS). */
  migrations?: Migration[];
}

export function openDatabase(file: string, opts: OpenOptions): DB {
  const abs = path.resolve(file);
  let exists = false;
  try {
    const st = fs.statSync(abs);
    if (st.isDirectory()) throw new InputError(msg('db.isDirectory', { file }), [], msg('db.fix.path'));
    exists = true;
  } catch (e) {
    if (e instanceof InputError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new InputError(msg('db.unreadable', { file, reason: (e as Error).message }), [], msg('db.fix.path'));
    }
  }
  if (!exists) {
    if (!opts.create) throw new InputError(msg('db.missing', { file }), [], msg('db.fix.missing'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    // Create it ourselves so the mode is 0600 from the first byte; SQLite gives the WAL the same mode.
    fs.closeSync(fs.openSync(abs, 'a', 0o600));
  }
  let db: DB;
  try {
    db = new Database(abs, connection(opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS));
  } catch (e) {
    throw new InputError(msg('db.cannotOpen', { file, reason: (e as Error).message }), [], msg('db.fix.path'));
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('temp_store = FILE');
    migrate(db, file, opts);
  } catch (e) {
    db.close();
    if (e instanceof InputError) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new InputError(msg('db.notSqlite', { file }), [], msg('db.fix.notSqlite'));
    }
    if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN') {
      throw new InputError(msg('db.readOnly', { file }), [], msg('db.fix.readOnly'));
    }
    throw e;
  }
  return db;
}

/**
 * A read-only connection to a database another connection of this process
 * has opened (and migrated): for a worker thread that only reads.
 */
export function openReader(file: string): DB {
  return new Database(file, connection(BUSY_TIMEOUT_MS, { readonly: true, fileMustExist: true }));
}

function migrate(db: DB, file: string, opts: OpenOptions): void {
  const migrations = opts.migrations ?? MIGRATIONS;
  const LATEST_VERSION = migrations[migrations.length - 1].version;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new InputError(msg('db.tooNew', { file, version: current, supported: LATEST_VERSION }), [], msg('db.fix.tooNew'));
  }
  if (current === LATEST_VERSION) return;
  if (current > 0) opts.beforeMigrate?.(db, current, LATEST_VERSION);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      // Another process may have migrated while we waited for the lock.
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}
