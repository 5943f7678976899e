/**
 * `cadre log`: the journal, oldest first (newest last), filterable by cadre,
 * command and date. --learner matches entries that name the cadre, and
 * imports (and undos) of batches that carry one of the cadre's records.
 */
import type { Context } from '../cli/context.js';
import { chooseFormat, emit, jsonArray, renderCsv, renderTable } from '../cli/render.js';
import { parseDate } from '../core/values.js';
import { findCadre, loadCadres } from '../db/cadres.js';
import { journalEntries, type JournalRow } from '../db/journal-read.js';
import { InputError, msg } from '../errors.js';

type Entry = JournalRow;

function dateOption(value: string | undefined, option: string, ctx: Context): string | undefined {
  if (value === undefined) return undefined;
  const r = parseDate(value);
  if (!r.ok) throw new InputError(msg('ops.log.badDate', { option, value, reason: ctx.tr.em(r.reason) }));
  return r.value;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function countsText(text: string | null): string {
  const c = parseJson(text);
  if (!c || typeof c !== 'object') return text ?? '';
  return Object.entries(c as Record<string, unknown>).map(([k, v]) => `${k}=${v}`).join(' ');
}

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [opts] = args as [{ learner?: string; command?: string; since?: string; until?: string; format?: string }];
  const format = chooseFormat(opts.format, ctx.out);
  const since = dateOption(opts.since, '--since', ctx);
  const until = dateOption(opts.until, '--until', ctx);
  const db = ctx.db({ readOnly: true });
  let cadre: { id: number; learnerId: string } | undefined;
  if (opts.learner !== undefined) {
    cadre = findCadre(loadCadres(db), opts.learner);
    if (!cadre) throw new InputError(msg('ops.unknownLearner', { id: opts.learner }), [], msg('ops.fix.unknownLearner'));
  }
  const rows: Entry[] = journalEntries(db, { cadre, command: opts.command, since, until });
  const learners = (r: Entry) => (r.learner_ids ? r.learner_ids.split(',').filter(Boolean) : []);
  if (format === 'json') {
    const items = rows.map((r) => ({
      id: r.id,
      at: r.at,
      operator: r.operator,
      command: r.command,
      args: parseJson(r.args),
      input_sha256: r.input_sha256,
      counts: parseJson(r.counts),
      learner_ids: learners(r),
    }));
    emit(ctx, jsonArray(items, !!ctx.out.isTTY));
    return 0;
  }
  const table = format === 'table';
  const view = rows.map((r) => {
    const ids = learners(r);
    return {
      id: r.id,
      at: r.at,
      operator: r.operator,
      command: r.command,
      args: table && r.args.length > 80 ? `${r.args.slice(0, 79)}…` : r.args,
      input_sha256: table && r.input_sha256 ? r.input_sha256.slice(0, 12) : r.input_sha256 ?? '',
      counts: countsText(r.counts),
      learner_ids: table && ids.length > 5 ? `${ids.slice(0, 5).join(' ')} …(+${ids.length - 5})` : ids.join(' '),
    };
  });
  const keys = ['id', 'at', 'operator', 'command', 'args', 'input_sha256', 'counts', 'learner_ids'] as const;
  const columns = keys.map((key) => ({ key, header: ctx.tr.t(`ops.log.col.${key}`) }));
  if (format === 'csv') emit(ctx, renderCsv(columns, view, false));
  else emit(ctx, view.length ? await renderTable(columns, view, ctx.color) : ctx.tr.t('ops.log.none') + '\n');
  return 0;
}
