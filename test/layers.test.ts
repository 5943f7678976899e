/**
 * One floor per folder (DESIGN.md): a lower floor never imports a higher one.
 * The sources are scanned for every module they name (static imports, type
 * imports, re-exports and dynamic `import()`), so a type-only import counts
 * too: a circle of types is still a circle a reader has to follow.
 *
 *   errors    errors.ts imports nothing; local-time.ts nothing above core
 *   core      imports nothing but core and errors.ts: no `node:`, no package, no other folder
 *   i18n      core and the ground floor
 *   io, db    never shell, cli, commands, import (nor report, auth)
 *   auth      never shell, cli, commands, import, report
 *   import    never cli, commands (a kind may word its rows with report's labels)
 *   report    never cli, commands, import
 *   shell     never cli, commands
 *   commands  never cli; never another command (commands/shared/ is for what two share)
 *   cli       the top: only cli imports cli
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

const SRC = path.join(repoRoot, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a file names. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[^\w.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gms;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** The floor of a file under src/: its first folder, or for a file at the top its own name (errors, local-time). */
function floorOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? rel[0].replace(/\.ts$/, '') : rel[0];
}

interface Edge {
  from: string;
  to: string;
  spec: string;
}

function edges(): Edge[] {
  const all: Edge[] = [];
  for (const file of sources(SRC)) {
    for (const spec of specifiers(fs.readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) {
        all.push({ from: file, to: spec, spec });
        continue;
      }
      const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
      all.push({ from: file, to: target, spec });
    }
  }
  return all;
}

const FORBIDDEN: Record<string, string[]> = {
  errors: ['core', 'local-time', 'i18n', 'io', 'db', 'auth', 'import', 'report', 'shell', 'commands', 'cli'],
  'local-time': ['i18n', 'io', 'db', 'auth', 'import', 'report', 'shell', 'commands', 'cli'],
  i18n: ['io', 'db', 'auth', 'import', 'report', 'shell', 'commands', 'cli'],
  io: ['db', 'auth', 'import', 'report', 'shell', 'commands', 'cli'],
  db: ['auth', 'import', 'report', 'shell', 'commands', 'cli'],
  auth: ['import', 'report', 'shell', 'commands', 'cli'],
  import: ['commands', 'cli'],
  report: ['import', 'commands', 'cli'],
  shell: ['commands', 'cli'],
  commands: ['cli'],
};

const rel = (p: string) => path.relative(repoRoot, p);

describe('layers', () => {
  const found = edges();

  it('finds the modules each file names (the scan itself works)', () => {
    const named = specifiers(`import a from './a.js';\nimport type { B } from '../b.js';\nexport { c } from "./c.js";\nconst d = await import('./d.js');\nimport {\n  e,\n} from '../e.js';\n`);
    expect(named).toEqual(['./a.js', '../b.js', './c.js', './d.js', '../e.js']);
    expect(found.length).toBeGreaterThan(100);
  });

  it('core imports nothing but core and errors.ts: no node:, no package, no other folder', () => {
    const errors = path.join(SRC, 'errors.ts');
    const bad = found.filter((e) => floorOf(e.from) === 'core' && (!path.isAbsolute(e.to) || (floorOf(e.to) !== 'core' && e.to !== errors)));
    expect(bad.map((e) => `${rel(e.from)} → ${e.spec}`)).toEqual([]);
  });

  it('a lower floor never imports a higher one', () => {
    const bad = found.filter((e) => path.isAbsolute(e.to) && (FORBIDDEN[floorOf(e.from)] ?? []).includes(floorOf(e.to)));
    expect(bad.map((e) => `${rel(e.from)} → ${e.spec}`)).toEqual([]);
  });

  it('no command imports another (commands/shared/ holds what two share)', () => {
    const commands = path.join(SRC, 'commands');
    const bad = found.filter(
      (e) => path.dirname(e.from) === commands && path.isAbsolute(e.to) && path.dirname(e.to) === commands,
    );
    expect(bad.map((e) => `${rel(e.from)} → ${e.spec}`)).toEqual([]);
  });

  it('the floors form no circle (types included): errors.ts and i18n no longer name each other', () => {
    const next = new Map<string, Set<string>>();
    for (const e of found) {
      if (!path.isAbsolute(e.to)) continue;
      const a = floorOf(e.from);
      const b = floorOf(e.to);
      if (a !== b) (next.get(a) ?? next.set(a, new Set()).get(a)!).add(b);
    }
    const circles: string[] = [];
    const walk = (at: string, trail: string[]) => {
      for (const b of next.get(at) ?? []) {
        if (trail.includes(b)) circles.push([...trail.slice(trail.indexOf(b)), b].join(' → '));
        else walk(b, [...trail, b]);
      }
    };
    for (const floor of next.keys()) walk(floor, [floor]);
    expect([...new Set(circles)]).toEqual([]);
  });

  it('the rules can fail: a planted upward import is caught', () => {
    const planted: Edge = { from: path.join(SRC, 'db', 'x.ts'), to: path.join(SRC, 'shell', 'context.ts'), spec: '../shell/context.js' };
    expect((FORBIDDEN[floorOf(planted.from)] ?? []).includes(floorOf(planted.to))).toBe(true);
  });
});
