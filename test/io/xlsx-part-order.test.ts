/**
 * A workbook's parts may come in any order in its zip. Written with xl/workbook.xml after the sheet
 * and the shared strings before it, the streaming reader once failed ("cannot read the Excel
 * workbook … reading 'sheets'"), and would have read a 1904-dated workbook's dates as 1900 ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { xlsxRows } from '../../src/io/table/xlsx.js';
import { buildZip, partsOf, type Part } from './zip-build.js';
import { tempDir } from '../helpers/cli.js';

async function workbook(date1904: boolean): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.properties.date1904 = date1904;
  const ws = wb.addWorksheet('学时');
  ws.addRow(['学员编号', '课程编号', '完成日期', '学时']);
  ws.addRow(['WZ250001', 'C1', new Date(Date.UTC(2025, 9, 1)), 2.5]);
  ws.addRow(['WZ250002', 'C2', new Date(Date.UTC(2026, 2, 31, 14, 5)), 1]);
  ws.addRow([]);
  ws.addRow(['WZ250003', '课程三', '2025/10/2', 0.5]);
  ws.getColumn(3).numFmt = 'yyyy-mm-dd';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The same parts, the shared strings and styles first, then the sheet, xl/workbook.xml last. */
function reordered(parts: Part[]): Part[] {
  const rank = (n: string) => (n === 'xl/workbook.xml' ? 3 : n.startsWith('xl/worksheets/') ? 2 : n === 'xl/sharedStrings.xml' ? 0 : 1);
  return [...parts].sort((a, b) => rank(a.name) - rank(b.name));
}

async function rowsOf(file: string) {
  const out = [];
  for await (const batch of xlsxRows(file)) out.push(...batch);
  return out;
}

describe('xlsx parts in any order', () => {
  for (const date1904 of [false, true]) {
    it(`the workbook part after its sheet reads the same rows (dates from ${date1904 ? 1904 : 1900})`, async () => {
      const dir = tempDir();
      const original = await workbook(date1904);
      const parts = await partsOf(original);
      const moved = reordered(parts);
      const names = moved.map((p) => p.name);
      expect(names.indexOf('xl/sharedStrings.xml')).toBeLessThan(names.indexOf('xl/worksheets/sheet1.xml'));
      expect(names.indexOf('xl/workbook.xml')).toBeGreaterThan(names.indexOf('xl/worksheets/sheet1.xml'));
      fs.writeFileSync(path.join(dir, 'a.xlsx'), original);
      fs.writeFileSync(path.join(dir, 'b.xlsx'), buildZip(moved));
      const expected = [
        { line: 1, fields: ['学员编号', '课程编号', '完成日期', '学时'] },
        { line: 2, fields: ['WZ250001', 'C1', '2025-10-01', '2.5'] },
        { line: 3, fields: ['WZ250002', 'C2', '2026-03-31 14:05', '1'] },
        { line: 5, fields: ['WZ250003', '课程三', '2025/10/2', '0.5'] },
      ];
      expect(await rowsOf(path.join(dir, 'a.xlsx'))).toEqual(expected);
      expect(await rowsOf(path.join(dir, 'b.xlsx'))).toEqual(expected);
    });
  }
});

describe('shared strings not read', () => {
  it('a sheet whose shared strings are missing is refused, never read as "[object Object]"', async () => {
    const dir = tempDir();
    const parts = (await partsOf(await workbook(false))).filter((p) => p.name !== 'xl/sharedStrings.xml');
    fs.writeFileSync(path.join(dir, 'c.xlsx'), buildZip(parts));
    const got: string[] = [];
    const read = (async () => {
      for await (const batch of xlsxRows(path.join(dir, 'c.xlsx'))) for (const r of batch) got.push(...r.fields);
    })();
    await expect(read).rejects.toThrow();
    expect(got.join(' ')).not.toContain('object');
  });
});

