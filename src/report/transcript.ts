/**
 * The transcript (学习档案) of one cadre: every requirement, every record with
 * whether it counted (and why not), where it came from, and every gap.
 */
import type { Context } from '../shell/context.js';
import { terminalWidth, wrapText } from '../shell/fit.js';
import { renderTable, type Column } from '../shell/render.js';
import type { Counted, Evaluation, HeldBy } from '../core/audit.js';
import { formatQuarters, formatTenths, quartersToHours, tenthsToNumber } from '../core/decimal.js';
import type { SourceRef } from '../db/facts.js';
import type { Translator } from '../i18n/index.js';
import { essayHistory, essayHistoryJson, reviewCells, versionText, type EssayHistory } from './transcript-reviews.js';
import { missingList, rankText, requirementValue, statusText, termText, yearText, type AuditedCadre } from './audit-view.js';

function sourceText(s: unknown, tr: Translator): string {
  const src = s as SourceRef | undefined;
  if (!src) return '';
  const main = src.file ? tr.t('source.batch', { batch: src.batchId ?? '?', file: src.file, line: src.line ?? '?' }) : tr.t('source.manual', { by: src.enteredBy });
  const also = src.alsoIn.map((a) => tr.t('source.batch', { batch: a.batchId, file: a.file, line: a.line }));
  return [main, ...also].join(tr.lang === 'zh' ? '；' : '; ');
}

function sourceJson(s: unknown): unknown {
  const src = s as SourceRef | undefined;
  if (!src) return null;
  return {
    batch: src.batchId,
    file: src.file,
    sha256: src.sha256,
    imported_at: src.importedAt,
    operator: src.operator ?? src.enteredBy,
    line: src.line,
    also_in: src.alsoIn.map((a) => ({ batch: a.batchId, file: a.file, line: a.line })),
  };
}

function countsText<T>(r: Counted<T>, tr: Translator): string {
  if (r.counts) return tr.t('transcript.counts');
  // A record an implausibility finding holds (or the office rejected) names the finding, for anomaly-accept / anomaly-reject.
  const held = (r as { held?: HeldBy }).held;
  return held ? tr.t(`transcript.why.${r.why}`, { anomaly: held.anomaly, kind: tr.t(`anomalies.kind.${held.kind}`) }) : tr.t(`transcript.why.${r.why}`);
}

/** `history`: the essays' versions and reviews (essayHistory); without it the essays carry none. */
export function transcriptJson(a: AuditedCadre, history?: EssayHistory): Record<string, unknown> {
  const { audit } = a;
  return {
    hours: audit.hours.map((h) => ({ course: h.course, date: h.date, hours: quartersToHours(h.quarters), year: h.year, counts: h.counts, why: h.why ?? null, ...(h.held ? { anomaly: h.held.anomaly } : {}), source: sourceJson(h.source) })),
    essays: audit.essays.map((e) => ({ id: e.id, kind: e.kind, title: e.title, date: e.date, chars: e.chars, status: e.status, year: e.year, counts: e.counts, why: e.why ?? null, source: sourceJson(e.source), ...(history ? essayHistoryJson(e.id, history) : {}) })),
    training: audit.training.map((t) => ({ topic: t.topic, date: t.date, counts: t.counts, why: t.why ?? null, source: sourceJson(t.source) })),
    exams: audit.exams.map((x) => ({ exam: x.exam, date: x.date, score: tenthsToNumber(x.scoreTenths), source: sourceJson(x.source) })),
  };
}

export async function renderTranscript(a: AuditedCadre, ev: Evaluation, ctx: Context): Promise<string> {
  const { tr, color } = ctx;
  const { t } = tr;
  const { cadre, audit } = a;
  const width = terminalWidth(ctx.out, ctx.env);
  const fit = { width, tr };
  const lines: string[] = [];
  // Every line of the transcript, a table's or a sentence's, fits the terminal's width.
  const out = { push: (text: string) => (text.endsWith('\n') ? lines.push(text.slice(0, -1), '') : lines.push(...wrapText(text, width))) };
  out.push(t('transcript.title', { name: cadre.name, id: cadre.learnerId, staffNo: cadre.staffNo, department: cadre.department, rank: rankText(audit.rank, tr) }));
  out.push(t('transcript.term', { term: termText(audit, tr), from: audit.term.windowStart, to: audit.term.windowEnd, asOf: ev.cutoff }));
  out.push(t('transcript.status', { status: statusText(audit.status, tr) }));
  // Why a requirement says "no full records": the periods that began before the office kept records.
  if (ev.recordsSince && audit.requirements.some((r) => r.status === 'unrecorded')) out.push(t('start.transcriptNote', { since: ev.recordsSince }));
  const c = audit.credits;
  out.push(t('transcript.credits', { platform: formatTenths(c.platformTenths), essays: formatTenths(c.essaysTenths), training: formatTenths(c.trainingTenths), total: formatTenths(c.totalTenths), required: formatTenths(c.requiredTenths) }));
  out.push('');
  out.push(t('transcript.requirements'));
  out.push(
    await renderTable(
      [
        { key: 'req', header: t('transcript.col.requirement') },
        { key: 'period', header: t('transcript.col.period'), fit: { keep: true } },
        { key: 'required', header: t('transcript.col.required'), fit: { keep: true } },
        { key: 'actual', header: t('transcript.col.actual'), fit: { keep: true } },
        { key: 'shortfall', header: t('transcript.col.shortfall'), fit: { keep: true } },
        { key: 'status', header: t('transcript.col.status'), fit: { min: 16 } },
      ],
      audit.requirements.map((r) => ({
        req: t(`req.${r.id}`),
        period: r.period === 'term' ? t('period.term') : yearText(r.period, tr),
        required: `${requirementValue(r, r.required)} ${t(`unit.${r.unit}`)}`,
        actual: String(requirementValue(r, r.actual)),
        shortfall: String(requirementValue(r, r.shortfall)),
        status: statusText(r.status, tr) + (r.exemptReason ? ` (${r.exemptReason})` : ''),
      })),
      color,
      undefined,
      fit,
    ),
  );
  const section = async <R>(title: string, columns: Column<R>[], rows: R[]) => {
    out.push(title);
    out.push(rows.length ? await renderTable(columns, rows, color, undefined, fit) : `  ${t('transcript.noRecords')}\n`);
  };
  await section(
    t('transcript.hours'),
    [
      { key: 'date', header: t('transcript.col.date'), fit: { keep: true } },
      { key: 'course', header: t('transcript.col.course') },
      { key: 'hours', header: t('transcript.col.hours') },
      { key: 'counts', header: t('transcript.col.counts') },
      { key: 'source', header: t('transcript.col.source') },
    ],
    audit.hours.map((h) => ({ date: h.date, course: h.course, hours: formatQuarters(h.quarters), counts: countsText(h, tr), source: sourceText(h.source, tr) })),
  );
  await section(
    t('transcript.essays'),
    [
      { key: 'id', header: 'ID', fit: { keep: true } },
      { key: 'date', header: t('transcript.col.date'), fit: { keep: true } },
      { key: 'kind', header: t('transcript.col.kind') },
      { key: 'title', header: t('transcript.col.title') },
      { key: 'chars', header: t('transcript.col.chars') },
      { key: 'status', header: t('transcript.col.review') },
      { key: 'counts', header: t('transcript.col.counts') },
    ],
    audit.essays.map((e) => ({ id: String(e.id), date: e.date, kind: t(`essay.${e.kind}`), title: e.title, chars: String(e.chars), status: t(`essayStatus.${e.status}`), counts: countsText(e, tr) })),
  );
  // Every version (an essay returned for revision and its resubmission) and every review of the essays.
  const history = essayHistory(ctx, a);
  const versioned = audit.essays.map((e) => ({ id: e.id, text: versionText(e.id, history, tr) })).filter((v) => v.text);
  const reviews = audit.essays.flatMap((e) => history.reviews.get(e.id) ?? []);
  if (versioned.length || reviews.length) {
    out.push(t('review.transcript.title'));
    for (const v of versioned) lines.push(...wrapText(v.text, width - 4).map((l, i) => (i ? '    ' : '  - ') + l));
    if (reviews.length) {
      out.push(
        await renderTable(
          [
            { key: 'essay', header: t('review.transcript.col.essay'), fit: { keep: true } },
            { key: 'reviewer', header: t('review.transcript.col.reviewer') },
            { key: 'score', header: t('review.transcript.col.score') },
            { key: 'verdict', header: t('review.transcript.col.verdict') },
            { key: 'comment', header: t('review.transcript.col.comment'), fit: { min: 10 } },
            { key: 'at', header: t('review.transcript.col.at'), fit: { keep: true } },
            { key: 'status', header: t('review.transcript.col.status') },
          ],
          reviews.map((r) => reviewCells(r, tr)),
          color,
          undefined,
          fit,
        ),
      );
    } else out.push('');
  }
  await section(
    t('transcript.training'),
    [
      { key: 'date', header: t('transcript.col.date'), fit: { keep: true } },
      { key: 'topic', header: t('transcript.col.topic') },
      { key: 'counts', header: t('transcript.col.counts') },
      { key: 'source', header: t('transcript.col.source') },
    ],
    audit.training.map((x) => ({ date: x.date, topic: x.topic, counts: countsText(x, tr), source: sourceText(x.source, tr) })),
  );
  await section(
    t('transcript.exams'),
    [
      { key: 'date', header: t('transcript.col.date'), fit: { keep: true } },
      { key: 'exam', header: t('transcript.col.exam') },
      { key: 'score', header: t('transcript.col.score') },
      { key: 'source', header: t('transcript.col.source') },
    ],
    audit.exams.map((x) => ({ date: x.date, exam: x.exam, score: formatTenths(x.scoreTenths), source: sourceText(x.source, tr) })),
  );
  const missing = missingList(audit, tr);
  out.push(t('transcript.gaps'));
  if (missing.length) for (const m of missing) lines.push(...wrapText(m, width - 4).map((l, i) => (i ? '    ' : '  - ') + l));
  else out.push(`  ${t('transcript.noGaps')}`);
  return lines.join('\n') + '\n';
}
