/**
 * `cadre start --since DATE`: records the day the office began keeping
 * records in the tool. A period (an academic year, a term) that began before
 * it is audited on the records kept: met when they meet it, else "no full
 * records", never short or behind (src/core/audit.ts). `--clear` forgets it;
 * with neither, says what is recorded.
 */
import type { Context } from '../shell/context.js';
import { parseAcademicYear } from '../core/option-values.js';
import { yearStartDate } from '../core/terms.js';
import { parseDate } from '../core/values.js';
import { writeTransaction } from '../db/journal.js';
import { recordsSince, setRecordsSince } from '../db/settings.js';
import { UsageError, msg } from '../errors.js';

export interface StartOptions {
  since?: string;
  clear?: boolean;
}

/** A day as the office writes it, or an academic year (`2025-2026学年`: its first day). */
function readSince(text: string, ctx: Context): string {
  const date = parseDate(text);
  if (date.ok) return date.value;
  const year = parseAcademicYear(text);
  if (year !== null) return yearStartDate(year, ctx.policy());
  throw new UsageError(msg('start.badDate', { value: text, reason: ctx.tr.m(date.reason) }), msg('start.fix.badDate'));
}

export async function run(opts: StartOptions, ctx: Context): Promise<number> {
  const { t } = ctx.tr;
  if (opts.since === undefined && !opts.clear) {
    const since = recordsSince(ctx.db({ readOnly: true, missingAsEmpty: true }));
    if (since === null) ctx.err.write(t('start.notSet') + '\n');
    else {
      ctx.out.write(`${since}\n`);
      ctx.err.write(t('start.current', { since }) + '\n');
    }
    return 0;
  }
  const since = opts.clear ? null : readSince(opts.since!, ctx);
  if (since !== null && since > ctx.today()) throw new UsageError(msg('start.future', { since, today: ctx.today() }), msg('start.fix.future'));
  const db = ctx.db({ create: true });
  const previous = recordsSince(db);
  if (previous === since) {
    ctx.err.write((since === null ? t('start.notSet') : t('start.unchanged', { since })) + '\n');
    return 0;
  }
  writeTransaction(db, ctx, () => ({ command: 'start', args: { since, previous } }), () => setRecordsSince(db, since));
  ctx.err.write((since === null ? t('start.cleared', { previous: previous ?? '' }) : t('start.done', { since })) + '\n');
  return 0;
}
