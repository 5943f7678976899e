/**
 * The year-end report as a PDF (A4), drawn by the one PDF writer
 * (src/io/pdf.ts) from the same blocks as the HTML: Chinese in the Noto
 * Sans SC files an npm install brings, charts as vector SVG. The document's
 * date is the view's as-of date, so the same figures give the same bytes.
 */
import { PdfWriter } from '../io/pdf.js';
import type { Block, ReportDoc } from './report-doc.js';

const GAP = 4;

function table(pdf: PdfWriter, b: Extract<Block, { kind: 'table' }>): void {
  const doc = pdf.doc;
  const left = doc.page.margins.left;
  const total = (b.widths ?? b.head.map(() => 1)).reduce((a, w) => a + w, 0);
  const widths = (b.widths ?? b.head.map(() => 1)).map((w) => (w / total) * pdf.width);
  const size = b.head.length > 6 ? 8 : 9;
  const rowHeight = (cells: string[], weight: 400 | 700) => Math.max(...cells.map((c, i) => pdf.cellHeight(c, { size, width: widths[i] - GAP, weight, lineGap: 1, align: b.numeric[i] ? 'right' : 'left' }))) + 3;
  const drawRow = (cells: string[], weight: 400 | 700, shade: boolean) => {
    const h = rowHeight(cells, weight);
    if (doc.y + h > pdf.bottom) {
      pdf.addPage();
      if (weight === 400) drawRow(b.head, 700, true);
    }
    const y = doc.y;
    if (shade) doc.save().rect(left, y, pdf.width, h).fill('#eef3fa').restore();
    let x = left;
    cells.forEach((c, i) => {
      pdf.cellText(c, { size, weight, x: x + GAP / 2, y: y + 1.5, width: widths[i] - GAP, align: b.numeric[i] ? 'right' : 'left', lineGap: 1 });
      x += widths[i];
    });
    doc.save().strokeColor('#cccccc').lineWidth(0.4).moveTo(left, y + h).lineTo(left + pdf.width, y + h).stroke().restore();
    doc.x = left;
    doc.y = y + h;
  };
  drawRow(b.head, 700, true);
  for (const r of b.rows) drawRow(r, 400, false);
  doc.y += 6;
}

/**
 * The report's PDF, dated `asOf` (the view's as-of date). Each block is let go as it is drawn (the
 * document's blocks are left empty): a 20,000-cadre shortfall list is most of the heap the drawing
 * holds. `beforeFinish` runs once every block is drawn, before the fonts' subsets are made and
 * embedded (the command asks for the smallest heap there). `tail` gives blocks drawn after the
 * document's own, asked for only once those are drawn (the appendix's facts, whose record state is
 * hashed meanwhile).
 */
export async function reportPdf(rdoc: ReportDoc, asOf: string, office: string, beforeFinish: () => void = () => {}, tail?: () => Promise<Block[]>): Promise<Buffer> {
  const pdf = await PdfWriter.create({ title: rdoc.title, author: office, date: new Date(`${asOf}T00:00:00Z`), margin: 48, bufferPages: false });
  const doc = pdf.doc;
  const ensure = (h: number) => {
    if (doc.y + h > pdf.bottom) pdf.addPage();
  };
  // A block is drawn at once, but for a chart, whose drawing is awaited.
  const draw = (b: Block): Promise<void> | undefined => {
    switch (b.kind) {
      case 'title':
        pdf.text(b.text, { size: 18, weight: 700 });
        for (const s of b.sub) pdf.text(s, { size: 10, color: '#555555' });
        pdf.rule('#1f5fa8');
        pdf.moveDown(0.5);
        break;
      case 'h2':
        if (b.pageBreak) pdf.addPage();
        else ensure(40);
        pdf.moveDown(0.6);
        pdf.text(b.text, { size: 14, weight: 700, color: '#1f5fa8' });
        pdf.moveDown(0.3);
        break;
      case 'h3':
        ensure(36);
        pdf.moveDown(0.4);
        pdf.text(b.text, { size: 11.5, weight: 700 });
        break;
      case 'p':
        ensure(16);
        pdf.paragraph(b.text, { size: b.small ? 8.5 : 10, color: b.small ? '#555555' : '#000000' });
        pdf.moveDown(0.2);
        break;
      case 'table':
        table(pdf, b);
        break;
      case 'chart': {
        const scale = Math.min(1, pdf.width / b.chart.width);
        const h = b.chart.height * scale;
        // A chart taller than a page (many departments) is drawn on a page of its own, scaled to fit.
        const room = pdf.bottom - doc.page.margins.top;
        const fit = h > room ? room / h : 1;
        if (doc.y + h * fit > pdf.bottom) pdf.addPage();
        return pdf.svg(b.chart.svg, b.chart.width * scale * fit, h * fit).then(() => void pdf.moveDown(0.4));
      }
    }
  };
  const blocks = rdoc.blocks;
  rdoc.blocks = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    (blocks as (Block | undefined)[])[i] = undefined;
    const drawing = draw(b);
    if (drawing) await drawing;
  }
  if (tail) for (const b of await tail()) await draw(b);
  beforeFinish();
  return pdf.finish();
}
