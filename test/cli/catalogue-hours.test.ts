/**
 * When the catalogue's hours of a course and the hours the platform's rows
 * give disagree (or the rows disagree among themselves), the import says so
 * once per course, with both figures and which counts where.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runIssueAccounts } from '../../src/commands/issue-accounts.js';
import { run as importHours } from '../../src/commands/import-hours.js';
import { tempDir } from '../helpers/cli.js';
import { testContext, type TestContext } from '../helpers/context.js';

let dir: string;
const opened: TestContext[] = [];
const ctxFor = (lang: 'en' | 'zh' = 'en') => {
  const c = testContext({ cwd: dir, lang });
  opened.push(c);
  return c;
};
const write = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const warned = (ctx: TestContext) => ctx.stderr.join('').split('\n').filter((l) => /catalogue|课程目录/.test(l));

beforeEach(async () => {
  dir = tempDir();
  write('roster.csv', '工号,姓名,部门,职级,任职日期\nP001,周八,音乐学院,正科,2025-09-01\nP002,吴九,音乐学院,正科,2025-09-01\nP003,郑十,音乐学院,正科,2025-09-01\n');
  expect(await runIssueAccounts({ roster: path.join(dir, 'roster.csv'), out: 'cred.csv' }, ctxFor())).toBe(0);
});

afterEach(() => {
  for (const c of opened.splice(0)) c.dispose?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('catalogue hours and the platform hours of a course', () => {
  it('a later file giving other hours for a course is warned once, naming both figures and which counts', async () => {
    const first = ctxFor();
    expect(await importHours({ files: [write('w1.csv', '工号,课程编号,完成日期,学时\nP001,K1,2025-10-01,1\nP001,K2,2025-10-01,2\n')] }, first)).toBe(0);
    expect(warned(first)).toEqual([]);

    const second = ctxFor();
    const w2 = write('w2.csv', '工号,课程编号,完成日期,学时\nP002,K1,2025-10-08,1.5\nP003,K1,2025-10-09,1.5\nP002,K2,2025-10-08,2\n');
    expect(await importHours({ files: [w2] }, second)).toBe(0);
    expect(warned(second)).toEqual([
      "warning: 1 course has other hours in this file than in the catalogue: K1 (catalogue 1 h, this file 1.5 h) — the platform hours count each row's own hours, the required-course hours count the catalogue's; check with the platform",
    ]);
    // The catalogue keeps its hours; each record keeps its own.
    expect(second.db().prepare("SELECT quarters FROM courses WHERE code = 'K1'").get()).toEqual({ quarters: 4 });
    expect(second.db().prepare("SELECT h.quarters FROM hours h WHERE h.course_code = 'K1' ORDER BY h.completed_on").all()).toEqual([{ quarters: 4 }, { quarters: 6 }, { quarters: 6 }]);

    // The same rows again, under another name: nothing new, nothing to say again.
    const copy = ctxFor();
    expect(await importHours({ files: [write('w2-copy.csv', fs.readFileSync(w2, 'utf8') + '\n')] }, copy)).toBe(0);
    expect(warned(copy)).toEqual([]);
  });

  it('rows of a new course that disagree among themselves are warned too (zh)', async () => {
    const ctx = ctxFor('zh');
    expect(await importHours({ files: [write('w1.csv', '工号,课程编号,完成日期,学时\nP001,N1,2025-10-01,1\nP002,N1,2025-10-02,2\nP003,N2,2025-10-02,2\n')] }, ctx)).toBe(0);
    expect(warned(ctx)).toEqual([
      '警告: 1 门课程本文件的学时与课程目录不同：N1（课程目录 2 学时，本文件 1–2 学时） — 平台学时按每行的学时计，必修课学时按课程目录的学时计；请与平台核对',
    ]);
  });
});
