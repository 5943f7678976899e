/**
 * The one message catalogue. Each section file under ./catalogue holds both
 * languages side by side ({ zh: {...}, en: {...} }) so a key is never missing
 * in one language; test/i18n.test.ts checks that both have the same keys.
 */
import type { Msg } from '../errors.js';
import { sections } from './catalogue/index.js';

export type Lang = 'zh' | 'en';
export type Params = Record<string, string | number>;
type Table = Record<string, string>;

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
}

export function createTranslator(lang: Lang): Translator {
  const table = tables[lang];
  const t = (key: string, params?: Params): string => {
    const template = table[key] ?? tables.en[key];
    if (template === undefined) return params ? `${key} ${JSON.stringify(params)}` : key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && params[name] !== undefined ? String(params[name]) : whole,
    );
  };
  return { lang, t, m: (msg: Msg) => t(msg.key, msg.params) };
}

/** --lang, else CADRE_LANG, else LC_ALL / LANG (zh* → Chinese), else English. */
export function resolveLang(flag: string | undefined, env: NodeJS.ProcessEnv): Lang {
  for (const v of [flag, env.CADRE_LANG]) {
    if (v) return v.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}
