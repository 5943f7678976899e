/** The similarity algorithm's parts: normalisation, the winnowing guarantee, the ratios. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonCutoff, compareEssay, fingerprints, holdReason, keyOf, normaliseEssayText, perMille, percentText, sentenceStarts, type Source } from '../../src/core/similarity.js';
import { policy } from './fixtures.js';
import { proseSentences } from '../helpers/essay-corpus.js';

const s = policy.similarity;
const han = [...new Set(proseSentences().join('').match(/[\u4e00-\u9fff]/g)!)];
const hanText = (min: number, max: number) => fc.array(fc.constantFrom(...han), { minLength: min, maxLength: max }).map((a) => a.join(''));

describe('keyOf', () => {
  it('keeps letters and digits of every script, folds full-width forms and case, and remembers positions', () => {
    const k = keyOf('学习，ＡＢＣ　def１２３！\n再学习');
    expect(k.key).toBe('学习abcdef123再学习');
    expect(k.text[k.pos[2]]).toBe('Ａ');
    expect(k.text[k.pos[k.key.length - 1]]).toBe('习');
  });

  // The definition, one character at a time (keyOf itself works from a table and typed arrays).
  const plainKey = (text: string): { key: string; pos: number[] } => {
    let key = '';
    const pos: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const pair = text.charCodeAt(i) >= 0xd800 && text.charCodeAt(i) <= 0xdbff && i + 1 < text.length;
      const ch = pair ? text.slice(i, i + 2) : text[i];
      for (const f of ch.normalize('NFKC').toLowerCase()) if (/[\p{L}\p{N}]/u.test(f)) for (let u = 0; u < f.length; u++) (key += f[u]), pos.push(i);
      if (pair) i++;
    }
    return { key, pos };
  };

  it('gives what its definition gives for any text: folds to several characters (①, ﬁ, ㍻), surrogate pairs, lone surrogates, punctuation', () => {
    const pieces = [...han.slice(0, 40), '，', '。', '！', '\n', ' ', 'Ａ', '１', 'ｂ', '①', 'ﬁ', '㍻', 'ﷺ', '𠀀', '𠮷', '\ud800', '\udc00', 'É', 'ß', 'İ', 'x', '7', '々', '〇', '\u3000', '·'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 400 }), (parts) => {
        const text = parts.join('');
        const k = keyOf(text);
        const want = plainKey(text);
        expect(k.key).toBe(want.key);
        expect(Array.from(k.pos)).toEqual(want.pos);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('sentence starts: after 。！？；!?;… or a line break, and at both ends', () => {
    const k = keyOf('一二。三四！五，六\n七…八');
    expect(Array.from(sentenceStarts(k))).toEqual([1, 0, 1, 0, 1, 0, 1, 1, 1]);
  });

  it('normaliseEssayText makes CRLF, BOM, zero-width spaces and trailing spaces what Word shows', () => {
    expect(normaliseEssayText('\ufeff第一段  \r\n\r\n\r\n\r\n第\u200b二段\u3000\r\n')).toBe('第一段\n\n第二段');
  });
});

describe('winnowing', () => {
  it(`finds every shared run of window + k − 1 (${s.window + s.k - 1}) content characters, whatever surrounds it`, () => {
    fc.assert(
      fc.property(hanText(0, 200), hanText(0, 200), hanText(s.window + s.k - 1, s.window + s.k + 20), hanText(0, 200), hanText(0, 200), (a1, a2, run, b1, b2) => {
        const a = keyOf(a1 + run + a2);
        const b = keyOf(b1 + run + b2);
        const pa = new Set(fingerprints(a, s).map((p) => p.hash));
        const shared = fingerprints(b, s).filter((p) => pa.has(p.hash));
        expect(shared.length).toBeGreaterThan(0);
        // And the alignment reports the run as copied.
        const src: Source = { kind: 'other', id: 1, keyed: b, shared: new Set(shared.map((p) => p.hash)) };
        const r = compareEssay(a, fingerprints(a, s), new Set(), [src], s);
        const covered = r.sources[0]?.passages.some((p) => p.a[0] <= a1.length && p.a[1] >= a1.length + run.length);
        expect(covered).toBe(true);
      }),
      { seed: 12, numRuns: 150 },
    );
  });

  it('a run of fewer characters may be missed, but a text shares nothing with an unrelated one', () => {
    const a = keyOf(proseSentences().slice(0, 40).join(''));
    const b = keyOf(proseSentences().slice(40, 80).join(''));
    const r = compareEssay(a, fingerprints(a, s), new Set(), [{ kind: 'other', id: 1, keyed: b, shared: new Set() }], s);
    expect(r.othersPermille).toBeLessThan(20);
  });
});

describe('ratios and thresholds', () => {
  it('per-mille is exact, rounded half up, and shown with one decimal', () => {
    expect(perMille(1, 3)).toBe(333);
    expect(perMille(1, 2000)).toBe(1); // 0.5 ‰ rounds up
    expect(perMille(0, 0)).toBe(0);
    expect(percentText(305)).toBe('30.5%');
    expect(percentText(1000)).toBe('100.0%');
  });

  it('套话: more than 1 % of the stored essays, and more than 10', () => {
    expect(commonCutoff(50, s)).toBe(10);
    expect(commonCutoff(10_000, s)).toBe(100);
  });

  it('holds at the threshold itself, copied before self-repeated', () => {
    expect(holdReason({ othersPermille: 300, selfPermille: 0 }, s)).toBe('copied');
    expect(holdReason({ othersPermille: 299, selfPermille: 300 }, s)).toBe('self');
    expect(holdReason({ othersPermille: 299, selfPermille: 299 }, s)).toBeNull();
  });

  it('quoted passages of a reference are not copied, and 套话 is never counted', () => {
    const quote = proseSentences().slice(100, 106).join('');
    const own = proseSentences().slice(200, 212).join('');
    const other = keyOf(quote + proseSentences().slice(300, 310).join(''));
    const ref = keyOf(quote);
    const essay = keyOf(own + quote);
    const prints = fingerprints(essay, s);
    const sources: Source[] = [
      { kind: 'other', id: 1, keyed: other, shared: new Set() },
      { kind: 'reference', id: 1, keyed: ref, shared: new Set() },
    ];
    const r = compareEssay(essay, prints, new Set(), sources, s);
    expect(r.othersPermille).toBe(0);
    expect(r.quotedPermille).toBeGreaterThan(200);
    // The same without the reference, but with the quote's fingerprints judged common.
    const common = new Set(fingerprints(ref, s).map((p) => p.hash));
    // Only the ends of the phrase beyond its first and last common fingerprints remain.
    const r2 = compareEssay(essay, prints, common, [sources[0]], s);
    expect(r2.othersPermille).toBeLessThan(50);
    expect(compareEssay(essay, prints, new Set(), [sources[0]], s).othersPermille).toBeGreaterThan(250);
  });
});
