/** Every message the input readers use exists in both languages with the same placeholders. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { io } from '../../src/i18n/catalogue/io.js';
import { repoRoot } from './helpers.js';

const sources = [
  'src/core/values.ts',
  'src/io/encoding.ts',
  'src/io/table.ts',
  ...['header', 'csv', 'fast-csv', 'xlsx', 'types'].map((f) => `src/io/table/${f}.ts`),
  'src/io/essay-text.ts',
];
/** Keys built at run time from a fixed list. */
const dynamic = [
  ...['unclosedQuote', 'bareQuote', 'afterQuote', 'fieldTooLong', 'malformed'].flatMap((k) => [`io.csv.${k}`, `io.csv.fix.${k}`]),
  ...['io.id.learnerId', 'io.id.staffNo'].flatMap((l) => [`${l}.empty`, `${l}.char`]),
];
/** Prefixes the code completes at run time (see `dynamic`). */
const prefixes = new Set(['io.id.learnerId', 'io.id.staffNo']);
const placeholders = (t: string): string[] => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('io messages', () => {
  const used = new Set(dynamic);
  for (const file of sources) {
    const text = readFileSync(path.join(repoRoot, file), 'utf8');
    for (const m of text.matchAll(/'(io\.[A-Za-z0-9.]+)'/g)) if (!prefixes.has(m[1])) used.add(m[1]);
  }

  it('has every key the code uses, in zh and en', () => {
    const missing = [...used].filter((k) => !(k in io.zh) || !(k in io.en));
    expect(missing).toEqual([]);
  });

  it('has the same keys and placeholders in both languages, all prefixed io.', () => {
    expect(Object.keys(io.zh).sort()).toEqual(Object.keys(io.en).sort());
    for (const key of Object.keys(io.en)) {
      expect(key.startsWith('io.')).toBe(true);
      expect(placeholders(io.zh[key]), key).toEqual(placeholders(io.en[key]));
    }
  });

  it('has no unused keys', () => {
    expect(Object.keys(io.en).filter((k) => !used.has(k))).toEqual([]);
  });
});
