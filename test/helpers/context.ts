/** An in-process Context for command tests: buffers for streams, a fixed clock, a fake prompter. */
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Context, Prompter } from '../../src/shell/context.js';
import type { Policy } from '../../src/core/policy.js';
import { localIsoDate } from '../../src/local-time.js';
import { loadPolicy } from '../../src/shell/process-context.js';
import { openDatabase, type DB } from '../../src/db/open.js';
import { createTranslator, type Lang } from '../../src/i18n/index.js';
import { repoRoot } from './cli.js';

export interface TestContext extends Context {
  stdout: string[];
  stderr: string[];
  /** The messages of the prompts asked, in order. */
  asked: string[];
}

export interface TestContextOptions {
  cwd: string;
  /** The fixed clock (default 2026-11-25T10:00:00, local time). */
  now?: string;
  lang?: Lang;
  /** Prompt answers, by the start of the prompt's message; a list is answered in turn, one item per asking. */
  answers?: Record<string, string | string[]>;
  /** What stdin holds (a pipe, as `--password-stdin` reads it); else the test process's stdin. */
  input?: string;
  operator?: string;
  /** The width stdout says it has (a terminal's columns); unset, the table is laid out for 80. */
  columns?: number;
  /** Another policy than data/policy.json. */
  policy?: Policy;
}

export function testContext(opts: TestContextOptions): TestContext {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let db: DB | undefined;
  const now = () => new Date(opts.now ?? '2026-11-25T10:00:00');
  const tr = createTranslator(opts.lang ?? 'en');
  const answers = opts.answers ?? {};
  const asked: string[] = [];
  const turn = new Map<string, number>();
  const ask = (message: string): string => {
    asked.push(message);
    const key = Object.keys(answers).find((k) => message.startsWith(k));
    if (key === undefined) throw new Error(`no answer for prompt "${message}"`);
    const a = answers[key];
    if (typeof a === 'string') return a;
    const i = turn.get(key) ?? 0;
    turn.set(key, i + 1);
    if (i >= a.length) throw new Error(`prompt "${message}" asked more than ${a.length} times`);
    return a[i];
  };
  const prompter: Prompter = {
    input: async (o) => {
      const v = ask(o.message);
      const ok = o.validate?.(v) ?? true;
      if (ok !== true) throw new Error(`prompt "${o.message}" refused "${v}": ${ok}`);
      return v;
    },
    select: async (o) => ask(o.message) as never,
    password: async (o) => ask(o.message),
    confirm: async (o) => ask(o.message) === 'yes',
  };
  const policy = opts.policy ?? loadPolicy(path.join(repoRoot, 'data', 'policy.json'));
  return {
    stdout,
    stderr,
    asked,
    out: { write: (s: string | Uint8Array) => stdout.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8')), ...(opts.columns !== undefined ? { columns: opts.columns } : {}) },
    err: { write: (s: string | Uint8Array) => stderr.push(typeof s === 'string' ? s : Buffer.from(s).toString('utf8')) },
    stdin: opts.input === undefined ? process.stdin : Readable.from([Buffer.from(opts.input)]),
    env: {},
    cwd: opts.cwd,
    tr,
    color: false,
    colorErr: false,
    debug: false,
    operator: opts.operator ?? 'tester',
    dbPath: path.join(opts.cwd, 'cadre.db'),
    now,
    today: () => localIsoDate(now()),
    db(o) {
      db ??= openDatabase(path.join(opts.cwd, 'cadre.db'), { create: !!o?.create });
      return db;
    },
    policy: () => policy,
    prompter: async () => prompter,
    warn: (s: string) => stderr.push(`${tr.t('warning.prefix')}: ${s}\n`),
    dispose() {
      db?.close();
      db = undefined;
    },
  };
}
