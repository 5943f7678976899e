/**
 * `cadre close-diff YEAR`: per cadre, what changed in a closed year's
 * year-end view since it was closed (status and each requirement, before →
 * after), with the reasons of the amendments that changed that cadre's records.
 */
import type { Context } from '../shell/context.js';
import { chooseFormat, present, type Format } from '../shell/render.js';
import { diffClosed, type CloseChange } from '../core/close-diff.js';
import { formatQuarters, formatTenths, quartersToHours, tenthsToNumber } from '../core/decimal.js';
import { amendedCadres, listAmendments } from '../db/closes.js';
import { InputError, msg } from '../errors.js';
import { computeAudits } from '../report/audit-run.js';
import { closedResult, figuresOf, parseCloseYear, yearLabel } from '../report/year-close.js';

export interface CloseDiffOptions {
  year: string;
  format?: Format;
}

const amount = (unit: string, v: number) => (unit === 'credits' ? formatTenths(v) : unit === 'hours' ? formatQuarters(v) : String(v));
const number = (unit: string, v: number) => (unit === 'credits' ? tenthsToNumber(v) : unit === 'hours' ? quartersToHours(v) : v);

export async function run(opts: CloseDiffOptions, ctx: Context): Promise<number> {
  const year = parseCloseYear(opts.year);
  const format = chooseFormat(opts.format, ctx.out);
  const closed = closedResult(ctx, year);
  if (!closed) throw new InputError(msg('close.notClosed', { year: yearLabel(ctx, year) }), [], msg('close.fix.notClosed', { year }));
  const { audited } = await computeAudits(ctx, { learnerIds: [], year: String(year) });
  const changes = diffClosed(closed.audited.map(figuresOf), audited.map(figuresOf));
  const db = ctx.db({ readOnly: true });
  const amendments = listAmendments(db, year);
  const touched = amendedCadres(db, year);
  // An amendment that names no cadre (a designation, a course's hours) may change anyone's figures.
  const yearWide = amendments.filter((a) => !touched.has(a.run));
  const reasonsFor = (learnerId: string) => amendments.filter((a) => yearWide.includes(a) || touched.get(a.run)?.includes(learnerId)).map((a) => a.reason);
  const { t } = ctx.tr;
  const sep = ctx.tr.lang === 'zh' ? '；' : '; ';
  const whatText = (c: CloseChange) => {
    const w = c.what;
    if (w.kind === 'requirement') return `${w.period === 'term' ? t('period.term') : yearLabel(ctx, w.period)} ${t(`req.${w.id}`)}`;
    return t(`close.diff.${w.kind}`);
  };
  const side = (c: CloseChange, s: CloseChange['before']) => {
    if (!s) return '-';
    const status = t(`status.${s.status}`);
    if (c.what.kind !== 'requirement' || s.actual === undefined) return status;
    return `${amount(c.what.unit, s.actual)}/${amount(c.what.unit, s.required!)} ${status}`;
  };
  const rows = changes.map((c) => ({
    learner_id: c.learnerId,
    name: c.name,
    department: c.department,
    what: whatText(c),
    before: side(c, c.before),
    after: side(c, c.after),
    reasons: reasonsFor(c.learnerId).join(sep) || t('close.diff.noAmendment'),
  }));
  const json = () =>
    changes.map((c) => {
      const unit = c.what.kind === 'requirement' ? c.what.unit : '';
      const figures = (s: CloseChange['before']) => (s ? { status: s.status, ...(s.actual !== undefined ? { actual: number(unit, s.actual), required: number(unit, s.required!) } : {}) } : null);
      return {
        learner_id: c.learnerId,
        name: c.name,
        department: c.department,
        change: c.what.kind,
        ...(c.what.kind === 'requirement' ? { requirement: c.what.id, period: c.what.period, unit } : {}),
        before: figures(c.before),
        after: figures(c.after),
        reasons: reasonsFor(c.learnerId),
      };
    });
  const keys = ['learner_id', 'name', 'department', 'what', 'before', 'after', 'reasons'] as const;
  const columns = keys.map((key) => ({ key, header: t(`close.diff.col.${key}`) }));
  await present(ctx, { columns, rows, json, empty: t('close.diff.none', { year: yearLabel(ctx, year) }) }, { format });
  ctx.err.write(t('close.diff.summary', { year: yearLabel(ctx, year), at: closed.close.closedAt.slice(0, 16).replace('T', ' '), cadres: new Set(changes.map((c) => c.learnerId)).size, amendments: amendments.length }) + '\n');
  return 0;
}
