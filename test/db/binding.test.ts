/**
 * Every connection names better-sqlite3's binding (connection() in src/db/open.ts): the program's
 * bundle carries the package's JavaScript, and from there the package's own search for its binding
 * starts in the bundle's folder and fails ("Could not find module root"), as a restore's check of a
 * copy once did.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('connections', () => {
  it('are all opened with the binding named (connection())', () => {
    const bare: string[] = [];
    let seen = 0;
    for (const file of sources(path.resolve(__dirname, '../../src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new Database\(([^;]*?)\);/gs)) {
        seen++;
        if (!/connection\(/.test(m[1])) bare.push(`${path.relative(process.cwd(), file)}: ${m[0].slice(0, 80)}`);
      }
    }
    expect(seen).toBeGreaterThan(4);
    expect(bare).toEqual([]);
  });
});
