/** Column names shared by every import that names a cadre. */
import type { ColumnDef } from '../io/table.js';
import { createTranslator, type Translator } from '../i18n/index.js';

export const CADRE_COLUMNS: ColumnDef[] = [
  { key: 'learner_id', aliases: ['学员编号', '学号', '学员号', 'learner id', 'learner'] },
  { key: 'staff_no', aliases: ['工号', '职工号', '教工号', 'staff no', 'staff number', 'staff_id'] },
  { key: 'name', aliases: ['姓名', '学员姓名', '名字'] },
];

/**
 * The header of a rejected-rows file (NAME.rejected.csv): the rows' own
 * header as read, between a line-number column and a reason column named in
 * the language of the run ("行号 … 原因", "line … reason").
 */
export function rejectedHeader(names: string[], tr: Translator): string[] {
  return [tr.t('file.col.line'), ...names, tr.t('file.col.reason')];
}

const REJECTED_EXTRA = new Set((['zh', 'en'] as const).flatMap((l) => ['file.col.line', 'file.col.reason'].map((k) => createTranslator(l).t(k).toLowerCase())));

/**
 * Of a header's unknown columns, those the user should hear about: a
 * corrected rejected-rows file, in either language, imports again without
 * its line and reason columns being called unknown (they are ignored).
 */
export function unknownToTell(unknown: string[]): string[] {
  return unknown.filter((n) => !REJECTED_EXTRA.has(n.normalize('NFKC').trim().toLowerCase()));
}
