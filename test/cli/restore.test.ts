/**
 * Issue 9, items 2 and 3: `cadre restore` never corrupts the live database and
 * accepts only a genuine cadre database. Through the public CLI (needs dist/
 * built: `npm run build`).
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, LATEST_VERSION } from '../../src/db/migrations.js';
import { openDatabase } from '../../src/db/open.js';
import { schemaDifferences } from '../../src/db/schema.js';
import { cadre, makeWorkspace, NO_CRASH, removeScratch, sha256, soundness, spawnCadre, tempDir, type Workspace } from '../robustness/lib/cadre.js';

afterAll(removeScratch);

let ws: Workspace;
let backup: string;
const run = (args: string[], env: Record<string, string> = {}) => cadre(args, { cwd: ws.dir, env: { ...ws.env, ...env } });
async function ok(args: string[], env: Record<string, string> = {}) {
  const r = await run(args, env);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
const json = async (args: string[]): Promise<any> => JSON.parse((await ok([...args, '--format', 'json'])).stdout);
/** Every file in the workspace folder that a restore might leave (temporaries, replaced copies, sidecars). */
const extras = () => fs.readdirSync(ws.dir).filter((f) => /\.replaced-|cadre-tmp|\.restore-|cadre\.db-|\.bak$/.test(f));
const liveBytes = () => sha256(fs.readFileSync(ws.db));

beforeAll(async () => {
  ws = await makeWorkspace(3);
  fs.writeFileSync(path.join(ws.dir, 'week.csv'), `learner_id,course_code,completed_on,hours\n${ws.ids[0]},C1,2025-10-01,2\n${ws.ids[1]},C1,2025-10-02,3\n`);
  await ok(['import-hours', 'week.csv']);
  await ok(['exempt', ws.ids[2], '--requirement', 'report', '--reason', 'in the backup']);
  backup = path.join(ws.dir, 'good.db');
  await ok(['backup', backup]);
}, 60_000);

/** A copy of the good backup changed by `sql` (run with foreign keys off, as a hand edit would). */
function tampered(name: string, sql: string, version?: number): string {
  const file = path.join(ws.dir, name);
  fs.copyFileSync(backup, file);
  const db = new Database(file);
  db.pragma('foreign_keys = OFF');
  db.exec(sql);
  if (version !== undefined) db.pragma(`user_version = ${version}`);
  db.close();
  return file;
}

describe('restore accepts only a genuine cadre database', () => {
  const cases: [string, string, RegExp, number?][] = [
    ['a trigger multiplying hours', 'CREATE TRIGGER more_hours AFTER INSERT ON hours BEGIN UPDATE hours SET quarters = quarters * 10 WHERE id = new.id; END;', /trigger more_hours/],
    ['a trigger defeating the lockout', 'CREATE TRIGGER never_locked AFTER UPDATE OF locked_until ON accounts BEGIN UPDATE accounts SET locked_until = NULL WHERE cadre_id = new.cadre_id; END;', /trigger never_locked/],
    ['a trigger swallowing the journal entry', 'CREATE TRIGGER no_trace AFTER INSERT ON journal BEGIN DELETE FROM journal WHERE id = new.id; END;', /trigger no_trace/],
    ['a view', 'CREATE VIEW everyone AS SELECT * FROM cadres;', /view everyone/],
    ['an extra table', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT) STRICT;', /extra table notes/],
    ['a missing table', 'DROP TABLE exemptions;', /table exemptions is missing/],
    ['a missing column', 'ALTER TABLE cadres DROP COLUMN email;', /table cadres lacks column email/],
    ['an extra column', 'ALTER TABLE cadres ADD COLUMN note TEXT;', /table cadres has an extra column note/],
    ['an extra index', 'CREATE INDEX cadres_by_name ON cadres (name);', /extra index cadres_by_name on table cadres/],
    ['a missing index', 'DROP INDEX hours_by_cadre_day;', /index hours_by_cadre_day on table hours is missing/],
    [
      'a CHECK constraint removed',
      // quarters > 0 dropped; every other column as the migrations make it (hours_source's own CHECK kept).
      "CREATE TABLE courses2 (code TEXT PRIMARY KEY, title TEXT, quarters INTEGER NOT NULL, created_at TEXT NOT NULL, hours_source TEXT NOT NULL DEFAULT 'import' CHECK (hours_source IN ('placeholder', 'require', 'import'))) STRICT; INSERT INTO courses2 SELECT * FROM courses; DROP TABLE courses; ALTER TABLE courses2 RENAME TO courses;",
      /definition of table courses differs/,
    ],
    [`the schema of version ${LATEST_VERSION} under version 2`, '', /differs from that of a version 2 cadre database/, 2],
  ];
  it.each(cases)('refuses a copy with %s (exit 2), the live database byte for byte as it was', async (_what, sql, difference, version) => {
    const file = tampered(`bad-${Math.random().toString(36).slice(2)}.db`, sql, version);
    const before = liveBytes();
    const r = await run(['restore', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/is not a genuine cadre database/);
    expect(r.stderr).toMatch(difference);
    expect(r.stderr).not.toMatch(NO_CRASH);
    expect(liveBytes()).toBe(before);
    expect(extras()).toEqual([]);
    expect((await json(['exemptions'])).map((x: any) => x.reason)).toEqual(['in the backup']);
  }, 30_000);

  it('refuses a copy whose rows refer to records that do not exist', async () => {
    const file = tampered('orphan.db', "INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (999, 'C1', '2025-10-09', 4, 'x');");
    const before = liveBytes();
    const r = await run(['restore', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/1 row refers to records that do not exist|rows refer to records that do not exist/);
    expect(liveBytes()).toBe(before);
    expect(extras()).toEqual([]);
  }, 30_000);

  it('a refused restore in a folder without a database creates nothing there', async () => {
    const empty = tempDir('cadre-restore-empty-');
    const bad = tampered('bad-empty.db', 'CREATE VIEW v AS SELECT 1;');
    const r = await cadre(['restore', bad], { cwd: empty });
    expect(r.code, r.stderr).toBe(2);
    expect(fs.readdirSync(empty)).toEqual([]);
  }, 30_000);

  it('a genuine database of every version has no differences from its version', () => {
    const dir = tempDir('cadre-versions-');
    for (let v = 1; v <= LATEST_VERSION; v++) {
      const db = openDatabase(path.join(dir, `v${v}.db`), { create: true, migrations: MIGRATIONS.slice(0, v) });
      expect(schemaDifferences(db, v), `version ${v}`).toEqual([]);
      if (v < LATEST_VERSION) expect(schemaDifferences(db, LATEST_VERSION).length, `version ${v} against ${LATEST_VERSION}`).toBeGreaterThan(0);
      db.close();
    }
  });
});

describe('restore of an older version', () => {
  it('migrates the checked copy before it is put in place and says so after; the next command finds nothing to upgrade', async () => {
    const file = path.join(tempDir('cadre-v1-'), 'v1.db');
    const v1 = openDatabase(file, { create: true, migrations: MIGRATIONS.slice(0, 1) });
    v1.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (1, 'WZ250001', 'S9', 'Old', 'Law', 'x', 'x')").run();
    v1.prepare("INSERT INTO courses (code, quarters, created_at) VALUES ('K1', 4, 'x')").run();
    v1.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (1, 'K1', '2025-10-01', 6, 't')").run();
    v1.prepare("INSERT INTO batches (kind, file_name, sha256, imported_at, operator, rows_read, rows_new, rows_duplicate, rows_rejected) VALUES ('hours', 'a.csv', 'a', 'x', 'o', 1, 0, 1, 0)").run();
    v1.prepare("INSERT INTO record_sources (kind, record_id, batch_id, line) VALUES ('hours', 1, 1, 2)").run();
    v1.pragma('journal_mode = DELETE');
    v1.close();
    const r = await ok(['restore', file]);
    expect(r.stderr).toContain(`schema was upgraded from version 1 to ${LATEST_VERSION} before it was put in place`);
    const db = new Database(ws.db, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(schemaDifferences(db, LATEST_VERSION)).toEqual([]);
    expect(db.prepare('SELECT learner_id FROM cadres').pluck().all()).toEqual(['WZ250001']);
    expect(db.prepare('SELECT kind, record_id, batch_id, line FROM record_sources').raw().all()).toEqual([['hours', 1, 1, 2]]);
    db.close();
    // The live database is at the current version: no command upgrades it again, nor takes a backup for that.
    const next = await ok(['audit', '--format', 'json']);
    expect(next.stderr).not.toMatch(/upgraded/);
    expect(fs.readdirSync(ws.dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
    const [entry] = await json(['log', '--command', 'restore']);
    expect(entry.args).toMatchObject({ version: 1, upgradedTo: LATEST_VERSION });
    // Back to the workspace's own contents for the tests after.
    await ok(['restore', backup]);
    for (const f of fs.readdirSync(ws.dir).filter((f) => f.includes('.replaced-'))) fs.rmSync(path.join(ws.dir, f));
  }, 60_000);
});

describe('restore while another command runs', () => {
  it('a write in the moment the restore holds the database waits, then lands in the restored database: no loss, no corruption', async () => {
    // A later change the restore will undo, and the state the restore must replace.
    await ok(['exempt', ws.ids[0], '--requirement', 'report', '--reason', 'after the backup']);
    const restore = spawnCadre(['restore', backup], { cwd: ws.dir, env: { ...ws.env, CADRE_TEST_RESTORE_PAUSE_MS: '2500' } });
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      restore.child.stderr!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('[test] restore paused')) resolve();
      });
      restore.done.then((e) => reject(new Error(`restore ended before its pause: ${e.code} ${e.stderr}`)), reject);
    });
    // In the gap: a write and a read, by other processes.
    const [write, read] = await Promise.all([run(['exempt', ws.ids[1], '--requirement', 'training', '--reason', 'during the restore']), run(['exemptions', '--format', 'json'])]);
    const done = await restore.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).not.toMatch(NO_CRASH);
    for (const r of [write, read]) expect(r.stderr).not.toMatch(NO_CRASH);
    expect(soundness(ws.db)).toEqual({ integrity: ['ok'], foreignKeys: [] });
    const reasons = (await json(['exemptions'])).map((x: any) => x.reason).sort();
    // The restore's contents are there ("after the backup" is undone) …
    expect(reasons).not.toContain('after the backup');
    expect(reasons).toContain('in the backup');
    // … and the concurrent write either failed saying so, or it is in the database: never "success" and lost.
    if (write.code === 0) expect(reasons).toContain('during the restore');
    else {
      expect(write.code).toBe(2);
      expect(reasons).not.toContain('during the restore');
    }
    // The read saw one whole state: before the restore or after it.
    expect(read.code, read.stderr).toBe(0);
    const seen = JSON.parse(read.stdout).map((x: any) => x.reason).sort();
    expect([['after the backup', 'in the backup'], ['in the backup'], ['during the restore', 'in the backup']]).toContainEqual(seen);
    // The journal: the restore, then the write that waited for it.
    const log = (await json(['log'])).map((e: any) => e.command);
    expect(log.slice(-2)).toEqual(write.code === 0 ? ['restore', 'exempt'] : [log[log.length - 2], 'restore']);
    // The replaced contents are kept whole, and the restore left no temporary behind.
    const replaced = fs.readdirSync(ws.dir).filter((f) => f.includes('.replaced-'));
    expect(replaced).toHaveLength(1);
    const old = new Database(path.join(ws.dir, replaced[0]), { readonly: true });
    expect(old.prepare('SELECT reason FROM exemptions ORDER BY reason').pluck().all()).toEqual(['after the backup', 'in the backup']);
    old.close();
    expect(fs.statSync(path.join(ws.dir, replaced[0])).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(ws.dir).filter((f) => /cadre-tmp|\.restore-/.test(f))).toEqual([]);
    fs.rmSync(path.join(ws.dir, replaced[0]));
  }, 60_000);

  it('a restore killed while it holds the database leaves it as it was; the next run removes what the restore left and says so', async () => {
    const before = (await json(['exemptions'])).map((x: any) => x.reason).sort();
    const restore = spawnCadre(['restore', backup], { cwd: ws.dir, env: { ...ws.env, CADRE_TEST_RESTORE_PAUSE_MS: '10000' } });
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      restore.child.stderr!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('[test] restore paused')) resolve();
      });
      restore.done.then((e) => reject(new Error(`restore ended before its pause: ${e.code} ${e.stderr}`)), reject);
    });
    restore.child.kill('SIGKILL');
    const exit = await restore.done;
    expect(exit.signal).toBe('SIGKILL');
    const left = fs.readdirSync(ws.dir).filter((f) => f.includes(`.${restore.child.pid}.`));
    expect(left.length).toBeGreaterThan(0);
    expect(soundness(ws.db)).toEqual({ integrity: ['ok'], foreignKeys: [] });
    const next = await ok(['exempt', ws.ids[0], '--requirement', 'training', '--reason', 'after the kill']);
    for (const f of left) expect(next.stderr).toContain(`removed ${path.join(ws.dir, f)}, left behind by an interrupted run (process ${restore.child.pid})`);
    expect(fs.readdirSync(ws.dir).filter((f) => f.includes(`.${restore.child.pid}.`))).toEqual([]);
    expect((await json(['exemptions'])).map((x: any) => x.reason).sort()).toEqual([...before, 'after the kill'].sort());
    // The copy of the contents it was about to replace is whole (the same contents as the database kept).
    for (const f of fs.readdirSync(ws.dir).filter((f) => f.includes('.replaced-'))) {
      expect(soundness(path.join(ws.dir, f)).integrity).toEqual(['ok']);
      fs.rmSync(path.join(ws.dir, f));
    }
  }, 60_000);

  it('a restore into a folder without a database creates it and says so', async () => {
    const dir = tempDir('cadre-restore-new-');
    const r = await cadre(['restore', backup], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const db = path.join(dir, 'data', 'cadre.db');
    expect(r.stderr).toContain(`created new database ${db}`);
    expect(fs.statSync(db).mode & 0o777).toBe(0o600);
    expect(soundness(db).integrity).toEqual(['ok']);
    expect(fs.readdirSync(path.join(dir, 'data'))).toEqual(['cadre.db']);
  }, 30_000);
});
