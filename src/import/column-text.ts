/**
 * What a column of an input file is, in words: whether it is required (or one
 * of a group, or optional with its default) and what it holds, with an
 * example and the other names accepted. Said by an import's --help
 * (src/cli/column-help.ts) and in the comments of `cadre template`.
 */
import { columnNeed, type ColumnInfo, type InputSpec } from './columns.js';
import type { Translator } from '../i18n/index.js';

/** What a column needs, in words: required, one of a group, optional (with its default). */
export function needText(spec: InputSpec, col: ColumnInfo, tr: Translator): string {
  const need = columnNeed(spec, col.key);
  const name = (k: string) => spec.columns.find((c) => c.key === k)?.zh ?? k;
  if (need.need === 'required') return tr.t('inputs.help.required');
  if (need.need === 'oneOf') return tr.t('inputs.help.oneOf', { names: need.group.map(name).join(tr.lang === 'zh' ? '、' : ', ') });
  return col.default ? tr.t('inputs.help.optionalDefault', { value: tr.t(col.default) }) : tr.t('inputs.help.optional');
}

/** A column's description: what it holds, an example, the other names accepted. */
export function aboutText(col: ColumnInfo, tr: Translator): string {
  const about = tr.t(col.about);
  const parts = [about];
  if (col.example && !(col.example.length >= 4 && about.includes(col.example))) parts.push(tr.t('inputs.help.example', { value: col.example }));
  const others = [...col.aliases.filter((a) => a !== col.zh && a !== col.key), col.key];
  parts.push(tr.t('inputs.help.also', { names: others.join(tr.lang === 'zh' ? '、' : ', ') }));
  return parts.join('');
}

