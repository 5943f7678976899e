/**
 * `cadre remind [--as-of D] [--behind|--short] [--department D] --format sms|csv|xlsx [--out FILE] [--out-dir DIR]`:
 * one message per cadre behind pace or short, from the policy's templates,
 * and with --out-dir a 督办单 per department (xlsx and PDF). Every reminder
 * is recorded; one produced within the quiet period is held back unless
 * --again (src/report/reminders.ts, src/core/reminders.ts).
 */
import type { Context } from '../shell/context.js';
import { outFile } from '../shell/render.js';
import { forTerminal } from '../core/text.js';
import type { GapStatus } from '../core/reminders.js';
import { UsageError, msg } from '../errors.js';
import { prepareReminders, usesContact, recordReminders, renderMessages, StagedFiles, stageNotices, type RemindFormat } from '../report/reminders.js';

export interface RemindOptions {
  asOf?: string;
  behind?: boolean;
  short?: boolean;
  department?: string;
  format?: RemindFormat;
  out?: string;
  outDir?: string;
  again?: boolean;
  overwrite?: boolean;
}

export async function run(opts: RemindOptions, ctx: Context): Promise<number> {
  const { t } = ctx.tr;
  const format: RemindFormat = opts.format ?? 'sms';
  if (format === 'xlsx' && opts.out === undefined) throw new UsageError(msg('remind.xlsxNeedsOut'), msg('remind.fix.xlsxNeedsOut'));
  const out = outFile(ctx, opts.out, !!opts.overwrite);
  // A template that says how to reach the office needs the office's contact.
  if (!ctx.policy().contact && usesContact(ctx.policy())) throw new UsageError(msg('remind.noContact'), msg('remind.fix.noContact'));
  // Neither flag: both kinds of gap.
  const statuses = new Set<GapStatus>(opts.behind || opts.short ? [...(opts.behind ? ['behind' as const] : []), ...(opts.short ? ['short' as const] : [])] : ['behind', 'short']);
  const prepared = await prepareReminders(ctx, { asOf: opts.asOf, department: opts.department, statuses, again: !!opts.again });
  const quiet = ctx.policy().reminders.quietDays;
  if (!prepared.messages.length) {
    if (prepared.held) ctx.err.write(t('remind.nothingNew', { cadres: prepared.heldCadres, gaps: prepared.held, days: quiet, asOf: prepared.asOf }) + '\n' + t('remind.againHint') + '\n');
    else ctx.err.write(t('remind.none', { asOf: prepared.asOf }) + '\n');
    return 0;
  }
  const staged = new StagedFiles();
  let notices = new Map<string, string[]>();
  let bytes: Buffer;
  try {
    bytes = await renderMessages(ctx, prepared, format, !!out);
    if (out) staged.stage(out.path, bytes, out.overwrite);
    if (opts.outDir !== undefined) notices = await stageNotices(ctx, prepared, opts.outDir, !!opts.overwrite, staged);
  } catch (e) {
    staged.rollback();
    throw e;
  }
  // The records, the journal and the files: all of them or none.
  const journalId = recordReminders(ctx, prepared, staged, {
    format,
    file: out?.path ?? null,
    notices,
    args: { behind: !!opts.behind, short: !!opts.short, department: opts.department ?? null, again: !!opts.again },
  });
  if (!out) {
    const text = bytes.toString('utf8');
    ctx.out.write(ctx.out.isTTY ? text.split('\n').map((l) => forTerminal(l, 100_000)).join('\n') : text);
  }
  const gaps = prepared.messages.reduce((n, m) => n + m.gaps.length, 0);
  ctx.err.write(t('remind.done', { cadres: prepared.messages.length, gaps, asOf: prepared.asOf, run: journalId }) + '\n');
  if (out) ctx.err.write(t('render.wrote', { file: out.shown }) + '\n');
  for (const [dept, files] of notices) ctx.err.write(t('remind.noticeWrote', { dept: forTerminal(dept), files: files.map((f) => forTerminal(f)).join(', ') }) + '\n');
  const long = prepared.messages.filter((m) => m.parts > 1);
  if (long.length) ctx.warn(t('remind.long', { count: long.length, limit: ctx.policy().reminders.smsChars, longest: Math.max(...long.map((m) => m.chars)), parts: Math.max(...long.map((m) => m.parts)) }));
  if (prepared.held) ctx.err.write(t('remind.held', { cadres: prepared.heldCadres, gaps: prepared.held, days: quiet }) + '\n');
  return 0;
}
