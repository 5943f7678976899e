/**
 * The year-end report's model, gathered: the year-end views of year Y and
 * Y-1 (each the close's frozen view when the year is closed, else audited
 * now), the hours recorded per month, the policy and where the figures came
 * from; then src/core/report-model.ts builds the numbers the renderers draw.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Context } from '../shell/context.js';
import { buildReportModel, initialsOf, type ReportCadre, type ReportModel, type ReportRequirement, type ReportSource } from '../core/report-model.js';
import { matchDepartment } from '../core/option-values.js';
import { yearEndDate, yearStartDate } from '../core/terms.js';
import { loadCadres } from '../db/cadres.js';
import { recordStateAside } from '../db/state-aside.js';
import { hoursByMonth, similarityByDepartment } from '../db/report.js';
import { listAmendments } from '../db/closes.js';
import { InputError, msg } from '../errors.js';
import { evaluationFor, forEachAudit, forEachAuditOfPlans, planAudit, withReader } from './audit-run.js';
import type { AuditedCadre } from './audit-view.js';
import type { CadreFacts, Requirement } from '../core/audit.js';
import { closedResult, policyJson } from './year-close.js';

export interface ReportOptions {
  year: string;
  department?: string;
  anonymize?: boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface YearView<T> {
  /** Each cadre of the view, cut down by `keep` as it is audited (null: left out). */
  kept: T[];
  ids: Set<number>;
  asOf: string;
  cutoff: string;
  closed: ReturnType<typeof closedResult>;
  /** Quarter hours recorded per month of the year by the view's cadres (hoursByMonth), when summed from the audit's own read. */
  months?: Map<string, number>;
}

/** Keeps each audited cadre as `keep` cuts it down (null: left out) and its id; true when kept. */
const keeper =
  <T>(kept: T[], ids: Set<number>, keep: (a: AuditedCadre) => T | null) =>
  (a: AuditedCadre): boolean => {
    const k = keep(a);
    if (k === null) return false;
    kept.push(k);
    ids.add(a.cadre.id);
    return true;
  };

/**
 * The year-end view of `year`: the close's when the year is closed, else audited now, a cadre at
 * a time (forEachAudit), each one kept only as `keep` cuts it down, so an office's full audits
 * are never held whole.
 */
async function yearView<T>(ctx: Context, year: number, keep: (a: AuditedCadre) => T | null, closed = closedResult(ctx, year)): Promise<YearView<T>> {
  const kept: T[] = [];
  const ids = new Set<number>();
  const visit = keeper(kept, ids, keep);
  if (closed) {
    closed.audited.forEach(visit);
    closed.audited.length = 0;
    return { kept, ids, asOf: closed.ev.asOf, cutoff: closed.ev.cutoff, closed };
  }
  const scope = { learnerIds: [], year: String(year) };
  return withReader(ctx, scope, async (reader) => {
    // Office-wide: the plan reads the roster a chunk at a time as the audit reaches it.
    const plan = planAudit(ctx, scope);
    await forEachAudit(ctx, plan, visit, reader);
    return { kept, ids, asOf: plan.ev.asOf, cutoff: plan.ev.cutoff, closed: undefined };
  });
}

/**
 * The year-end views of `year` and the year before, as yearView gives each. When neither is
 * closed, both are audited in one pass (forEachAuditOfPlans): the roster and each cadre's facts
 * read once for the two, by one reader.
 */
async function twoYearViews<T, U>(ctx: Context, year: number, keepNow: (a: AuditedCadre) => T | null, keepBefore: (a: AuditedCadre) => U | null, closedNow: ReturnType<typeof closedResult>): Promise<[YearView<T>, YearView<U>]> {
  const closedBefore = closedResult(ctx, year - 1);
  if (closedNow || closedBefore) return Promise.all([yearView(ctx, year, keepNow, closedNow), yearView(ctx, year - 1, keepBefore, closedBefore)]);
  const policy = ctx.policy();
  const now: YearView<T> = { kept: [], ids: new Set(), asOf: '', cutoff: '', closed: undefined, months: new Map() };
  const before: YearView<U> = { kept: [], ids: new Set(), asOf: '', cutoff: '', closed: undefined, months: new Map() };
  // Each cadre's read holds both years whole, so the months are summed from it as hoursByMonth
  // sums them: every hours record of the year on file (held or not, counted by the audit or not).
  const visitor = <K>(view: YearView<K>, keep: (a: AuditedCadre) => K | null, y: number) => {
    const from = yearStartDate(y, policy);
    const to = yearEndDate(y, policy);
    const months = view.months!;
    const kept = keeper(view.kept, view.ids, keep);
    return (a: AuditedCadre, read: CadreFacts) => {
      if (!kept(a)) return;
      for (const h of read.hours) {
        if (h.date < from || h.date > to) continue;
        const m = h.date.slice(0, 7);
        months.set(m, (months.get(m) ?? 0) + h.quarters);
      }
    };
  };
  const scopes = [year, year - 1].map((y) => ({ learnerIds: [], year: String(y) }));
  await withReader(ctx, scopes[0], async (reader) => {
    const plans = scopes.map((scope) => planAudit(ctx, scope));
    [now.asOf, now.cutoff, before.asOf, before.cutoff] = [plans[0].ev.asOf, plans[0].ev.cutoff, plans[1].ev.asOf, plans[1].ev.cutoff];
    const alsoRead = { from: yearStartDate(year - 1, policy), to: yearEndDate(year, policy) };
    await forEachAuditOfPlans(ctx, plans, [visitor(now, keepNow, year), visitor(before, keepBefore, year - 1)], reader, alsoRead);
  });
  return [now, before];
}

/** A requirement cut to what the report reads (ReportRequirement): the audit's own object dies young. */
const slim = (r: Requirement): ReportRequirement => ({ id: r.id, period: r.period, unit: r.unit, required: r.required, actual: r.actual, shortfall: r.shortfall, status: r.status });

/**
 * A cadre of year `year` as the report's model reads it, and nothing more (an office's 20,000 are
 * held until the model is built): of the requirements, the year's hours, those the summary counts
 * (the year's or the term's) and those short or behind (the named list); the credits' two figures;
 * the latest exam's own fields.
 */
const toReportCadre = (a: AuditedCadre, year: number): ReportCadre => {
  const { audit } = a;
  const e = audit.latestExam;
  return {
    learnerId: a.cadre.learnerId,
    name: a.cadre.name,
    department: a.cadre.department,
    rank: audit.rank,
    status: audit.status,
    requirements: audit.requirements.filter((r) => r.period === 'term' || r.period === year || r.status === 'short' || r.status === 'behind').map(slim),
    credits: { totalTenths: audit.credits.totalTenths, requiredTenths: audit.credits.requiredTenths },
    latestExam: e ? { exam: e.exam, date: e.date, scoreTenths: e.scoreTenths } : null,
  };
};

const NO_CREDITS = { totalTenths: 0, requiredTenths: 0 };

/**
 * A cadre of the year before, for the cover's comparison, which counts statuses, ranks and the
 * year's hours only: those, and its hours requirement of that year.
 */
const toPreviousCadre = (a: AuditedCadre, year: number): ReportCadre => {
  const hours = a.audit.requirements.find((r) => r.id === 'hours' && r.period === year);
  return {
    learnerId: '',
    name: '',
    department: '',
    rank: a.audit.rank,
    status: a.audit.status,
    requirements: hours ? [slim(hours)] : [],
    credits: NO_CREDITS,
    latestExam: null,
  };
};

/**
 * Short codes for learner IDs in an anonymized report: a keyed hash whose key
 * is the record state the report was made from (never printed; only its
 * hash is), so the same data gives the same codes and the report alone does
 * not lead back to an ID.
 */
export function anonymizer(secret: string): (c: ReportCadre) => ReportCadre {
  const key = createHash('sha256').update('cadre report codes\n').update(secret).digest();
  const seen = new Map<string, string>();
  return (c) => {
    const h = createHmac('sha256', key).update(c.learnerId).digest('hex').toUpperCase();
    let len = 8;
    let code = `R${h.slice(0, len)}`;
    while (seen.has(code) && seen.get(code) !== c.learnerId && len < 64) code = `R${h.slice(0, ++len)}`;
    seen.set(code, c.learnerId);
    return { ...c, learnerId: code, name: initialsOf(c.name) };
  };
}

/** The report's model and what it was made from. */
export async function gatherReport(ctx: Context, opts: ReportOptions): Promise<ReportModel> {
  const g = await gather(ctx, opts, false);
  return { ...g.model, source: await g.source() };
}

/**
 * The report's model with its source still to come (model.source is null): the record state of an
 * open year is hashed only once the audits are done, on the second thread, while the caller draws
 * the pages before the appendix (the PDF). An anonymized report waits for it here: its codes are
 * keyed by the state.
 */
export function gatherReportLate(ctx: Context, opts: ReportOptions): Promise<{ model: ReportModel; source: () => Promise<ReportSource> }> {
  return gather(ctx, opts, true);
}

async function gather(ctx: Context, opts: ReportOptions, late: boolean): Promise<{ model: ReportModel; source: () => Promise<ReportSource> }> {
  // A year still running is refused as audit --year refuses it.
  const { year } = evaluationFor({ learnerIds: [], year: opts.year }, ctx);
  const y = year!;
  const policy = ctx.policy();
  const db = ctx.db({ readOnly: true });
  let departments: Set<string> | null = null;
  let department: string | null = null;
  if (opts.department !== undefined) {
    const match = matchDepartment(opts.department, loadCadres(db).all.map((c) => c.department));
    if (!match.ok) {
      const fix = match.nearest.length ? msg('options.department.fix.nearest', { list: match.nearest.join(' / ') }) : msg('options.department.fix.none');
      throw new InputError(msg('options.department.none', { department: opts.department }), [], fix);
    }
    departments = new Set(match.departments);
    department = match.departments.join(' / ');
  }
  // An open year's record state is hashed on a second thread, while the years are audited or (late)
  // after; its snapshot is taken as it opens, now. A closed year is reported from its close, whose
  // state is stored.
  const closedNow = closedResult(ctx, y);
  const stateOf = closedNow ? null : recordStateAside(db, yearEndDate(y, policy), { wait: late && !opts.anonymize });
  const wanted = (a: AuditedCadre) => !departments || departments.has(a.cadre.department);
  // The two years are audited at once: one pass over the roster and the facts when both are open.
  const [now, before] = await twoYearViews(ctx, y, (a) => (wanted(a) ? toReportCadre(a, y) : null), (a) => (wanted(a) ? toPreviousCadre(a, y - 1) : null), closedNow);
  let cur = now.kept;
  const { asOf, cutoff, closed } = now;
  const prev = before.kept;
  stateOf?.start();
  const policySha256 = closed ? closed.close.policySha256 : sha256(policyJson(policy));
  // A closed year's records change only by an amendment (the close guards them): the report says so
  // when there is one. Another change (the next year's imports, the year before's) leaves its report
  // as it was, but for the year before's figures when that year is not closed, which the report says.
  // (Made now, so that what the caller holds while it draws is these few values, not the views.)
  const closedSource: ReportSource | null = closed
    ? {
        kind: 'close',
        sha256: closed.close.resultSha256,
        closedAt: closed.close.closedAt,
        changedSinceClose: listAmendments(db, y).length > 0,
        previousOpen: prev.length > 0 && !before.closed,
        policySha256,
      }
    : null;
  const source = closedSource ? async () => closedSource : async (): Promise<ReportSource> => ({ kind: 'state', sha256: (await stateOf!.result()).sha256, policySha256 });
  const monthsOf = (yy: number, set: Set<number>) => hoursByMonth(db, yearStartDate(yy, policy), yearEndDate(yy, policy), set);
  if (opts.anonymize) {
    const anon = anonymizer(closed ? closed.close.state : (await stateOf!.result()).state);
    // The year before's cadres are only counted (no ID or name of theirs is kept or shown).
    cur = cur.map(anon);
  }
  const model = buildReportModel({
    year: y,
    department,
    anonymized: !!opts.anonymize,
    asOf,
    cutoff,
    source: null,
    current: cur,
    previous: prev.length ? prev : null,
    hoursByMonth: { current: now.months ?? monthsOf(y, now.ids), previous: prev.length ? (before.months ?? monthsOf(y - 1, before.ids)) : null },
    similarity: similarityByDepartment(db, yearStartDate(y, policy), yearEndDate(y, policy), now.ids, policy.similarity.holdOthersPermille, policy.similarity.holdSelfPermille),
    policy,
  });
  return { model, source };
}
