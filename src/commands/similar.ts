/**
 * `cadre similar ESSAY_ID`: an essay's comparison with every stored essay and
 * reference: 复制比 (copied from other cadres), 自我重复 (the same cadre's
 * earlier essays), quotations, the sources and the longest shared passages
 * side by side.
 * `cadre similar --year Y [--department D] [--over N]`: the essays of an
 * academic year copied or repeated at least N % (default: the policy's
 * threshold), most first.
 */
import type { Context } from '../shell/context.js';
import { chooseFormat, emit, jsonArray, present, type Format } from '../shell/render.js';
import { keyOf, percentText, type SourceKind } from '../core/similarity.js';
import { decimalToUnits } from '../core/decimal.js';
import { yearEndDate, yearStartDate } from '../core/terms.js';
import { compareStoredEssay, describeSources, essayText, essaysBySimilarity, storedReport, type StoredSource } from '../db/similarity.js';
import { essayForReview } from '../db/essays.js';
import { InputError, UsageError, msg } from '../errors.js';
import { reportJson, reportLines, sourceName } from './shared/similarity-view.js';

export interface SimilarOptions {
  essayId?: string;
  year?: string;
  department?: string;
  over?: string;
  format?: Format;
}

export async function run(opts: SimilarOptions, ctx: Context): Promise<number> {
  if ((opts.essayId === undefined) === (opts.year === undefined)) throw new UsageError(msg('essays.similar.oneOf'), msg('essays.similar.fix.oneOf'));
  if (opts.essayId !== undefined) {
    if (opts.department !== undefined || opts.over !== undefined) throw new UsageError(msg('essays.similar.listOnly'), msg('essays.similar.fix.oneOf'));
    return one(opts.essayId, opts, ctx);
  }
  return list(opts, ctx);
}

async function one(rawId: string, opts: SimilarOptions, ctx: Context): Promise<number> {
  if (!/^\d{1,12}$/.test(rawId)) throw new InputError(msg('review.badId', { id: rawId }), [], msg('review.fix.badId'));
  const format = chooseFormat(opts.format, ctx.out, ['table', 'json']);
  const id = Number(rawId);
  const db = ctx.db({ readOnly: true });
  const policy = ctx.policy();
  if (!essayForReview(db, id)) throw new InputError(msg('review.notFound', { id: rawId }), [], msg('review.fix.badId'));
  const text = essayText(db, id);
  if (text === undefined) throw new InputError(msg('essays.similar.noText', { id }), [], msg('essays.similar.fix.noText'));
  const live = text !== null ? compareStoredEssay(db, id, policy.similarity) : null;
  const stored = storedReport(db, id);
  if (!live && !stored) throw new InputError(msg('essays.similar.noText', { id }), [], msg('essays.similar.fix.noText'));
  const report = live
    ? live.report
    : {
        zi: stored!.zi,
        othersZi: stored!.others_zi,
        selfZi: stored!.self_zi,
        quotedZi: stored!.quoted_zi,
        commonZi: 0,
        othersPermille: stored!.others_permille,
        selfPermille: stored!.self_permille,
        quotedPermille: Math.floor((2000 * stored!.quoted_zi + stored!.zi) / (2 * Math.max(1, stored!.zi))),
        sources: stored!.sources.map((s) => ({ ...s, passages: [] })),
      };
  if (live && stored && (stored.others_permille !== report.othersPermille || stored.self_permille !== report.selfPermille)) {
    ctx.warn(ctx.tr.t('essays.similar.changed', { id, at: stored.checked_at, copied: percentText(stored.others_permille), self: percentText(stored.self_permille) }));
  }
  const view = { essayId: id, report, essay: text !== null ? keyOf(text) : null, texts: live?.texts ?? new Map(), sources: describeSources(db, report.sources) };
  if (format === 'json') {
    emit(ctx, jsonArray([reportJson(view)], !!ctx.out.isTTY));
    return 0;
  }
  const columns = Math.min(120, Math.max(60, ctx.out.columns ?? 80));
  ctx.out.write(reportLines(ctx, view, columns).join('\n') + '\n');
  return 0;
}

async function list(opts: SimilarOptions, ctx: Context): Promise<number> {
  const format = chooseFormat(opts.format, ctx.out);
  if (!/^\d{4}$/.test(opts.year!)) throw new UsageError(msg('audit.badYear', { year: opts.year! }), msg('audit.fix.badYear'));
  const policy = ctx.policy();
  let over = Math.min(policy.similarity.holdOthersPermille, policy.similarity.holdSelfPermille);
  if (opts.over !== undefined) {
    const units = decimalToUnits(opts.over.trim().replace(/%$/, ''), 10);
    if (units === null || units > 1000) throw new UsageError(msg('essays.similar.badOver', { value: opts.over }), msg('essays.similar.fix.badOver'));
    over = units;
  }
  const year = Number(opts.year);
  const db = ctx.db({ readOnly: true });
  const rows = essaysBySimilarity(db, yearStartDate(year, policy), yearEndDate(year, policy), opts.department, over);
  const { t } = ctx.tr;
  const names = describeSources(db, rows.flatMap((r) => (JSON.parse(r.sources) as StoredSource[]).slice(0, 1)));
  const view = rows.map((r) => {
    const top = (JSON.parse(r.sources) as StoredSource[])[0] as StoredSource | undefined;
    return {
      essay_id: r.essay_id,
      learner_id: r.learner_id,
      name: r.name,
      department: r.department,
      // In the reader's language, as every listing's CSV and xlsx (JSON keeps the codes).
      kind: t(`essay.${r.kind}`),
      title: r.title,
      submitted_on: r.submitted_on,
      status: t(`essayStatus.${r.status}`),
      zi: r.zi,
      copied: percentText(r.others_permille),
      self: percentText(r.self_permille),
      top_source: top ? topName(ctx, top.kind, top.id, names) : '',
      top_permille: top ? percentText(top.permille) : '',
    };
  });
  type Row = (typeof view)[number];
  const keys = ['essay_id', 'learner_id', 'name', 'department', 'kind', 'title', 'submitted_on', 'status', 'zi', 'copied', 'self', 'top_source', 'top_permille'] as const;
  const short: Partial<Record<(typeof keys)[number], (r: Row) => string>> = {
    title: (r) => (r.title.length > 12 ? r.title.slice(0, 11) + '…' : r.title),
  };
  // The table fits 80 columns; CSV and JSON carry every column.
  const tableless = new Set(['department', 'kind', 'submitted_on', 'status', 'top_source', 'zi']);
  const columns = keys.map((key) => ({ key, header: t(`essays.similar.col.${key}`), ...(short[key] ? { short: short[key] } : {}), ...(tableless.has(key) ? { tableless: true } : {}) }));
  await present(
    ctx,
    {
      columns,
      rows: view,
      json: () => rows.map((r) => ({ ...r, sources: JSON.parse(r.sources) as unknown })),
      empty: t('essays.similar.none', { year: `${year}-${year + 1}`, over: percentText(over) }),
    },
    { format },
  );
  return 0;
}

function topName(ctx: Context, kind: SourceKind, id: number, names: ReturnType<typeof describeSources>): string {
  return sourceName(ctx, kind, id, names.get(`${kind === 'reference' ? 'r' : 'e'}${id}`));
}
