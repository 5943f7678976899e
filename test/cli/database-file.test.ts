/**
 * Issue 9, items 5 (part), 9 (part) and 10: the database file and the copies
 * of it. Only issue-accounts (and restore) create a database; read commands,
 * dry runs, refused commands and commands in the wrong folder create nothing;
 * read commands work in a read-only folder; files of killed runs are removed
 * by the next run, which says so; backups are 0600 from their first byte
 * under any umask and never half-written under their name; a full disk is
 * exit 2 naming the disk. Through the public CLI (needs dist/ built).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS } from '../../src/db/migrations.js';
import { openDatabase } from '../../src/db/open.js';
import { binPath, cadre, checkpoint, isRoot, makeWorkspace, NO_CRASH, NOBODY, otherUserCanRun, removeScratch, soundness, spawnCadre, tempDir, type Workspace } from '../robustness/lib/cadre.js';

afterAll(removeScratch);

const ROSTER = 'staff_no,name,department,rank,appointed_on\nS1,Alice,Law,division,2024-09-10\n';

/** A pid no process has: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

/** Every file and folder under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = path.relative(dir, path.join(d, e.name));
      out.push(rel);
      if (e.isDirectory()) walk(path.join(d, e.name));
    }
  };
  walk(dir);
  return out.sort();
}

/** A version-2 database (the schema before the current one) with `rows` hour records. */
function versionTwo(file: string, rows: number): void {
  const db = openDatabase(file, { create: true, migrations: MIGRATIONS.slice(0, 2) });
  db.prepare("INSERT INTO cadres (id, learner_id, staff_no, name, department, created_at, updated_at) VALUES (1, 'WZ250001', 'S1', 'n', 'd', 'x', 'x')").run();
  const course = db.prepare("INSERT INTO courses (code, quarters, created_at) VALUES (?, 4, 'x')");
  const hour = db.prepare("INSERT INTO hours (cadre_id, course_code, completed_on, quarters, entered_by) VALUES (1, ?, '2025-10-01', 4, 't')");
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      course.run(`K${i}`);
      hour.run(`K${i}`);
    }
  })();
  db.close();
  checkpoint(file);
}

describe('only issue-accounts and restore create a database', () => {
  it('read commands, dry runs, refused commands and every other command in a folder without a database: exit 2, and the folder stays as it was', async () => {
    const dir = tempDir('cadre-nodb-');
    fs.writeFileSync(path.join(dir, 'week.csv'), 'learner_id,course_code,completed_on,hours\nWZ260001,C1,2025-10-01,2\n');
    fs.writeFileSync(path.join(dir, 'roster.csv'), ROSTER);
    fs.writeFileSync(path.join(dir, 'bad-roster.csv'), 'staff_no,name\nS1,Alice\n');
    fs.writeFileSync(path.join(dir, 'taken.csv'), 'already here\n');
    const before = tree(dir);
    const refused: string[][] = [
      ['audit'],
      ['audit', 'WZ260001'],
      ['courses'],
      ['accounts'],
      ['imports'],
      ['log'],
      ['exemptions'],
      ['import-hours', '--dry-run', 'week.csv'],
      ['import-hours', 'week.csv'],
      ['import-training', 'week.csv'],
      ['record-training', 'WZ260001', '--topic', 'T', '--date', '2025-10-01'],
      ['record-essay', 'WZ260001', '--kind', 'report', '--title', 't', '--submitted-on', '2025-10-01', '--chars', '5000'],
      ['require', '--year', '2025', 'K1'],
      ['exempt', 'WZ260001', '--requirement', 'report', '--reason', 'x'],
      ['undo-import', '1'],
      ['backup', 'copy.db'],
      ['issue-accounts', '--reset', 'WZ260001'],
    ];
    for (const args of refused) {
      const r = await cadre(args, { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/database .*cadre\.db does not exist/);
      expect(tree(dir), args.join(' ')).toEqual(before);
    }
    // A dry run of the first roster plans against an empty database and writes none.
    const dry = await cadre(['issue-accounts', 'roster.csv', '--dry-run'], { cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/issued 1/);
    expect(tree(dir)).toEqual(before);
    // Refused before or after the database was made: nothing is left of it.
    for (const args of [['issue-accounts', 'bad-roster.csv'], ['issue-accounts', 'roster.csv', '--out', 'taken.csv']]) {
      const r = await cadre(args, { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).not.toMatch(/created new database/);
      expect(tree(dir), args.join(' ')).toEqual(before);
    }
    // The one command that makes it says so.
    const made = await cadre(['issue-accounts', 'roster.csv', '--out', 'creds.csv'], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain(`created new database ${path.join(dir, 'data', 'cadre.db')}`);
    expect(fs.statSync(path.join(dir, 'data', 'cadre.db')).mode & 0o777).toBe(0o600);
    const again = await cadre(['issue-accounts', 'roster.csv', '--out', 'creds2.csv'], { cwd: dir });
    expect(again.stderr).not.toMatch(/created new database/);
  }, 120_000);
});

describe('the schema upgrade', () => {
  it('"upgraded" is said only once the upgrade is committed: a failed one says so, and leaves the version', async () => {
    const dir = tempDir('cadre-upgrade-');
    const file = path.join(dir, 'cadre.db');
    versionTwo(file, 3);
    // A table in the way of migration 3 (a hand edit): the upgrade fails inside its transaction.
    const db = new Database(file);
    db.exec('CREATE TABLE record_sources_v3 (x)');
    db.close();
    const r = await cadre(['courses'], { cwd: dir, env: { CADRE_DB: file } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/schema upgraded/);
    expect(r.stderr).toContain(`cannot be upgraded to version ${LATEST_VERSION} (table record_sources_v3 already exists); it stays at version 2`);
    expect(r.stderr).not.toMatch(NO_CRASH);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(2);
    after.close();
  }, 30_000);

  it('an upgrade that stops between two versions says how far it got, never "nothing else changed"', async () => {
    const dir = tempDir('cadre-upgrade-half-');
    const file = path.join(dir, 'cadre.db');
    versionTwo(file, 3);
    // A table in the way of migration 4 (a hand edit): migration 3 commits, 4 fails inside its own transaction.
    const db = new Database(file);
    db.exec('CREATE TABLE voucher_hours (x)');
    db.close();
    const r = await cadre(['courses'], { cwd: dir, env: { CADRE_DB: file } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`the database ${file} was upgraded from version 2 to 3, but cannot be upgraded to version ${LATEST_VERSION} (table voucher_hours already exists); it stays at version 3`);
    expect(r.stderr).not.toMatch(/nothing else changed|stays at version 2/);
    expect(r.stderr).not.toMatch(NO_CRASH);
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(3);
    expect(after.prepare('SELECT COUNT(*) FROM hours').pluck().get()).toBe(3);
    after.close();
    // The backup taken first is of version 2, as its name says.
    const bak = fs.readdirSync(dir).filter((f) => f.endsWith('.bak'));
    expect(bak).toHaveLength(1);
    expect(bak[0]).toContain(`.v2-before-v${LATEST_VERSION}.`);
    const copy = new Database(path.join(dir, bak[0]), { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(2);
    copy.close();
  }, 30_000);

  it('every file written while a database is upgraded is 0600 from the moment it appears, under umask 000', async () => {
    const dir = tempDir('cadre-umask-');
    const file = path.join(dir, 'cadre.db');
    versionTwo(file, 20_000);
    const seen = new Map<string, number>();
    const watcher = fs.watch(dir, (_e, name) => {
      if (!name || seen.has(String(name))) return;
      try {
        seen.set(String(name), fs.lstatSync(path.join(dir, String(name))).mode & 0o777);
      } catch {
        /* gone already */
      }
    });
    const env: NodeJS.ProcessEnv = { ...process.env, CADRE_DB: file, CADRE_LANG: 'en', NO_COLOR: '1' };
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('/bin/sh', ['-c', 'umask 000 && exec "$@"', 'sh', process.execPath, binPath, 'courses'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    watcher.close();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`upgraded from version 2 to ${LATEST_VERSION}; backup taken first: .*\\.v2-before-v${LATEST_VERSION}\\..*\\.bak`));
    const bak = fs.readdirSync(dir).filter((f) => f.endsWith('.bak'));
    expect(bak).toHaveLength(1);
    expect(fs.statSync(path.join(dir, bak[0])).mode & 0o777).toBe(0o600);
    expect(seen.size).toBeGreaterThan(0);
    expect([...seen].filter(([, mode]) => mode !== 0o600)).toEqual([]);
    expect(fs.readdirSync(dir).filter((f) => f.includes('cadre-tmp'))).toEqual([]);
  }, 60_000);
});

describe('backups', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await makeWorkspace(20);
    const lines = ['learner_id,course_code,completed_on,hours'];
    for (let i = 0; i < 60_000; i++) lines.push(`${ws.ids[i % 20]},B${Math.floor(i / 20)},2025-10-01,1`);
    fs.writeFileSync(path.join(ws.dir, 'big.csv'), lines.join('\n') + '\n');
    const r = await cadre(['import-hours', 'big.csv'], { cwd: ws.dir, env: ws.env });
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('a backup killed while it is written leaves nothing under its name; the next one removes the leftover and says so', async () => {
    const out = path.join(ws.dir, 'copies');
    fs.mkdirSync(out);
    const target = path.join(out, 'b.db');
    let killed = false;
    const run = spawnCadre(['backup', target], { cwd: ws.dir, env: ws.env });
    const watcher = fs.watch(out, () => {
      if (killed) return;
      killed = true;
      run.child.kill('SIGKILL');
    });
    const exit = await run.done;
    watcher.close();
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    expect(fs.existsSync(target)).toBe(false);
    const left = fs.readdirSync(out);
    const again = await cadre(['backup', target], { cwd: ws.dir, env: ws.env });
    expect(again.code, again.stderr).toBe(0);
    for (const f of left) expect(again.stderr).toContain(`removed ${path.join(out, f)}, left behind by an interrupted run`);
    expect(fs.readdirSync(out)).toEqual(['b.db']);
    expect(soundness(target).integrity).toEqual(['ok']);
  }, 60_000);

  it('a backup is 0600 under umask 000 and never follows a symlink at its name', async () => {
    const target = path.join(ws.dir, 'umask.db');
    const env: NodeJS.ProcessEnv = { ...process.env, ...ws.env, CADRE_LANG: 'en', NO_COLOR: '1' };
    const r = spawnSync('/bin/sh', ['-c', 'umask 000 && exec "$@"', 'sh', process.execPath, binPath, 'backup', target], { cwd: ws.dir, env });
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    const victim = path.join(ws.dir, 'victim.txt');
    fs.writeFileSync(victim, 'keep me');
    const link = path.join(ws.dir, 'link.db');
    fs.symlinkSync(victim, link);
    const refused = await cadre(['backup', link], { cwd: ws.dir, env: ws.env });
    expect(refused.code).toBe(2);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  }, 60_000);

  it('files of killed runs beside the database are removed by the next write, which names each; those of a live process stay', async () => {
    const dead = deadPid();
    const left = [
      `.cadre.db.${dead}.0badc0de.cadre-tmp`,
      `.cadre.db.${dead}.0badc0de.cadre-tmp-journal`,
      `.cadre.db.replaced-20261125T040000Z.${dead}.12ab34cd.cadre-tmp`,
      `cadre.db.restore-${dead}.tmp`,
      `cadre.db.restore-${dead}.tmp-journal`,
    ];
    const live = `.cadre.db.${process.pid}.feedbeef.cadre-tmp`;
    for (const f of [...left, live]) fs.writeFileSync(path.join(ws.dir, f), 'half a copy');
    const r = await cadre(['exempt', ws.ids[0], '--requirement', 'report', '--reason', 'x'], { cwd: ws.dir, env: ws.env });
    expect(r.code, r.stderr).toBe(0);
    for (const f of left) {
      expect(r.stderr).toContain(`removed ${path.join(ws.dir, f)}, left behind by an interrupted run (process ${dead})`);
      expect(fs.existsSync(path.join(ws.dir, f)), f).toBe(false);
    }
    expect(fs.existsSync(path.join(ws.dir, live))).toBe(true);
    fs.rmSync(path.join(ws.dir, live));
  }, 30_000);
});

describe.runIf(otherUserCanRun())('a database in a read-only folder', () => {
  let dir: string;
  let ro: string;
  let as: { uid?: number; gid?: number };
  beforeAll(async () => {
    const ws = await makeWorkspace(3);
    fs.writeFileSync(path.join(ws.dir, 'week.csv'), `learner_id,course_code,completed_on,hours\n${ws.ids[0]},C1,2025-10-01,2\n`);
    expect((await cadre(['import-hours', 'week.csv'], { cwd: ws.dir, env: ws.env })).code).toBe(0);
    dir = ws.dir;
    // Under a folder anyone may pass through (a workspace is 0700), for the run as nobody.
    const parent = tempDir('cadre-ro-');
    fs.chmodSync(parent, 0o755);
    ro = path.join(parent, 'ro');
    fs.mkdirSync(ro);
    fs.copyFileSync(ws.db, path.join(ro, 'cadre.db'));
    versionTwo(path.join(ro, 'old.db'), 2);
    // Root ignores permission bits: the commands then run as nobody, who owns the files but not write access to the folder.
    as = isRoot() ? { uid: NOBODY, gid: NOBODY } : {};
    if (isRoot()) for (const f of ['', 'cadre.db', 'old.db']) fs.chownSync(path.join(ro, f), NOBODY, NOBODY);
    fs.chmodSync(ro, 0o555);
  }, 60_000);
  afterAll(() => {
    if (ro) fs.chmodSync(ro, 0o755);
  });

  it('read commands work (read-only, with nothing beside the file: immutable), write commands are refused, and nothing appears in the folder', async () => {
    const before = tree(ro);
    const env = { CADRE_DB: path.join(ro, 'cadre.db') };
    const audit = await cadre(['audit', '--format', 'json'], { cwd: os.tmpdir(), env, ...as });
    expect(audit.code, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout)).toHaveLength(3);
    for (const args of [['courses'], ['log'], ['imports'], ['exemptions'], ['accounts']]) {
      const r = await cadre(args, { cwd: os.tmpdir(), env, ...as });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toMatch(NO_CRASH);
    }
    const log = await cadre(['log', '--format', 'json'], { cwd: os.tmpdir(), env, ...as });
    expect(JSON.parse(log.stdout).map((e: any) => e.command)).toEqual(['issue-accounts', 'import-hours']);
    const write = await cadre(['require', '--year', '2025', 'K1'], { cwd: os.tmpdir(), env, ...as });
    expect(write.code, write.stderr).toBe(2);
    expect(write.stderr).toMatch(/read-only/);
    expect(write.stderr).not.toMatch(NO_CRASH);
    expect(tree(ro)).toEqual(before);
  }, 60_000);

  it('a database that needs upgrading is refused there with what to do, and left as it was', async () => {
    const before = fs.readFileSync(path.join(ro, 'old.db'));
    const r = await cadre(['courses'], { cwd: os.tmpdir(), env: { CADRE_DB: path.join(ro, 'old.db') }, ...as });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`has schema version 2 and must be upgraded to ${LATEST_VERSION} before it can be read`);
    expect(fs.readFileSync(path.join(ro, 'old.db')).equals(before)).toBe(true);
  }, 30_000);
});

// A full disk needs a small file system of its own: a tmpfs, mounted by root.
const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-full-'));
const mount = () => isRoot() && process.platform === 'linux' && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint]).status === 0;
const umount = () => spawnSync('umount', ['-l', mountPoint]);
// Probed once here (mounted and unmounted at once); mounted again for the test itself.
const canMount = mount() && umount().status === 0;
if (!canMount) console.warn('skipped: the full-disk test, because a small tmpfs cannot be mounted here (it needs root on Linux)');

describe('a full disk', () => {
  beforeAll(() => {
    if (canMount) expect(mount()).toBe(true);
  });
  afterAll(() => {
    if (canMount) umount();
    fs.rmSync(mountPoint, { recursive: true, force: true });
  });

  function fill(leaveKiB: number): string {
    const filler = path.join(mountPoint, 'filler');
    const fd = fs.openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - leaveKiB * 1024));
    return filler;
  }

  it.runIf(canMount)('an import that does not fit is exit 2 naming the disk, nothing changed; a backup there likewise leaves nothing', async () => {
    const db = path.join(mountPoint, 'cadre.db');
    const work = tempDir('cadre-full-work-');
    fs.writeFileSync(path.join(work, 'roster.csv'), ROSTER);
    const env = { CADRE_DB: db };
    const made = await cadre(['issue-accounts', 'roster.csv', '--out', 'creds.csv'], { cwd: work, env });
    expect(made.code, made.stderr).toBe(0);
    const id = fs.readFileSync(path.join(work, 'creds.csv'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[1].split(',')[0];
    const lines = ['learner_id,course_code,completed_on,hours'];
    for (let i = 0; i < 60_000; i++) lines.push(`${id},F${i},2025-10-01,1`);
    fs.writeFileSync(path.join(work, 'big.csv'), lines.join('\n') + '\n');
    const filler = fill(300);
    const r = await cadre(['import-hours', 'big.csv'], { cwd: work, env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`the disk holding ${mountPoint} is full`);
    expect(r.stderr).toContain(db);
    expect(r.stderr).toMatch(/nothing was changed/);
    expect(r.stderr).not.toMatch(NO_CRASH);
    // Room for the database's -shm, not for a copy of it.
    fs.rmSync(filler);
    fill(80);
    const backup = await cadre(['backup', path.join(mountPoint, 'copy.db')], { cwd: work, env });
    expect(backup.code, backup.stderr).toBe(2);
    expect(backup.stderr).toContain(`the disk holding ${mountPoint} is full: the backup ${path.join(mountPoint, 'copy.db')} could not be written`);
    expect(backup.stderr).not.toMatch(NO_CRASH);
    expect(fs.readdirSync(mountPoint).sort()).toEqual(['cadre.db', 'filler']);
    fs.rmSync(filler);
    expect(soundness(db)).toEqual({ integrity: ['ok'], foreignKeys: [] });
    const check = new Database(db, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) FROM batches').pluck().get()).toBe(0);
    expect(check.prepare("SELECT COUNT(*) FROM journal WHERE command = 'import-hours'").pluck().get()).toBe(0);
    check.close();
  }, 120_000);
});
