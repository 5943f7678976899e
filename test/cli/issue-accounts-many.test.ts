/**
 * issue-accounts of a roster of some thousands, in this process, with the
 * initial-password hash made cheap (scrypt at N = 2^4 instead of the
 * policy's cost, which the bench measures): what the run holds between
 * reading the roster and its one transaction is compact (packed hashes, the
 * entries to issue, the fields as read only with --skip-invalid), and the
 * credentials file is written a few thousand rows at a time. Checked here:
 * the file holds one row per account written, in the roster's order, each
 * password the one its account's hash verifies, and its bytes are those of
 * the file made whole; a row the plan refuses under --skip-invalid goes to
 * the rejected-rows file exactly as it was read.
 */
import fs from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import { verifyPassword } from '../../src/auth/password.js';
import { BOM, toCsv } from '../../src/io/csv-out.js';
import { cadreIn } from '../helpers/run.js';

vi.mock('../../src/auth/password.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/auth/password.js')>();
  return { ...real, INITIAL_HASH_PARAMS: Object.freeze({ ln: 4, r: 8, p: 1 }) };
});

const NOW = '2026-11-25T10:00:00+08:00';
const N = 5000;

function rows<T>(dir: string, sql: string): T[] {
  const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Row i of the roster: around the credentials file's 4,096-row blocks, texts the file must quote or guard. */
function rosterRow(i: number): string {
  const dept = i === 4095 ? '"计算机学院,东区"' : i === 4096 ? '+国际学院' : i === 4097 ? '"外语""学院"' : `学院${i % 37}系${i % 11}办公室与实验中心`;
  const name = i === 4094 ? '  王　芳 ' : `张${String.fromCharCode(0x4e00 + (i % 500))}${i % 3 ? '伟' : ''}`;
  return `S${String(100000 + i)},${name},${dept},${i % 2 ? '正科' : '副处'},20${String(10 + (i % 15))}-0${1 + (i % 9)}-1${i % 10}`;
}

describe('issue-accounts of a roster of thousands', () => {
  it('writes one credentials row per account, in roster order, each password its hash, the bytes of the whole file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cadre-many-'));
    const lines = Array.from({ length: N }, (_, i) => rosterRow(i));
    fs.writeFileSync(path.join(dir, 'roster.csv'), `工号,姓名,部门,职级,任职日期\n${lines.join('\n')}\n`);
    const cadre = cadreIn({ cwd: dir, operator: 'tester' });
    const r = await cadre(['issue-accounts', 'roster.csv', '--out', 'creds.csv'], { now: NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`issued ${N}, already had an account 0, updated 0, rejected 0`);

    const bytes = fs.readFileSync(path.join(dir, 'creds.csv'));
    const file = parse(bytes, { bom: true }) as string[][];
    expect(file).toHaveLength(N + 1);
    const written = rows<{ learner_id: string; staff_no: string; name: string; department: string; password_hash: string; initial_hash: string }>(
      dir,
      'SELECT c.learner_id, c.staff_no, c.name, c.department, a.password_hash, a.initial_hash FROM cadres c JOIN accounts a ON a.cadre_id = c.id ORDER BY c.id',
    );
    expect(written.map((c) => c.staff_no)).toEqual(lines.map((l) => l.split(',')[0]));
    expect(written[4094].name).toBe('王　芳');
    expect(written[4095].department).toBe('计算机学院,东区');
    // The file made whole from what was written: same bytes, row for row.
    const passwords = file.slice(1).map((row) => row[4]);
    const whole = BOM + toCsv([file[0], ...written.map((c, i) => [c.learner_id, c.staff_no, c.name, c.department, passwords[i]])]);
    expect(bytes.equals(Buffer.from(whole, 'utf8'))).toBe(true);
    expect(file[0]).toEqual(['learner_id', 'staff_no', 'name', 'department', 'initial_password']);
    expect(file[4097][3]).toBe("'+国际学院");

    // Each password is its own account's, each hash with its own salt.
    expect(new Set(written.map((c) => c.password_hash)).size).toBe(N);
    for (const i of [0, 1, 2, 4094, 4095, 4096, 4097, N - 1]) {
      expect(written[i].password_hash).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
      expect(written[i].initial_hash).toBe(written[i].password_hash);
      expect(await verifyPassword(passwords[i], written[i].password_hash)).toBe(true);
      expect(await verifyPassword(passwords[(i + 1) % N], written[i].password_hash)).toBe(false);
    }
    const [journal] = rows<{ learner_ids: string; counts: string }>(dir, "SELECT learner_ids, counts FROM journal WHERE command = 'issue-accounts'");
    expect(journal.learner_ids).toBe(`,${written.map((c) => c.learner_id).join(',')},`);
    expect(JSON.parse(journal.counts)).toEqual({ issued: N, already: 0, updated: 0, rejected: 0 });
  }, 120_000);

  it('--skip-invalid: a row the plan refuses goes to the rejected-rows file as read, its cells untrimmed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cadre-many-'));
    const cadre = cadreIn({ cwd: dir, operator: 'tester' });
    fs.writeFileSync(path.join(dir, 'first.csv'), '工号,姓名,部门,职级,任职日期\nT9,张伟,计算机学院与人工智能研究院,正科,2025-09-01\n');
    expect((await cadre(['issue-accounts', 'first.csv', '--out', 'c1.csv'], { now: NOW })).code).toBe(0);
    const many = Array.from({ length: 3000 }, (_, i) => rosterRow(i));
    // Line 1502: another staff number with the name and department of T9, its cells padded as a sheet leaves them.
    many.splice(1500, 0, ' T10 ,  张 伟 ,计算机学院与人工智能研究院 , 正科 ,2025-09-01 ');
    fs.writeFileSync(path.join(dir, 'roster.csv'), `工号,姓名,部门,职级,任职日期\n${many.join('\n')}\n`);
    const r = await cadre(['issue-accounts', 'roster.csv', '--out', 'c2.csv', '--skip-invalid'], { now: NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('issued 3000, already had an account 0, updated 0, rejected 1');
    const rejected = fs.readFileSync(path.join(dir, 'roster.rejected.csv'), 'utf8');
    const [head, row, ...rest] = parse(rejected, { bom: true }) as string[][];
    expect(head.slice(0, 6)).toEqual(['line', '工号', '姓名', '部门', '职级', '任职日期']);
    expect(row.slice(0, 6)).toEqual(['1502', ' T10 ', '  张 伟 ', '计算机学院与人工智能研究院 ', ' 正科 ', '2025-09-01 ']);
    expect(rest).toEqual([]);
  }, 120_000);
});
