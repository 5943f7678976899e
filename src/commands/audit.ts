/**
 * `cadre audit`: read → compute → render. Each cadre's term is chosen and
 * audited by the pure engine (src/core), the facts gathered by
 * src/report/audit-run.ts; this module only prints the result.
 */
import type { Context } from '../shell/context.js';
import { paint } from '../shell/color.js';
import { chooseFormat, emit, jsonArrayWriter, openOutput, outFile, present, type Column, type Format } from '../shell/render.js';
import { addDays } from '../core/dates.js';
import { formatQuarters } from '../core/decimal.js';
import type { Rank } from '../core/policy.js';
import { ReportedFailure, UsageError, msg } from '../errors.js';
import { forEachAudit, planAudit, withReader } from '../report/audit-run.js';
import { AUDIT_COLUMNS, auditJson, auditJsonText, auditRow, rankText, yearText, type AuditRow, type AuditedCadre } from '../report/audit-view.js';
import { renderTranscript, transcriptJson } from '../report/transcript.js';
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
  readonly counts = { met: 0, on_track: 0, behind: 0, short: 0 };
  /** Cadres listed (exempt ones included). */
  shown = 0;
  private readonly underDesignated = new Map<Rank, Map<number, { designatedQ: number; policyQ: number }>>();

  add({ audit }: AuditedCadre, shown: boolean): void {
    if (shown) this.shown++;
    if (shown && audit.status in this.counts) this.counts[audit.status as keyof AuditTally['counts']]++;
    if (!audit.underDesignated.length) return;
    let years = this.underDesignated.get(audit.rank);
    if (!years) this.underDesignated.set(audit.rank, (years = new Map()));
    for (const u of audit.underDesignated) years.set(u.year, u);
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
  // Files for people default to Excel: --split-by writes workbooks unless --format csv, and so does --out NAME.xlsx.
  const implied = opts.splitBy || opts.out?.toLowerCase().endsWith('.xlsx') ? 'xlsx' : undefined;
  const format = chooseFormat(opts.format ?? implied, ctx.out, allowed);
  if (opts.splitBy && !opts.outDir) throw new UsageError(msg('audit.splitNeedsDir'), msg('audit.fix.splitNeedsDir'));
  if (format === 'xlsx' && !opts.splitBy && !opts.out) throw new UsageError(msg('xlsx.needsOut'), msg('xlsx.fix.needsOut'));
  // The output file is checked before the audit is made: an existing one is refused at once, not after the work.
  const out = opts.splitBy ? undefined : outFile(ctx, opts.out, !!opts.overwrite);
  // The facts' reader starts now, so that its start overlaps the planning.
  return withReader(ctx, opts, async (reader) => {
    const plan = planAudit(ctx, opts);
    const { ev } = plan;
    // A cadre asked for by ID but outside the view (not yet appointed, or left office) is named, not silently dropped.
    if (opts.learnerIds.length && plan.notInView.length) ctx.warn(ctx.tr.t('audit.notInView', { ids: plan.notInView.join(', '), asOf: ev.cutoff }));
    const tally = new AuditTally();
    const wanted = (a: AuditedCadre) => {
      const show = !opts.shortfall || isShortfall(a);
      tally.add(a, show);
      return show;
    };

    if (format === 'json' && !plan.single) {
      // Written as each cadre is audited: a province's audit never sits whole in memory.
      const output = openOutput(ctx, out);
      try {
        const list = jsonArrayWriter(output, !opts.out && !!ctx.out.isTTY);
        await forEachAudit(ctx, plan, (a) => {
          if (wanted(a)) list.addCompact(() => auditJsonText(a), () => auditJson(a));
        }, reader);
        list.end();
        output.close();
      } catch (e) {
        output.discard();
        throw e;
      }
      tally.warnUnderDesignated(ctx);
    } else {
      const shown: AuditedCadre[] = [];
      await forEachAudit(ctx, plan, (a) => {
        if (wanted(a)) shown.push(a);
      }, reader);
      tally.warnUnderDesignated(ctx);
      const single = plan.single && shown.length === 1;
      if (opts.splitBy || format === 'xlsx') {
        const { writeAuditWorkbooks } = await import('../report/audit-xlsx.js');
        // Split files carry the view's year (year-end view) or as-of date in their names: a later run never meets last year's files.
        const period = plan.year !== null ? yearText(plan.year, ctx.tr) : ctx.tr.t('outputs.fileAsOf', { date: ev.cutoff });
        await writeAuditWorkbooks(ctx, shown, auditColumns(ctx), { out, outDir: opts.outDir, splitBy: opts.splitBy, format, shortfall: !!opts.shortfall, overwrite: !!opts.overwrite, period });
      } else if (single && format === 'table') {
        emit(ctx, await renderTranscript(shown[0], ev, ctx), out);
      } else {
        const rows = shown.map((a) => auditRow(a, ctx.tr));
        const columns = auditColumns(ctx);
        const cadreOf = new Map(rows.map((row, i) => [row, shown[i]]));
        const of = (row: AuditRow) => cadreOf.get(row)!;
        const paintStatus = (key: string, text: string, row: AuditRow) => (key === 'status' ? paint(true, STATUS_HUE[of(row).audit.status], text) : text);
        // On a terminal: the listing fitted to its width with the first thing missing; the shortfall list one block per cadre. CSV, JSON and xlsx carry the data columns.
        const table = opts.shortfall ? (list: AuditRow[], fit: { width: number; color: boolean }) => shortfallBlocks(list.map(of), ctx.tr, fit) : auditTableColumns(ctx.tr, of);
        // JSON here is one learner's (with the transcript) or none: an office's is streamed above.
        const json = () => shown.map((a) => (single ? { ...auditJson(a), transcript: transcriptJson(a) } : auditJson(a)));
        await present(ctx, { columns, rows, json, empty: ctx.tr.t('audit.none'), paint: paintStatus, table }, { format, out });
      }
    }
    const { counts } = tally;
    ctx.err.write(ctx.tr.t('audit.summary', { count: tally.shown, asOf: ev.asOf === addDays(ev.cutoff, 1) && ev.cutoff !== ev.asOf ? ev.cutoff : ev.asOf, ...counts }) + '\n');
    if (opts.failOnShortfall && (counts.short > 0 || counts.behind > 0)) {
      throw new ReportedFailure(msg('audit.failOnShortfall', { count: counts.short + counts.behind }));
    }
    return 0;
  });
}

export async function run(opts: AuditOptions, ctx: Context): Promise<number> {
  return runAudit(opts, ctx);
}
