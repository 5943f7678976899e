/**
 * Rows of an office's file that are not records, skipped with a note naming
 * their line: a 合计/总计/小计 row (the sums a sheet shows under its rows, or
 * under each department's), and the example row of a `cadre template`
 * (its first cell begins with 示例). A title above the header is found by
 * the table reader (src/io/table/header.ts) and said here too.
 */
import { unknownToTell } from './columns.js';
import type { Context } from '../shell/context.js';
import { openTable, type OpenedTable, type TableHeader, type TableSpec } from '../io/table.js';
import { InputError, msg } from '../errors.js';
import type { ColumnInfo, InputKind } from './columns.js';
import { echoList } from '../i18n/index.js';

/** Words of a sums row, compared without spaces, colons, case or width ("合　计：" = 合计). */
const TOTAL_WORDS = new Set(['合计', '总计', '小计', '共计', '总合计', '累计', '总数', 'total', 'subtotal', 'grandtotal', 'sum']);

/** What the template writes at the start of its example row's first cell. */
export const EXAMPLE_MARK = '示例：';
const EXAMPLE = /^(示例|样例|例[:：]|example\b|e\.g\.)/iu;

export interface SkippedRow {
  line: number;
  why: 'total' | 'example';
  /** The word or cell that made it so. */
  text: string;
}

/** Whether a data row is a sums row or a template's example row (its first three filled cells are looked at). */
export function skippableRow(fields: readonly string[], line: number): SkippedRow | null {
  const filled: string[] = [];
  for (const f of fields) {
    if (f.trim() === '') continue;
    filled.push(f.trim());
    if (filled.length === 3) break;
  }
  if (!filled.length) return null;
  if (EXAMPLE.test(filled[0].normalize('NFKC'))) return { line, why: 'example', text: filled[0] };
  for (const f of filled) {
    const w = f.normalize('NFKC').toLowerCase().replace(/[\s:：_-]+/gu, '');
    if (TOTAL_WORDS.has(w)) return { line, why: 'total', text: f };
  }
  return null;
}

/** Notes listed one by one before they are counted. */
const NOTES_LISTED = 10;

/** Says on stderr which rows above the header were a title, and which data rows were skipped. */
export function noteSkipped(ctx: Context, file: string, header: TableHeader, skipped: readonly SkippedRow[]): void {
  const { t } = ctx.tr;
  const headerLine = header.line ?? 1;
  for (const title of header.titles ?? []) ctx.warn(t('inputs.skip.title', { file, line: title.line, text: title.text, header: headerLine }));
  for (const s of skipped.slice(0, NOTES_LISTED)) ctx.warn(t(s.why === 'total' ? 'inputs.skip.total' : 'inputs.skip.example', { file, line: s.line, text: s.text }));
  if (skipped.length > NOTES_LISTED) ctx.warn(t('inputs.skip.more', { file, count: skipped.length - NOTES_LISTED, lines: echoList(skipped.slice(NOTES_LISTED).map((s) => s.line)) }));
}

/**
 * Says which columns the import does not know and ignores, and which of them look like a column the file lacks ("获得学时":
 * did you mean 学时?), and what the import takes instead when that column
 * has a default (every row 1 hour).
 */
export function noteColumns(ctx: Context, file: string, header: TableHeader, spec: TableSpec): void {
  // A near miss is said on its own line, not also among the unknown.
  const near = new Set((header.near ?? []).map((n) => n.name));
  // A corrected rejected-rows file's line and reason columns are not called unknown (columns.ts).
  const unknown = unknownToTell(header.unknown).filter((n) => !near.has(n));
  if (unknown.length) ctx.warn(ctx.tr.t('import.unknownColumns', { file, columns: echoList(unknown) }));
  for (const n of header.near ?? []) {
    const col = (spec.columns as Partial<ColumnInfo>[]).find((c) => c.key === n.key);
    const params = { file, column: n.column, header: n.name, expected: n.expected };
    ctx.warn(col?.default ? ctx.tr.t('inputs.header.nearUnknownDefault', { ...params, default: ctx.tr.echo(col.default) }) : ctx.tr.t('inputs.header.nearUnknown', params));
  }
}

/**
 * openTable for an import of `kind`: a header that lacks a column gets, after
 * its fix, where a correct header comes from (cadre template KIND).
 */
export async function openInput(ctx: Context, file: string, spec: TableSpec, kind: InputKind): Promise<OpenedTable> {
  try {
    return await openTable(file, spec);
  } catch (e) {
    if (!(e instanceof InputError) || e.msg.key !== 'io.table.missingColumns') throw e;
    const fix = msg('inputs.fix.template', { fix: e.fix ? ctx.tr.em(e.fix) : '', kind });
    throw new InputError(e.msg, e.problems, fix);
  }
}
