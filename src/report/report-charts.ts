/**
 * The year-end report's charts, drawn by ECharts' server-side SVG renderer
 * from the report model: 达标率 by department (one chart per rank), the
 * distribution of term credits against the term's threshold, and the
 * cumulative hours by month against the year before. Each is an SVG string
 * that the HTML inlines and the PDF draws (src/io/pdf.ts).
 */
import * as echarts from 'echarts';
import { HISTOGRAM_BIN_TENTHS, permille, quartersText, rankDepartments, rateText, type Histogram, type ReportModel } from '../core/report-model.js';
import type { Rank } from '../core/policy.js';
import type { Translator } from '../i18n/index.js';

export interface Chart {
  svg: string;
  width: number;
  height: number;
}

const FONT = "'Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','Droid Sans Fallback',sans-serif";
const GOOD = '#2e7d32';
const BAD = '#c62828';
const MAIN = '#1f5fa8';

function render(width: number, height: number, option: Record<string, unknown>): Chart {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT, fontSize: 12, color: '#222' }, ...option });
    // No hover styles (a page of the report has no pointer to hover with), and no renderer-wide
    // counter in the ids: the same figures give the same SVG however many charts came before.
    const svg = chart
      .renderToSVGString()
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/ class="zr\d+-cls-\d+"/g, '');
    return { svg, width, height };
  } finally {
    chart.dispose();
  }
}

// Labels drawn with no halo: a PDF draws a text's outline over its fill (no paint-order), hiding it.
/** A department name shortened for an axis label (the full name is in the tables). */
function axisName(s: string): string {
  const chars = [...s];
  return chars.length > 12 ? `${chars.slice(0, 11).join('')}…` : s;
}

/** Departments per bar chart: a page's height of bars, so a large office's chart is read on paper. */
export const DEPARTMENTS_PER_CHART = 40;

/**
 * 达标率 by department for one rank, best first, in charts of at most
 * DEPARTMENTS_PER_CHART departments; departments with no cadre of that rank are left out.
 */
export function departmentCharts(model: ReportModel, rank: Rank, tr: Translator, width = 640): Chart[] {
  const list = rankDepartments(model.departments.map((d) => ({ ...d, all: d.byRank[rank] }))).filter((d) => d.all.den > 0);
  const charts: Chart[] = [];
  const parts = Math.ceil(list.length / DEPARTMENTS_PER_CHART);
  for (let p = 0; p < parts; p++) {
    const rows = list.slice(p * DEPARTMENTS_PER_CHART, (p + 1) * DEPARTMENTS_PER_CHART).reverse();
    const height = 60 + rows.length * 18;
    const title = tr.t('report.chart.departments', { rank: tr.t(`rank.${rank}`) }) + (parts > 1 ? ` (${p + 1}/${parts})` : '');
    charts.push(
      render(width, height, {
        title: { text: title, left: 0, top: 0, textStyle: { fontSize: 13, fontFamily: FONT } },
        grid: { left: 150, right: 80, top: 30, bottom: 20 },
        xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
        yAxis: { type: 'category', data: rows.map((d) => axisName(d.department)), axisLabel: { fontSize: 11 } },
        series: [
          {
            type: 'bar',
            barMaxWidth: 14,
            data: rows.map((d) => ({ value: (permille(d.all) ?? 0) / 10, itemStyle: { color: MAIN } })),
            label: { show: true, position: 'right', fontSize: 10, textBorderWidth: 0, formatter: (q: { dataIndex: number }) => `${rateText(rows[q.dataIndex].all)} (${rows[q.dataIndex].all.num}/${rows[q.dataIndex].all.den})` },
          },
        ],
      }),
    );
  }
  return charts;
}

function binLabel(h: Histogram, i: number): string {
  const from = h.edges[i] / 10;
  return i === h.edges.length - 1 ? `≥${from}` : `${from}–${(h.edges[i] + HISTOGRAM_BIN_TENTHS) / 10}`;
}

/** Term credits of one rank's cadres in 5-credit bins, the bins below the term's total in red. */
export function histogramChart(h: Histogram, tr: Translator, width = 640): Chart {
  const labels = h.edges.map((_e, i) => binLabel(h, i));
  const at = h.edges.indexOf(h.thresholdTenths);
  return render(width, 280, {
    title: { text: tr.t('report.chart.histogram', { rank: tr.t(`rank.${h.rank}`), threshold: h.thresholdTenths / 10 }), left: 0, top: 0, textStyle: { fontSize: 13, fontFamily: FONT } },
    grid: { left: 50, right: 20, top: 56, bottom: 50 },
    xAxis: { type: 'category', data: labels, name: tr.t('report.chart.credits'), nameLocation: 'middle', nameGap: 32, axisLabel: { fontSize: 10, interval: 0, rotate: 40 } },
    yAxis: { type: 'value', name: tr.t('report.chart.cadres'), minInterval: 1 },
    series: [
      {
        type: 'bar',
        data: h.counts.map((n, i) => ({ value: n, itemStyle: { color: h.edges[i] >= h.thresholdTenths ? GOOD : BAD } })),
        label: { show: true, position: 'top', fontSize: 10, textBorderWidth: 0 },
        markLine: at >= 0 ? { symbol: 'none', silent: true, label: { formatter: tr.t('report.chart.threshold', { threshold: h.thresholdTenths / 10 }), fontSize: 10 }, lineStyle: { color: '#555', type: 'dashed' }, data: [{ xAxis: at - 0.5 }] } : undefined,
      },
    ],
  });
}

/** Cumulative platform hours recorded by month, this year against the year before. */
export function monthChart(model: ReportModel, tr: Translator, width = 640): Chart {
  const { current, previous } = model.monthly;
  const labels = current.months.map((m) => tr.t('report.chart.month', { month: Number(m.slice(5)) }));
  const hours = (q: number) => Number(quartersText(q));
  const series: Record<string, unknown>[] = [
    { type: 'line', name: tr.t('report.chart.thisYear', { year: model.year }), data: current.cumulativeQ.map(hours), lineStyle: { color: MAIN, width: 2 }, itemStyle: { color: MAIN }, symbolSize: 5 },
  ];
  if (previous) series.push({ type: 'line', name: tr.t('report.chart.lastYear', { year: model.year - 1 }), data: previous.cumulativeQ.map(hours), lineStyle: { color: '#999', type: 'dashed', width: 2 }, itemStyle: { color: '#999' }, symbolSize: 4 });
  return render(width, 280, {
    title: { text: tr.t('report.chart.months'), left: 0, top: 0, textStyle: { fontSize: 13, fontFamily: FONT } },
    legend: { top: 24, left: 0, textStyle: { fontFamily: FONT } },
    grid: { left: 70, right: 20, top: 76, bottom: 30 },
    xAxis: { type: 'category', data: labels, boundaryGap: false },
    yAxis: { type: 'value', name: tr.t('report.chart.hours') },
    series,
  });
}
