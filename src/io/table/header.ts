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
import type { NearMiss, TableSpec } from './types.js';

/** Rows above the header that may be a title (a sheet's heading, a date line) and are skipped. */
export const MAX_TITLE_ROWS = 10;

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
  // A title line above the header ("2025年干部名单") has no delimiter: the first line that has one decides.
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .filter((l) => l.trim() !== '')
    .slice(0, MAX_TITLE_ROWS + 1);
  const first = lines.find((l) => l.includes('\t') || l.includes(',')) ?? lines[0];
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

/** A name as compared for a near miss: also without spaces, punctuation and symbols ("课程 ID" = "课程id"). */
export function looseName(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Length of the longest common subsequence of two short strings (by code point). */
function commonLength(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    prev = cur;
  }
  return prev[b.length];
}

/**
 * How close a header name is to a known one, 0 … 1: twice the characters
 * they share in order over their lengths together, once compared loosely
 * (课程ID / 课程编号 0.5, 获得学时 / 学时 0.67, 任现职级时间 / 任职时间 0.8).
 * Under two shared characters is no likeness at all.
 */
export function nameLikeness(a: string, b: string): number {
  const x = [...looseName(a)];
  const y = [...looseName(b)];
  if (!x.length || !y.length) return 0;
  const common = commonLength(x, y);
  if (common < 2) return 0;
  return (2 * common) / (x.length + y.length);
}

/** The least likeness offered as "did you mean" for a required column that is missing. */
const NEAR_ENOUGH = 0.5;
/** For an optional column, only a closer name is said (部门名称 is not 课程名称). */
const NEAR_OPTIONAL = 0.6;

/** The name a suggestion offers for a column: its Chinese name, else the first alias, else its key. */
function offeredName(spec: TableSpec, key: string): string {
  const def = spec.columns.find((c) => c.key === key);
  return def?.zh ?? def?.aliases[0] ?? key;
}

/** Among `names` (with their columns), the one most like a name of column `key`, if any is near enough. */
function nearestTo(spec: TableSpec, key: string, names: { name: string; column: number }[], least = NEAR_ENOUGH): NearMiss | undefined {
  const def = spec.columns.find((c) => c.key === key);
  if (!def) return undefined;
  let best: NearMiss | undefined;
  let bestScore = least - 1e-9;
  for (const n of names) {
    for (const known of [def.key, ...def.aliases]) {
      const score = nameLikeness(n.name, known);
      if (score > bestScore) {
        bestScore = score;
        best = { name: n.name, column: n.column, key, expected: offeredName(spec, key) };
      }
    }
  }
  return best;
}

/** How many cells of a row are names of the spec's columns. */
function knownCells(fields: string[], spec: TableSpec): number {
  const known = new Set<string>();
  for (const col of spec.columns) for (const n of [col.key, ...col.aliases]) known.add(normalizeName(n));
  return fields.filter((f) => f.trim() !== '' && known.has(normalizeName(f.replace(/^\uFEFF+/, '')))).length;
}

/**
 * Which of the first rows of a file is its header (0 … MAX_TITLE_ROWS): the
 * first that names two of the spec's columns; else the first with two cells
 * filled (a title is one cell, often merged across the sheet); else the
 * first. Rows above it are a title, skipped.
 */
export function pickHeaderRow(rows: string[][], spec: TableSpec): number {
  const n = Math.min(rows.length, MAX_TITLE_ROWS + 1);
  for (let i = 0; i < n; i++) if (knownCells(rows[i], spec) >= 2) return i;
  for (let i = 0; i < n; i++) if (rows[i].filter((f) => f.trim() !== '').length >= 2) return i;
  return 0;
}

/** A missing column as the office would write it: its Chinese name first, then the key and the other names accepted. */
function describeColumn(spec: TableSpec, key: string): string {
  const def = spec.columns.find((c) => c.key === key);
  if (!def || !def.aliases.length) return key;
  const name = offeredName(spec, key);
  return `${name} (${[key, ...def.aliases.filter((a) => a !== name)].join('/')})`;
}

export interface HeaderLayout {
  keys: (string | null)[];
  names: string[];
  unknown: string[];
  index: Map<string, number>;
  near: NearMiss[];
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
  // Unknown names, each offered at most once, to the missing column it is most like.
  const unmatched = names.map((name, i) => ({ name, column: i + 1 })).filter((n, i) => n.name !== '' && keys[i] === null);
  const offered = new Set<number>();
  const suggest = (group: string[]): NearMiss | undefined => {
    const free = unmatched.filter((n) => !offered.has(n.column));
    let best: NearMiss | undefined;
    let bestScore = 0;
    for (const k of group) {
      const near = nearestTo(spec, k, free);
      const score = near ? Math.max(...[k, ...(spec.columns.find((c) => c.key === k)?.aliases ?? [])].map((a) => nameLikeness(near.name, a))) : 0;
      if (near && score > bestScore) {
        best = near;
        bestScore = score;
      }
    }
    if (best) offered.add(best.column);
    return best;
  };
  const missing: { text: string; near?: NearMiss }[] = [];
  for (const key of spec.required) if (!index.has(key)) missing.push({ text: describeColumn(spec, key), near: suggest([key]) });
  for (const group of spec.oneOf ?? []) {
    if (!group.some((k) => index.has(k))) missing.push({ text: group.map((k) => describeColumn(spec, k)).join(' | '), near: suggest(group) });
  }
  if (missing.length) {
    const found = names.filter((n) => n !== '').join(', ');
    const params = { file, line, missing: missing.map((m) => m.text).join('; '), found: found || '-' };
    throw new InputError(
      msg('io.table.missingColumns', params),
      missing.map((m) => ({
        file,
        line,
        ...(m.near ? { column: m.near.column, columnName: m.near.name } : {}),
        reason: msg('io.table.missingColumn', { name: m.text }),
        ...(m.near ? { fix: msg('inputs.header.didYouMean', { header: m.near.name, column: m.near.column, expected: m.near.expected }) } : {}),
      })),
      msg(encoding === 'gb18030' ? 'io.table.fix.missingColumnsGarbled' : 'io.table.fix.missingColumns'),
    );
  }
  // An unknown name close to an optional column the file lacks: said as a warning (获得学时 would leave every row at the default).
  const near: NearMiss[] = [];
  for (const col of spec.columns) {
    if (index.has(col.key)) continue;
    const hit = nearestTo(spec, col.key, unmatched.filter((n) => !offered.has(n.column)), NEAR_OPTIONAL);
    if (hit) {
      offered.add(hit.column);
      near.push(hit);
    }
  }
  return { keys, names, unknown, index, near };
}
