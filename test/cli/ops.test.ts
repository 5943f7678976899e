/**
 * Operations through the public CLI: import batches and undo, exemptions, the
 * journal, backup and restore (refused while another process has the database
 * open).
 *
 * Each command line runs in this process (test/helpers/run.ts: the real
 * program, a fresh context per run with a fixed clock, the exit code as main
 * gives it); the restore next to another process holding the database runs
 * the real binary (needs dist/ built: `npm run build`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';

let dir: string;
let env: Record<string, string>;
let A: string;
let B: string;
const cli = (args: string[], input?: string) => cadreIn({ cwd: dir, operator: 'ops-tester' })(args, { input });
/** The real binary: for the restore while another process has the database open. */
const spawned = (args: string[]) => runCli(args, { cwd: dir, env });
const write = (name: string, content: string) => fs.writeFileSync(path.join(dir, name), content);
const dbFile = () => path.join(dir, 'cadre.db');

async function ok(args: string[]) {
  const r = await cli(args);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r;
}
async function json(args: string[]): Promise<any> {
  return JSON.parse((await ok([...args, '--format', 'json'])).stdout);
}
async function audit(): Promise<any[]> {
  return json(['audit']);
}
const cadre = (list: any[], id: string) => list.find((x) => x.learner_id === id);
const req = (a: any, id: string, period: string | number) => a.requirements.find((r: any) => r.id === id && r.period === period);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-ops-'));
  env = { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_OPERATOR: 'ops-tester' };
  write('roster.csv', 'staff_no,name,department,rank,appointed_on\nS1,Alice,Law,division,2024-09-10\nS2,Bob,Law,section,2024-11-01\n');
  await ok(['issue-accounts', 'roster.csv', '--out', 'creds.csv']);
  const lines = fs.readFileSync(path.join(dir, 'creds.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  [A, B] = lines.slice(1).map((l) => l.split(',')[0]);
  // Two overlapping weekly exports: Alice's C2 and Bob's C1 are in both.
  write('week1.csv', `learner_id,course_code,completed_on,hours\n${A},C1,2025-10-01,2\n${A},C2,2025-10-02,3\n${B},C1,2025-10-03,2\n`);
  write('week2.csv', `learner_id,course_code,completed_on,hours\n${A},C2,2025-10-02,3\n${B},C1,2025-10-03,2\n${B},C3,2025-10-08,4\n`);
}, 60_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('imports and undo-import', () => {
  it('lists the two overlapping batches', async () => {
    await ok(['import-hours', 'week1.csv', 'week2.csv']);
    const batches = await json(['imports']);
    expect(batches.map((b: any) => [b.id, b.kind, b.file, b.counts.new, b.counts.duplicate, b.undone_at])).toEqual([
      [1, 'hours', 'week1.csv', 3, 0, null],
      [2, 'hours', 'week2.csv', 1, 2, null],
    ]);
    expect(batches[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(batches[0].operator).toBe('ops-tester');
    const a = await audit();
    expect(req(cadre(a, A), 'hours', 2025).actual).toBe(5);
    expect(req(cadre(a, B), 'hours', 2025).actual).toBe(6);
    expect(cadre(a, A).credits.platform).toBe(2);
  }, 30_000);

  it('undoing week1 keeps the rows week2 also carried and removes the rest; the audit changes at once', async () => {
    const r = await ok(['undo-import', '1']);
    // A confirmation: on stderr, stdout stays for data.
    expect(r.stderr).toMatch(/1 record removed, 2 kept/);
    expect(r.stdout).toBe('');
    const a = await audit();
    expect(req(cadre(a, A), 'hours', 2025).actual).toBe(3); // C1 (week1 only) is gone, C2 stays
    expect(req(cadre(a, B), 'hours', 2025).actual).toBe(6); // C1 stays (week2 carried it), C3 is week2's own
    expect(cadre(a, A).credits.platform).toBe(1.2);
    // The kept record now comes from week2, at its own line.
    const [t] = await json(['audit', A]);
    expect(t.transcript.hours.map((h: any) => [h.course, h.source.batch, h.source.file, h.source.line])).toEqual([['C2', 2, 'week2.csv', 2]]);
    const batches = await json(['imports']);
    expect(batches[0].undone_at).toBeTruthy();
    expect(batches[0].records).toBe(0);
    expect(batches[1].records).toBe(3);
  }, 30_000);

  it('refuses to undo twice, an unknown batch, or a non-number (exit 2)', async () => {
    const twice = await cli(['undo-import', '1']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/already undone/);
    expect((await cli(['undo-import', '99'])).code).toBe(2);
    expect((await cli(['undo-import', 'abc'])).code).toBe(2);
  }, 30_000);

  it('the same file can be imported again after its undo', async () => {
    const r = await ok(['import-hours', 'week1.csv']);
    expect(r.stderr).toMatch(/new 1, duplicates 2/);
    expect(req(cadre(await audit(), A), 'hours', 2025).actual).toBe(5);
    const kinds = await json(['imports', '--kind', 'hours']);
    expect(kinds.map((b: any) => b.id)).toEqual([1, 2, 3]);
    expect(await json(['imports', '--kind', 'exams'])).toEqual([]);
  }, 30_000);
});

describe('exemptions', () => {
  it('an exempt year shows exempt with its reason in the audit JSON and the transcript, and is no shortfall', async () => {
    const before = req(cadre(await audit(), A), 'hours', 2024);
    expect(before.status).toBe('short');
    const r = await ok(['exempt', A, '--requirement', 'hours', '--year', '2024', '--reason', '病假 sick leave']);
    expect(r.stderr).toMatch(/Exemption 1/);
    expect(r.stdout).toBe('');
    const a = cadre(await audit(), A);
    const h = req(a, 'hours', 2024);
    expect(h).toMatchObject({ status: 'exempt', shortfall: 0, exempt_reason: '病假 sick leave' });
    expect(a.requirements.filter((x: any) => x.status === 'short').map((x: any) => `${x.id}/${x.period}`)).not.toContain('hours/2024');
    const transcript = await ok(['audit', A, '--format', 'table']);
    // At 80 columns the status cell wraps inside its column.
    expect(transcript.stdout).toMatch(/exempt \(病假/);
    expect(transcript.stdout).toMatch(/leave\) +│/);
    // The shortfall list does not name it.
    const shortfall = await ok(['audit', '--shortfall', '--format', 'csv']);
    const aliceLine = shortfall.stdout.split(/\r?\n/).find((l) => l.startsWith(A))!;
    expect(aliceLine).toMatch(/reflection/);
    // Named with its reason in the exempt column (the last), not among the missing.
    expect(aliceLine).toMatch(/,2024-2025 platform hours \(病假 sick leave\)$/);
    expect(aliceLine.replace(/,2024-2025 platform hours \(病假 sick leave\)$/, '')).not.toMatch(/2024-2025 platform hours/);
    expect(shortfall.stdout.split(/\r?\n/).find((l) => l.startsWith(B))).toMatch(/2024-2025 platform hours/);
  }, 30_000);

  it('refuses a duplicate, an unknown learner, a bad year and a missing reason (exit 2)', async () => {
    const dup = await cli(['exempt', A, '--requirement', 'hours', '--year', '2024', '--reason', 'again']);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/already exempt/);
    expect((await cli(['exempt', 'NOSUCH1', '--requirement', 'hours', '--reason', 'x'])).code).toBe(2);
    expect((await cli(['exempt', A, '--requirement', 'hours', '--year', '25', '--reason', 'x'])).code).toBe(2);
    expect((await cli(['exempt', A, '--requirement', 'hours', '--year', '2025'])).code).toBe(2);
    expect((await cli(['exempt', A, '--requirement', 'sleep', '--reason', 'x'])).code).toBe(2);
  }, 30_000);

  it('exemptions lists those in force; unexempt revokes; --all keeps the record', async () => {
    await ok(['exempt', B, '--requirement', 'training', '--reason', 'seconded']);
    let list = await json(['exemptions']);
    expect(list.map((x: any) => [x.learner_id, x.requirement, x.year, x.reason, x.granted_by])).toEqual([
      [A, 'hours', 2024, '病假 sick leave', 'ops-tester'],
      [B, 'training', null, 'seconded', 'ops-tester'],
    ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))));
    expect(req(cadre(await audit(), B), 'training', 'term').status).toBe('exempt');

    const wrongYear = await cli(['unexempt', A, '--requirement', 'hours']);
    expect(wrongYear.code).toBe(2);
    expect(wrongYear.stderr).toMatch(/--year 2024/);
    const revoked = await ok(['unexempt', A, '--requirement', 'hours', '--year', '2024']);
    expect(revoked.stderr).toMatch(/Revoked exemption 1/);
    expect(revoked.stdout).toBe('');
    expect(req(cadre(await audit(), A), 'hours', 2024).status).toBe('short');
    list = await json(['exemptions']);
    expect(list.map((x: any) => x.learner_id)).toEqual([B]);
    const all = await json(['exemptions', '--all']);
    expect(all).toHaveLength(2);
    expect(all.find((x: any) => x.learner_id === A).revoked_at).toBeTruthy();
    expect((await cli(['unexempt', A, '--requirement', 'hours', '--year', '2024'])).code).toBe(2);
  }, 30_000);
});

describe('log', () => {
  it('shows every write, newest last, filterable by command, cadre and date', async () => {
    const all = await json(['log']);
    const commands = all.map((e: any) => e.command);
    expect(commands).toEqual(['issue-accounts', 'import-hours', 'import-hours', 'undo-import', 'import-hours', 'exempt', 'exempt', 'unexempt']);
    expect(all.map((e: any) => e.id)).toEqual([...all.map((e: any) => e.id)].sort((x: number, y: number) => x - y));
    expect(all.every((e: any) => e.operator === 'ops-tester')).toBe(true);
    const undo = await json(['log', '--command', 'undo-import']);
    expect(undo).toHaveLength(1);
    expect(undo[0]).toMatchObject({ args: { batch: 1, file: 'week1.csv' }, counts: { removed: 1, kept: 2 } });
    expect(undo[0].input_sha256).toMatch(/^[0-9a-f]{64}$/);

    const bob = (await json(['log', '--learner', B])).map((e: any) => e.command);
    expect(bob).toEqual(['issue-accounts', 'import-hours', 'import-hours', 'undo-import', 'import-hours', 'exempt']);
    const alice = (await json(['log', '--learner', A.toLowerCase()])).map((e: any) => e.command);
    expect(alice).toEqual(['issue-accounts', 'import-hours', 'import-hours', 'undo-import', 'import-hours', 'exempt', 'unexempt']);

    const today = all[all.length - 1].at.slice(0, 10);
    expect(await json(['log', '--since', '2099-12-31'])).toEqual([]);
    expect(await json(['log', '--until', '1901-01-01'])).toEqual([]);
    expect(await json(['log', '--since', today, '--until', today])).toHaveLength(all.length);
    expect((await cli(['log', '--since', 'yesterday'])).code).toBe(2);
    expect((await cli(['log', '--learner', 'NOSUCH1'])).code).toBe(2);
  }, 30_000);

  it('--learner also finds imports whose batch carried a record of the cadre', async () => {
    // Large imports do not list every learner in the entry: simulate that.
    const db = new Database(dbFile());
    db.prepare("UPDATE journal SET learner_ids = NULL WHERE command = 'import-hours'").run();
    db.close();
    // Batch 1 was undone and carries nothing now; week2 (batch 2) and week1 again (batch 3) carry records of both.
    const bob = await json(['log', '--learner', B, '--command', 'import-hours']);
    expect(bob.map((e: any) => e.args.batch)).toEqual([2, 3]);
    const alice = await json(['log', '--learner', A, '--command', 'import-hours']);
    expect(alice.map((e: any) => e.args.batch)).toEqual([2, 3]);
    // The undo itself names the cadres it touched.
    expect((await json(['log', '--learner', B, '--command', 'undo-import'])).map((e: any) => e.args.batch)).toEqual([1]);
  }, 30_000);
});

describe('backup and restore', () => {
  let holder: ChildProcess | undefined;
  afterAll(() => {
    holder?.kill();
  });

  it('backup writes a checked 0600 copy, never overwrites, and is journaled', async () => {
    const r = await ok(['backup', 'backup-1.db']);
    expect(r.stderr).toMatch(/integrity check ok/);
    expect(r.stdout).toBe('');
    const file = path.join(dir, 'backup-1.db');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT COUNT(*) FROM exemptions').pluck().get()).toBe(2);
    copy.close();
    const again = await cli(['backup', 'backup-1.db']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/never overwrites/);
    const entries = await json(['log', '--command', 'backup']);
    expect(entries).toHaveLength(1);
    expect(entries[0].args.file).toBe(file);
  }, 30_000);

  it('restore refuses a file that is not a cadre database', async () => {
    for (const bad of ['creds.csv', 'missing.db']) {
      const r = await cli(['restore', bad]);
      expect(r.code).toBe(2);
    }
    const empty = new Database(path.join(dir, 'other.db'));
    empty.exec('CREATE TABLE t (x)');
    empty.close();
    const r = await cli(['restore', 'other.db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a cadre database/);
  }, 30_000);

  it('restore is refused while another process has the database open, and succeeds after', async () => {
    // A change after the backup, which the restore will undo.
    await ok(['exempt', A, '--requirement', 'report', '--reason', 'abroad']);
    const script = `
      const Database = require(${JSON.stringify(path.join(repoRoot, 'node_modules', 'better-sqlite3'))});
      const db = new Database(${JSON.stringify(dbFile())});
      db.prepare('SELECT COUNT(*) FROM cadres').get();
      process.stdout.write('ready\\n');
      process.stdin.on('data', () => {});
      process.stdin.on('end', () => { db.close(); process.exit(0); });
    `;
    holder = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      holder!.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    const busy = await spawned(['restore', 'backup-1.db']);
    expect(busy.code, busy.stderr).toBe(2);
    expect(busy.stderr).toMatch(/open in another process/);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.replaced-'))).toEqual([]);
    expect((await json(['exemptions'])).some((x: any) => x.reason === 'abroad')).toBe(true);

    const exited = new Promise((resolve) => holder!.on('exit', resolve));
    holder.stdin!.end();
    await exited;
    holder = undefined;

    const r = await spawned(['restore', 'backup-1.db']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Restored/);
    expect(r.stderr).toMatch(/kept as .*cadre\.db\.replaced-/);
    expect(r.stdout).toBe('');
    const replaced = fs.readdirSync(dir).filter((f) => f.startsWith('cadre.db.replaced-'));
    expect(replaced).toHaveLength(1);
    // The restored database is the backup (plus the journal of the restore); the replaced one keeps the later change.
    expect((await json(['exemptions'])).some((x: any) => x.reason === 'abroad')).toBe(false);
    const restores = await json(['log', '--command', 'restore']);
    expect(restores).toHaveLength(1);
    expect(restores[0].args.replaced).toBe(path.join(dir, replaced[0]));
    const old = new Database(path.join(dir, replaced[0]), { readonly: true });
    expect(old.prepare("SELECT COUNT(*) FROM exemptions WHERE reason = 'abroad'").pluck().get()).toBe(1);
    old.close();
    const db = new Database(dbFile(), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    // No temporary file is left beside the database.
    expect(fs.readdirSync(dir).filter((f) => f.includes('.restore-'))).toEqual([]);
    // And the restored database works for writes.
    await ok(['exempt', A, '--requirement', 'report', '--reason', 'abroad again']);
  }, 60_000);
});

// Last: it adds a batch and undoes one, which the journal tests above do not expect.
describe('an all-duplicate file', () => {
  it('a new file of rows all on file counts them as duplicates and vouches for every one: undoing the batch that first carried them keeps them', async () => {
    // week2's rows in another order, with a title column: another file, every row already on file.
    write('week3.csv', `learner_id,course_code,completed_on,hours,course_title\n${B},C3,2025-10-08,4,c3\n${A},C2,2025-10-02,3,c2\n${B},C1,2025-10-03,2,c1\n`);
    const before = await audit();
    const r = await ok(['import-hours', 'week3.csv']);
    expect(r.stderr).toMatch(/new 0, duplicates 3/);
    const batches = await json(['imports', '--kind', 'hours']);
    expect(batches.map((b: any) => [b.id, b.counts.new, b.counts.duplicate])).toEqual([[1, 3, 0], [2, 1, 2], [3, 1, 2], [4, 0, 3]]);
    const undo = await ok(['undo-import', '2']);
    expect(undo.stderr).toMatch(/0 records removed, 3 kept/);
    expect(await audit()).toEqual(before);
  }, 30_000);
});
