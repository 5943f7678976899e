/**
 * Charts drawn into a PDF: ECharts' SVG made into content operators by the
 * writer (src/io/pdf-svg.ts), anything else through svg-to-pdfkit; a label
 * with a halo (paint-order: stroke) shows its letters; Chinese in a chart
 * reads back; and a long document's streams, deflated on a thread, give
 * the same bytes as pdfkit's own deflate.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as echarts from 'echarts';
import { describe, expect, it } from 'vitest';
import { PdfWriter } from '../../src/io/pdf.js';
import { pathOps, svgOps, type SvgFonts } from '../../src/io/pdf-svg.js';
import { pdfStreams as streams } from '../helpers/pdf-streams.js';

const hasPoppler = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).error === undefined;

function barChart(labels: string[], values: number[]): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 240 });
  chart.setOption({
    animation: false,
    title: { text: '各部门达标率', left: 0, top: 0 },
    xAxis: { type: 'category', data: labels },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', data: values, label: { show: true, position: 'top', formatter: '{c}人' } }],
  });
  // As src/report/report-charts.ts keeps it: no hover styles (a style sheet makes the writer leave the chart to svg-to-pdfkit).
  const svg = chart
    .renderToSVGString()
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/ class="zr\d+-cls-\d+"/g, '');
  chart.dispose();
  return svg;
}

const fonts: SvgFonts = {
  runs: (text) => [{ font: 'F1', hex: '0001'.repeat([...text].length), width: 0.5 * [...text].length }],
  metrics: () => ({ ascent: 1000, descent: -200, xHeight: 500 }),
};

describe('a chart drawn into a PDF', () => {
  it('makes path data into PDF operators: relative made absolute, H and V lines, arcs and quadratics as cubic curves', () => {
    expect(pathOps('M10 20l5 0L30 40H50V60Z')).toBe('10 20 m\n15 20 l\n30 40 l\n50 40 l\n50 60 l\nh');
    expect(pathOps('M0 0Q10 0 10 10')).toBe('0 0 m\n6.666667 0 10 3.333333 10 10 c');
    // A circle of radius 1 as ECharts writes a symbol: two arcs, ending where it began.
    const circle = pathOps('M1 0A1 1 0 1 1 1 -0.1A1 1 0 0 1 1 0').split('\n');
    expect(circle[0]).toBe('1 0 m');
    expect(circle.every((l, i) => i === 0 || l.endsWith(' c'))).toBe(true);
    expect(circle.length).toBeGreaterThanOrEqual(5);
    expect(circle[circle.length - 1]).toMatch(/ 1 0 c$/);
  });

  it('leaves to svg-to-pdfkit what it does not draw itself: a gradient, an image, a half-transparent fill', () => {
    const box = { x: 0, y: 0, width: 100, height: 100 };
    const svg = (body: string) => `<svg width="100" height="100" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">${body}</svg>`;
    expect(svgOps(svg('<path d="M0 0L10 10" stroke="#000"></path>'), fonts, box)).not.toBeNull();
    expect(svgOps(svg('<defs><linearGradient id="g"></linearGradient></defs><path d="M0 0L10 10" fill="url(#g)"></path>'), fonts, box)).toBeNull();
    expect(svgOps(svg('<image href="x.png" width="10" height="10"></image>'), fonts, box)).toBeNull();
    expect(svgOps(svg('<path d="M0 0L10 10Z" fill="#000" fill-opacity="0.5"></path>'), fonts, box)).toBeNull();
    expect(svgOps(svg('<path d="M0 0L10 10Z" fill="#000" filter="url(#f)"></path>'), fonts, box)).toBeNull();
  });

  it('draws through svg-to-pdfkit an SVG it does not draw itself', async () => {
    const svg = '<svg width="100" height="100" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><defs><linearGradient id="g"><stop offset="0" stop-color="#f00"></stop><stop offset="1" stop-color="#00f"></stop></linearGradient></defs><rect x="0" y="0" width="100" height="50" fill="url(#g)"></rect><text x="10" y="80" fill="#000">学时 12</text></svg>';
    const pdf = await PdfWriter.create({ title: 't', date: new Date(0) });
    await pdf.svg(svg, 100, 100);
    const content = streams(await pdf.finish()).find((s) => s.includes(' Tf'))!;
    // svg-to-pdfkit's own marks: a shading for the gradient, its text drawn glyph by glyph (Tj).
    expect(content).toMatch(/\/Sh\d+ sh|\/P\d+ scn|\/Pattern/);
    expect(content).toContain('Tj');
  });

  it('draws a label with a halo (paint-order: stroke) outline first and its letters over it', () => {
    const box = { x: 0, y: 0, width: 100, height: 100 };
    const ops = svgOps('<svg width="100" height="100" viewBox="0 0 100 100"><text x="5" y="5" fill="#333" stroke="#fff" stroke-width="2" paint-order="stroke">12</text></svg>', fonts, box)!;
    expect(ops.indexOf('1 Tr')).toBeGreaterThan(-1);
    expect(ops.indexOf('0 Tr')).toBeGreaterThan(ops.indexOf('1 Tr'));
    expect(ops).not.toContain('2 Tr');
  });

  it('in an ECharts bar chart: the bars, the labels with their halo filled last, the Chinese read back', async () => {
    const svg = barChart(['计算机学院', '财务处'], [12, 7]);
    expect(svg).toContain('paint-order="stroke"');
    const pdf = await PdfWriter.create({ title: 't', date: new Date(0) });
    await pdf.svg(svg, 400, 240);
    const bytes = await pdf.finish();
    const content = streams(bytes).find((s) => s.includes(' Tf'))!;
    // Each halo label: stroked (1 Tr) and then filled (0 Tr); none drawn fill-then-stroke, which hides the letters.
    expect(content).not.toContain('2 Tr');
    expect(content).toMatch(/1 Tr[\s\S]*0 Tr/);
    if (hasPoppler) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-pdf-svg-'));
      const file = path.join(dir, 'c.pdf');
      fs.writeFileSync(file, bytes);
      const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout;
      for (const w of ['各部门达标率', '计算机学院', '财务处', '12人', '7人']) expect(text).toContain(w);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a long document (pages not kept) deflated on a thread gives the bytes of pdfkit deflating each stream itself', async () => {
    const make = async (deflateAside: boolean) => {
      const pdf = await PdfWriter.create({ title: '报告', date: new Date(0), bufferPages: false, deflateAside });
      for (let i = 0; i < 30; i++) {
        pdf.paragraph(`第${i}页：张伟（WZ2600${i}，处级）：本任期 总学分 6/60，缺 54 学分。`.repeat(20), { size: 10 });
        pdf.addPage();
      }
      return pdf.finish();
    };
    const aside = await make(true);
    // The same document written by pdfkit itself, deflating each stream on the main thread as it ends.
    const own = await make(false);
    expect(aside.equals(own)).toBe(true);
    expect((await make(true)).equals(aside)).toBe(true);
  });
});
