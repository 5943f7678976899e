/**
 * Runs a command in this process, as `main()` would in its own: a command
 * module's `run(opts, ctx)` with a testContext (a fixed clock, buffers for
 * stdout and stderr), every failure turned into its exit code and its message
 * on stderr by main's own mapper (failureExit), the context disposed (the
 * database closed) after each run.
 *
 * `runArgs` parses a command line through the real registry first (the same
 * buildProgram and foldOptions as main), so a test keeps its argv; commander's
 * usage errors are exit 2 and said on the context's stderr.
 *
 * The tests that need a real process stay spawned (test/helpers/cli.ts): the
 * launcher, signals, crashes, concurrency, umask and file modes, the
 * environment read at start.
 */
import { CommanderError } from 'commander';
import type { Context } from '../../src/shell/context.js';
import { buildProgram, dispatch, failureExit } from '../../src/cli/main.js';
import { testContext, type TestContext, type TestContextOptions } from './context.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Input files are read relative to the process's working folder (as a real
 * run there would): each run happens in ctx.cwd, and the folder is given back
 * after. Tests within a file run one at a time, so this is safe.
 */
async function inFolder<T>(cwd: string, fn: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await fn();
  } finally {
    process.chdir(before);
  }
}

async function settle(ctx: TestContext, body: () => Promise<number | void>): Promise<RunResult> {
  const out = ctx.stdout.length;
  const err = ctx.stderr.length;
  let code: number;
  try {
    const r = await inFolder(ctx.cwd, body);
    code = typeof r === 'number' ? r : 0;
  } catch (e) {
    if (e instanceof CommanderError) code = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
    else code = await failureExit(e, ctx.tr, ctx.err, ctx.colorErr, ctx.dbPath, ctx.debug, ctx.dbChanged ? () => ctx.dbChanged!() : undefined);
  } finally {
    ctx.dispose?.();
  }
  return { code, stdout: ctx.stdout.slice(out).join(''), stderr: ctx.stderr.slice(err).join('') };
}

/** `mod.run(opts, ctx)` as main runs it: the exit code, and what it printed on stdout and stderr. */
export function runCommand<O>(mod: { run(opts: O, ctx: Context): Promise<number | void> }, opts: O, ctx: TestContext): Promise<RunResult> {
  return settle(ctx, () => mod.run(opts, ctx));
}

/**
 * `cadre ARGV` in this process: parsed by the real program, folded, run with
 * `ctx`. Global options (--db, --lang, …) are the context's to say: given
 * here they are refused, so a test never silently runs with other ones.
 */
export function runArgs(argv: string[], ctx: TestContext): Promise<RunResult> {
  return settle(ctx, async () => {
    let code: number | void = 0;
    const program = buildProgram(
      ctx.tr,
      async (def, opts, global) => {
        const given = Object.entries(global).filter(([k, v]) => v !== undefined && !(k === 'color' && v === true));
        if (given.length) throw new Error(`runArgs: give ${given.map(([k]) => k).join(', ')} through testContext, not the command line`);
        code = await dispatch(def, opts, ctx);
      },
      undefined,
      undefined,
      { out: ctx.out, err: ctx.err },
    );
    await program.parseAsync(argv, { from: 'user' });
    return code;
  });
}

/** A runner for one working folder: `cadre(argv, { now, input, lang })` makes a fresh context for each run, as a new process would. */
export function cadreIn(base: TestContextOptions): (argv: string[], more?: Partial<TestContextOptions>) => Promise<RunResult> {
  return (argv, more = {}) => runArgs(argv, testContext({ ...base, ...more }));
}
