/**
 * `cadre log`: the journal, oldest first (newest last), filterable by cadre,
 * command and date. --learner matches entries that name the cadre, and
 * imports (and undos) of batches that carry one of the cadre's records.
 */
import type { Context } from '../shell/context.js';
import { listingOutput } from '../shell/listing-out.js';
import type { CellKind } from '../io/xlsx-out.js';
import { present, type FitHints, type Format } from '../shell/render.js';
import type { Translator } from '../i18n/index.js';
import { readableTime } from '../local-time.js';
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

/** A journal entry's counts as a sentence: 读取 29 行，新增 29，重复 0，拒绝 0. A count the catalogue does not know is shown as name=value. */
export function countsInWords(text: string | null, tr: Translator): string {
  const c = parseJson(text);
  if (!c || typeof c !== 'object') return text ?? '';
  return Object.entries(c as Record<string, unknown>)
    .map(([k, v]) => (JOURNAL_COUNTS.has(k) && typeof v === 'number' ? tr.t(`fit.count.${k}`, { n: v }) : `${k}=${String(v)}`))
    .join(tr.lang === 'zh' ? '，' : ', ');
}

/** The counts that journal entries carry, each with its words in the catalogue (fit.count.*). */
export const JOURNAL_COUNTS: ReadonlySet<string> = new Set([
  'read', 'new', 'duplicate', 'rejected', 'issued', 'already', 'updated', 'designated', 'registered', 'removed', 'kept', 'unvouched',
  'reset', 'changed', 'exempted', 'revoked', 'rehashed', 'restored', 'pages', 'ok', 'expired', 'locked', 'failures',
]);

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
    rawCounts: r.counts,
    learner_ids: learners(r).join(' '),
    ids: learners(r),
  }));
  type ViewRow = (typeof view)[number];
  // On a terminal: the time local and to the minute, the counts in words, long arguments cut, the hash shortened,
  // at most three learners named, and what does not fit the width left out; CSV and JSON carry them whole.
  const short: Partial<Record<keyof ViewRow, (r: ViewRow) => string>> = {
    at: (r) => readableTime(r.at),
    args: (r) => (r.args.length > 60 ? `${r.args.slice(0, 59)}…` : r.args),
    input_sha256: (r) => r.input_sha256.slice(0, 12),
    counts: (r) => countsInWords(r.rawCounts, ctx.tr),
    learner_ids: (r) => (r.ids.length > 3 ? `${r.ids.slice(0, 3).join(' ')} …(+${r.ids.length - 3})` : r.learner_ids),
  };
  const fit: Partial<Record<keyof ViewRow, FitHints>> = {
    id: { essential: true, keep: true, align: 'right' },
    at: { keep: true },
    operator: { drop: 1 },
    command: { essential: true, min: 14 },
    args: { drop: 3, min: 30 },
    input_sha256: { keep: true, drop: 4 },
    counts: { min: 20 },
    learner_ids: { drop: 2, min: 17 },
  };
  const keys = ['id', 'at', 'operator', 'command', 'args', 'input_sha256', 'counts', 'learner_ids'] as const;
  const kinds: Partial<Record<(typeof keys)[number], CellKind>> = { id: 'number', at: 'datetime' };
  const columns = keys.map((key) => ({ key, header: ctx.tr.t(`ops.log.col.${key}`), short: short[key], fit: fit[key], kind: kinds[key] }));
  await present(ctx, { columns, rows: view, json, empty: ctx.tr.t('ops.log.none') }, { format, out });
  return 0;
}
