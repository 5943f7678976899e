/**
 * `cadre report --year Y --out FILE`: the year-end report for leadership,
 * as HTML, PDF or a workbook (the format from the file's extension). The
 * model is gathered by src/report/year-report.ts and built in src/core; the
 * renderers draw it; this module only chooses and writes.
 */
import path from 'node:path';
import type { Context } from '../shell/context.js';
import { outFile, outOptions } from '../shell/render.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { rateText, type ReportModel } from '../core/report-model.js';
import { UsageError, msg } from '../errors.js';
import { gatherReport, gatherReportLate } from '../report/year-report.js';
import { yearText } from '../report/audit-view.js';
import { preferLeanHeap, preferSmallHeap } from '../shell/small-heap.js';

export interface ReportCommandOptions {
  year: string;
  department?: string;
  out: string;
  anonymize?: boolean;
  overwrite?: boolean;
}

type ReportFormat = 'html' | 'pdf' | 'xlsx';

/** What the closing line says, kept apart so that the model can go once the document is made. */
const doneOf = (model: ReportModel) => ({ year: model.year, n: model.current.denominator, rate: rateText(model.current.met) });

function formatOf(file: string): ReportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.pdf') return 'pdf';
  if (ext === '.xlsx') return 'xlsx';
  throw new UsageError(msg('report.badOut', { file }), msg('report.fix.badOut'));
}

export async function run(opts: ReportCommandOptions, ctx: Context): Promise<number> {
  const format = formatOf(opts.out);
  // The file is checked before the work: an existing one is refused at once.
  const out = outFile(ctx, opts.out, !!opts.overwrite)!;
  // The office's whole year is held until the document is drawn: a lean heap (src/shell/small-heap.ts).
  preferLeanHeap();
  const gatherOpts = { year: opts.year, department: opts.department, anonymize: opts.anonymize };
  const office = ctx.policy().office[ctx.tr.lang];
  let bytes: Buffer | string;
  let done: { year: number; n: number; rate: string };
  if (format === 'pdf') {
    // The record state is hashed while the pages are drawn, on the second core, and the appendix's
    // table of what the report was made from is drawn last, once it is known (gatherReportLate).
    const gathered = await gatherReportLate(ctx, gatherOpts);
    let model: ReportModel | null = gathered.model;
    done = doneOf(model);
    const { reportDocumentBeforeFacts } = await import('../report/report-doc.js');
    const { reportPdf } = await import('../report/report-pdf.js');
    const { doc, facts } = reportDocumentBeforeFacts(model, ctx.tr, office);
    const { asOf } = model;
    // The office's cadres are in the document's blocks now: the model is let go before the drawing,
    // and each block as it is drawn (reportPdf), so the drawing runs on the lean heap alone and asks
    // for the smallest only for the fonts' embedding at its end (src/shell/small-heap.ts).
    model = null;
    bytes = await reportPdf(doc, asOf, office, preferSmallHeap, async () => [facts(await gathered.source())]);
  } else {
    const model = await gatherReport(ctx, gatherOpts);
    done = doneOf(model);
    if (format === 'xlsx') {
      const { reportWorkbook } = await import('../report/report-xlsx.js');
      bytes = await reportWorkbook(model, ctx.tr, office);
    } else {
      const { reportDocument } = await import('../report/report-doc.js');
      const { reportHtml } = await import('../report/report-html.js');
      bytes = reportHtml(reportDocument(model, ctx.tr, office), ctx.tr.lang);
    }
  }
  writeFileAtomic(out.path, bytes, outOptions(out));
  ctx.err.write(ctx.tr.t('report.written', { file: out.shown, year: yearText(done.year, ctx.tr), n: done.n, rate: done.rate }) + '\n');
  return 0;
}
