/**
 * The columns of an input file as an import command's `--help` shows them,
 * made from the one list of columns (src/import/columns.ts): each column's
 * Chinese name and key, whether it is required, its default, what it holds
 * and the other names accepted. Made only when help is shown.
 */
import { displayWidth } from '../io/text-width.js';
import { wrap } from './help.js';
import { INPUT_SPECS, type InputKind } from '../import/columns.js';
import { aboutText, needText } from '../import/column-text.js';
import type { Translator } from '../i18n/index.js';

const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - displayWidth(s)));

/** The help text listing a kind's columns, for a terminal `width` columns wide. */
export function columnsHelp(kind: InputKind, tr: Translator, width = 80): string {
  const spec = INPUT_SPECS[kind];
  const w = Math.max(40, Math.min(width, 120));
  const nameW = Math.max(...spec.columns.map((c) => displayWidth(c.zh)));
  const keyW = Math.max(...spec.columns.map((c) => c.key.length));
  const lines = ['', tr.t('inputs.help.heading')];
  for (const col of spec.columns) {
    const head = `  ${pad(col.zh, nameW)}  ${pad(col.key, keyW)}  `;
    const need = needText(spec, col, tr);
    // What the column needs beside its names when it fits, else on the lines below.
    if (displayWidth(head + need) <= w) lines.push(head + need);
    else {
      lines.push(head.trimEnd());
      for (const l of wrap(need, w - 6)) lines.push(`      ${l}`);
    }
    for (const l of wrap(aboutText(col, tr), w - 6)) lines.push(`      ${l}`);
  }
  for (const l of wrap(tr.t('inputs.help.skips'), w - 2)) lines.push(`  ${l}`);
  for (const l of wrap(tr.t('inputs.help.template', { kind }), w - 2)) lines.push(`  ${l}`);
  return lines.join('\n') + '\n';
}
