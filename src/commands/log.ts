/**
 * `cadre log`: the journal, oldest first (newest last), filterable by cadre,
 * command and date. --learner matches entries that name the cadre, and
 * imports (and undos) of batches that carry one of the cadre's records.
 */
import type { Context } from '../shell/context.js';
import { present, type Format } from '../shell/render.js';
import { listingOutput } from '../shell/listing-out.js';
import type { CellKind } from '../io/xlsx-out.js';
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

export interface LogOptions {
  learner?: string;
  command?: string;
  since?: string;
  until?: string;
  format?: Format;
  out?: string;
  overwrite?: boolean;
}

export async function run(opts: LogOptions, ctx: Context): Promise<number> {
  const { format, out } = listingOutput(ctx, opts);
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
  const json = () =>
    rows.map((r) => ({
      id: r.id,
      at: r.at,
      operator: r.operator,
      command: r.command,
      args: parseJson(r.args),
      input_sha256: r.input_sha256,
      counts: parseJson(r.counts),
      learner_ids: learners(r),
    }));
  const view = rows.map((r) => ({
    id: r.id,
    at: r.at,
    operator: r.operator,
    command: r.command,
    args: r.args,
    input_sha256: r.input_sha256 ?? '',
    counts: countsText(r.counts),
    learner_ids: learners(r).join(' '),
    ids: learners(r),
  }));
  type ViewRow = (typeof view)[number];
  // On a terminal: long arguments cut, the hash shortened, at most five learners named; CSV carries them whole.
  const short: Partial<Record<keyof ViewRow, (r: ViewRow) => string>> = {
    args: (r) => (r.args.length > 80 ? `${r.args.slice(0, 79)}…` : r.args),
    input_sha256: (r) => r.input_sha256.slice(0, 12),
    learner_ids: (r) => (r.ids.length > 5 ? `${r.ids.slice(0, 5).join(' ')} …(+${r.ids.length - 5})` : r.learner_ids),
  };
  const keys = ['id', 'at', 'operator', 'command', 'args', 'input_sha256', 'counts', 'learner_ids'] as const;
  const kinds: Partial<Record<(typeof keys)[number], CellKind>> = { id: 'number', at: 'datetime' };
  const columns = keys.map((key) => ({ key, header: ctx.tr.t(`ops.log.col.${key}`), short: short[key], kind: kinds[key] }));
  await present(ctx, { columns, rows: view, json, empty: ctx.tr.t('ops.log.none') }, { format, out });
  return 0;
}
