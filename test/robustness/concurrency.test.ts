/**
 * Issue 5, item 3: concurrent staff. Four processes at once, each a member of
 * staff running commands one after another (import-hours of its own files,
 * record-essay) against one database: every command succeeds, no SQLITE_BUSY
 * reaches anyone, and the totals are exact. npm test runs 4 × 12 commands;
 * test:reliability runs 4 × 25, several times.
 *
 * The guards, so that no one removes BEGIN IMMEDIATE by accident:
 * - the same workload against a copy of the build whose write transactions
 *   are deferred (plain BEGIN) fails with "database is locked";
 * - SQLite itself, two connections: a deferred read-then-write transaction
 *   fails with SQLITE_BUSY when another writer commits in between, an
 *   IMMEDIATE one cannot be interleaved at all;
 * - every `.transaction(` in src/ is taken `.immediate()`, except those that
 *   only stage rows in a TEMP table (which locks nothing in the database).
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import Database from 'better-sqlite3';
import { beginRead, endRead } from '../../src/db/open.js';
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratch, repoRoot, tempDir } from './lib/cadre.js';
import { concurrentStaff, deferredBuild, deferredWriteTransactions, expectExactTotals, immediateInSources, type StaffResult } from './lib/concurrency.js';

afterAll(removeScratch);

describe('concurrent staff', () => {
  it('4 processes × 12 commands at once (imports of different files, essays): all succeed, totals exact', async () => {
    const r = await concurrentStaff({ workers: 4, commands: 12, rowsPerFile: 400 });
    console.log(`concurrent staff: 4 × 12 commands in ${Math.round(r.ms)} ms, ${r.failures.length} failed; ${r.expected.hoursRows} hour rows, ${r.expected.essays} essays`);
    expectExactTotals(r);
  }, 120_000);

  it('guard: the same test fails against a build whose write transactions are not BEGIN IMMEDIATE', async () => {
    const guard = deferredBuild();
    expect(guard.replaced).toBe(immediateInSources());
    expect(guard.replacedInBundle).toBe(immediateInSources());
    expect(guard.replaced).toBeGreaterThan(0);
    // Deferred transactions lose the race within a few commands; up to three attempts of 4 × 25 make a miss vanishingly rare.
    let failures: StaffResult['failures'] = [];
    let attempts = 0;
    while (!failures.length && attempts < 3) {
      attempts++;
      failures = (await concurrentStaff({ workers: 4, commands: 25, rowsPerFile: 400, bin: guard.bin, stopOnFailure: true })).failures;
    }
    console.log(`guard: the deferred build failed after ${attempts} attempt(s): ${failures[0]?.args.join(' ')} → ${failures[0]?.exit.stderr.trim()}`);
    expect(failures.length).toBeGreaterThan(0);
    // SQLite's lock refusal, in the words the program now gives it (exit 2, naming the database).
    expect(failures[0].exit.stderr).toMatch(/database is locked|SQLITE_BUSY|is held by another cadre command|by another cadre command at the same moment/);
  }, 240_000);

  it('guard: with SQLite itself, a deferred read-then-write loses to a writer in between; IMMEDIATE cannot be interleaved', () => {
    const file = path.join(tempDir('cadre-busy-'), 'x.db');
    const a = new Database(file, { timeout: 200 });
    a.pragma('journal_mode = WAL');
    a.exec('CREATE TABLE t (n INTEGER)');
    const b = new Database(file, { timeout: 200 });
    const count = (db: Database.Database) => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;

    // Deferred: A reads, B writes and commits, A's write fails (its snapshot is stale).
    a.exec('BEGIN');
    const seen = count(a);
    b.transaction(() => b.prepare('INSERT INTO t VALUES (1)').run()).immediate();
    expect(() => a.prepare('INSERT INTO t VALUES (?)').run(seen + 1)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_BUSY/) }));
    a.exec('ROLLBACK');

    // Immediate: while A holds the write lock from its first read, B cannot start a write at all.
    a.exec('BEGIN IMMEDIATE');
    const n = count(a);
    expect(() => b.exec('BEGIN IMMEDIATE')).toThrow(expect.objectContaining({ code: expect.stringMatching(/^SQLITE_BUSY/) }));
    a.prepare('INSERT INTO t VALUES (?)').run(n + 1);
    a.exec('COMMIT');
    expect(count(b)).toBe(2);
    a.close();
    b.close();
  });

  it('guard: every write transaction in src/ is taken with BEGIN IMMEDIATE', () => {
    // The scanner itself, on a few lines of made-up source.
    const sample = [
      "const a = db.transaction(() => db.prepare('INSERT INTO hours VALUES (1)').run());",
      "const b = db.transaction(() => db.prepare('INSERT INTO hours VALUES (1)').run()).immediate();",
      ...new Array(10).fill(''),
      '// rows go to the TEMP stage table',
      "const ins = db.prepare('INSERT INTO temp.stage VALUES (?)');",
      'const c = db.transaction((rows) => { for (const r of rows) ins.run(r); });',
    ].join('\n');
    expect(deferredWriteTransactions(sample)).toEqual([1]);

    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          const text = fs.readFileSync(p, 'utf8');
          const rel = path.relative(repoRoot, p);
          if (/\.deferred\(\)/.test(text)) offenders.push(`${rel}: .deferred()`);
          // The one deferred BEGIN allowed: beginRead's, which refuses any connection that can write (tested below).
          const scanned = rel === path.join('src', 'db', 'open.ts') ? text.replace(/export function beginRead\(db: DB\): void \{[^}]*\}/, '') : text;
          for (const m of scanned.matchAll(/['"`]\s*BEGIN(\s+(DEFERRED|TRANSACTION))?\s*;?\s*['"`]/gi)) offenders.push(`${rel}: ${m[0]}`);
          for (const line of deferredWriteTransactions(text)) offenders.push(`${rel}:${line}: .transaction(…) without .immediate(), and not only on a TEMP table`);
        }
      }
    };
    walk(path.join(repoRoot, 'src'));
    expect(offenders).toEqual([]);
  });

  it('a read transaction (beginRead) is refused on a connection that can write', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-read-')), 'r.db');
    const w = new Database(file);
    w.exec('CREATE TABLE t (x)');
    expect(() => beginRead(w)).toThrow(/read-only/);
    expect(w.inTransaction).toBe(false);
    w.close();
    const r = new Database(file, { readonly: true });
    beginRead(r);
    expect(r.inTransaction).toBe(true);
    endRead(r);
    expect(r.inTransaction).toBe(false);
    r.close();
  });
});
