/**
 * Prints a CadreError (or an unexpected one) on stderr, in the user's language.
 * File and column names come from the input: they go in as message
 * parameters, so the translator escapes and shortens them (src/i18n/index.ts).
 */
import { forTerminal } from '../core/text.js';
import type { CadreError, Place, Problem } from '../errors.js';
import type { Translator } from '../i18n/index.js';
import { paint } from './color.js';
import type { Stream } from './context.js';

/** How many row problems are listed before "… and N more". */
export const MAX_LISTED_PROBLEMS = 200;

/** Longest line of a stack trace printed under --debug. */
const DEBUG_LINE_CHARS = 1000;

export function formatPlace(p: Place, tr: Translator): string {
  const parts: string[] = [];
  if (p.file) parts.push(tr.t('place.file', { file: p.file }));
  if (p.line !== undefined) parts.push(tr.t('place.line', { line: p.line }));
  if (p.column !== undefined) {
    parts.push(tr.t('place.column', { column: p.column }) + (p.columnName ? tr.t('place.columnName', { name: p.columnName }) : ''));
  }
  return parts.join(tr.lang === 'zh' ? ' ' : ', ');
}

export function formatProblem(p: Problem, tr: Translator): string {
  const where = formatPlace(p, tr);
  const fix = p.fix ? ` — ${tr.m(p.fix)}` : '';
  return `${where ? `${where}: ` : ''}${tr.m(p.reason)}${fix}`;
}

export function printError(e: CadreError, tr: Translator, err: Stream, color: boolean): void {
  const head = paint(color, 'red', tr.t('error.prefix'));
  err.write(`${head}: ${tr.m(e.msg)}\n`);
  const listed = e.problems.slice(0, MAX_LISTED_PROBLEMS);
  for (const p of listed) err.write(`  ${formatProblem(p, tr)}\n`);
  if (e.problems.length > listed.length) err.write(`  ${tr.t('error.moreProblems', { count: e.problems.length - listed.length })}\n`);
  if (e.fix) err.write(`${paint(color, 'cyan', tr.t('fix.prefix'))}: ${tr.m(e.fix)}\n`);
}

export function printUnexpected(e: unknown, tr: Translator, err: Stream, debug: boolean): void {
  const message = e instanceof Error ? e.message : String(e);
  err.write(`${tr.t('error.prefix')}: ${tr.t('error.unexpected', { message })}\n`);
  // A stack's first line is the message, which may quote an input: each line escaped, long ones cut.
  if (debug && e instanceof Error && e.stack) err.write(`${e.stack.split('\n').map((l) => forTerminal(l, DEBUG_LINE_CHARS)).join('\n')}\n`);
}
