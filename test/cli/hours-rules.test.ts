/**
 * Issue 9, item 11 (the hours part): where real exports and rosters differ
 * from the happy path, through the real binary with the clock fixed.
 *
 * - a row dated after a cadre's 离任日期: skipped, warned about and counted; the rest imports;
 * - the same (cadre, course, date) in a later file with other hours: warned about with both
 *   sources and how to take the correction (--replace-hours, undone by undo-import);
 * - a course registered by `require` without --hours: a placeholder of 1 hour that the first
 *   import giving its hours replaces; one set with --hours keeps them and the import warns;
 * - full-width digits in hours, on the byte-level path and on the general one.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
// @ts-expect-error a plain .mjs helper shared with the fixture generators
import { legacyEncoder } from '../fixtures/legacy-encoder.mjs';

const gbk: (text: string) => Buffer = legacyEncoder('gbk');
const NOW = '2026-11-25T10:00:00+08:00';
const ROSTER = '工号,姓名,部门,职级,任职日期,离任日期\nT1,甲,文学院,正处,2024-09-10,\nT2,乙,文学院,副科,2025-03-15,2026-06-30\nT3,丙,理学院,科级,2024-11-01,\n';

interface Office {
  dir: string;
  ids: Record<string, string>;
  cli(args: string[], lang?: 'en' | 'zh'): ReturnType<typeof runCli>;
  write(name: string, content: string | Buffer): void;
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  audit(args?: string[]): Promise<any[]>;
}

async function office(): Promise<Office> {
  const dir = tempDir();
  const env = { CADRE_DB: path.join(dir, 'cadre.db'), CADRE_OPERATOR: 'tester', CADRE_NOW: NOW };
  const o: Office = {
    dir,
    ids: {},
    cli: (args, lang = 'en') => runCli(args, { cwd: dir, env: { ...env, CADRE_LANG: lang } }),
    write: (name, content) => fs.writeFileSync(path.join(dir, name), content),
    query<T>(sql: string, ...params: unknown[]): T[] {
      const db = new Database(path.join(dir, 'cadre.db'), { readonly: true });
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
    async audit(args = ['--as-of', '2026-06-30']) {
      const r = await o.cli(['audit', '--format', 'json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    },
  };
  o.write('roster.csv', ROSTER);
  const r = await o.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
  expect(r.code, r.stderr).toBe(0);
  for (const line of fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)) {
    const [id, staff] = line.split(',');
    o.ids[staff] = id;
  }
  return o;
}

const find = (list: any[], id: string) => list.find((x) => x.learner_id === id);
const req = (a: any, id: string, period: string | number) => a.requirements.find((r: any) => r.id === id && r.period === period);

describe('a row dated after the cadre left office', () => {
  let o: Office;
  beforeAll(async () => {
    o = await office();
  }, 60_000);

  it('is skipped with a warning naming file, line, cadre and dates, counted in the summary; the rest of the file imports (exit 0)', async () => {
    const { T1, T2 } = o.ids;
    o.write('week27.csv', `learner_id,course_code,completed_on,hours\n${T1},K1,2026-07-01,2\n${T2},K1,2026-07-02,1\n${T2},K2,2026-06-30,1\n${T2},K3,2026-08-15,1.5\n`);
    const dry = await o.cli(['import-hours', 'week27.csv', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/dry run of week27\.csv.*rows read 4: new 2, duplicates 0, rejected 0, after leaving office: 2/);
    expect(o.query('SELECT * FROM hours')).toEqual([]);
    const r = await o.cli(['import-hours', 'week27.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`week27.csv, line 3, column 3 (completed_on): learner ${T2} left office on 2026-06-30; this row, dated 2026-07-02, is not imported`);
    expect(r.stderr).toContain(`week27.csv, line 5, column 3 (completed_on): learner ${T2} left office on 2026-06-30; this row, dated 2026-08-15, is not imported`);
    expect(r.stderr).toMatch(/imported week27\.csv\s+rows read 4: new 2, duplicates 0, rejected 0, after leaving office: 2/);
    // The day of leaving is still in office.
    expect(o.query('SELECT c.staff_no AS staff, h.course_code AS code, h.completed_on AS date FROM hours h JOIN cadres c ON c.id = h.cadre_id ORDER BY date')).toEqual([
      { staff: 'T2', code: 'K2', date: '2026-06-30' },
      { staff: 'T1', code: 'K1', date: '2026-07-01' },
    ]);
    const journal = o.query<{ counts: string }>("SELECT counts FROM journal WHERE command = 'import-hours'");
    expect(JSON.parse(journal[0].counts)).toMatchObject({ read: 4, new: 2, duplicate: 0, rejected: 0, afterLeaving: 2 });
  });

  it('is counted in Chinese too, and the general path (GBK) agrees with the byte-level one', async () => {
    const { T2 } = o.ids;
    o.write('week28-gbk.csv', gbk(`学员编号,课程编号,完成日期,学时\r\n${T2},K4,2026-07-03,1\r\n${T2},K5,2026-06-01,1\r\n`));
    const r = await o.cli(['import-hours', 'week28-gbk.csv'], 'zh');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`week28-gbk.csv 第 2 行 第 3 列（完成日期）: 学员 ${T2} 已于 2026-06-30 离任，本行日期 2026-07-03 在离任之后，未导入`);
    expect(r.stderr).toMatch(/读取 2 行：新增 1，重复 0，拒绝 0，离任后未导入 1/);
  });

  it('a refused row names the column by the header the office wrote (学时, not hours)', async () => {
    const { T1 } = o.ids;
    o.write('zh-bad.csv', `学员编号,课程编号,完成日期,学时\n${T1},K8,2025-10-01,3小时\n`);
    const r = await o.cli(['import-hours', 'zh-bad.csv'], 'zh');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('zh-bad.csv 第 2 行 第 4 列（学时）: “3小时”带有单位“小时”');
  });

  it('a row after leaving with a bad cell is still an error of the file: refused, nothing written', async () => {
    const { T1, T2 } = o.ids;
    const before = o.query('SELECT COUNT(*) AS n FROM hours')[0];
    o.write('bad-late.csv', `learner_id,course_code,completed_on,hours\n${T1},K9,2026-07-05,1\n${T2},K9,2026-07-05,3小时\n`);
    const r = await o.cli(['import-hours', 'bad-late.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-late\.csv, line 3, column 4 \(hours\): "3小时" has the unit/);
    expect(o.query('SELECT COUNT(*) AS n FROM hours')[0]).toEqual(before);
  });

  it('the other imports skip and count such rows the same way; one record entered by hand is refused', async () => {
    const { T1, T2 } = o.ids;
    o.write('training.csv', `learner_id,topic,attended_on\n${T1},专题A,2026-07-10\n${T2},专题A,2026-07-10\n`);
    const r = await o.cli(['import-training', 'training.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rows read 2: new 1, duplicates 0, rejected 0, after leaving office: 1/);
    const byHand = await o.cli(['record-training', T2, '--topic', '专题B', '--date', '2026-07-11']);
    expect(byHand.code).toBe(2);
    expect(byHand.stderr).toMatch(/--date: learner \w+ left office on 2026-06-30; 2026-07-11 is after that, so nothing can be recorded for it/);
    expect(o.query("SELECT COUNT(*) AS n FROM training WHERE topic = '专题B'")).toEqual([{ n: 0 }]);
  });
});

describe('the same learner, course and date in a later file with other hours', () => {
  let o: Office;
  beforeAll(async () => {
    o = await office();
  }, 60_000);
  const hoursOf = (code: string) => o.query<{ quarters: number; batch: number; line: number }>('SELECT quarters, batch_id AS batch, line FROM hours WHERE course_code = ?', code);

  it('is never silently dropped: the warning names both sources, both hours and how to take the correction; the hours on file stay', async () => {
    const { T1, T3 } = o.ids;
    o.write('week10.csv', `learner_id,course_code,completed_on,hours\n${T1},A1,2025-11-03,1\n${T1},A2,2025-11-04,2\n${T3},A1,2025-11-05,1\n`);
    expect((await o.cli(['import-hours', 'week10.csv'])).code).toBe(0);
    const first = o.query<{ id: number; at: string }>('SELECT id, imported_at AS at FROM batches')[0];
    // The platform re-exported the week with A1 corrected to 1.5 h; A2 and T3's row unchanged.
    o.write('week10-again.csv', `learner_id,course_code,completed_on,hours\n${T3},A1,2025-11-05,1\n${T1},A1,2025-11-03,1.5\n${T1},A2,2025-11-04,2\n${T1},A3,2025-11-06,1\n`);
    const dry = await o.cli(['import-hours', 'week10-again.csv', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/1 row of week10-again\.csv gives other hours than the record already on file .* import it with --replace-hours/);
    const r = await o.cli(['import-hours', 'week10-again.csv']);
    expect(r.code, r.stderr).toBe(0);
    const second = o.query<{ id: number }>('SELECT id FROM batches ORDER BY id DESC LIMIT 1')[0];
    expect(r.stderr).toContain(
      `week10-again.csv, line 3: learner ${T1}, course A1, 2025-11-03: 1.5 h in this file, 1 h on file from batch ${first.id}, week10.csv line 2, imported ${first.at}`,
    );
    expect(r.stderr).toContain(`To take this file's hours instead: cadre undo-import ${second.id}, then cadre import-hours week10-again.csv --replace-hours`);
    expect(r.stderr).toMatch(/rows read 4: new 1, duplicates 3, rejected 0/);
    // Only the row with other hours is named.
    expect(r.stderr).not.toMatch(/line 2: learner|line 4: learner/);
    expect(hoursOf('A1').map((h) => h.quarters).sort()).toEqual([4, 4]);
  });

  it('the advice works: undo this import, import it again with --replace-hours; the audit counts the new hours; undo puts the old ones back', async () => {
    const { T1 } = o.ids;
    const second = o.query<{ id: number }>('SELECT id FROM batches ORDER BY id DESC LIMIT 1')[0];
    expect((await o.cli(['undo-import', String(second.id)])).code).toBe(0);
    const r = await o.cli(['import-hours', 'week10-again.csv', '--replace-hours']);
    expect(r.code, r.stderr).toBe(0);
    const third = o.query<{ id: number }>('SELECT id FROM batches ORDER BY id DESC LIMIT 1')[0];
    expect(r.stderr).toContain(`1 record on file took the hours of week10-again.csv (--replace-hours); cadre undo-import ${third.id} puts the earlier hours back`);
    expect(o.query("SELECT h.quarters, h.batch_id AS batch, h.line FROM hours h JOIN cadres c ON c.id = h.cadre_id WHERE c.learner_id = ? AND h.course_code = 'A1'", T1)).toEqual([{ quarters: 6, batch: third.id, line: 3 }]);
    // 1.5 + 2 + 1 hours of 2025-2026
    expect(req(find(await o.audit(['--as-of', '2025-12-31']), T1), 'hours', 2025).actual).toBe(4.5);
    expect((await o.cli(['undo-import', String(third.id)])).code).toBe(0);
    expect(o.query("SELECT h.quarters, h.line FROM hours h JOIN cadres c ON c.id = h.cadre_id WHERE c.learner_id = ? AND h.course_code = 'A1'", T1)).toEqual([{ quarters: 4, line: 2 }]);
    expect(req(find(await o.audit(['--as-of', '2025-12-31']), T1), 'hours', 2025).actual).toBe(3);
    expect(o.query('SELECT * FROM voucher_hours')).toEqual([]);
  });

  it('undoing the earlier file leaves the hours the later one gave', async () => {
    const { T1 } = o.ids;
    expect((await o.cli(['import-hours', 'week10-again.csv'])).code).toBe(0);
    const first = o.query<{ id: number }>("SELECT id FROM batches WHERE file_name = 'week10.csv'")[0];
    expect((await o.cli(['undo-import', String(first.id)])).code).toBe(0);
    expect(o.query("SELECT h.quarters FROM hours h JOIN cadres c ON c.id = h.cadre_id WHERE c.learner_id = ? AND h.course_code = 'A1'", T1)).toEqual([{ quarters: 6 }]);
  });

  it('the same rows again under another file warn about nothing', async () => {
    const text = fs.readFileSync(path.join(o.dir, 'week10-again.csv'), 'utf8');
    o.write('week10-copy.csv', text + '\n');
    const r = await o.cli(['import-hours', 'week10-copy.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/other hours/);
    expect(r.stderr).toMatch(/new 0, duplicates 4/);
  });

  it('in Chinese', async () => {
    const { T1 } = o.ids;
    o.write('week11.csv', `learner_id,course_code,completed_on,hours\n${T1},A2,2025-11-04,2.5\n`);
    const r = await o.cli(['import-hours', 'week11.csv'], 'zh');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/week11\.csv 中有 1 行与已有记录的学员、课程和日期相同而学时不同，已保留原有学时/);
    expect(r.stderr).toMatch(/week11\.csv 第 2 行：学员 \w+，课程 A2，2025-11-04：本文件 2\.5 学时，已有记录 2 学时（来自批次 \d+：week10-again\.csv 第 4 行，[^）]+ 导入）/);
  });
});

describe('course hours: a placeholder until an import gives them; hours set with --hours kept', () => {
  let o: Office;
  beforeAll(async () => {
    o = await office();
  }, 60_000);
  const course = (code: string) => o.query<{ quarters: number; source: string }>('SELECT quarters, hours_source AS source FROM courses WHERE code = ?', code)[0];

  it('require without --hours registers a placeholder of 1 hour, and says so', async () => {
    const r = await o.cli(['require', '--year', '2025', '--rank', 'division', 'R1', 'R2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/registered with a placeholder of 1 hour each/);
    expect(course('R1')).toEqual({ quarters: 4, source: 'placeholder' });
    const r3 = await o.cli(['require', '--year', '2025', '--rank', 'division', 'R3', '--hours', '3']);
    expect(r3.code, r3.stderr).toBe(0);
    expect(course('R3')).toEqual({ quarters: 12, source: 'require' });
    const list = await o.cli(['courses', '--format', 'json']);
    expect(JSON.parse(list.stdout).map((c: any) => [c.code, c.hours, c.hours_source])).toEqual([
      ['R1', 1, 'placeholder'],
      ['R2', 1, 'placeholder'],
      ['R3', 3, 'require'],
    ]);
  });

  it('an import without an hours column leaves the placeholder', async () => {
    const { T1 } = o.ids;
    o.write('no-hours.csv', `learner_id,course_code,completed_on\n${T1},R2,2025-10-02\n`);
    expect((await o.cli(['import-hours', 'no-hours.csv'])).code).toBe(0);
    expect(course('R2')).toEqual({ quarters: 4, source: 'placeholder' });
  });

  it('the first import that gives the hours replaces the placeholder with a note; --hours ones are kept with a warning; the audit follows', async () => {
    const { T1 } = o.ids;
    o.write('w.csv', `learner_id,course_code,completed_on,hours\n${T1},R1,2025-10-01,2\n${T1},R2,2025-10-03,1.5\n${T1},R3,2025-10-04,2\n`);
    const r = await o.cli(['import-hours', 'w.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 courses had placeholder hours .* and now take this file's: R1 \(1 → 2 h\), R2 \(1 → 1\.5 h\)/);
    expect(r.stderr).toMatch(/1 course keeps the hours set with require --hours, but this file gives others: R3 \(3 → 2 h\)/);
    expect(course('R1')).toEqual({ quarters: 8, source: 'import' });
    expect(course('R2')).toEqual({ quarters: 6, source: 'import' });
    expect(course('R3')).toEqual({ quarters: 12, source: 'require' });
    // Required-course hours in catalogue hours: R1 2 + R2 1.5 + R3 3, all done.
    const a = find(await o.audit(['--as-of', '2025-12-31']), T1);
    expect([req(a, 'required', 2025).required, req(a, 'required', 2025).actual]).toEqual([6.5, 6.5]);
  });

  it('a later import does not change hours an import gave', async () => {
    const { T3 } = o.ids;
    o.write('w2.csv', `learner_id,course_code,completed_on,hours\n${T3},R1,2025-10-05,3\n`);
    const r = await o.cli(['import-hours', 'w2.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/placeholder|require --hours/);
    expect(course('R1')).toEqual({ quarters: 8, source: 'import' });
  });

  it('require --hours replaces a placeholder on file; a course with hours keeps them', async () => {
    expect((await o.cli(['require', '--year', '2025', 'P1'])).code).toBe(0);
    const r = await o.cli(['require', '--year', '2025', 'P1', 'R1', '--hours', '2.5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/these courses had placeholder hours and now take --hours: P1 \(1 → 2\.5\)/);
    expect(r.stderr).toMatch(/keeping their hours .*: R1 \(2\)/);
    expect(course('P1')).toEqual({ quarters: 10, source: 'require' });
    expect(course('R1')).toEqual({ quarters: 8, source: 'import' });
  });

  it('a dry run says what the import would do to the catalogue, and writes nothing', async () => {
    const { T1 } = o.ids;
    expect((await o.cli(['require', '--year', '2025', 'D1'])).code).toBe(0);
    o.write('dry.csv', `learner_id,course_code,completed_on,hours\n${T1},D1,2025-10-07,0.5\n`);
    const r = await o.cli(['import-hours', 'dry.csv', '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/D1 \(1 → 0\.5 h\)/);
    expect(course('D1')).toEqual({ quarters: 4, source: 'placeholder' });
  });
});

describe('full-width digits in hours', () => {
  let o: Office;
  beforeAll(async () => {
    o = await office();
  }, 60_000);

  it.each([
    ['UTF-8, plain rows (the byte-level path)', 'fw.csv', (t: string) => Buffer.from(t, 'utf8')],
    ['UTF-8, every cell quoted', 'fw-quoted.csv', (t: string) => Buffer.from(t.replace(/([^,\n]+)/g, '"$1"'), 'utf8')],
    ['GBK (the general path)', 'fw-gbk.csv', (t: string) => gbk(t)],
  ])('are read like half-width ones: %s', async (_, name, encode) => {
    const { T1 } = o.ids;
    const p = name.replace(/\W/g, '').toUpperCase();
    const text = `learner_id,course_code,completed_on,hours\n${T1},${p}1,2025-10-01,３．５\n${T1},${p}2,2025-10-02,２\n${T1},${p}3,2025-10-03,　１.５　\n${T1},${p}4,２０２５-10-04,０．２５\n`;
    o.write(name, encode(text));
    const r = await o.cli(['import-hours', name]);
    expect(r.code, r.stderr).toBe(0);
    expect(o.query('SELECT course_code AS code, completed_on AS date, quarters FROM hours WHERE course_code LIKE ? ORDER BY code', `${p}%`)).toEqual([
      { code: `${p}1`, date: '2025-10-01', quarters: 14 },
      { code: `${p}2`, date: '2025-10-02', quarters: 8 },
      { code: `${p}3`, date: '2025-10-03', quarters: 6 },
      { code: `${p}4`, date: '2025-10-04', quarters: 1 },
    ]);
  });

  it('a full-width comma is still refused as a decimal comma, named by line and column', async () => {
    const { T1 } = o.ids;
    o.write('fw-bad.csv', `learner_id,course_code,completed_on,hours\n${T1},FB1,2025-10-01,２，５\n`);
    const r = await o.cli(['import-hours', 'fw-bad.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/fw-bad\.csv, line 2, column 4 \(hours\): "２，５" uses a comma as the decimal mark/);
  });
});

describe('a cadre who left office and was appointed again', () => {
  let o: Office;
  let T4: string;
  beforeAll(async () => {
    o = await office();
    o.write('t4.csv', '工号,姓名,部门,职级,任职日期,离任日期\nT4,丁,文学院,科级,2019-10-10,2021-06-30\n');
    const first = await o.cli(['issue-accounts', 't4.csv', '--out', 'cred-t4.csv']);
    expect(first.code, first.stderr).toBe(0);
    T4 = fs.readFileSync(path.join(o.dir, 'cred-t4.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)[1]!.split(',')[0]!;
    o.write('t4-again.csv', '工号,姓名,部门,职级,任职日期,离任日期\nT4,丁,文学院,处级,2025-10-08,\n');
    const again = await o.cli(['issue-accounts', 't4-again.csv']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('appointed again on 2025-10-08');
  }, 60_000);

  it.each([
    ['UTF-8, plain rows (the byte-level path)', 're.csv', (t: string) => Buffer.from(t, 'utf8')],
    ['GBK (the general path)', 're-gbk.csv', (t: string) => gbk(t)],
  ])('imports the rows of both series and skips those of the gap as after leaving office: %s', async (_, name, encode) => {
    const p = name.replace(/\W/g, '').toUpperCase();
    o.write(name, encode(`staff_no,姓名,course_code,completed_on,hours\nT4,丁,${p}1,2020-03-02,1\nT4,丁,${p}2,2023-05-01,1\nT4,丁,${p}3,2026-01-05,2\n`));
    const r = await o.cli(['import-hours', name]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${name}, line 3, column 4 (completed_on): learner ${T4} left office on 2021-06-30; this row, dated 2023-05-01, is not imported`);
    expect(r.stderr).toMatch(/rows read 3: new 2, duplicates 0, rejected 0, after leaving office: 1/);
    expect(o.query('SELECT course_code AS code, completed_on AS date, quarters FROM hours WHERE course_code LIKE ? ORDER BY code', `${p}%`)).toEqual([
      { code: `${p}1`, date: '2020-03-02', quarters: 4 },
      { code: `${p}3`, date: '2026-01-05', quarters: 8 },
    ]);
  });
});
