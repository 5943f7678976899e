/**
 * What a command needs from the outside world, injected so tests can pass
 * their own: streams, clock, environment, database, policy, prompter.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Policy } from '../core/policy.js';
import type { DB } from '../db/open.js';
import type { Translator } from '../i18n/index.js';
import type { IsoDate } from '../core/dates.js';

export interface Stream {
  /** Text, or UTF-8 bytes of whole characters. */
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Prompter {
  input(opts: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string>;
  select<T extends string>(opts: { message: string; choices: { name: string; value: T }[] }): Promise<T>;
  password(opts: { message: string; validate?: (v: string) => true | string }): Promise<string>;
  confirm(opts: { message: string; default?: boolean }): Promise<boolean>;
}

export interface Context {
  out: Stream;
  err: Stream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  tr: Translator;
  /** Colour on stdout (tables) and on stderr (messages), each decided once. */
  color: boolean;
  colorErr: boolean;
  debug: boolean;
  operator: string;
  dbPath: string;
  now(): Date;
  /** Today's date on the local calendar. */
  today(): IsoDate;
  /**
   * Opens (and migrates) the database once per command. `create`: only
   * issue-accounts may make a missing database (it is removed again if the
   * command then fails with nothing written to it). `readOnly`: a read
   * command or a dry run, which never creates or writes (src/db/open.ts).
   * `missingAsEmpty`: a missing database reads as an empty one, in memory.
   */
  db(opts?: DbOptions): DB;
  /**
   * Whether this command has committed anything to the database since it
   * opened it (false: "nothing was changed" is true; undefined: not known).
   */
  dbChanged?(): boolean | undefined;
  policy(): Policy;
  prompter(): Promise<Prompter>;
  /** Prints a warning on stderr. */
  warn(text: string): void;
  /** Closes what the command opened; `exitCode` is the command's (undefined: it failed). */
  dispose?(exitCode?: number): void;
}

export interface DbOptions {
  create?: boolean;
  readOnly?: boolean;
  missingAsEmpty?: boolean;
}

export function defaultOperator(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username || env.USER || 'unknown';
  } catch {
    return env.USER || env.USERNAME || 'unknown';
  }
}

/** The package root (where data/ lives), found from this compiled module. */
export function packageRoot(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
}

export function defaultPolicyPath(env: NodeJS.ProcessEnv): string {
  return env.CADRE_POLICY || path.join(packageRoot(), 'data', 'policy.json');
}

export function readJsonFile(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
