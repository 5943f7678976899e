/**
 * One audit, three renderings: the JSON object (SPEC's field names), the row
 * of the table/CSV, and the words of the shortfall list. Built once from the
 * pure engine's result.
 */
import type { CadreAudit, Requirement, Status } from '../core/audit.js';
import { formatQuarters, formatTenths, quartersToHours, tenthsToNumber } from '../core/decimal.js';
import type { CadreRow } from '../db/cadres.js';
import type { Translator } from '../i18n/index.js';

export interface AuditedCadre {
  cadre: CadreRow;
  audit: CadreAudit;
}

export function requirementValue(r: Requirement, v: number): number {
  return r.unit === 'credits' ? tenthsToNumber(v) : r.unit === 'hours' ? quartersToHours(v) : v;
}

function requirementText(r: Pick<Requirement, 'unit'>, v: number): string {
  return r.unit === 'credits' ? formatTenths(v) : r.unit === 'hours' ? formatQuarters(v) : String(v);
}

export function auditJson(a: AuditedCadre): Record<string, unknown> {
  const { cadre, audit } = a;
  const c = audit.credits;
  return {
    learner_id: cadre.learnerId,
    staff_no: cadre.staffNo,
    name: cadre.name,
    department: cadre.department,
    rank: audit.rank,
    term: { start_year: audit.term.startYear, end_year: audit.term.endYear, starts_on: audit.term.windowStart, ends_on: audit.term.windowEnd },
    credits: {
      platform: tenthsToNumber(c.platformTenths),
      essays: tenthsToNumber(c.essaysTenths),
      training: tenthsToNumber(c.trainingTenths),
      total: tenthsToNumber(c.totalTenths),
      required: tenthsToNumber(c.requiredTenths),
    },
    requirements: audit.requirements.map((r) => {
      const o: Record<string, unknown> = {
        id: r.id,
        period: r.period,
        unit: r.unit,
        required: requirementValue(r, r.required),
        actual: requirementValue(r, r.actual),
        met: r.met,
        shortfall: requirementValue(r, r.shortfall),
        status: r.status,
      };
      if (r.exemptReason !== undefined) o.exempt_reason = r.exemptReason;
      return o;
    }),
    latest_exam: audit.latestExam ? { exam: audit.latestExam.exam, taken_on: audit.latestExam.date, score: tenthsToNumber(audit.latestExam.scoreTenths) } : null,
    status: audit.status,
  };
}

/** A number as JSON writes it (the audit's figures are always finite). */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');
const str = JSON.stringify;

/**
 * `JSON.stringify(auditJson(a))`, written directly: an office-wide audit in
 * a file or a pipe is one of these per cadre, and building each object to
 * stringify it cost a third of the audit's own time. Texts a person typed go
 * through JSON.stringify; the rest are the engine's identifiers, dates and
 * numbers. Tests hold the two equal.
 */
export function auditJsonText(a: AuditedCadre): string {
  const { cadre, audit } = a;
  const { credits: c, term } = audit;
  let s = `{"learner_id":${str(cadre.learnerId)},"staff_no":${str(cadre.staffNo)},"name":${str(cadre.name)},"department":${str(cadre.department)},"rank":${str(audit.rank)},"term":{"start_year":${num(term.startYear)},"end_year":${num(term.endYear)},"starts_on":${str(term.windowStart)},"ends_on":${str(term.windowEnd)}},"credits":{"platform":${num(tenthsToNumber(c.platformTenths))},"essays":${num(tenthsToNumber(c.essaysTenths))},"training":${num(tenthsToNumber(c.trainingTenths))},"total":${num(tenthsToNumber(c.totalTenths))},"required":${num(tenthsToNumber(c.requiredTenths))}},"requirements":[`;
  const rs = audit.requirements;
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i];
    s += `${i ? ',' : ''}{"id":"${r.id}","period":${typeof r.period === 'number' ? num(r.period) : str(r.period)},"unit":"${r.unit}","required":${num(requirementValue(r, r.required))},"actual":${num(requirementValue(r, r.actual))},"met":${r.met},"shortfall":${num(requirementValue(r, r.shortfall))},"status":"${r.status}"${r.exemptReason !== undefined ? `,"exempt_reason":${str(r.exemptReason)}` : ''}}`;
  }
  const e = audit.latestExam;
  return `${s}],"latest_exam":${e ? `{"exam":${str(e.exam)},"taken_on":${str(e.date)},"score":${num(tenthsToNumber(e.scoreTenths))}}` : 'null'},"status":"${audit.status}"}`;
}

export function statusText(s: Status, tr: Translator): string {
  return tr.t(`status.${s}`);
}

export function rankText(rank: string, tr: Translator): string {
  return tr.t(`rank.${rank}`);
}

export function yearText(year: number, tr: Translator): string {
  return tr.t('year.label', { from: year, to: year + 1 });
}

export function termText(a: CadreAudit, tr: Translator): string {
  return tr.t('term.label', { from: a.term.startYear, to: a.term.endYear + 1 });
}

/** The latest academic year listed (the one the table shows), or null. */
export function shownYear(a: CadreAudit): number | null {
  return a.years.length ? a.years[a.years.length - 1] : null;
}

function find(a: CadreAudit, id: Requirement['id'], period: Requirement['period']): Requirement | undefined {
  return a.requirements.find((r) => r.id === id && r.period === period);
}

/** One requirement's shortfall in words, e.g. "2025-2026学年 平台学时 12/20，缺 8 学时". */
export function missingText(r: Pick<Requirement, 'id' | 'period' | 'unit' | 'required' | 'actual' | 'shortfall'>, tr: Translator): string {
  const period = r.period === 'term' ? tr.t('period.term') : yearText(r.period, tr);
  const label = tr.t(`req.${r.id}`);
  if (r.unit === 'essays') {
    const what = r.actual === 0 ? tr.t('missing.essayNone') : tr.t('missing.essayCount', { actual: r.actual, required: r.required });
    return tr.t('missing.essay', { period, label, what });
  }
  const unit = tr.t(`unit.${r.unit}`);
  return tr.t('missing.amount', {
    period,
    label,
    actual: requirementText(r, r.actual),
    required: requirementText(r, r.required),
    shortfall: requirementText(r, r.shortfall),
    unit,
  });
}

/** Everything missing for one cadre: requirements that are short or behind. */
export function missingList(a: CadreAudit, tr: Translator): string[] {
  return a.requirements.filter((r) => r.status === 'short' || r.status === 'behind').map((r) => {
    const text = missingText(r, tr);
    return r.status === 'behind' ? `${text}${tr.t('missing.behindSuffix')}` : text;
  });
}

export interface AuditRow {
  learner_id: string;
  staff_no: string;
  name: string;
  department: string;
  rank: string;
  term: string;
  year: string;
  hours: string;
  required_courses: string;
  reflection: string;
  report: string;
  training: string;
  total: string;
  latest_exam: string;
  status: string;
  missing: string;
}

export const AUDIT_COLUMNS: (keyof AuditRow)[] = [
  'learner_id', 'staff_no', 'name', 'department', 'rank', 'term', 'year', 'hours', 'required_courses', 'reflection', 'report', 'training', 'total', 'latest_exam', 'status', 'missing',
];

function ratio(r: Requirement | undefined): string {
  if (!r) return '-';
  const text = `${requirementText(r, r.actual)}/${requirementText(r, r.required)}`;
  return r.status === 'exempt' ? `${text}*` : text;
}

export function auditRow(a: AuditedCadre, tr: Translator): AuditRow {
  const { cadre, audit } = a;
  const y = shownYear(audit);
  const refl = y !== null ? find(audit, 'reflection', y) : undefined;
  return {
    learner_id: cadre.learnerId,
    staff_no: cadre.staffNo,
    name: cadre.name,
    department: cadre.department,
    rank: rankText(audit.rank, tr),
    term: termText(audit, tr),
    year: y !== null ? yearText(y, tr) : '-',
    hours: y !== null ? ratio(find(audit, 'hours', y)) : '-',
    required_courses: y !== null ? ratio(find(audit, 'required', y)) : '-',
    reflection: refl ? ratio(refl) : '-',
    report: ratio(find(audit, 'report', 'term')),
    training: ratio(find(audit, 'training', 'term')),
    total: ratio(find(audit, 'total', 'term')),
    latest_exam: audit.latestExam ? formatTenths(audit.latestExam.scoreTenths) : '-',
    status: statusText(audit.status, tr),
    missing: missingList(audit, tr).join(tr.lang === 'zh' ? '；' : '; '),
  };
}
