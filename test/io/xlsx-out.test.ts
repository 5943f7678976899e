/**
 * The workbook writer (src/io/xlsx-out.ts, src/io/xlsx-zip.ts) read back by a general reader
 * (exceljs) and by the tool's own xlsx input: every kind of cell, the layout, the zip's entries,
 * and sheets far larger than a department's.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { columnLetters, sheetsBuffer, wrappedLines, xmlText, type SheetSpec } from '../../src/io/xlsx-out.js';
import { displayWidth } from '../../src/io/text-width.js';
import { checkArchive } from '../../src/io/zip-guard.js';
import { xlsxRows } from '../../src/io/table/xlsx.js';
import { tempDir } from '../helpers/cli.js';

const DATE = new Date('2026-06-30T00:00:00Z');

const spec: SheetSpec = {
  name: '缺口清单',
  title: '党委组织部\u3000计算机学院\u30002025-2026学年 缺口清单\u3000共 2 人',
  columns: [
    { header: '学员编号', kind: 'id' },
    { header: '工号', kind: 'id' },
    { header: '姓名', kind: 'text' },
    { header: '实际', group: '平台学时', kind: 'number' },
    { header: '要求', group: '平台学时', kind: 'number' },
    { header: '缺口', kind: 'text', wrap: 50 },
    { header: '日期', kind: 'date' },
    { header: '时间', kind: 'datetime' },
  ],
  rows: [
    ['WZ250001', '00120012', '张三 & <x> "q" \'a\'', 3, 15, '平台学时 差 12\n培训 差 1', '2026-06-30', '2026-06-30 10:05:00'],
    ['WZ250002', '00120013', '=HYPERLINK("x")', 17.5, 15, null, '', 'not a time'],
    ['WZ250003', '\u0001\u0008ctl\u007f', '  spaced ', Number.NaN, null, '', '2026-02-30', '2026-02-28T23:59'],
  ],
  frozenColumns: 3,
  footer: '第 {page} 页，共 {pages} 页 & more',
};

async function read(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as never);
  return wb;
}

describe('sheetsBuffer', () => {
  it('writes typed cells, the title and grouped header rows, widths, panes, filter and print setup', async () => {
    const wb = await read(await sheetsBuffer([spec], DATE));
    const ws = wb.worksheets[0];
    expect(ws.name).toBe('缺口清单');
    expect(ws.getCell('A1').value).toBe(spec.title);
    expect(ws.getCell('A1').font).toMatchObject({ bold: true, size: 14 });
    expect(ws.getCell('H1').isMerged).toBe(true);
    expect([ws.getCell('D2').value, ws.getCell('D3').value, ws.getCell('E3').value]).toEqual(['平台学时', '实际', '要求']);
    expect(ws.getCell('E2').master.address).toBe('D2');
    expect(ws.getCell('A3').master.address).toBe('A2');
    expect(ws.getCell('A2').font).toMatchObject({ bold: true });
    expect(ws.getCell('A2').border).toMatchObject({ top: { style: 'thin' }, left: { style: 'thin' } });
    // Text cells keep their zeros and never become formulas; the characters XML cannot hold are left out.
    expect(ws.getCell('B4').value).toBe('00120012');
    expect(ws.getCell('B4').numFmt).toBe('@');
    expect(ws.getCell('C4').value).toBe('张三 & <x> "q" \'a\'');
    expect(ws.getCell('C5').value).toBe('=HYPERLINK("x")');
    expect(ws.getCell('C5').type).toBe(ExcelJS.ValueType.String);
    expect(ws.getCell('B6').value).toBe('ctl');
    expect(ws.getCell('C6').value).toBe('  spaced ');
    // Numbers are numbers; a number column's value that is no finite number is shown as text.
    expect(ws.getCell('D5').value).toBe(17.5);
    expect(ws.getCell('D6').value).toBe('NaN');
    expect(ws.getCell('E6').value).toBeNull();
    // Dates are dates (their wall-clock fields), shown as yyyy-mm-dd; a text that is no date stays text.
    expect(ws.getCell('G4').value).toEqual(new Date('2026-06-30T00:00:00Z'));
    expect(ws.getCell('G4').numFmt).toBe('yyyy-mm-dd');
    expect(ws.getCell('H4').value).toEqual(new Date('2026-06-30T10:05:00Z'));
    expect(ws.getCell('H4').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(ws.getCell('G6').value).toBe('2026-02-30');
    expect(ws.getCell('H5').value).toBe('not a time');
    expect(ws.getCell('H6').value).toEqual(new Date('2026-02-28T23:59:00Z'));
    // The shortfall wraps, and its row is as tall as its lines.
    expect(ws.getCell('F4').alignment).toMatchObject({ wrapText: true, vertical: 'top' });
    expect(ws.getRow(4).height).toBe(2 * 15 + 2);
    expect(ws.getColumn(6).width).toBe(50);
    expect(ws.getColumn(2).width).toBe(10);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 3, ySplit: 3, topLeftCell: 'D4' });
    expect(ws.autoFilter).toBe('A3:H3');
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9, printTitlesRow: '2:3', showGridLines: true });
    expect(ws.headerFooter.oddFooter).toBe('&C第 &P 页，共 &N 页 && more');
    expect(wb.creator).toBe('cadre');
    expect(wb.created).toEqual(DATE);
  });

  it('names sheets uniquely and quotes a name with an apostrophe in its print titles', async () => {
    const one = (name: string): SheetSpec => ({ name, columns: [{ header: 'x' }], rows: [['1']] });
    const bytes = await sheetsBuffer([one("O'Brien"), one('a/b'), one('A_B'), one('')], DATE);
    const zip = await JSZip.loadAsync(bytes);
    const workbook = await zip.file('xl/workbook.xml')!.async('string');
    expect(workbook).toContain('<definedName name="_xlnm.Print_Titles" localSheetId="0">&apos;O&apos;&apos;Brien&apos;!$1:$1</definedName>');
    expect((await read(bytes)).worksheets.map((w) => w.name)).toEqual(["O'Brien", 'a_b', 'A_B (2)', 'Sheet']);
  });

  it('gives the same bytes for the same sheets and date, every zip entry stamped with it, in the order the workbooks have always had', async () => {
    const a = await sheetsBuffer([spec], DATE);
    expect((await sheetsBuffer([spec], DATE)).equals(a)).toBe(true);
    const zip = await JSZip.loadAsync(a);
    expect(Object.keys(zip.files)).toEqual([
      '[Content_Types].xml', '_rels/', '_rels/.rels', 'xl/', 'xl/_rels/', 'xl/_rels/workbook.xml.rels', 'xl/worksheets/', 'xl/worksheets/sheet1.xml',
      'xl/sharedStrings.xml', 'xl/theme/', 'xl/theme/theme1.xml', 'xl/styles.xml', 'docProps/', 'docProps/app.xml', 'docProps/core.xml', 'xl/workbook.xml',
    ]);
    for (const f of Object.values(zip.files)) expect(f.date.toISOString(), f.name).toBe('2026-06-30T00:00:00.000Z');
    // Each text once in the shared strings, every use counted.
    const sst = await zip.file('xl/sharedStrings.xml')!.async('string');
    expect(sst).toMatch(/count="(\d+)" uniqueCount="(\d+)"/);
    expect(sst.match(/<si>/g)!.length).toBe(Number(/uniqueCount="(\d+)"/.exec(sst)![1]));
    expect(sst).toContain('<t xml:space="preserve">  spaced </t>');
  });

  it('writes a sheet of 150,000 rows (one workbook of a province), which the tool reads back and its zip guard accepts', async () => {
    const rows = Array.from({ length: 150_000 }, (_, i) => [`WZ${String(i).padStart(6, '0')}`, `00${i}`, i / 10, '2026-06-30']);
    const bytes = await sheetsBuffer([{ name: 'big', columns: [{ header: 'learner_id', kind: 'id' }, { header: 'staff_no', kind: 'id' }, { header: 'n', kind: 'number' }, { header: 'on', kind: 'date' }], rows }]);
    const dir = tempDir('cadre-xlsx-out-');
    const file = path.join(dir, 'big.xlsx');
    fs.writeFileSync(file, bytes);
    await checkArchive(file, 'xlsx', file);
    let n = 0;
    let last: string[] = [];
    for await (const batch of xlsxRows(file)) {
      n += batch.length;
      if (batch.length) last = batch[batch.length - 1].fields;
    }
    expect(n).toBe(150_001);
    expect(last).toEqual(['WZ149999', '00149999', '14999.9', '2026-06-30']);
  }, 60_000);
});

describe('xmlText and columnLetters', () => {
  it('escape the five entities and leave out what XML 1.0 cannot hold; letter columns past Z', () => {
    expect(xmlText('a<b>&"\'')).toBe('a&lt;b&gt;&amp;&quot;&apos;');
    expect(xmlText('tab\tlf\ncr\r\u0000\u000b\u001f\u007f.')).toBe('tab\tlf\ncr\r.');
    expect(xmlText('平台学时')).toBe('平台学时');
    expect([1, 26, 27, 52, 53, 702, 703].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
  });
});

describe('wrappedLines', () => {
  it('counts lines as displayWidth measures them, for ASCII, CJK and everything else', () => {
    const reference = (text: string, width: number) => text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(displayWidth(line) / Math.max(1, width - 1))), 0);
    const texts = [
      '', '\n', 'a\n', '2025-2026 academic year platform hours 12/20, 8 hours short',
      '2025-2026学年 平台学时 12/20，缺 8 学时\n2025-2026学年 心得体会 0/1，缺 1 篇（进度落后）',
      '\u3000全角\uff01ｆｕｌｌ', 'e\u0301 combining', '\u001b[31mred\u001b[0m', '🙂 emoji 𠀀', 'tab\there', '한국어 텍스트', 'x'.repeat(200),
    ];
    for (const t of texts) for (const w of [1, 2, 16, 50]) expect(wrappedLines(t, w), `${JSON.stringify(t)} in ${w}`).toBe(reference(t, w));
  });
});
