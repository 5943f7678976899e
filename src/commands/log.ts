/**
 * `cadre log`: the journal, oldest first (newest last), filterable by cadre,
 * command and date. --learner matches entries that name the cadre, and
 * imports (and undos) of batches that carry one of the cadre's records.
 */
import type { Context } from '../cli/context.js';
import { chooseFormat, present, type Format } from '../cli/render.js';
import { parseDate } from '../core/values.js';
import { findCadre, loadCadres } from '../db/cadres.js';
import { RECORD_TABLES } from '../db/undo.js';
import { InputError, msg } from '../errors.js';

interface Entry {
  id: number;
  at: string;
  operator: string;
  command: string;
  args: string;
  input_sha256: string | null;
  counts: string | null;
  learner_ids: string | null;
}

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
}

export async function run(opts: LogOptions, ctx: Context): Promise<number> {
  const format = chooseFormat(opts.format, ctx.out);
  const since = dateOption(opts.since, '--since', ctx);
  const until = dateOption(opts.until, '--until', ctx);
  const db = ctx.db({ readOnly: true });
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.learner !== undefined) {
    const cadre = findCadre(loadCadres(db), opts.learner);
    if (!cadre) throw new InputError(msg('ops.unknownLearner', { id: opts.learner }), [], msg('ops.fix.unknownLearner'));
    // Batches that carry one of the cadre's records, first-hand or vouching.
    const carried = RECORD_TABLES.flatMap((t) => [
      `SELECT batch_id FROM ${t} WHERE cadre_id = @cadre AND batch_id IS NOT NULL`,
      `SELECT s.batch_id FROM record_sources s JOIN ${t} r ON r.id = s.record_id WHERE s.kind = '${t}' AND r.cadre_id = @cadre`,
    ]).join(' UNION ');
    const batches = db.prepare(carried).pluck().all({ cadre: cadre.id }) as number[];
    const byBatch = batches.length ? ` OR (json_valid(args) AND json_type(args, '$.batch') = 'integer' AND json_extract(args, '$.batch') IN (${batches.map(() => '?').join(',')}))` : '';
    where.push(`(instr(learner_ids, ?) > 0${byBatch})`);
    params.push(`,${cadre.learnerId},`, ...batches);
  }
  if (opts.command !== undefined) {
    where.push('(command = ? OR command LIKE ? ESCAPE \'\\\')');
    const name = opts.command.trim();
    params.push(name, `${name.replace(/[\\%_]/g, (c) => `\\${c}`)} %`);
  }
  if (since) {
    where.push('substr(at, 1, 10) >= ?');
    params.push(since);
  }
  if (until) {
    where.push('substr(at, 1, 10) <= ?');
    params.push(until);
  }
  const rows = db
    .prepare(`SELECT id, at, operator, command, args, input_sha256, counts, learner_ids FROM journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`)
    .all(...params) as Entry[];
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
  const columns = keys.map((key) => ({ key, header: ctx.tr.t(`ops.log.col.${key}`), short: short[key] }));
  await present(ctx, { columns, rows: view, json, empty: ctx.tr.t('ops.log.none') }, { format });
  return 0;
}
