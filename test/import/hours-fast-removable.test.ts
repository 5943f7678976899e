/**
 * The hours accelerator (src/import/hours-fast/) is removable: only the
 * command plugs it in, and nothing else in src/ reaches into it, so deleting
 * the folder and the plug leaves every import working (the hours kind runs
 * every row through parse() then; test/import/hours-paths.test.ts holds that
 * run equal to the accelerated one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const src = path.join(repoRoot, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The modules `file` imports, resolved to paths below src/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/\b(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => path.relative(src, path.resolve(path.dirname(file), m[1]!)));
}

describe('the hours accelerator is removable', () => {
  it('no module outside src/import/hours-fast imports it but the import-hours command', () => {
    const users = sources(src)
      .filter((f) => !path.relative(src, f).startsWith(`import${path.sep}hours-fast${path.sep}`))
      .filter((f) => importsOf(f).some((m) => m.startsWith(`import${path.sep}hours-fast${path.sep}`)))
      .map((f) => path.relative(src, f));
    expect(users).toEqual([path.join('commands', 'import-hours.ts')]);
  });
});
