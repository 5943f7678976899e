/**
 * The year-end report as a workbook: one sheet per section of the report,
 * every figure a typed cell (counts and hours as numbers, rates as numbers
 * of percent with one decimal, as the report rounds them), from the same
 * model the HTML and the PDF draw.
 */
import { HISTOGRAM_BIN_TENTHS, overShare, perCapitaTenths, permille, type Rate, type ReportModel } from '../core/report-model.js';
import { RANKS } from '../core/policy.js';
import { quartersToHours } from '../core/decimal.js';
import type { Translator } from '../i18n/index.js';
import { sheetsBuffer, type SheetCell, type SheetSpec } from '../io/xlsx-out.js';
import { missingText, statusText, yearText } from './audit-view.js';
import { reportDocument } from './report-doc.js';

const pct = (r: Rate): SheetCell => {
  const p = permille(r);
  return p === null ? null : p / 10;
};
const perCapita = (r: Rate): SheetCell => {
  const t = perCapitaTenths(r);
  return t === null ? null : t / 10;
};

export async function reportWorkbook(model: ReportModel, tr: Translator, office: string): Promise<Buffer> {
  const t = tr.t;
  const year = yearText(model.year, tr);
  const title = `${office} ${t('report.title', { year })}${model.department ? ` ${t('report.department', { department: model.department })}` : ''}`;
  const footer = `${t('report.title', { year })} {page}/{pages}`;
  const sheets: SheetSpec[] = [];
  const cur = model.current;
  const prev = model.previous;
  const figureRows: SheetCell[][] = [
    [t('report.fig.denominator'), cur.denominator, prev?.denominator],
    [t('report.fig.participants'), cur.participants.num, prev?.participants.num],
    [`${t('report.fig.participation')} (%)`, pct(cur.participants), prev ? pct(prev.participants) : null],
    [t('report.fig.met'), cur.met.num, prev?.met.num],
    [`${t('report.fig.metRate')} (%)`, pct(cur.met), prev ? pct(prev.met) : null],
  ];
  for (const r of RANKS) {
    const rank = t(`rank.${r}`);
    figureRows.push([`${rank} ${t('report.col.denominator')}`, cur.metByRank[r].den, prev?.metByRank[r].den]);
    figureRows.push([`${rank} ${t('report.col.met')}`, cur.metByRank[r].num, prev?.metByRank[r].num]);
    figureRows.push([`${t('report.fig.metRankRate', { rank })} (%)`, pct(cur.metByRank[r]), prev ? pct(prev.metByRank[r]) : null]);
  }
  figureRows.push(
    [t('report.fig.totalHours'), quartersToHours(cur.totalQ), prev ? quartersToHours(prev.totalQ) : null],
    [t('report.fig.perCapita'), perCapita(cur.perCapita), prev ? perCapita(prev.perCapita) : null],
    [t('report.fig.shortfall'), cur.shortfall, prev?.shortfall],
    [t('report.fig.exempt'), cur.exempt, prev?.exempt],
    [t('report.fig.unrecorded'), cur.unrecorded, prev?.unrecorded],
  );
  sheets.push({ name: t('report.sheet.cover'), title, footer, columns: [{ header: t('report.col.figure'), kind: 'text' }, { header: year, kind: 'number' }, { header: yearText(model.year - 1, tr), kind: 'number' }], rows: figureRows });

  sheets.push({
    name: t('report.sheet.departments'),
    title,
    footer,
    frozenColumns: 1,
    columns: [
      { header: t('report.col.department'), kind: 'text' },
      { header: t('report.col.denominator'), kind: 'number' },
      { header: t('report.col.met'), kind: 'number' },
      { header: `${t('report.col.metRate')} (%)`, kind: 'number' },
      ...RANKS.flatMap((r) => [
        { header: `${t(`rank.${r}`)} ${t('report.col.denominator')}`, kind: 'number' as const },
        { header: `${t(`rank.${r}`)} ${t('report.col.met')}`, kind: 'number' as const },
        { header: `${t('report.col.rankRate', { rank: t(`rank.${r}`) })} (%)`, kind: 'number' as const },
      ]),
      { header: `${t('report.col.participation')} (%)`, kind: 'number' },
      { header: t('report.fig.totalHours'), kind: 'number' },
      { header: t('report.col.perCapita'), kind: 'number' },
    ],
    rows: model.departments.map((d) => [d.department, d.all.den, d.all.num, pct(d.all), ...RANKS.flatMap((r) => [d.byRank[r].den, d.byRank[r].num, pct(d.byRank[r])]), pct(d.participants), quartersToHours(d.totalQ), perCapita({ num: d.totalQ, den: d.all.den })]),
  });

  sheets.push({
    name: t('report.sheet.credits'),
    title,
    footer,
    columns: [{ header: t('report.col.rank'), kind: 'text' }, { header: t('report.col.bin'), kind: 'text' }, { header: t('report.col.cadres'), kind: 'number' }],
    rows: model.histograms.flatMap((h) => h.counts.map((n, i) => [t(`rank.${h.rank}`), i === h.edges.length - 1 ? `≥${h.edges[i] / 10}` : `${h.edges[i] / 10}–${(h.edges[i] + HISTOGRAM_BIN_TENTHS) / 10}`, n])),
  });

  const pm = model.monthly.previous;
  sheets.push({
    name: t('report.sheet.months'),
    title,
    footer,
    columns: [{ header: t('report.col.month'), kind: 'text' }, { header: t('report.col.cumulative'), kind: 'number' }, { header: t('report.col.cumulativePrev'), kind: 'number' }],
    rows: model.monthly.current.months.map((m, i) => [m, quartersToHours(model.monthly.current.cumulativeQ[i]), pm ? quartersToHours(pm.cumulativeQ[i]) : null]),
  });

  const statuses = ['met', 'on_track', 'behind', 'short', 'exempt', 'unrecorded'] as const;
  sheets.push({
    name: t('report.sheet.requirements'),
    title,
    footer,
    columns: [{ header: t('report.col.requirement'), kind: 'text' }, { header: t('report.col.carried'), kind: 'number' }, ...statuses.map((s) => ({ header: t(`status.${s}`), kind: 'number' as const }))],
    rows: model.requirements.map((s) => [`${t(`req.${s.id}`)} (${s.period === 'term' ? t('period.term') : year})`, s.total, ...statuses.map((st) => s.counts[st])]),
  });

  // The essays' similarity checks: the whole first, then each department with essays.
  const sim = model.similarity;
  sheets.push({
    name: t('reportperf.sheet.similarity'),
    title,
    footer,
    columns: [
      { header: t('report.col.department'), kind: 'text' },
      ...(['essays', 'compared', 'over'] as const).map((k) => ({ header: t(`reportperf.col.${k}`), kind: 'number' as const })),
      { header: `${t('reportperf.col.overRate')} (%)`, kind: 'number' },
      ...(['held', 'overridden'] as const).map((k) => ({ header: t(`reportperf.col.${k}`), kind: 'number' as const })),
    ],
    rows: [{ department: t('reportperf.all'), ...sim.total }, ...sim.departments].map((d) => [d.department, d.essays, d.compared, d.over, pct(overShare(d)), d.held, d.overridden]),
  });

  const sep = tr.lang === 'zh' ? '；' : '; ';
  sheets.push({
    name: t('report.sheet.shortfall'),
    title,
    footer,
    frozenColumns: 2,
    columns: [
      { header: t('report.col.department'), kind: 'text' },
      { header: t('report.col.learnerId'), kind: 'id' },
      { header: t('report.col.name'), kind: 'text' },
      { header: t('report.col.rank'), kind: 'text' },
      { header: t('report.col.status'), kind: 'text' },
      { header: t('report.col.missing'), kind: 'text', wrap: 60 },
    ],
    rows: model.shortfall.flatMap((d) => d.cadres.map((c) => [d.department, c.learnerId, c.name, t(`rank.${c.rank}`), statusText(c.status, tr), c.missing.map((r) => (r.status === 'behind' ? `${missingText(r, tr)}${t('missing.behindSuffix')}` : missingText(r, tr))).join(sep)])),
  });

  // The appendix's definitions and facts, as the document words them.
  const doc = reportDocument(model, tr, office);
  const start = doc.blocks.findIndex((b) => b.kind === 'h2' && b.text === t('report.h.appendix'));
  const rows: SheetCell[][] = [];
  for (const b of doc.blocks.slice(start + 1)) {
    if (b.kind === 'p') rows.push([b.text, null]);
    if (b.kind === 'table') for (const r of b.rows) rows.push([r[0], r[1]]);
  }
  sheets.push({ name: t('report.sheet.appendix'), title, footer, columns: [{ header: t('report.col.fact'), kind: 'text', wrap: 60 }, { header: t('report.col.value'), kind: 'text', wrap: 60 }], rows });
  // Dated as the PDF is, by the view's as-of date: the same figures give the same bytes.
  return sheetsBuffer(sheets, new Date(`${model.asOf}T00:00:00Z`));
}
