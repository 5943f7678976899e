/**
 * The help as the user reads it: every word from the catalogue (the section
 * titles, "choices", "default", the placeholders of arguments and options:
 * `<learner_id>` is `<学员编号>` in Chinese, while the parsing is unchanged),
 * wrapped at the terminal's width with East Asian wide characters counted
 * as two columns, Chinese text broken between characters (never before a
 * closing mark nor after an opening one), and each command's examples (and
 * the program's) laid out and wrapped with it.
 *
 * Widths are counted by src/io/text-width.ts, not with string-width: that
 * package builds an Intl.Segmenter when it loads (about 10 ms), and this
 * module loads on every run.
 */
import { Command, Help, type Argument, type Option } from 'commander';
import type { Translator } from '../i18n/index.js';
import { displayWidth } from '../io/text-width.js';

/** Columns of the terminal for help: the stream's own when a terminal, else $COLUMNS, else 80. */
export function helpWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number {
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv >= 20 && fromEnv <= 1000) return fromEnv;
  return 80;
}


/** Marks a line never starts with, and marks a line never ends with (Chinese line breaking). */
const NO_START = new Set([...'，。、；：？！）」』》〉】〕〗…—～·％,.;:?!)]}%']);
const NO_END = new Set([...'（「『《〈【〔〖“‘([{']);

/**
 * A line cut into the pieces a break may fall between: a run of other text
 * (with the spaces before it) or one wide character, each closing mark kept
 * with what precedes it and each opening mark with what follows.
 */
function pieces(line: string): string[] {
  const raw = line.match(/\s*(?:[^\s\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]+|[^\s])/gu) ?? [];
  const out: string[] = [];
  for (const p of raw) {
    const first = p.trimStart()[0] ?? '';
    const prev = out[out.length - 1];
    if (prev !== undefined && p === p.trimStart() && (NO_START.has(first) || NO_END.has(prev[prev.length - 1]!))) out[out.length - 1] = prev + p;
    else out.push(p);
  }
  return out;
}

/** A piece wider than the whole line, cut at the width (a long path or URL). */
function cutToWidth(piece: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of piece) {
    if (cur !== '' && displayWidth(cur + ch) > width) {
      out.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** Wraps a text to `width` columns, keeping its own line breaks; a line starts with no space of the break. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const rawLine of text.split(/\r\n|\n/)) {
    let cur = '';
    let curWidth = 0;
    for (const p of pieces(rawLine)) {
      const w = displayWidth(p);
      if (cur === '' || curWidth + w <= width) {
        cur += cur === '' ? p.trimStart() : p;
        curWidth = displayWidth(cur);
      } else {
        lines.push(cur);
        cur = p.trimStart();
        curWidth = displayWidth(cur);
      }
      if (curWidth > width) {
        const cut = cutToWidth(cur, width);
        lines.push(...cut.slice(0, -1));
        cur = cut[cut.length - 1] ?? '';
        curWidth = displayWidth(cur);
      }
    }
    lines.push(cur);
  }
  return lines;
}

/**
 * A shell command line wrapped for an example: broken only between its
 * words (never inside quotes), preferably before an option, continued lines
 * indented by `indent` more. Type it as one line.
 */
export function wrapCommand(line: string, width: number, indent = 4): string[] {
  const words = line.match(/(?:"[^"]*"|'[^']*'|\S)+/g) ?? [];
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    // An option keeps its value with it.
    const group = word.startsWith('-') && words[i + 1] !== undefined && !words[i + 1]!.startsWith('-') ? `${word} ${words[++i]}` : word;
    const room = out.length ? width - indent : width;
    if (cur !== '' && displayWidth(`${cur} ${group}`) > room) {
      out.push(cur);
      cur = group;
    } else cur = cur === '' ? group : `${cur} ${group}`;
  }
  if (cur !== '') out.push(cur);
  return out.map((l, i) => (i === 0 ? l : ' '.repeat(indent) + l));
}

/** An example in a help: what it does (optional) and the command line. */
export interface HelpExample {
  what?: string;
  command: string;
}

/** What a command's help says after its options: its examples and a closing text. */
export interface HelpExtras {
  examples: HelpExample[];
  footer?: string;
}

/** `<learner_id>`, `[roster]`, `<files...>` with each name in the user's language (`help.ph.NAME`, else as written). */
export function translatePlaceholders(text: string, tr: Translator): string {
  return text.replace(/([<[])([\w-]+)(\.\.\.)?([>\]])/g, (_all, open: string, name: string, dots: string | undefined, close: string) => `${open}${placeholder(name, tr)}${dots ?? ''}${close}`);
}

function placeholder(name: string, tr: Translator): string {
  const key = `help.ph.${name}`;
  const said = tr.t(key);
  return said === key ? name : said;
}

/**
 * The help of one command in the user's language. `extras` gives each
 * command's examples and closing text (main.ts keeps them with the command).
 */
export class CadreHelp extends Help {
  constructor(
    private readonly tr: Translator,
    private readonly extras: (cmd: Command) => HelpExtras | undefined,
  ) {
    super();
  }

  override displayWidth(str: string): number {
    return displayWidth(str);
  }

  override subcommandTerm(cmd: Command): string {
    return translatePlaceholders(super.subcommandTerm(cmd), this.tr);
  }

  override optionTerm(option: Option): string {
    return translatePlaceholders(super.optionTerm(option), this.tr);
  }

  override argumentTerm(argument: Argument): string {
    return placeholder(argument.name(), this.tr);
  }

  override commandUsage(cmd: Command): string {
    return translatePlaceholders(super.commandUsage(cmd), this.tr);
  }

  /** The description with what may be chosen and the default, in the user's words (commander's otherwise). */
  override optionDescription(option: Option): string {
    const extra: string[] = [];
    const zh = this.tr.lang === 'zh';
    const value = (v: unknown) => (zh && typeof v === 'string' ? v : JSON.stringify(v));
    // A value option's choices come already worded, each with the word people type (main.ts).
    const worded = option.argChoices !== undefined && option.argChoices.some((c) => /[(（]/.test(c));
    if (option.argChoices) extra.push(this.tr.t('help.choices', { list: option.argChoices.map((c) => (worded ? c : value(c))).join(zh ? '、' : ', ') }));
    const showDefault = option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean');
    if (option.defaultValue !== undefined && showDefault) extra.push(this.tr.t('help.default', { value: option.defaultValueDescription ?? value(option.defaultValue) }));
    if (!extra.length) return option.description;
    const said = zh ? `（${extra.join('；')}）` : `(${extra.join(', ')})`;
    return option.description ? `${option.description}${zh ? '' : ' '}${said}` : said;
  }

  override boxWrap(str: string, width: number): string {
    return wrap(str, width).join('\n');
  }

  /**
   * A term and its description: the description beside the term, wrapped in
   * what is left of the width; when that is too narrow, on the lines below,
   * indented.
   */
  override formatItem(term: string, termWidth: number, description: string, helper: Help): string {
    const indent = '  ';
    if (!description) return indent + term;
    const width = this.helpWidth ?? 80;
    const beside = width - termWidth - 4;
    const padded = term + ' '.repeat(Math.max(0, termWidth - helper.displayWidth(term)));
    if (beside >= 24 && helper.displayWidth(term) <= termWidth) {
      const lines = wrap(description, beside);
      return [indent + padded + '  ' + lines[0], ...lines.slice(1).map((l) => indent + ' '.repeat(termWidth + 2) + l)].join('\n');
    }
    const lines = wrap(description, width - 6);
    return [indent + term, ...lines.map((l) => '      ' + l)].join('\n');
  }

  /** The widest term that still leaves room for descriptions beside it; a longer term puts its description below. */
  override padWidth(cmd: Command, helper: Help): number {
    const widest = super.padWidth(cmd, helper);
    const width = this.helpWidth ?? 80;
    return Math.min(widest, Math.max(16, Math.floor(width * 0.45)));
  }

  override formatHelp(cmd: Command, helper: Help): string {
    const { t } = this.tr;
    const width = this.helpWidth ?? 80;
    const termWidth = helper.padWidth(cmd, helper);
    const item = (term: string, description: string) => helper.formatItem(term, termWidth, description, helper);
    const section = (title: string, items: string[]) => (items.length ? [title, ...items, ''] : []);
    const usageTitle = t('help.usage');
    // "Usage: cadre …", "用法：cadre …" (a full-width colon is its own space).
    const lead = usageTitle + (/[\x00-\x7f]$/.test(usageTitle) ? ' ' : '');
    const usage = wrapCommand(helper.commandUsage(cmd), width - displayWidth(lead), 2);
    const out: string[] = [lead + usage[0], ...usage.slice(1).map((l) => ' '.repeat(displayWidth(lead)) + l.trimStart()), ''];
    const description = helper.commandDescription(cmd);
    if (description) out.push(...wrap(description, width), '');
    out.push(...section(t('help.arguments'), helper.visibleArguments(cmd).map((a) => item(helper.argumentTerm(a), helper.argumentDescription(a)))));
    out.push(...section(t('help.options'), helper.visibleOptions(cmd).map((o) => item(helper.optionTerm(o), helper.optionDescription(o)))));
    out.push(...section(t('help.commands'), helper.visibleCommands(cmd).map((c) => item(helper.subcommandTerm(c), helper.subcommandDescription(c)))));
    const extras = this.extras(cmd);
    if (extras?.examples.length) {
      out.push(extras.examples.length > 1 ? t('help.examples') : t('cli.example'));
      for (const ex of extras.examples) {
        if (ex.what) out.push(...wrap(ex.what, width - 2).map((l) => '  ' + l));
        out.push(...wrapCommand(ex.command, width - (ex.what ? 4 : 2)).map((l) => (ex.what ? '    ' : '  ') + l));
      }
      out.push('');
    }
    if (extras?.footer) out.push(...wrap(extras.footer, width), '');
    return out.join('\n');
  }
}
