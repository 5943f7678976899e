/** `npm run demo` as a new user runs it: the whole sample year, its headings in the language asked for. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { createTranslator } from '../../src/i18n/index.js';
import { demo } from '../../src/i18n/catalogue/demo.js';
import { repoRoot } from '../helpers/cli.js';

function runDemo(lang: 'zh' | 'en') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-demo-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CADRE_LANG: lang, CADRE_DEMO_OUT: dir, COLUMNS: '80' };
  delete env.CADRE_DB;
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'demo.mjs')], { env, encoding: 'utf8', timeout: 120_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  return r;
}

describe('npm run demo', () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`runs the sample year with its headings in ${lang}, each within 80 columns, in plain text in a pipe`, () => {
      const r = runDemo(lang);
      expect(r.status, r.stderr).toBe(0);
      const { t } = createTranslator(lang);
      const headings = Object.keys(demo.zh).filter((k) => k !== 'demo.where' && k !== 'demo.failed');
      for (const k of headings) {
        expect(r.stdout).toContain(`== ${t(k)} ==`);
        expect(stringWidth(`== ${t(k)} ==`)).toBeLessThanOrEqual(80);
      }
      expect(r.stdout).not.toContain('\u001b[');
      const other = createTranslator(lang === 'zh' ? 'en' : 'zh').t;
      expect(r.stdout).not.toContain(other('demo.accounts'));
    }, 150_000);
  }
});
