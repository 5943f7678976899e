/**
 * The year-end report as a document: headings, paragraphs, tables and
 * charts in order, built once from the report model in the report's
 * language. The HTML (report-html.ts) and the PDF (report-pdf.ts) draw the
 * same blocks, so both say the same thing in the same words.
 */
import { overShare, perCapitaTenths, quartersText, rateChange, rateText, signed, tenthsText, type DepartmentFigures, type Rate, type ReportModel, type ReportSource, type YearFigures } from '../core/report-model.js';
import { RANKS } from '../core/policy.js';
import type { Translator } from '../i18n/index.js';
import { missingText, yearText } from './audit-view.js';
import { departmentCharts, histogramChart, monthChart, type Chart } from './report-charts.js';

export type Block =
  | { kind: 'title'; text: string; sub: string[] }
  | { kind: 'h2'; text: string; pageBreak?: boolean }
  | { kind: 'h3'; text: string }
  | { kind: 'p'; text: string; small?: boolean }
  | { kind: 'table'; head: string[]; rows: string[][]; numeric: boolean[]; widths?: number[] }
  | { kind: 'chart'; chart: Chart; alt: string };

export interface ReportDoc {
  title: string;
  blocks: Block[];
}

const count = (n: number) => String(n);
const change = (d: number | null) => (d === null ? '—' : signed(tenthsText(d), d === 0));
const diff = (now: number, before: number | undefined) => (before === undefined ? '—' : signed(String(now - before), now === before));
const hoursDiff = (now: number, before: number | undefined) => (before === undefined ? '—' : signed(quartersText(now - before), now === before));
const perCapita = (r: Rate) => {
  const t = perCapitaTenths(r);
  return t === null ? '—' : tenthsText(t);
};
const perCapitaChange = (now: Rate, before: Rate | undefined) => {
  const a = perCapitaTenths(now);
  const b = before ? perCapitaTenths(before) : null;
  return a === null || b === null ? '—' : signed(tenthsText(a - b), a === b);
};
const ratePoints = (now: Rate, before: Rate | undefined, tr: Translator) => {
  const d = rateChange(now, before);
  return d === null ? '—' : tr.t('report.points', { n: change(d) });
};

function coverRows(cur: YearFigures, prev: YearFigures | null, tr: Translator): string[][] {
  const p = prev ?? undefined;
  const rows: string[][] = [
    [tr.t('report.fig.denominator'), count(cur.denominator), p ? count(p.denominator) : '—', diff(cur.denominator, p?.denominator)],
    [tr.t('report.fig.participants'), count(cur.participants.num), p ? count(p.participants.num) : '—', diff(cur.participants.num, p?.participants.num)],
    [tr.t('report.fig.participation'), rateText(cur.participants), p ? rateText(p.participants) : '—', ratePoints(cur.participants, p?.participants, tr)],
    [tr.t('report.fig.met'), count(cur.met.num), p ? count(p.met.num) : '—', diff(cur.met.num, p?.met.num)],
    [tr.t('report.fig.metRate'), rateText(cur.met), p ? rateText(p.met) : '—', ratePoints(cur.met, p?.met, tr)],
  ];
  for (const r of RANKS) {
    const rank = tr.t(`rank.${r}`);
    rows.push([tr.t('report.fig.metRank', { rank }), `${cur.metByRank[r].num}/${cur.metByRank[r].den}`, p ? `${p.metByRank[r].num}/${p.metByRank[r].den}` : '—', diff(cur.metByRank[r].num, p?.metByRank[r].num)]);
    rows.push([tr.t('report.fig.metRankRate', { rank }), rateText(cur.metByRank[r]), p ? rateText(p.metByRank[r]) : '—', ratePoints(cur.metByRank[r], p?.metByRank[r], tr)]);
  }
  rows.push(
    [tr.t('report.fig.totalHours'), quartersText(cur.totalQ), p ? quartersText(p.totalQ) : '—', hoursDiff(cur.totalQ, p?.totalQ)],
    [tr.t('report.fig.perCapita'), perCapita(cur.perCapita), p ? perCapita(p.perCapita) : '—', perCapitaChange(cur.perCapita, p?.perCapita)],
    [tr.t('report.fig.shortfall'), count(cur.shortfall), p ? count(p.shortfall) : '—', diff(cur.shortfall, p?.shortfall)],
    [tr.t('report.fig.exempt'), count(cur.exempt), p ? count(p.exempt) : '—', diff(cur.exempt, p?.exempt)],
  );
  if (cur.unrecorded || p?.unrecorded) rows.push([tr.t('report.fig.unrecorded'), count(cur.unrecorded), p ? count(p.unrecorded) : '—', diff(cur.unrecorded, p?.unrecorded)]);
  return rows;
}

function departmentRow(d: DepartmentFigures): string[] {
  return [d.department, count(d.all.den), count(d.all.num), rateText(d.all), rateText(d.byRank.division), rateText(d.byRank.section), rateText(d.participants), perCapita({ num: d.totalQ, den: d.all.den })];
}

/**
 * The document from the model. Its last block, the table of what the report was made from (the
 * close's or the record state's hash), needs the model's source.
 */
export function reportDocument(model: ReportModel, tr: Translator, office: string): ReportDoc {
  if (!model.source) throw new Error('reportDocument: the model has no source yet (reportDocumentBeforeFacts)');
  const { doc, facts } = reportDocumentBeforeFacts(model, tr, office);
  doc.blocks.push(facts(model.source));
  return doc;
}

/**
 * The document but for its last block, and the maker of that block from the report's source: the
 * PDF draws every other page while the record state is still being hashed (src/commands/report.ts).
 * `facts` holds the year's few facts, not the model.
 */
export function reportDocumentBeforeFacts(model: ReportModel, tr: Translator, office: string): { doc: ReportDoc; facts: (source: ReportSource) => Block } {
  const t = tr.t;
  const zh = tr.lang === 'zh';
  /** `a（b）` in Chinese, `a (b)` in English. */
  const paren = (a: string, b: string) => (zh ? `${a}（${b}）` : `${a} (${b})`);
  const year = yearText(model.year, tr);
  const title = t('report.title', { year });
  const blocks: Block[] = [];
  const sub = [office];
  if (model.department) sub.push(t('report.department', { department: model.department }));
  sub.push(t('report.asOfLine', { cutoff: model.cutoff }));
  blocks.push({ kind: 'title', text: title, sub });

  // 1. The cover: the year's headline figures against the year before.
  blocks.push({ kind: 'h2', text: t('report.h.cover') });
  const prevYear = model.previous ? yearText(model.previous.year, tr) : yearText(model.year - 1, tr);
  blocks.push({ kind: 'table', head: [t('report.col.figure'), year, prevYear, t('report.col.change')], rows: coverRows(model.current, model.previous, tr), numeric: [false, true, true, true], widths: [4, 2, 2, 2] });
  if (!model.previous) blocks.push({ kind: 'p', text: t('report.noPrevious', { year: prevYear }), small: true });
  blocks.push({ kind: 'p', text: t('report.coverNote'), small: true });

  // 2. Departments.
  blocks.push({ kind: 'h2', text: t('report.h.departments'), pageBreak: true });
  for (const r of RANKS) {
    for (const chart of departmentCharts(model, r, tr)) blocks.push({ kind: 'chart', chart, alt: t('report.chart.departments', { rank: t(`rank.${r}`) }) });
  }
  if (model.top.length) {
    const line = (d: DepartmentFigures) => paren(`${d.department} ${rateText(d.all)}`, `${d.all.num}/${d.all.den}`);
    const sep = tr.lang === 'zh' ? '；' : '; ';
    blocks.push({ kind: 'p', text: `${t('report.top')}${model.top.map(line).join(sep)}` });
    blocks.push({ kind: 'p', text: `${t('report.bottom')}${model.bottom.map(line).join(sep)}` });
  }
  blocks.push({
    kind: 'table',
    head: [t('report.col.department'), t('report.col.denominator'), t('report.col.met'), t('report.col.metRate'), t('report.col.rankRate', { rank: t('rank.division') }), t('report.col.rankRate', { rank: t('rank.section') }), t('report.col.participation'), t('report.col.perCapita')],
    rows: model.departments.map(departmentRow),
    numeric: [false, true, true, true, true, true, true, true],
    widths: [4, 1.3, 1.3, 1.5, 1.5, 1.5, 1.5, 1.5],
  });

  // 3. Credits, hours, requirements, exams.
  blocks.push({ kind: 'h2', text: t('report.h.learning'), pageBreak: true });
  for (const h of model.histograms) {
    if (h.atOrAbove + h.below === 0) continue;
    blocks.push({ kind: 'chart', chart: histogramChart(h, tr), alt: t('report.chart.histogram', { rank: t(`rank.${h.rank}`), threshold: h.thresholdTenths / 10 }) });
    blocks.push({ kind: 'p', text: t('report.histogramLine', { rank: t(`rank.${h.rank}`), threshold: h.thresholdTenths / 10, at: h.atOrAbove, all: h.atOrAbove + h.below, rate: rateText({ num: h.atOrAbove, den: h.atOrAbove + h.below }) }) });
  }
  blocks.push({ kind: 'chart', chart: monthChart(model, tr), alt: t('report.chart.months') });
  const cur = model.monthly.current.cumulativeQ;
  const prev = model.monthly.previous?.cumulativeQ;
  blocks.push({ kind: 'p', text: prev ? t('report.monthsLine', { now: quartersText(cur[11]), before: quartersText(prev[11]) }) : t('report.monthsLineAlone', { now: quartersText(cur[11]) }), small: true });

  blocks.push({ kind: 'h3', text: t('report.h.requirements') });
  blocks.push({
    kind: 'table',
    head: [t('report.col.requirement'), t('report.col.carried'), t('status.met'), t('status.on_track'), t('status.behind'), t('status.short'), t('status.exempt'), t('status.unrecorded'), t('report.col.doneRate')],
    rows: model.requirements.map((s) => [
      paren(t(`req.${s.id}`), s.period === 'term' ? t('period.term') : year),
      count(s.total),
      count(s.counts.met),
      count(s.counts.on_track),
      count(s.counts.behind),
      count(s.counts.short),
      count(s.counts.exempt),
      count(s.counts.unrecorded),
      rateText({ num: s.counts.met, den: s.total - s.counts.exempt }),
    ]),
    numeric: [false, true, true, true, true, true, true, true, true],
    widths: [3.5, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.5],
  });
  const e = model.exams;
  blocks.push({ kind: 'h3', text: t('report.h.exams') });
  blocks.push({
    kind: 'p',
    text: e.taken.num
      ? t('report.examsLine', { taken: e.taken.num, all: e.taken.den, rate: rateText(e.taken), mean: perCapitaTextTenths(e.meanTenths), b0: e.bands[0], b1: e.bands[1], b2: e.bands[2], b3: e.bands[3] })
      : t('report.examsNone'),
  });
  blocks.push({ kind: 'h3', text: t('report.h.similarity') });
  const sim = model.similarity;
  const pct = (pm: number) => tenthsText(pm).replace(/\.0$/, '');
  if (!sim.total.compared) blocks.push({ kind: 'p', text: t('reportperf.similarityNone', { essays: sim.total.essays }), small: true });
  else {
    blocks.push({
      kind: 'p',
      text: t('reportperf.similarityLine', { essays: sim.total.essays, compared: sim.total.compared, over: sim.total.over, rate: rateText(overShare(sim.total)), others: pct(sim.othersPermille), self: pct(sim.selfPermille), held: sim.total.held, overridden: sim.total.overridden }),
    });
    if (sim.departments.length > 1) {
      blocks.push({
        kind: 'table',
        head: [t('report.col.department'), t('reportperf.col.essays'), t('reportperf.col.compared'), t('reportperf.col.over'), t('reportperf.col.overRate'), t('reportperf.col.held'), t('reportperf.col.overridden')],
        rows: sim.departments.map((d) => [d.department, count(d.essays), count(d.compared), count(d.over), rateText(overShare(d)), count(d.held), count(d.overridden)]),
        numeric: [false, true, true, true, true, true, true],
        widths: [4, 1.4, 1.4, 1.4, 1.6, 1.4, 1.4],
      });
    }
  }

  // 4. The named shortfall list, in words.
  blocks.push({ kind: 'h2', text: t('report.h.shortfall'), pageBreak: true });
  if (!model.shortfall.length) blocks.push({ kind: 'p', text: t('report.shortfallNone') });
  const sep = tr.lang === 'zh' ? '；' : '; ';
  // An office's thousands of gaps are worded from a few hundred distinct ones: each worded once.
  const worded = new Map<string, string>();
  const words = (r: (typeof model.shortfall)[number]['cadres'][number]['missing'][number]) => {
    const key = `${r.id}\u0000${r.period}\u0000${r.unit}\u0000${r.status}\u0000${r.actual}\u0000${r.required}\u0000${r.shortfall}`;
    let text = worded.get(key);
    if (text === undefined) worded.set(key, (text = r.status === 'behind' ? `${missingText(r, tr)}${t('missing.behindSuffix')}` : missingText(r, tr)));
    return text;
  };
  for (const d of model.shortfall) {
    blocks.push({ kind: 'h3', text: t('report.shortfallDept', { department: d.department, n: d.cadres.length }) });
    for (const c of d.cadres) {
      const what = c.missing.map(words).join(sep);
      blocks.push({ kind: 'p', text: zh ? `${c.name}（${c.learnerId}，${t(`rank.${c.rank}`)}）：${what}` : `${c.name} (${c.learnerId}, ${t(`rank.${c.rank}`)}): ${what}` });
    }
  }

  // 5. The appendix: what every figure means and what it was made from.
  blocks.push({ kind: 'h2', text: t('report.h.appendix'), pageBreak: true });
  for (const key of ['report.def.inView', 'report.def.exempt', 'report.def.denominator', 'report.def.participant', 'report.def.met', 'report.def.hours', 'report.def.rates', 'report.def.months', 'report.def.histogram'])
    blocks.push({ kind: 'p', text: t(key) });
  blocks.push({ kind: 'p', text: t('reportperf.def.similarity', { others: pct(sim.othersPermille), self: pct(sim.selfPermille) }) });
  if (model.anonymized) blocks.push({ kind: 'p', text: t('report.def.anonymized') });
  const rows: string[][] = [
    [t('report.fact.year'), year],
    [t('report.fact.asOf'), t('report.fact.asOfValue', { asOf: model.asOf, cutoff: model.cutoff })],
  ];
  for (const r of RANKS) {
    const p = model.policy.ranks[r];
    rows.push([t('report.fact.policy', { rank: t(`rank.${r}`) }), t('report.fact.policyValue', { total: tenthsText(p.totalTenths).replace(/\.0$/, ''), hours: quartersText(p.hoursPerYearQ), required: quartersText(p.requiredHoursPerYearQ), reflections: p.reflectionsPerYear, reports: p.reportsPerTerm, training: tenthsText(p.trainingTenths).replace(/\.0$/, '') })]);
  }
  // Each chart's ids (clip paths, gradients) made unique in the document and the same on every run.
  let n = 0;
  for (const b of blocks) if (b.kind === 'chart') b.chart = { ...b.chart, svg: b.chart.svg.replace(/\bzr\d+-/g, `ch${++n}-`) };
  return { doc: { title, blocks }, facts: factsMaker(t, rows) };
}

/**
 * The appendix's table of facts: `rows` (the year, the as-of date, the policy) and what the report
 * was made from. A function of its own, so that what it holds is `t` and `rows` alone, not the model.
 */
function factsMaker(t: Translator['t'], rows: readonly string[][]): (source: ReportSource) => Block {
  return (s) => {
    const all = rows.slice();
    if (s.kind === 'close') {
      all.push([t('report.fact.source'), t('report.fact.close', { at: (s.closedAt ?? '').slice(0, 16).replace('T', ' ') })]);
      all.push([t('report.fact.closeHash'), s.sha256]);
      if (s.changedSinceClose) all.push([t('report.fact.note'), t('report.fact.changedSinceClose')]);
      if (s.previousOpen) all.push([t('report.fact.note'), t('reportperf.fact.previousOpen')]);
    } else {
      all.push([t('report.fact.source'), t('report.fact.open')]);
      all.push([t('report.fact.stateHash'), s.sha256]);
    }
    all.push([t('report.fact.policyHash'), s.policySha256]);
    return { kind: 'table', head: [t('report.col.fact'), t('report.col.value')], rows: all, numeric: [false, false], widths: [3, 7] };
  };
}

function perCapitaTextTenths(r: Rate): string {
  if (r.den === 0) return '—';
  // tenths of a point over a count, shown with one decimal, rounded half up.
  return tenthsText(Math.floor((2 * r.num + r.den) / (2 * r.den)));
}
