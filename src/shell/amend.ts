/**
 * `--amend --reason TEXT`: the run may change records of a closed year. The
 * reason is checked before anything is opened; every connection the command
 * then opens carries the permit, so the closed-year guard (src/db/closes.ts)
 * lets its changes through and records one amendment per year it changed.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from './context.js';
import { permitAmendment } from '../db/closes.js';
import { UsageError, msg } from '../errors.js';
import { localTimestamp } from '../local-time.js';

export const MAX_REASON_CHARS = 500;

export function amendWith(ctx: Context, command: string, opts: { reason?: unknown }): void {
  const reason = String(opts.reason ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();
  if (!reason) throw new UsageError(msg('close.amendNeedsReason'), msg('close.fix.amendNeedsReason', { command }));
  if ([...reason].length > MAX_REASON_CHARS) throw new UsageError(msg('close.reasonTooLong', { max: MAX_REASON_CHARS }));
  const open = ctx.db.bind(ctx);
  const permit = { run: randomUUID(), at: localTimestamp(ctx.now()), operator: ctx.operator, command, reason };
  ctx.db = (o) => {
    const db = open(o);
    permitAmendment(db, permit);
    return db;
  };
}
