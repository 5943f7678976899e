/**
 * Shared by test/robustness (cheap, in `npm test`) and test/reliability (long,
 * `npm run test:reliability`): a workspace with issued cadres, the real binary
 * run as a child process that can be killed or run as another user, and the
 * checks on a database file after the fact.
 *
 * The clock is fixed (CADRE_NOW) so learner IDs (WZ26xxxx) and "not after
 * today" do not depend on the day the tests run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { binPath, repoRoot, runCli, tempDir as makeTempDir } from '../../helpers/cli.js';
// @ts-expect-error a plain .mjs helper shared with the bench
import { mulberry32 } from '../../helpers/prng.mjs';

export { binPath, repoRoot, runCli };

const scratch: string[] = [];

/** A fresh folder under the OS temp dir, removed by removeScratch() (kept when CADRE_KEEP_TMP is set). */
export function tempDir(prefix = 'cadre-test-'): string {
  const dir = makeTempDir(prefix);
  scratch.push(dir);
  return dir;
}

/** Registers a folder made some other way for removal by removeScratch(). */
export function keepForRemoval(dir: string): string {
  scratch.push(dir);
  return dir;
}

/** Removes every folder this test file made (call it in afterAll). */
export function removeScratch(): void {
  if (process.env.CADRE_KEEP_TMP) return;
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export const NOW = '2026-11-25T12:00:00+08:00';
export const TODAY = '2026-11-25';

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Another copy of bin/cadre.js (the guard test runs a patched build). */
  bin?: string;
  /** Run as this uid/gid (root only: the permission cases). */
  uid?: number;
  gid?: number;
  input?: string | Buffer;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CADRE_')) env[k] = v;
  env.NO_COLOR = '1';
  env.CADRE_LANG = 'en';
  env.CADRE_NOW = NOW;
  env.CADRE_OPERATOR = 'tester';
  delete env.FORCE_COLOR;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts `cadre ARGS`; `done` resolves when it exits (killed or not). */
export function spawnCadre(args: string[], opts: SpawnOptions): { child: ChildProcess; done: Promise<Exit> } {
  const t0 = performance.now();
  const child = spawn(process.execPath, [opts.bin ?? binPath, ...args], {
    cwd: opts.cwd,
    env: childEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid ?? opts.uid } : {}),
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  child.stdin!.on('error', () => {});
  child.stdin!.end(opts.input ?? '');
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - t0 }),
    );
  });
  return { child, done };
}

export function cadre(args: string[], opts: SpawnOptions): Promise<Exit> {
  return spawnCadre(args, opts).done;
}

/** What a user must never see: a stack trace, an unmapped error, SQLite's own words. */
export const NO_CRASH = /\n\s+at .+:\d+:\d+|unexpected error|SQLITE_|database is locked|TypeError|ReferenceError|RangeError/;

export interface Workspace {
  dir: string;
  db: string;
  /** Learner IDs in roster order (staff numbers S0001…). */
  ids: string[];
  /** The initial passwords, same order. */
  passwords: string[];
  env: Record<string, string>;
}

/**
 * A folder with a database holding `count` cadres appointed on 2024-09-10
 * (every date from then to today is inside their first or second term).
 */
export async function makeWorkspace(count: number, opts: { rank?: 'division' | 'section'; credentials?: string } = {}): Promise<Workspace> {
  const dir = tempDir('cadre-rel-');
  const db = path.join(dir, 'cadre.db');
  const lines = ['staff_no,name,department,rank,appointed_on'];
  for (let i = 1; i <= count; i++) lines.push(`S${String(i).padStart(4, '0')},学员${i},学院${i % 7},${opts.rank ?? 'division'},2024-09-10`);
  fs.writeFileSync(path.join(dir, 'roster.csv'), lines.join('\n') + '\n');
  const cred = opts.credentials ?? 'credentials.csv';
  const env = { CADRE_DB: db };
  const r = await cadre(['issue-accounts', 'roster.csv', '--out', cred], { cwd: dir, env });
  if (r.code !== 0) throw new Error(`issue-accounts failed: ${r.stderr}`);
  const rows = fs
    .readFileSync(path.join(dir, cred), 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(','));
  return { dir, db, ids: rows.map((r) => r[0]), passwords: rows.map((r) => r[4]), env };
}

/** Dates a workspace's cadres can study on: 2025-09-01 … 2026-08-31 (one academic year, all in the past). */
export function studyDate(n: number): string {
  const d = new Date(Date.UTC(2025, 8, 1) + (n % 365) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** An hours file: `rows` rows over the given learner IDs, course codes `${prefix}0000…`, one new record per row. */
export function hoursCsv(ids: string[], rows: number, prefix: string, opts: { hours?: (i: number) => string } = {}): string {
  const perCourse = ids.length;
  const out: string[] = ['learner_id,course_code,completed_on,hours'];
  for (let i = 0; i < rows; i++) {
    const course = Math.floor(i / perCourse);
    out.push(`${ids[i % perCourse]},${prefix}${String(course).padStart(4, '0')},${studyDate(course)},${opts.hours ? opts.hours(i) : '1'}`);
  }
  return out.join('\n') + '\n';
}

export function sha256(data: Buffer | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Folds the WAL into the main file (and empties it), so the main file is the whole database. */
export function checkpoint(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

/** The hash of the database after a checkpoint: equal hashes, byte-for-byte equal databases. */
export function dbHash(file: string): string {
  checkpoint(file);
  return sha256(fs.readFileSync(file));
}

export interface Soundness {
  integrity: string[];
  foreignKeys: unknown[];
}

/** PRAGMA integrity_check and foreign_key_check, on a connection that also runs WAL recovery. */
export function soundness(file: string): Soundness {
  const db = new Database(file, { fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as Record<string, unknown>[]).map((r) => String(Object.values(r)[0]));
    const foreignKeys = db.pragma('foreign_key_check') as unknown[];
    return { integrity, foreignKeys };
  } finally {
    db.close();
  }
}

/** Copies a checkpointed database (no -wal/-shm) to `to`, removing any leftovers of an earlier round. */
export function copyDb(from: string, to: string): void {
  for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(to + s, { force: true });
  fs.copyFileSync(from, to);
  fs.chmodSync(to, 0o600);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A small seeded PRNG for kill moments and orderings that can be replayed. */
export const prng: (seed: number) => () => number = mulberry32;

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;
export const NOBODY = 65534;

/**
 * Whether the tool can run as another user here: as root, tests that need file
 * modes enforced run it as `nobody`, who must be able to read the repository
 * (a clone under a 0700 folder cannot be). Where not, those tests are skipped
 * with the reason printed.
 */
export function otherUserCanRun(): boolean {
  if (!isRoot()) return true;
  const r = spawnSync(process.execPath, [binPath, '--version'], { uid: NOBODY, gid: NOBODY, stdio: 'ignore', timeout: 30_000 });
  const ok = r.status === 0;
  if (!ok) console.warn(`skipped: the tests that run cadre as another user (nobody) need ${repoRoot} readable by nobody, and it is not (a folder above it is private)`);
  return ok;
}
