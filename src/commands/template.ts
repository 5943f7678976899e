/**
 * `cadre template KIND`: a blank input file (roster, hours, training, exams,
 * essays) with the Chinese header, an example row and, in a workbook,
 * comments on the header and text cells for identifiers (src/import/template.ts).
 * Written to --out, or a file named for the kind in the current folder.
 */
import path from 'node:path';
import { aboutText, needText } from '../import/column-text.js';
import { UsageError, msg } from '../errors.js';
import { PUBLIC_MODE, writeFileAtomic } from '../io/atomic-file.js';
import { INPUT_KINDS, type InputKind } from '../import/columns.js';
import { csvTemplate, xlsxTemplate } from '../import/template.js';
import type { Context } from '../shell/context.js';
import { outFile, outOptions } from '../shell/render.js';

export interface TemplateOptions {
  kind: string;
  format?: string;
  out?: string;
  overwrite?: boolean;
}

/** The words a kind may be given by, besides its own name. */
const KIND_WORDS: Record<string, InputKind> = {
  名册: 'roster', 花名册: 'roster', 干部名单: 'roster',
  学时: 'hours', hour: 'hours',
  培训: 'training', 专题培训: 'training',
  考试: 'exams', exam: 'exams', 成绩: 'exams',
  心得: 'essays', 报告: 'essays', 成果: 'essays', essay: 'essays',
};

export function readKind(raw: string): InputKind | undefined {
  const w = raw.trim().toLowerCase();
  return (INPUT_KINDS as readonly string[]).includes(w) ? (w as InputKind) : KIND_WORDS[w];
}

export async function run(opts: TemplateOptions, ctx: Context): Promise<number> {
  const { tr } = ctx;
  const kind = readKind(opts.kind);
  if (!kind) throw new UsageError(msg('inputs.template.badKind', { kind: opts.kind }), msg('inputs.template.fix.badKind', { kinds: INPUT_KINDS.join('|') }));
  // An --out ending in .csv asks for CSV unless --format says otherwise.
  const format = opts.format === 'csv' || (opts.format === undefined && opts.out !== undefined && path.extname(opts.out).toLowerCase() === '.csv') ? 'csv' : 'xlsx';
  const ext = opts.out === undefined ? '' : path.extname(opts.out).toLowerCase();
  if ((ext === '.csv' || ext === '.xlsx') && ext !== `.${format}`) throw new UsageError(msg('inputs.template.extMismatch', { file: opts.out!, format }), msg('inputs.template.fix.extMismatch', { format }));
  const shown = opts.out ?? `${tr.t(`inputs.template.file.${kind}`)}.${format}`;
  const out = outFile(ctx, shown, !!opts.overwrite)!;
  const data = format === 'csv' ? csvTemplate(kind) : await xlsxTemplate(kind, tr, (spec, col) => `${needText(spec, col, tr)}\n${aboutText(col, tr)}`);
  writeFileAtomic(out.path, data, { ...outOptions(out), mode: PUBLIC_MODE });
  ctx.err.write(`${tr.t('inputs.template.wrote', { file: out.shown, command: tr.t(`inputs.template.command.${kind}`) })}\n`);
  return 0;
}
