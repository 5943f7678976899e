/**
 * A blank input file for the office to fill (`cadre template KIND`): the
 * header in Chinese (every import also takes the English keys), one example
 * row, and in a workbook a comment on each header cell saying what the
 * column holds and whether it is required, text cells for the identifier
 * columns (a staff number keeps its leading zeros) and date cells for dates.
 *
 * The example row's first cell begins with 示例： (EXAMPLE_MARK): an import
 * skips such a row with a note, so a template sent back with its example
 * still in it imports only the office's own rows. Overwritten with a real
 * row, it is a row like any other.
 */
import { BOM, toCsv } from '../io/csv-out.js';
import type { Translator } from '../i18n/index.js';
import { columnNeed, INPUT_SPECS, type ColumnInfo, type InputKind, type InputSpec } from './columns.js';
import { EXAMPLE_MARK } from './row-skip.js';

/** Columns of dates (a workbook writes them as date cells). */
const DATE_KEYS = new Set(['appointed_on', 'left_on', 'completed_on', 'attended_on', 'taken_on', 'submitted_on']);
/** Columns of numbers (a workbook writes them as number cells). */
const NUMBER_KEYS = new Set(['hours', 'score', 'chars']);

/** The example row as text, its first cell marked. */
export function exampleRow(spec: InputSpec): string[] {
  return spec.columns.map((c, i) => (i === 0 ? `${EXAMPLE_MARK}${c.example}` : c.example));
}

/** A CSV template: UTF-8 with a BOM (Excel then reads the Chinese header), header and example row. */
export function csvTemplate(kind: InputKind): string {
  const spec = INPUT_SPECS[kind];
  return BOM + toCsv([spec.columns.map((c) => c.zh), exampleRow(spec)]);
}

/** The comment of a header cell: what the column needs and holds. */
export type ColumnNote = (spec: InputSpec, col: ColumnInfo) => string;

/** Display width of a header or value: CJK characters count as two. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return w;
}

/** An .xlsx template (one sheet, named for the kind). */
export async function xlsxTemplate(kind: InputKind, tr: Translator, note: ColumnNote): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const spec = INPUT_SPECS[kind];
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cadre';
  const ws = wb.addWorksheet(tr.t(`inputs.template.sheet.${kind}`), { views: [{ state: 'frozen', ySplit: 1 }] });
  const example = exampleRow(spec);
  spec.columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = Math.min(40, Math.max(10, width(c.zh) + 4, width(example[i]) + 2));
    // Set on the column, so the rows the office types in get it too.
    if (c.id || (!DATE_KEYS.has(c.key) && !NUMBER_KEYS.has(c.key))) col.numFmt = '@';
    else if (DATE_KEYS.has(c.key)) col.numFmt = 'yyyy-mm-dd';
    const head = ws.getCell(1, i + 1);
    head.value = c.zh;
    head.numFmt = '@';
    head.font = { bold: columnNeed(spec, c.key).need !== 'optional' };
    head.note = note(spec, c);
    const cell = ws.getCell(2, i + 1);
    const v = example[i];
    if (v === '') {
      /* left empty: an optional column */
    } else if (DATE_KEYS.has(c.key) && /^\d{4}-\d{2}-\d{2}$/.test(v)) {
      const [y, m, d] = v.split('-').map(Number);
      cell.value = new Date(Date.UTC(y, m - 1, d));
      cell.numFmt = 'yyyy-mm-dd';
    } else if (NUMBER_KEYS.has(c.key) && !c.id && /^\d+(\.\d+)?$/.test(v)) {
      cell.value = Number(v);
      cell.numFmt = 'General';
    } else {
      cell.value = v;
      cell.numFmt = '@';
    }
    cell.font = { italic: true, color: { argb: 'FF808080' } };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
