/**
 * Columns a text takes on a terminal or in a fixed-width cell, counted by
 * hand: East Asian wide characters 2, combining marks and colour codes 0.
 * Light on purpose (no string-width, which builds large tables when it
 * loads): the help and the workbooks' column widths use it, and a test holds
 * it equal to string-width's count on every text of the catalogue. Terminal
 * tables measure with src/shell/fit.ts's textWidth (graphemes, emoji).
 */

/** Wide (2 columns): the East Asian Wide and Fullwidth blocks a text of the tool can hold. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe10 && cp <= 0xfe19) ||
    (cp >= 0xfe30 && cp <= 0xfe6f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200b-\u200f\u2060\ufe00-\ufe0f\ufeff]/u;
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[\d;]*m/g;

/** Columns a text takes on a terminal: colour codes 0, East Asian wide characters 2, combining marks 0. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text.replace(SGR, '')) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || ZERO_WIDTH.test(ch)) continue;
    w += isWide(cp) ? 2 : 1;
  }
  return w;
}
