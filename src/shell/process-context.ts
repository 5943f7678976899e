/** The real Context: process streams, the clock, the file system. */
import path from 'node:path';
import { parsePolicy, PolicyError, type Policy } from '../core/policy.js';
import { CancelledError, InputError, isPromptExit, msg } from '../errors.js';
import type { Translator } from '../i18n/index.js';
import { discardCreated, journalHead, open, removeDirs, type DB, type Opened } from '../db/open.js';
import { autoBackupBeforeMigration } from '../db/backup.js';
import { promptTheme, yesNo } from './prompt-theme.js';
import { defaultOperator, defaultPolicyPath, readJsonFile, type Context, type Prompter } from './context.js';
import { localIsoDate } from '../local-time.js';
import { useColor, paint } from './color.js';
import { wrapText, wrappingStream } from './fit.js';

export interface GlobalOptions {
  db?: string;
  lang?: string;
  color?: boolean;
  operator?: string;
  policy?: string;
  debug?: boolean;
}

export function loadPolicy(file: string): Policy {
  let json: unknown;
  try {
    json = readJsonFile(file);
  } catch (e) {
    throw new InputError(msg('policy.unreadable', { file, reason: (e as Error).message }), [], msg('policy.fix'));
  }
  try {
    return parsePolicy(json);
  } catch (e) {
    if (e instanceof PolicyError) throw new InputError(msg('policy.invalid', { file, path: e.path, problem: e.problem }), [], msg('policy.fix'));
    throw e;
  }
}

/** A prompt's answer; Ctrl-C (or Ctrl-D) at the prompt becomes CancelledError, which main turns into exit 130. */
async function cancellable<T>(answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (e) {
    throw isPromptExit(e) ? new CancelledError() : e;
  }
}

export function createProcessContext(global: GlobalOptions, tr: Translator): Context {
  const env = process.env;
  const cwd = process.cwd();
  const color = useColor(process.stdout, env, global.color !== false);
  const colorErr = useColor(process.stderr, env, global.color !== false);
  let db: DB | undefined;
  let opened: Opened | undefined;
  /** The journal's last entry when the database was opened: see dbChanged(). */
  let head: number | undefined;
  let policy: Policy | undefined;
  const dbPath = path.resolve(cwd, global.db || env.CADRE_DB || path.join('data', 'cadre.db'));
  // CADRE_NOW (an ISO timestamp, e.g. 2026-03-01T09:00:00+08:00) fixes the clock
  // for now() and today(), so tests can step past password expiry and lockout
  // windows without waiting. Read here only; unset in normal use.
  const fixedNow = env.CADRE_NOW ? Date.parse(env.CADRE_NOW) : undefined;
  if (fixedNow !== undefined && Number.isNaN(fixedNow)) throw new InputError(msg('auth.badNow', { value: env.CADRE_NOW! }), [], msg('auth.fix.badNow'));
  const clock = (): Date => (fixedNow !== undefined ? new Date(fixedNow) : new Date());
  const ctx: Context = {
    out: process.stdout,
    // On a terminal, a message longer than its width wraps at a word (CJK-aware), later lines indented;
    // a pipe or a file gets each message as one line.
    err: process.stderr.isTTY ? wrappingStream(process.stderr) : process.stderr,
    // A getter: process.stdin builds its stream (a pipe, a file, a terminal) when first read, and few commands read it.
    get stdin() {
      return process.stdin;
    },
    env,
    cwd,
    tr,
    color,
    colorErr,
    debug: !!global.debug,
    operator: global.operator || env.CADRE_OPERATOR || defaultOperator(env),
    dbPath,
    now: clock,
    today: () => localIsoDate(clock()),
    db(opts) {
      if (!db) {
        let backup = '';
        opened = open(dbPath, {
          create: !!opts?.create,
          readOnly: !!opts?.readOnly,
          missingAsEmpty: !!opts?.missingAsEmpty,
          beforeMigrate: (d, from, to) => {
            backup = autoBackupBeforeMigration(d, dbPath, from, to);
          },
          // Said once the new schema is committed, never before.
          afterMigrate: (from, to) => process.stderr.write(tr.t('db.migrating', { from, to, backup }) + '\n'),
          onLeftovers: (removed) => {
            for (const l of removed) ctx.warn(tr.t('db.leftoverRemoved', { file: l.file, pid: l.pid }));
          },
        });
        db = opened.db;
        head = opened.readOnly ? 0 : journalHead(db);
      }
      return db;
    },
    dbChanged() {
      if (!opened) return false;
      if (opened.readOnly) return false;
      if (!db?.open || head === undefined) return undefined;
      const now = journalHead(db);
      return now === undefined ? undefined : now !== head;
    },
    policy() {
      policy ??= loadPolicy(global.policy ? path.resolve(cwd, global.policy) : defaultPolicyPath(env));
      return policy;
    },
    async prompter(): Promise<Prompter> {
      const p = await import('@inquirer/prompts');
      // Key hints and yes/no in the user's language (prompt-theme.ts).
      const theme = promptTheme(tr);
      return {
        input: (o) => cancellable(p.input({ message: o.message, default: o.default, validate: o.validate, theme })),
        select: (o) => cancellable(p.select({ message: o.message, choices: o.choices, theme })),
        password: (o) => cancellable(p.password({ message: o.message, mask: '*', validate: o.validate, theme })),
        confirm: (o) => cancellable(p.confirm({ message: o.message, default: o.default, theme, transformer: yesNo(tr) })),
      };
    },
    warn(text: string) {
      const prefix = `${tr.t('warning.prefix')}: `;
      // On a terminal a warning wraps at its width, its later lines indented; a pipe or a file gets it on one line.
      const width = process.stderr.isTTY ? process.stderr.columns : 0;
      const lines = width > 20 ? wrapText(prefix + text, width - 2).map((l, i) => (i ? `  ${l}` : l)) : [prefix + text];
      lines[0] = paint(colorErr, 'yellow', tr.t('warning.prefix')) + lines[0].slice(tr.t('warning.prefix').length);
      process.stderr.write(lines.join('\n') + '\n');
    },
    dispose(exitCode) {
      if (db?.open) db.close();
      db = undefined;
      if (opened?.created) {
        // A database this command made and then left empty (it failed or was refused) is removed again.
        if (exitCode !== 0 && discardCreated(dbPath)) removeDirs(opened.createdDirs);
        else process.stderr.write(tr.t('db.created', { file: dbPath }) + '\n');
      }
      opened = undefined;
    },
  };
  return ctx;
}
