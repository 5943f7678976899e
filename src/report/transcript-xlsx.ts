/**
 * One cadre's transcript (学习档案) as a workbook: `audit LEARNER_ID --out
 * NAME.xlsx`. A sheet for the summary (who, the term, the status, the
 * credits, what is missing), one for the requirements and one for each kind
 * of record: platform hours (with the course's title), essays, training,
 * exams and exemptions. Every record the transcript shows is there, with
 * whether it counted (and why not) and where it came from.
 *
 * Cells keep their kind, so Excel, WPS and LibreOffice change none of them:
 * IDs, staff numbers, file names and every other text are text cells (a
 * leading zero stays, nothing becomes a date or a formula); hours, credits,
 * 字数, scores, batch and line numbers are numbers; the dates of records
 * are date cells shown as yyyy-mm-dd. Times (granted, revoked) are local,
 * to the minute, as text.
 */
import stringWidth from 'string-width';
import type { Context } from '../shell/context.js';
import { outOptions, type OutFile } from '../shell/render.js';
import type { Counted, Evaluation, HeldBy } from '../core/audit.js';
import { quartersToHours, tenthsToNumber } from '../core/decimal.js';
import { listCourses } from '../db/courses.js';
import { listExemptions } from '../db/exemptions.js';
import type { SourceRef } from '../db/facts.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { localMinute } from '../local-time.js';
import { essayHistory, reviewCells, versionText } from './transcript-reviews.js';
import { missingList, rankText, requirementValue, statusText, termText, yearText, type AuditedCadre } from './audit-view.js';

/** A cell's value: text, a number, a calendar date (yyyy-mm-dd, written as a date cell) or empty. */
type Value = string | number | { date: string } | null;

interface SheetSpec {
  name: string;
  headers: string[];
  rows: Value[][];
}

const dateCell = (iso: string): Value => ({ date: iso });
const isDate = (v: Value | undefined): v is { date: string } => v !== null && typeof v === 'object';

/** A calendar date as the date cell Excel reads as that day, whatever the zone (midnight UTC is a whole serial number). */
function toDate(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function sourceCells(s: unknown): Value[] {
  const src = s as SourceRef | undefined;
  if (!src) return [null, null, null, null];
  const also = src.alsoIn.map((a) => `${a.batchId}:${a.file}:${a.line}`).join('; ');
  return [src.batchId, src.file ?? src.enteredBy, src.line, also || null];
}

function sheetName(name: string): string {
  return name.replace(/[\\/?*[\]:]/g, '_').slice(0, 31) || 'sheet';
}

export async function transcriptWorkbook(ctx: Context, a: AuditedCadre, ev: Evaluation): Promise<Buffer> {
  const { tr } = ctx;
  const { t } = tr;
  const { cadre, audit } = a;
  const db = ctx.db({ readOnly: true });
  const titles = new Map(listCourses(db).map((c) => [c.code, c.title]));
  const exemptions = listExemptions(db, { all: true, cadreId: cadre.id });
  const counted = <T>(r: Counted<T>) => {
    const held = (r as { held?: HeldBy }).held;
    return r.counts ? t('transcript.counts') : held ? t(`transcript.why.${r.why}`, { anomaly: held.anomaly, kind: t(`anomalies.kind.${held.kind}`) }) : t(`transcript.why.${r.why}`);
  };
  const yearOf = (y: number) => yearText(y, tr);
  const source = [t('listings.tx.col.batch'), t('listings.tx.col.file'), t('listings.tx.col.line'), t('listings.tx.col.alsoIn')];
  const c = audit.credits;

  const summary: SheetSpec = {
    name: t('listings.tx.sheet.summary'),
    headers: [t('listings.tx.col.item'), t('listings.tx.col.value')],
    rows: [
      [t('listings.tx.name'), cadre.name],
      [t('listings.tx.learnerId'), cadre.learnerId],
      [t('listings.tx.staffNo'), cadre.staffNo],
      [t('listings.tx.department'), cadre.department],
      [t('listings.tx.rank'), rankText(audit.rank, tr)],
      [t('listings.tx.term'), termText(audit, tr)],
      [t('listings.tx.termFrom'), dateCell(audit.term.windowStart)],
      [t('listings.tx.termTo'), dateCell(audit.term.windowEnd)],
      [t('listings.tx.asOf'), dateCell(ev.cutoff)],
      [t('listings.tx.status'), statusText(audit.status, tr)],
      [t('listings.tx.platform'), tenthsToNumber(c.platformTenths)],
      [t('listings.tx.essays'), tenthsToNumber(c.essaysTenths)],
      [t('listings.tx.training'), tenthsToNumber(c.trainingTenths)],
      [t('listings.tx.total'), tenthsToNumber(c.totalTenths)],
      [t('listings.tx.required'), tenthsToNumber(c.requiredTenths)],
      ...missingList(audit, tr).map((m, i): Value[] => [i === 0 ? t('transcript.gaps') : '', m]),
    ],
  };
  const requirements: SheetSpec = {
    name: t('listings.tx.sheet.requirements'),
    headers: [t('transcript.col.requirement'), t('transcript.col.period'), t('listings.tx.col.unit'), t('transcript.col.required'), t('transcript.col.actual'), t('transcript.col.shortfall'), t('transcript.col.status'), t('listings.tx.col.exemptReason')],
    rows: audit.requirements.map((r) => [
      t(`req.${r.id}`),
      r.period === 'term' ? t('period.term') : yearOf(r.period),
      t(`unit.${r.unit}`),
      requirementValue(r, r.required),
      requirementValue(r, r.actual),
      requirementValue(r, r.shortfall),
      statusText(r.status, tr),
      r.exemptReason ?? null,
    ]),
  };
  const hours: SheetSpec = {
    name: t('listings.tx.sheet.hours'),
    headers: [t('transcript.col.date'), t('listings.tx.col.courseCode'), t('listings.tx.col.courseTitle'), t('transcript.col.hours'), t('listings.tx.col.year'), t('transcript.col.counts'), ...source],
    rows: audit.hours.map((h) => [dateCell(h.date), h.course, titles.get(h.course) ?? null, quartersToHours(h.quarters), yearOf(h.year), counted(h), ...sourceCells(h.source)]),
  };
  const history = essayHistory(ctx, a);
  const essays: SheetSpec = {
    name: t('listings.tx.sheet.essays'),
    headers: [t('listings.tx.col.essayId'), t('transcript.col.date'), t('transcript.col.kind'), t('transcript.col.title'), t('transcript.col.chars'), t('transcript.col.review'), t('listings.tx.col.year'), t('transcript.col.counts'), t('review.transcript.col.versions'), ...source],
    rows: audit.essays.map((e) => [e.id, dateCell(e.date), t(`essay.${e.kind}`), e.title, e.chars, t(`essayStatus.${e.status}`), yearOf(e.year), counted(e), versionText(e.id, history, tr) || null, ...sourceCells(e.source)]),
  };
  // Every review of the essays: who, the score, the verdict, the comment (and reason), when, and the essay's status after it.
  const reviewSheet: SheetSpec = {
    name: t('review.transcript.sheet'),
    headers: ['essay', 'reviewer', 'score', 'verdict', 'comment', 'at', 'status'].map((k) => t(`review.transcript.col.${k}`)),
    rows: audit.essays.flatMap((e) => (history.reviews.get(e.id) ?? []).map((r) => {
      const c = reviewCells(r, tr);
      return [e.id, c.reviewer, c.score || null, c.verdict, c.comment || null, c.at, c.status] as Value[];
    })),
  };
  const training: SheetSpec = {
    name: t('listings.tx.sheet.training'),
    headers: [t('transcript.col.date'), t('transcript.col.topic'), t('listings.tx.col.year'), t('transcript.col.counts'), ...source],
    rows: audit.training.map((x) => [dateCell(x.date), x.topic, yearOf(x.year), counted(x), ...sourceCells(x.source)]),
  };
  const exams: SheetSpec = {
    name: t('listings.tx.sheet.exams'),
    headers: [t('transcript.col.date'), t('transcript.col.exam'), t('transcript.col.score'), ...source],
    rows: audit.exams.map((x) => [dateCell(x.date), x.exam, tenthsToNumber(x.scoreTenths), ...sourceCells(x.source)]),
  };
  const exempt: SheetSpec = {
    name: t('listings.tx.sheet.exemptions'),
    headers: [t('transcript.col.requirement'), t('listings.tx.col.year'), t('listings.tx.col.reason'), t('listings.tx.col.grantedBy'), t('listings.tx.col.grantedAt'), t('listings.tx.col.revokedAt')],
    rows: exemptions.map((x) => [
      t(`req.${x.requirement}`),
      x.year !== null ? yearOf(x.year) : t('period.term'),
      x.reason,
      x.granted_by,
      localMinute(new Date(x.granted_at)),
      x.revoked_at ? localMinute(new Date(x.revoked_at)) : null,
    ]),
  };

  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cadre';
  for (const spec of [summary, requirements, hours, essays, reviewSheet, training, exams, exempt]) {
    const ws = wb.addWorksheet(sheetName(spec.name), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(spec.headers).font = { bold: true };
    for (const r of spec.rows) {
      const row = ws.addRow(r.map((v) => (isDate(v) ? toDate(v.date) : v)));
      r.forEach((v, i) => {
        if (isDate(v)) row.getCell(i + 1).numFmt = 'yyyy-mm-dd';
      });
    }
    spec.headers.forEach((h, i) => {
      const col = ws.getColumn(i + 1);
      const widest = Math.max(stringWidth(h), ...spec.rows.map((r) => (isDate(r[i]) ? 10 : stringWidth(String(r[i] ?? '')))));
      col.width = Math.min(60, Math.max(8, widest + 2));
    });
    if (spec.rows.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: spec.headers.length } };
    // Printed: landscape, one page wide, the header on every page.
    ws.pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1', paperSize: 9 };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Writes the transcript's workbook to --out (whole or not at all) and says so on stderr. */
export async function writeTranscriptWorkbook(ctx: Context, a: AuditedCadre, ev: Evaluation, out: OutFile): Promise<void> {
  writeFileAtomic(out.path, await transcriptWorkbook(ctx, a, ev), outOptions(out));
  ctx.err.write(ctx.tr.t('render.wrote', { file: out.shown }) + '\n');
}
