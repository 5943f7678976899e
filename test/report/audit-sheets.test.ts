/**
 * The audit as files for people: CSV whose figures are numbers in columns
 * of their own (never `3/8`), workbooks ready to print (title row, landscape,
 * one page wide, the header repeated, the shortfall wrapped), the office's
 * name from the policy, and the hint after a CSV whose IDs a spreadsheet
 * would change.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OFFICE, PolicyError } from '../../src/core/policy.js';
import { sheetTime, spreadsheetChanges } from '../../src/shell/render.js';
import { policyWith } from '../core/fixtures.js';
import { tempDir } from '../helpers/cli.js';
import { cadreIn } from '../helpers/run.js';

let dir: string;
const cli = (args: string[], lang: 'en' | 'zh' = 'en') => cadreIn({ cwd: dir, now: '2026-09-30T10:00:00' })(args, { lang });
const ok = async (args: string[], lang: 'en' | 'zh' = 'en') => {
  const r = await cli(args, lang);
  expect(r.code, r.stderr).toBe(0);
  return r;
};

async function sheet(file: string): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path.join(dir, file));
  return wb.worksheets[0];
}

beforeAll(async () => {
  dir = tempDir('cadre-audit-sheets-');
  fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\n00120012,张三,继续教育学院,副科,2025-09-01\n00120013,王芳,计算机学院,正处,2025-09-01\nS3,李四,财务处,正科,2025-09-01\n');
  fs.writeFileSync(path.join(dir, 'hours.csv'), 'staff_no,course_code,course_title,completed_on,hours\n00120012,C001,课程一,2025-10-08,3\n00120013,C001,课程一,2025-10-08,17.5\n');
  await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
  await ok(['import-hours', 'hours.csv']);
}, 60_000);

describe('the audit CSV', () => {
  it('has actual and required as two number columns, never a "3/15" a spreadsheet reads as a date', async () => {
    const r = await ok(['audit', '--as-of', '2026-06-30', '--format', 'csv']);
    const [head, ...rows] = parse(r.stdout) as string[][];
    expect(head).toEqual(expect.arrayContaining(['hours_actual', 'hours_required', 'total_actual', 'total_required', 'exempt']));
    const first = Object.fromEntries(head.map((h, i) => [h, rows[0][i]]));
    expect(first).toMatchObject({ staff_no: '00120012', hours_actual: '3', hours_required: '15', total_actual: '1.2', total_required: '40', latest_exam: '' });
    // No figure is written as a ratio: the table's `3/15` stays on the terminal.
    for (const row of rows) for (const [i, cell] of row.entries()) if (head[i] !== 'missing') expect(cell).not.toMatch(/^\d+(\.\d+)?\/\d+/);
    // Credits from tenths are plain decimals, never a float's artefact.
    expect(r.stdout).not.toMatch(/\d\.\d{3,}/);
  });

  it('written to a file, is followed by how to open it when an ID would lose its zeros; not when none would', async () => {
    const withZeros = await ok(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out', 'a.csv']);
    expect(withZeros.stderr).toContain('note: the IDs in a.csv (e.g. 00120012) are written as text');
    expect(withZeros.stderr).toContain('--out NAME.xlsx');
    const zh = await ok(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out', 'zh.csv'], 'zh');
    expect(zh.stderr).toContain('提示：zh.csv 中的编号（如 00120012）按文本写出');
    const none = await ok(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--department', '财务处', '--out', 'b.csv']);
    expect(none.stderr).not.toContain('note: the IDs');
    const piped = await ok(['audit', '--as-of', '2026-06-30', '--format', 'csv']);
    expect(piped.stderr).not.toContain('note: the IDs');
    // The credentials file, which is CSV only, says how to open it (xlsx is not offered).
    const creds = await ok(['issue-accounts', '--reset', 'WZ260001', '--out', 'reset.csv']);
    expect(creds.stderr).toMatch(/note: the IDs in .*reset\.csv \(e\.g\. 00120012\)/);
    expect(creds.stderr).not.toContain('xlsx');
  });

  it('the rejected rows of an import, whose IDs the office corrects in a spreadsheet, say how to open them', async () => {
    fs.writeFileSync(path.join(dir, 'week.csv'), 'staff_no,course_code,course_title,completed_on,hours\n00120012,C001,课程一,2025-10-09,1\n00129999,C001,课程一,2025-10-09,1\n');
    const r = await ok(['import-hours', 'week.csv', '--skip-invalid']);
    expect(r.stderr).toContain('week.rejected.csv');
    expect(r.stderr).toMatch(/note: the IDs in week\.rejected\.csv \(e\.g\. 00129999\)/);
    expect(fs.readFileSync(path.join(dir, 'week.rejected.csv'), 'utf8')).toContain('00129999');
  });

  it('spreadsheetChanges names what a double-click changes, and time stamps are written local', () => {
    for (const v of ['00120012', '0012', '123456789012', '12E3', '3/8', '3-8']) expect(spreadsheetChanges(v), v).toBe(true);
    for (const v of ['120012', 'S001', 'WZ260001', '2025-2026', '0', '1.5']) expect(spreadsheetChanges(v), v).toBe(false);
    const stamp = new Date(2026, 5, 30, 10, 5, 9);
    expect(sheetTime(stamp.toISOString())).toBe('2026-06-30 10:05:09');
    expect(sheetTime('2026-06-30T10:05:09')).toBe('2026-06-30 10:05:09');
  });
});

describe('the audit workbooks', () => {
  it('carry a title row and are set up to print: landscape, one page wide, the header rows on every page, the shortfall wrapped', async () => {
    const r = await ok(['audit', '--year', '2025', '--shortfall', '--split-by', 'department', '--out-dir', 'split'], 'zh');
    expect(r.stderr).not.toContain('提示');
    const files = fs.readdirSync(path.join(dir, 'split')).sort();
    expect(files).toEqual(['缺口清单-继续教育学院_2025-2026学年.xlsx', '缺口清单-计算机学院_2025-2026学年.xlsx', '缺口清单-财务处_2025-2026学年.xlsx']);
    const ws = await sheet(path.join('split', '缺口清单-计算机学院_2025-2026学年.xlsx'));
    expect(ws.getCell('A1').value).toBe('党委组织部\u3000计算机学院\u30002025-2026学年 缺口清单\u3000共 1 人');
    expect(ws.getCell('A1').isMerged).toBe(true);
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9, printTitlesRow: '2:3' });
    expect(ws.headerFooter.oddFooter).toBe('&C第 &P 页，共 &N 页');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 3, xSplit: 3 });
    expect([ws.getCell('H2').value, ws.getCell('H3').value, ws.getCell('I3').value]).toEqual(['平台学时', '实际', '要求']);
    const header = ws.getRow(2).values as unknown[];
    const missing = header.indexOf('缺口');
    const cell = ws.getRow(4).getCell(missing);
    expect(String(cell.value).split('\n').length).toBeGreaterThan(1);
    expect(cell.alignment).toMatchObject({ wrapText: true });
    // Tall enough for every line: LibreOffice does not fit a row to wrapped text by itself.
    expect(ws.getRow(4).height).toBeGreaterThanOrEqual(15 * String(cell.value).split('\n').length);
    expect(ws.getColumn(missing).width).toBeGreaterThanOrEqual(40);
    // IDs are text cells, figures number cells.
    expect(ws.getCell('B4').numFmt).toBe('@');
    expect(typeof ws.getCell('H4').value).toBe('number');
  });

  it('a one-file workbook names the department asked for, or every department, and the as-of date', async () => {
    await ok(['audit', '--as-of', '2026-06-30', '--department', '计算机学院', '--out', 'dept.xlsx'], 'zh');
    expect((await sheet('dept.xlsx')).getCell('A1').value).toBe('党委组织部\u3000计算机学院\u3000截至 2026-06-30 学分核算\u3000共 1 人');
    await ok(['audit', '--as-of', '2026-06-30', '--out', 'all.xlsx']);
    expect((await sheet('all.xlsx')).getCell('A1').value).toBe('Organisation Department of the Party Committee — all departments — Audit as of 2026-06-30 — 3 cadres');
  });
});

describe('--out-dir without --split-by', () => {
  it('writes one file named with the year or the as-of date, refused beside --out', async () => {
    fs.mkdirSync(path.join(dir, 'send'));
    const year = await ok(['audit', '--year', '2025', '--shortfall', '--out-dir', 'send'], 'zh');
    expect(year.stderr).toContain(`已写入 ${path.join('send', '缺口清单_2025-2026学年.xlsx')}`);
    await ok(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out-dir', 'send']);
    expect(fs.readdirSync(path.join(dir, 'send')).sort()).toEqual(['audit_as-of-2026-06-30.csv', '缺口清单_2025-2026学年.xlsx']);
    expect(String((await sheet(path.join('send', '缺口清单_2025-2026学年.xlsx'))).getCell('A1').value)).toContain('全部部门\u30002025-2026学年 缺口清单');
    const both = await cli(['audit', '--out-dir', 'send', '--out', 'x.xlsx']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --out or --out-dir, not both');
  });
});

describe('the office named by the policy', () => {
  it('defaults to 党委组织部, takes the policy’s names, and refuses one that is not a name', () => {
    expect(policyWith((p) => delete p.office).office).toEqual(DEFAULT_OFFICE);
    expect(policyWith((p) => (p.office = { name_zh: '党委组织部（党校）' })).office).toEqual({ zh: '党委组织部（党校）', en: DEFAULT_OFFICE.en });
    expect(policyWith((p) => (p.office = { name_zh: '组织部', name_en: 'Organisation Dept.' })).office).toEqual({ zh: '组织部', en: 'Organisation Dept.' });
    expect(() => policyWith((p) => (p.office = { name_zh: '' }))).toThrow(PolicyError);
    expect(() => policyWith((p) => (p.office = { name_en: 'a\nb' }))).toThrow(PolicyError);
    expect(() => policyWith((p) => (p.office = 'x'))).toThrow(PolicyError);
  });
});
