/**
 * Who an audit covers and each one's result: the cadres chosen, each one's
 * term as of the view's date, their facts read (on a second thread for a
 * large office, facts-parallel.ts) and audited by the pure engine
 * (src/core/audit.ts). `cadre audit` renders what this gives.
 */
import os from 'node:os';
import type { Context } from '../shell/context.js';
import { auditTerm, factsWithin, type CadreFacts, type Designation, type Evaluation } from '../core/audit.js';
import { maxDate, minDate, type IsoDate } from '../core/dates.js';
import type { Rank } from '../core/policy.js';
import { academicYearOf, currentTerm, termHoldingYear, yearEndDate, yearStartDate, type Term } from '../core/terms.js';
import { parseDate } from '../core/values.js';
import { cadreChunks, countCadres, loadCadres, type CadreIndex, type CadreRow } from '../db/cadres.js';
import { beginRead, endRead } from '../db/open.js';
import { auditChunks, loadDesignations, loadFacts, type FactWindow } from '../db/facts.js';
import { earliestRecordDate, firstUseDate, recordsSince } from '../db/settings.js';
import { matchDepartment } from '../core/option-values.js';
import type { FactsReader } from '../db/facts-parallel.js';
import { InputError, UsageError, msg } from '../errors.js';
import type { AuditedCadre } from './audit-view.js';

/** What chooses the cadres and the view's date (the audit command's options). */
export interface AuditScope {
  learnerIds: string[];
  asOf?: string;
  year?: string;
  department?: string;
  rank?: Rank;
}

/**
 * The view's dates. A year-end view (`--year`) is of a year that has ended:
 * one still running is refused (its requirements cannot be short yet), and so
 * is an as-of date after today (nothing is recorded for it). `recordsSince`
 * is the day the office began keeping records (`cadre start`), when recorded.
 */
export function evaluationFor(opts: AuditScope, ctx: Context, recordsSince: IsoDate | null = null): { ev: Evaluation; year: number | null } {
  const policy = ctx.policy();
  if (opts.year !== undefined && opts.asOf !== undefined) throw new UsageError(msg('audit.yearAndAsOf'), msg('audit.fix.yearAndAsOf'));
  const today = ctx.today();
  if (opts.year !== undefined) {
    if (!/^\d{4}$/.test(opts.year)) throw new UsageError(msg('audit.badYear', { year: opts.year }), msg('audit.fix.badYear'));
    const year = Number(opts.year);
    const end = yearEndDate(year, policy);
    if (end >= today) throw new UsageError(msg('options.yearOpen', { year: `${year}-${year + 1}`, end }), msg('options.fix.yearOpen'));
    return { ev: { asOf: yearStartDate(year + 1, policy), cutoff: end, lastYear: year, recordsSince }, year };
  }
  let asOf: IsoDate = today;
  if (opts.asOf !== undefined) {
    const r = parseDate(opts.asOf);
    if (!r.ok) throw new InputError(msg('audit.badAsOf', { value: opts.asOf, reason: ctx.tr.m(r.reason) }));
    asOf = r.value;
    if (asOf > today) throw new UsageError(msg('options.asOfFuture', { date: asOf, today }), msg('options.fix.asOfFuture'));
  }
  return { ev: { asOf, cutoff: asOf, lastYear: academicYearOf(asOf, policy), recordsSince }, year: null };
}

/**
 * The cadres of the department `typed` names (compared after NFKC, spaces
 * ignored); none is refused with the nearest departments on file.
 */
function inDepartment(cadres: CadreRow[], all: CadreRow[], typed: string): CadreRow[] {
  const match = matchDepartment(typed, all.map((c) => c.department));
  if (!match.ok) {
    const fix = match.nearest.length ? msg('options.department.fix.nearest', { list: match.nearest.join(' / ') }) : msg('options.department.fix.none');
    throw new InputError(msg('options.department.none', { department: typed }), [], fix);
  }
  const names = new Set(match.departments);
  return cadres.filter((c) => names.has(c.department));
}

/** Who is audited, as of when: the cadres chosen and each one's term, in learner-ID order. */
export interface AuditPlan {
  ev: Evaluation;
  year: number | null;
  jobs: { cadre: CadreRow; term: Term }[];
  /** Asked for by ID, but with no term in view (not yet appointed, or left office). */
  notInView: string[];
  designations: Designation[];
  /** One learner asked for by ID: the transcript's path, with every record and its source. */
  single: boolean;
  /**
   * An office-wide audit (no learner IDs, no --department): `jobs` is left empty and
   * forEachAudit reads the roster and plans it `chunkSize` cadres at a time, so a province's
   * cadres, terms and windows are never all held at once. Same cadres, same order.
   */
  roster?: { rank?: Rank; chunkSize: number };
  /**
   * When no day of first records is recorded (`cadre start`): the day of the database's first
   * write, so that a period short that ended before the office used the tool can be pointed out.
   */
  firstUse: IsoDate | null;
}

/** Cadres planned at a time by an office-wide audit (AuditPlan.roster): a few megabytes of roster and plan, whatever the office's size. */
export const AUDIT_CHUNK = 16_384;

/**
 * `index`: the roster already read (loadCadres of every cadre), for a caller planning several
 * years of one office's department; an office-wide plan reads the roster in chunks and needs none.
 */
export function planAudit(ctx: Context, opts: AuditScope, chunkSize = AUDIT_CHUNK, index?: CadreIndex): AuditPlan {
  const db = ctx.db({ readOnly: true });
  const since = recordsSince(db);
  const { ev, year } = evaluationFor(opts, ctx, since);
  const base = { ev, year, designations: loadDesignations(db), single: opts.learnerIds.length === 1, firstUse: since === null ? firstUseDate(db) : null };
  if (!opts.learnerIds.length && opts.department === undefined) return { ...base, jobs: [], notInView: [], roster: { rank: opts.rank, chunkSize } };
  // Named learners (without --department, which matches among every department on file): only theirs are read.
  const named = opts.learnerIds.length && opts.department === undefined;
  if (!index || named) index = loadCadres(db, named ? opts.learnerIds.map((raw) => raw.trim().toUpperCase()) : null);
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
  if (opts.department !== undefined) chosen = inDepartment(chosen, index.all, opts.department);
  const notInView: string[] = [];
  return { ...base, jobs: termsOf(ctx, chosen, ev, year, opts.rank, notInView), notInView };
}

/** Each cadre's term in the view (those of `rank` only, when given); a cadre with none is named in `notInView`. */
function termsOf(ctx: Context, cadres: readonly CadreRow[], ev: Evaluation, year: number | null, rank: Rank | undefined, notInView: string[]): AuditPlan['jobs'] {
  const policy = ctx.policy();
  const jobs: AuditPlan['jobs'] = [];
  for (const cadre of cadres) {
    const term =
      year !== null
        ? termHoldingYear(cadre.service, policy, year)
        : cadre.leftOn !== null && cadre.leftOn < ev.asOf
          ? null
          : currentTerm(cadre.service, policy, ev.asOf);
    if (!term) notInView.push(cadre.learnerId);
    else if (!rank || term.rank === rank) jobs.push({ cadre, term });
  }
  return jobs;
}

/** From this many cadres on, an office-wide audit reads its facts on a second thread (facts-parallel.ts); fewer do not repay the thread's start. */
export const PARALLEL_FROM = 2_000;

/**
 * The worker that will read an office-wide audit's facts, started before
 * the audit is planned (its start overlaps the planning), when the office
 * is large enough, the database a file and the machine has a second core;
 * else null, and the facts are read on this thread.
 */
async function startReader(ctx: Context, opts: AuditScope, parallelFrom: number): Promise<FactsReader | null> {
  // Cadres named one by one are few: read here (one named alone is the transcript's own path).
  if (opts.learnerIds.length > 0 && opts.learnerIds.length < parallelFrom) return null;
  const db = ctx.db({ readOnly: true });
  if (db.memory || os.availableParallelism() < 2) return null;
  if (countCadres(db) < parallelFrom) return null;
  const { FactsReader } = await import('../db/facts-parallel.js');
  return new FactsReader(db.name);
}

/** Runs `fn` with the reader startReader gives (or null), stopped however `fn` ends. */
/**
 * Runs `fn` with the source of the audit's facts: where they are read (this
 * thread, or a worker for a large office) is decided here and in db/facts,
 * never by the caller, who only hands the reader back to forEachAudit.
 */
export async function withReader<T>(ctx: Context, opts: AuditScope, fn: (reader: FactsReader | null) => Promise<T>, parallelFrom = PARALLEL_FROM): Promise<T> {
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
export async function forEachAudit(ctx: Context, plan: AuditPlan, visit: (a: AuditedCadre) => void, reader: FactsReader | null): Promise<void> {
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
  type Chunk = { jobs: AuditPlan['jobs']; windows: FactWindow[] };
  const chunkOf = (list: AuditPlan['jobs']): Chunk => ({ jobs: list, windows: list.map(({ cadre, term }) => ({ cadreId: cadre.id, from: term.windowStart, to: minDate(term.windowEnd, ev.cutoff) })) });
  const { roster } = plan;
  // The office's roster, planned a chunk at a time as the read reaches it (AuditPlan.roster); else the plan's cadres, one chunk.
  const chunks: Iterator<Chunk> = roster
    ? (function* () {
        for (const cadres of cadreChunks(db, roster.chunkSize)) {
          const list = termsOf(ctx, cadres, ev, plan.year, roster.rank, plan.notInView);
          if (list.length) yield chunkOf(list);
        }
      })()
    : [chunkOf(jobs)].values();
  const audit = (chunk: Chunk, pos: number, facts: CadreFacts) => {
    const { cadre, term } = chunk.jobs[pos];
    visit({ cadre, audit: auditTerm(term, facts, designations, policy, ev, false) });
  };
  return readChunksOf(db, chunks, ev.cutoff, audit, reader, !!roster);
}

/**
 * The facts of every chunk, read here (one read transaction) or by the worker. When the roster's
 * chunks are planned here while the worker reads (`rosterHere`), they are read in one read
 * transaction of their own on a read-only connection (audit, report): one state of the roster for
 * all of them. A command that also writes (close-year) reads them as they come; it proves the state
 * it audited by the journal's head at its write.
 */
async function readChunksOf<C extends { windows: readonly FactWindow[] }>(db: ReturnType<Context['db']>, chunks: Iterator<C>, cutoff: IsoDate, audit: (chunk: C, pos: number, facts: CadreFacts) => void, reader: FactsReader | null, rosterHere: boolean): Promise<void> {
  if (!reader) return auditChunks(db, chunks, cutoff, audit);
  const own = rosterHere && db.readonly && !db.inTransaction;
  if (own) beginRead(db);
  try {
    await reader.readChunks(chunks, cutoff, audit);
  } finally {
    if (own) endRead(db);
  }
}

/**
 * Several office-wide audits at once (`plans`, each with its `visit`: the year-end report's year
 * and the year before): the roster is read once, a chunk at a time, each cadre planned in every
 * view, and its facts read once, for the union of its windows up to the latest cutoff, then
 * narrowed to each view's own window and cutoff (factsWithin) before that view's audit. Each
 * visit gets what forEachAudit of its plan alone would give it, in the same order; one reader
 * (one read, one state of the database) serves them all. `alsoRead` widens every cadre's read to
 * hold those days too (up to the latest cutoff), and each visit is handed the cadre's facts as
 * read (every hours record of those days, held or not), for a caller that sums them itself.
 */
export async function forEachAuditOfPlans(
  ctx: Context,
  plans: readonly AuditPlan[],
  visits: readonly ((a: AuditedCadre, read: CadreFacts) => void)[],
  reader: FactsReader | null,
  alsoRead?: { from: IsoDate; to: IsoDate },
): Promise<void> {
  const first = plans[0];
  if (!first) return;
  const roster = first.roster;
  if (!roster || plans.some((p) => !p.roster || p.roster.rank !== roster.rank || p.roster.chunkSize !== roster.chunkSize)) throw new Error('forEachAuditOfPlans: office-wide plans of one roster only');
  const db = ctx.db({ readOnly: true });
  const policy = ctx.policy();
  const cutoff = plans.map((p) => p.ev.cutoff).reduce((a, b) => maxDate(a, b));
  /** Per cadre of the chunk: its term in each plan (null: not in that view), and each view's window. */
  type Job = { cadre: CadreRow; terms: (Term | null)[]; windows: (FactWindow | null)[] };
  type Chunk = { jobs: Job[]; windows: FactWindow[] };
  const chunks: Iterator<Chunk> = (function* () {
    for (const cadres of cadreChunks(db, roster.chunkSize)) {
      const perPlan = plans.map((p) => new Map(termsOf(ctx, cadres, p.ev, p.year, roster.rank, p.notInView).map((j) => [j.cadre, j.term])));
      const jobs: Job[] = [];
      const windows: FactWindow[] = [];
      for (const cadre of cadres) {
        const terms = perPlan.map((m) => m.get(cadre) ?? null);
        if (terms.every((t) => t === null)) continue;
        const own = terms.map((t, i) => (t ? { cadreId: cadre.id, from: t.windowStart, to: minDate(t.windowEnd, plans[i].ev.cutoff) } : null));
        const present = own.filter((w): w is FactWindow => w !== null);
        if (alsoRead) present.push({ cadreId: cadre.id, from: alsoRead.from, to: minDate(alsoRead.to, cutoff) });
        jobs.push({ cadre, terms, windows: own });
        windows.push({ cadreId: cadre.id, from: present.map((w) => w.from).reduce((a, b) => minDate(a, b)), to: present.map((w) => w.to).reduce((a, b) => maxDate(a, b)) });
      }
      if (jobs.length) yield { jobs, windows };
    }
  })();
  const audit = (chunk: Chunk, pos: number, facts: CadreFacts) => {
    const { cadre, terms, windows } = chunk.jobs[pos];
    const whole = chunk.windows[pos];
    // Each view's facts are narrowed before any view is audited.
    const own = terms.map((t, i) => (t === null ? null : windows[i]!.from === whole.from && windows[i]!.to === whole.to && plans[i].ev.cutoff === cutoff ? facts : factsWithin(facts, windows[i]!.from, windows[i]!.to, plans[i].ev.cutoff)));
    terms.forEach((term, i) => {
      if (term) visits[i]({ cadre, audit: auditTerm(term, own[i]!, plans[i].designations, policy, plans[i].ev, false) }, facts);
    });
  };
  return readChunksOf(db, chunks, cutoff, audit, reader, true);
}

/** Audits the chosen cadres, all held at once, in learner-ID order. */
export async function computeAudits(ctx: Context, opts: AuditScope, parallelFrom = PARALLEL_FROM, chunkSize = AUDIT_CHUNK): Promise<{ audited: AuditedCadre[]; ev: Evaluation; year: number | null; notInView: string[] }> {
  return withReader(ctx, opts, async (reader) => {
    const plan = planAudit(ctx, opts, chunkSize);
    const audited: AuditedCadre[] = [];
    await forEachAudit(ctx, plan, (a) => audited.push(a), reader);
    return { audited, ev: plan.ev, year: plan.year, notInView: plan.notInView };
  }, parallelFrom);
}


/**
 * The day the records on file begin: the earlier of the database's first write and its earliest
 * dated record (an office that imported the platform's history has records from before its first
 * write). Read only to word a hint, after an audit found a period short before the first write.
 */
export function recordsBegin(ctx: Context, firstUse: IsoDate): IsoDate {
  const earliest = earliestRecordDate(ctx.db({ readOnly: true }));
  return earliest !== null && earliest < firstUse ? earliest : firstUse;
}
