/**
 * The header: a first look at the header line of a text file (its delimiter
 * and a guess at its names, for errors found before the header is read), and
 * the header row matched against a TableSpec (names, keys, unknown, duplicate
 * and missing columns).
 */
import { open } from 'node:fs/promises';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { InputError, msg, type Problem } from '../../errors.js';
import { fileError, type TextEncoding } from '../encoding.js';
import type { TableSpec } from './types.js';

/** How much of the file is looked at to find the header line and its delimiter. */
const PEEK_BYTES = 1 << 16;

/**
 * Looks at the start of the file: the delimiter (tab when the header line has a
 * tab and no comma, as in Excel's "Unicode text"; else comma) and a first guess
 * at the header names, used to name columns in errors found before the header
 * is read.
 */
export async function sniffHeaderLine(file: string, encoding: TextEncoding): Promise<{ delimiter: ',' | '\t'; names: string[] }> {
  const fh = await open(file, 'r').catch((e: unknown) => {
    throw fileError(file, e);
  });
  let text: string;
  try {
    const buf = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await fh.read(buf, 0, PEEK_BYTES, 0);
    text = new TextDecoder(encoding).decode(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
  const first = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .find((l) => l.trim() !== '');
  if (first === undefined) return { delimiter: ',', names: [] };
  const delimiter = first.includes('\t') && !first.includes(',') ? '\t' : ',';
  let names: string[] = [];
  try {
    names = (parseCsvSync(first, { delimiter, relax_quotes: true, relax_column_count: true, to: 1 }) as string[][])[0] ?? [];
  } catch {
    // Only a guess: the real header is read by the parser proper.
  }
  return { delimiter, names: names.map((n) => n.trim()) };
}

/** Header names compare without case, width or spacing differences: "Learner ID" = "learner_id". */
function normalizeName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/^[\uFEFF\u200B]+/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function describeColumn(spec: TableSpec, key: string): string {
  const def = spec.columns.find((c) => c.key === key);
  return def && def.aliases.length ? `${key} (${def.aliases.join('/')})` : key;
}

export interface HeaderLayout {
  keys: (string | null)[];
  names: string[];
  unknown: string[];
  index: Map<string, number>;
}

export function layoutHeader(file: string, line: number, fields: string[], spec: TableSpec, encoding: string): HeaderLayout {
  const byName = new Map<string, string>();
  for (const col of spec.columns) {
    for (const n of [col.key, ...col.aliases]) {
      const k = normalizeName(n);
      if (!byName.has(k)) byName.set(k, col.key);
    }
  }
  const names = fields.map((f) => f.replace(/^\uFEFF+/, '').trim());
  const keys: (string | null)[] = [];
  const index = new Map<string, number>();
  const unknown: string[] = [];
  const seenUnknown = new Set<string>();
  const duplicates: Problem[] = [];
  names.forEach((name, i) => {
    const key = name === '' ? undefined : byName.get(normalizeName(name));
    if (key === undefined) {
      keys.push(null);
      if (name !== '' && !seenUnknown.has(name)) {
        seenUnknown.add(name);
        unknown.push(name);
      }
      return;
    }
    const earlier = index.get(key);
    if (earlier !== undefined) {
      duplicates.push({
        file,
        line,
        column: i + 1,
        columnName: name,
        reason: msg('io.table.duplicateColumn', { name, column: i + 1, first: names[earlier], firstColumn: earlier + 1 }),
      });
      keys.push(null);
      return;
    }
    index.set(key, i);
    keys.push(key);
  });
  if (duplicates.length) {
    throw new InputError(msg('io.table.duplicateColumns', { file, line }), duplicates, msg('io.table.fix.duplicateColumns'));
  }
  const missing: string[] = [];
  for (const key of spec.required) if (!index.has(key)) missing.push(describeColumn(spec, key));
  for (const group of spec.oneOf ?? []) {
    if (!group.some((k) => index.has(k))) missing.push(group.map((k) => describeColumn(spec, k)).join(' | '));
  }
  if (missing.length) {
    const found = names.filter((n) => n !== '').join(', ');
    const params = { file, line, missing: missing.join('; '), found: found || '-' };
    throw new InputError(
      msg('io.table.missingColumns', params),
      missing.map((m) => ({ file, line, reason: msg('io.table.missingColumn', { name: m }) })),
      msg(encoding === 'gb18030' ? 'io.table.fix.missingColumnsGarbled' : 'io.table.fix.missingColumns'),
    );
  }
  return { keys, names, unknown, index };
}
