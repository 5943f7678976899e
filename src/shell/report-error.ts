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

/** Rows with the same problem shown one by one; more than this are said in one line. */
export const GROUP_ABOVE = 5;
/** Line numbers a grouped problem keeps (for its runs). */
const GROUP_LINES = 200;
/** Lines as runs, "2–87, 90", the first GROUP_RUNS of them; `more`: there are more than these. */
export function lineRanges(lines: readonly number[], more: boolean, sep: string): string {
  const runs: string[] = [];
  for (let i = 0; i < lines.length && runs.length < GROUP_RUNS; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    runs.push(j > i ? `${lines[i]}–${lines[j]}` : String(lines[i]));
    i = j + 1;
    if (runs.length === GROUP_RUNS && i < lines.length) more = true;
  }
  return runs.join(sep) + (more ? `${sep}…` : '');
}

/** Runs of lines a grouped problem lists before "…". */
const GROUP_RUNS = 6;

/** Distinct problems told apart; the rest are only counted. */
const MAX_GROUPS = 1000;

interface Group {
  count: number;
  /** Distinct lines among them (problems arrive in line order). */
  rows: number;
  last: number | undefined;
  first: Problem;
  lines: number[];
}

/**
 * Row problems as they are said: up to GROUP_ABOVE of one kind (the same
 * message, column and fix) each on its line, in the file's order; more of
 * one kind in one line with their count, their first lines and the first
 * one in full ("86 rows … lines 2, 3, 5, …; the first: line 2, column 1
 * (学员编号): learner ID WZ260001 is not on the roster — …"). Every problem
 * is counted, however many; only their first lines are kept.
 */
export class ProblemTally {
  private readonly groups = new Map<string, Group>();
  /** The problems in order, while their group is small enough to show them each. */
  private readonly sequence: { group: Group; problem: Problem }[] = [];
  /** Problems of groups beyond MAX_GROUPS: counted only. */
  private uncounted = 0;
  total = 0;

  static of(problems: readonly Problem[]): ProblemTally {
    const t = new ProblemTally();
    for (const p of problems) t.add(p);
    return t;
  }

  add(p: Problem): void {
    this.total++;
    const key = p.line === undefined ? `#${this.total}` : `${p.reason.key}\u0000${p.column ?? ''}\u0000${p.columnName ?? ''}\u0000${p.fix ? `${p.fix.key}\u0000${JSON.stringify(p.fix.params ?? {})}` : ''}`;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= MAX_GROUPS) {
        this.uncounted++;
        return;
      }
      g = { count: 0, rows: 0, last: undefined, first: p, lines: [] };
      this.groups.set(key, g);
    }
    g.count++;
    if (p.line !== g.last) {
      g.rows++;
      g.last = p.line;
      if (g.lines.length < GROUP_LINES && p.line !== undefined) g.lines.push(p.line);
    }
    if (g.rows <= GROUP_ABOVE + 1) this.sequence.push({ group: g, problem: p });
  }

  /** The lines to print (each without indent), at most `max`, the last saying how many more there are. */
  lines(tr: Translator, max = MAX_LISTED_PROBLEMS, more = 0): string[] {
    const out: string[] = [];
    const said = new Set<Group>();
    let shown = 0;
    for (const { group, problem } of this.sequence) {
      if (out.length >= max) break;
      // Several problems of one line (six missing columns of a header) are each said.
      if (group.rows > GROUP_ABOVE) {
        if (said.has(group)) continue;
        said.add(group);
        const lines = lineRanges(group.lines, group.lines.length < group.rows, tr.lang === 'zh' ? '、' : ', ');
        out.push(tr.t('inputs.group.rows', { count: group.rows, lines }) + formatProblem(group.first, tr));
        shown += group.count;
      } else {
        out.push(formatProblem(problem, tr));
        shown++;
      }
    }
    const hidden = this.total + more - shown;
    if (hidden > 0) out.push(tr.t('error.moreProblems', { count: hidden }));
    return out;
  }
}

export function printError(e: CadreError, tr: Translator, err: Stream, color: boolean): void {
  const head = paint(color, 'red', tr.t('error.prefix'));
  err.write(`${head}: ${tr.m(e.msg)}\n`);
  for (const line of ProblemTally.of(e.problems).lines(tr)) err.write(`  ${line}\n`);
  if (e.fix) err.write(`${paint(color, 'cyan', tr.t('fix.prefix'))}: ${tr.m(e.fix)}\n`);
}

export function printUnexpected(e: unknown, tr: Translator, err: Stream, debug: boolean): void {
  const message = e instanceof Error ? e.message : String(e);
  err.write(`${tr.t('error.prefix')}: ${tr.t('error.unexpected', { message })}\n`);
  // A stack's first line is the message, which may quote an input: each line escaped, long ones cut.
  if (debug && e instanceof Error && e.stack) err.write(`${e.stack.split('\n').map((l) => forTerminal(l, DEBUG_LINE_CHARS)).join('\n')}\n`);
}
