/**
 * The font an HTML report carries: every character it shows is in one of its
 * @font-face rules (the rule's unicode-range names it and the font file maps
 * it to a real glyph), a character the font lacks is left to the browser, and
 * the same text gives the same bytes.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { embeddedFontCss } from '../../src/io/web-font.js';

const require = createRequire(import.meta.url);
const fontkit = require('fontkit') as { create(b: Buffer): { glyphForCodePoint(cp: number): { id: number }; numGlyphs: number; characterSet: number[] } };

const faces = (css: string) =>
  [...css.matchAll(/src:url\(data:font\/ttf;base64,([A-Za-z0-9+/=]+)\) format\("truetype"\);unicode-range:([^}]+)\}/g)].map((m) => ({
    font: fontkit.create(Buffer.from(m[1], 'base64')),
    bytes: Buffer.from(m[1], 'base64'),
    range: m[2],
  }));

function inRange(range: string, cp: number): boolean {
  return range.split(',').some((part) => {
    const [a, b] = part.replace('U+', '').split('-');
    return cp >= parseInt(a, 16) && cp <= parseInt(b ?? a, 16);
  });
}

describe('embeddedFontCss', () => {
  const text = '2025-2026学年干部网络学习年度报告：达标率 61.5%，参学人数 1,234（处级/科级）。Department of Law — 闫、龑、𠀀';

  it('covers every character the font has, each by exactly one face that maps it to a glyph', () => {
    const list = faces(embeddedFontCss(text));
    expect(list.length).toBeGreaterThan(1);
    for (const ch of new Set(text.replace(/[\s]/g, ''))) {
      const cp = ch.codePointAt(0)!;
      const owners = list.filter((f) => inRange(f.range, cp));
      if (ch === '𠀀') {
        // Not in this font's files: no face claims it, so the browser's own fonts are asked.
        expect(owners.length, ch).toBe(0);
        continue;
      }
      expect(owners.length, ch).toBe(1);
      expect(owners[0].font.glyphForCodePoint(cp).id, ch).toBeGreaterThan(0);
    }
  });

  it('is small (the glyphs used, not the files) and the same bytes for the same text', () => {
    const css = embeddedFontCss(text);
    expect(css).toBe(embeddedFontCss([...text].reverse().join('')));
    const bytes = faces(css).reduce((n, f) => n + f.bytes.length, 0);
    expect(bytes).toBeLessThan(80 * 1024);
    for (const f of faces(css)) expect(f.font.numGlyphs).toBeLessThan(60);
  });

  it('is empty for a text of control characters only', () => {
    expect(embeddedFontCss('\n\t')).toBe('');
  });
});
