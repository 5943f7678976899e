/**
 * Excel output of the audit and the shortfall list: the data columns
 * (audit-data.ts: figures as numbers, actual and required apart, IDs as
 * text), a title row (office, department, period), ready to print
 * (src/io/xlsx-out.ts). `--split-by department` writes one file per
 * department into --out-dir, or none (writeSplit).
 */
import type { Translator } from '../i18n/index.js';
import type { Context } from '../shell/context.js';
import type { Column, Format, OutFile } from '../shell/render.js';
import { hintIdsInCsv, idValues, outOptions, renderCsv } from '../shell/render.js';
import { UsageError, msg } from '../errors.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { preferSmallHeap } from '../shell/small-heap.js';
import { sheetsBuffer, type SheetCell, type SheetColumn } from '../io/xlsx-out.js';
import { CompactRows } from '../io/xlsx-rows.js';
import { auditDataColumns, auditDataRow, sheetRow, type AuditDataRow } from './audit-data.js';
import { writeSplitFiles } from './split-files.js';
import type { AuditedCadre } from './audit-view.js';

/** What a workbook of the audit says it is, on its title row. */
export interface WorkbookTitle {
  /** The policy's office name in the language of the run. */
  office: string;
  /** The view's period as a person reads it: `2025-2026学年`, `截至 2026-06-30`. */
  period: string;
  /** The department of a one-file workbook chosen by --department (else every department). */
  department?: string;
}

/** One sheet of the audit (or the shortfall list) as bytes of an .xlsx file. */
export async function workbookBuffer(ctx: Context, audited: AuditedCadre[], shortfall: boolean, title: WorkbookTitle, department: string | undefined): Promise<Buffer> {
  const columns = auditDataColumns(ctx.tr);
  return sheetBuffer(ctx, audited.map((a) => workbookRow(ctx, columns, a)), shortfall, title, department);
}

/** A cadre's row of the workbook. In a wrapped cell each missing item is a line of its own. */
function workbookRow(ctx: Context, columns: Column<AuditDataRow>[], a: AuditedCadre): SheetCell[] {
  return sheetRow(columns, auditDataRow(a, ctx.tr, '\n'));
}

/** The sheet's columns: printed, 平台学时 stands over 实际 and 要求 (two narrow columns), and the long texts wrap. */
function sheetColumnsOf(tr: Translator): SheetColumn[] {
  return auditDataColumns(tr).map((c) => {
    const part = /^(.*)_(actual|required)$/.exec(c.key);
    if (part) return { header: tr.t(`sheets.sub.${part[2]}`), group: tr.t(`col.${part[1]}`), kind: c.kind };
    return { header: c.header, kind: c.kind, wrap: c.key === 'missing' ? 50 : c.key === 'exempt' ? 16 : undefined };
  });
}

/** The workbook of rows made by workbookRow. */
async function sheetBuffer(ctx: Context, rows: SheetCell[][], shortfall: boolean, title: WorkbookTitle, department: string | undefined, sheetColumns = sheetColumnsOf(ctx.tr)): Promise<Buffer> {
  const { tr } = ctx;
  const kind = tr.t(shortfall ? 'xlsx.sheetShortfall' : 'xlsx.sheetAudit');
  const sep = tr.lang === 'zh' ? '\u3000' : ' — ';
  const head = [title.office, department ?? tr.t('sheets.allDepartments'), tr.t('sheets.titlePeriod', { period: title.period, kind }), tr.t('sheets.titleCount', { count: rows.length })];
  return sheetsBuffer([{
    name: kind,
    title: head.join(sep),
    columns: sheetColumns,
    rows,
    frozenColumns: 3,
    footer: tr.t('sheets.footer', { page: '{page}', pages: '{pages}' }),
  }]);
}

/** Texts remembered by a translator that keeps what it made (sameTexts): enough for every period, requirement and figure of a run. */
const TEXTS_KEPT = 65_536;

/**
 * `tr`, with each text it makes kept and given again for the same key and parameters: a
 * province's rows ask for the same few thousand texts (a year, a status, "平台学时 12/20，缺 8
 * 学时") 320,000 times over, and each row then holds the one string rather than a copy of it.
 * Parameters that are not plain text or numbers (an echoed message), or text holding the
 * separator of the key (U+0000), are translated each time.
 */
export function sameTexts(tr: Translator): Translator {
  const kept = new Map<string, string>();
  // The key and each parameter's name and value, joined (one flat string, made natively).
  const parts: (string | number)[] = [];
  const t: Translator['t'] = (key, params) => {
    let id = key;
    if (params) {
      parts.length = 0;
      parts.push(key);
      for (const name in params) {
        const v = params[name];
        if (typeof v !== 'number' && (typeof v !== 'string' || v.includes('\u0000'))) return tr.t(key, params);
        // A number and its text give the same translation (a count of 1 and "1" alike), so they may share a key.
        parts.push(name, v);
      }
      id = parts.join('\u0000');
    }
    let text = kept.get(id);
    if (text === undefined) {
      text = tr.t(key, params);
      if (kept.size >= TEXTS_KEPT) kept.clear();
      kept.set(id, text);
    }
    return text;
  };
  return { ...tr, t };
}

export interface WorkbookOptions {
  /** --out (one file), checked by outFile(). */
  out?: OutFile;
  outDir?: string;
  format: Format;
  shortfall: boolean;
  /** Replace split files that exist (--overwrite). */
  overwrite: boolean;
  /** The view's year or as-of date as it goes into a split file's name, e.g. `2025-2026学年`, `截至2026-06-30`. */
  period: string;
  /** What the title row says. */
  title: WorkbookTitle;
}

/** The audit as one workbook at --out (a split is written by SplitRows, its rows made as the audits arrive). */
export async function writeAuditWorkbooks(ctx: Context, audited: AuditedCadre[], opts: WorkbookOptions): Promise<void> {
  if (!opts.out) throw new UsageError(msg('xlsx.needsOut'), msg('xlsx.fix.needsOut'));
  writeFileAtomic(opts.out.path, await workbookBuffer(ctx, audited, opts.shortfall, opts.title, opts.title.department), outOptions(opts.out));
  ctx.err.write(ctx.tr.t('render.wroteRows', { file: opts.out.shown, count: audited.length }) + '\n');
}

/**
 * `--split-by department` in xlsx or CSV: each cadre's row made as its audit
 * arrives (add), kept by department, and the files written from the rows
 * (write). A province's 320,000 audits are never held at once: only their
 * rows, an xlsx row in a compact arena (src/io/xlsx-rows.ts: its figures as
 * tenths, the texts that repeat from row to row kept once), read back one
 * department at a time when its workbook is built.
 */
export class SplitRows {
  /** Each department's rows: an xlsx row's handle in `cells`, a CSV row as it is. */
  private readonly groups = new Map<string, (number | AuditDataRow)[]>();
  private readonly columns: Column<AuditDataRow>[];
  private readonly sheetColumns: SheetColumn[];
  private readonly cells: CompactRows;
  /** The run's translator, each text it makes kept for the next row that asks for the same. */
  private readonly rowCtx: Context;

  constructor(
    private readonly ctx: Context,
    private readonly opts: WorkbookOptions,
  ) {
    this.columns = auditDataColumns(ctx.tr);
    this.sheetColumns = sheetColumnsOf(ctx.tr);
    // IDs and names are each cadre's own; every other text repeats (a rank, a year, a line of a shortfall).
    this.cells = new CompactRows(this.columns.map((c) => c.kind === 'id' || c.key === 'name'));
    this.rowCtx = { ...ctx, tr: sameTexts(ctx.tr) };
    // Every row is held to the end, beside the audit's own garbage: a small heap (src/shell/small-heap.ts).
    preferSmallHeap();
  }

  add(a: AuditedCadre): void {
    const row = this.opts.format === 'csv' ? auditDataRow(a, this.rowCtx.tr) : this.cells.add(workbookRow(this.rowCtx, this.columns, a));
    const list = this.groups.get(a.cadre.department);
    if (list) list.push(row);
    else this.groups.set(a.cadre.department, [row]);
  }

  /** One file per department in --out-dir, or none (src/report/split-files.ts), each named with the view's period. */
  async write(): Promise<void> {
    const { ctx, opts } = this;
    const ext = opts.format === 'csv' ? 'csv' : 'xlsx';
    const prefix = ctx.tr.t(opts.shortfall ? 'xlsx.fileShortfall' : 'xlsx.fileAudit');
    const ids: string[] = [];
    // The all-or-none rule of every split output (src/report/split-files.ts); each file's content is made here.
    await writeSplitFiles(ctx, this.groups, { outDir: opts.outDir!, before: `${prefix}-`, after: `_${opts.period}`, ext, overwrite: opts.overwrite }, async (list, department) => {
      if (ext === 'csv') {
        const rows = list as AuditDataRow[];
        ids.push(...idValues(this.columns, rows));
        return renderCsv(this.columns, rows, true);
      }
      return sheetBuffer(ctx, (list as number[]).map((h) => this.cells.get(h)), opts.shortfall, opts.title, department, this.sheetColumns);
    });
    hintIdsInCsv(ctx, opts.outDir!, ids, true);
  }
}
