/**
 * Concurrent staff: several workers, each a member of staff running `cadre`
 * commands one after another (import-hours of its own files, record-essay),
 * all at once against one database. Also builds the "guard" copy of the tool
 * whose write transactions are deferred instead of BEGIN IMMEDIATE.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { cadre, makeWorkspace, NO_CRASH, repoRoot, studyDate, tempDir, type Exit, type Workspace } from './cadre.js';

export interface StaffOptions {
  workers: number;
  commands: number;
  rowsPerFile: number;
  /** Another build of the tool (the guard). */
  bin?: string;
  /** Stop every worker at the first failed command (the guard only needs one). */
  stopOnFailure?: boolean;
}

export interface CommandRun {
  worker: number;
  index: number;
  args: string[];
  exit: Exit;
}

export interface Expected {
  hoursRows: number;
  quartersByLearner: Map<string, number>;
  batches: number;
  essays: number;
  commands: number;
}

export interface StaffResult {
  ws: Workspace;
  runs: CommandRun[];
  failures: CommandRun[];
  expected: Expected;
  baseJournal: number;
  ms: number;
}

const QUARTER_TEXT = ['0.25', '0.5', '0.75', '1', '1.25', '1.5', '1.75', '2'];

/** Prepares every worker's files up front, then runs the workers at once. */
export async function concurrentStaff(opts: StaffOptions, reuse?: Workspace): Promise<StaffResult> {
  const ws = reuse ?? (await makeWorkspace(40));
  const expected: Expected = { hoursRows: 0, quartersByLearner: new Map(), batches: 0, essays: 0, commands: 0 };
  const plans: string[][][] = [];
  for (let w = 0; w < opts.workers; w++) {
    const list: string[][] = [];
    for (let c = 0; c < opts.commands; c++) {
      if (c % 2 === 0) {
        const name = `staff${w}-file${c}.csv`;
        const lines = ['learner_id,course_code,completed_on,hours'];
        for (let i = 0; i < opts.rowsPerFile; i++) {
          const id = ws.ids[(i + w + c) % ws.ids.length];
          const q = ((i + c) % QUARTER_TEXT.length) + 1;
          lines.push(`${id},W${w}F${c}C${Math.floor(i / ws.ids.length)},${studyDate(i + 37 * w + c)},${QUARTER_TEXT[q - 1]}`);
          expected.quartersByLearner.set(id, (expected.quartersByLearner.get(id) ?? 0) + q);
        }
        fs.writeFileSync(path.join(ws.dir, name), lines.join('\n') + '\n');
        expected.hoursRows += opts.rowsPerFile;
        expected.batches++;
        list.push(['import-hours', name]);
      } else {
        const id = ws.ids[(w * opts.commands + c) % ws.ids.length];
        const kind = c % 4 === 1 ? 'reflection' : 'report';
        list.push(['record-essay', id, '--kind', kind, '--title', `staff ${w} essay ${c}`, '--submitted-on', studyDate(w * 31 + c), '--chars', '5000']);
        expected.essays++;
      }
      expected.commands++;
    }
    plans.push(list);
  }
  const probe = new Database(ws.db, { readonly: true });
  const baseJournal = (probe.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;
  probe.close();
  const runs: CommandRun[] = [];
  const failures: CommandRun[] = [];
  let stop = false;
  const t0 = performance.now();
  await Promise.all(
    plans.map(async (list, worker) => {
      for (const [index, args] of list.entries()) {
        if (stop) return;
        const exit = await cadre(args, { cwd: ws.dir, env: ws.env, ...(opts.bin ? { bin: opts.bin } : {}) });
        const run = { worker, index, args, exit };
        runs.push(run);
        if (exit.code !== 0 || NO_CRASH.test(exit.stderr)) {
          failures.push(run);
          if (opts.stopOnFailure) stop = true;
        }
      }
    }),
  );
  return { ws, runs, failures, expected, baseJournal, ms: performance.now() - t0 };
}

export interface Totals {
  hoursRows: number;
  quartersByLearner: Map<string, number>;
  batches: number;
  essays: number;
  journal: number;
  integrity: string[];
}

export function totals(ws: Workspace): Totals {
  const db = new Database(ws.db, { readonly: true });
  try {
    const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    const quartersByLearner = new Map<string, number>();
    for (const r of db.prepare('SELECT c.learner_id AS id, SUM(h.quarters) AS q FROM hours h JOIN cadres c ON c.id = h.cadre_id GROUP BY c.learner_id').all() as { id: string; q: number }[]) {
      quartersByLearner.set(r.id, r.q);
    }
    return {
      hoursRows: n('SELECT COUNT(*) AS n FROM hours'),
      quartersByLearner,
      batches: n("SELECT COUNT(*) AS n FROM batches WHERE kind = 'hours'"),
      essays: n('SELECT COUNT(*) AS n FROM essays'),
      journal: n('SELECT COUNT(*) AS n FROM journal'),
      integrity: (db.pragma('integrity_check') as Record<string, unknown>[]).map((r) => String(Object.values(r)[0])),
    };
  } finally {
    db.close();
  }
}

/**
 * A copy of the built tool in which every `.immediate()` write transaction is
 * `.deferred()` (plain BEGIN): what the code would be if someone removed
 * BEGIN IMMEDIATE. Returns the copy's bin/cadre.js and how many were changed.
 */
export function deferredBuild(): { bin: string; replaced: number; replacedInBundle: number } {
  const root = tempDir('cadre-deferred-');
  let replaced = 0;
  let replacedInBundle = 0;
  const copy = (from: string, to: string): void => {
    fs.mkdirSync(to, { recursive: true });
    for (const e of fs.readdirSync(from, { withFileTypes: true })) {
      const src = path.join(from, e.name);
      const dst = path.join(to, e.name);
      // The code caches are of the real build: the copy compiles its own.
      if (e.isDirectory()) {
        if (e.name !== '.code-cache') copy(src, dst);
      } else if (e.name.endsWith('.js') || e.name.endsWith('.cjs')) {
        // The modules as tsc built them, and the bundle bin/cadre.js runs (dist/bundle/main.cjs).
        const text = fs.readFileSync(src, 'utf8');
        const count = text.split('.immediate()').length - 1;
        if (e.name.endsWith('.cjs')) replacedInBundle += count;
        else replaced += count;
        fs.writeFileSync(dst, count ? text.replaceAll('.immediate()', '.deferred()') : text);
      } else fs.copyFileSync(src, dst);
    }
  };
  copy(path.join(repoRoot, 'dist'), path.join(root, 'dist'));
  // The copy's modules are newer than the build says: it is the same build, so the copy runs its bundle.
  const buildFile = path.join(root, 'dist', 'bundle', 'build.json');
  const build = JSON.parse(fs.readFileSync(buildFile, 'utf8')) as { hash: string; modules: number };
  fs.writeFileSync(buildFile, JSON.stringify({ ...build, modules: fs.statSync(path.join(root, 'dist', 'cli', 'main.js')).mtimeMs }));
  copy(path.join(repoRoot, 'bin'), path.join(root, 'bin'));
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(root, 'package.json'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  fs.symlinkSync(path.join(repoRoot, 'data'), path.join(root, 'data'), 'dir');
  return { bin: path.join(root, 'bin', 'cadre.js'), replaced, replacedInBundle };
}

/** How many `.immediate()` the sources hold (the build must carry each). */
export function immediateInSources(): number {
  let n = 0;
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) n += fs.readFileSync(p, 'utf8').split('.immediate()').length - 1;
    }
  };
  walk(path.join(repoRoot, 'src'));
  return n;
}

/** Every command succeeded and the database holds exactly what the commands wrote. */
export function expectExactTotals(r: StaffResult): void {
  expect(r.failures.map((f) => `${f.args.join(' ')} → ${f.exit.code}: ${f.exit.stderr}`)).toEqual([]);
  expect(r.runs).toHaveLength(r.expected.commands);
  const t = totals(r.ws);
  expect(t.integrity).toEqual(['ok']);
  expect(t.hoursRows).toBe(r.expected.hoursRows);
  expect(t.batches).toBe(r.expected.batches);
  expect(t.essays).toBe(r.expected.essays);
  expect(t.journal - r.baseJournal).toBe(r.expected.commands);
  expect(Object.fromEntries(t.quartersByLearner)).toEqual(Object.fromEntries(r.expected.quartersByLearner));
}

/**
 * Lines of `text` where `.transaction(…)` is not followed by `.immediate()`,
 * except a transaction that only stages rows in a TEMP table (it takes no
 * lock on the database): the ten lines before it must say TEMP, and neither
 * they nor its body may write any other table.
 */
export function deferredWriteTransactions(text: string): number[] {
  const lines: number[] = [];
  for (const m of text.matchAll(/\.transaction\(/g)) {
    let depth = 0;
    let i = m.index + '.transaction'.length;
    for (; i < text.length; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) break;
    }
    if (/^\s*\.immediate\(\)/.test(text.slice(i + 1))) continue;
    const line = text.slice(0, m.index).split('\n').length;
    const window = text.split('\n').slice(Math.max(0, line - 11), line - 1).join('\n') + text.slice(m.index, i + 1);
    const writesMain = /\b(INSERT(\s+OR\s+[A-Z]+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+(?!temp\.)[A-Za-z_]/.test(window);
    if (/\btemp\b/i.test(window) && !writesMain) continue;
    lines.push(line);
  }
  return lines;
}
