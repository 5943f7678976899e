/**
 * `cadre audit`: read → compute → render. Each cadre's term is chosen and
 * audited by the pure engine (src/core); this module only gathers the facts
 * and prints the result.
 */
import type { Context } from '../cli/context.js';
import { paint } from '../cli/color.js';
import { chooseFormat, emit, renderCsv, renderTable, type Column, type Format } from '../cli/render.js';
import { auditTerm, type CadreFacts, type Evaluation } from '../core/audit.js';
import { addDays, minDate, type IsoDate } from '../core/dates.js';
import { formatQuarters } from '../core/decimal.js';
import type { Rank } from '../core/policy.js';
import { academicYearOf, currentTerm, termHoldingYear, yearEndDate, yearStartDate } from '../core/terms.js';
import { parseDate } from '../core/values.js';
import { loadCadres, type CadreRow } from '../db/cadres.js';
import { auditWindows, loadDesignations, loadFacts } from '../db/facts.js';
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
  const designations = loadDesignations(db);
  const empty = (): CadreFacts => ({ hours: [], essays: [], training: [], exams: [], exemptions: [] });
  if (opts.learnerIds.length === 1) {
    const facts = loadFacts(db, ids, ev.cutoff, true);
    const audited = filtered.map(({ cadre, term }) => ({ cadre, audit: auditTerm(term, facts.get(cadre.id) ?? empty(), designations, policy, ev) }));
    return { audited, ev, year, notInView };
  }
  // Many cadres: only the records each audited term can count are read (the engine keeps no
  // others: its window, up to the cutoff), and each cadre is audited as soon as its facts are
  // in, so they are let go young. auditTerm is pure: the order of the calls changes nothing.
  const windows = new Map(filtered.map(({ cadre, term }) => [cadre.id, { from: term.windowStart, to: minDate(term.windowEnd, ev.cutoff) }]));
  const at = new Map(filtered.map(({ cadre }, i) => [cadre.id, i]));
  const audited: AuditedCadre[] = new Array(filtered.length);
  // No per-record lists: the many-cadre views show figures, not transcripts.
  const audit = (i: number, facts: CadreFacts) => {
    const { cadre, term } = filtered[i];
    audited[i] = { cadre, audit: auditTerm(term, facts, designations, policy, ev, false) };
  };
  auditWindows(db, windows, ev.cutoff, (id, facts) => {
    const i = at.get(id);
    if (i !== undefined) audit(i, facts);
  });
  for (let i = 0; i < filtered.length; i++) if (!audited[i]) audit(i, empty());
  return { audited, ev, year, notInView };
}

/** One line per rank naming the years whose designated required hours fall short of the policy. */
function warnUnderDesignated(audited: AuditedCadre[], ctx: Context): void {
  const byRank = new Map<Rank, Map<number, { designatedQ: number; policyQ: number }>>();
  for (const { audit } of audited) {
    const years = byRank.get(audit.rank) ?? new Map();
    for (const u of audit.underDesignated) years.set(u.year, u);
    byRank.set(audit.rank, years);
  }
  for (const [rank, years] of byRank) {
    if (!years.size) continue;
    const list = [...years].sort(([a], [b]) => a - b).map(([year, u]) => ctx.tr.t('audit.underDesignatedYear', { year: yearText(year, ctx.tr), designated: formatQuarters(u.designatedQ), policy: formatQuarters(u.policyQ) }));
    ctx.warn(ctx.tr.t('audit.underDesignated', { rank: rankText(rank, ctx.tr), years: list.join(ctx.tr.lang === 'zh' ? '，' : ', ') }));
  }
}

export function auditColumns(ctx: Context): Column<AuditRow>[] {
  return AUDIT_COLUMNS.map((key) => ({ key, header: ctx.tr.t(`col.${key}`) }));
}

export async function runAudit(opts: AuditOptions, ctx: Context): Promise<number> {
  const allowed: Format[] = ['table', 'csv', 'json', 'xlsx'];
  // Files for people default to Excel: --split-by writes workbooks unless --format csv, and so does --out NAME.xlsx.
  const implied = opts.splitBy || opts.out?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : undefined;
  const format = chooseFormat(opts.format ?? implied, ctx.out, allowed);
  if (opts.splitBy && !opts.outDir) throw new UsageError(msg('audit.splitNeedsDir'), msg('audit.fix.splitNeedsDir'));
  const { audited, ev, notInView } = computeAudits(ctx, opts);
  // A cadre asked for by ID but outside the view (not yet appointed, or left office) is named, not silently dropped.
  if (opts.learnerIds.length && notInView.length) ctx.warn(ctx.tr.t('audit.notInView', { ids: notInView.join(', '), asOf: ev.cutoff }));
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
    // The shortfall list on a terminal says who and what is missing; the full figures are in csv/json/xlsx.
    const keep: (keyof AuditRow)[] = opts.shortfall ? ['learner_id', 'name', 'department', 'rank', 'status', 'missing'] : AUDIT_COLUMNS.filter((k) => k !== 'staff_no' && k !== 'missing');
    const columns = auditColumns(ctx).filter((c) => keep.includes(c.key));
    const hue = { met: 'green', on_track: 'green', behind: 'yellow', short: 'red', exempt: 'cyan' } as const;
    const statusOf = new Map(rows.map((row, i) => [row, shown[i].audit.status]));
    const paintStatus = (key: string, text: string, row: AuditRow) => (key === 'status' ? paint(true, hue[statusOf.get(row)!], text) : text);
    emit(ctx, shown.length ? await renderTable(columns, rows, !opts.out && ctx.color, paintStatus) : ctx.tr.t('audit.none') + '\n', opts.out);
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
