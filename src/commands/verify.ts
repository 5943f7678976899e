/**
 * `cadre verify LEARNER_ID [--password-stdin]`: checks a password against the
 * account (a masked prompt on a terminal, else the first line of stdin). Exit 0 when it is right, 1 when it is wrong, the account is locked
 * or its initial password has expired, 2 when there is no such account.
 * Every attempt is recorded in login_attempts and journaled (never the
 * password). A right password whose stored hash is weaker than its kind now
 * calls for is rehashed.
 *
 * The password is read before anything is said about the account, and every
 * outcome costs the same scrypt work (src/auth/account.ts, attemptLogin), so
 * neither the answer's time nor its wait for a password tells whether the
 * learner exists or what state the account is in.
 */
import { hashPassword, needsRehash, type Derive } from '../auth/password.js';
import { attemptLogin, findAccount, readStdinLines, targetParams } from '../auth/account.js';
import { localMinute } from '../local-time.js';
import { expiresAt, normalizeLearnerId } from '../core/accounts.js';
import { setPasswordHash } from '../db/accounts.js';
import type { Context } from '../shell/context.js';
import { UsageError, msg } from '../errors.js';

export interface VerifyOptions {
  learnerId: string;
  passwordStdin?: boolean;
}

export async function run(opts: VerifyOptions, ctx: Context, kdf?: Derive): Promise<number> {
  const learnerIdRaw = opts.learnerId;
  if (!opts.passwordStdin && !(ctx.stdin as { isTTY?: boolean }).isTTY) {
    throw new UsageError(msg('auth.noTerminal'), msg('auth.fix.verifyStdin', { id: learnerIdRaw }));
  }
  const db = ctx.db();
  const found = findAccount(db, learnerIdRaw);
  const shownId = normalizeLearnerId(learnerIdRaw);
  let password: string;
  if (opts.passwordStdin) {
    const lines = await readStdinLines(ctx.stdin, 1);
    if (!lines) throw new UsageError(msg('auth.stdin.verify'), msg('auth.fix.verifyStdin', { id: shownId }));
    password = lines[0]!;
  } else {
    const prompt = await ctx.prompter();
    password = await prompt.password({ message: ctx.tr.t('auth.prompt.password', { id: shownId }) });
  }
  const journal = { command: 'verify', args: { learnerId: shownId, stdin: !!opts.passwordStdin } };

  const granted = await attemptLogin(ctx, db, found, password, journal, kdf);
  const acc = granted.acc;
  const params = targetParams(acc);
  const rehash = needsRehash(acc.passwordHash, params) ? await hashPassword(password, params) : null;
  granted.succeed({ ...journal, counts: { rehashed: rehash ? 1 : 0 } }, () => {
    if (rehash) setPasswordHash(db, acc.cadreId, rehash);
  });
  const exp = expiresAt(acc, ctx.policy());
  ctx.err.write(
    (exp
      ? ctx.tr.t('auth.verify.okInitial', { id: acc.learnerId, date: localMinute(exp) })
      : ctx.tr.t('auth.verify.ok', { id: acc.learnerId })) + '\n',
  );
  return 0;
}
