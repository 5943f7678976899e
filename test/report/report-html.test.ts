/**
 * The report's HTML and PDF from a model whose names and departments carry
 * markup: the HTML shows them as text (tables and the charts' SVG alike),
 * and the PDF's chart texts are cut into runs by font file.
 */
import { describe, expect, it } from 'vitest';
import { buildReportModel, type ReportCadre } from '../../src/core/report-model.js';
import { createTranslator } from '../../src/i18n/index.js';
import { reportDocument } from '../../src/report/report-doc.js';
import { reportHtml } from '../../src/report/report-html.js';
import { svgTextRuns, fontRuns } from '../../src/io/pdf.js';
import { policy } from '../core/fixtures.js';

const hostile = '<img src=x onerror=alert(1)>财务处';
const cadres: ReportCadre[] = [0, 1, 2].map((i) => ({
  learnerId: `WZ25000${i}`,
  name: `<script>alert(${i})</script>`,
  department: i ? hostile : '人事处 & "审计"',
  rank: 'section',
  status: i === 1 ? 'short' : 'met',
  requirements: [{ id: 'hours', period: 2025, unit: 'hours', required: 80, actual: i * 40, shortfall: 80 - i * 40, met: i === 2, status: i === 1 ? 'short' : 'met', periodStart: '2025-09-01', periodEnd: '2026-08-31' }],
  credits: { totalTenths: 100 * i, requiredTenths: 400 },
  latestExam: null,
}));

const model = buildReportModel({
  year: 2025,
  department: null,
  asOf: '2026-09-01',
  cutoff: '2026-08-31',
  source: { kind: 'state', sha256: 'a'.repeat(64), policySha256: 'b'.repeat(64) },
  current: cadres,
  previous: null,
  hoursByMonth: { current: new Map(), previous: null },
  policy,
});

describe('the report HTML', () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`escapes every text from the files (${lang})`, () => {
      const html = reportHtml(reportDocument(model, createTranslator(lang), '党委组织部'), lang);
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<script');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;财务处');
      expect(html).toContain('人事处 &amp; &quot;审计&quot;');
    });
  }

  it('is the same text on every run (chart ids do not count charts drawn before)', () => {
    const tr = createTranslator('zh');
    expect(reportHtml(reportDocument(model, tr, 'x'), 'zh')).toBe(reportHtml(reportDocument(model, tr, 'x'), 'zh'));
  });
});

describe('chart texts in a PDF', () => {
  it('are cut into tspans, each naming the font file that holds its characters', () => {
    const out = svgTextRuns('<svg><text x="1" style="font-family:sans-serif">达标率 &amp; 60%</text><text></text></svg>');
    const runs = fontRuns('达标率 & 60%');
    expect(runs.length).toBeGreaterThan(1);
    for (const r of runs) expect(out).toContain(`font-family="cadre-run-${r.subset}"`);
    expect(out).toContain('&amp;');
    expect(out).toContain('<text></text>');
  });
});

describe('the PDF writer', () => {
  it('draws every character of the font, 闫 included (its file is one the WOFF reader of pdfkit cannot read)', async () => {
    const { PdfWriter } = await import('../../src/io/pdf.js');
    const pdf = await PdfWriter.create({ title: 't', date: new Date(0) });
    pdf.text('闫伟 达标率 ABC');
    const bytes = await pdf.finish();
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
