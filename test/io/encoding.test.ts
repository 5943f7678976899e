import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBytes, fileError, scanFile } from '../../src/io/encoding.js';
import { fixture, fixtures, inputError, render, scratch } from './helpers.js';

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const tmp = scratch();
const write = tmp.write;

describe('scanFile', () => {
  it.each([
    ['utf8.csv', 'utf-8', false],
    ['utf8-bom.csv', 'utf-8', true],
    ['gbk.csv', 'gb18030', false],
    ['big5.csv', 'gb18030', false],
    ['utf16le-tab.txt', 'utf-16le', true],
    ['cr-only.csv', 'utf-8', false],
    ['header-only.csv', 'utf-8', false],
  ])('%s is %s (BOM: %s), with its hash and size', async (name, encoding, bom) => {
    const file = fixture(name);
    const r = await scanFile(file);
    expect(r).toEqual({ encoding, bom, sha256: sha(file), bytes: readFileSync(file).length });
  });

  it('recognises UTF-16BE with a BOM', async () => {
    const file = write('be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('a,b\n1,2\n', 'utf16le').swap16()]));
    expect((await scanFile(file)).encoding).toBe('utf-16be');
  });

  it('calls pure ASCII UTF-8', async () => {
    expect((await scanFile(fixture('missing-column.csv'))).encoding).toBe('utf-8');
  });

  it('decides UTF-8 over the whole file, not just its start', async () => {
    // 1.5 MB of ASCII, then GBK bytes: only the end shows it is not UTF-8.
    const gbkTail = Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0x0a]);
    const file = write('late-gbk.csv', Buffer.concat([Buffer.from('a,b\n' + 'x,y\n'.repeat(400_000)), gbkTail]));
    expect((await scanFile(file)).encoding).toBe('gb18030');
  });

  it('keeps a UTF-8 character split across read chunks intact', async () => {
    // The 1 MiB chunk boundary falls inside a three-byte character.
    const pad = 'a'.repeat((1 << 20) - 1);
    const file = write('split.csv', `${pad}中\n`);
    expect((await scanFile(file)).encoding).toBe('utf-8');
  });

  it.each([
    ['empty.csv', /is empty/],
    ['xlsx-renamed.csv', /really an Excel \(\.xlsx\).*save as.*CSV UTF-8.*rename it to \.xlsx/is],
    ['invalid-encoding.csv', /neither UTF-8 nor GBK\/GB18030 \(the problem is near line 3\)[\s\S]*save it as "CSV UTF-8"/],
  ])('refuses %s', async (name, text) => {
    const e = await inputError(scanFile(fixture(name)));
    expect(e.text).toMatch(text);
  });

  it('names the line and column of a NUL byte', async () => {
    const e = await inputError(scanFile(fixture('nul.csv')));
    expect(e.text).toMatch(/NUL byte at line 3, byte 12/);
    expect(e.error.problems[0]).toMatchObject({ file: fixture('nul.csv'), line: 3, column: 12 });
  });

  it('finds a NUL byte in a CR-only file and past the first chunk', async () => {
    const cr = write('nul-cr.csv', 'a,b\r1,2\r3,\u00004\r');
    expect((await inputError(scanFile(cr))).error.problems[0]).toMatchObject({ line: 3, column: 3 });
    const big = write('nul-late.csv', 'a,b\n' + 'x,y\n'.repeat(500_000) + 'p,\u0000q\n');
    expect((await inputError(scanFile(big))).error.problems[0]).toMatchObject({ line: 500_002, column: 3 });
  });

  it('locates undecodable bytes far into a large file', async () => {
    const file = write('bad-late.csv', Buffer.concat([Buffer.from('a,b\n' + 'x,y\n'.repeat(500_000)), Buffer.from([0x70, 0xff, 0x0a])]));
    expect((await inputError(scanFile(file))).error.problems[0]).toMatchObject({ line: 500_002 });
  });

  it('refuses a truncated multi-byte character at the very end', async () => {
    const file = write('truncated.csv', Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xe4, 0xb8])]));
    // E4 B8 is an incomplete UTF-8 character but a valid GB18030 pair.
    expect((await scanFile(file)).encoding).toBe('gb18030');
    const bad = write('truncated2.csv', Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xff])]));
    await inputError(scanFile(bad));
  });

  it('refuses a BOM-only file as empty', async () => {
    const e = await inputError(scanFile(write('bom-only.csv', Buffer.from([0xef, 0xbb, 0xbf]))));
    expect(e.text).toMatch(/is empty/);
  });

  it('refuses a UTF-8 BOM followed by bytes that are not UTF-8', async () => {
    const file = write('bom-bad.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\n'), Buffer.from([0xd6, 0xd0, 0x0a])]));
    expect((await inputError(scanFile(file))).error.problems[0]).toMatchObject({ line: 2 });
  });

  it('refuses an old binary .xls', async () => {
    const file = write('old.csv', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect((await inputError(scanFile(file))).text).toMatch(/old-style Excel \(\.xls\)/);
  });

  it('refuses a directory, a missing path and an unreadable file', async () => {
    expect((await inputError(scanFile(fixtures))).text).toMatch(/is a folder, not a file/);
    expect((await inputError(scanFile(fixture('no-such-file.csv')))).text).toMatch(/not found \(looked in .*\)[\s\S]*check the file name/);
    expect((await inputError(scanFile(path.join(fixture('utf8.csv'), 'x.csv')))).text).toMatch(/not found/);
    // chmod cannot lock a file against root (tests and CI run as root here), so the
    // permission error the file system would raise is handed to the mapper directly.
    const denied = fileError('locked.csv', Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
    expect(denied.exitCode).toBe(2);
    expect(render(denied.msg).en).toMatch(/no permission/);
    expect(denied.fix).toBeDefined();
  });
});

describe('decodeBytes', () => {
  it.each([
    ['utf8.csv', '学员编号,课程编号'],
    ['utf8-bom.csv', 'learner_id,course_code'],
    ['gbk.csv', '学员编号,课程编号,完成日期,学时,姓名\r\n'],
    ['utf16le-tab.txt', '学员编号\t课程编号'],
  ])('decodes %s without its BOM', (name, start) => {
    const text = decodeBytes(readFileSync(fixture(name)), name);
    expect(text.startsWith(start)).toBe(true);
  });

  it('applies the same refusals', async () => {
    expect(() => decodeBytes(readFileSync(fixture('invalid-encoding.csv')), 'x.txt')).toThrow();
    expect(() => decodeBytes(Buffer.alloc(0), 'x.txt')).toThrow();
    await inputError(Promise.resolve().then(() => decodeBytes(readFileSync(fixture('nul.csv')), 'x.txt')));
  });
});
