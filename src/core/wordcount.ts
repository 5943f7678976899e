/**
 * 字数 the way Word and WPS count it for Chinese documents: every CJK
 * character (Han, kana, hangul) and every full-width or CJK punctuation mark
 * is 1; every maximal run of other visible characters (an English word,
 * `COVID-19`, `3.14`, a URL) is 1; whitespace is 0.
 */

/** What a character does to the count. */
const enum Kind {
  /** Part of a run of other characters (letters, digits, ASCII punctuation …). */
  Run = 0,
  /** Whitespace or a control character: counts 0 and ends a run. */
  Space = 1,
  /** A CJK character or punctuation mark: counts 1 on its own and ends a run. */
  Single = 2,
  /** Joiners that neither count nor end a run (ZWNJ, ZWJ). */
  Ignore = 3,
}

const CJK_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;
const SPACE = /[\s\p{Cc}\u200B\u2060\uFEFF]/u;

/** Punctuation written full-width in Chinese text that lives outside the CJK blocks. */
const CJK_PUNCT_EXTRA = new Set([0x00b7, 0x2014, 0x2015, 0x2018, 0x2019, 0x201c, 0x201d, 0x2025, 0x2026]);

function classify(cp: number): Kind {
  const ch = String.fromCodePoint(cp);
  if (SPACE.test(ch)) return Kind.Space;
  if (cp === 0x200c || cp === 0x200d) return Kind.Ignore;
  if (cp < 0x80) return Kind.Run;
  if (CJK_SCRIPT.test(ch)) return Kind.Single;
  if (
    (cp >= 0x3001 && cp <= 0x303f) || // CJK symbols and punctuation (U+3000 is a space, above)
    (cp >= 0x2e80 && cp <= 0x2fdf) || // radicals
    (cp >= 0x3190 && cp <= 0x31ef) || // kanbun, strokes
    (cp >= 0x3200 && cp <= 0x33ff) || // enclosed CJK, CJK compatibility
    (cp >= 0xfe10 && cp <= 0xfe1f) || // vertical forms
    (cp >= 0xfe30 && cp <= 0xfe4f) || // CJK compatibility forms
    (cp >= 0xff00 && cp <= 0xffef) || // full-width and half-width forms
    CJK_PUNCT_EXTRA.has(cp)
  ) {
    return Kind.Single;
  }
  return Kind.Run;
}

let bmp: Uint8Array | null = null;

/** The class of every BMP code point, built once on first use. */
function bmpTable(): Uint8Array {
  if (bmp) return bmp;
  const t = new Uint8Array(0x10000);
  for (let cp = 0; cp < 0x10000; cp++) {
    // Surrogates are resolved to code points before lookup; a lone one is an ordinary character.
    t[cp] = cp >= 0xd800 && cp <= 0xdfff ? Kind.Run : classify(cp);
  }
  bmp = t;
  return t;
}

const astralCache = new Map<number, Kind>();

function astralKind(cp: number): Kind {
  let k = astralCache.get(cp);
  if (k === undefined) {
    k = classify(cp);
    astralCache.set(cp, k);
  }
  return k;
}

/** The 字数 of a text, in one pass. */
export function countZi(text: string): number {
  const table = bmpTable();
  let count = 0;
  let inRun = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    let kind: Kind;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        i++;
        kind = astralKind(c);
      } else {
        kind = Kind.Run;
      }
    } else {
      kind = table[c] as Kind;
    }
    if (kind === Kind.Run) {
      if (!inRun) {
        count++;
        inRun = true;
      }
    } else if (kind === Kind.Single) {
      count++;
      inRun = false;
    } else if (kind === Kind.Space) {
      inRun = false;
    }
  }
  return count;
}
