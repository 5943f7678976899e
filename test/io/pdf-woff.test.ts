/** The PDF writer reads each WOFF font file as the plain font it wraps (src/io/pdf.ts, woffToSfnt): the same font, glyph for glyph. */
import fs from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { fontFilesOf, fontRuns, woffToSfnt } from '../../src/io/pdf.js';

describe('woffToSfnt', () => {
  it('gives the font the WOFF file holds: the same tables, metrics and glyph outlines', () => {
    const subset = fontRuns('督')[0].subset.replace(/[[\]]/g, '');
    const file = path.join(fontFilesOf().dir, `noto-sans-sc-${subset}-700-normal.woff`);
    const woff = fs.readFileSync(file);
    const sfnt = woffToSfnt(woff);
    expect(sfnt.readUInt32BE(0)).not.toBe(0x774f4646);
    const a = fontkit.create(woff) as fontkit.Font;
    const b = fontkit.create(sfnt) as fontkit.Font;
    expect(b.postscriptName).toBe(a.postscriptName);
    expect(b.numGlyphs).toBe(a.numGlyphs);
    expect(b.unitsPerEm).toBe(a.unitsPerEm);
    for (const ch of '督办单财务处') {
      const ga = a.glyphForCodePoint(ch.codePointAt(0)!);
      const gb = b.glyphForCodePoint(ch.codePointAt(0)!);
      expect(gb.id).toBe(ga.id);
      expect(gb.advanceWidth).toBe(ga.advanceWidth);
      expect(gb.path.toSVG()).toBe(ga.path.toSVG());
    }
  });

  it('leaves a file that is not WOFF as it is', () => {
    const b = Buffer.from([0, 1, 0, 0, 0, 0]);
    expect(woffToSfnt(b)).toBe(b);
  });
});
