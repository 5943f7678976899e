/**
 * The files the tool writes for people, opened by LibreOffice (where it is
 * installed) as an office opens them, every cell read back with its type:
 * IDs keep their leading zeros, figures are numbers (never a `3/15` that
 * becomes 15 March), dates and time stamps are dates, a name that starts
 * like a formula is text, and no xlsx cell shows an apostrophe.
 *
 * CSV is opened the way the README says (UTF-8, comma, the first two
 * columns — the IDs — as Text), with every other value detected as a
 * spreadsheet does on double-click (dates, numbers, `3/8` as a day, en-US).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sheetsBuffer } from '../../src/io/xlsx-out.js';
import { tempDir } from '../helpers/cli.js';
import { fodsOf, findSoffice, toFods, type OfficeCell } from '../helpers/fods.js';
import { cadreIn } from '../helpers/run.js';

const soffice = findSoffice();
if (!soffice) console.warn('skipped: test/io/office-open.test.ts needs LibreOffice (soffice), which is not installed here');

/** UTF-8, comma, double quote, from line 1, columns 1 and 2 as Text, language en-US, quoted fields not forced to text, special numbers (dates, 3/8) detected. */
const CSV_AS_DOCUMENTED = 'CSV:44,34,76,1,1/2/2/2,1033,false,true';

/** The column headed `header` (in the header row `at`), as a map from each row's learner ID. */
function column(rows: OfficeCell[][], header: string, at = 0): Map<string, OfficeCell> {
  const i = rows[at].findIndex((c) => c.text === header);
  expect(i, `column ${header}`).toBeGreaterThanOrEqual(0);
  return new Map(rows.filter((r) => /^WZ\d+$/.test(r[0]?.text ?? '')).map((r) => [r[0].text, r[i] ?? { type: '', value: '', text: '' }]));
}

describe.runIf(soffice)('the files the tool writes, opened in LibreOffice', () => {
  it('keep IDs as text, figures as numbers, dates as dates, names as typed; no xlsx cell shows an apostrophe', async () => {
    const dir = tempDir('cadre-sheets-');
    fs.writeFileSync(path.join(dir, 'roster.csv'), '工号,姓名,部门,职级,任职日期\n00120012,=1+1,-继续教育学院,副科,2025-09-01\n00120013,王芳,计算机学院,正处,2025-09-01\n');
    fs.writeFileSync(path.join(dir, 'hours.csv'), 'staff_no,course_code,course_title,completed_on,hours\n00120012,C001,课程一,2025-10-08,3\n00120013,C001,课程一,2025-10-08,11.5\n');
    const cli = cadreIn({ cwd: dir, now: '2026-09-30T10:00:00' });
    const ok = async (args: string[], lang: 'en' | 'zh' = 'en') => {
      const r = await cli(args, { lang });
      expect(r.code, r.stderr).toBe(0);
      return r;
    };
    await ok(['issue-accounts', 'roster.csv', '--out', 'cred.csv']);
    await ok(['import-hours', 'hours.csv']);
    await ok(['exempt', 'WZ260002', '--requirement', 'report', '--reason', 'sick leave']);
    await ok(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out', 'audit-en.csv']);
    await ok(['audit', '--as-of', '2026-06-30', '--format', 'csv', '--out', 'audit-zh.csv'], 'zh');
    await ok(['audit', '--as-of', '2026-06-30', '--out', 'audit-book.xlsx']);
    await ok(['audit', '--year', '2025', '--shortfall', '--split-by', 'department', '--out-dir', 'split'], 'zh');
    // The listings have no --out here: their CSV is saved as a file would be (with the BOM).
    fs.writeFileSync(path.join(dir, 'accounts.csv'), '\uFEFF' + (await ok(['accounts', '--format', 'csv'])).stdout);
    fs.writeFileSync(path.join(dir, 'exemptions.csv'), '\uFEFF' + (await ok(['exemptions', '--format', 'csv'])).stdout);
    // Every kind of cell of the workbook writer.
    const kinds = await sheetsBuffer([{
      name: 'kinds',
      columns: [{ header: 'id', kind: 'id' }, { header: 'text', kind: 'text' }, { header: 'number', kind: 'number' }, { header: 'date', kind: 'date' }, { header: 'time', kind: 'datetime' }],
      rows: [['007', '3/8', 17.8, '2026-06-30', '2026-06-30 10:05:00'], ['0012', "'quoted", 0.1, '2026-02-28', '2026-02-28T23:59']],
    }]);
    fs.writeFileSync(path.join(dir, 'kinds.xlsx'), kinds);

    const conv = path.join(dir, 'conv');
    const profile = path.join(dir, 'lo-profile');
    const csvs = ['audit-en.csv', 'audit-zh.csv', 'cred.csv', 'accounts.csv', 'exemptions.csv'].map((f) => path.join(dir, f));
    const split = fs.readdirSync(path.join(dir, 'split')).map((f) => path.join(dir, 'split', f));
    expect(split.map((f) => path.basename(f)).sort()).toEqual(['缺口清单--继续教育学院_2025-2026学年.xlsx', '缺口清单-计算机学院_2025-2026学年.xlsx']);
    toFods(soffice!, csvs, conv, profile, CSV_AS_DOCUMENTED);
    toFods(soffice!, [path.join(dir, 'audit-book.xlsx'), path.join(dir, 'kinds.xlsx'), ...split], conv, profile);

    // The audit's CSV, in both languages: IDs as text, every figure a number, nothing a date.
    for (const [file, h] of [
      ['audit-en.csv', { staff: 'staff_no', name: 'name', dept: 'department', hours: 'hours_actual', hoursReq: 'hours_required', total: 'total_actual', year: 'year', term: 'term' }],
      ['audit-zh.csv', { staff: '工号', name: '姓名', dept: '部门', hours: '平台学时（实际）', hoursReq: '平台学时（要求）', total: '总学分（实际）', year: '学年', term: '任期' }],
    ] as const) {
      const rows = fodsOf(conv, file);
      expect(rows.flat().filter((c) => c.type === 'date'), file).toEqual([]);
      expect(column(rows, h.staff).get('WZ260001')).toMatchObject({ type: 'string', text: '00120012' });
      expect(column(rows, h.hours).get('WZ260001')).toMatchObject({ type: 'float', value: '3' });
      expect(column(rows, h.hoursReq).get('WZ260001')).toMatchObject({ type: 'float', value: '15' });
      // (11.5 hours in one day: within the policy's 12, so not held as implausible.)
      expect(column(rows, h.hours).get('WZ260002')).toMatchObject({ type: 'float', value: '11.5' });
      expect(column(rows, h.total).get('WZ260001')).toMatchObject({ type: 'float', value: '1.2' });
      expect(column(rows, h.year).get('WZ260001')?.type).toBe('string');
      expect(column(rows, h.term).get('WZ260001')?.type).toBe('string');
      // CSV keeps its formula guard: text, never a formula's result.
      expect(column(rows, h.name).get('WZ260001')).toMatchObject({ type: 'string', text: "'=1+1" });
    }
    expect(column(fodsOf(conv, 'cred.csv'), 'staff_no').get('WZ260001')).toMatchObject({ type: 'string', text: '00120012' });
    expect(column(fodsOf(conv, 'accounts.csv'), 'issued').get('WZ260001')).toMatchObject({ type: 'date', value: '2026-09-30' });
    const ex = fodsOf(conv, 'exemptions.csv');
    expect(ex[1][ex[0].findIndex((c) => c.text === 'granted at')]).toMatchObject({ type: 'date', value: '2026-09-30T10:00:00' });

    // The workbooks: typed cells, the names exactly as typed.
    for (const [file, headerRow] of [['audit-book.xlsx', 1], ...split.map((f) => [path.basename(f), 1] as const)] as const) {
      const rows = fodsOf(conv, file);
      expect(rows.flat().filter((c) => c.text.startsWith("'")), file).toEqual([]);
      const byId = (i: number) => new Map(rows.filter((r) => /^WZ\d+$/.test(r[0]?.text ?? '')).map((r) => [r[0].text, r[i]]));
      const at = (h: string) => rows[headerRow].findIndex((c) => c.text === h);
      const staff = byId(1);
      if (staff.has('WZ260001')) {
        expect(staff.get('WZ260001')).toMatchObject({ type: 'string', text: '00120012' });
        expect(byId(2).get('WZ260001')).toMatchObject({ type: 'string', text: '=1+1' });
        expect(byId(3).get('WZ260001')).toMatchObject({ type: 'string', text: '-继续教育学院' });
        // 平台学时 over 实际 and 要求: two number cells.
        const hours = at(file === 'audit-book.xlsx' ? 'hours' : '平台学时');
        expect([byId(hours).get('WZ260001'), byId(hours + 1).get('WZ260001')]).toMatchObject([{ type: 'float', value: '3' }, { type: 'float', value: '15' }]);
      }
      expect(rows.flat().filter((c) => c.type === 'date'), file).toEqual([]);
    }
    const k = fodsOf(conv, 'kinds.xlsx');
    expect(k[1]).toMatchObject([
      { type: 'string', text: '007' },
      { type: 'string', text: '3/8' },
      { type: 'float', value: '17.8' },
      { type: 'date', value: '2026-06-30' },
      { type: 'date', value: '2026-06-30T10:05:00' },
    ]);
    expect(k[2]).toMatchObject([{ text: '0012' }, { type: 'string', text: "'quoted" }, { value: '0.1' }, { value: '2026-02-28' }, { value: '2026-02-28T23:59:00' }]);
  }, 300_000);
});
