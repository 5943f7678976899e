/**
 * Rows of an hours file whose (cadre, course, date) is on file with other
 * hours: never dropped silently. Each is warned about with both sources, and
 * the batch records what it said, so an undo of either batch leaves the
 * hours the other gave.
 */
import type { Context } from '../../shell/context.js';
import { formatQuarters } from '../../core/decimal.js';
import { forTerminal } from '../../core/text.js';
import { hoursRecordSource, hoursVouchers } from '../../db/hours.js';
import type { DB } from '../../db/open.js';

/** Every such record, its line and both hours (the first few are worded). */
export class OtherHours {
  count = 0;
  readonly ids: number[] = [];
  readonly lines: number[] = [];
  readonly quarters: number[] = [];
  readonly stored: number[] = [];
  add(id: number, line: number, quarters: number, stored: number): void {
    this.count++;
    this.ids.push(id);
    this.lines.push(line);
    this.quarters.push(quarters);
    this.stored.push(stored);
  }
}

/** The file name as a command line takes it (quoted when it has spaces or shell characters). */
function asArgument(file: string): string {
  const shown = forTerminal(file);
  return /[\s"'$&|;<>()`*?!#~]/.test(shown) ? `"${shown.replace(/(["$`\\])/g, '\\$1')}"` : shown;
}

/**
 * Warns about each row that gives other hours for a record on file: this
 * file's line and hours, the record's hours and source (batch, file, line,
 * time), and how to take this file's hours (or, with --replace-hours, how to
 * put the earlier ones back). `batchId` null: a dry run.
 */
export function reportOtherHours(db: DB, ctx: Context, found: OtherHours, file: string, batchId: number | null, replace: boolean): void {
  const { t } = ctx.tr;
  const source = hoursRecordSource(db);
  const order = found.lines.map((_, i) => i).sort((a, b) => found.lines[a] - found.lines[b]);
  const shown = Math.min(order.length, 20);
  const head = replace ? (batchId === null ? 'hours.otherHours.replaceDry' : 'hours.otherHours.replaced') : batchId === null ? 'hours.otherHours.keptDry' : 'hours.otherHours.kept';
  ctx.warn(t(head, { count: found.count, file: forTerminal(file), batch: batchId ?? '', arg: asArgument(file) }));
  for (let k = 0; k < shown; k++) {
    const i = order[k];
    const r = source(found.ids[i]);
    const from =
      r.batch === null
        ? t('hours.otherHours.byHand')
        : t('hours.otherHours.batch', { batch: r.batch, file: forTerminal(r.file ?? ''), line: r.line ?? '?', at: r.at ?? '?' });
    ctx.warn(
      t('hours.otherHours.row', {
        file: forTerminal(file),
        line: found.lines[i],
        id: r.learnerId,
        code: forTerminal(r.code),
        date: r.date,
        hours: formatQuarters(found.quarters[i]),
        stored: formatQuarters(found.stored[i]),
        from,
      }),
    );
  }
  if (found.count > shown) ctx.warn(t('error.moreProblems', { count: found.count - shown }));
}

/**
 * Records what this batch said about the records it gave other hours for.
 * Without --replace-hours the record keeps its hours and this batch's
 * voucher remembers its own (so undoing the record's batch leaves the hours
 * this one gave). With it, the record takes this batch's hours and line, and
 * its earlier source becomes a voucher that remembers the earlier hours (so
 * undoing this batch puts them back).
 */
export function keepOtherHours(db: DB, found: OtherHours, batchId: number, replace: boolean): void {
  const v = hoursVouchers(db);
  for (let i = 0; i < found.count; i++) {
    const id = found.ids[i];
    const r = replace ? v.record(id) : null;
    if (!r || r.batch === null) {
      v.remember(id, batchId, found.quarters[i]);
      continue;
    }
    // The other vouchers gave the record's hours until now: they keep them.
    v.keepOthers(id, batchId, r.quarters);
    v.vouch(id, r.batch, r.line ?? 0);
    v.remember(id, r.batch, r.quarters);
    v.unvouch(id, batchId);
    v.take(id, found.quarters[i], batchId, found.lines[i]);
    v.forgetSame(id, found.quarters[i]);
  }
}
