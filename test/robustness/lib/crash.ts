/**
 * Crash rounds: `cadre import-hours` on two files of ≥100,000 rows each,
 * killed with SIGKILL at a chosen moment, then the database is checked.
 *
 * Two files per command so that a kill at a uniformly random moment of the
 * run lands, about half the time, after the first file's batch committed
 * (while the second is being read): both outcomes come from real kills of a
 * running import, and each batch on its own must be all or nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { LATEST_VERSION, MIGRATIONS } from '../../../src/db/migrations.js';
import { openDatabase } from '../../../src/db/open.js';
import { cadre, checkpoint, copyDb, hoursCsv, makeWorkspace, NO_CRASH, prng, sha256, sleep, soundness, spawnCadre, type Exit, type Workspace } from './cadre.js';

export interface CrashSetup {
  ws: Workspace;
  /** The checkpointed database before any import: every round starts from a copy. */
  base: string;
  round: string;
  files: { name: string; sha256: string; prefix: string; rows: number; courses: number }[];
  baseJournal: number;
  /** From the calibration run (not killed): ms from spawn to the first batch visible, and to exit. */
  firstCommitMs: number;
  totalMs: number;
}

export async function prepareCrash(rows = 100_000, cadres = 100): Promise<CrashSetup> {
  const ws = await makeWorkspace(cadres);
  const files = ['A', 'B'].map((prefix) => {
    const name = `week-${prefix}.csv`;
    const text = hoursCsv(ws.ids, rows, prefix);
    fs.writeFileSync(path.join(ws.dir, name), text);
    return { name, sha256: sha256(text), prefix, rows, courses: Math.ceil(rows / cadres) };
  });
  checkpoint(ws.db);
  const base = path.join(ws.dir, 'base.db');
  copyDb(ws.db, base);
  const round = path.join(ws.dir, 'round.db');
  const probe = new Database(base, { readonly: true });
  const baseJournal = (probe.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;
  probe.close();
  const setup: CrashSetup = { ws, base, round, files, baseJournal, firstCommitMs: 0, totalMs: 0 };
  // Calibrate: once watched (polling another connection for the first batch, which slows the run a
  // little), then twice unwatched for the length of a run, keeping the shorter one.
  for (let i = 0; i < 3; i++) {
    copyDb(base, round);
    const { exit, firstCommitMs } = i === 0 ? await runWatched(setup) : { exit: await spawnCadre(importArgs(setup), { cwd: ws.dir }).done, firstCommitMs: 0 };
    expect(exit.code, exit.stderr).toBe(0);
    const state = checkRound(setup);
    expect(state.committed).toEqual([true, true]);
    if (i === 0) setup.firstCommitMs = firstCommitMs;
    else setup.totalMs = setup.totalMs ? Math.min(setup.totalMs, exit.ms) : exit.ms;
  }
  return setup;
}

function importArgs(setup: CrashSetup): string[] {
  return ['--db', setup.round, 'import-hours', ...setup.files.map((f) => f.name)];
}

/** Runs the import unkilled while polling for the first batch, to learn when it commits. */
async function runWatched(setup: CrashSetup): Promise<{ exit: Exit; firstCommitMs: number }> {
  const t0 = performance.now();
  const run = spawnCadre(importArgs(setup), { cwd: setup.ws.dir });
  let firstCommitMs = 0;
  let finished = false;
  const poll = (async () => {
    while (!finished && !firstCommitMs) {
      await sleep(3);
      if (batchCount(setup.round) > 0) firstCommitMs = performance.now() - t0;
    }
  })();
  const exit = await run.done;
  finished = true;
  await poll;
  return { exit, firstCommitMs: firstCommitMs || exit.ms };
}

function batchCount(file: string): number {
  if (!fs.existsSync(`${file}-wal`)) return 0;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return (db.prepare("SELECT COUNT(*) AS n FROM batches WHERE kind = 'hours'").get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db?.close();
  }
}

export interface RoundState {
  committed: [boolean, boolean];
}

/**
 * After a round: integrity_check ok, foreign_key_check empty, and each file
 * either wholly there (its batch, every row pointing at it, its courses, its
 * journal entry) or wholly absent. Fails the test otherwise.
 */
export function checkRound(setup: CrashSetup): RoundState {
  const s = soundness(setup.round);
  expect(s.integrity, 'integrity_check').toEqual(['ok']);
  expect(s.foreignKeys, 'foreign_key_check').toEqual([]);
  const db = new Database(setup.round, { readonly: true, fileMustExist: true });
  try {
    const one = <T>(sql: string, ...params: unknown[]): T => db.prepare(sql).get(...params) as T;
    const committed = setup.files.map((f) => {
      const batches = db.prepare("SELECT id, rows_read, rows_new FROM batches WHERE kind = 'hours' AND sha256 = ?").all(f.sha256) as { id: number; rows_read: number; rows_new: number }[];
      const rowsOfFile = one<{ n: number }>('SELECT COUNT(*) AS n FROM hours WHERE course_code >= ? AND course_code < ?', f.prefix, f.prefix + '\uffff').n;
      const courses = one<{ n: number }>('SELECT COUNT(*) AS n FROM courses WHERE code >= ? AND code < ?', f.prefix, f.prefix + '\uffff').n;
      expect(batches.length, `${f.name}: batch records`).toBeLessThanOrEqual(1);
      if (batches.length === 0) {
        expect({ file: f.name, rowsOfFile, courses }, 'rolled back: nothing of the file').toEqual({ file: f.name, rowsOfFile: 0, courses: 0 });
        return false;
      }
      const b = batches[0];
      const rowsOfBatch = one<{ n: number }>('SELECT COUNT(*) AS n FROM hours WHERE batch_id = ?', b.id).n;
      const journal = one<{ n: number }>("SELECT COUNT(*) AS n FROM journal WHERE command = 'import-hours' AND json_extract(args, '$.batch') = ?", b.id).n;
      expect({ file: f.name, read: b.rows_read, new: b.rows_new, rowsOfBatch, rowsOfFile, courses, journal }, 'committed: all of the file').toEqual({
        file: f.name,
        read: f.rows,
        new: f.rows,
        rowsOfBatch: f.rows,
        rowsOfFile: f.rows,
        courses: f.courses,
        journal: 1,
      });
      return true;
    }) as [boolean, boolean];
    const total = one<{ n: number }>('SELECT COUNT(*) AS n FROM hours').n;
    const journal = one<{ n: number }>('SELECT COUNT(*) AS n FROM journal').n;
    const n = committed.filter(Boolean).length;
    expect(total).toBe(setup.files.filter((_, i) => committed[i]).reduce((a, f) => a + f.rows, 0));
    expect(journal).toBe(setup.baseJournal + n);
    // The files are imported in order: the second never commits without the first.
    if (committed[1]) expect(committed[0]).toBe(true);
    return { committed };
  } finally {
    db.close();
  }
}

export type KillPlan = { kind: 'at'; ms: number } | { kind: 'after-first-commit'; ms: number };

export interface RoundResult {
  plan: KillPlan;
  killed: boolean;
  exitMs: number;
  committed: [boolean, boolean];
}

/** One round: fresh copy, start, kill as planned, check, then prove the tool still writes to the file. */
export async function crashRound(setup: CrashSetup, plan: KillPlan, n: number): Promise<RoundResult> {
  copyDb(setup.base, setup.round);
  const run = spawnCadre(importArgs(setup), { cwd: setup.ws.dir });
  let exited = false;
  void run.done.then(() => (exited = true));
  if (plan.kind === 'at') {
    const t = setTimeout(() => run.child.kill('SIGKILL'), plan.ms);
    void run.done.then(() => clearTimeout(t));
  } else {
    // Wait until the first file's batch is visible to another connection, then kill a little later.
    while (!exited && batchCount(setup.round) === 0) await sleep(3);
    if (!exited) {
      await sleep(plan.ms);
      run.child.kill('SIGKILL');
    }
  }
  const exit = await run.done;
  const killed = exit.signal === 'SIGKILL';
  if (!killed) expect(exit.code, exit.stderr).toBe(0);
  const { committed } = checkRound(setup);
  // The tool opens the recovered file and writes to it.
  const after = await cadre(['--db', setup.round, 'record-essay', setup.ws.ids[0], '--kind', 'reflection', '--title', `after crash ${n}`, '--submitted-on', '2025-12-01', '--chars', '4000'], {
    cwd: setup.ws.dir,
  });
  expect(after.code, after.stderr).toBe(0);
  expect(after.stderr).not.toMatch(NO_CRASH);
  expect(soundness(setup.round).integrity).toEqual(['ok']);
  return { plan, killed, exitMs: exit.ms, committed };
}

export interface CrashSummary {
  rounds: number;
  killed: number;
  finishedFirst: number;
  /** Of the killed rounds: the first file's batch. */
  committed: number;
  rolledBack: number;
  /** Of the killed rounds: the second file's batch. */
  secondCommitted: number;
  secondRolledBack: number;
  killedAfterFirstCommitPlan: number;
  calibration: { firstCommitMs: number; totalMs: number };
  seed: number;
  minutes: number;
}

/**
 * `random` rounds kill at a uniformly random moment of the run, stratified
 * (round i of n draws its moment inside the i-th n-th of the calibrated run
 * time, in shuffled order) so both outcomes are always well represented;
 * `afterCommit` rounds kill 0–300 ms after the first batch became visible.
 */
export async function crashRounds(setup: CrashSetup, opts: { random: number; afterCommit: number; seed: number; log?: (s: string) => void }): Promise<CrashSummary> {
  const t0 = performance.now();
  const rnd = prng(opts.seed);
  const plans: KillPlan[] = [];
  const strata = Array.from({ length: opts.random }, (_, i) => i);
  for (let i = strata.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [strata[i], strata[j]] = [strata[j], strata[i]];
  }
  for (const s of strata) plans.push({ kind: 'at', ms: Math.max(1, Math.round((setup.totalMs * (s + rnd())) / opts.random)) });
  for (let i = 0; i < opts.afterCommit; i++) plans.splice(Math.floor(rnd() * (plans.length + 1)), 0, { kind: 'after-first-commit', ms: Math.round(rnd() * 300) });
  const summary: CrashSummary = {
    rounds: 0,
    killed: 0,
    finishedFirst: 0,
    committed: 0,
    rolledBack: 0,
    secondCommitted: 0,
    secondRolledBack: 0,
    killedAfterFirstCommitPlan: 0,
    calibration: { firstCommitMs: Math.round(setup.firstCommitMs), totalMs: Math.round(setup.totalMs) },
    seed: opts.seed,
    minutes: 0,
  };
  for (const [i, plan] of plans.entries()) {
    const r = await crashRound(setup, plan, i);
    summary.rounds++;
    if (!r.killed) {
      summary.finishedFirst++;
    } else {
      summary.killed++;
      if (plan.kind === 'after-first-commit') summary.killedAfterFirstCommitPlan++;
      if (r.committed[0]) summary.committed++;
      else summary.rolledBack++;
      if (r.committed[1]) summary.secondCommitted++;
      else summary.secondRolledBack++;
    }
    opts.log?.(`round ${i + 1}/${plans.length}: ${plan.kind} ${plan.ms} ms → ${r.killed ? 'killed' : 'finished first'}, file 1 ${r.committed[0] ? 'committed' : 'rolled back'}, file 2 ${r.committed[1] ? 'committed' : 'rolled back'}`);
  }
  summary.minutes = Math.round((performance.now() - t0) / 600) / 100;
  return summary;
}

export function describeCrash(s: CrashSummary): string {
  return (
    `crash atomicity: ${s.rounds} rounds (seed ${s.seed}), two files of ${'≥100,000'} rows per import, run ≈${s.calibration.totalMs} ms, first batch commits at ≈${s.calibration.firstCommitMs} ms\n` +
    `  killed ${s.killed} (${s.killedAfterFirstCommitPlan} aimed just after the first commit), finished before the kill ${s.finishedFirst}\n` +
    `  first file: committed ${s.committed}, rolled back ${s.rolledBack}; second file: committed ${s.secondCommitted}, rolled back ${s.secondRolledBack}\n` +
    `  every round: integrity_check ok, foreign_key_check empty, each batch all or nothing, the tool wrote to the file afterwards (${s.minutes} min)`
  );
}

// ---------------------------------------------------------------- migrations

export interface MigrationSetup {
  dir: string;
  file: string;
  schema: string;
  /** The whole schema after each migration (version → schema), for a kill between two of them. */
  schemas: Map<number, string>;
  createMs: number;
  totalMs: number;
}

function schemaOf(file: string): { version: number; schema: string } {
  // Not read-only: after a kill the WAL may need recovery, which takes a writer (as the tool's own open does).
  const db = new Database(file, { fileMustExist: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const rows = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
    return { version, schema: JSON.stringify(rows) };
  } finally {
    db.close();
  }
}

const migrateArgs = (file: string, code: string): string[] => ['--db', file, 'require', '--year', '2025', '--rank', 'division', code];
/** The first open of a new database: only issue-accounts creates one (issue 9, item 10). */
const createArgs = (file: string): string[] => ['--db', file, 'issue-accounts', 'first-roster.csv', '--out', `${file}.credentials.csv`];

function clear(file: string): void {
  for (const s of ['', '-wal', '-shm', '-journal', '.credentials.csv']) fs.rmSync(file + s, { force: true });
}

/**
 * Starts the first open of a new database and calls `onCreate` the moment the
 * file appears (inotify/FSEvents through fs.watch, so well under a millisecond
 * late); returns the exit and the ms from the file's appearance to the exit.
 */
async function watchCreate(dir: string, file: string, code: string, onCreate?: (kill: () => void) => void): Promise<{ exit: Exit; afterCreateMs: number }> {
  clear(file);
  fs.writeFileSync(path.join(dir, 'first-roster.csv'), `staff_no,name,department,rank,appointed_on\n${code},Alice,Law,division,2024-09-10\n`);
  const name = path.basename(file);
  let createdAt = 0;
  const run = spawnCadre(createArgs(file), { cwd: dir });
  const watcher = fs.watch(dir, (_event, f) => {
    if (createdAt || f !== name) return;
    createdAt = performance.now();
    onCreate?.(() => run.child.kill('SIGKILL'));
  });
  try {
    const exit = await run.done;
    return { exit, afterCreateMs: createdAt ? performance.now() - createdAt : 0 };
  } finally {
    watcher.close();
  }
}

export async function prepareMigration(dir: string): Promise<MigrationSetup> {
  const file = path.join(dir, 'fresh.db');
  const spans: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await watchCreate(dir, file, 'K0');
    expect(r.exit.code, r.exit.stderr).toBe(0);
    expect(r.afterCreateMs).toBeGreaterThan(0);
    spans.push(r.afterCreateMs);
  }
  const { version, schema } = schemaOf(file);
  expect(version).toBe(LATEST_VERSION);
  const schemas = new Map<number, string>();
  for (let v = 1; v <= LATEST_VERSION; v++) {
    const at = path.join(dir, `v${v}.db`);
    openDatabase(at, { create: true, migrations: MIGRATIONS.slice(0, v) }).close();
    schemas.set(v, schemaOf(at).schema);
    clear(at);
  }
  expect(schemas.get(LATEST_VERSION)).toBe(schema);
  return { dir, file, schema, schemas, createMs: 0, totalMs: Math.min(...spans) };
}

export type MigrationOutcome =
  | 'old (version 0, no tables)'
  | 'old (version 0, no tables; an unfinished migration in the WAL dropped)'
  | `between (version ${number}, its whole schema)`
  | `new (version ${number})`;

export interface MigrationSummary {
  rounds: number;
  outcomes: Record<string, number>;
  killed: number;
  /** The kill moments were drawn from 0 to this many ms after the file appeared. */
  windowMs: number;
  seed: number;
}

/** Busy-waits (the kill must not wait for a timer tick). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* wait */
  }
}

/**
 * Kills the first open of a new database at a stratified random moment
 * between the file's creation (it is created empty, then SQLite puts it in
 * WAL mode and the first migration creates the schema in one IMMEDIATE
 * transaction) and the end of the run. After each kill the file holds the old
 * schema (user_version 0, no tables), the whole schema of a version between
 * (each migration is its own transaction), or the whole new one, and the tool
 * then opens it, migrates if needed and writes.
 */
export async function migrationRounds(setup: MigrationSetup, opts: { rounds: number; seed: number }): Promise<MigrationSummary> {
  const rnd = prng(opts.seed);
  const windowMs = setup.totalMs;
  const summary: MigrationSummary = { rounds: 0, outcomes: {}, killed: 0, windowMs: Math.round(windowMs * 10) / 10, seed: opts.seed };
  const strata = Array.from({ length: opts.rounds }, (_, i) => i).sort(() => rnd() - 0.5);
  for (const s of strata) {
    const ms = (windowMs * (s + rnd())) / opts.rounds;
    const { exit } = await watchCreate(setup.dir, setup.file, 'K1', (kill) => {
      spin(ms);
      kill();
    });
    if (exit.signal === 'SIGKILL') summary.killed++;
    else expect(exit.code, exit.stderr).toBe(0);
    expect(fs.existsSync(setup.file)).toBe(true);
    let outcome: MigrationOutcome;
    {
      // Frames in the WAL that recovery then drops: the kill landed inside the migration's transaction.
      const walBytes = fs.existsSync(`${setup.file}-wal`) ? fs.statSync(`${setup.file}-wal`).size : 0;
      const { version, schema } = schemaOf(setup.file);
      if (version === 0) {
        expect(schema, 'version 0 must have no tables').toBe('[]');
        outcome = walBytes > 0 ? 'old (version 0, no tables; an unfinished migration in the WAL dropped)' : 'old (version 0, no tables)';
      } else if (version < LATEST_VERSION) {
        // Each migration is its own transaction: a kill between two leaves the first whole.
        expect(setup.schemas.has(version), `version ${version}`).toBe(true);
        expect(schema).toBe(setup.schemas.get(version));
        outcome = `between (version ${version}, its whole schema)`;
      } else {
        expect(version).toBe(LATEST_VERSION);
        expect(schema).toBe(setup.schema);
        outcome = `new (version ${version})`;
      }
      expect(soundness(setup.file).integrity).toEqual(['ok']);
    }
    summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
    summary.rounds++;
    // The tool opens whatever was left, finishes the schema and writes.
    const again = await cadre(migrateArgs(setup.file, 'K2'), { cwd: setup.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(NO_CRASH);
    const after = schemaOf(setup.file);
    expect(after.version).toBe(LATEST_VERSION);
    expect(after.schema).toBe(setup.schema);
  }
  return summary;
}

export function describeMigration(s: MigrationSummary): string {
  const parts = Object.entries(s.outcomes)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return `migrations under a crash: ${s.rounds} rounds (seed ${s.seed}), kills 0–${s.windowMs} ms after the new file appeared, ${s.killed} killed; left ${parts}; the tool opened and migrated every one`;
}
