/** The one catalogue: both languages have every key, and every key the code uses exists. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIREMENT_IDS } from '../src/core/audit.js';
import { catalogueKeys, createTranslator, resolveLang } from '../src/i18n/index.js';
import { AUDIT_COLUMNS } from '../src/report/audit-view.js';
import { repoRoot } from './helpers/cli.js';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p.includes(`${path.sep}catalogue`) ? [] : sourceFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('message catalogue', () => {
  const zh = new Set(catalogueKeys('zh'));
  const en = new Set(catalogueKeys('en'));
  it('zh and en have the same keys', () => {
    expect([...zh].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !zh.has(k))).toEqual([]);
  });
  it('every key written in the code exists', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(path.join(repoRoot, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:\bt|\.t|\bmsg)\(\s*'([a-zA-Z][\w.]*)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/description:\s*'([\w.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\[\/.*\/, '([a-z]+\.[\w.]+)'\]/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(200);
    expect([...used].filter((k) => !en.has(k))).toEqual([]);
  });
  it('every key built from a value exists', () => {
    const built = [
      ...['met', 'on_track', 'behind', 'short', 'exempt', 'unrecorded'].map((s) => `status.${s}`),
      ...REQUIREMENT_IDS.map((r) => `req.${r}`),
      ...['credits', 'hours', 'essays'].map((u) => `unit.${u}`),
      ...['division', 'section'].map((r) => `rank.${r}`),
      ...['reflection', 'report'].map((k) => `essay.${k}`),
      ...['approved', 'pending', 'rejected'].map((s) => `essayStatus.${s}`),
      ...['repeat', 'too_short', 'not_approved', 'over_cap'].map((w) => `transcript.why.${w}`),
      ...['written', 'dry-run', 'already', 'refused'].map((o) => `import.outcome.${o}`),
      ...AUDIT_COLUMNS.map((c) => `col.${c}`),
    ];
    expect(built.filter((k) => !en.has(k))).toEqual([]);
  });
  it('placeholders are filled in both languages', () => {
    for (const lang of ['zh', 'en'] as const) {
      const t = createTranslator(lang).t;
      expect(t('missing.amount', { period: 'P', label: 'L', actual: 12, required: 20, shortfall: 8, unit: 'U' })).not.toMatch(/\{/);
    }
    expect(createTranslator('zh').t('missing.amount', { period: '2025-2026学年', label: '平台学时', actual: 12, required: 20, shortfall: 8, unit: '学时' })).toBe('2025-2026学年 平台学时 12/20，缺 8 学时');
  });
  it('counts agree with their nouns and verbs in English: 1 cadre, 2 cadres', () => {
    const en = createTranslator('en').t;
    expect(en('audit.summary', { count: 1, asOf: '2026-12-02', met: 0, on_track: 0, behind: 0, short: 1 })).toBe('1 cadre as of 2026-12-02: met 0, on track 0, behind 0, short 1');
    expect(en('audit.summary', { count: 2, asOf: '2026-12-02', met: 0, on_track: 0, behind: 1, short: 1 })).toBe('2 cadres as of 2026-12-02: met 0, on track 0, behind 1, short 1');
    expect(en('audit.failOnShortfall', { count: 1 })).toBe('1 cadre is short or behind');
    expect(en('render.wroteRows', { file: 'a.csv', count: 1 })).toBe('wrote a.csv (1 row)');
    expect(en('render.wroteRows', { file: 'a.csv', count: 0 })).toBe('wrote a.csv (0 rows)');
    // Chinese has no plural: its templates carry no choice, and read the same for 1 and 2.
    const zh = createTranslator('zh').t;
    expect(zh('audit.failOnShortfall', { count: 1 })).not.toMatch(/[{|}]/);
  });
  it('every count choice in English names a placeholder the message has, and no other language uses one', () => {
    for (const lang of ['zh', 'en'] as const) {
      for (const key of catalogueKeys(lang)) {
        const template = createTranslator(lang).t(key);
        for (const m of template.matchAll(/\{(\w+)\|[^|{}]*\|[^|{}]*\}/g)) {
          expect(lang, key).toBe('en');
          expect(template, key).toContain(`{${m[1]}}`);
        }
      }
    }
  });
  it.each([
    [undefined, { CADRE_LANG: 'zh' }, 'zh'],
    ['en', { CADRE_LANG: 'zh' }, 'en'],
    [undefined, { LANG: 'zh_CN.UTF-8' }, 'zh'],
    [undefined, { LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' }, 'en'],
    [undefined, {}, 'en'],
  ] as const)('--lang %s with %j → %s', (flag, env, lang) => {
    expect(resolveLang(flag, env as NodeJS.ProcessEnv)).toBe(lang);
  });
});

describe('a template asked for without parameters', () => {
  it('comes back as the same text as with no parameters given: every placeholder and count kept as written', () => {
    for (const lang of ['zh', 'en'] as const) {
      const tr = createTranslator(lang);
      for (const k of catalogueKeys(lang)) expect(tr.t(k), k).toBe(tr.t(k, {}));
    }
    expect(createTranslator('en').t('audit.failOnShortfall')).toBe('{count} {count|cadre is|cadres are} short or behind');
  });
});
