/**
 * The roster through the public CLI (issue 9): a roster re-saved in Excel
 * never creates a second cadre for the same person; every staff-number input
 * hints at the cadre it lost its zeros from; names compare without spaces;
 * control characters in names are refused; the credentials file is never
 * separated from its accounts; a mistaken run can be undone; a cadre who left
 * and is appointed again gets a new series, and a mistaken leaving can be
 * cleared.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';

const NOW = '2026-11-25T10:00:00+08:00';

interface Ws {
  dir: string;
  /** The database file (CADRE_DB). */
  db: string;
  cli(args: string[], input?: string): Promise<CliResult>;
  write(name: string, content: string): string;
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  dbHash(): string;
  /** learner ID by staff number, from a credentials file. */
  creds(file: string): Record<string, { id: string; password: string }>;
}

function workspace(): Ws {
  const dir = tempDir('cadre-roster-');
  const db = path.join(dir, 'cadre.db');
  const env = { CADRE_DB: db, CADRE_OPERATOR: 'tester', CADRE_NOW: NOW, TZ: 'Asia/Shanghai' };
  return {
    dir,
    db,
    cli: (args, input) => runCli(args, { cwd: dir, env, input }),
    write(name, content) {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content);
      return p;
    },
    rows(sql, ...params) {
      const d = new Database(db, { readonly: true });
      try {
        return d.prepare(sql).all(...params) as never;
      } finally {
        d.close();
      }
    },
    dbHash() {
      const d = new Database(db);
      d.pragma('wal_checkpoint(TRUNCATE)');
      d.close();
      return crypto.createHash('sha256').update(fs.readFileSync(db)).digest('hex');
    },
    creds(file) {
      const out: Record<string, { id: string; password: string }> = {};
      const text = fs.readFileSync(path.join(dir, file), 'utf8').replace(/^\uFEFF/, '');
      for (const line of text.trim().split(/\r?\n/).slice(1)) {
        const [id, staff, , , password] = line.split(',');
        out[staff!] = { id: id!, password: password! };
      }
      return out;
    },
  };
}

const leftovers = (dir: string) => fs.readdirSync(dir).filter((n) => /\.cadre-tmp$|\.tmp$|\.pending$/.test(n));

describe('a roster re-saved in Excel or WPS (leading zeros lost) never creates the same people again', () => {
  let w: Ws;
  let ids: Record<string, { id: string; password: string }>;
  beforeAll(async () => {
    w = workspace();
    w.write('roster.csv', '工号,姓名,部门,职级,任职日期\n00120012,王芳,财务处,正处,2024-09-10\n00121450,李娜,图书馆,副科,2025-03-15\nT9,张伟,计算机学院,科级,2024-11-01\n120099,赵六,文学院,科级,2024-11-01\n');
    const r = await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    expect(r.code, r.stderr).toBe(0);
    ids = w.creds('cred.csv');
  }, 60_000);

  it('refuses the re-saved roster whole (exit 2, nothing written), naming file, line, column, the cadre on file and the fix', async () => {
    w.write('excel.csv', '工号,姓名,部门,职级,任职日期\n120012,王芳,财务处,正处,2024-09-10\n121450,李　娜,图书馆,副科,2025-03-15\nT9,张伟,计算机学院,科级,2024-11-01\n');
    const before = w.dbHash();
    for (const extra of [[], ['--new-people']]) {
      const r = await w.cli(['issue-accounts', 'excel.csv', '--out', 'cred-excel.csv', ...extra]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`excel.csv, line 2, column 1 (工号): staff number 120012 is 00120012 on file (王芳, 财务处, learner ${ids['00120012']!.id}) without its leading zeros: the same person`);
      expect(r.stderr).toContain(`excel.csv, line 3, column 1 (工号): staff number 121450 is 00121450 on file (李娜, 图书馆, learner ${ids['00121450']!.id})`);
      expect(r.stderr).toMatch(/format the column as text and export again, or write 00120012; --new-people does not apply to this row/);
      expect(r.stderr).toMatch(/nothing was written/);
    }
    expect(w.dbHash()).toBe(before);
    expect(fs.existsSync(path.join(w.dir, 'cred-excel.csv'))).toBe(false);
    expect(leftovers(w.dir)).toEqual([]);
    // With --skip-invalid every row is refused or already on file: nothing new, no credentials file.
    const skip = await w.cli(['issue-accounts', 'excel.csv', '--out', 'cred-excel.csv', '--skip-invalid', '--new-people']);
    expect(skip.code, skip.stderr).toBe(0);
    expect(skip.stderr).toMatch(/issued 0, already had an account 1, updated 0, rejected 2/);
    expect(fs.existsSync(path.join(w.dir, 'cred-excel.csv'))).toBe(false);
    expect(w.rows('SELECT * FROM cadres')).toHaveLength(4);
  });

  it('the same number once zeros are ignored but another name: refused unless --new-people says it is a new person', async () => {
    w.write('other.csv', '工号,姓名,部门,职级,任职日期\n0120012,钱七,财务处,科级,2025-09-01\n');
    const r = await w.cli(['issue-accounts', 'other.csv', '--out', 'cred-other.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`other.csv, line 2, column 1 (工号): staff number 0120012 is not on file, but 00120012 (王芳, 财务处, learner ${ids['00120012']!.id}) is the same number once leading zeros are ignored`);
    expect(r.stderr).toMatch(/1 row has problems, 1 of them looks like cadres already on file; nothing was written/);
    expect(r.stderr).toMatch(/run again with --new-people/);
    const ok = await w.cli(['issue-accounts', 'other.csv', '--out', 'cred-other.csv', '--new-people']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(Object.keys(w.creds('cred-other.csv'))).toEqual(['0120012']);
  });

  it('a number on file that had lost its zeros, now written with them: the same person, refused', async () => {
    w.write('zeros.csv', '工号,姓名,部门,职级,任职日期\n00120099,赵六,文学院,科级,2024-11-01\n');
    const r = await w.cli(['issue-accounts', 'zeros.csv', '--out', 'cred-zeros.csv', '--new-people']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`staff number 00120099 without its leading zeros is 120099 on file (赵六, 文学院, learner ${ids['120099']!.id})`);
    expect(r.stderr).toMatch(/write the staff number on file, 120099, in this roster/);
  });

  it('another staff number with the name and department of a cadre on file (spaces ignored): refused unless --new-people', async () => {
    w.write('name.csv', '工号,姓名,部门,职级,任职日期\nT10,张 伟,计算机学院,科级,2025-09-01\nT11,孙八,计算机学院,科级,2025-09-01\n');
    const before = w.dbHash();
    const r = await w.cli(['issue-accounts', 'name.csv', '--out', 'cred-name.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`name.csv, line 2, column 2 (姓名): staff number T10 is not on file, but 张伟 of 计算机学院 is, as T9 (learner ${ids.T9!.id})`);
    expect(r.stderr).not.toMatch(/line 3/);
    expect(w.dbHash()).toBe(before);
    // --skip-invalid applies the other row, says what it did not apply, and keeps the refused row.
    const partial = await w.cli(['issue-accounts', 'name.csv', '--out', 'cred-name.csv', '--skip-invalid']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stderr).toMatch(/issued 1, already had an account 0, updated 0, rejected 1/);
    expect(partial.stderr).toMatch(/1 row was not applied \(listed above\); the other rows were written/);
    expect(partial.stderr).not.toMatch(/nothing was (written|changed)/);
    expect(Object.keys(w.creds('cred-name.csv'))).toEqual(['T11']);
    const rejected = fs.readFileSync(path.join(w.dir, 'name.rejected.csv'), 'utf8');
    expect(rejected).toMatch(/^\uFEFFline,工号,姓名,部门,职级,任职日期,reason\r?\n2,T10,张 伟,/);
    const ok = await w.cli(['issue-accounts', 'name.csv', '--out', 'cred-name2.csv', '--new-people']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(Object.keys(w.creds('cred-name2.csv'))).toEqual(['T10']);
  });
});

describe('every input keyed by staff number hints at the cadre it lost its zeros from; names compare without spaces', () => {
  let w: Ws;
  let ids: Record<string, { id: string; password: string }>;
  beforeAll(async () => {
    w = workspace();
    w.write('roster.csv', '工号,姓名,部门,职级,任职日期\n00121450,王芳,财务处,正处,2024-09-10\nT1,张三,文学院,科级,2024-09-10\n');
    const r = await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    expect(r.code, r.stderr).toBe(0);
    ids = w.creds('cred.csv');
  }, 60_000);
  const hint = 'staff number 121450 is not on the roster — did you mean 00121450 (王芳, 财务处)?';

  it.each([
    ['import-hours', 'staff_no,course_code,completed_on,hours\nT1,C1,2025-10-01,1\n121450,C1,2025-10-01,1\n'],
    ['import-hours', '工号,课程编号,完成日期\n121450,C1,2025-10-01\n'],
    ['import-training', 'staff_no,topic,attended_on\n121450,党史,2025-10-01\n'],
    ['import-exams', 'staff_no,exam,taken_on,score\n121450,摸底,2025-10-01,80\n'],
    ['import-essays', 'staff_no,kind,title,submitted_on,chars\n121450,reflection,心得,2025-10-01,3000\n'],
  ])('%s', async (command, content) => {
    const file = w.write(`${command}.csv`, content);
    const r = await w.cli([command, file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(hint);
  });

  it('a staff number with no zero-stripped match keeps the plain fix', async () => {
    const file = w.write('plain.csv', 'staff_no,course_code,completed_on\nS999,C1,2025-10-01\n');
    const r = await w.cli(['import-hours', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/staff number S999 is not on the roster — import the roster first/);
  });

  it('names that differ only by spaces (ASCII, full-width, NBSP) match the roster', async () => {
    const file = w.write('names.csv', `staff_no,name,course_code,completed_on\nT1,张 三,C1,2025-10-01\nT1,张\u3000三,C2,2025-10-02\n${ids.T1!.id.length ? 'T1' : ''},张\u00a0三,C3,2025-10-03\nT1,李四,C4,2025-10-04\n`);
    const r = await w.cli(['import-hours', file, '--skip-invalid']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/new 3, duplicates 0, rejected 1/);
    expect(r.stderr).toMatch(/line 5.*李四/);
    const training = w.write('names-training.csv', `learner_id,name,topic,attended_on\n${ids.T1!.id},张　三,党史,2025-10-01\n`);
    const t = await w.cli(['import-training', training]);
    expect(t.code, t.stderr).toBe(0);
  });
});

describe('names and departments with control or text-direction characters are refused at roster import', () => {
  it('ESC, a C1 control and U+202E: exit 2, nothing written, file, line, column and the character named', async () => {
    const w = workspace();
    w.write('bad.csv', `工号,姓名,部门,职级,任职日期\nT1,张\u001b[31m三,文学院,科级,2024-09-10\nT2,李四,图书\u009b馆,科级,2024-09-10\nT3,\u202e王五,文学院,科级,2024-09-10\nT4,王\u3000芳,财务处,科级,2024-09-10\n`);
    const r = await w.cli(['issue-accounts', 'bad.csv', '--out', 'c.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.csv, line 2, column 2 (姓名): contains the control or text-direction character U+001B');
    expect(r.stderr).toContain('bad.csv, line 3, column 3 (部门): contains the control or text-direction character U+009B');
    expect(r.stderr).toContain('bad.csv, line 4, column 2 (姓名): contains the control or text-direction character U+202E');
    expect(r.stderr).not.toMatch(/line 5/);
    // Nothing raw reached the terminal.
    expect(r.stderr).not.toMatch(/[\u001b\u009b\u202e]/);
    expect(r.stderr).toMatch(/3 rows have errors, nothing was written/);
    expect(fs.existsSync(path.join(w.dir, 'c.csv'))).toBe(false);
    // A two-character name padded with a full-width space, as many rosters write it, is a name.
    w.write('ok.csv', '工号,姓名,部门,职级,任职日期\nT4,王\u3000芳,财务处,科级,2024-09-10\n');
    const ok = await w.cli(['issue-accounts', 'ok.csv', '--out', 'c.csv']);
    expect(ok.code, ok.stderr).toBe(0);
  });
});

describe('the credentials file is never separated from its accounts', () => {
  const roster = '工号,姓名,部门,职级,任职日期\nT1,张三,文学院,科级,2024-09-10\n';
  it('a dangling symlink at --out: refused before anything is written; the link is not followed', async () => {
    const w = workspace();
    w.write('roster.csv', roster);
    fs.symlinkSync(path.join(w.dir, 'elsewhere.csv'), path.join(w.dir, 'cred.csv'));
    const r = await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cred\.csv already exists; it is never overwritten/);
    expect(fs.existsSync(path.join(w.dir, 'elsewhere.csv'))).toBe(false);
    expect(fs.existsSync(path.join(w.dir, 'cadre.db')) ? w.rows('SELECT * FROM cadres') : []).toEqual([]);
    expect(leftovers(w.dir)).toEqual([]);
  });

  it('two staff with the same --out at once: one is written with its accounts, the other changes nothing', async () => {
    const w = workspace();
    w.write('a.csv', roster);
    w.write('b.csv', '工号,姓名,部门,职级,任职日期\nT2,李四,图书馆,科级,2024-09-10\n');
    expect((await w.cli(['issue-accounts', 'a.csv', '--out', 'first.csv'])).code).toBe(0);
    w.write('c.csv', '工号,姓名,部门,职级,任职日期\nT3,王五,理学院,科级,2024-09-10\n');
    const [b, c] = await Promise.all([w.cli(['issue-accounts', 'b.csv', '--out', 'same.csv']), w.cli(['issue-accounts', 'c.csv', '--out', 'same.csv'])]);
    expect([b.code, c.code].sort()).toEqual([0, 2]);
    const loser = b.code === 2 ? b : c;
    // Refused when it claims the name, or (planned against cadres that changed meanwhile) just before.
    expect(loser.stderr).toMatch(/same\.csv already exists|another command changed the cadres on file while this one was being prepared; nothing was changed/);
    const written = w.creds('same.csv');
    const staff = Object.keys(written);
    expect(staff).toHaveLength(1);
    expect(w.rows<{ staff_no: string }>('SELECT staff_no FROM cadres ORDER BY staff_no').map((x) => x.staff_no)).toEqual(['T1', staff[0]]);
    expect(w.rows<{ learner_id: string }>('SELECT learner_id FROM cadres WHERE staff_no = ?', staff[0])[0]!.learner_id).toBe(written[staff[0]!]!.id);
    expect(leftovers(w.dir)).toEqual([]);
  });

  it('--skip-invalid whose rejected-rows file cannot be written: refused before the commit, so "nothing was changed" is true', async () => {
    const w = workspace();
    w.write('roster.csv', `${roster}T2,李四,图书馆,正厅,2024-09-10\n`);
    fs.mkdirSync(path.join(w.dir, 'roster.rejected.csv'));
    const r = await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv', '--skip-invalid']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/roster\.rejected\.csv is a folder/);
    // The first roster: the database it would have created is not left behind, so it holds no cadre.
    expect(fs.existsSync(w.db)).toBe(false);
    expect(fs.existsSync(path.join(w.dir, 'cred.csv'))).toBe(false);
    expect(leftovers(w.dir)).toEqual([]);
    // A database on file already: the refused run leaves it as it was.
    w.write('first.csv', '工号,姓名,部门,职级,任职日期\nT9,王五,理学院,科级,2024-09-10\n');
    expect((await w.cli(['issue-accounts', 'first.csv', '--out', 'first-cred.csv'])).code).toBe(0);
    const before = w.dbHash();
    const again = await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv', '--skip-invalid']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/roster\.rejected\.csv is a folder/);
    expect(w.rows<{ staff_no: string }>('SELECT staff_no FROM cadres').map((x) => x.staff_no)).toEqual(['T9']);
    expect(w.dbHash()).toBe(before);
    expect(fs.existsSync(path.join(w.dir, 'cred.csv'))).toBe(false);
    expect(leftovers(w.dir)).toEqual([]);
  });

  it('a run killed after its file was in place and before COMMIT: the next run removes the passwords of accounts that do not exist', async () => {
    const w = workspace();
    w.write('roster.csv', roster);
    expect((await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv'])).code).toBe(0);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const orphan = w.write('orphan.csv', '\uFEFFlearner_id,staff_no,name,department,initial_password\r\nWZ269999,T8,某,文学院,AbcdefghJkLm\r\n');
    const sha = crypto.createHash('sha256').update(fs.readFileSync(orphan)).digest('hex');
    const tmp = w.write('.orphan.csv.1.2.cadre-tmp', 'passwords');
    w.write(`.cadre-credentials.${dead}.00aa11bb22cc33dd.pending`, JSON.stringify({ run: '00aa11bb22cc33dd', target: orphan, tmp, sha256: sha }));
    // A file the marker names but whose content is not that run's is somebody else's: kept.
    const foreign = w.write('foreign.csv', 'not the run\n');
    w.write(`.cadre-credentials.${dead}.11aa11bb22cc33dd.pending`, JSON.stringify({ run: '11aa11bb22cc33dd', target: foreign, tmp: path.join(w.dir, 'none'), sha256: sha }));
    // A marker of a run that did commit (killed before it removed its marker): its file is kept.
    const run = w.rows<{ run: string }>("SELECT json_extract(args, '$.run') AS run FROM journal WHERE command = 'issue-accounts'")[0]!.run;
    w.write(`.cadre-credentials.${dead}.${run}.pending`, JSON.stringify({ run, target: path.join(w.dir, 'cred.csv'), tmp: path.join(w.dir, 'none'), sha256: crypto.createHash('sha256').update(fs.readFileSync(path.join(w.dir, 'cred.csv'))).digest('hex') }));
    const again = await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred2.csv']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`removed ${orphan}: it held the initial passwords of an issue-accounts run that was interrupted before its accounts were saved`);
    expect(fs.existsSync(orphan)).toBe(false);
    expect(fs.existsSync(tmp)).toBe(false);
    expect(fs.existsSync(foreign)).toBe(true);
    expect(fs.existsSync(path.join(w.dir, 'cred.csv'))).toBe(true);
    expect(leftovers(w.dir)).toEqual([]);
  });
});

describe('issue-accounts --undo RUN: a mistaken run undone', () => {
  const runOf = (stderr: string) => Number(/this run is entry (\d+) of the journal; while none of the cadres it created has any record, cadre issue-accounts --undo \1 undoes it/.exec(stderr)?.[1]);

  it('removes the cadres a mistaken run created while none has a record, journaled; learner IDs are not reused', async () => {
    const w = workspace();
    w.write('roster.csv', '工号,姓名,部门,职级,任职日期\n00120012,王芳,财务处,正处,2024-09-10\n');
    expect((await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv'])).code).toBe(0);
    w.write('mistake.csv', '工号,姓名,部门,职级,任职日期\n00120012,王芳,财务处,正处,2024-09-10\nT5,赵五,文学院,科级,2025-09-01\nT6,钱六,文学院,科级,2025-09-01\n');
    const r = await w.cli(['issue-accounts', 'mistake.csv', '--out', 'cred-mistake.csv']);
    expect(r.code, r.stderr).toBe(0);
    const run = runOf(r.stderr);
    expect(run).toBeGreaterThan(0);
    const made = w.creds('cred-mistake.csv');
    const undo = await w.cli(['issue-accounts', '--undo', String(run)]);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stderr).toContain(`Undid run ${run} (mistake.csv): 2 cadres and their accounts removed (${made.T5!.id}, ${made.T6!.id})`);
    expect(undo.stderr).toContain('cred-mistake.csv no longer open any account: delete that file');
    expect(w.rows<{ staff_no: string }>('SELECT staff_no FROM cadres').map((x) => x.staff_no)).toEqual(['00120012']);
    expect(w.rows('SELECT * FROM accounts')).toHaveLength(1);
    expect(w.rows('SELECT * FROM appointments')).toHaveLength(1);
    const journal = w.rows<{ args: string; learner_ids: string }>("SELECT args, learner_ids FROM journal WHERE command = 'issue-accounts --undo'");
    expect(journal).toHaveLength(1);
    expect(JSON.parse(journal[0]!.args)).toMatchObject({ undo: run, roster: path.join(w.dir, 'mistake.csv'), out: path.join(w.dir, 'cred-mistake.csv') });
    expect(journal[0]!.learner_ids).toBe(`,${made.T5!.id},${made.T6!.id},`);
    const twice = await w.cli(['issue-accounts', '--undo', String(run)]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/was already undone/);
    // A run that created nobody has nothing to undo.
    expect((await w.cli(['issue-accounts', 'roster.csv'])).code).toBe(0);
    const idle = w.rows<{ id: number }>("SELECT MAX(id) AS id FROM journal WHERE command = 'issue-accounts'")[0]!.id;
    const nothing = await w.cli(['issue-accounts', '--undo', String(idle)]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain(`run ${idle} (roster.csv) created no cadres; there is nothing to undo`);
    for (const bad of ['abc', '999']) {
      const b = await w.cli(['issue-accounts', '--undo', bad]);
      expect(b.code).toBe(2);
      expect(b.stderr).toMatch(/not a run number|no issue-accounts run 999/);
    }
    // The same roster can be run again; new learner IDs.
    const redo = await w.cli(['issue-accounts', 'mistake.csv', '--out', 'cred-redo.csv']);
    expect(redo.code, redo.stderr).toBe(0);
    const again = w.creds('cred-redo.csv');
    expect(again.T5!.id).not.toBe(made.T5!.id);
    expect(again.T6!.id).not.toBe(made.T6!.id);
  });

  it('refuses while a cadre of the run has a record, or when the run changed cadres already on file; nothing changed', async () => {
    const w = workspace();
    w.write('roster.csv', '工号,姓名,部门,职级,任职日期\nT1,张三,文学院,科级,2024-09-10\nT2,李四,文学院,科级,2024-09-10\n');
    const first = await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    const run = String(runOf(first.stderr));
    const ids = w.creds('cred.csv');
    w.write('hours.csv', 'staff_no,course_code,completed_on\nT2,C1,2025-10-01\n');
    expect((await w.cli(['import-hours', 'hours.csv'])).code).toBe(0);
    const before = w.dbHash();
    const r = await w.cli(['issue-accounts', '--undo', run]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`run ${run} (roster.csv) cannot be undone: 1 of its 2 cadres already have data`);
    expect(r.stderr).toContain(`${ids.T2!.id} 李四 has 1 record (hours, training, essays or exams)`);
    expect(w.dbHash()).toBe(before);

    w.write('more.csv', '工号,姓名,部门,职级,任职日期\nT1,张三,理学院,科级,2024-09-10\nT3,王五,文学院,科级,2024-09-10\n');
    const more = await w.cli(['issue-accounts', 'more.csv', '--out', 'cred-more.csv']);
    const second = String(runOf(more.stderr));
    const refused = await w.cli(['issue-accounts', '--undo', second]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`run ${second} (more.csv) also changed 1 cadre already on file (${ids.T1!.id}); undoing it would not restore them`);
    // The first run's T1 was changed by that later roster: it is reported too.
    const firstAgain = await w.cli(['issue-accounts', '--undo', run]);
    expect(firstAgain.stderr).toContain(`${ids.T1!.id} 张三 was changed by a later roster`);
    expect(w.dbHash()).not.toBe(before);
    expect(w.rows('SELECT * FROM cadres')).toHaveLength(3);
  });
});

describe('a cadre who left office and is appointed again; a leaving entered by mistake', () => {
  let w: Ws;
  let ids: Record<string, { id: string; password: string }>;
  beforeAll(async () => {
    w = workspace();
    w.write('r1.csv', '工号,姓名,部门,职级,任职日期,离任日期\nT1,张三,文学院,科级,2019-10-10,2021-06-30\nT2,李四,图书馆,科级,2024-09-10,2026-03-01\n');
    const r = await w.cli(['issue-accounts', 'r1.csv', '--out', 'cred.csv']);
    expect(r.code, r.stderr).toBe(0);
    ids = w.creds('cred.csv');
  }, 60_000);

  it('both are out of the audit while they are out of office', async () => {
    const r = await w.cli(['audit', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('a later 任职日期 with 离任日期 empty opens a new series: in the audit again, later rows import, the gap belongs to no term; journaled', async () => {
    w.write('r2.csv', '工号,姓名,部门,职级,任职日期,离任日期\nT1,张三,文学院,处级,2025-10-08,\n');
    const r = await w.cli(['issue-accounts', 'r2.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${ids.T1!.id} 张三: left office on 2021-06-30 and appointed again on 2025-10-08: a new series of terms starts`);
    expect(r.stderr).toMatch(/updated 1/);
    const audit = JSON.parse((await w.cli(['audit', '--format', 'json'])).stdout) as { learner_id: string; rank: string; term: { start_year: number } }[];
    expect(audit.map((a) => [a.learner_id, a.rank, a.term.start_year])).toEqual([[ids.T1!.id, 'division', 2025]]);
    w.write('training.csv', 'staff_no,topic,attended_on\nT1,党史,2021-06-30\nT1,党纪,2023-05-01\nT1,党建,2026-01-05\n');
    const h = await w.cli(['import-training', 'training.csv', '--skip-invalid']);
    expect(h.code, h.stderr).toBe(0);
    expect(w.rows<{ attended_on: string }>('SELECT attended_on FROM training ORDER BY attended_on').map((x) => x.attended_on)).toEqual(['2021-06-30', '2026-01-05']);
    const year2023 = JSON.parse((await w.cli(['audit', '--format', 'json', '--year', '2023'])).stdout) as unknown[];
    expect(year2023).toEqual([]);
    const year2020 = JSON.parse((await w.cli(['audit', '--format', 'json', '--year', '2020'])).stdout) as { learner_id: string; rank: string }[];
    expect(year2020.map((a) => [a.learner_id, a.rank])).toEqual([[ids.T1!.id, 'section']]);
    const j = w.rows<{ args: string }>("SELECT args FROM journal WHERE command = 'issue-accounts' ORDER BY id").map((x) => JSON.parse(x.args));
    expect(j[1].updated).toEqual([{ id: ids.T1!.id, changed: ['left_on', 'appointment'], leaving: 'reappointed', left_before: '2021-06-30' }]);
    // Re-running the same roster changes nothing more.
    const again = await w.cli(['issue-accounts', 'r2.csv']);
    expect(again.stderr).toMatch(/issued 0, already had an account 1, updated 0/);
  });

  it('an empty 离任日期 on the row of the same appointment clears a leaving entered by mistake, with a message, journaled', async () => {
    w.write('r3.csv', '工号,姓名,部门,职级,任职日期,离任日期\nT2,李四,图书馆,科级,2024-09-10,\n');
    const r = await w.cli(['issue-accounts', 'r3.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${ids.T2!.id} 李四: the roster's "离任日期" is empty, so the left-office date 2026-03-01 on file was removed`);
    expect(w.rows<{ left_on: string | null }>("SELECT left_on FROM cadres WHERE staff_no = 'T2'")[0]!.left_on).toBeNull();
    const audit = JSON.parse((await w.cli(['audit', ids.T2!.id, '--format', 'json'])).stdout) as { learner_id: string }[];
    expect(audit.map((a) => a.learner_id)).toEqual([ids.T2!.id]);
    const last = w.rows<{ args: string }>("SELECT args FROM journal WHERE command = 'issue-accounts' ORDER BY id DESC LIMIT 1").map((x) => JSON.parse(x.args))[0];
    expect(last.updated).toEqual([{ id: ids.T2!.id, changed: ['left_on'], leaving: 'cleared', left_before: '2026-03-01' }]);
    // A roster without the column says nothing about leaving: it clears nothing.
    w.write('r4.csv', '工号,姓名,部门,职级,任职日期,离任日期\nT2,李四,图书馆,科级,2024-09-10,2026-06-30\n');
    expect((await w.cli(['issue-accounts', 'r4.csv'])).code).toBe(0);
    w.write('r5.csv', '工号,姓名,部门,职级,任职日期\nT2,李四,图书馆,科级,2024-09-10\n');
    const none = await w.cli(['issue-accounts', 'r5.csv']);
    expect(none.stderr).toMatch(/updated 0/);
    expect(w.rows<{ left_on: string | null }>("SELECT left_on FROM cadres WHERE staff_no = 'T2'")[0]!.left_on).toBe('2026-06-30');
  });
});
