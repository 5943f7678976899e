/**
 * A year close (`cadre close-year`): the year-end view of an academic year
 * frozen in the database with the policy in force and the state of the
 * records it counted; `audit --year` then shows what was closed, and
 * `close-diff` what has changed since.
 */
import { createHash } from 'node:crypto';
import { createGzip, gunzipSync } from 'node:zlib';
import type { Context } from '../shell/context.js';
import type { Evaluation } from '../core/audit.js';
import type { ClosedFigures } from '../core/close-diff.js';
import type { Policy } from '../core/policy.js';
import { yearEndDate, yearStartDate } from '../core/terms.js';
import { insertClose, loadClose, setCloseJournal, type YearClose } from '../db/closes.js';
import { recordStateAside } from '../db/state-aside.js';
import { journalHead } from '../db/open.js';
import { recordJournal } from '../db/journal.js';
import { InputError, UsageError, msg } from '../errors.js';
import { localTimestamp } from '../local-time.js';
import { evaluationFor, forEachAudit, planAudit, withReader, type AuditPlan, type AuditScope } from './audit-run.js';
import type { AuditedCadre } from './audit-view.js';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** The policy as JSON (its word lists, kept as a Map and a Set, as sorted arrays). */
export function policyJson(policy: Policy): string {
  return JSON.stringify(policy, (_k, v: unknown) => (v instanceof Map ? [...v].sort() : v instanceof Set ? [...v].sort() : v));
}

/** A year as the user typed it for close-year/close-diff: 2025 or 2025-2026 (the academic year starting in 2025). */
export function parseCloseYear(raw: string): number {
  const s = raw.normalize('NFKC').trim().replace(/学年$/, '');
  const m = /^(\d{4})(?:\s*[-–—至]\s*(\d{4}))?$/.exec(s);
  if (!m || (m[2] !== undefined && Number(m[2]) !== Number(m[1]) + 1)) throw new UsageError(msg('close.badYear', { year: raw }), msg('close.fix.badYear'));
  return Number(m[1]);
}

export interface ClosedResult {
  close: YearClose;
  audited: AuditedCadre[];
  ev: Evaluation;
}

/** The year-end view of `year` as it was closed, or undefined if the year is open. */
export function closedResult(ctx: Context, year: number): ClosedResult | undefined {
  const db = ctx.db({ readOnly: true });
  if (!hasCloses(db)) return undefined;
  const close = loadClose(db, year);
  if (!close) return undefined;
  const audited = JSON.parse(gunzipSync(close.result).toString('utf8')) as AuditedCadre[];
  const ev: Evaluation = { asOf: close.asOf, cutoff: close.endsOn, lastYear: year };
  return { close, audited, ev };
}

/** A database of a version before closes existed reads as having none (a read never upgrades). */
function hasCloses(db: ReturnType<Context['db']>): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'year_closes'").get();
}

/** The closed view narrowed as `audit` narrows the live one: named cadres, a department, a rank. */
export function narrowClosed(audited: AuditedCadre[], scope: AuditScope): { chosen: AuditedCadre[]; unknown: string[] } {
  let chosen = audited;
  const unknown: string[] = [];
  if (scope.learnerIds.length) {
    const byId = new Map(audited.map((a) => [a.cadre.learnerId, a]));
    const picked = new Set<AuditedCadre>();
    for (const raw of scope.learnerIds) {
      const a = byId.get(raw.trim().toUpperCase());
      if (a) picked.add(a);
      else unknown.push(raw);
    }
    chosen = audited.filter((a) => picked.has(a));
  }
  if (scope.department !== undefined) chosen = chosen.filter((a) => a.cadre.department === scope.department);
  if (scope.rank) chosen = chosen.filter((a) => a.audit.rank === scope.rank);
  return { chosen, unknown };
}

/** One cadre's figures as a close compares them. */
export function figuresOf(a: AuditedCadre): ClosedFigures {
  return {
    learnerId: a.cadre.learnerId,
    name: a.cadre.name,
    department: a.cadre.department,
    status: a.audit.status,
    requirements: a.audit.requirements.map((r) => ({ id: r.id, period: r.period, unit: r.unit, actual: r.actual, required: r.required, status: r.status })),
  };
}

export interface CloseOutcome {
  year: number;
  cadres: number;
  counts: Record<string, number>;
  resultSha256: string;
  stateSha256: string;
  asOf: string;
}

/**
 * Closes `year`: refused before the year has ended (the day after its last
 * day at the earliest) and for a year already closed. The view is audited
 * outside the write; the write then checks, under its IMMEDIATE lock, that
 * nothing was written meanwhile (the journal's head: every write journals),
 * so what is stored is exactly the state it describes.
 */
export async function closeYear(ctx: Context, year: number, afterAudit?: () => void): Promise<CloseOutcome> {
  const policy = ctx.policy();
  const endsOn = yearEndDate(year, policy);
  const today = ctx.today();
  if (today <= endsOn) throw new UsageError(msg('close.notEnded', { year: yearLabel(ctx, year), end: endsOn, today }), msg('close.fix.notEnded', { end: endsOn }));
  const db = ctx.db();
  const already = loadClose(db, year);
  if (already) throw new InputError(msg('close.already', { year: yearLabel(ctx, year), at: already.closedAt.slice(0, 16).replace('T', ' '), operator: already.operator }), [], msg('close.fix.already', { year }));
  const head = journalHead(db);
  // The record state is hashed on a second thread while the year is audited (src/db/state-aside.ts):
  // it is the state at the journal head read above, which the write below checks is still the head.
  const stateOf = recordStateAside(db, endsOn);
  const { cadres, counts, ev, result, resultSha256 } = await auditedYear(ctx, year);
  // A year no cadre's term holds (a mistyped year, one before the office's records) has nothing to
  // close; closing it would only guard records nobody kept.
  if (!cadres) throw new InputError(msg('close.empty', { year: yearLabel(ctx, year) }), [], msg('close.fix.empty'));
  // (A test writes here, as another command could, to see the close refuse a state it did not audit.)
  afterAudit?.();
  const policyText = policyJson(policy);
  const closedAt = localTimestamp(ctx.now());
  const { state, sha256: stateSha256 } = await stateOf.result();
  if (ev.cutoff !== endsOn) throw new Error(`close-year: the audit's cutoff ${ev.cutoff} is not the year's end ${endsOn}`);
  return db
    .transaction(() => {
      if (journalHead(db) !== head) throw new InputError(msg('close.raced', { year: yearLabel(ctx, year) }), [], msg('close.fix.raced'));
      const record: YearClose = {
        year,
        startsOn: yearStartDate(year, policy),
        endsOn,
        asOf: ev.asOf,
        closedAt,
        operator: ctx.operator,
        journalId: null,
        policy: policyText,
        policySha256: sha256(policyText),
        state,
        stateSha256,
        cadres,
        counts: JSON.stringify(counts),
        result,
        resultSha256,
      };
      insertClose(db, record);
      const journalId = recordJournal(db, ctx, { command: 'close-year', args: { year }, counts: { cadres, ...counts } });
      setCloseJournal(db, year, journalId);
      return { year, cadres, counts, resultSha256, stateSha256, asOf: ev.asOf };
    })
    .immediate();
}

/**
 * The year's audits as a close stores them, made one cadre at a time: their JSON text (the
 * same text as JSON.stringify of the whole list: "[", the cadres' objects joined by ",", "]")
 * hashed and gzipped (level 1: 20,000 audits, 46 MB of JSON, in a third of level 6's time,
 * 3.1 MB instead of 1.7) as it is made, so neither the audits nor their text are ever held
 * whole. The deflate runs on libuv's threads while the audits are made; its bytes do not
 * depend on how its input is cut.
 */
async function auditedYear(ctx: Context, year: number): Promise<{ cadres: number; counts: Record<string, number>; ev: Evaluation; result: Buffer; resultSha256: string }> {
  const scope: AuditScope = { learnerIds: [], year: String(year) };
  const hash = createHash('sha256');
  const gzip = createGzip({ level: 1 });
  const packed: Buffer[] = [];
  gzip.on('data', (c: Buffer) => packed.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  let text = '';
  const flush = () => {
    const bytes = Buffer.from(text, 'utf8');
    text = '';
    hash.update(bytes);
    gzip.write(bytes);
  };
  const counts: Record<string, number> = { met: 0, on_track: 0, behind: 0, short: 0, exempt: 0 };
  let cadres = 0;
  text = '[';
  try {
    const ev = await withReader(ctx, scope, async (reader) => {
      const plan = planAudit(ctx, scope);
      await forEachAudit(ctx, plan, (a) => {
        text += (cadres ? ',' : '') + JSON.stringify(a);
        cadres++;
        counts[a.audit.status] = (counts[a.audit.status] ?? 0) + 1;
        if (text.length >= 1 << 20) flush();
      }, reader);
      return plan.ev;
    });
    text += ']';
    flush();
    gzip.end();
    await ended;
    return { cadres, counts, ev, result: Buffer.concat(packed), resultSha256: hash.digest('hex') };
  } finally {
    gzip.destroy();
  }
}

export function yearLabel(ctx: Context, year: number): string {
  return ctx.tr.t('year.label', { from: year, to: year + 1 });
}

/**
 * `audit --year Y` of a closed year: the plan and the audited cadres as they
 * were closed (narrowed as asked), said on stderr; undefined for a live view.
 * A closed view has figures only: one cadre named shows its row, not a transcript.
 */
export function closedAuditView(ctx: Context, scope: AuditScope): { plan: AuditPlan; each: (visit: (a: AuditedCadre) => void) => void } | undefined {
  if (scope.year === undefined) return undefined;
  const { year } = evaluationFor(scope, ctx);
  if (year === null) return undefined;
  const closed = closedResult(ctx, year);
  if (!closed) return undefined;
  const { chosen, unknown } = narrowClosed(closed.audited, scope);
  ctx.err.write(ctx.tr.t('close.shown', { year: yearLabel(ctx, year), n: year, at: closed.close.closedAt.slice(0, 16).replace('T', ' ') }) + '\n');
  const plan: AuditPlan = { ev: closed.ev, year, jobs: [], notInView: unknown, designations: [], single: false, firstUse: null };
  return { plan, each: (visit) => chosen.forEach(visit) };
}
