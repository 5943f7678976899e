/**
 * `cadre passwd LEARNER_ID [--password-stdin]`: a cadre changes the password.
 * Masked prompts (current, new, new again) on a terminal; with
 * --password-stdin two lines (current, then new) for scripts.
 *
 * The current password is checked first, as a login attempt (counted
 * before it is checked, see src/auth/account.ts), before the new one is
 * asked for: a locked account or an expired initial password cannot be
 * changed, and a wrong current password counts toward the lock (exit 1).
 * Only then is the new one judged, so the rules cannot be used to probe the
 * initial password without knowing the current one. At the prompts a new
 * password the rules refuse, or typed differently the second time, is asked
 * for again, up to NEW_PASSWORD_TRIES times (then exit 2, nothing written);
 * with --password-stdin it is refused at once (exit 2). Until the change is
 * written the try stays counted; a refused or cancelled change gives it back
 * (the current password was right). The new hash (OWASP scrypt parameters)
 * is computed before the write transaction.
 */
import { CHOSEN_HASH_PARAMS, checkNewPassword, hashPassword, type Derive } from '../auth/password.js';
import { attemptLogin, loadAccount, readStdinLines, refuseUnusable, type Granted } from '../auth/account.js';
import { type Context } from '../shell/context.js';
import { localTimestamp } from '../local-time.js';
import { setChosenPassword } from '../db/accounts.js';
import { InputError, UsageError, msg, type Msg } from '../errors.js';

/** How many times the prompts ask for a new password before giving up. */
export const NEW_PASSWORD_TRIES = 3;

/** Why `next` cannot be the new password (null: it can). */
async function refusal(next: string, current: string, granted: Granted): Promise<Msg | null> {
  const { acc } = granted;
  if (next === current && !acc.mustChange) return msg('auth.passwd.sameAsCurrent');
  return checkNewPassword(next, { learnerId: acc.learnerId, staffNo: acc.staffNo, initialHash: acc.initialHash });
}

/** The new password, asked for at the prompts until the rules take it (at most NEW_PASSWORD_TRIES times). */
async function askNew(ctx: Context, current: string, granted: Granted): Promise<string> {
  const prompt = await ctx.prompter();
  const { t, em } = ctx.tr;
  let last: Msg = msg('forgive.passwd.mismatch');
  for (let left = NEW_PASSWORD_TRIES - 1; left >= 0; left--) {
    const next = await prompt.password({ message: t('auth.prompt.new') });
    const refused = await refusal(next, current, granted);
    if (!refused) {
      const again = await prompt.password({ message: t('auth.prompt.again') });
      if (again === next) return next;
      last = msg('forgive.passwd.mismatch');
    } else last = refused;
    if (left > 0) ctx.err.write(t('forgive.passwd.again', { reason: em(last), left }) + '\n');
  }
  throw new InputError(msg('forgive.passwd.gaveUp', { reason: em(last), tries: NEW_PASSWORD_TRIES }), [], msg('forgive.fix.passwdGaveUp', { id: granted.acc.learnerId }));
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
  let current: string;
  let given: string | undefined;
  if (opts.passwordStdin) {
    const lines = await readStdinLines(ctx.stdin, 2);
    if (!lines) throw new UsageError(msg('auth.stdin.passwd'), msg('auth.fix.passwdStdin', { id: acc.learnerId }));
    [current, given] = [lines[0]!, lines[1]!];
  } else {
    current = await (await ctx.prompter()).password({ message: ctx.tr.t('auth.prompt.current', { id: acc.learnerId }) });
  }

  // Counted before it is checked, like verify's (src/auth/account.ts): parallel tries cannot exceed the lock.
  const granted = await attemptLogin(ctx, db, acc, current, journal, kdf);

  let next: string;
  try {
    if (given === undefined) next = await askNew(ctx, current, granted);
    else {
      const refused = await refusal(given, current, granted);
      if (refused) throw new InputError(refused);
      next = given;
    }
  } catch (e) {
    // The current password was right: the try is given back, and nothing stays written (exit 2, or 130 when cancelled).
    granted.release();
    throw e;
  }

  const hash = await hashPassword(next, CHOSEN_HASH_PARAMS);
  granted.succeed({ ...journal, counts: { changed: 1 } }, () => {
    setChosenPassword(db, acc.cadreId, hash, localTimestamp(ctx.now()));
  });
  ctx.err.write(ctx.tr.t('auth.passwd.done', { id: acc.learnerId }) + '\n');
  return 0;
}
