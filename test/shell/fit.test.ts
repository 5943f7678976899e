/**
 * The one home of terminal widths (src/shell/fit.ts): text widths with CJK
 * counted as 2, wrapping, and tables no line of which is wider than the
 * terminal, whatever the cells, with the essential columns always shown.
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { drawTable, layoutTable, terminalWidth, textWidth, widestLine, wrapMessage, wrapText, type FitColumn } from '../../src/shell/fit.js';
import { fitTable } from '../../src/shell/render.js';
import { createTranslator } from '../../src/i18n/index.js';
import { mulberry32 } from '../helpers/prng.mjs';

describe('terminalWidth', () => {
  it('is the stream\'s columns, else COLUMNS, else 80', () => {
    expect(terminalWidth({ write: () => true, isTTY: true, columns: 132 }, { COLUMNS: '90' })).toBe(132);
    expect(terminalWidth({ write: () => true }, { COLUMNS: '90' })).toBe(90);
    expect(terminalWidth({ write: () => true }, { COLUMNS: 'wide' })).toBe(80);
    expect(terminalWidth({ write: () => true }, {})).toBe(80);
  });
});

describe('textWidth', () => {
  it('agrees with string-width on every character of ASCII, CJK, kana, hangul and full-width forms, and on mixed text', () => {
    const differ: string[] = [];
    for (const [from, to] of [[0x20, 0x7e], [0x3000, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xff00, 0xffef]]) {
      for (let c = from; c <= to; c++) {
        const ch = String.fromCharCode(c);
        if (textWidth(ch) !== stringWidth(ch)) differ.push(c.toString(16));
      }
    }
    expect(differ).toEqual([]);
    for (const text of ['é', 'e\u0301', '👍🏽', '☺️', 'か\u3099', 'ａｂｃ', '党委组织部（党校）', 'Ω中']) expect(textWidth(text), text).toBe(stringWidth(text));
  });
});

describe('wrapText', () => {
  it('counts Chinese as two columns and breaks between Chinese characters', () => {
    expect(textWidth('计算机学院')).toBe(10);
    expect(textWidth('WZ260001')).toBe(8);
    expect(wrapText('习近平新时代中国特色社会主义思想概论', 10)).toEqual(['习近平新时', '代中国特色', '社会主义思', '想概论']);
  });
  it('breaks at spaces, keeps figures whole and punctuation with its words', () => {
    expect(wrapText('term total credits 17.8/60, 42.2 credits missing', 20)).toEqual(['term total credits', '17.8/60, 42.2', 'credits missing']);
    const zh = wrapText('本任期 总学分 9/40，缺 31 学分（另 1 项）', 10);
    for (const line of zh) {
      expect(textWidth(line)).toBeLessThanOrEqual(10);
      expect(line).not.toMatch(/^[，）]/);
      expect(line).not.toMatch(/（$/);
    }
    expect(zh.join('')).toContain('9/40');
  });
  it('keeps curly quotes with their words (they count one column): a line never starts with ” or ’, nor ends with “ or ‘', () => {
    const text = '若整列都是学员编号，把列名改为“学员编号”后重新导入；‘工号’列应填工号”，再试一次';
    for (let width = 6; width <= 40; width++) {
      const lines = wrapText(text, width);
      expect(lines.join(''), String(width)).toBe(text);
      for (const line of lines) {
        expect(line, `width ${width}: ${lines.join('|')}`).not.toMatch(/^[”’]/);
        expect(line, `width ${width}: ${lines.join('|')}`).not.toMatch(/[“‘]$/);
        expect(textWidth(line)).toBeLessThanOrEqual(width);
      }
    }
  });
  it('cuts a word longer than the line, never an escaped character', () => {
    expect(wrapText('x'.repeat(25), 10)).toEqual(['xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx']);
    const lines = wrapText('ab\\u{1B}\\u{1B}\\u{1B}\\u{1B}', 10);
    expect(lines.every((l) => textWidth(l) <= 10)).toBe(true);
    expect(lines.join('|')).toBe('ab\\u{1B}|\\u{1B}|\\u{1B}|\\u{1B}');
  });
});

describe('layoutTable', () => {
  const cols = (): FitColumn[] => [
    { header: 'ID', cells: ['WZ260001', 'WZ260002'], essential: true, keep: true },
    { header: 'term', cells: ['2025-2028', '2025-2028'], merge: true, keep: true, drop: 9 },
    { header: 'exam', cells: ['65', '98.5'], keep: true, drop: 5 },
    { header: 'note', cells: ['a long note '.repeat(8), 'short'] },
    { header: 'status', cells: ['short', 'on track'], essential: true, keep: true },
  ];
  it('shows a column with one value on every row once, above the table', () => {
    const { text, layout } = drawTable(cols(), 2, { width: 120, color: false });
    expect(layout.merged).toEqual([1]);
    expect(text.split('\n')[0]).toBe('term: 2025-2028');
    expect(widestLine(text)).toBeLessThanOrEqual(120);
  });
  it('wraps long cells before it leaves a column out, and leaves out by priority', () => {
    const wide = layoutTable(cols(), 70);
    expect(wide.dropped).toEqual([]);
    const narrow = layoutTable(cols(), 34);
    expect(narrow.dropped).toEqual([2]);
    expect(narrow.shown).toEqual([0, 3, 4]);
  });
});

/** A random cell: ASCII words, Chinese, full-width punctuation, long runs, empty. */
function randomCell(rnd: () => number): string {
  const parts = ['WZ260001', '计算机学院', '党委组织部（党校）', 'hours-2025-w38.csv', '17.8/60', '，', '；', ' ', '缺 42.2 学分', 'x'.repeat(40), '习近平新时代中国特色社会主义思想概论', 'a/b/c/d', '（另 3 项）', '\\u{1B}[2J', 'é', '👍🏽', ''];
  const n = Math.floor(rnd() * 6);
  let s = '';
  for (let i = 0; i < n; i++) s += parts[Math.floor(rnd() * parts.length)];
  return s;
}

const STATUSES = ['达标', '进度正常', '进度落后', '未达标', 'on track', 'short'];

describe('no line wider than the terminal (property)', () => {
  it('for random CJK/ASCII rows at widths 60 to 160, with the ID and status columns always shown', () => {
    const rnd = mulberry32(20261202);
    const tr = createTranslator('zh');
    for (let run = 0; run < 300; run++) {
      const width = 60 + Math.floor(rnd() * 101);
      const ncols = 2 + Math.floor(rnd() * 9);
      const nrows = 1 + Math.floor(rnd() * 6);
      const rows = Array.from({ length: nrows }, () => Array.from({ length: ncols }, () => randomCell(rnd)));
      const columns = Array.from({ length: ncols }, (_, c) => ({
        key: c === 0 ? 'id' : c === ncols - 1 ? 'status' : `c${c}`,
        header: c === 0 ? '学员编号' : c === ncols - 1 ? '状态' : randomCell(rnd) || `列${c}`,
        cell: (r: string[]) => (c === 0 ? `WZ26${String(rows.indexOf(r)).padStart(4, '0')}` : c === ncols - 1 ? STATUSES[rows.indexOf(r) % STATUSES.length] : r[c]),
        essential: c === 0 || c === ncols - 1,
        keep: c === 0 || c === ncols - 1 || rnd() < 0.3,
        drop: c === 0 || c === ncols - 1 || rnd() < 0.3 ? undefined : Math.floor(rnd() * 10),
        merge: c !== 0 && c !== ncols - 1 && rnd() < 0.2,
      }));
      const text = fitTable(columns, rows, { width, color: false, tr });
      const label = `width ${width}, ${ncols} columns`;
      expect(widestLine(text), label).toBeLessThanOrEqual(width);
      expect(text, label).toContain('学员编号');
      expect(text, label).toContain('状态');
      for (let r = 0; r < nrows; r++) {
        expect(text, label).toContain(`WZ26${String(r).padStart(4, '0')}`);
        expect(text, label).toContain(STATUSES[r % STATUSES.length]);
      }
    }
  });
});

describe('wrapMessage', () => {
  const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
  it('wraps a message line longer than the terminal, later lines indented, and leaves short lines alone', () => {
    const long = '提示：3 名干部在 2025-09-16（本库最早的记录）之前已结束的期间显示为未达标，那些期间没有任何记录。若本办公室是那时才开始用 cadre 的：导入平台的历史记录';
    const out = wrapMessage(`短的一行\n${long}\n`, 40);
    const lines = out.split('\n');
    expect(lines[0]).toBe('短的一行');
    for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(40);
    expect(lines.slice(2, -1).every((l) => l.startsWith('  '))).toBe(true);
    expect(lines.slice(1).join('').replace(/ /g, '')).toBe(long.replace(/ /g, ''));
    expect(out.endsWith('\n')).toBe(true);
  });

  it('keeps a painted prefix as it is and wraps what follows; a line coloured elsewhere is left as it is', () => {
    const out = wrapMessage(`${red('错误')}: ${'这条命令会改动已关账学年的记录，已全部撤销，未作任何改动。'.repeat(3)}`, 50);
    expect(out.startsWith(red('错误'))).toBe(true);
    for (const l of out.split('\n')) expect(textWidth(l.replace(/\u001b\[[0-9;]*m/g, ''))).toBeLessThanOrEqual(50);
    const table = `│ ${red('未达标')} │ ${'x'.repeat(80)}`;
    expect(wrapMessage(table, 50)).toBe(table);
    expect(wrapMessage('y'.repeat(100), 10)).toBe('y'.repeat(100));
  });
});
