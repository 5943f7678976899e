/**
 * `cadre audit`: read → compute → render. Each cadre's term is chosen and
 * audited by the pure engine (src/core); this module only gathers the facts
 * and prints the result.
 */
import type { Context } from '../cli/context.js';
import { chooseFormat, emit, renderCsv, renderTable, type Column, type Format } from '../cli/render.js';
import { auditTerm, type Evaluation } from '../core/audit.js';
import { addDays, type IsoDate } from '../core/dates.js';
import { formatQuarters } from '../core/decimal.js';
import type { Rank } from '../core/policy.js';
import { academicYearOf, currentTerm, termHoldingYear, yearEndDate, yearStartDate } from '../core/terms.js';
import { parseDate } from '../core/values.js';
import { loadCadres, type CadreRow } from '../db/cadres.js';
import { loadDesignations, loadFacts } from '../db/facts.js';
import { InputError, ReportedFailure, UsageError, msg } from '../errors.js';
import { AUDIT_COLUMNS, auditJson, auditRow, rankText, yearText, type AuditRow, type AuditedCadre } from '../report/audit-view.js';
import { renderTranscript, transcriptJson } from '../report/transcript.js';

export interface AuditOptions {
  learnerIds: string[];
  asOf?: string;
  year?: string;
  department?: string;
  rank?: Rank;
  shortfall?: boolean;
  failOnShortfall?: boolean;
  format?: string;
  out?: string;
  splitBy?: string;
  outDir?: string;
}

export function evaluationFor(opts: AuditOptions, ctx: Context): { ev: Evaluation; year: number | null } {
  const policy = ctx.policy();
  if (opts.year !== undefined && opts.asOf !== undefined) throw new UsageError(msg('audit.yearAndAsOf'), msg('audit.fix.yearAndAsOf'));
  if (opts.year !== undefined) {
    if (!/^\d{4}$/.test(opts.year)) throw new UsageError(msg('audit.badYear', { year: opts.year }), msg('audit.fix.badYear'));
    const year = Number(opts.year);
    return { ev: { asOf: yearStartDate(year + 1, policy), cutoff: yearEndDate(year, policy), lastYear: year }, year };
  }
  let asOf: IsoDate = ctx.today();
  if (opts.asOf !== undefined) {
    const r = parseDate(opts.asOf);
    if (!r.ok) throw new InputError(msg('audit.badAsOf', { value: opts.asOf, reason: ctx.tr.m(r.reason) }));
    asOf = r.value;
  }
  return { ev: { asOf, cutoff: asOf, lastYear: academicYearOf(asOf, policy) }, year: null };
}

/** Audits the chosen cadres; returns them in learner-ID order. */
export function computeAudits(ctx: Context, opts: AuditOptions): { audited: AuditedCadre[]; ev: Evaluation; year: number | null; notInView: string[] } {
  const db = ctx.db();
  const policy = ctx.policy();
  const { ev, year } = evaluationFor(opts, ctx);
  const index = loadCadres(db);
  let chosen: CadreRow[] = index.all;
  if (opts.learnerIds.length) {
    const unknown: string[] = [];
    chosen = [];
    for (const raw of opts.learnerIds) {
      const c = index.byLearnerId.get(raw.trim().toUpperCase());
      if (c) chosen.push(c);
      else unknown.push(raw);
    }
    if (unknown.length) throw new InputError(msg('audit.unknownLearners', { ids: unknown.join(', ') }), [], msg('audit.fix.unknownLearners'));
  }
  if (opts.department !== undefined) chosen = chosen.filter((c) => c.department === opts.department);
  const notInView: string[] = [];
  const withTerm = chosen.flatMap((cadre) => {
    const term =
      year !== null
        ? termHoldingYear(cadre.service, policy, year)
        : cadre.leftOn !== null && cadre.leftOn < ev.asOf
          ? null
          : currentTerm(cadre.service, policy, ev.asOf);
    if (!term) {
      notInView.push(cadre.learnerId);
      return [];
    }
    return [{ cadre, term }];
  });
  const filtered = opts.rank ? withTerm.filter((x) => x.term.rank === opts.rank) : withTerm;
  const ids = opts.learnerIds.length || opts.department !== undefined ? filtered.map((x) => x.cadre.id) : null;
  const facts = loadFacts(db, ids, ev.cutoff, opts.learnerIds.length === 1);
  const designations = loadDesignations(db);
  const empty = { hours: [], essays: [], training: [], exams: [], exemptions: [] };
  const audited = filtered.map(({ cadre, term }) => ({
    cadre,
    audit: auditTerm(term, facts.get(cadre.id) ?? empty, designations, policy, ev),
  }));
  return { audited, ev, year, notInView };
}

function warnUnderDesignated(audited: AuditedCadre[], ctx: Context): void {
  const seen = new Set<string>();
  for (const { audit } of audited) {
    for (const u of audit.underDesignated) {
      const key = `${u.year}/${audit.rank}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.warn(
        ctx.tr.t('audit.underDesignated', {
          year: yearText(u.year, ctx.tr),
          rank: rankText(audit.rank, ctx.tr),
          designated: formatQuarters(u.designatedQ),
          policy: formatQuarters(u.policyQ),
        }),
      );
    }
  }
}

export function auditColumns(ctx: Context): Column<AuditRow>[] {
  return AUDIT_COLUMNS.map((key) => ({ key, header: ctx.tr.t(`col.${key}`) }));
}

export async function runAudit(opts: AuditOptions, ctx: Context): Promise<number> {
  const allowed: Format[] = ['table', 'csv', 'json', 'xlsx'];
  const format = chooseFormat(opts.format ?? (opts.out?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : undefined), ctx.out, allowed);
  if (opts.splitBy && !opts.outDir) throw new UsageError(msg('audit.splitNeedsDir'), msg('audit.fix.splitNeedsDir'));
  const { audited, ev } = computeAudits(ctx, opts);
  warnUnderDesignated(audited, ctx);
  const shown = opts.shortfall ? audited.filter((a) => a.audit.status === 'short' || a.audit.status === 'behind') : audited;
  const single = opts.learnerIds.length === 1 && shown.length === 1;

  if (opts.splitBy || format === 'xlsx') {
    const { writeAuditWorkbooks } = await import('../report/audit-xlsx.js');
    await writeAuditWorkbooks(ctx, shown, auditColumns(ctx), { out: opts.out, outDir: opts.outDir, splitBy: opts.splitBy, format, shortfall: !!opts.shortfall });
  } else if (format === 'json') {
    const items = shown.map((a) => (single ? { ...auditJson(a), transcript: transcriptJson(a) } : auditJson(a)));
    emit(ctx, JSON.stringify(items, null, 2) + '\n', opts.out);
  } else if (format === 'csv') {
    emit(ctx, renderCsv(auditColumns(ctx), shown.map((a) => auditRow(a, ctx.tr)), !!opts.out), opts.out);
  } else if (single) {
    emit(ctx, await renderTranscript(shown[0], ev, ctx), opts.out);
  } else {
    const rows = shown.map((a) => auditRow(a, ctx.tr));
    const columns = auditColumns(ctx).filter((c) => c.key !== 'staff_no' && (opts.shortfall || c.key !== 'missing'));
    emit(ctx, shown.length ? await renderTable(columns, rows, ctx.color) : ctx.tr.t('audit.none') + '\n', opts.out);
  }
  const counts = countStatuses(shown);
  ctx.err.write(ctx.tr.t('audit.summary', { count: shown.length, asOf: ev.asOf === addDays(ev.cutoff, 1) && ev.cutoff !== ev.asOf ? ev.cutoff : ev.asOf, ...counts }) + '\n');
  if (opts.failOnShortfall && (counts.short > 0 || counts.behind > 0)) {
    throw new ReportedFailure(msg('audit.failOnShortfall', { count: counts.short + counts.behind }));
  }
  return 0;
}

function countStatuses(list: AuditedCadre[]) {
  const c = { met: 0, on_track: 0, behind: 0, short: 0 };
  for (const a of list) if (a.audit.status in c) c[a.audit.status as keyof typeof c]++;
  return c;
}

export async function run(args: unknown[], ctx: Context): Promise<number> {
  const [learnerIds, opts] = args as [string[], Omit<AuditOptions, 'learnerIds'>];
  return runAudit({ ...opts, learnerIds: learnerIds ?? [] }, ctx);
}
