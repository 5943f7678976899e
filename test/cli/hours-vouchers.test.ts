/**
 * A file whose groups mix new rows and rows on file, into records on file:
 * only the groups whose term already holds a record of the course can carry
 * a key on file, and every such key is vouched for by the new batch, on
 * whichever row of its group it is (the first row of a group is its earliest
 * date; the key on file may be a later one). Through the real binary.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const NOW = '2026-11-25T10:00:00+08:00';
const ROSTER = '工号,姓名,部门,职级,任职日期,离任日期\nT1,甲,文学院,正处,2024-09-10,\nT3,丙,理学院,科级,2024-11-01,\n';

describe('vouchers of a weekly file into records on file', () => {
  let dir: string;
  let ids: Record<string, string> = {};
  const cli = (args: string[]) => runCli(args, { cwd: dir, env: { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_OPERATOR: 'tester', CADRE_NOW: NOW, CADRE_LANG: 'en' } });
  const query = <T>(sql: string): T[] => {
    const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
    try {
      return db.prepare(sql).all() as T[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = tempDir();
    fs.writeFileSync(path.join(dir, 'roster.csv'), ROSTER);
    const r = await cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    expect(r.code, r.stderr).toBe(0);
    ids = {};
    for (const line of fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)) {
      const [id, staff] = line.split(',');
      ids[staff] = id;
    }
  }, 60_000);

  it('vouches for a key on file that is not the first row of its group, counts only the groups with no record in their term as new', async () => {
    const { T1, T3 } = ids;
    fs.writeFileSync(path.join(dir, 'w1.csv'), `learner_id,course_code,completed_on,hours\n${T1},A,2025-10-05,1\n${T3},A,2025-12-01,1\n`);
    let r = await cli(['import-hours', 'w1.csv']);
    expect(r.code, r.stderr).toBe(0);
    fs.writeFileSync(
      path.join(dir, 'w2.csv'),
      [
        'learner_id,course_code,completed_on,hours',
        `${T1},A,2025-10-05,1`, // line 2: on file, after the group's first row (line 3)
        `${T1},A,2025-10-01,1`, // line 3: new key of an old group
        `${T1},B,2025-11-01,1`, // line 4: a new group
        `${T3},A,2025-12-01,2`, // line 5: on file with other hours
        `${T3},C,2025-12-02,1`, // line 6: a new group
        '',
      ].join('\n'),
    );
    r = await cli(['import-hours', 'w2.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/new 2, duplicates 3, rejected 0/);
    expect(query('SELECT rows_new, rows_duplicate FROM batches WHERE id = 2')).toEqual([{ rows_new: 2, rows_duplicate: 3 }]);
    const vouchers = query<{ day: string; code: string; line: number }>(
      "SELECT h.completed_on AS day, h.course_code AS code, s.line FROM record_sources s JOIN hours h ON h.id = s.record_id WHERE s.kind = 'hours' AND s.batch_id = 2 ORDER BY h.id",
    );
    expect(vouchers).toEqual([
      { day: '2025-10-05', code: 'A', line: 2 },
      { day: '2025-12-01', code: 'A', line: 5 },
    ]);
    expect(query('SELECT v.batch_id, v.quarters FROM voucher_hours v')).toEqual([{ batch_id: 2, quarters: 8 }]);
    expect(query('SELECT course_code, completed_on, batch_id, line FROM hours ORDER BY id')).toEqual([
      { course_code: 'A', completed_on: '2025-10-05', batch_id: 1, line: 2 },
      { course_code: 'A', completed_on: '2025-12-01', batch_id: 1, line: 3 },
      { course_code: 'A', completed_on: '2025-10-01', batch_id: 2, line: 3 },
      { course_code: 'B', completed_on: '2025-11-01', batch_id: 2, line: 4 },
      { course_code: 'C', completed_on: '2025-12-02', batch_id: 2, line: 6 },
    ]);
  });
});
