import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countZi } from '../../src/core/wordcount.js';

describe('countZi', () => {
  it.each([
    ['', 0],
    ['   \n\t ', 0],
    ['\u3000\u00A0\u3000', 0],
    ['中', 1],
    ['中文', 2],
    ['学习贯彻党的二十大精神', 11],
    // punctuation: CJK and full-width marks count one each
    ['你好，世界。', 6],
    ['、。，；：？！', 7],
    ['“”‘’《》【】…—', 10],
    ['（）「」『』〔〕', 8],
    ['——', 2],
    ['……', 2],
    ['卡尔·马克思', 6],
    // runs of other characters
    ['COVID-19', 1],
    ['3.14', 1],
    ['https://www.example.edu.cn/path?a=1&b=2#x', 1],
    ['hello world', 2],
    ['hello, world!', 2],
    ['e-mail x@y.z', 2],
    ['a  b\n\nc', 3],
    // mixed: a CJK character or mark ends a run
    ['在COVID-19期间', 4],
    ['学习2025年', 4],
    ['共3.14个', 3],
    ['参见https://a.cn/x。', 4],
    ['Python语言', 3],
    ['“COVID-19”', 3],
    ['全角ＡＢＣ１２３', 8],
    ['半角ｶﾀｶﾅ', 6],
    // whitespace kinds are 0 and separate runs
    ['a\u3000b', 2],
    ['a\u00A0b', 2],
    ['a\u200Bb', 2],
    ['\uFEFF正文', 2],
    // kana, hangul, extensions
    ['ひらがなカタカナー', 9],
    ['한국어', 3],
    ['𠀀𠀁', 2],
    ['𪚥字', 2],
    // emoji and others are runs
    ['ok👍', 1],
    ['中👍文', 3],
  ])('%j → %d', (text, n) => {
    expect(countZi(text)).toBe(n);
  });

  it('counts an essay of exactly 3000 字 as 3000 and one short of it as 2999', () => {
    const para = '学习贯彻党的二十大精神，推进高质量发展。'; // 20 字
    const body = para.repeat(150);
    expect(countZi(body)).toBe(3000);
    expect(countZi(body.slice(0, -1))).toBe(2999);
    // line breaks, indentation and blank lines do not count
    const laidOut = body.replace(/，/g, '，\n\n\u3000\u3000');
    expect(countZi(laidOut)).toBe(3000);
  });

  it('counts mixed Chinese and English text the way Word does', () => {
    const text = '2025年9月，学校组织了 AI 与 COVID-19 专题培训（详见 https://dx.example.edu.cn/notice?id=12）。';
    // 2025 年 9 月 ， 学 校 组 织 了 AI 与 COVID-19 专 题 培 训 （ 详 见 URL ） 。
    expect(countZi(text)).toBe(1 + 1 + 1 + 1 + 1 + 5 + 1 + 1 + 1 + 4 + 1 + 2 + 1 + 1 + 1);
  });

  it('is fast on a 100k-character text', () => {
    const text = '学习COVID-19防控知识，提高 3.14 倍 efficiency。'.repeat(4000);
    expect(text.length).toBeGreaterThan(100_000);
    const t0 = performance.now();
    const n = countZi(text);
    const ms = performance.now() - t0;
    // 学习 COVID-19 防控知识 ， 提高 3.14 倍 efficiency 。 = 2+1+4+1+2+1+1+1+1
    expect(n).toBe(4000 * 14);
    expect(ms).toBeLessThan(200);
  });

  it('adds up across a space: count(a + " " + b) = count(a) + count(b)', () => {
    const chars = fc.constantFrom(
      'a', 'Z', '9', '-', '.', '/', ':', '_', '"', '中', '文', 'の', '한', '，', '。', '“', '…', '—', '（', 'Ａ',
      ' ', '\t', '\n', '\u3000', '\u00A0', '\u200B', '𠀀', '👍', '·',
    );
    const text = fc.array(chars, { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, text, (a, b) => countZi(`${a} ${b}`) === countZi(a) + countZi(b)),
      { seed: 20250901, numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }), (a, b) => countZi(`${a} ${b}`) === countZi(a) + countZi(b)),
      { seed: 42, numRuns: 1000 },
    );
  });
});
