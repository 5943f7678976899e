/**
 * The one message catalogue. Each section file under ./catalogue holds both
 * languages side by side ({ zh: {...}, en: {...} }) so a key is never missing
 * in one language; test/i18n.test.ts checks that both have the same keys.
 *
 * Nothing from an input reaches the terminal raw: every string parameter is
 * put in through `forTerminal` (controls, ESC sequences and bidi overrides
 * shown escaped, a value longer than MAX_ECHO_CHARS cut with its length).
 * Numbers go in as they are. A list is passed as `echoList(items)` (each item
 * escaped and shortened on its own, so a list is not cut as one long value),
 * and a message already translated as `tr.echo(key, …)` / `tr.em(msg)`; both
 * are `Echoed`, which only this module can make, so no caller can mark text
 * from an input as safe.
 */
import type { Msg, Param } from '../errors.js';
import { forTerminal } from '../core/text.js';
import { sections } from './catalogue/index.js';

export type Lang = 'zh' | 'en';

const MADE_HERE = Symbol('echoed');

/** Text already safe to print: made only by `echoList` and the translator (`echo`, `em`). */
export class Echoed {
  readonly text: string;
  readonly echoed = true as const;
  constructor(token: symbol, text: string) {
    if (token !== MADE_HERE) throw new TypeError('Echoed is made by echoList or a translator');
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

export type { Param };
export type Params = Record<string, Param>;
type Table = Record<string, string>;

/** Items listed before "…(+N)" in `echoList`. */
export const MAX_LISTED_ITEMS = 20;

/**
 * A list for a message parameter: each item escaped and shortened by itself,
 * joined by `sep`; after `max` items the rest is counted, "…(+N)".
 */
export function echoList(items: readonly (string | number)[], sep = ', ', max = MAX_LISTED_ITEMS): Echoed {
  const shown = items.slice(0, max).map((i) => (typeof i === 'number' ? String(i) : forTerminal(i)));
  const more = items.length > max ? `${sep}…(+${items.length - max})` : '';
  return new Echoed(MADE_HERE, shown.join(sep) + more);
}

/** One parameter as it goes into a message. */
export function paramText(value: Param): string {
  if (typeof value === 'number') return String(value);
  if (value instanceof Echoed) return value.text;
  return forTerminal(String(value));
}

const tables: Record<Lang, Table> = { zh: {}, en: {} };
for (const s of sections) {
  Object.assign(tables.zh, s.zh);
  Object.assign(tables.en, s.en);
}

export function catalogueKeys(lang: Lang): string[] {
  return Object.keys(tables[lang]);
}

export interface Translator {
  lang: Lang;
  t(key: string, params?: Params): string;
  m(msg: Msg): string;
  /** A translated message to pass as a parameter of another: put in whole, not escaped twice nor cut. */
  echo(key: string, params?: Params): Echoed;
  em(msg: Msg): Echoed;
}

/** `{name|singular|plural}`: the form for `params.name`, singular when it is 1. */
const PLURAL = /\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g;

export function createTranslator(lang: Lang): Translator {
  const table = tables[lang];
  const t = (key: string, params?: Params): string => {
    const template = table[key] ?? tables.en[key];
    if (template === undefined) {
      if (!params) return forTerminal(key);
      const shown = Object.entries(params).map(([k, v]) => `${k}=${paramText(v)}`);
      return `${forTerminal(key)} {${shown.join(', ')}}`;
    }
    // With nothing to put in, or nowhere to put it, a template is its own text (the replaces below would keep every `{…}` as it is).
    if (!params || !template.includes('{')) return template;
    // `{n|one|other}` chooses the word for a count (English: "1 cadre", "2 cadres"); the number itself is `{n}`.
    const counted = template.includes('|') ? template.replace(PLURAL, (whole, name: string, one: string, other: string) => {
      const v = params?.[name];
      if (v === undefined) return whole;
      return typeof v === 'number' ? (v === 1 ? one : other) : String(v) === '1' ? one : other;
    }) : template;
    return counted.replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && params[name] !== undefined ? paramText(params[name]) : whole,
    );
  };
  const m = (msg: Msg) => t(msg.key, msg.params);
  return {
    lang,
    t,
    m,
    echo: (key, params) => new Echoed(MADE_HERE, t(key, params)),
    em: (msg) => new Echoed(MADE_HERE, m(msg)),
  };
}

/** --lang, else CADRE_LANG, else LC_ALL / LANG (zh* → Chinese), else English. */
export function resolveLang(flag: string | undefined, env: NodeJS.ProcessEnv): Lang {
  for (const v of [flag, env.CADRE_LANG]) {
    if (v) return v.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
