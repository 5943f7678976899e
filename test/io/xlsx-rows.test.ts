/**
 * The compact rows of a split (src/io/xlsx-rows.ts): every cell given back exactly as it was
 * added, whatever its kind, across the arena's blocks.
 */
import { describe, expect, it } from 'vitest';
import type { SheetCell } from '../../src/io/xlsx-out.js';
import { CompactRows } from '../../src/io/xlsx-rows.js';

describe('CompactRows', () => {
  it('gives back each cell as added: numbers (tenths or not), texts kept inline, once, or by lines, null and undefined', () => {
    const rows = new CompactRows([true, true, false, false, false]);
    const cases: SheetCell[][] = [
      ['WZ250001', '00120012', '副科', 17.5, 'platform hours 12/20, 8 short\nreflection 0/1'],
      ['WZ250002', '张三', '副科', 0, ''],
      ['', null, undefined, -3.2, 'one line'],
      ['x', 'y', '\n', 1.05, '\nlead and trail\n'],
      ['a', 'b', 'c', -0, Number.NaN],
      ['a', 'b', 'c', Number.POSITIVE_INFINITY, 1e300],
      ['a', 'b', 'c', 0.1 + 0.2, 2147483647.5],
      ['a', 'b', 'c', 123456789.1, -214748364.8],
      ['🙂 e\u0301', '\u0000ctl', '平台学时\t差', 1 / 3, 'x'],
      [],
      ['short'],
    ];
    const handles = cases.map((r) => rows.add(r));
    handles.forEach((h, i) => {
      const back = rows.get(h);
      expect(back.length).toBe(cases[i].length);
      back.forEach((v, k) => expect(Object.is(v, cases[i][k]), `row ${i} cell ${k}: ${String(v)}`).toBe(true));
    });
  });

  it('holds rows across many blocks, and a row larger than a block', () => {
    const rows = new CompactRows([true, false]);
    const big = 'x'.repeat(3 << 20);
    const handles: number[] = [];
    for (let i = 0; i < 60_000; i++) handles.push(rows.add([`WZ${i}`.padEnd(40, '-'), `dept ${i % 50}`]));
    const h = rows.add([big, 'y']);
    handles.push(rows.add(['after', 'z']));
    expect(rows.get(h)).toEqual([big, 'y']);
    expect(rows.get(handles[0])).toEqual(['WZ0'.padEnd(40, '-'), 'dept 0']);
    expect(rows.get(handles[59_999])).toEqual(['WZ59999'.padEnd(40, '-'), 'dept 49']);
    expect(rows.get(handles[60_000])).toEqual(['after', 'z']);
  });
});
