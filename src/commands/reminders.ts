/** `cadre reminders [--learner ID] [--since DATE]`: every reminder `cadre remind` produced, one row per cadre and gap. */
import type { Context } from '../shell/context.js';
import { listingOutput } from '../shell/listing-out.js';
import { present, type FitHints, type Format } from '../shell/render.js';
import type { CellKind } from '../io/xlsx-out.js';
import { readableTime } from '../local-time.js';
import { parseDate } from '../core/values.js';
import { findCadre, loadCadres } from '../db/cadres.js';
import { listReminders } from '../db/reminders.js';
import { InputError, msg } from '../errors.js';

export interface RemindersOptions {
  learner?: string;
  since?: string;
  format?: Format;
  out?: string;
  overwrite?: boolean;
}

export async function run(opts: RemindersOptions, ctx: Context): Promise<number> {
  const { format, out } = listingOutput(ctx, opts);
  const db = ctx.db({ readOnly: true });
  const { t } = ctx.tr;
  let cadreId: number | undefined;
  if (opts.learner !== undefined) {
    const cadre = findCadre(loadCadres(db), opts.learner);
    if (!cadre) throw new InputError(msg('ops.unknownLearner', { id: opts.learner }), [], msg('ops.fix.unknownLearner'));
    cadreId = cadre.id;
  }
  let since: string | undefined;
  if (opts.since !== undefined) {
    const r = parseDate(opts.since);
    if (!r.ok) throw new InputError(msg('remind.badSince', { value: opts.since, reason: ctx.tr.m(r.reason) }));
    since = r.value;
  }
  const rows = listReminders(db, { cadreId, since }).map((r) => ({
    run: r.journalId,
    produced_at: r.producedAt,
    as_of: r.asOf,
    learner_id: r.learnerId,
    name: r.name,
    department: r.department,
    // In the reader's language in CSV and xlsx too (JSON keeps the code).
    status: t(`status.${r.status}`),
    gap: r.gap,
    deadline: r.deadline,
    format: r.format,
    file: r.file ?? '',
    notice: r.notice ?? '',
    operator: r.operator,
    message_sha256: r.messageSha256,
    raw: r,
  }));
  type Row = (typeof rows)[number];
  const keys = ['run', 'produced_at', 'as_of', 'learner_id', 'name', 'department', 'status', 'gap', 'deadline', 'format', 'file', 'notice', 'operator', 'message_sha256'] as const;
  const kinds: Partial<Record<(typeof keys)[number], CellKind>> = { run: 'number', produced_at: 'datetime', as_of: 'date', learner_id: 'id', deadline: 'date' };
  const short: Partial<Record<string, (r: Row) => string>> = {
    produced_at: (r) => readableTime(r.produced_at),
    file: (r) => (r.file ? r.file.split(/[\\/]/).pop()! : t('remind.stdout')),
    message_sha256: (r) => r.message_sha256.slice(0, 8),
  };
  // On a narrow terminal the hash, the notice, the format, the run, the file, the operator and the department give way,
  // in that order, then when it was produced; the gap, its cadre, its status and its deadline stay.
  const fit: Partial<Record<string, FitHints>> = {
    run: { keep: true, drop: 5, align: 'right' },
    produced_at: { keep: true, drop: 1 },
    as_of: { keep: true, essential: true },
    learner_id: { keep: true, essential: true },
    name: { keep: true },
    department: { drop: 2 },
    status: { keep: true },
    gap: { min: 16 },
    deadline: { keep: true },
    format: { drop: 6 },
    file: { drop: 4 },
    notice: { drop: 7 },
    operator: { drop: 3 },
    message_sha256: { keep: true, drop: 8 },
  };
  const columns = keys.map((key) => ({ key, header: t(`remind.list.col.${key}`), short: short[key], fit: fit[key], kind: kinds[key] }));
  const json = () =>
    rows.map(({ raw: r }) => ({ run: r.journalId, produced_at: r.producedAt, operator: r.operator, as_of: r.asOf, learner_id: r.learnerId, name: r.name, department: r.department, requirement: r.requirement, period: r.period === 'term' ? 'term' : Number(r.period), term_start: r.termStart, status: r.status, gap: r.gap, deadline: r.deadline, format: r.format, file: r.file, notice: r.notice, message_sha256: r.messageSha256 }));
  await present(ctx, { columns, rows, json, empty: t('remind.list.none') }, { format, out });
  return 0;
}
