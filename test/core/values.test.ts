import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parseDate, parseHours, parseIdentifier, parseScore, type Result } from '../../src/core/values.js';
import { render } from '../io/helpers.js';

function okValue<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${render(r.reason).en}`);
  return r.value;
}

/** The failure's key and its English text (also checks the Chinese one renders). */
function reason<T>(r: Result<T>): { key: string; en: string; zh: string } {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.value)}`);
  return { key: r.reason.key, ...render(r.reason) };
}

describe('parseDate', () => {
  it.each([
    ['2025-09-01', '2025-09-01'],
    ['2025-9-1', '2025-09-01'],
    ['2025/9/1', '2025-09-01'],
    ['2025/09/01', '2025-09-01'],
    ['2025.9.1', '2025-09-01'],
    ['2025年9月1日', '2025-09-01'],
    ['2025 年 9 月 1 日', '2025-09-01'],
    ['2025年09月01日 14:30', '2025-09-01'],
    ['  2025-09-01  ', '2025-09-01'],
    ['2025-09-01 14:30', '2025-09-01'],
    ['2025/9/1 8:05:00', '2025-09-01'],
    ['2025-09-01T14:30:00', '2025-09-01'],
    ['2025-09-01T14:30:00Z', '2025-09-01'],
    ['2025-09-01T14:30:00.000Z', '2025-09-01'],
    ['2025-09-01T14:30:00+08:00', '2025-09-01'],
    ['2025-09-01 00:00:00', '2025-09-01'],
    ['2024-02-29', '2024-02-29'],
    ['2000-02-29', '2000-02-29'],
    ['２０２５－０９－０１', '2025-09-01'],
    ['45901', '2025-09-01'],
    ['45901.604166', '2025-09-01'],
    ['45901.99999', '2025-09-01'],
    ['32874', '1990-01-01'],
    ['73050', '2099-12-31'],
    ['44927', '2023-01-01'],
  ])('%s → %s', (text, iso) => {
    expect(okValue(parseDate(text))).toBe(iso);
  });

  it.each([
    ['', 'io.date.empty', /empty/],
    ['   ', 'io.date.empty', /empty/],
    ['2025-02-30', 'io.date.day', /2025-02-30 does not exist — check the month and day/],
    ['2025-02-29', 'io.date.day', /does not exist/],
    ['1900-02-29', 'io.date.day', /does not exist/],
    ['2025-04-31', 'io.date.day', /30 days/],
    ['2025-13-01', 'io.date.month', /no month 13/],
    ['2025-00-10', 'io.date.month', /month/],
    ['2025-09-00', 'io.date.day', /does not exist/],
    ['2025年2月30日', 'io.date.day', /does not exist/],
    ['0025-09-01', 'io.date.year', /year/],
    ['2025-09/01', 'io.date.format', /2025-09-01, 2025\/9\/1/],
    ['01/09/2025', 'io.date.format', /write it as/],
    ['Sept 1 2025', 'io.date.format', /cannot read/],
    ['2025-09-01 25:00', 'io.date.time', /time/],
    ['2025-09-01 lunchtime', 'io.date.time', /time/],
    ['20250901', 'io.date.compact', /2025-09-01/],
    ['60', 'io.date.serial1900', /fictitious 29 February 1900/],
    ['60.5', 'io.date.serial1900', /1900/],
    ['1', 'io.date.serialRange', /1990-01-01 and 2099-12-31/],
    ['32873', 'io.date.serialRange', /Excel date serial/],
    ['73051', 'io.date.serialRange', /Excel date serial/],
    ['99999999999', 'io.date.serialRange', /Excel date serial/],
    ['-45901', 'io.date.format', /cannot read/],
  ])('refuses %j (%s)', (text, key, en) => {
    const r = reason(parseDate(text));
    expect(r.key).toBe(key);
    expect(r.en).toMatch(en);
  });

  it('says the fix in Chinese too', () => {
    expect(reason(parseDate('2025-02-30')).zh).toBe('日期 2025-02-30 不存在 — 请检查月份和日期（该月只有 28 天）');
  });

  it('reads serials the way Excel writes them (checked against exceljs)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.getCell('A1').value = new Date(Date.UTC(2025, 8, 1));
    ws.getCell('A2').value = new Date(Date.UTC(1990, 0, 1));
    ws.getCell('A3').value = new Date(Date.UTC(2099, 11, 31));
    const buf = await wb.xlsx.writeBuffer();
    const xml = (await (await import('jszip')).default.loadAsync(buf)).file('xl/worksheets/sheet1.xml');
    const text = await xml!.async('string');
    const serials = [...text.matchAll(/<v>([\d.]+)<\/v>/g)].map((m) => m[1]);
    expect(serials.map((s) => okValue(parseDate(s)))).toEqual(['2025-09-01', '1990-01-01', '2099-12-31']);
  });
});

describe('parseHours', () => {
  it.each([
    ['1', 4],
    ['0.25', 1],
    ['.5', 2],
    ['0.5', 2],
    ['0.75', 3],
    ['2.5', 10],
    ['2.50', 10],
    ['02.5', 10],
    [' 3 ', 12],
    ['+1', 4],
    ['1.', 4],
    ['24', 96],
    ['23.75', 95],
    // Full-width digits and points, as a Chinese input method in full-width mode types them (read as dates read them).
    ['１２', 48],
    ['２', 8],
    ['３.５', 14],
    ['３．５', 14],
    ['1．5', 6],
    ['０．２５', 1],
    ['．５', 2],
    ['＋１', 4],
    ['\u3000２\u3000', 8],
    [' ３．７５ ', 15],
    ['２４', 96],
  ])('%j → %d quarter hours', (text, quarters) => {
    expect(okValue(parseHours(text, 24))).toBe(quarters);
  });

  it.each([
    ['2,5', 'io.number.decimalComma', /use a decimal point: 2\.5/],
    ['3小时', 'io.number.unit', /unit "小时"/],
    ['3 h', 'io.number.unit', /number only/],
    ['2.5hrs.', 'io.number.unit', /unit "hrs."/],
    ['1.5.', 'io.number.invalid', /not a valid number/],
    ['1 1/2', 'io.number.invalid', /not a valid number/],
    ['-1', 'io.number.negative', /negative/],
    ['−1', 'io.number.negative', /negative/],
    ['NaN', 'io.number.notNumber', /not a number/],
    ['Infinity', 'io.number.notNumber', /not a number/],
    ['-Infinity', 'io.number.notNumber', /not a number/],
    ['1e309', 'io.number.exponent', /scientific notation/],
    ['2.5E+00', 'io.number.exponent', /scientific notation/],
    ['', 'io.number.empty', /empty/],
    ['  ', 'io.number.empty', /empty/],
    // Full-width forms are read as their ASCII twins, and refused for the same reasons, quoted as written.
    ['２，５', 'io.number.decimalComma', /"２，５" uses a comma as the decimal mark.*2\.5/],
    ['－１', 'io.number.negative', /"－１" is negative/],
    ['３ｈ', 'io.number.unit', /"３ｈ" has the unit "h"/],
    ['１ｅ３', 'io.number.exponent', /scientific notation/],
    ['０', 'io.hours.zero', /more than 0/],
    ['０．３', 'io.hours.quarter', /"０．３".*multiple of 0\.25/],
    ['２５', 'io.hours.max', /"２５".*limit of 24/],
    ['\u3000', 'io.number.empty', /empty/],
    // Only the full-width forms of ASCII: not the wider compatibility folding of superscripts or circled digits.
    ['²', 'io.number.invalid', /not a valid number/],
    ['①', 'io.number.invalid', /not a valid number/],
    ['3。5', 'io.number.invalid', /not a valid number/],
    ['0', 'io.hours.zero', /more than 0/],
    ['0.00', 'io.hours.zero', /more than 0/],
    ['0.3', 'io.hours.quarter', /multiple of 0\.25/],
    ['1.125', 'io.hours.quarter', /multiple of 0\.25/],
    ['0.1', 'io.hours.quarter', /multiple of 0\.25/],
    ['24.25', 'io.hours.max', /limit of 24/],
    ['100', 'io.hours.max', /limit of 24/],
    ['99999999999999999999', 'io.hours.max', /limit/],
    ['1.2.3', 'io.number.invalid', /not a valid number/],
    ['.', 'io.number.invalid', /not a valid number/],
    ['abc', 'io.number.invalid', /not a valid number/],
  ])('refuses %j (%s)', (text, key, en) => {
    const r = reason(parseHours(text, 24));
    expect(r.key).toBe(key);
    expect(r.en).toMatch(en);
  });

  it('honours a smaller maximum', () => {
    expect(okValue(parseHours('8', 8))).toBe(32);
    expect(reason(parseHours('8.25', 8)).key).toBe('io.hours.max');
  });

  it('has no binary float error: 0.1 credits per quarter hour stays exact', () => {
    // 3 hours × 0.4 credits = 12 quarter hours × 1 tenth = 1.2 credits.
    expect(okValue(parseHours('3', 24)) * 1).toBe(12);
  });
});

describe('parseScore', () => {
  it.each([
    ['0', 0],
    ['100', 1000],
    ['100.0', 1000],
    ['85.5', 855],
    ['85.50', 855],
    ['60', 600],
    [' 7 ', 70],
    ['0.1', 1],
  ])('%j → %d tenths', (text, tenths) => {
    expect(okValue(parseScore(text))).toBe(tenths);
  });

  it.each([
    ['100.1', 'io.score.range'],
    ['101', 'io.score.range'],
    ['1000', 'io.score.range'],
    ['85.55', 'io.score.decimals'],
    ['-5', 'io.number.negative'],
    ['85,5', 'io.number.decimalComma'],
    ['８５', 'io.number.fullWidth'],
    ['', 'io.number.empty'],
    ['85分', 'io.number.unit'],
    ['NaN', 'io.number.notNumber'],
    ['1e2', 'io.number.exponent'],
  ])('refuses %j (%s)', (text, key) => {
    expect(reason(parseScore(text)).key).toBe(key);
  });
});

describe('parseIdentifier', () => {
  it.each([
    ['WZ250001', 'learner_id', 'WZ250001'],
    ['wz250001', 'learner_id', 'WZ250001'],
    [' \tWZ250001\t ', 'learner_id', 'WZ250001'],
    ['2023010001', 'learner_id', '2023010001'],
    ['T-2023_01', 'staff_no', 'T-2023_01'],
    ['t2023', 'staff_no', 't2023'],
    ['  007 ', 'staff_no', '007'],
  ] as const)('%j as %s → %s', (text, kind, value) => {
    expect(okValue(parseIdentifier(text, kind))).toBe(value);
  });

  it.each([
    ['WZ\u200B250001', 'U+200B', 3],
    ['\u200BWZ250001', 'U+200B', 1],
    ['WZ250001\u200C', 'U+200C', 9],
    ['WZ25\u200D0001', 'U+200D', 5],
    ['WZ250001\u2060', 'U+2060', 9],
    ['\uFEFFWZ250001', 'U+FEFF', 1],
    ['WZ250001\u00A0', 'U+00A0', 9],
    ['\u3000WZ250001', 'U+3000', 1],
    ['WZ 250001', 'U+0020', 3],
    ['WZ\t250001', 'U+0009', 3],
    ['WZ250001\r', 'U+000D', 9],
    ['WZ250001\n', 'U+000A', 9],
    ['  WZ\u0007250001', 'U+0007', 5],
    ['WZ\u2028250001', 'U+2028', 3],
  ])('refuses the invisible character in %j, naming %s at %d', (text, code, position) => {
    for (const kind of ['learner_id', 'staff_no'] as const) {
      const r = reason(parseIdentifier(text, kind));
      expect(r.key).toBe('io.id.invisible');
      expect(r.en).toContain(code);
      expect(r.en).toContain(`character ${position} `);
      expect(r.zh).toContain(`第 ${position} 个字符`);
    }
  });

  it.each([
    ['2.02301E+09', 'learner_id'],
    ['2.02301E+09', 'staff_no'],
    ['2.02301e+09', 'staff_no'],
    ['1E+15', 'staff_no'],
  ] as const)('refuses Excel scientific notation %j as %s and says to format the column as Text', (text, kind) => {
    const r = reason(parseIdentifier(text, kind));
    expect(r.key).toBe('io.id.scientific');
    expect(r.en).toMatch(/scientific notation.*format the column as Text/);
    expect(r.zh).toContain('文本');
  });

  it.each([
    ['', 'learner_id', 'io.id.learnerId.empty'],
    [' \t ', 'learner_id', 'io.id.learnerId.empty'],
    ['', 'staff_no', 'io.id.staffNo.empty'],
    ['WZ-250001', 'learner_id', 'io.id.learnerId.char'],
    ['WZ_250001', 'learner_id', 'io.id.learnerId.char'],
    ['学员1', 'learner_id', 'io.id.learnerId.char'],
    ['ÄB1', 'learner_id', 'io.id.learnerId.char'],
    ['ß1', 'learner_id', 'io.id.learnerId.char'],
    ['T.2023', 'staff_no', 'io.id.staffNo.char'],
    ['工号1', 'staff_no', 'io.id.staffNo.char'],
    ['ＷＺ２５', 'learner_id', 'io.id.fullWidth'],
    ['１２３', 'staff_no', 'io.id.fullWidth'],
  ] as const)('refuses %j as %s (%s)', (text, kind, key) => {
    expect(reason(parseIdentifier(text, kind)).key).toBe(key);
  });

  it('names the offending character and its position', () => {
    const r = reason(parseIdentifier('WZ-1', 'learner_id'));
    expect(r.en).toContain('character 3');
    expect(r.en).toContain('U+002D');
  });
});
