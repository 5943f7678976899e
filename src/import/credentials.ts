/**
 * The credentials file of an issue-accounts run (initial passwords, CSV,
 * UTF-8 with BOM, mode 0600, never over anything), and what a killed run
 * left of one.
 *
 * - The file is written to a temporary and put in place under its final
 *   name (claimed exclusively) inside the write transaction, just before
 *   COMMIT (`place`); a rollback removes it again (`rollback`). So neither
 *   accounts without their passwords nor passwords without their accounts
 *   are left, and after COMMIT nothing remains to fail.
 * - A run killed between the file in place and COMMIT would leave passwords
 *   for accounts that do not exist: a marker beside the database (written
 *   before the file, removed after COMMIT) names the file and its run, and
 *   the next issue-accounts on that database removes a file whose run is not
 *   in the journal (`sweepBefore`), and says so.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { credentialsRunChecker } from '../db/journal-read.js';
import type { DB } from '../db/open.js';
import { CadreError, InputError, UsageError, msg } from '../errors.js';
import { AtomicFile, processAlive, sweepStaleTemps, writeFileAtomic } from '../io/atomic-file.js';
import { BOM, toCsv } from '../io/csv-out.js';
import type { Translator } from '../i18n/index.js';

export interface Credential {
  learnerId: string;
  staffNo: string;
  name: string;
  department: string;
  password: string;
}

/** The credentials file's columns, headed in the language of the run: 学员编号,工号,姓名,部门,初始密码 or learner_id,…,initial_password. */
export const CREDENTIAL_COLUMNS = ['learner_id', 'staff_no', 'name', 'department', 'initial_password'] as const;

/**
 * An AtomicFile whose refusals name the target, not its temporary: one that
 * exists (a dangling symlink too) and, for credentials, with their own fix.
 */
export function openAtomic(target: string, opts: { overwrite?: boolean }, credentials = false): AtomicFile {
  if (credentials && !opts.overwrite) {
    let taken = false;
    try {
      fs.lstatSync(target);
      taken = true;
    } catch {
      /* free */
    }
    if (taken) throw new UsageError(msg('accounts.outExists', { file: target }), msg('accounts.fix.outExists'));
  }
  try {
    return new AtomicFile(target, opts);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw new InputError(msg('error.fileSystem', { file: target, code }), [], msg('error.fix.fileSystem'));
    throw e;
  }
}

/** Rows of the credentials file made into text and written at a time: few enough that they die young. */
const PLACE_ROWS = 512;

const PENDING = /^\.cadre-credentials\.(\d+)\.([0-9a-f]+)\.pending$/;

interface PendingMarker {
  run: string;
  target: string;
  tmp: string;
  sha256?: string;
}

/**
 * The credentials file of one run: never overwrites, mode 0600, UTF-8 with
 * BOM. `place()` (inside the write transaction) writes the rows and claims
 * the final name; `rollback()` removes it again; `committed()` after COMMIT
 * only drops the marker.
 */
export class CredentialsFile {
  readonly run = crypto.randomBytes(8).toString('hex');
  readonly target: string;
  private readonly file: AtomicFile;
  private readonly marker: string | null;
  private placed: { dev: number; ino: number } | null = null;

  constructor(target: string, db: DB) {
    this.file = openAtomic(target, {}, true);
    this.target = this.file.target;
    this.marker = db.memory ? null : path.join(path.dirname(path.resolve(db.name)), `.cadre-credentials.${process.pid}.${this.run}.pending`);
    try {
      this.writeMarker();
    } catch (e) {
      this.file.discard();
      throw e;
    }
  }

  private writeMarker(sha256?: string): void {
    if (!this.marker) return;
    const m: PendingMarker = { run: this.run, target: this.target, tmp: this.file.tmp, ...(sha256 ? { sha256 } : {}) };
    writeFileAtomic(this.marker, JSON.stringify(m), { overwrite: true });
  }

  /**
   * Inside the transaction, after the accounts: the rows (`count` of them,
   * the i-th as `row(i)` gives it), then the file under its final name. The
   * rows are written a few hundred at a time, so a province's 320,000 are
   * never one string in memory.
   */
  place(count: number, row: (i: number) => Credential, tr: Translator): void {
    const sha = crypto.createHash('sha256');
    const put = (text: string): void => {
      const bytes = Buffer.from(text, 'utf8');
      sha.update(bytes);
      this.file.write(bytes);
    };
    try {
      put(BOM + toCsv([CREDENTIAL_COLUMNS.map((k) => tr.t(`credentials.col.${k}`))]));
      for (let from = 0; from < count; from += PLACE_ROWS) {
        const rows: string[][] = [];
        for (let i = from; i < Math.min(count, from + PLACE_ROWS); i++) {
          const c = row(i);
          rows.push([c.learnerId, c.staffNo, c.name, c.department, c.password]);
        }
        put(toCsv(rows));
      }
      this.writeMarker(sha.digest('hex'));
      this.file.commit();
    } catch (e) {
      // The name was taken meanwhile (another run, another user in a shared folder): the transaction rolls back.
      if (e instanceof CadreError && e.msg.key === 'file.exists') throw new UsageError(msg('accounts.outExists', { file: this.target }), msg('accounts.fix.outExists'));
      // A full disk, a folder gone: named by the file the user asked for, not by its temporary.
      const code = (e as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw new InputError(msg('error.fileSystem', { file: this.target, code }), [], msg('error.fix.fileSystem'));
      throw e;
    }
    const st = fs.lstatSync(this.target);
    this.placed = { dev: st.dev, ino: st.ino };
  }

  /** After COMMIT. Never throws. */
  committed(): void {
    this.dropMarker();
  }

  /**
   * After a rollback: the temporary and the placed file are removed. Returns
   * the name of a file of ours that could not be removed (it then holds
   * passwords of no account), else null. Never throws.
   */
  rollback(): string | null {
    this.file.discard();
    let left: string | null = null;
    if (this.placed) {
      try {
        const st = fs.lstatSync(this.target);
        if (st.dev === this.placed.dev && st.ino === this.placed.ino) fs.unlinkSync(this.target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') left = this.target;
      }
      this.placed = null;
    }
    if (!left) this.dropMarker();
    return left;
  }

  private dropMarker(): void {
    if (!this.marker) return;
    try {
      fs.rmSync(this.marker, { force: true });
    } catch {
      /* a marker left behind is checked and removed by the next run */
    }
  }
}

/**
 * Markers of runs on this database that were killed: a run that is not in
 * the journal never committed, so the credentials file it may have put in
 * place holds passwords of no account; it is removed (only if it is still
 * the file that run wrote), with its temporary. Returns the files removed.
 */
export function sweepPendingCredentials(db: DB): string[] {
  if (db.memory) return [];
  const dir = path.dirname(path.resolve(db.name));
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  const inJournal = credentialsRunChecker(db);
  for (const name of names) {
    const m = PENDING.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    const file = path.join(dir, name);
    try {
      const marker = JSON.parse(fs.readFileSync(file, 'utf8')) as PendingMarker;
      if (typeof marker.run === 'string' && !inJournal(marker.run)) {
        if (typeof marker.tmp === 'string') fs.rmSync(marker.tmp, { force: true });
        if (typeof marker.target === 'string' && typeof marker.sha256 === 'string' && sameContent(marker.target, marker.sha256)) {
          fs.unlinkSync(marker.target);
          removed.push(marker.target);
        }
      }
      fs.rmSync(file, { force: true });
    } catch {
      /* unreadable or not ours to remove: left as it is */
    }
  }
  return removed;
}

function sameContent(file: string, sha256: string): boolean {
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile()) return false;
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') === sha256;
  } catch {
    return false;
  }
}

/**
 * Before a run writes: what killed runs left behind on this database and in
 * the folder of its output. Returns the credentials files removed (the
 * caller says so).
 */
export function sweepBefore(db: DB, outDir: string | null): string[] {
  const removed = sweepPendingCredentials(db);
  if (outDir) sweepStaleTemps(outDir);
  // A marker's own temporary, from a run killed while writing it.
  if (!db.memory && path.dirname(path.resolve(db.name)) !== outDir) sweepStaleTemps(path.dirname(path.resolve(db.name)));
  return removed;
}

/** credentials-YYYYMMDD-HHMMSS.csv in the working folder, by local time. */
export function defaultCredentialsPath(ctx: Pick<Context, 'cwd' | 'now'>): string {
  const stamp = localTimestamp(ctx.now()).slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return path.join(ctx.cwd, `credentials-${stamp}.csv`);
}

/** An error after COMMIT: it never says "nothing was changed", and names the file with the passwords. */
export function afterCommit(e: unknown, file: string | null, ctx: Pick<Context, 'tr'>): CadreError {
  const error = e instanceof CadreError ? ctx.tr.m(e.msg) : e instanceof Error ? e.message : String(e);
  return new CadreError(1, file ? msg('accounts.afterCommit', { file, error }) : msg('accounts.afterCommitNoFile', { error }));
}

/** A rollback that could not remove the credentials file of this run: say so, with the error that caused it. */
export function withLeftover(e: unknown, left: string | null, ctx: Pick<Context, 'tr'>): unknown {
  if (!left) return e;
  const error = e instanceof CadreError ? ctx.tr.m(e.msg) : e instanceof Error ? e.message : String(e);
  return new CadreError(e instanceof CadreError ? e.exitCode : 70, msg('accounts.rollbackLeft', { file: left, error }), e instanceof CadreError ? e.problems : [], msg('accounts.fix.rollbackLeft', { file: left }));
}
