/**
 * `cadre audit`: read → compute → render. Each cadre's term is chosen and
 * audited by the pure engine (src/core); this module only gathers the facts
 * and prints the result.
 */
import os from 'node:os';
import type { Context } from '../cli/context.js';
import { paint } from '../cli/color.js';
import { chooseFormat, emit, jsonArrayWriter, openOutput, outFile, present, type Column, type Format } from '../cli/render.js';
import { auditTerm, type CadreFacts, type Designation, type Evaluation } from '../core/audit.js';
import { addDays, minDate, type IsoDate } from '../core/dates.js';
import { formatQuarters } from '../core/decimal.js';
import type { Rank } from '../core/policy.js';
import { academicYearOf, currentTerm, termHoldingYear, yearEndDate, yearStartDate, type Term } from '../core/terms.js';
import { parseDate } from '../core/values.js';
import { loadCadres, type CadreRow } from '../db/cadres.js';
import { auditWindows, loadDesignations, loadFacts } from '../db/facts.js';
import type { FactsReader } from '../db/facts-parallel.js';
import { InputError, ReportedFailure, UsageError, msg } from '../errors.js';
import { AUDIT_COLUMNS, auditJson, auditJsonText, auditRow, rankText, yearText, type AuditRow, type AuditedCadre } from '../report/audit-view.js';
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
  /** Replace an existing --out file, or existing files of --split-by in --out-dir. */
  overwrite?: boolean;
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

/** Who is audited, as of when: the cadres chosen and each one's term, in learner-ID order. */
interface AuditPlan {
  ev: Evaluation;
  year: number | null;
  jobs: { cadre: CadreRow; term: Term }[];
  /** Asked for by ID, but with no term in view (not yet appointed, or left office). */
  notInView: string[];
  designations: Designation[];
  /** One learner asked for by ID: the transcript's path, with every record and its source. */
  single: boolean;
}

function planAudit(ctx: Context, opts: AuditOptions): AuditPlan {
  const db = ctx.db({ readOnly: true });
  const policy = ctx.policy();
  const { ev, year } = evaluationFor(opts, ctx);
  const index = loadCadres(db);
  let chosen: CadreRow[] = index.all;
  if (opts.learnerIds.length) {
    const unknown: string[] = [];
    const picked = new Set<CadreRow>();
    for (const raw of opts.learnerIds) {
      const c = index.byLearnerId.get(raw.trim().toUpperCase());
      if (c) picked.add(c);
      else unknown.push(raw);
    }
    if (unknown.length) throw new InputError(msg('audit.unknownLearners', { ids: unknown.join(', ') }), [], msg('audit.fix.unknownLearners'));
    // Named twice, audited once; in learner-ID order like the rest.
    chosen = [...picked].sort((a, b) => (a.learnerId < b.learnerId ? -1 : a.learnerId > b.learnerId ? 1 : 0));
  }
  if (opts.department !== undefined) chosen = chosen.filter((c) => c.department === opts.department);
  const notInView: string[] = [];
  const jobs: AuditPlan['jobs'] = [];
  for (const cadre of chosen) {
    const term =
      year !== null
        ? termHoldingYear(cadre.service, policy, year)
        : cadre.leftOn !== null && cadre.leftOn < ev.asOf
          ? null
          : currentTerm(cadre.service, policy, ev.asOf);
    if (!term) notInView.push(cadre.learnerId);
    else if (!opts.rank || term.rank === opts.rank) jobs.push({ cadre, term });
  }
  return { ev, year, jobs, notInView, designations: loadDesignations(db), single: opts.learnerIds.length === 1 };
}

/** From this many cadres on, an office-wide audit reads its facts on a second thread (facts-parallel.ts); fewer do not repay the thread's start. */
export const PARALLEL_FROM = 2_000;

/**
 * The worker that will read an office-wide audit's facts, started before
 * the audit is planned (its start overlaps the planning), when the office
 * is large enough, the database a file and the machine has a second core;
 * else null, and the facts are read on this thread.
 */
async function startReader(ctx: Context, opts: AuditOptions, parallelFrom: number): Promise<FactsReader | null> {
  // Cadres named one by one are few: read here (one named alone is the transcript's own path).
  if (opts.learnerIds.length > 0 && opts.learnerIds.length < parallelFrom) return null;
  const db = ctx.db({ readOnly: true });
  if (db.memory || os.availableParallelism() < 2) return null;
  if ((db.prepare('SELECT COUNT(*) FROM cadres').pluck().get() as number) < parallelFrom) return null;
  const { FactsReader } = await import('../db/facts-parallel.js');
  return new FactsReader(db.name);
}

/** Runs `fn` with the reader startReader gives (or null), stopped however `fn` ends. */
async function withReader<T>(ctx: Context, opts: AuditOptions, parallelFrom: number, fn: (reader: FactsReader | null) => Promise<T>): Promise<T> {
  const reader = await startReader(ctx, opts, parallelFrom);
  try {
    return await fn(reader);
  } finally {
    reader?.stop();
  }
}

/**
 * Audits every cadre of the plan and hands each result to `visit`, in the
 * plan's (learner-ID) order, as soon as it is made: a caller that writes it
 * and lets it go holds one cadre at a time, however large the office.
 */
async function forEachAudit(ctx: Context, plan: AuditPlan, visit: (a: AuditedCadre) => void, reader: FactsReader | null): Promise<void> {
  const db = ctx.db({ readOnly: true });
  const policy = ctx.policy();
  const { ev, jobs, designations } = plan;
  if (plan.single) {
    const facts = loadFacts(db, jobs.map((j) => j.cadre.id), ev.cutoff, true);
    for (const { cadre, term } of jobs) visit({ cadre, audit: auditTerm(term, facts.get(cadre.id) ?? { hours: [], essays: [], training: [], exams: [], exemptions: [] }, designations, policy, ev) });
    return;
  }
  // Many cadres: only the records each audited term can count are read (its window, up to the
  // cutoff), and no per-record lists are built: these views show figures, not transcripts.
  const windows = jobs.map(({ cadre, term }) => ({ cadreId: cadre.id, from: term.windowStart, to: minDate(term.windowEnd, ev.cutoff) }));
  const audit = (pos: number, facts: CadreFacts) => {
    const { cadre, term } = jobs[pos];
    visit({ cadre, audit: auditTerm(term, facts, designations, policy, ev, false) });
  };
  if (reader) await reader.read(windows, ev.cutoff, audit);
  else auditWindows(db, windows, ev.cutoff, audit);
}

/** Audits the chosen cadres, all held at once, in learner-ID order. */
export async function computeAudits(ctx: Context, opts: AuditOptions, parallelFrom = PARALLEL_FROM): Promise<{ audited: AuditedCadre[]; ev: Evaluation; year: number | null; notInView: string[] }> {
  return withReader(ctx, opts, parallelFrom, async (reader) => {
    const plan = planAudit(ctx, opts);
    const audited: AuditedCadre[] = [];
    await forEachAudit(ctx, plan, (a) => audited.push(a), reader);
    return { audited, ev: plan.ev, year: plan.year, notInView: plan.notInView };
  });
}

/** What is said on stderr after any audit: the status counts and the years designated below the policy. */
class AuditTally {
  readonly counts = { met: 0, on_track: 0, behind: 0, short: 0 };
  /** Cadres listed (exempt ones included). */
  shown = 0;
  private readonly underDesignated = new Map<Rank, Map<number, { designatedQ: number; policyQ: number }>>();

  add({ audit }: AuditedCadre, shown: boolean): void {
    if (shown) this.shown++;
    if (shown && audit.status in this.counts) this.counts[audit.status as keyof AuditTally['counts']]++;
    if (!audit.underDesignated.length) return;
    let years = this.underDesignated.get(audit.rank);
    if (!years) this.underDesignated.set(audit.rank, (years = new Map()));
    for (const u of audit.underDesignated) years.set(u.year, u);
  }

  /** One line per rank naming the years whose designated required hours fall short of the policy. */
  warnUnderDesignated(ctx: Context): void {
    for (const [rank, years] of this.underDesignated) {
      if (!years.size) continue;
      const list = [...years].sort(([a], [b]) => a - b).map(([year, u]) => ctx.tr.t('audit.underDesignatedYear', { year: yearText(year, ctx.tr), designated: formatQuarters(u.designatedQ), policy: formatQuarters(u.policyQ) }));
      ctx.warn(ctx.tr.t('audit.underDesignated', { rank: rankText(rank, ctx.tr), years: list.join(ctx.tr.lang === 'zh' ? '，' : ', ') }));
    }
  }
}

const isShortfall = (a: AuditedCadre) => a.audit.status === 'short' || a.audit.status === 'behind';

export function auditColumns(ctx: Context): Column<AuditRow>[] {
  return AUDIT_COLUMNS.map((key) => ({ key, header: ctx.tr.t(`col.${key}`) }));
}

/**
 * The audit's listings (a table of many cadres, CSV, one learner's JSON) go
 * through present() like every listing. Three outputs are its own: an
 * office's JSON is streamed a cadre at a time (openOutput and
 * jsonArrayWriter: a province's audit never sits whole in memory, nor its
 * text), one learner's table is the transcript, and xlsx or --split-by are
 * workbooks or one file per department (src/report/audit-xlsx.ts).
 */
export async function runAudit(opts: AuditOptions, ctx: Context): Promise<number> {
  const allowed: Format[] = ['table', 'csv', 'json', 'xlsx'];
  // Files for people default to Excel: --split-by writes workbooks unless --format csv, and so does --out NAME.xlsx.
  const implied = opts.splitBy || opts.out?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : undefined;
  const format = chooseFormat(opts.format ?? implied, ctx.out, allowed);
  if (opts.splitBy && !opts.outDir) throw new UsageError(msg('audit.splitNeedsDir'), msg('audit.fix.splitNeedsDir'));
  if (format === 'xlsx' && !opts.splitBy && !opts.out) throw new UsageError(msg('xlsx.needsOut'), msg('xlsx.fix.needsOut'));
  // The output file is checked before the audit is made: an existing one is refused at once, not after the work.
  const out = opts.splitBy ? undefined : outFile(ctx, opts.out, !!opts.overwrite);
  // A large office's facts are read on a second thread, started now so that its start overlaps the planning.
  return withReader(ctx, opts, PARALLEL_FROM, async (reader) => {
    const plan = planAudit(ctx, opts);
    const { ev } = plan;
    // A cadre asked for by ID but outside the view (not yet appointed, or left office) is named, not silently dropped.
    if (opts.learnerIds.length && plan.notInView.length) ctx.warn(ctx.tr.t('audit.notInView', { ids: plan.notInView.join(', '), asOf: ev.cutoff }));
    const tally = new AuditTally();
    const wanted = (a: AuditedCadre) => {
      const show = !opts.shortfall || isShortfall(a);
      tally.add(a, show);
      return show;
    };

    if (format === 'json' && !plan.single) {
      // Written as each cadre is audited: a province's audit never sits whole in memory.
      const output = openOutput(ctx, out);
      try {
        const list = jsonArrayWriter(output, !opts.out && !!ctx.out.isTTY);
        await forEachAudit(ctx, plan, (a) => {
          if (wanted(a)) list.addCompact(() => auditJsonText(a), () => auditJson(a));
        }, reader);
        list.end();
        output.close();
      } catch (e) {
        output.discard();
        throw e;
      }
      tally.warnUnderDesignated(ctx);
    } else {
      const shown: AuditedCadre[] = [];
      await forEachAudit(ctx, plan, (a) => {
        if (wanted(a)) shown.push(a);
      }, reader);
      tally.warnUnderDesignated(ctx);
      const single = plan.single && shown.length === 1;
      if (opts.splitBy || format === 'xlsx') {
        const { writeAuditWorkbooks } = await import('../report/audit-xlsx.js');
        // Split files carry the view's year (year-end view) or as-of date in their names: a later run never meets last year's files.
        const period = plan.year !== null ? yearText(plan.year, ctx.tr) : ctx.tr.t('outputs.fileAsOf', { date: ev.cutoff });
        await writeAuditWorkbooks(ctx, shown, auditColumns(ctx), { out, outDir: opts.outDir, splitBy: opts.splitBy, format, shortfall: !!opts.shortfall, overwrite: !!opts.overwrite, period });
      } else if (single && format === 'table') {
        emit(ctx, await renderTranscript(shown[0], ev, ctx), out);
      } else {
        const rows = shown.map((a) => auditRow(a, ctx.tr));
        // The shortfall list on a terminal says who and what is missing; the full figures are in csv/json/xlsx.
        const keep: (keyof AuditRow)[] = opts.shortfall ? ['learner_id', 'name', 'department', 'rank', 'status', 'missing'] : AUDIT_COLUMNS.filter((k) => k !== 'staff_no' && k !== 'missing');
        const columns = auditColumns(ctx).map((c) => ({ ...c, tableless: !keep.includes(c.key) }));
        const hue = { met: 'green', on_track: 'green', behind: 'yellow', short: 'red', exempt: 'cyan' } as const;
        const statusOf = new Map(rows.map((row, i) => [row, shown[i].audit.status]));
        const paintStatus = (key: string, text: string, row: AuditRow) => (key === 'status' ? paint(true, hue[statusOf.get(row)!], text) : text);
        // JSON here is one learner's (with the transcript) or none: an office's is streamed above.
        const json = () => shown.map((a) => (single ? { ...auditJson(a), transcript: transcriptJson(a) } : auditJson(a)));
        await present(ctx, { columns, rows, json, empty: ctx.tr.t('audit.none'), paint: paintStatus }, { format, out });
      }
    }
    const { counts } = tally;
    ctx.err.write(ctx.tr.t('audit.summary', { count: tally.shown, asOf: ev.asOf === addDays(ev.cutoff, 1) && ev.cutoff !== ev.asOf ? ev.cutoff : ev.asOf, ...counts }) + '\n');
    if (opts.failOnShortfall && (counts.short > 0 || counts.behind > 0)) {
      throw new ReportedFailure(msg('audit.failOnShortfall', { count: counts.short + counts.behind }));
    }
    return 0;
  });
}

export async function run(opts: AuditOptions, ctx: Context): Promise<number> {
  return runAudit(opts, ctx);
}
