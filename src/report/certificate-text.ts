/** A certificate's scope and each change found on verifying it, in words (zh/en catalogue). */
import type { CertificateChange, CertificateContent, CertificateRequirement } from '../core/certificate.js';
import { formatQuarters, formatTenths } from '../core/decimal.js';
import type { Translator } from '../i18n/index.js';
import { rankText, statusText, yearText } from './audit-view.js';

/** A requirement's figure in its unit, as people read it (17.5 credits, 2.25 hours, 1 essay). */
export function figure(r: Pick<CertificateRequirement, 'unit'>, v: number): string {
  return r.unit === 'credits' ? formatTenths(v) : r.unit === 'hours' ? formatQuarters(v) : String(v);
}

export function scopeText(c: CertificateContent, tr: Translator): string {
  return c.scope.kind === 'year' ? tr.t('certs.scope.year', { year: yearText(c.scope.year!, tr) }) : tr.t('certs.scope.term', { term: c.scope.term_years, asOf: c.scope.as_of });
}

function requirementName(r: CertificateRequirement, tr: Translator): string {
  return `${tr.t(`req.${r.id}`)} ${r.period === 'term' ? tr.t('period.term') : yearText(r.period, tr)}`;
}

function requirementState(r: CertificateRequirement, tr: Translator): string {
  return tr.t('certs.change.reqState', { actual: figure(r, r.actual), required: figure(r, r.required), unit: tr.t(`unit.${r.unit}`), status: r.exempt_reason ? tr.t('certs.change.exemptReason', { status: statusText(r.status, tr), reason: r.exempt_reason }) : statusText(r.status, tr) });
}

function recordText(kind: string, r: Record<string, unknown>, tr: Translator): string {
  switch (kind) {
    case 'hours':
      return tr.t('certs.record.hours', { date: r.date as string, course: r.title ? `${r.course as string} ${r.title as string}` : (r.course as string), hours: formatQuarters(r.quarters as number) });
    case 'essays':
      return tr.t('certs.record.essay', { date: r.date as string, kind: tr.t(`essay.${r.kind as string}`), title: r.title as string, chars: r.chars as number });
    case 'training':
      return tr.t('certs.record.training', { date: r.date as string, topic: r.topic as string });
    default:
      return tr.t('certs.record.exam', { date: r.date as string, exam: r.exam as string, score: formatTenths(r.score_tenths as number) });
  }
}

const none = (tr: Translator) => tr.t('certs.change.none');

export function changeText(ch: CertificateChange, tr: Translator): string {
  const { t } = tr;
  switch (ch.field) {
    case 'learner':
      if (ch.item === 'on_file') return t('certs.change.notOnFile', { id: String(ch.before) });
      return t('certs.change.field', {
        field: t(`certs.field.${ch.item}`),
        before: ch.item === 'rank' ? rankText(String(ch.before), tr) : String(ch.before ?? none(tr)),
        after: ch.item === 'rank' ? rankText(String(ch.after), tr) : String(ch.after ?? none(tr)),
      });
    case 'scope':
      return t('certs.change.field', { field: t(`certs.field.${ch.item}`), before: String(ch.before), after: String(ch.after) });
    case 'status':
      return t('certs.change.status', { before: statusText(ch.before as never, tr), after: statusText(ch.after as never, tr) });
    case 'credits':
      return t('certs.change.credits', { kind: t(`certs.credit.${ch.item}`), before: formatTenths(ch.before as number), after: formatTenths(ch.after as number) });
    case 'requirement': {
      const b = ch.before as CertificateRequirement | null;
      const a = ch.after as CertificateRequirement | null;
      const name = requirementName((a ?? b)!, tr);
      return t('certs.change.requirement', { name, before: b ? requirementState(b, tr) : none(tr), after: a ? requirementState(a, tr) : none(tr) });
    }
    case 'record':
      return ch.after === null
        ? t('certs.change.recordGone', { record: recordText(ch.item, ch.before as Record<string, unknown>, tr) })
        : t('certs.change.recordNew', { record: recordText(ch.item, ch.after as Record<string, unknown>, tr) });
    default:
      return t('certs.change.closed', { before: ch.before ? String(ch.before).slice(0, 16).replace('T', ' ') : none(tr), after: ch.after ? String(ch.after).slice(0, 16).replace('T', ' ') : none(tr) });
  }
}
