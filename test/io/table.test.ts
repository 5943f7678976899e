import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable, type TableRecord, type TableSpec } from '../../src/io/table.js';
import { collect, fixture, fixtures, inputError, repoRoot, scratch } from './helpers.js';

const hoursSpec: TableSpec = {
  columns: [
    { key: 'learner_id', aliases: ['学员编号'] },
    { key: 'staff_no', aliases: ['工号'] },
    { key: 'course_code', aliases: ['课程编号'] },
    { key: 'completed_on', aliases: ['完成日期', '学习日期'] },
    { key: 'hours', aliases: ['学时'] },
    { key: 'name', aliases: ['姓名'] },
  ],
  required: ['course_code', 'completed_on'],
  oneOf: [['learner_id', 'staff_no']],
};

const tmp = scratch();
const write = tmp.write;

const read = async (file: string, spec: TableSpec = hoursSpec) => {
  const { header, records } = await openTable(file, spec);
  return { header, rows: await collect(records) };
};
const brief = (r: TableRecord) => ({ line: r.line, ...r.cells });

describe('openTable: encodings and layouts', () => {
  it('reads UTF-8 with Chinese headers', async () => {
    const { header, rows } = await read(fixture('utf8.csv'));
    expect(header).toMatchObject({
      file: fixture('utf8.csv'),
      format: 'csv',
      encoding: 'utf-8',
      bytes: readFileSync(fixture('utf8.csv')).length,
      keys: ['learner_id', 'course_code', 'completed_on', 'hours', 'name'],
      names: ['学员编号', '课程编号', '完成日期', '学时', '姓名'],
      unknown: [],
    });
    expect(header.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.map(brief)).toEqual([
      { line: 2, learner_id: 'WZ250001', course_code: 'C001', completed_on: '2025-09-01', hours: '1', name: '张三' },
      { line: 3, learner_id: 'WZ250002', course_code: 'C002', completed_on: '2025/9/2', hours: '2.5', name: '李四' },
    ]);
    expect(rows[0].columnOf('course_code')).toBe(2);
    expect(rows[0].columnOf('staff_no')).toBe(0);
    expect(rows[0].problem).toBeUndefined();
  });

  it('reads UTF-8 with a BOM and CRLF; the BOM is not part of the first name', async () => {
    const { header, rows } = await read(fixture('utf8-bom.csv'));
    expect(header.names[0]).toBe('learner_id');
    expect(header.keys[0]).toBe('learner_id');
    expect(rows.map(brief)).toEqual([{ line: 2, learner_id: 'WZ250001', course_code: 'C001', completed_on: '2025-09-01', hours: '1' }]);
  });

  it('reads GBK with Chinese headers and data', async () => {
    const { header, rows } = await read(fixture('gbk.csv'));
    expect(header.encoding).toBe('gb18030');
    expect(header.keys).toEqual(['learner_id', 'course_code', 'completed_on', 'hours', 'name']);
    expect(rows.map((r) => [r.line, r.cells.name, r.cells.completed_on])).toEqual([
      [2, '张三', '2025年9月1日'],
      [3, '欧阳修', '2025.9.2'],
    ]);
  });

  it("reads Excel's Unicode text: UTF-16LE with a BOM, tab-separated", async () => {
    const { header, rows } = await read(fixture('utf16le-tab.txt'));
    expect(header).toMatchObject({ format: 'tsv', encoding: 'utf-16le', names: ['学员编号', '课程编号', '完成日期', '学时'] });
    expect(rows.map(brief)).toEqual([
      { line: 2, learner_id: 'WZ250001', course_code: 'C001', completed_on: '2025-09-01', hours: '1' },
      { line: 3, learner_id: 'WZ250002', course_code: 'C,002', completed_on: '2025-09-02', hours: '0.75' },
    ]);
  });

  it('reads UTF-16BE', async () => {
    const text = 'learner_id,course_code,completed_on\r\nWZ1,C1,2025-09-01\r\n';
    const file = write('be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    const { rows } = await read(file);
    expect(rows.map(brief)).toEqual([{ line: 2, learner_id: 'WZ1', course_code: 'C1', completed_on: '2025-09-01' }]);
  });

  it('keeps comma as the delimiter when the header has both tabs and commas', async () => {
    const file = write('mixed.csv', 'learner_id,course_code,completed_on,note\nWZ1,C1,2025-09-01,a\tb\n');
    const { header, rows } = await read(file);
    expect(header.format).toBe('csv');
    expect(header.unknown).toEqual(['note']);
    expect(rows[0].raw).toEqual(['WZ1', 'C1', '2025-09-01', 'a\tb']);
  });

  it('reads CR-only line ends, with correct line numbers across a quoted line break', async () => {
    const { rows } = await read(fixture('cr-only.csv'));
    expect(rows.map(brief)).toEqual([
      { line: 2, learner_id: 'WZ250001', course_code: 'C001', completed_on: '2025-09-01' },
      { line: 4, learner_id: 'WZ250002', course_code: 'C\r002', completed_on: '2025-09-02' },
      { line: 6, learner_id: 'WZ250003', course_code: 'C003', completed_on: '2025-09-03' },
    ]);
  });

  it('skips blank lines (and rows of empty cells) and keeps physical line numbers', async () => {
    const { rows } = await read(fixture('blank-lines.csv'));
    expect(rows.map((r) => [r.line, r.cells.learner_id, r.cells.course_code])).toEqual([
      [5, 'WZ250001', 'C\n001'],
      [9, 'WZ250002', 'C002'],
    ]);
  });

  it('treats a row of spaces as blank', async () => {
    const file = write('spaces.csv', 'learner_id,course_code,completed_on\n  ,\t, \n   \nWZ1,C1,2025-09-01\n');
    const { rows } = await read(file);
    expect(rows.map((r) => [r.line, r.problem])).toEqual([[4, undefined]]);
  });

  it('counts a CRLF inside quotes as one line break', async () => {
    const file = write('crlf-quoted.csv', 'learner_id,course_code,completed_on\r\nWZ1,"a\r\nb\r\nc",2025-09-01\r\nWZ2,"x\ny\rz",2025-09-02\r\nWZ3,C3,2025-09-03\r\n');
    const { rows } = await read(file);
    expect(rows.map((r) => r.line)).toEqual([2, 5, 8]);
  });

  it('matches header names without case, spacing or width differences, and keeps cells untrimmed', async () => {
    const file = write('case.csv', ' Learner_ID ,COURSE-CODE,Completed On,ｈｏｕｒｓ\nWZ1, C1 ,2025-09-01,1\n');
    const { header, rows } = await read(file);
    expect(header.keys).toEqual(['learner_id', 'course_code', 'completed_on', 'hours']);
    expect(header.names[0]).toBe('Learner_ID');
    expect(rows[0].cells.course_code).toBe(' C1 ');
  });

  it('reads a file with only a header as no records', async () => {
    const { header, rows } = await read(fixture('header-only.csv'));
    expect(header.keys).toEqual(['learner_id', 'course_code', 'completed_on']);
    expect(rows).toEqual([]);
  });

  it('lists unknown columns once, ignores unnamed ones, and is safe with __proto__-style names', async () => {
    const { header, rows } = await read(fixture('proto-header.csv'));
    expect(header.unknown).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    expect(header.keys).toEqual([null, 'learner_id', null, 'course_code', 'completed_on', null, null, null]);
    expect(rows.map(brief)).toEqual([{ line: 2, learner_id: 'WZ250001', course_code: 'C001', completed_on: '2025-09-01' }]);
    expect(rows[0].problem).toBeUndefined();
    expect(rows[0].raw?.[6]).toBe('data under an unnamed column');
    expect(Object.keys(rows[0].cells)).toEqual(['learner_id', 'course_code', 'completed_on']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('can even use __proto__ and constructor as column keys', async () => {
    const spec: TableSpec = { columns: [{ key: '__proto__', aliases: [] }, { key: 'constructor', aliases: [] }], required: ['__proto__', 'constructor'] };
    const { rows } = await read(fixture('proto-header.csv'), spec);
    expect(Object.getOwnPropertyDescriptor(rows[0].cells, '__proto__')?.value).toBe('{"polluted":1}');
    expect(rows[0].cells.constructor).toBe('x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('can be iterated again (it re-reads the file) and stops cleanly on break', async () => {
    const { records } = await openTable(fixture('utf8.csv'), hoursSpec);
    for await (const r of records) {
      expect(r.line).toBe(2);
      break;
    }
    expect((await collect(records)).length).toBe(2);
    expect((await collect(records)).length).toBe(2);
  });
});

describe('openTable: rows with problems', () => {
  it('reports ragged rows on the record and reads on', async () => {
    const { rows } = await read(fixture('ragged.csv'));
    expect(rows.map((r) => [r.line, r.problem?.reason.key ?? null])).toEqual([
      [2, null],
      [3, 'io.table.ragged'],
      [4, 'io.table.ragged'],
      [5, null], // a trailing empty field beyond the header is harmless
      [6, null],
    ]);
    expect(rows[1].problem).toMatchObject({ file: fixture('ragged.csv'), line: 3, reason: { params: { fields: 3, columns: 4 } } });
    expect(rows[1].problem?.fix?.key).toBe('io.table.fix.ragged');
    expect(rows[4].cells.course_code).toBe('C,005');
  });
});

describe('openTable: refusals', () => {
  it('refuses a duplicate column at line 1, naming the column', async () => {
    const e = await inputError(read(fixture('duplicate-header.csv')));
    expect(e.error.problems).toEqual([
      expect.objectContaining({ file: fixture('duplicate-header.csv'), line: 1, column: 4, columnName: '学员编号' }),
    ]);
    expect(e.text).toMatch(/column "学员编号" \(column 4\) is the same as column 1 "learner_id"/);
  });

  it('refuses a missing required column, listing expected names (the Chinese one first) and the names found', async () => {
    const e = await inputError(read(fixture('missing-column.csv')));
    expect(e.error.msg.params).toMatchObject({ line: 1, missing: '完成日期 (completed_on/学习日期)', found: 'learner_id, course_code, hours' });
    expect(e.error.problems[0]).toMatchObject({ line: 1 });
    expect(e.text).toMatch(/line 1 \(the header\) lacks required columns: 完成日期 \(completed_on\/学习日期\)\. Columns found: learner_id, course_code, hours/);
  });

  it('refuses a file that has none of a one-of group', async () => {
    const file = write('no-id.csv', '课程编号,完成日期\nC1,2025-09-01\n');
    const e = await inputError(read(file));
    expect(e.error.msg.params?.missing).toBe('学员编号 (learner_id) | 工号 (staff_no)');
  });

  it('surfaces Big5 bytes as missing columns at line 1 with an encoding hint, never as data', async () => {
    const e = await inputError(read(fixture('big5.csv')));
    expect(e.error.msg.key).toBe('io.table.missingColumns');
    expect(e.error.msg.params?.line).toBe(1);
    expect(e.error.fix?.key).toBe('io.table.fix.missingColumnsGarbled');
    expect(e.text).toMatch(/Big5/);
  });

  it('refuses an unclosed quote at the line and column where it opens', async () => {
    const file = fixture('unclosed-quote.csv');
    const e = await inputError(read(file));
    expect(e.error.problems).toEqual([expect.objectContaining({ file, line: 3, column: 2, columnName: 'course_code' })]);
    expect(e.text).toMatch(/never closed/);
  });

  it('refuses a bare quote in an unquoted field, with line and column', async () => {
    const file = fixture('bare-quote.csv');
    const e = await inputError(read(file));
    expect(e.error.problems).toEqual([expect.objectContaining({ file, line: 3, column: 2, columnName: 'course_code' })]);
    expect(e.text).toMatch(/line 3, column 2/);
  });

  it('gives the right line for a structural error after quoted CRLF line breaks', async () => {
    const body = 'learner_id,course_code,completed_on\r\n' + 'WZ1,"a\r\nb",2025-09-01\r\n'.repeat(3) + 'WZ2,C"2,2025-09-02\r\n';
    const e = await inputError(read(write('late-bare.csv', body)));
    expect(e.error.problems[0]).toMatchObject({ line: 8, column: 2 });
  });

  it('refuses a quote followed by other characters', async () => {
    const e = await inputError(read(write('after-quote.csv', 'learner_id,course_code,completed_on\nWZ1,"C1"x,2025-09-01\n')));
    expect(e.error.problems[0]).toMatchObject({ line: 2, column: 2 });
    expect(e.error.problems[0].reason.key).toBe('io.csv.afterQuote');
  });

  it('refuses a field over 1 MB', async () => {
    const big = 'x'.repeat(2 << 20);
    const e1 = await inputError(read(write('big.csv', `learner_id,course_code,completed_on\nWZ1,C1,2025-09-01\nWZ2,${big},2025-09-02\n`)));
    expect(e1.error.problems[0]).toMatchObject({ line: 3 });
    expect(e1.text).toMatch(/longer than 1 MB/);
    const e2 = await inputError(read(write('big-quoted.csv', `learner_id,course_code,completed_on\nWZ1,"${big}",2025-09-01\n`)));
    expect(e2.error.problems[0]).toMatchObject({ line: 2, column: 2 });
  });

  it.each([
    ['empty.csv', /is empty/],
    ['nul.csv', /NUL byte at line 3/],
    ['invalid-encoding.csv', /neither UTF-8 nor GBK/],
    ['xlsx-renamed.csv', /really an Excel/],
    ['not-really.xlsx', /named \.xlsx but is not an Excel workbook/],
    ['no-such-file.csv', /not found/],
  ])('refuses %s', async (name, text) => {
    expect((await inputError(read(fixture(name)))).text).toMatch(text);
  });

  it('refuses a directory', async () => {
    expect((await inputError(read(fixtures))).text).toMatch(/is a folder/);
    expect((await inputError(read(tmp.dir))).error.msg.key).toBe('io.file.directory');
  });

  it('refuses a file of blank lines as having no header', async () => {
    expect((await inputError(read(write('blank.csv', '\n\r\n\n')))).text).toMatch(/no header row/);
  });
});

describe('the modules of src/io', () => {
  const ioDir = path.join(repoRoot, 'src/io');
  /** Each module of src/io (path relative to it) and the modules of src/io it imports, statically or with import(). */
  const graph = new Map<string, string[]>();
  for (const entry of readdirSync(ioDir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts')) continue;
    const file = entry.split(path.sep).join('/');
    const text = readFileSync(path.join(ioDir, file), 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1].replace(/\.js$/, '.ts')));
      if (!target.startsWith('../')) targets.push(target);
    }
    graph.set(file, targets);
  }

  it('holds the table readers below the façade', () => {
    expect(graph.get('table.ts')).toEqual(
      expect.arrayContaining(['table/csv.ts', 'table/fast-csv.ts', 'table/header.ts', 'table/types.ts', 'table/xlsx.ts']),
    );
    for (const [file, targets] of graph) if (file.startsWith('table/')) expect(targets, file).not.toContain('table.ts');
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(graph.size).toBeGreaterThan(6);
    expect(cycles).toEqual([]);
  });
});
