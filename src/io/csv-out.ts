/**
 * CSV the tool writes for people: csv-stringify does the quoting; text cells
 * that start like a formula (=, +, -, @, tab, CR) get a leading apostrophe so
 * a spreadsheet shows them as text and a name can never become a formula.
 */
import { stringify } from 'csv-stringify/sync';

export const BOM = '\uFEFF';

export function escapeFormula(value: string): string {
  if (value.length < 2 || !/^[=+\-@\t\r]/.test(value)) return value;
  // A plain signed number is data, not a formula.
  if (/^[+-]\d+(\.\d+)?$/.test(value)) return value;
  return `'${value}`;
}

export type Cell = string | number | null | undefined;

/** Numbers pass as numbers (so -1.5 stays a number); strings are escaped. */
export function toCsv(rows: Cell[][]): string {
  return stringify(
    rows.map((r) => r.map((c) => (typeof c === 'string' ? escapeFormula(c) : c ?? ''))),
    { record_delimiter: '\r\n' },
  );
}
