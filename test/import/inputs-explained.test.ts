/**
 * Inputs explain themselves: each import's --help lists its columns (made
 * from src/import/columns.ts), `cadre template` writes files that import,
 * a header that almost names a column says which, HR files' title and
 * 合计/小计 rows are skipped with a note, and many rows with one problem are
 * said in one line. The HR-style workbooks are made by
 * test/fixtures/hr/make-hr.mjs. Each command runs in this process.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import stringWidth from 'string-width';
import { beforeAll, describe, expect, it } from 'vitest';
import { INPUT_KINDS, INPUT_SPECS } from '../../src/import/columns.js';
import { nameLikeness, pickHeaderRow } from '../../src/io/table/header.js';
import { skippableRow } from '../../src/import/row-skip.js';
import { openTable } from '../../src/io/table.js';
import { lineRanges, ProblemTally } from '../../src/shell/report-error.js';
import { createTranslator } from '../../src/i18n/index.js';
import { msg } from '../../src/errors.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';

const HR = path.join(repoRoot, 'test', 'fixtures', 'hr');

function workspace(): { dir: string; cli: ReturnType<typeof cadreIn>; copy(name: string): string; write(name: string, text: string): string; roster(): Promise<void> } {
  const dir = tempDir('cadre-inputs-');
  const cli = cadreIn({ cwd: dir, lang: 'zh' });
  return {
    async roster() {
      fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\n0012301,张伟,计算机学院,正处,2025-09-01\n');
      const r = await cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
      expect(r.code, r.stderr).toBe(0);
    },
    dir,
    cli,
    copy(name) {
      fs.copyFileSync(path.join(HR, name), path.join(dir, name));
      return name;
    },
    write(name, text) {
      fs.writeFileSync(path.join(dir, name), text);
      return name;
    },
  };
}

describe('a header that almost names a column', () => {
  it('is measured loosely: case, width, spaces and punctuation do not count', () => {
    expect(nameLikeness('课程ID', '课程编号')).toBeCloseTo(0.5);
    expect(nameLikeness('获得学时', '学时')).toBeCloseTo(2 / 3);
    expect(nameLikeness('任现职级时间', '任职时间')).toBeCloseTo(0.8);
    expect(nameLikeness('课程 编号', '课程编号')).toBe(1);
    expect(nameLikeness('备注', '课程编号')).toBe(0);
  });

  it('课程ID: the refusal names the user\'s header and says "did you mean 课程编号"', async () => {
    const w = workspace();
    await w.roster();
    const r = await w.cli(['import-hours', w.copy('hours-near-miss.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('第 2 列（课程ID）');
    expect(r.stderr).toContain('第 2 列「课程ID」是否就是 课程编号？');
    expect(r.stderr).toContain('用 cadre template hours 可生成表头正确的模板');
    const en = await cadreIn({ cwd: w.dir, lang: 'en' })(['import-hours', 'hours-near-miss.csv']);
    expect(en.stderr).toContain('column 2 "课程ID": did you mean 课程编号?');
  });

  it('任现职级时间 in a roster: "did you mean 任职日期"', async () => {
    const w = workspace();
    const r = await w.cli(['issue-accounts', w.copy('roster-near-miss.csv'), '--out', 'cred.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('第 5 列「任现职级时间」是否就是 任职日期？');
  });

  it('获得学时 beside a complete header: warned that it may be 学时 (else every row counts 1 hour)', async () => {
    const w = workspace();
    await w.roster();
    const r = await w.cli(['import-hours', w.copy('hours-near-optional.csv'), '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('第 4 列「获得学时」不认识，已忽略——是否就是 学时？本次按没有 学时 列导入（每行 1 学时）');
    // Said once: not also among the unknown columns.
    expect(r.stderr).not.toContain('这些列不认识');
  });
});

describe('a staff number and a learner ID mixed up', () => {
  it('a learner ID under 工号, and a staff number under 学员编号: the refusal says whose number it is and which column it belongs in', async () => {
    const w = workspace();
    await w.roster();
    const id = (JSON.parse((await w.cli(['accounts', '--format', 'json'])).stdout) as { learner_id: string }[])[0].learner_id;
    w.write('by-id.csv', `工号,课程编号,完成时间,学时\n${id},C001,2026-10-10,2\n`);
    w.write('by-staff.csv', `学员编号,课程编号,完成时间,学时\n0012301,C001,2026-10-10,2\n`);
    const r = await w.cli(['import-hours', 'by-id.csv', 'by-staff.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${id} 是学员编号（张伟，计算机学院，工号 0012301）：工号列应填工号；若整列都是学员编号，把列名改为“学员编号”`);
    expect(r.stderr).toContain(`0012301 是工号（张伟，计算机学院，学员编号 ${id}）：学员编号列应填学员编号；若整列都是工号，把列名改为“工号”`);
    const en = await cadreIn({ cwd: w.dir, lang: 'en' })(['import-hours', 'by-id.csv']);
    expect(en.stderr).toContain(`${id} is a learner ID (张伟, 计算机学院, staff number 0012301)`);
  });
});

describe('HR files: a title above the header, 小计 and 合计 rows', () => {
  it('finds the header under a title row and a blank row', () => {
    const spec = INPUT_SPECS.roster;
    expect(pickHeaderRow([['2025年干部名单'], ['工号', '姓名', '部门', '职级', '任职日期']], spec)).toBe(1);
    expect(pickHeaderRow([['工号', '姓名', '部门', '职级', '任职日期']], spec)).toBe(0);
    // No name known: the first row with two cells filled is the header (and its columns are then said missing).
    expect(pickHeaderRow([['名单'], ['编号', '名字'], ['a', 'b']], spec)).toBe(1);
  });

  it('a tab-separated file under a title line without tabs: the delimiter is the header\'s, the title is said', async () => {
    const w = workspace();
    const file = path.join(w.dir, 't.txt');
    fs.writeFileSync(file, '2025年学时统计\n\n工号\t课程编号\t完成日期\n0012301\tC1\t2025-11-03\n');
    const { header, records } = await openTable(file, INPUT_SPECS.hours);
    expect(header.format).toBe('tsv');
    expect(header.line).toBe(3);
    expect(header.titles).toEqual([{ line: 1, text: '2025年学时统计' }]);
    const rows = [];
    for await (const r of records) rows.push(r.cells);
    expect(rows).toEqual([{ staff_no: '0012301', course_code: 'C1', completed_on: '2025-11-03' }]);
  });

  it('knows a sums row and a template\'s example row, and not a real row', () => {
    expect(skippableRow(['合计', '', '', '3人'], 9)).toEqual({ line: 9, why: 'total', text: '合计' });
    expect(skippableRow(['', '小 计：', '4'], 6)?.why).toBe('total');
    expect(skippableRow(['Total', '', '5'], 6)?.why).toBe('total');
    expect(skippableRow(['示例：WZ260001', 'C101'], 2)?.why).toBe('example');
    expect(skippableRow(['0012301', '张伟', '计算机学院'], 4)).toBeNull();
  });

  it('a roster workbook: title, two 小计 and a 合计 skipped with a note naming each line; three cadres issued', async () => {
    const w = workspace();
    const r = await w.cli(['issue-accounts', w.copy('roster-title-totals.xlsx'), '--out', 'cred.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('第 1 行「2025年干部名单」在表头（第 3 行）之上，视为标题，已跳过');
    for (const line of [6, 8]) expect(r.stderr).toContain(`第 ${line} 行是「小计」行`);
    expect(r.stderr).toContain('第 9 行是「合计」行');
    expect(r.stderr).toContain('新发放 3');
    const creds = fs.readFileSync(path.join(w.dir, 'cred.csv'), 'utf8');
    expect(creds).toContain('0012301');
  });

  it('hours as a workbook and as CSV: the sums rows are not read as rows, the records are', async () => {
    const w = workspace();
    expect((await w.cli(['issue-accounts', w.copy('roster-title-totals.xlsx'), '--out', 'cred.csv'])).code).toBe(0);
    const r = await w.cli(['import-hours', w.copy('hours-title-total.xlsx'), w.copy('hours-title-total.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/hours-title-total\.xlsx 第 6 行是「合计」行/);
    expect(r.stderr).toMatch(/hours-title-total\.csv 第 6 行是「小计」行/);
    expect(r.stderr).toMatch(/hours-title-total\.csv 第 8 行是「合计」行/);
    expect(r.stderr).toContain('已导入 hours-title-total.xlsx  读取 2 行：新增 2');
    expect(r.stderr).toContain('已导入 hours-title-total.csv  读取 3 行：新增 3');
  });
});

describe('many rows with the same problem', () => {
  const tr = createTranslator('en');
  const unknown = (line: number) => ({ file: 'h.csv', line, column: 1, columnName: '学员编号', reason: msg('row.unknownLearner', { id: `WZ26${String(line).padStart(4, '0')}` }), fix: msg('row.fix.unknownCadre') });

  it('up to five are listed each; more are one line with the count, the lines and the first in full', () => {
    const few = ProblemTally.of([2, 3, 4, 5, 6].map(unknown)).lines(tr);
    expect(few).toHaveLength(5);
    const many = ProblemTally.of([...Array.from({ length: 86 }, (_, i) => unknown(i + 2)), { file: 'h.csv', line: 90, column: 3, reason: msg('cell.empty') }]).lines(tr);
    expect(many).toHaveLength(2);
    expect(many[0]).toMatch(/^86 rows with the same problem \(lines 2–87\); the first: h\.csv, line 2, column 1 \(学员编号\): learner ID WZ260002/);
    expect(many[1]).toMatch(/line 90, column 3/);
  });

  it('problems of one line (the header\'s missing columns) are each said, however many', () => {
    const header = ['工号', '姓名', '部门', '职级', '任职日期', '电话', '邮箱'].map((name) => ({ file: 'r.csv', line: 1, reason: msg('io.table.missingColumn', { name }) }));
    const lines = ProblemTally.of(header).lines(tr);
    expect(lines).toHaveLength(7);
    expect(lines.join('\n')).not.toMatch(/same problem/);
  });

  it('lines are said as runs', () => {
    expect(lineRanges([2, 3, 4, 7, 9, 10], false, ', ')).toBe('2–4, 7, 9–10');
    expect(lineRanges([1, 3, 5, 7, 9, 11, 13], false, '、')).toBe('1、3、5、7、9、11、…');
  });

  it('an import refused for 86 unknown learners says so in one line, the other problems each', async () => {
    const w = workspace();
    const rows = Array.from({ length: 86 }, (_, i) => `WZ26${String(i + 101).padStart(4, '0')},C001,2025-09-16,2`);
    const file = w.write('h.csv', ['学员编号,课程编号,完成日期,学时', ...rows, 'WZ269999,C001,2025-02-30,2'].join('\n') + '\n');
    await w.roster();
    const r = await w.cli(['import-hours', file]);
    expect(r.code).toBe(2);
    const listed = r.stderr.split('\n').filter((l) => l.startsWith('  '));
    // Line 88 names an unknown learner too, and has a date that does not exist: 87 of one problem, one of another.
    expect(listed[0]).toMatch(/^ {2}87 行同一问题（第 2–88 行），第一处：h\.csv 第 2 行 第 1 列（学员编号）: 学员编号 WZ260101 不存在/);
    expect(listed[1]).toMatch(/第 88 行 第 3 列（完成日期）: 日期 2025-02-30 不存在/);
    expect(listed).toHaveLength(2);
    // With --skip-invalid every rejected row is still in the rejected-rows file.
    const s = await w.cli(['import-hours', file, '--skip-invalid']);
    expect(s.code, s.stderr).toBe(0);
    const rejected = fs.readFileSync(path.join(w.dir, 'h.rejected.csv'), 'utf8').trim().split(/\r?\n/);
    expect(rejected).toHaveLength(1 + 87);
  });
});

describe('the roster\'s problems are grouped too', () => {
  it('eight rows with a rank the policy does not know: refused in one line; with --skip-invalid warned in one line', async () => {
    const w = workspace();
    const rows = Array.from({ length: 8 }, (_, i) => `00124${String(i).padStart(2, '0')},人${i},计算机学院,组长,2025-09-01`);
    w.write('r.csv', ['工号,姓名,部门,职级,任职日期', '0012301,张伟,计算机学院,正处,2025-09-01', ...rows].join('\n') + '\n');
    const r = await w.cli(['issue-accounts', 'r.csv', '--out', 'cred.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ {2}8 行同一问题（第 3–10 行），第一处：r\.csv 第 3 行 第 4 列（职级）/m);
    const s = await w.cli(['issue-accounts', 'r.csv', '--out', 'cred.csv', '--skip-invalid']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr.match(/第 4 列（职级）/g)).toHaveLength(1);
    expect(s.stderr).toContain('新发放 1');
  });
});

describe('--help lists the columns', () => {
  const commandOf = { roster: 'issue-accounts', hours: 'import-hours', training: 'import-training', exams: 'import-exams', essays: 'import-essays' } as const;
  for (const kind of INPUT_KINDS) {
    it(`${commandOf[kind]} --help: every column's Chinese name and key, required or optional, in zh and en`, async () => {
      const w = workspace();
      for (const lang of ['zh', 'en'] as const) {
        const r = await cadreIn({ cwd: w.dir, lang })([commandOf[kind], '--help']);
        expect(r.code).toBe(0);
        for (const col of INPUT_SPECS[kind].columns) expect(r.stdout).toMatch(new RegExp(`^ {2}${col.zh} +${col.key} +\\S`, 'm'));
        expect(r.stdout).toContain(lang === 'zh' ? '必填' : 'required');
        expect(r.stdout).toContain(`cadre template ${kind}`);
        // The column list fits 80 columns, CJK counted as two.
        const section = r.stdout.slice(r.stdout.search(/文件的列|Columns of the file/));
        for (const line of section.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
      }
    });
  }
  it('the hours column says its default', async () => {
    const r = await cadreIn({ cwd: tempDir('cadre-inputs-'), lang: 'zh' })(['import-hours', '--help']);
    expect(r.stdout).toMatch(/学时 +hours +可选，不填：每行 1 学时/);
  });
});

describe('cadre template', () => {
  let w: ReturnType<typeof workspace>;
  beforeAll(async () => {
    w = workspace();
    w.write('roster.csv', '工号,姓名,部门,职级,任职日期\n0012345,张伟,计算机学院,正处,2025-09-01\n');
    const r = await w.cli(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('writes 学时模板.xlsx in the current folder: Chinese header with comments, text ID columns, the example row marked', async () => {
    const r = await w.cli(['template', 'hours']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('已写入模板 学时模板.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(w.dir, '学时模板.xlsx'));
    const ws = wb.worksheets[0];
    const spec = INPUT_SPECS.hours;
    spec.columns.forEach((c, i) => {
      const head = ws.getCell(1, i + 1);
      expect(head.value).toBe(c.zh);
      expect(String(head.note)).toMatch(c.key === 'course_code' ? /^必填/ : /\S/);
      if (c.id) expect(ws.getColumn(i + 1).numFmt).toBe('@');
    });
    expect(ws.getCell(2, 1).value).toBe('示例：WZ260001');
    expect(ws.getCell(2, 2).value).toBe('0012345');
    // Written again: refused without --overwrite.
    const again = await w.cli(['template', 'hours']);
    expect(again.code).toBe(2);
    expect((await w.cli(['template', 'hours', '--overwrite'])).code).toBe(0);
  });

  it('takes the format from --out, and refuses an --out that contradicts --format', async () => {
    const r = await w.cli(['template', 'exams', '--out', 'e.csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(w.dir, 'e.csv'), 'utf8')).toMatch(/^\uFEFF学员编号,工号,姓名,考试名称,考试日期,成绩\r\n/);
    const bad = await w.cli(['template', 'exams', '--format', 'csv', '--out', 'e.xlsx']);
    expect(bad.code).toBe(2);
    expect(fs.existsSync(path.join(w.dir, 'e.xlsx'))).toBe(false);
  });

  it('refuses a kind it does not know, naming the kinds', async () => {
    const r = await w.cli(['template', 'payroll']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('roster|hours|training|exams|essays');
  });

  /** The template's example row with real values: what the office does before importing it. */
  const filled: Record<string, Record<string, string>> = {
    roster: { staff_no: '0012399', name: '钱七', email: '' },
    rosterCsv: { staff_no: '0012398', name: '孙八', email: '' },
    hours: { learner_id: '', staff_no: '0012345' },
    training: { learner_id: '', staff_no: '0012345' },
    exams: { learner_id: '', staff_no: '0012345' },
    essays: { learner_id: '', staff_no: '0012345' },
  };
  /** The CSV runs record other things than the workbook runs (else they would be duplicates). */
  const asCsv: Record<string, string> = { name: '', topic: '教育强国专题', exam: '2025年第二次摸底考试', course_code: 'C102', title: '学习心得之二' };
  const commandOf = { roster: 'issue-accounts', hours: 'import-hours', training: 'import-training', exams: 'import-exams', essays: 'import-essays' } as const;

  for (const kind of INPUT_KINDS) {
    for (const format of ['xlsx', 'csv'] as const) {
      it(`${kind} as ${format}: the example row alone is skipped with a note; filled in, it imports`, async () => {
        const file = `${kind}-t.${format}`;
        const made = await w.cli(['template', kind, '--format', format, '--out', file]);
        expect(made.code, made.stderr).toBe(0);
        const args = (f: string) => (kind === 'roster' ? [commandOf[kind], f, '--out', `cred-${format}-${f}.csv`] : [commandOf[kind], f]);
        const blank = await w.cli([...args(file), '--dry-run']);
        expect(blank.stderr).toContain(`${file} 第 2 行是模板的示例行`);
        expect(blank.stdout + blank.stderr).not.toMatch(/新发放 [1-9]|新增 [1-9]/);
        // Fill the example row in.
        const spec = INPUT_SPECS[kind];
        const values = spec.columns.map((c) => (kind === 'roster' ? filled[format === 'csv' ? 'rosterCsv' : 'roster'][c.key] : format === 'csv' ? asCsv[c.key] : undefined) ?? filled[kind][c.key] ?? c.example);
        const out = `${kind}-filled.${format}`;
        if (format === 'xlsx') {
          const wb = new ExcelJS.Workbook();
          await wb.xlsx.readFile(path.join(w.dir, file));
          const ws = wb.worksheets[0];
          values.forEach((v, i) => {
            const cell = ws.getCell(2, i + 1);
            if (v === '') cell.value = null;
            else if (cell.value instanceof Date || typeof cell.value === 'number') return;
            else cell.value = v;
          });
          await wb.xlsx.writeFile(path.join(w.dir, out));
        } else {
          const text = fs.readFileSync(path.join(w.dir, file), 'utf8').split('\r\n');
          text[1] = values.join(',');
          fs.writeFileSync(path.join(w.dir, out), text.join('\r\n'));
        }
        const r = await w.cli(args(out));
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).not.toContain('示例行');
        expect(r.stderr).toMatch(kind === 'roster' ? /新发放 1/ : /新增 1/);
      });
    }
  }
});

function findSoffice(): string | null {
  for (const p of ['/usr/bin/soffice', '/usr/bin/libreoffice', '/usr/local/bin/soffice']) if (fs.existsSync(p)) return p;
  return null;
}
const soffice = findSoffice();
if (!soffice) console.warn('skipped: the LibreOffice check of test/import/inputs-explained.test.ts needs soffice, which is not installed here');

describe.runIf(soffice)('a template as LibreOffice reads it', () => {
  it('shows the Chinese header, the staff number with its zeros and the date as written; saved again by LibreOffice, it still imports', async () => {
    const w = workspace();
    await w.roster();
    expect((await w.cli(['template', 'hours', '--out', 'h.xlsx'])).code).toBe(0);
    const profile = path.join(w.dir, 'lo-profile');
    const { execFileSync } = await import('node:child_process');
    execFileSync(soffice!, [`-env:UserInstallation=file://${profile}`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1', '--outdir', path.join(w.dir, 'lo'), path.join(w.dir, 'h.xlsx')], { stdio: 'ignore', timeout: 120_000 });
    const { parse } = await import('csv-parse/sync');
    const lines = (parse(fs.readFileSync(path.join(w.dir, 'lo', 'h.csv'), 'utf8').replace(/^\uFEFF/, '')) as string[][]).map((r) => r.join(','));
    expect(lines[0]).toBe(INPUT_SPECS.hours.columns.map((c) => c.zh).join(','));
    expect(lines[1]).toMatch(/^示例：WZ260001,0012345,张伟,C101,2025-11-03,/);
    // The office's own row typed under the example, then the file re-saved by LibreOffice as xlsx.
    fs.writeFileSync(path.join(w.dir, 'lo', 'typed.csv'), `${lines[0]}\n${lines[1]}\n,0012301,张伟,C101,2025-11-03,,2\n`);
    execFileSync(soffice!, [`-env:UserInstallation=file://${profile}`, '--headless', '--infilter=CSV:44,34,76,1,1/2/2/2/3/2/4/2', '--convert-to', 'xlsx', '--outdir', w.dir, path.join(w.dir, 'lo', 'typed.csv')], { stdio: 'ignore', timeout: 120_000 });
    const r = await w.cli(['import-hours', 'typed.xlsx']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('第 2 行是模板的示例行');
    expect(r.stderr).toContain('读取 1 行：新增 1');
  }, 240_000);
});
