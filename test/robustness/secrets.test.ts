/**
 * Issue 5, item 7: secrets. 500 accounts are issued (in two rosters, the
 * second while another connection keeps the WAL from being folded away), ten
 * passwords are reset, and the usual commands write their files. Then the
 * database, its WAL, any rollback journal and every file the tool wrote —
 * except the credentials files — are searched for each initial password
 * (as UTF-8/ASCII and as UTF-16): zero hits. Nor are they in anything the
 * commands printed. The credentials files and the database (and its -wal and
 * -shm) are mode 0600 even under umask 000.
 *
 * The third part of item 7, the generator (100,000 samples: no duplicate,
 * only alphabet symbols, each symbol within ±5 % of uniform), is the test
 * "100,000 samples: …" in test/auth/password.test.ts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, cadre, NOW, removeScratch, repoRoot, tempDir } from './lib/cadre.js';

const INPUTS = new Set(['roster-1.csv', 'roster-2.csv', 'hours.csv']);
const isCredentials = (name: string): boolean => /^cred-.*\.csv$/.test(name);

let dir: string;
let db: string;
const passwords: string[] = [];
const printed: string[] = [];

/** `cadre ARGS` under umask 000, so every mode below comes from the tool, not from the caller's umask. */
function underUmask000(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CADRE_LANG: 'en', CADRE_NOW: NOW, CADRE_OPERATOR: 'tester', CADRE_DB: db };
    const child = spawn('/bin/sh', ['-c', 'umask 000 && exec "$0" "$@"', process.execPath, binPath, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function readCredentials(name: string): string[][] {
  return fs
    .readFileSync(path.join(dir, name), 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(','));
}

const roster = (from: number, to: number): string => {
  const lines = ['staff_no,name,department,rank,appointed_on'];
  for (let i = from; i <= to; i++) lines.push(`K${i},干部${i},学院${i % 9},${i % 2 ? 'division' : 'section'},2024-09-10`);
  return lines.join('\n') + '\n';
};

let walDuringRun: Buffer;
/** An .xlsx is compressed: its cells are searched as text. */
let xlsxText: Buffer;

beforeAll(async () => {
  dir = tempDir('cadre-secrets-');
  fs.chmodSync(dir, 0o777);
  db = path.join(dir, 'cadre.db');
  fs.writeFileSync(path.join(dir, 'roster-1.csv'), roster(1, 250));
  fs.writeFileSync(path.join(dir, 'roster-2.csv'), roster(251, 500));

  const first = await underUmask000(['issue-accounts', 'roster-1.csv', '--out', 'cred-1.csv']);
  expect(first.code, first.stderr).toBe(0);
  printed.push(first.stdout, first.stderr);

  // Another connection with an open read transaction: the second run's pages stay in the WAL to be searched.
  const holder = new Database(db, { readonly: true });
  holder.exec('BEGIN');
  holder.prepare('SELECT COUNT(*) FROM cadres').get();
  const second = await underUmask000(['issue-accounts', 'roster-2.csv', '--out', 'cred-2.csv']);
  expect(second.code, second.stderr).toBe(0);
  printed.push(second.stdout, second.stderr);
  walDuringRun = fs.readFileSync(`${db}-wal`);
  holder.exec('COMMIT');
  holder.close();

  for (const name of ['cred-1.csv', 'cred-2.csv']) for (const row of readCredentials(name)) passwords.push(row[4]);
  const ids = readCredentials('cred-1.csv').slice(0, 10).map((r) => r[0]);
  const reset = await underUmask000(['issue-accounts', '--reset', ...ids, '--out', 'cred-reset.csv']);
  expect(reset.code, reset.stderr).toBe(0);
  printed.push(reset.stdout, reset.stderr);
  for (const row of readCredentials('cred-reset.csv')) passwords.push(row[4]);

  // The other files a day's work makes: an import (and its rejected rows), audits, the journal, a backup.
  fs.writeFileSync(path.join(dir, 'hours.csv'), `learner_id,course_code,completed_on\n${ids[0]},K1,2025-10-01\n${ids[1]},K2,2025-13-01\n`);
  for (const args of [
    ['import-hours', 'hours.csv', '--skip-invalid'],
    ['audit', '--format', 'csv', '--out', 'audit.csv'],
    ['audit', '--format', 'xlsx', '--out', 'audit.xlsx'],
    ['audit', ids[0], '--format', 'json', '--out', 'transcript.json'],
    ['log'],
    ['accounts'],
    ['backup', 'backups/cadre-backup.db'],
  ]) {
    const r = await cadre(args, { cwd: dir, env: { CADRE_DB: db } });
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    printed.push(r.stdout, r.stderr);
  }
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path.join(dir, 'audit.xlsx'));
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => void cells.push(String(c.text)))));
  expect(cells.length).toBeGreaterThan(500);
  xlsxText = Buffer.from(cells.join('\n'));
}, 180_000);

afterAll(removeScratch);

describe('secrets', () => {
  it('issued 500 accounts and reset 10, each with its own password', () => {
    expect(passwords).toHaveLength(510);
    expect(new Set(passwords).size).toBe(510);
  });

  it('no initial password in the database, its WAL, a journal, or any file the tool wrote except the credentials files', () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (!INPUTS.has(e.name) && !isCredentials(e.name)) files.push(p);
      }
    };
    walk(dir);
    const names = files.map((f) => path.relative(dir, f));
    // What was searched: the database, the backup and every report, plus the WAL captured mid-run.
    expect(names).toEqual(expect.arrayContaining(['cadre.db', 'audit.csv', 'audit.xlsx', 'transcript.json', 'hours.rejected.csv', path.join('backups', 'cadre-backup.db')]));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(walDuringRun.length).toBeGreaterThan(100_000);
    const haystacks: [string, Buffer][] = [
      ...files.map((f): [string, Buffer] => [path.relative(dir, f), fs.readFileSync(f)]),
      ['audit.xlsx (cell text)', xlsxText],
      ['cadre.db-wal (during the second run)', walDuringRun],
      ['printed output', Buffer.from(printed.join('\n'))],
    ];
    const hits: string[] = [];
    for (const pw of passwords) {
      const needles = [Buffer.from(pw, 'utf8'), Buffer.from(pw, 'utf16le')];
      for (const [name, hay] of haystacks) if (needles.some((n) => hay.includes(n))) hits.push(`${pw} in ${name}`);
    }
    expect(hits).toEqual([]);
  });

  it('the journal records the issue and the resets without a password', () => {
    const d = new Database(db, { readonly: true });
    const rows = d.prepare("SELECT args FROM journal WHERE command LIKE 'issue-accounts%'").all() as { args: string }[];
    d.close();
    expect(rows).toHaveLength(3);
    for (const r of rows) for (const pw of passwords) expect(r.args).not.toContain(pw);
  });

  it('the credentials files, the database, its -wal and -shm and the backup are mode 0600 under umask 000', () => {
    const holder = new Database(db, { readonly: true });
    holder.prepare('SELECT 1').get();
    const modes = Object.fromEntries(
      ['cred-1.csv', 'cred-2.csv', 'cred-reset.csv', 'cadre.db', 'cadre.db-wal', 'cadre.db-shm', path.join('backups', 'cadre-backup.db')].filter((f) => fs.existsSync(path.join(dir, f))).map((f) => [f, (fs.statSync(path.join(dir, f)).mode & 0o777).toString(8)]),
    );
    holder.close();
    expect(modes).toMatchObject({ 'cred-1.csv': '600', 'cred-2.csv': '600', 'cred-reset.csv': '600', 'cadre.db': '600', [path.join('backups', 'cadre-backup.db')]: '600' });
    for (const [f, m] of Object.entries(modes)) expect(m, f).toBe('600');
  });

  it('the generator test (100,000 samples) is in test/auth/password.test.ts', () => {
    expect(fs.readFileSync(path.join(repoRoot, 'test/auth/password.test.ts'), 'utf8')).toMatch(/100,000 samples: no duplicate, only alphabet symbols, each symbol within ±5 % of uniform/);
  });
});
