/**
 * Build rows once, render them as a table on a terminal, CSV (no BOM on a
 * pipe, BOM in a file) or JSON. The table renderer is loaded only when used.
 */
import fs from 'node:fs';
import { UsageError, msg } from '../errors.js';
import { BOM, toCsv, type Cell } from '../io/csv-out.js';
import type { Context, Stream } from './context.js';

export type Format = 'table' | 'csv' | 'json' | 'xlsx';

export interface Column<R> {
  key: keyof R & string;
  header: string;
}

/** --format, else table on a terminal and CSV on a pipe. */
export function chooseFormat(requested: string | undefined, out: Stream, allowed: Format[] = ['table', 'csv', 'json']): Format {
  if (requested) {
    if (!allowed.includes(requested as Format)) throw new UsageError(msg('render.badFormat', { format: requested, allowed: allowed.join('|') }));
    return requested as Format;
  }
  return out.isTTY ? 'table' : 'csv';
}

/**
 * A terminal table. `paintCell` may colour a cell (only called when colour is
 * on); rows are not separated by rules, so long listings stay readable.
 */
export async function renderTable<R>(columns: Column<R>[], rows: R[], color: boolean, paintCell?: (key: string, value: string, row: R) => string): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: columns.map((c) => c.header),
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const r of rows) {
    table.push(columns.map((c) => {
      const text = String((r[c.key] as unknown) ?? '');
      return color && paintCell ? paintCell(c.key, text, r) : text;
    }));
  }
  return table.toString() + '\n';
}

export function renderCsv<R>(columns: Column<R>[], rows: R[], withBom: boolean, headerKeys = false): string {
  const head: Cell[] = columns.map((c) => (headerKeys ? c.key : c.header));
  const body: Cell[][] = rows.map((r) => columns.map((c) => r[c.key] as unknown as Cell));
  return (withBom ? BOM : '') + toCsv([head, ...body]);
}

/** Writes output to --out (never overwriting silently a directory) or stdout. */
export function emit(ctx: Context, text: string, out?: string): void {
  if (out) {
    fs.writeFileSync(out, text, { mode: 0o644 });
    ctx.err.write(ctx.tr.t('render.wrote', { file: out }) + '\n');
  } else {
    ctx.out.write(text);
  }
}
