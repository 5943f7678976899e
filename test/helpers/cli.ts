/**
 * Runs the real binary (`node bin/cadre.js …`) as a user would. Needs dist/
 * built first (`npx tsc -p tsconfig.json`; `npm test` does it in pretest).
 *
 * The child gets this process's environment without any CADRE_* variable,
 * with NO_COLOR=1 and English messages, then `env` on top (a value of
 * undefined removes a variable). stdin is a pipe fed with `input` (or closed
 * at once), so the child never sees a terminal.
 */
import { spawn } from 'node:child_process';
import fs, { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binPath = path.join(repoRoot, 'bin', 'cadre.js');

export interface CliResult {
  /** The exit code; -1 when the child was killed by a signal. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string | Buffer;
  /** Kills the child after this many milliseconds (default 60 s). */
  timeoutMs?: number;
}

function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CADRE_')) env[k] = v;
  env.NO_COLOR = '1';
  env.CADRE_LANG = 'en';
  delete env.FORCE_COLOR;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'))) {
    return Promise.reject(new Error('dist/ is not built: run `npx tsc -p tsconfig.json` first'));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd: opts.cwd ?? repoRoot, env: childEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    // The child may exit without reading stdin (e.g. a refused account): ignore EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** A fresh working folder under the OS temp dir. */
export function tempDir(prefix = 'cadre-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
