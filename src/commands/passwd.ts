/**
 * `cadre passwd LEARNER_ID [--password-stdin]`: a cadre changes the password.
 * Masked prompts (current, new, new again) on a terminal; with
 * --password-stdin two lines (current, then new) for scripts.
 *
 * The current password is checked first, as a login attempt (counted
 * before it is checked, see src/auth/account.ts): a locked
 * account or an expired initial password cannot be changed, and a wrong
 * current password counts toward the lock (exit 1). Only then is the new one
 * judged (exit 2 when refused, nothing written), so the rules cannot be used
 * to probe the initial password without knowing the current one. The new
 * hash (OWASP scrypt parameters) is computed before the write transaction.
 */
import { CHOSEN_HASH_PARAMS, checkNewPassword, hashPassword, type Derive } from '../auth/password.js';
import { attemptLogin, loadAccount, readStdinLines, refuseUnusable } from '../auth/account.js';
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { setChosenPassword } from '../db/accounts.js';
import { InputError, UsageError, msg } from '../errors.js';

interface Entered {
  current: string;
  next: string;
}

async function enter(ctx: Context, learnerId: string, fromStdin: boolean): Promise<Entered> {
  if (fromStdin) {
    const lines = await readStdinLines(ctx.stdin, 2);
    if (!lines) throw new UsageError(msg('auth.stdin.passwd'), msg('auth.fix.passwdStdin', { id: learnerId }));
    return { current: lines[0]!, next: lines[1]! };
  }
  const prompt = await ctx.prompter();
  const { t } = ctx.tr;
  const current = await prompt.password({ message: t('auth.prompt.current', { id: learnerId }) });
  const next = await prompt.password({ message: t('auth.prompt.new') });
  const again = await prompt.password({ message: t('auth.prompt.again') });
  if (next !== again) throw new UsageError(msg('auth.passwd.mismatch'), msg('auth.fix.mismatch', { id: learnerId }));
  return { current, next };
}

export interface PasswdOptions {
  learnerId: string;
  passwordStdin?: boolean;
}

export async function run(opts: PasswdOptions, ctx: Context, kdf?: Derive): Promise<number> {
  const learnerIdRaw = opts.learnerId;
  if (!opts.passwordStdin && !(ctx.stdin as { isTTY?: boolean }).isTTY) {
    throw new UsageError(msg('auth.noTerminal'), msg('auth.fix.passwdStdin', { id: learnerIdRaw }));
  }
  const db = ctx.db();
  const acc = loadAccount(db, learnerIdRaw);
  const journal = { command: 'passwd', args: { learnerId: acc.learnerId, stdin: !!opts.passwordStdin } };
  // Refuse a locked or expired account before asking for anything.
  refuseUnusable(ctx, db, acc, journal);
  const { current, next } = await enter(ctx, acc.learnerId, !!opts.passwordStdin);

  // Counted before it is checked, like verify's (src/auth/account.ts): parallel tries cannot exceed the lock.
  const granted = await attemptLogin(ctx, db, acc, current, journal, kdf);

  const refused = next === current && !granted.acc.mustChange
    ? msg('auth.passwd.sameAsCurrent')
    : await checkNewPassword(next, { learnerId: acc.learnerId, staffNo: acc.staffNo, initialHash: granted.acc.initialHash });
  if (refused) {
    // The current password was right: the try is given back, and nothing stays written (exit 2).
    granted.release();
    throw new InputError(refused);
  }

  const hash = await hashPassword(next, CHOSEN_HASH_PARAMS);
  granted.succeed({ ...journal, counts: { changed: 1 } }, () => {
    setChosenPassword(db, acc.cadreId, hash, localTimestamp(ctx.now()));
  });
  ctx.err.write(ctx.tr.t('auth.passwd.done', { id: acc.learnerId }) + '\n');
  return 0;
}
