/**
 * The split's translator that keeps what it made (sameTexts in src/report/audit-xlsx.ts): the
 * same text as the translator itself for every key and parameters, in both languages.
 */
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../src/i18n/index.js';
import { sameTexts } from '../../src/report/audit-xlsx.js';

describe('sameTexts', () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`gives what the translator gives (${lang}), asked once or again`, () => {
      const tr = createTranslator(lang);
      const kept = sameTexts(tr);
      const asks: [string, Record<string, string | number>?][] = [
        ['period.term'],
        ['year.label', { from: 2025, to: 2026 }],
        ['year.label', { from: 2024, to: 2025 }],
        ['year.label', { to: 2025, from: 2024 }],
        ['sheets.titleCount', { count: 1 }],
        ['sheets.titleCount', { count: '1' }],
        ['sheets.titleCount', { count: 2 }],
        ['missing.amount', { period: '2025-2026', label: 'x', actual: '1.5', required: '20', shortfall: '18.5', unit: 'h' }],
        ['missing.amount', { period: '2025-2026', label: 'x\u0000y', actual: '1.5', required: '20', shortfall: '18.5', unit: 'h' }],
        ['missing.amount', { period: '2025-2026', label: 'x', actual: '\u001b[31m1', required: '20', shortfall: '18.5', unit: 'h' }],
        ['no.such.key', { a: 1 }],
        ['no.such.key'],
      ];
      for (let round = 0; round < 2; round++) for (const [key, params] of asks) expect(kept.t(key, params), `${key} ${JSON.stringify(params)}`).toBe(tr.t(key, params));
      const echoed = tr.echo('period.term');
      expect(kept.t('missing.essay', { period: echoed, label: 'l', what: 'w' })).toBe(tr.t('missing.essay', { period: echoed, label: 'l', what: 'w' }));
    });
  }
});
