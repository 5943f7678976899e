/**
 * `cadre audit`: read → compute → render. Each cadre's term is chosen and
 * audited by the pure engine (src/core), the facts gathered by
 * src/report/audit-run.ts; this module only prints the result.
 */
import path from 'node:path';
import type { Context } from '../shell/context.js';
import { paint } from '../shell/color.js';
import { chooseFormat, emit, jsonArrayWriter, openOutput, outFile, present, type Column, type Format } from '../shell/render.js';
import { formatForFile } from '../shell/listing-out.js';
import { addDays } from '../core/dates.js';
import { academicYearOf, yearStartDate } from '../core/terms.js';
import { formatQuarters } from '../core/decimal.js';
import type { Rank } from '../core/policy.js';
import { ReportedFailure, UsageError, msg } from '../errors.js';
import { evaluationFor, forEachAudit, planAudit, recordsBegin, withReader } from '../report/audit-run.js';
import { preferLeanHeap } from '../shell/small-heap.js';
import { portableFileName } from '../core/file-names.js';
import { AUDIT_COLUMNS, auditJson, auditJsonText, auditRow, rankText, yearText, type AuditRow, type AuditedCadre } from '../report/audit-view.js';
import { renderTranscript, transcriptJson } from '../report/transcript.js';
import { essayHistory } from '../report/transcript-reviews.js';
import { closedAuditView } from '../report/year-close.js';
import { auditDataView } from '../report/audit-data.js';
import { STATUS_HUE, auditTableColumns, shortfallBlocks } from '../report/audit-table.js';

export interface AuditOptions {
  learnerIds: string[];
  asOf?: string;
  year?: string;
  department?: string;
  rank?: Rank;
  shortfall?: boolean;
  failOnShortfall?: boolean;
  format?: string;
  out?: string;
  splitBy?: string;
  outDir?: string;
  /** Replace an existing --out file, or existing files of --split-by in --out-dir. */
  overwrite?: boolean;
}

/** What is said on stderr after any audit: the status counts and the years designated below the policy. */
class AuditTally {
  readonly counts = { met: 0, on_track: 0, behind: 0, short: 0, unrecorded: 0 };
  /** Cadres listed (exempt ones included). */
  shown = 0;
  /** Per cadre short in a period that ended before the database's first write: the earliest such period's end (see hintStart). */
  private readonly shortBeforeFirstUse: string[] = [];
  constructor(private readonly firstUse: string | null = null) {}
  private readonly underDesignated = new Map<Rank, Map<number, { designatedQ: number; policyQ: number }>>();

  add({ audit }: AuditedCadre, shown: boolean): void {
    if (shown) this.shown++;
    if (shown && audit.status in this.counts) this.counts[audit.status as keyof AuditTally['counts']]++;
    const firstUse = this.firstUse;
    if (shown && firstUse !== null) {
      let end: string | null = null;
      for (const r of audit.requirements) if (r.status === 'short' && r.periodEnd < firstUse && (end === null || r.periodEnd < end)) end = r.periodEnd;
      if (end !== null) this.shortBeforeFirstUse.push(end);
    }
    if (!audit.underDesignated.length) return;
    let years = this.underDesignated.get(audit.rank);
    if (!years) this.underDesignated.set(audit.rank, (years = new Map()));
    for (const u of audit.underDesignated) years.set(u.year, u);
  }

  /**
   * Cadres short in a year that ended before the office's first write to the database: most
   * likely a year nobody recorded. Says how to tell the tool when its records begin.
   */
  hintStart(ctx: Context): void {
    if (!this.shortBeforeFirstUse.length || this.firstUse === null) return;
    // Records imported from the platform's history may begin before the first write: the hint counts
    // only the periods that ended before any record, and suggests the first day of that record's year.
    const begin = recordsBegin(ctx, this.firstUse);
    const count = this.shortBeforeFirstUse.filter((end) => end < begin).length;
    if (!count) return;
    const since = yearStartDate(academicYearOf(begin, ctx.policy()), ctx.policy());
    ctx.err.write(ctx.tr.t('start.hint', { count, begin, since }) + '\n');
  }

  /** One line per rank naming the years whose designated required hours fall short of the policy. */
  warnUnderDesignated(ctx: Context): void {
    for (const [rank, years] of this.underDesignated) {
      if (!years.size) continue;
      const list = [...years].sort(([a], [b]) => a - b).map(([year, u]) => ctx.tr.t('audit.underDesignatedYear', { year: yearText(year, ctx.tr), designated: formatQuarters(u.designatedQ), policy: formatQuarters(u.policyQ) }));
      ctx.warn(ctx.tr.t('audit.underDesignated', { rank: rankText(rank, ctx.tr), years: list.join(ctx.tr.lang === 'zh' ? '，' : ', ') }));
    }
  }
}

const isShortfall = (a: AuditedCadre) => a.audit.status === 'short' || a.audit.status === 'behind';

export function auditColumns(ctx: Context): Column<AuditRow>[] {
  return AUDIT_COLUMNS.map((key) => ({ key, header: ctx.tr.t(`col.${key}`) }));
}

/**
 * The audit's listings (a table of many cadres, CSV, one learner's JSON) go
 * through present() like every listing. Three outputs are its own: an
 * office's JSON is streamed a cadre at a time (openOutput and
 * jsonArrayWriter: a province's audit never sits whole in memory, nor its
 * text), one learner's table is the transcript, and xlsx or --split-by are
 * workbooks or one file per department (src/report/audit-xlsx.ts).
 */
export async function runAudit(opts: AuditOptions, ctx: Context): Promise<number> {
  const allowed: Format[] = ['table', 'csv', 'json', 'xlsx'];
  // Files for people default to Excel: --split-by and --out-dir write workbooks unless --format says csv
  // or json; --out's extension gives the format (src/shell/listing-out.ts).
  const format = opts.splitBy
    ? splitFormat(opts.format, allowed)
    : opts.out !== undefined
      ? formatForFile(opts.format, opts.out, allowed)
      : chooseFormat(opts.format ?? (opts.outDir !== undefined ? 'xlsx' : undefined), ctx.out, allowed);
  if (opts.splitBy && !opts.outDir) throw new UsageError(msg('audit.splitNeedsDir'), msg('audit.fix.splitNeedsDir'));
  // One file (--out) and a file per department (--out-dir) at once: which was meant is not guessed.
  if (opts.splitBy && opts.out !== undefined) throw new UsageError(msg('listings.splitAndOut'), msg('listings.fix.splitAndOut'));
  // --out-dir without --split-by: one file in that folder, named with the view's year or as-of date.
  const outPath = opts.splitBy || opts.outDir === undefined ? opts.out : periodFile(ctx, opts, format);
  if (format === 'xlsx' && !opts.splitBy && !outPath) throw new UsageError(msg('xlsx.needsOut'), msg('xlsx.fix.needsOut'));
  // The output file is checked before the audit is made: an existing one is refused at once, not after the work.
  const out = opts.splitBy ? undefined : outFile(ctx, outPath, !!opts.overwrite);
  // A closed year shows what was closed (src/report/year-close.ts), read from the database as it was frozen.
  const closed = closedAuditView(ctx, opts);
  // An office-wide audit goes through every cadre's records: a lean heap (src/shell/small-heap.ts).
  if (!opts.learnerIds.length) preferLeanHeap();
  // The facts' reader starts now, so that its start overlaps the planning.
  const source = closed ? <T>(fn: (reader: null) => Promise<T>) => fn(null) : <T>(fn: (reader: Parameters<typeof forEachAudit>[3]) => Promise<T>) => withReader(ctx, opts, fn);
  return source(async (reader) => {
    const plan = closed ? closed.plan : planAudit(ctx, opts);
    const each = async (visit: (a: AuditedCadre) => void) => (closed ? closed.each(visit) : forEachAudit(ctx, plan, visit, reader));
    const { ev } = plan;
    // A cadre asked for by ID but outside the view (not yet appointed, or left office) is named, not silently dropped.
    if (opts.learnerIds.length && plan.notInView.length) ctx.warn(ctx.tr.t('audit.notInView', { ids: plan.notInView.join(', '), asOf: ev.cutoff }));
    const tally = new AuditTally(plan.firstUse);
    const wanted = (a: AuditedCadre) => {
      const show = !opts.shortfall || isShortfall(a);
      tally.add(a, show);
      return show;
    };

    if (format === 'json' && !plan.single && !opts.splitBy) {
      // Written as each cadre is audited: a province's audit never sits whole in memory.
      const output = openOutput(ctx, out);
      try {
        const list = jsonArrayWriter(output, !opts.out && !!ctx.out.isTTY);
        await each((a) => {
          if (wanted(a)) list.addCompact(() => auditJsonText(a), () => auditJson(a));
        });
        list.end();
        output.close();
      } catch (e) {
        output.discard();
        throw e;
      }
      tally.warnUnderDesignated(ctx);
    } else if (opts.splitBy && format !== 'json') {
      // One workbook (or CSV) per department: each cadre's row made as it is audited, not its audit held (src/report/audit-xlsx.ts).
      const { SplitRows } = await import('../report/audit-xlsx.js');
      const split = new SplitRows(ctx, { outDir: opts.outDir, format, shortfall: !!opts.shortfall, overwrite: !!opts.overwrite, period: periodOf(plan, ctx), title: workbookTitle(ctx, plan, opts) });
      await each((a) => {
        if (wanted(a)) split.add(a);
      });
      // The rows are made: the cadres and their terms are let go before the files are built.
      plan.jobs.length = 0;
      tally.warnUnderDesignated(ctx);
      await split.write();
    } else {
      const shown: AuditedCadre[] = [];
      await each((a) => {
        if (wanted(a)) shown.push(a);
      });
      tally.warnUnderDesignated(ctx);
      const single = plan.single && shown.length === 1;
      if (opts.splitBy && format === 'json') {
        const { writeSplitJson } = await import('../report/audit-split.js');
        await writeSplitJson(ctx, shown, { outDir: opts.outDir!, shortfall: !!opts.shortfall, overwrite: !!opts.overwrite, period: periodOf(plan, ctx) });
      } else if (single && format === 'xlsx' && !opts.splitBy) {
        // One learner's workbook is the transcript: a sheet per kind of record (src/report/transcript-xlsx.ts).
        const { writeTranscriptWorkbook } = await import('../report/transcript-xlsx.js');
        await writeTranscriptWorkbook(ctx, shown[0], ev, out!);
      } else if (format === 'xlsx') {
        const { writeAuditWorkbooks } = await import('../report/audit-xlsx.js');
        await writeAuditWorkbooks(ctx, shown, { out, outDir: opts.outDir, format, shortfall: !!opts.shortfall, overwrite: !!opts.overwrite, period: periodOf(plan, ctx), title: workbookTitle(ctx, plan, opts) });
      } else if (single && format === 'table') {
        // In a file (--out NAME.txt) the transcript is plain text: no colour.
        emit(ctx, await renderTranscript(shown[0], ev, out ? { ...ctx, color: false } : ctx), out);
      } else if (format === 'csv') {
        // CSV is data (src/report/audit-data.ts): each figure a number, actual and required apart, never the table's "17/20".
        await present(ctx, auditDataView(shown, ctx.tr, ctx.tr.t('audit.none')), { format, out, xlsx: true });
      } else {
        const rows = shown.map((a) => auditRow(a, ctx.tr));
        const columns = auditColumns(ctx);
        const cadreOf = new Map(rows.map((row, i) => [row, shown[i]]));
        const of = (row: AuditRow) => cadreOf.get(row)!;
        const paintStatus = (key: string, text: string, row: AuditRow) => (key === 'status' ? paint(true, STATUS_HUE[of(row).audit.status], text) : text);
        // On a terminal: the listing fitted to its width with the first thing missing; the shortfall list one block per cadre. CSV, JSON and xlsx carry the data columns.
        const table = opts.shortfall ? (list: AuditRow[], fit: { width: number; color: boolean }) => shortfallBlocks(list.map(of), ctx.tr, fit) : auditTableColumns(ctx.tr, of);
        // JSON here is one learner's (with the transcript) or none: an office's is streamed above.
        const json = () => shown.map((a) => (single ? { ...auditJson(a), transcript: transcriptJson(a, essayHistory(ctx, a)) } : auditJson(a)));
        await present(ctx, { columns, rows, json, empty: ctx.tr.t('audit.none'), paint: paintStatus, table }, { format, out });
      }
    }
    const { counts } = tally;
    const unrecorded = counts.unrecorded ? ctx.tr.t('start.summaryUnrecorded', { unrecorded: counts.unrecorded }) : '';
    ctx.err.write(ctx.tr.t('audit.summary', { count: tally.shown, asOf: ev.asOf === addDays(ev.cutoff, 1) && ev.cutoff !== ev.asOf ? ev.cutoff : ev.asOf, ...counts }) + unrecorded + '\n');
    if (counts.unrecorded && ev.recordsSince) ctx.err.write(ctx.tr.t('start.auditNote', { since: ev.recordsSince }) + '\n');
    tally.hintStart(ctx);
    if (opts.failOnShortfall && (counts.short > 0 || counts.behind > 0)) {
      throw new ReportedFailure(msg('audit.failOnShortfall', { count: counts.short + counts.behind }));
    }
    return 0;
  });
}

/** What a workbook's title row says: the office, the period of the view, the department chosen. */
function workbookTitle(ctx: Context, plan: { year: number | null; ev: { cutoff: string } }, opts: AuditOptions) {
  return { office: ctx.policy().office[ctx.tr.lang], period: plan.year !== null ? yearText(plan.year, ctx.tr) : ctx.tr.t('sheets.asOf', { date: plan.ev.cutoff }), department: opts.department };
}

/** The view's year (year-end view) or as-of date as split files carry it in their names: a later run never meets last year's files. */
function periodOf(plan: { year: number | null; ev: { cutoff: string } }, ctx: Context): string {
  return plan.year !== null ? yearText(plan.year, ctx.tr) : ctx.tr.t('outputs.fileAsOf', { date: plan.ev.cutoff });
}

/**
 * The format of --split-by's files: xlsx unless --format says csv or json.
 * A table is for a terminal: one per department means nothing there, so
 * it is refused.
 */
function splitFormat(requested: string | undefined, allowed: Format[]): Format {
  if (requested === undefined) return 'xlsx';
  if (!allowed.includes(requested as Format)) throw new UsageError(msg('render.badFormat', { format: requested, allowed: allowed.join('|') }));
  if (requested === 'table') throw new UsageError(msg('listings.splitTable'), msg('listings.fix.splitTable'));
  return requested as Format;
}

/** `DIR/缺口清单_2025-2026学年.xlsx`, `DIR/学分核算_截至2026-06-30.csv`: the file --out-dir names without --split-by. */
function periodFile(ctx: Context, opts: AuditOptions, format: Format): string {
  if (opts.out !== undefined) throw new UsageError(msg('sheets.outAndOutDir'), msg('sheets.fix.outAndOutDir'));
  if (format !== 'xlsx' && format !== 'csv') throw new UsageError(msg('sheets.outDirFormat', { format }), msg('sheets.fix.outDirFormat'));
  const { ev, year } = evaluationFor(opts, ctx);
  const period = year !== null ? yearText(year, ctx.tr) : ctx.tr.t('outputs.fileAsOf', { date: ev.cutoff });
  return path.join(opts.outDir!, portableFileName(`${ctx.tr.t(opts.shortfall ? 'xlsx.fileShortfall' : 'xlsx.fileAudit')}_${period}.${format}`));
}

export async function run(opts: AuditOptions, ctx: Context): Promise<number> {
  return runAudit(opts, ctx);
}
