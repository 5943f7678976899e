import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numberText, openTable, type TableSpec } from '../../src/io/table.js';
import { collect, inputError, tempDir } from './helpers.js';

const spec: TableSpec = {
  columns: [
    { key: 'learner_id', aliases: ['学员编号'] },
    { key: 'staff_no', aliases: ['工号'] },
    { key: 'course_code', aliases: ['课程编号'] },
    { key: 'completed_on', aliases: ['完成日期'] },
    { key: 'hours', aliases: ['学时'] },
    { key: 'name', aliases: ['姓名'] },
  ],
  required: ['course_code', 'completed_on'],
  oneOf: [['learner_id', 'staff_no']],
};

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const at = (name: string): string => path.join(tmp.dir, name);

let book: string;

beforeAll(async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学时');
  ws.addRow(['学员编号', '课程编号', '完成日期', '学时', '姓名', '备注']);
  ws.addRow(['WZ250001', 'C001', new Date(Date.UTC(2025, 8, 1)), 2.5, '张三', 'ok']);
  ws.addRow([2023010001, 'C002', '2025/9/2', 0.1 + 0.2, { richText: [{ text: '李' }, { font: { bold: true }, text: '四' }] }, true]);
  // row 4 left blank: skipped, and later rows keep their sheet row numbers
  ws.getRow(5).values = ['WZ250003', { formula: 'CONCAT("C","003")', result: 'C003' }, { formula: 'DATE(2025,9,3)', result: 45903 }, { formula: '1/4', result: 0.25 }];
  ws.getCell('C5').numFmt = 'yyyy-mm-dd';
  ws.getRow(6).values = ['WZ250004', { text: 'C004', hyperlink: 'https://example.edu.cn/c004' }, 45904, 1];
  ws.getRow(7).values = ['WZ250005', 'C005', new Date(Date.UTC(2025, 8, 5, 14, 30)), { error: '#N/A' }];
  ws.getCell('C7').numFmt = 'yyyy"年"m"月"d"日" hh:mm';
  ws.getRow(8).values = ['WZ250006', 'C006'];
  wb.addWorksheet('ignored').addRow(['not', 'read']);
  book = at('hours.xlsx');
  await wb.xlsx.writeFile(book);
});

describe('openTable on .xlsx', () => {
  it('reads the first worksheet: dates as ISO, numbers without float noise, rich text joined', async () => {
    const { header, records } = await openTable(book, spec);
    expect(header).toMatchObject({
      format: 'xlsx',
      keys: ['learner_id', 'course_code', 'completed_on', 'hours', 'name', null],
      names: ['学员编号', '课程编号', '完成日期', '学时', '姓名', '备注'],
      unknown: ['备注'],
    });
    expect(header.sha256).toMatch(/^[0-9a-f]{64}$/);
    const rows = await collect(records);
    expect(rows.map((r) => ({ line: r.line, ...r.cells }))).toEqual([
      { line: 2, learner_id: 'WZ250001', course_code: 'C001', completed_on: '2025-09-01', hours: '2.5', name: '张三' },
      { line: 3, learner_id: '2023010001', course_code: 'C002', completed_on: '2025/9/2', hours: '0.3', name: '李四' },
      { line: 5, learner_id: 'WZ250003', course_code: 'C003', completed_on: '2025-09-03', hours: '0.25', name: '' },
      { line: 6, learner_id: 'WZ250004', course_code: 'C004', completed_on: '45904', hours: '1', name: '' },
      // A date-time cell keeps its minute (a platform's completion time: src/core/anomalies.ts).
      { line: 7, learner_id: 'WZ250005', course_code: 'C005', completed_on: '2025-09-05 14:30', hours: '#N/A', name: '' },
      { line: 8, learner_id: 'WZ250006', course_code: 'C006', completed_on: '', hours: '', name: '' },
    ]);
    expect(rows.every((r) => r.problem === undefined)).toBe(true);
    expect(rows[1].raw?.[5]).toBe('TRUE');
    expect(rows[0].columnOf('completed_on')).toBe(3);
  });

  it('applies the same header rules as CSV', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('s').addRow(['learner_id', 'course_code', '学员编号', 'completed_on']);
    await wb.xlsx.writeFile(at('dup.xlsx'));
    const dup = await inputError(openTable(at('dup.xlsx'), spec));
    expect(dup.error.problems[0]).toMatchObject({ line: 1, column: 3 });

    const wb2 = new ExcelJS.Workbook();
    wb2.addWorksheet('s').addRow(['learner_id', 'course_code']);
    await wb2.xlsx.writeFile(at('missing.xlsx'));
    expect((await inputError(openTable(at('missing.xlsx'), spec))).text).toMatch(/lacks required columns: 完成日期 \(completed_on\)/);

    const wb3 = new ExcelJS.Workbook();
    wb3.addWorksheet('s');
    await wb3.xlsx.writeFile(at('blank.xlsx'));
    expect((await inputError(openTable(at('blank.xlsx'), spec))).text).toMatch(/no header row/);
  });

  it('refuses a broken zip, an empty file and an old .xls', async () => {
    writeFileSync(at('broken.xlsx'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]));
    expect((await inputError(openTable(at('broken.xlsx'), spec))).text).toMatch(/cannot read the Excel workbook/);
    writeFileSync(at('empty.xlsx'), '');
    expect((await inputError(openTable(at('empty.xlsx'), spec))).text).toMatch(/is empty/);
    writeFileSync(at('old.xls'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]));
    expect((await inputError(openTable(at('old.xls'), spec))).text).toMatch(/old-style Excel/);
    writeFileSync(at('old-renamed.xlsx'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]));
    expect((await inputError(openTable(at('old-renamed.xlsx'), spec))).text).toMatch(/old-style Excel/);
  });
});

describe('numberText', () => {
  it.each([
    [2.5, '2.5'],
    [0.1 + 0.2, '0.3'],
    [1.1 * 3, '3.3'],
    [2023010001, '2023010001'],
    [12345678901234, '12345678901234'],
    [0.25, '0.25'],
    [85.5, '85.5'],
    [-1, '-1'],
  ])('%d → %s', (n, text) => {
    expect(numberText(n)).toBe(text);
  });
});
