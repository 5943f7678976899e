/**
 * The audit as the terminal shows it, fitted to its width: the listing's own
 * columns (short headers, `17/20` figures, the first thing missing), and the
 * shortfall list as one block per cadre. CSV, JSON and xlsx keep the data
 * columns of audit-view.ts; nothing here reaches them.
 */
import type { CadreAudit, Requirement, Status } from '../core/audit.js';
import { formatQuarters, formatTenths } from '../core/decimal.js';
import { forTerminal } from '../core/text.js';
import type { Translator } from '../i18n/index.js';
import { paint, type Hue } from '../shell/color.js';
import { wrapText } from '../shell/fit.js';
import type { TableColumn } from '../shell/render.js';
import { missingList, missingText, rankText, shownYear, statusText, yearText, type AuditedCadre } from './audit-view.js';

export const STATUS_HUE: Record<Status, Hue> = { met: 'green', on_track: 'green', behind: 'yellow', short: 'red', exempt: 'cyan', unrecorded: 'cyan' };

function amount(r: Requirement, v: number): string {
  return r.unit === 'credits' ? formatTenths(v) : r.unit === 'hours' ? formatQuarters(v) : String(v);
}

/** A requirement as the terminal shows it: `17/20`, `*` when exempt, `-` when it does not apply. */
function ratio(a: CadreAudit, id: Requirement['id'], period: Requirement['period'] | null): string {
  const r = period === null ? undefined : a.requirements.find((x) => x.id === id && x.period === period);
  if (!r) return '-';
  const text = `${amount(r, r.actual)}/${amount(r, r.required)}`;
  return r.status === 'exempt' ? `${text}*` : text;
}

/**
 * Why a cadre is not met, in one item: the first requirement whose status is
 * the cadre's own (a short one for 未达标, one behind pace for 进度落后),
 * with how many more are missing. Empty when nothing is.
 */
export function firstMissing(a: CadreAudit, tr: Translator): string {
  const missing = a.requirements.filter((r) => r.status === 'short' || r.status === 'behind');
  if (!missing.length) return '';
  const first = missing.find((r) => r.status === a.status) ?? missing[0];
  const text = missingText(first, tr) + (first.status !== a.status && first.status === 'behind' ? tr.t('missing.behindSuffix') : '');
  return missing.length > 1 ? text + tr.t('fit.more', { count: missing.length - 1 }) : text;
}

/**
 * The terminal columns of the audit listing. What gives way first on a
 * narrow terminal: the exam score, the rank, the term and year (shown once
 * above the table when every row has the same), the essays, required
 * courses, training, hours, the total, the department. The ID, the status
 * and the first missing item always stay.
 */
export function auditTableColumns<R>(tr: Translator, of: (row: R) => AuditedCadre): TableColumn<R>[] {
  const h = (key: string) => tr.t(`fit.audit.col.${key}`);
  const year = (r: R) => shownYear(of(r).audit);
  return [
    { key: 'learner_id', header: h('learner_id'), cell: (r) => of(r).cadre.learnerId, essential: true, keep: true },
    { key: 'name', header: h('name'), cell: (r) => of(r).cadre.name, keep: true, drop: 1 },
    { key: 'department', header: h('department'), cell: (r) => of(r).cadre.department, drop: 2 },
    { key: 'rank', header: h('rank'), cell: (r) => rankText(of(r).audit.rank, tr), keep: true, drop: 11 },
    { key: 'term', header: h('term'), cell: (r) => { const t = of(r).audit.term; return `${t.startYear}-${t.endYear + 1}`; }, keep: true, merge: true, drop: 10 },
    { key: 'year', header: h('year'), cell: (r) => { const y = year(r); return y === null ? '-' : yearText(y, tr); }, keep: true, merge: true, drop: 9 },
    { key: 'hours', header: h('hours'), cell: (r) => ratio(of(r).audit, 'hours', year(r)), keep: true, drop: 4, align: 'right' },
    { key: 'required_courses', header: h('required_courses'), cell: (r) => ratio(of(r).audit, 'required', year(r)), keep: true, drop: 6, align: 'right' },
    { key: 'reflection', header: h('reflection'), cell: (r) => ratio(of(r).audit, 'reflection', year(r)), keep: true, drop: 7, align: 'right' },
    { key: 'report', header: h('report'), cell: (r) => ratio(of(r).audit, 'report', 'term'), keep: true, drop: 8, align: 'right' },
    { key: 'training', header: h('training'), cell: (r) => ratio(of(r).audit, 'training', 'term'), keep: true, drop: 5, align: 'right' },
    { key: 'total', header: h('total'), cell: (r) => ratio(of(r).audit, 'total', 'term'), keep: true, drop: 3, align: 'right' },
    { key: 'latest_exam', header: h('latest_exam'), cell: (r) => { const e = of(r).audit.latestExam; return e ? formatTenths(e.scoreTenths) : '-'; }, keep: true, drop: 12, align: 'right' },
    { key: 'status', header: h('status'), cell: (r) => statusText(of(r).audit.status, tr), essential: true, keep: true },
    { key: 'missing', header: h('missing'), cell: (r) => firstMissing(of(r).audit, tr), min: 24 },
  ];
}

/**
 * The shortfall list on a terminal: one block per cadre, its first line the
 * learner ID, name, department, rank and status, then one line per missing
 * item, each wrapped to `width`. The academic year, when every cadre's is the
 * same, is said once above.
 */
export function shortfallBlocks(list: AuditedCadre[], tr: Translator, { width, color }: { width: number; color: boolean }): string {
  const out: string[] = [];
  const years = new Set(list.map((a) => shownYear(a.audit)));
  const only = [...years][0];
  if (years.size === 1 && only !== null && only !== undefined) out.push(...wrapText(tr.t('fit.heading', { header: tr.t('fit.audit.col.year'), value: yearText(only, tr) }), width), '');
  for (const a of list) {
    const { cadre, audit } = a;
    const status = statusText(audit.status, tr);
    const words = [forTerminal(cadre.learnerId), forTerminal(cadre.name), forTerminal(cadre.department), rankText(audit.rank, tr)].join('  ');
    const head = wrapText(`${words}  ${status}`, width);
    // The status is coloured where it ends up (the last line of the heading).
    const last = head.length - 1;
    if (color && head[last].endsWith(status)) head[last] = head[last].slice(0, -status.length) + paint(true, STATUS_HUE[audit.status], status);
    out.push(...head.map((l, i) => (i === 0 ? paint(color, 'bold', l) : l)));
    for (const item of missingList(audit, tr)) {
      const lines = wrapText(forTerminal(item), Math.max(1, width - 4));
      out.push(...lines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)));
    }
    out.push('');
  }
  return out.join('\n');
}
