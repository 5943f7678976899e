/**
 * The columns of an input file as an import command's `--help` shows them,
 * made from the one list of columns (src/import/columns.ts): each column's
 * Chinese name and key, whether it is required, its default, what it holds
 * and the other names accepted. Made only when help is shown.
 */
import stringWidth from 'string-width';
import { columnNeed, INPUT_SPECS, type ColumnInfo, type InputKind, type InputSpec } from '../../import/columns.js';
import type { Translator } from '../../i18n/index.js';

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

const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - stringWidth(s)));

/** `text` in lines of at most `width` columns (CJK counted as 2), broken after a space or a CJK character or punctuation. */
export function wrapText(text: string, width: number, betweenWords = false): string[] {
  const out: string[] = [];
  let line = '';
  let lineWidth = 0;
  /** Where the current line may break: after this many UTF-16 units. */
  let breakAt = -1;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (lineWidth + w > width && line !== '') {
      // English text breaks between words when the line has a space late enough; else after the last CJK character.
      const space = betweenWords ? line.lastIndexOf(' ') : -1;
      if (space > line.length / 2) breakAt = space + 1;
      if (breakAt > 0 && breakAt < line.length) {
        out.push(line.slice(0, breakAt).trimEnd());
        line = line.slice(breakAt).trimStart();
      } else {
        out.push(line.trimEnd());
        line = '';
      }
      lineWidth = stringWidth(line);
      breakAt = -1;
      if (ch === ' ' && line === '') continue;
    }
    line += ch;
    lineWidth += w;
    if (ch === ' ' || w === 2) breakAt = line.length;
  }
  if (line.trim() !== '') out.push(line.trimEnd());
  return out;
}

/** The help text listing a kind's columns, for a terminal `width` columns wide. */
export function columnsHelp(kind: InputKind, tr: Translator, width = 80): string {
  const spec = INPUT_SPECS[kind];
  const w = Math.max(60, Math.min(width, 120));
  const nameW = Math.max(...spec.columns.map((c) => stringWidth(c.zh)));
  const keyW = Math.max(...spec.columns.map((c) => c.key.length));
  const lines = ['', tr.t('inputs.help.heading')];
  for (const col of spec.columns) {
    lines.push(`  ${pad(col.zh, nameW)}  ${pad(col.key, keyW)}  ${needText(spec, col, tr)}`);
    for (const l of wrapText(aboutText(col, tr), w - 6, tr.lang === 'en')) lines.push(`      ${l}`);
  }
  for (const l of wrapText(tr.t('inputs.help.skips'), w - 2, tr.lang === 'en')) lines.push(`  ${l}`);
  for (const l of wrapText(tr.t('inputs.help.template', { kind }), w - 2, tr.lang === 'en')) lines.push(`  ${l}`);
  return lines.join('\n') + '\n';
}
