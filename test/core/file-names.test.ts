/** File names made from department names: portable, short enough, one per department whatever the set. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NAME_BYTES, cutToBytes, fileNamesFor, nameHash, nameKey, portableFileName, utf8Length } from '../../src/core/file-names.js';

const layout = { before: '缺口清单-', after: '_2025-2026学年', ext: 'xlsx' };
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
// eslint-disable-next-line no-control-regex
const INVALID = /[<>:"/\\|?*\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]/;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]) *(\.|$)/i;

/** What every name made must be, on every system. */
function expectPortable(name: string): void {
  expect(name, name).not.toMatch(INVALID);
  expect(name, name).not.toMatch(/[. ]$/);
  expect(name, name).not.toMatch(/^[. ]/);
  expect(name, name).not.toMatch(DEVICE);
  expect(bytes(name), name).toBeLessThanOrEqual(MAX_NAME_BYTES);
  // Whole characters only: the UTF-8 round trip gives the same text.
  expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name);
  expect((name as unknown as { isWellFormed(): boolean }).isWellFormed(), name).toBe(true);
}

function expectUnique(names: Map<string, string>): void {
  const keys = [...names.values()].map(nameKey);
  expect(new Set(keys).size, [...names.values()].join('\n')).toBe(keys.length);
}

describe('portableFileName', () => {
  it.each([
    ['a/b.csv', 'a_b.csv'],
    ['a\\b.csv', 'a_b.csv'],
    ['a:b?c*d"e<f>g|h.csv', 'a_b_c_d_e_f_g_h.csv'],
    ['tab\there.csv', 'tab_here.csv'],
    ['bell\u0007.csv', 'bell_.csv'],
    ['exe\u202egpj.csv', 'exe_gpj.csv'],
    ['name. ', 'name__'],
    ['name...', 'name___'],
    ['.hidden.csv', '_hidden.csv'],
    [' lead.csv', '_lead.csv'],
    ['', '_'],
    ['CON', '_CON'],
    ['con.xlsx', '_con.xlsx'],
    ['Nul.tar.gz', '_Nul.tar.gz'],
    ['nul .csv', '_nul .csv'],
    ['COM1.csv', '_COM1.csv'],
    ['lpt9', '_lpt9'],
    ['COM¹.csv', '_COM¹.csv'],
    ['CONSOLE.csv', 'CONSOLE.csv'],
    ['COM10.csv', 'COM10.csv'],
    ['计算机学院_2025-2026学年.xlsx', '计算机学院_2025-2026学年.xlsx'],
  ])('%j → %j', (input, expected) => {
    expect(portableFileName(input)).toBe(expected);
    expectPortable(portableFileName(input));
  });
  it('is idempotent', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => portableFileName(portableFileName(s)) === portableFileName(s)));
  });
});

describe('cutToBytes and nameHash', () => {
  it('cuts between characters, never inside one', () => {
    expect(cutToBytes('计算机', 7)).toBe('计算');
    expect(cutToBytes('a😀b', 4)).toBe('a');
    expect(cutToBytes('a😀b', 5)).toBe('a😀');
    expect(utf8Length('a😀计')).toBe(8);
  });
  it('is stable and short', () => {
    expect(nameHash('a/b')).toMatch(/^[0-9a-f]{6}$/);
    expect(nameHash('a/b', true)).toMatch(/^[0-9a-f]{12}$/);
    expect(nameHash('a/b')).toBe(nameHash('a/b'));
    expect(nameHash('a/b')).not.toBe(nameHash('a_b'));
    // Fixed values: a name must not change between runs or versions without notice.
    expect(nameHash('')).toBe('811c9d');
  });
});

describe('fileNamesFor', () => {
  it('the five names that one character apart collapsed into one file get five files', () => {
    const depts = ['a/b', 'a_b', 'a:b', 'a\\b', 'a?b'];
    const names = fileNamesFor(depts, layout);
    expect(names.size).toBe(5);
    expectUnique(names);
    for (const d of depts) {
      expectPortable(names.get(d)!);
      // Each carries a hash of its own original name, and the view's year.
      expect(names.get(d)).toBe(`缺口清单-a_b(${nameHash(d)})_2025-2026学年.xlsx`);
    }
  });
  it('names that differ only in case, or in Unicode normalisation, do not share a file on Windows or macOS', () => {
    const depts = ['Dept', 'dept', 'DEPT', 'caf\u00e9', 'cafe\u0301', 'İstanbul', 'i̇stanbul'];
    const names = fileNamesFor(depts, layout);
    expect(names.size).toBe(depts.length);
    expectUnique(names);
    expect(names.get('Dept')).toBe(`缺口清单-Dept(${nameHash('Dept')})_2025-2026学年.xlsx`);
  });
  it('a name without a clash keeps its own text, with nothing added', () => {
    const names = fileNamesFor(['数学学院', '外语学院', 'a/b'], layout);
    expect(names.get('数学学院')).toBe('缺口清单-数学学院_2025-2026学年.xlsx');
    expect(names.get('a/b')).toBe('缺口清单-a_b_2025-2026学年.xlsx');
  });
  it('a 200-character Chinese name is cut on a character to fit, marked with the hash of the whole name', () => {
    const long = '计算机科学与技术学院'.repeat(20);
    expect(long).toHaveLength(200);
    const alike = '计算机科学与技术学院'.repeat(19) + '马克思主义学院研究中心';
    const names = fileNamesFor([long, alike], layout);
    expectUnique(names);
    for (const d of [long, alike]) {
      const n = names.get(d)!;
      expectPortable(n);
      expect(n.startsWith('缺口清单-计算机科学与技术学院')).toBe(true);
      expect(n).toContain(`(${nameHash(d)})_2025-2026学年.xlsx`);
      expect(bytes(n)).toBeGreaterThan(MAX_NAME_BYTES - 6);
    }
  });
  it('device names of Windows never become a file name, even with no prefix', () => {
    const bare = { before: '', after: '', ext: 'csv' };
    const names = fileNamesFor(['CON', 'nul', 'Aux.', 'COM1', 'LPT9 '], bare);
    for (const n of names.values()) expectPortable(n);
    expect(names.get('CON')).toBe('_CON.csv');
    expectUnique(names);
    // With the usual layout the name is not a device name to begin with.
    expect(fileNamesFor(['CON'], layout).get('CON')).toBe('缺口清单-CON_2025-2026学年.xlsx');
  });
  it('a department named like another one made unique still gets its own file', () => {
    const tricky = ['a/b', 'a_b', `a_b(${nameHash('a/b')})`];
    const names = fileNamesFor(tricky, layout);
    expect(names.size).toBe(3);
    expectUnique(names);
  });
  it('any set of names: portable, unique ignoring case, the same whatever the order', () => {
    const dept = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc.stringMatching(/^[aA/_:\\?. ]{0,4}$/),
      fc.string({ unit: fc.constantFrom('计', '算', '机', 'a', 'A', '/', '.', ' '), maxLength: 150 }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(dept, { maxLength: 25 }), fc.integer(), (depts, seed) => {
        const names = fileNamesFor(depts, layout);
        expect(names.size).toBe(depts.length);
        expectUnique(names);
        for (const n of names.values()) expectPortable(n);
        const shuffled = [...depts].sort(() => ((seed = (seed * 1103515245 + 12345) | 0) & 1 ? 1 : -1));
        expect(fileNamesFor(shuffled, layout)).toEqual(names);
      }),
      { numRuns: 300 },
    );
  });
});
