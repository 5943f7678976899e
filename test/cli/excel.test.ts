/**
 * Excel where the office lives: xlsx out (header, frozen panes, widths, escaped text) and xlsx in.
 * Each command line runs in this process (test/helpers/run.ts: the real program, a fresh context per run).
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';

let dir: string;
const cli = (args: string[]) => cadreIn({ cwd: dir })(args);
const ids: Record<string, string> = {};

async function writeXlsx(file: string, rows: (string | number | Date)[][]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  for (const r of rows) ws.addRow(r);
  await wb.xlsx.writeFile(path.join(dir, file));
}

async function readXlsx(file: string) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path.join(dir, file));
  return wb.worksheets[0];
}

beforeAll(async () => {
  dir = tempDir();
  await writeXlsx('roster.xlsx', [
    ['工号', '姓名', '部门', '职级', '任职日期'],
    ['X1', '=HYPERLINK("http://evil")', '数学学院', '正处', new Date(Date.UTC(2025, 8, 1))],
    ['X2', '@王', '-外语学院', '副科', '2025-09-01'],
  ]);
  const r = await cli(['issue-accounts', 'roster.xlsx', '--out', 'cred.csv']);
  expect(r.code, r.stderr).toBe(0);
  for (const line of fs.readFileSync(path.join(dir, 'cred.csv'), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/).slice(1)) {
    const cells = line.split(',');
    ids[cells[1]] = cells[0];
  }
}, 60_000);

describe('xlsx in', () => {
  it('imports hours, training and exams from .xlsx with the same columns', async () => {
    await writeXlsx('hours.xlsx', [
      ['学员编号', '课程编号', '完成日期', '学时'],
      [ids.X1, 'C1', new Date(Date.UTC(2025, 9, 1)), 2.5],
      [ids.X2, 'C1', '2025/10/2', 1],
    ]);
    await writeXlsx('training.xlsx', [['工号', '专题', '日期'], ['X1', '专题甲', '2025-10-03']]);
    await writeXlsx('exams.xlsx', [['工号', '考试名称', '日期', '成绩'], ['X1', '摸底考试', '2025-12-03', 88.5]]);
    for (const [cmd, file] of [['import-hours', 'hours.xlsx'], ['import-training', 'training.xlsx'], ['import-exams', 'exams.xlsx']]) {
      const r = await cli([cmd, file]);
      expect(r.code, r.stderr).toBe(0);
    }
    const list = JSON.parse((await cli(['audit', '--as-of', '2025-12-31', '--format', 'json'])).stdout);
    const x1 = list.find((a: any) => a.staff_no === 'X1');
    expect([x1.credits.platform, x1.credits.training, x1.latest_exam.score]).toEqual([1, 1, 88.5]);
  });
  it('a bad xlsx row is named by its sheet row and column', async () => {
    await writeXlsx('bad.xlsx', [['学员编号', '课程编号', '完成日期', '学时'], [ids.X1, 'C2', '2025-02-30', 1]]);
    const r = await cli(['import-hours', 'bad.xlsx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.xlsx, line 2, column 3 \(完成日期\)/);
  });
});

describe('xlsx out', () => {
  it('audit --format xlsx: a title row, two header rows, frozen panes, fitted widths, names kept as typed in text cells', async () => {
    const r = await cli(['audit', '--as-of', '2025-12-31', '--format', 'xlsx', '--out', 'audit.xlsx']);
    expect(r.code, r.stderr).toBe(0);
    const ws = await readXlsx('audit.xlsx');
    expect(String(ws.getRow(1).getCell(1).value)).toBe('Organisation Department of the Party Committee — all departments — Audit as of 2025-12-31 — 2 cadres');
    expect(ws.getRow(2).getCell(1).value).toBe('learner_id');
    expect([ws.getRow(2).getCell(8).value, ws.getRow(3).getCell(8).value, ws.getRow(3).getCell(9).value]).toEqual(['hours', 'actual', 'required']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3 });
    expect(ws.getColumn(3).width).toBeGreaterThanOrEqual(8);
    const names = [ws.getRow(4).getCell(3), ws.getRow(5).getCell(3)];
    // A text cell is never a formula: shown exactly as typed, with no apostrophe added.
    expect(names.map((c) => c.value)).toEqual(expect.arrayContaining(['=HYPERLINK("http://evil")', '@王']));
    for (const c of names) expect(c.type).toBe(ExcelJS.ValueType.String);
    for (let row = 1; row <= ws.rowCount; row++) {
      ws.getRow(row).eachCell((cell) => expect(cell.formula).toBeUndefined());
    }
  });
  it('CSV escapes formula-looking text too', async () => {
    const r = await cli(['audit', '--as-of', '2025-12-31', '--format', 'csv']);
    expect(r.stdout).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(r.stdout).toContain(`'-外语学院`);
  });
  it('--shortfall --split-by department writes one workbook per department, named with the year', async () => {
    const r = await cli(['audit', '--year', '2025', '--shortfall', '--split-by', 'department', '--out-dir', 'out']);
    expect(r.code, r.stderr).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'out')).sort();
    expect(files).toEqual(['shortfall--外语学院_2025-2026.xlsx', 'shortfall-数学学院_2025-2026.xlsx'].sort());
    const ws = await readXlsx(path.join('out', 'shortfall-数学学院_2025-2026.xlsx'));
    expect(ws.rowCount).toBe(4);
    const missing = (ws.getRow(2).values as unknown[]).indexOf('missing');
    expect(String(ws.getRow(4).getCell(missing).value)).toMatch(/platform hours/);
  });
});
