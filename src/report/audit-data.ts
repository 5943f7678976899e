/**
 * The audit as data: the columns of its CSV and xlsx, where each figure is
 * a number and actual and required are two columns (17.8 and 60), never the
 * terminal's `17.8/60`, which a spreadsheet may read as a date (`3/8` → 8
 * March) or a fraction. The terminal table keeps its own row (audit-view.ts).
 */
import type { Requirement } from '../core/audit.js';
import { tenthsToNumber } from '../core/decimal.js';
import type { Translator } from '../i18n/index.js';
import type { Column, View } from '../shell/render.js';
import type { SheetCell } from '../io/xlsx-out.js';
import { auditJson, missingList, rankText, requirementValue, shownYear, statusText, termText, yearText, type AuditedCadre } from './audit-view.js';

/** The requirements shown as figures, in the order of the terminal table. */
const PARTS = [
  { key: 'hours', id: 'hours', yearly: true },
  { key: 'required_courses', id: 'required', yearly: true },
  { key: 'reflection', id: 'reflection', yearly: true },
  { key: 'report', id: 'report', yearly: false },
  { key: 'training', id: 'training', yearly: false },
  { key: 'total', id: 'total', yearly: false },
] as const;

type Part = (typeof PARTS)[number]['key'];

export type AuditDataRow = {
  learner_id: string;
  staff_no: string;
  name: string;
  department: string;
  rank: string;
  term: string;
  year: string;
  latest_exam: number | null;
  status: string;
  missing: string;
  exempt: string;
} & { [K in `${Part}_actual` | `${Part}_required`]: number | null };

type Key = keyof AuditDataRow & string;

const KIND: Partial<Record<Key, Column<AuditDataRow>['kind']>> = { learner_id: 'id', staff_no: 'id', latest_exam: 'number' };

export const AUDIT_DATA_COLUMNS: Key[] = [
  'learner_id', 'staff_no', 'name', 'department', 'rank', 'term', 'year',
  ...PARTS.flatMap((p) => [`${p.key}_actual`, `${p.key}_required`] as Key[]),
  'latest_exam', 'status', 'missing', 'exempt',
];

/** The headers: the terminal's for shared columns, `平台学时（实际）` / `hours_actual` for the figures. */
export function auditDataColumns(tr: Translator): Column<AuditDataRow>[] {
  return AUDIT_DATA_COLUMNS.map((key) => {
    const m = /^(.*)_(actual|required)$/.exec(key);
    const header = m && key !== 'exempt' ? tr.t(`sheets.col.${m[2]}`, { label: tr.t(`col.${m[1]}`) }) : key === 'exempt' ? tr.t('sheets.col.exempt') : tr.t(`col.${key}`);
    return { key, header, kind: m ? 'number' : KIND[key] };
  });
}

function find(a: AuditedCadre['audit'], id: Requirement['id'], period: Requirement['period']): Requirement | undefined {
  return a.requirements.find((r) => r.id === id && r.period === period);
}

/** One cadre's row of the audit's CSV/xlsx; `joiner` separates the missing items (`；` in CSV, a line break in a wrapped xlsx cell). */
export function auditDataRow(a: AuditedCadre, tr: Translator, joiner = tr.lang === 'zh' ? '；' : '; '): AuditDataRow {
  const { cadre, audit } = a;
  const y = shownYear(audit);
  const row = {
    learner_id: cadre.learnerId,
    staff_no: cadre.staffNo,
    name: cadre.name,
    department: cadre.department,
    rank: rankText(audit.rank, tr),
    term: termText(audit, tr),
    year: y !== null ? yearText(y, tr) : '',
    latest_exam: audit.latestExam ? tenthsToNumber(audit.latestExam.scoreTenths) : null,
    status: statusText(audit.status, tr),
    missing: missingList(audit, tr).join(joiner),
    exempt: audit.requirements
      .filter((r) => r.status === 'exempt')
      .map((r) => {
        const what = `${r.period === 'term' ? tr.t('period.term') : yearText(r.period, tr)} ${tr.t(`req.${r.id}`)}`;
        // The reason as typed (a data file carries it whole, not escaped for a terminal).
        return r.exemptReason ? (tr.lang === 'zh' ? `${what}（${r.exemptReason}）` : `${what} (${r.exemptReason})`) : what;
      })
      .join(tr.lang === 'zh' ? '；' : '; '),
  } as AuditDataRow;
  for (const p of PARTS) {
    const r = p.yearly ? (y !== null ? find(audit, p.id, y) : undefined) : find(audit, p.id, 'term');
    row[`${p.key}_actual`] = r ? requirementValue(r, r.actual) : null;
    row[`${p.key}_required`] = r ? requirementValue(r, r.required) : null;
  }
  return row;
}

/** The audit's CSV: the data columns; its JSON is the audit's own objects. */
export function auditDataView(audited: AuditedCadre[], tr: Translator, empty: string): View<AuditDataRow> {
  return { columns: auditDataColumns(tr), rows: audited.map((a) => auditDataRow(a, tr)), json: () => audited.map(auditJson), empty };
}

/** A data row as the cells of a sheet, in the columns' order. */
export function sheetRow(columns: Column<AuditDataRow>[], row: AuditDataRow): SheetCell[] {
  return columns.map((c) => row[c.key]);
}
