/**
 * The year-end report's model, gathered: the year-end views of year Y and
 * Y-1 (each the close's frozen view when the year is closed, else audited
 * now), the hours recorded per month, the policy and where the figures came
 * from; then src/core/report-model.ts builds the numbers the renderers draw.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Context } from '../shell/context.js';
import { buildReportModel, initialsOf, type ReportCadre, type ReportModel, type ReportSource } from '../core/report-model.js';
import { matchDepartment } from '../core/option-values.js';
import { yearEndDate, yearStartDate } from '../core/terms.js';
import { loadCadres } from '../db/cadres.js';
import { recordState } from '../db/closes.js';
import { hoursByMonth } from '../db/report.js';
import { InputError, msg } from '../errors.js';
import { computeAudits, evaluationFor } from './audit-run.js';
import type { AuditedCadre } from './audit-view.js';
import { closedResult, policyJson } from './year-close.js';

export interface ReportOptions {
  year: string;
  department?: string;
  anonymize?: boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface YearView {
  audited: AuditedCadre[];
  asOf: string;
  cutoff: string;
  closed: ReturnType<typeof closedResult>;
}

async function yearView(ctx: Context, year: number): Promise<YearView> {
  const closed = closedResult(ctx, year);
  if (closed) return { audited: closed.audited, asOf: closed.ev.asOf, cutoff: closed.ev.cutoff, closed };
  const { audited, ev } = await computeAudits(ctx, { learnerIds: [], year: String(year) });
  return { audited, asOf: ev.asOf, cutoff: ev.cutoff, closed: undefined };
}

const toReportCadre = (a: AuditedCadre): ReportCadre => ({
  learnerId: a.cadre.learnerId,
  name: a.cadre.name,
  department: a.cadre.department,
  rank: a.audit.rank,
  status: a.audit.status,
  requirements: a.audit.requirements,
  credits: a.audit.credits,
  latestExam: a.audit.latestExam,
});

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

export async function gatherReport(ctx: Context, opts: ReportOptions): Promise<ReportModel> {
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
  const pick = (list: AuditedCadre[]) => (departments ? list.filter((a) => departments!.has(a.cadre.department)) : list);
  const now = await yearView(ctx, y);
  const before = await yearView(ctx, y - 1);
  const current = pick(now.audited);
  const previous = pick(before.audited);
  const { state, sha256: stateSha } = recordState(db, now.cutoff);
  const source: ReportSource = now.closed
    ? { kind: 'close', sha256: now.closed.close.resultSha256, closedAt: now.closed.close.closedAt, changedSinceClose: stateSha !== now.closed.close.stateSha256, policySha256: now.closed.close.policySha256 }
    : { kind: 'state', sha256: stateSha, policySha256: sha256(policyJson(policy)) };
  const ids = (list: AuditedCadre[]) => new Set(list.map((a) => a.cadre.id));
  const monthsOf = (yy: number, list: AuditedCadre[]) => hoursByMonth(db, yearStartDate(yy, policy), yearEndDate(yy, policy), ids(list));
  let cur = current.map(toReportCadre);
  let prev = previous.map(toReportCadre);
  if (opts.anonymize) {
    const anon = anonymizer(now.closed ? now.closed.close.state : state);
    cur = cur.map(anon);
    prev = prev.map(anon);
  }
  return buildReportModel({
    year: y,
    department,
    anonymized: !!opts.anonymize,
    asOf: now.asOf,
    cutoff: now.cutoff,
    source,
    current: cur,
    previous: prev.length ? prev : null,
    hoursByMonth: { current: monthsOf(y, current), previous: previous.length ? monthsOf(y - 1, previous) : null },
    policy,
  });
}
