/**
 * The places text reaches the terminal, in process: the translator escapes
 * every string parameter (numbers stay numbers; lists and nested messages
 * are not cut as one value nor escaped twice), error places name files
 * escaped, the table escapes each cell, and usage errors never show the
 * value typed with an unknown option.
 */
import { describe, expect, it } from 'vitest';
import { formatPlace, formatProblem } from '../../src/shell/report-error.js';
import { hideOptionValues, optionNameOf, usageMessage } from '../../src/cli/main.js';
import { renderTable } from '../../src/shell/render.js';
import { controlIn, MAX_ECHO_CHARS } from '../../src/core/text.js';
import { msg } from '../../src/errors.js';
import { createTranslator, echoList, Echoed, MAX_LISTED_ITEMS } from '../../src/i18n/index.js';

const en = createTranslator('en');
const zh = createTranslator('zh');
const HOSTILE = ['\x1b[2J', '\x1b]0;title\x07', '\x9b31m', '\u202e', '\u2066', '\u200f', '\x7f', '\r', '\n', '\x00'];

describe('translator', () => {
  it('escapes every string parameter, in both languages', () => {
    for (const tr of [en, zh]) {
      for (const h of HOSTILE) {
        const text = tr.t('training.recorded', { id: `WZ${h}1`, topic: `a${h}b` });
        expect(controlIn(text), JSON.stringify(text)).toBeNull();
        expect(text).toContain('\\u{');
      }
    }
    expect(en.t('training.recorded', { id: 'WZ1', topic: '\x1b[2Jx' })).toBe('recorded topic training "\\u{1B}[2Jx" for WZ1');
  });

  it('shortens a long parameter with its length, and leaves numbers as numbers', () => {
    const text = en.t('io.number.notNumber', { value: 'x'.repeat(500_000) });
    expect(text.length).toBeLessThan(MAX_ECHO_CHARS + 100);
    expect(text).toContain('…(500000)');
    expect(en.t('error.moreProblems', { count: 1234567 })).toBe('… and 1234567 more problems not listed');
  });

  it('escapes the parameters of a key it does not know', () => {
    const text = en.t('no.such.key', { value: '\x1b[2J' });
    expect(controlIn(text)).toBeNull();
    expect(text).toContain('\\u{1B}[2J');
  });

  it('lists escape and shorten each item, and count what is left off', () => {
    const items = ['a\x1b[2J', 'y'.repeat(1000), ...Array.from({ length: 40 }, (_, i) => `f${i}`)];
    const text = en.t('import.summaryRefused', { count: items.length, files: echoList(items) });
    expect(controlIn(text)).toBeNull();
    expect(text).toContain('a\\u{1B}[2J, ');
    expect(text).toContain('…(1000)');
    expect(text).toContain(`…(+${items.length - MAX_LISTED_ITEMS})`);
    // Each item is cut, the list is not: the items after a long one are still there.
    expect(text).toContain(', f0, f1');
  });

  it('a translated message as a parameter is put in whole, neither escaped twice nor cut', () => {
    const inner = en.em(msg('io.number.notNumber', { value: `\x1b${'z'.repeat(MAX_ECHO_CHARS)}` }));
    const outer = en.t('ops.log.badDate', { option: '--since', value: 'x', reason: inner });
    expect(outer).toContain('"\\u{1B}zzz');
    expect(outer).toContain(`…(${MAX_ECHO_CHARS + 1})`);
    expect(outer).not.toContain('\\\\u');
    expect(en.echo('error.prefix')).toBeInstanceOf(Echoed);
  });

  it('text from an input cannot be marked as safe', () => {
    expect(() => new Echoed(Symbol('echoed'), '\x1b[2J')).toThrow(TypeError);
  });
});

describe('error places', () => {
  it('name the file and the column escaped', () => {
    const place = formatPlace({ file: 'h\x1b[2J\u202e.csv', line: 3, column: 2, columnName: '课程\x9b' }, en);
    expect(controlIn(place)).toBeNull();
    expect(place).toBe('h\\u{1B}[2J\\u{202E}.csv, line 3, column 2 (课程\\u{9B})');
    const problem = formatProblem({ file: 'x'.repeat(100_000), line: 1, reason: msg('cell.empty') }, en);
    expect(problem.length).toBeLessThan(400);
  });
});

describe('renderTable', () => {
  it('escapes and shortens each cell, then colours it', async () => {
    const rows = [{ a: 'ok\x1b[2J', b: `\u202e${'w'.repeat(100_000)}` }];
    const text = await renderTable([{ key: 'a', header: 'A' }, { key: 'b', header: 'B' }], rows, false);
    for (const line of text.split('\n')) {
      expect(controlIn(line)).toBeNull();
      expect(line.length).toBeLessThan(700);
    }
    expect(text).toContain('ok\\u{1B}[2J');
    expect(text).toContain('\\u{202E}www');
    expect(text).toContain('…(100001)');
    const seen: string[] = [];
    await renderTable([{ key: 'a', header: 'A' }], rows, true, (_k, v) => (seen.push(v), v));
    expect(seen).toEqual(['ok\\u{1B}[2J']);
  });
});

describe('usage errors', () => {
  it('show an unknown option by its name only', () => {
    expect(optionNameOf('--password=hunter2')).toEqual({ name: '--password', hidden: true });
    expect(optionNameOf('--pasword')).toEqual({ name: '--pasword', hidden: false });
    expect(optionNameOf('-phunter2')).toEqual({ name: '-p', hidden: true });
    expect(optionNameOf('-p')).toEqual({ name: '-p', hidden: false });
    for (const tr of [en, zh]) {
      const text = usageMessage("error: unknown option '--password=hunter2'\n(Did you mean --password-stdin?)", tr);
      expect(text).not.toContain('hunter2');
      expect(text).toContain('--password');
    }
    expect(usageMessage("error: unknown option '-phunter2'", en)).not.toContain('hunter2');
  });

  it('escape and shorten whatever else they quote, and hide option values there too', () => {
    const text = usageMessage(`error: unknown command 'v\x1b]0;t\x07${'q'.repeat(5000)}'`, en);
    expect(controlIn(text.split('\n')[0]!)).toBeNull();
    expect(text.length).toBeLessThan(600);
    const other = usageMessage("error: something new about '--password=hunter2 two' and --token=abc\x1b[2J", en);
    expect(other).not.toContain('hunter2');
    expect(other).not.toContain('abc');
    expect(controlIn(other.split('\n')[0]!)).toBeNull();
    expect(hideOptionValues("'--a=b c' --d=e (--f=g)")).toBe("'--a=…' --d=… (--f=…)");
  });
});
