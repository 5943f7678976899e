/**
 * Fitting text to the terminal's width: how wide the terminal is, how wide a
 * text is there (East Asian wide characters count 2 columns, combining marks
 * 0), wrapping a text to a width, and laying out and drawing a table no line
 * of which is wider than the terminal.
 *
 * A table that is too wide first wraps its long cells inside their columns,
 * then leaves out the columns it can do without (lowest priority first), and
 * only then wraps what is left; the columns marked essential (a cadre's ID
 * and status) are never left out. A column whose cell is the same on every
 * row becomes a heading line above the table instead.
 */
import stringWidth from 'string-width';
import type { Stream } from './context.js';
import { paint } from './color.js';

/** Used when the output is not a terminal and COLUMNS is not set. */
export const DEFAULT_WIDTH = 80;

/**
 * The width to lay terminal output out for: the stream's own (a terminal,
 * or a test's stream that says its width), else COLUMNS, else 80.
 */
export function terminalWidth(out: Stream, env: NodeJS.ProcessEnv): number {
  if (typeof out.columns === 'number' && out.columns > 0) return Math.floor(out.columns);
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  return DEFAULT_WIDTH;
}

/** Common Chinese text: CJK ideographs and punctuation, kana, hangul, full-width forms (each 2 columns). */
function isCommonWide(c: number): boolean {
  return (c >= 0x3000 && c <= 0x3029) || (c >= 0x302e && c <= 0x303e) || (c >= 0x3041 && c <= 0x3096) || (c >= 0x309b && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff01 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6);
}

/**
 * The width of a text of printable ASCII and common Chinese only (each
 * character one UTF-16 unit, 1 or 2 columns), or -1 for any other text,
 * which string-width measures. Most cells are such texts, and this is many
 * times quicker.
 */
function simpleWidth(text: string): number {
  let w = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) w += 1;
    else if (isCommonWide(c)) w += 2;
    else return -1;
  }
  return w;
}

/** Columns a text takes on a terminal (wide characters 2). */
export function textWidth(text: string): number {
  const w = simpleWidth(text);
  return w >= 0 ? w : stringWidth(text);
}

let segmenter: Intl.Segmenter | undefined;

/** The characters as the terminal draws them (a letter with its marks, an emoji with its selector, is one). */
function graphemes(text: string): string[] {
  const out: string[] = [];
  // An escaped character (forTerminal's \u{1B}) is one piece: a line cuts it only when narrower than it.
  for (const part of text.split(ESCAPED)) {
    if (!part) continue;
    if (ESCAPED_ONE.test(part)) out.push(part);
    else if (simpleWidth(part) >= 0) out.push(...part);
    else {
      segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
      for (const s of segmenter.segment(part)) out.push(s.segment);
    }
  }
  return out;
}

const ESCAPED = /(\\u\{[0-9A-Fa-f]{1,6}\})/;
const ESCAPED_ONE = /^\\u\{[0-9A-Fa-f]{1,6}\}$/;

/** After these a line may break inside a run of letters (a path, a file name, a list). */
const BREAK_AFTER = new Set(['/', '-', '_', ',', ';', ':', ')', ']', '}', '|']);

/** Wide punctuation that never starts a line. */
const NO_LINE_START = new Set(['）', '，', '。', '；', '：', '、', '！', '？', '」', '』', '】', '》', '〉', '’', '”']);

/** Wide punctuation that never ends a line. */
const NO_LINE_END = new Set(['（', '「', '『', '【', '《', '〈', '‘', '“']);

/**
 * Pieces that a line may break between: a run of spaces, a wide character
 * (Chinese may break between any two), or a run of narrow characters up to
 * and including a break character.
 */
function pieces(text: string): { text: string; width: number; space: boolean }[] {
  const out: { text: string; width: number; space: boolean }[] = [];
  let run = '';
  let runWidth = 0;
  let runSpace = false;
  let prev = '';
  const add = (text: string, width: number, space: boolean) => {
    const last = out[out.length - 1];
    // An opening bracket stays with what it opens: a line never ends with （.
    if (last && !space && !last.space && NO_LINE_END.has(last.text.slice(-1))) {
      last.text += text;
      last.width += width;
    } else out.push({ text, width, space });
  };
  const flush = () => {
    if (run) add(run, runWidth, runSpace);
    run = '';
    runWidth = 0;
  };
  for (const g of graphemes(text)) {
    const w = textWidth(g);
    const space = g === ' ' || g === '\u3000';
    if (space !== runSpace && run) flush();
    runSpace = space;
    // Closing punctuation stays with what it closes: a line never starts with ） or ，, nor with
    // ” or ’ (one column wide, as ambiguous-width characters are counted, so tested by name, not width).
    if (!space && NO_LINE_START.has(g) && (run || out.length)) {
      flush();
      const last = out[out.length - 1];
      if (!last.space) {
        last.text += g;
        last.width += w;
        continue;
      }
    }
    if (!space && w >= 2) {
      prev = g;
      flush();
      add(g, w, false);
      continue;
    }
    run += g;
    runWidth += w;
    // Only after a letter: a figure is never split (17.8/60, 2025-2026), nor an option (--hours).
    if (!space && BREAK_AFTER.has(g) && /\p{L}/u.test(prev)) flush();
    prev = g;
  }
  flush();
  return out;
}

/**
 * `text` in lines no wider than `width` (CJK-aware): broken at spaces,
 * between wide characters and after punctuation; a word longer than the
 * line is cut. Line breaks in the text are kept. Never an empty list.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    if (textWidth(paragraph) <= w) {
      lines.push(paragraph);
      continue;
    }
    let line = '';
    let lineWidth = 0;
    const end = () => {
      lines.push(line.replace(/[ \u3000]+$/, ''));
      line = '';
      lineWidth = 0;
    };
    for (const p of pieces(paragraph)) {
      if (p.space) {
        if (lineWidth === 0) continue;
        if (lineWidth + p.width > w) end();
        else {
          line += p.text;
          lineWidth += p.width;
        }
        continue;
      }
      if (lineWidth + p.width <= w) {
        line += p.text;
        lineWidth += p.width;
        continue;
      }
      if (lineWidth > 0) end();
      if (p.width <= w) {
        line = p.text;
        lineWidth = p.width;
        continue;
      }
      // A word longer than the line: cut it, character by character.
      for (const g of graphemes(p.text).flatMap((x) => (x.length > 1 && textWidth(x) > w && ESCAPED_ONE.test(x) ? [...x] : [x]))) {
        const gw = textWidth(g);
        if (lineWidth + gw > w && lineWidth > 0) end();
        line += g;
        lineWidth += gw;
      }
    }
    if (lineWidth > 0 || !lines.length) end();
  }
  return lines;
}

/** `text` padded with spaces to `width` columns. */
export function padTo(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = Math.max(0, width - textWidth(text));
  return align === 'right' ? ' '.repeat(gap) + text : text + ' '.repeat(gap);
}

/** One column of a table to fit: its header and its cells (already escaped for the terminal). */
export interface FitColumn {
  header: string;
  cells: string[];
  /** Never left out (a cadre's ID, a status). */
  essential?: boolean;
  /** Not wrapped, nor its header, while there is another way (IDs, dates, figures). */
  keep?: boolean;
  /** May be left out when the table does not fit; the higher, the sooner. */
  drop?: number;
  /** The narrowest it is wrapped to before other columns are left out (default 10). */
  min?: number;
  /** When every row has the same cell, shown once as a heading line ("header：cell") instead of a column. */
  merge?: boolean;
  align?: 'left' | 'right';
}

export interface TableLayout {
  /** The indexes of the columns shown, in order. */
  shown: number[];
  /** The width of each shown column's text (without its padding and rules). */
  widths: number[];
  /** Columns shown as heading lines (same on every row). */
  merged: number[];
  /** Columns left out for want of room. */
  dropped: number[];
}

/** The narrowest a column that may wrap is made before columns are left out. */
const MIN_WRAPPED = 10;

/** A kept column wider than this (a name of 500 characters) wraps all the same. */
const MAX_KEPT = 24;

/** Columns taken by the rules and padding of a table of n columns: "│ a │ b │". */
const frame = (n: number) => 3 * n + 1;

function naturalWidth(c: FitColumn): number {
  let w = 1;
  for (const line of c.header.split('\n')) w = Math.max(w, textWidth(line));
  for (const cell of c.cells) for (const line of cell.split('\n')) w = Math.max(w, textWidth(line));
  return w;
}

/** Widths for `cols` within `room`, or null if they cannot fit without wrapping what should be kept. */
function share(natural: number[], min: number[], room: number): number[] | null {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= room) return natural.slice();
  const least = min.reduce((a, b) => a + b, 0);
  if (least > room) return null;
  // Each column that must give gets an equal share of the room left, up to its natural width.
  const widths = min.slice();
  let left = room - least;
  const growing = natural.map((n, i) => i).filter((i) => natural[i] > min[i]).sort((a, b) => natural[a] - min[a] - (natural[b] - min[b]));
  for (let k = 0; k < growing.length; k++) {
    const i = growing[k];
    const give = Math.min(natural[i] - min[i], Math.floor(left / (growing.length - k)));
    widths[i] += give;
    left -= give;
  }
  // What rounding left over goes to the widest column still short of its natural width.
  for (let k = growing.length - 1; k >= 0 && left > 0; k--) {
    const i = growing[k];
    const give = Math.min(natural[i] - widths[i], left);
    widths[i] += give;
    left -= give;
  }
  return widths;
}

/**
 * Which columns to show and how wide, so that the table's lines are at most
 * `width` columns: columns the same on every row (merge) become headings;
 * long cells wrap; then columns are left out by priority; then, as a last
 * resort, every column wraps.
 */
export function layoutTable(columns: FitColumn[], width: number): TableLayout {
  const merged: number[] = [];
  let shown: number[] = [];
  columns.forEach((c, i) => {
    const same = c.merge && c.cells.length > 0 && c.cells.every((x) => x === c.cells[0]);
    (same ? merged : shown).push(i);
  });
  const natural = columns.map(naturalWidth);
  // A wrapping column is not made narrower than the longest word of its header (a header is never cut).
  const headerWord = (c: FitColumn) => Math.max(0, ...pieces(c.header).filter((p) => !p.space).map((p) => p.width));
  const min = columns.map((c, i) => Math.min(natural[i], c.keep || c.essential ? Math.max(MAX_KEPT, c.min ?? 0) : Math.max(c.min ?? MIN_WRAPPED, Math.min(headerWord(c), MAX_KEPT))));
  const dropped: number[] = [];
  for (;;) {
    const widths = share(shown.map((i) => natural[i]), shown.map((i) => min[i]), width - frame(shown.length));
    if (widths) return { shown, widths, merged, dropped };
    const candidates = shown.filter((i) => !columns[i].essential && columns[i].drop !== undefined);
    if (!candidates.length) break;
    const next = candidates.reduce((a, b) => (columns[b].drop! > columns[a].drop! || (columns[b].drop === columns[a].drop && b > a) ? b : a));
    dropped.push(next);
    shown = shown.filter((i) => i !== next);
  }
  // Nothing more can be left out: the wrapping columns narrower, then the kept ones too, then all but the
  // essential ones down to one character, then those too.
  const room = Math.max(2 * shown.length, width - frame(shown.length));
  const n = shown.map((i) => natural[i]);
  const kept = (i: number) => columns[i].keep || columns[i].essential;
  const essential = (i: number) => !!columns[i].essential;
  const stages = [
    shown.map((i) => (kept(i) ? min[i] : Math.min(natural[i], 6))),
    shown.map((i) => (essential(i) ? min[i] : Math.min(natural[i], kept(i) ? 8 : 4))),
    shown.map((i) => (essential(i) ? min[i] : Math.min(natural[i], 2))),
  ];
  for (const least of stages) {
    const widths = share(n, least, room);
    if (widths) return { shown, widths, merged, dropped };
  }
  // Two columns hold any character, a wide one too.
  return { shown, widths: share(n, shown.map((i) => Math.min(natural[i], 2)), room) ?? shown.map((i) => Math.min(natural[i], 2)), merged, dropped };
}

export interface DrawOptions {
  width: number;
  color: boolean;
  /** The heading line of a merged column (default "header: value"). */
  heading?: (header: string, value: string) => string;
  /** Colours a line of a cell (only with colour on). */
  paintCell?: (column: number, text: string, row: number) => string;
}

export interface DrawnTable {
  /** The heading lines (merged columns) and the table, each line ending in \n. */
  text: string;
  layout: TableLayout;
}

/**
 * Draws the columns as a table fitted to `width` (see layoutTable): a
 * heading line per merged column, then the table with its rules, no rule
 * between rows. Cells are taken as they are (escape them first).
 */
export function drawTable(columns: FitColumn[], rowCount: number, opts: DrawOptions): DrawnTable {
  const layout = layoutTable(columns, opts.width);
  const { shown, widths } = layout;
  const grey = (s: string) => paint(opts.color, 'dim', s);
  const out: string[] = [];
  for (const i of layout.merged) {
    // A column empty on every row is simply left out.
    if (!columns[i].cells[0]) continue;
    const text = opts.heading ? opts.heading(columns[i].header, columns[i].cells[0]) : `${columns[i].header}: ${columns[i].cells[0]}`;
    for (const line of wrapText(text, opts.width)) out.push(line);
  }
  const rule = (l: string, m: string, r: string) => grey(l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r);
  const row = (cells: string[], paintLine: (k: number, text: string) => string) => {
    const wrapped = cells.map((c, k) => wrapText(c, widths[k]));
    const height = Math.max(...wrapped.map((w) => w.length));
    for (let h = 0; h < height; h++) {
      const parts = wrapped.map((lines, k) => {
        const text = lines[h] ?? '';
        const gap = ' '.repeat(Math.max(0, widths[k] - textWidth(text)));
        const painted = text ? paintLine(k, text) : text;
        return columns[shown[k]].align === 'right' ? gap + painted : painted + gap;
      });
      out.push(grey('│ ') + parts.join(grey(' │ ')) + grey(' │'));
    }
  };
  out.push(rule('┌', '┬', '┐'));
  row(shown.map((i) => columns[i].header), (_k, text) => paint(opts.color, 'cyan', text));
  for (let r = 0; r < rowCount; r++) {
    row(shown.map((i) => columns[i].cells[r] ?? ''), (k, text) => (opts.color && opts.paintCell ? opts.paintCell(shown[k], text, r) : text));
  }
  out.push(rule('└', '┴', '┘'));
  return { text: out.join('\n') + '\n', layout };
}

/** Columns the widest line of `text` takes, colour codes aside (for checks and tests). */
export function widestLine(text: string): number {
  return Math.max(0, ...text.split('\n').map((l) => textWidth(l.replace(/\x1b\[[0-9;]*m/g, ''))));
}

/** A colour code (SGR), as the tool's own messages paint their prefix. */
const SGR = /\u001b\[[0-9;]*m/g;

/**
 * A message for a terminal `width` columns wide: each line longer than the
 * width wrapped (wrapText), its later lines indented by two. A line may
 * start with a painted prefix (`错误:` in red): the prefix is kept as it is
 * and the rest wrapped after it. A line with colour anywhere else is left as
 * it is (a table, drawn for the width already, has none).
 */
export function wrapMessage(text: string, width: number): string {
  if (width < 20) return text;
  return text
    .split('\n')
    .map((line) => {
      const plain = line.replace(SGR, '');
      if (textWidth(plain) <= width) return line;
      let prefix = '';
      let rest = line;
      const painted = /^(\u001b\[[0-9;]*m[^\u001b]*\u001b\[[0-9;]*m)/.exec(line);
      if (painted) {
        prefix = painted[1];
        rest = line.slice(prefix.length);
      }
      if (rest.includes('\u001b')) return line;
      const lead = textWidth(prefix.replace(SGR, ''));
      const first = wrapText(rest, width - lead);
      const head = first[0];
      // The lines after the first, joined again as they were: a space only between two narrow characters.
      const tail = first.slice(1).reduce((acc, l) => (acc === '' ? l : acc + (textWidth(acc.slice(-1)) === 2 || textWidth(l.slice(0, 1)) === 2 ? '' : ' ') + l), '');
      const more = tail ? wrapText(tail, width - 2).map((l) => `  ${l}`) : [];
      return [prefix + head, ...more].join('\n');
    })
    .join('\n');
}

/** A terminal's stderr whose every written text is wrapped to the terminal's width at that moment (wrapMessage). */
export function wrappingStream(tty: { columns?: number; write(chunk: string | Uint8Array): unknown }): Stream {
  return {
    isTTY: true,
    get columns() {
      return tty.columns;
    },
    write(chunk: string | Uint8Array) {
      return tty.write(typeof chunk === 'string' ? wrapMessage(chunk, tty.columns ?? 80) : chunk);
    },
  };
}
