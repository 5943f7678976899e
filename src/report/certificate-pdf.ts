/**
 * A certificate of study drawn on A4 (src/io/pdf.ts): the office, the title,
 * the cadre, the requirements, the records counted (onto further pages as
 * they need), then the serial, the verification code with its QR code, the
 * day of issue and the office. Every page's foot repeats the serial and the
 * code. The PDF's keywords carry `CADRE-CERT:serial:code` uncompressed, so
 * `verify-certificate FILE.pdf` reads it back without parsing the pages.
 */
import type { Context } from '../shell/context.js';
import type { CertificateContent } from '../core/certificate.js';
import { qrText } from '../core/certificate.js';
import { formatQuarters, formatTenths } from '../core/decimal.js';
import type { Translator } from '../i18n/index.js';
import { PdfWriter, fontRuns, type TextOptions } from '../io/pdf.js';
import { rankText, statusText, yearText } from './audit-view.js';
import { figure } from './certificate-text.js';


interface Col {
  header: string;
  /** Share of the width. */
  share: number;
  align?: 'left' | 'right' | 'center';
}

const SIZE = 9.5;

/** A character pdfkit's line breaking must break at or may hyphenate at: such a text goes through it. */
const FORCED_BREAK = /[\n\r\v\f\u0085\u00ad\u2028\u2029]/;

/**
 * Whether `text`, in the document's current font and size, is one line when pdfkit wraps it to
 * `width` (its words, each at most its measured width, all fit on the first line): by a margin of
 * a point, so that no rounding of the word-by-word sum could make it two.
 */
function fitsOneLine(pdf: PdfWriter, text: string, width: number): boolean {
  return !FORCED_BREAK.test(text) && pdf.doc.widthOfString(text) <= width - 1;
}

/**
 * `pdf.heightOf(text, { size, width, weight })` (lineGap 2), without pdfkit's line breaking when
 * the text is one line: then its height is the one line's, summed as pdfkit sums it.
 */
function cellHeight(pdf: PdfWriter, text: string, size: number, width: number, weight: 400 | 700): number {
  const t = text || ' ';
  const doc = pdf.runFont(fontRuns(t)[0].subset, weight, size);
  if (!fitsOneLine(pdf, t, width)) return pdf.heightOf(text, { size, width, weight });
  const y = doc.y;
  return y + (doc.currentLineHeight(true) + 2) - y;
}

/**
 * One line centred or set right in its width. pdfkit aligns each font run of a
 * line on its own, so a line mixing Chinese and Latin (two font files) is set
 * here run by run from its measured width. Left-aligned text wraps as usual.

 */
function put(pdf: PdfWriter, text: string, opts: TextOptions & { x: number; y: number; width: number }): void {
  const align = opts.align ?? 'left';
  const runs = fontRuns(text === '' ? ' ' : text);
  const size = opts.size ?? 11;
  const weight = opts.weight ?? 400;
  if (align === 'left' || runs.length === 1) {
    pdf.text(text, opts);
    return;
  }
  // Each run's width in its own font file.
  const widths = runs.map((r) => pdf.runFont(r.subset, weight, size).widthOfString(r.text));
  const total = widths.reduce((a, b) => a + b, 0);
  let x = opts.x + Math.max(0, align === 'center' ? (opts.width - total) / 2 : opts.width - total);
  pdf.doc.fillColor(opts.color ?? '#000000');
  runs.forEach((r, i) => {
    pdf.runFont(r.subset, weight, size).text(r.text, x, opts.y, { lineBreak: false });
    x += widths[i];
  });
  pdf.doc.x = pdf.doc.page.margins.left;
  pdf.doc.y = opts.y + pdf.doc.currentLineHeight(true) + (opts.lineGap ?? 2);
}
const PAD = 10;

/** A table drawn row by row; a row that does not fit starts a new page, where the header is repeated. */
function table(pdf: PdfWriter, cols: Col[], rows: string[][]): void {
  const left = pdf.doc.page.margins.left;
  const widths = cols.map((c) => c.share * pdf.width);
  const rowHeight = (cells: string[], weight: 400 | 700) => Math.max(...cells.map((c, i) => cellHeight(pdf, c, SIZE, widths[i] - PAD, weight))) + 3;
  const draw = (cells: string[], weight: 400 | 700) => {
    const h = rowHeight(cells, weight);
    if (pdf.doc.y + h > pdf.bottom) {
      pdf.addPage();
      if (weight === 400) draw(cols.map((c) => c.header), 700);
    }
    const y = pdf.doc.y;
    let x = left;
    cells.forEach((c, i) => {
      put(pdf, c, { size: SIZE, weight, width: widths[i] - PAD, x, y, align: cols[i].align ?? 'left' });
      x += widths[i];
    });
    pdf.doc.x = left;
    pdf.doc.y = y + h;
    if (weight === 700) pdf.rule('#666666');
  };
  draw(cols.map((c) => c.header), 700);
  for (const r of rows) draw(r, 400);
  pdf.doc.y += 6;
}

function section(pdf: PdfWriter, title: string, tr: Translator, cols: Col[], rows: string[][]): void {
  // A section's title is never left alone at a page's foot: it starts where its header and first row fit.
  if (pdf.doc.y + 70 > pdf.bottom) pdf.addPage();
  pdf.text(title, { size: 12, weight: 700, x: pdf.doc.page.margins.left });
  pdf.doc.y += 3;
  if (rows.length) table(pdf, cols, rows);
  else pdf.text(tr.t('certs.pdf.none'), { size: SIZE, color: '#555555' }).moveDown(0.5);
}

/**
 * The QR code drawn as squares, one per dark module, inside a one-module quiet
 * zone: sharp at any print size, and with no PNG to encode.
 */
function qrCode(pdf: PdfWriter, modules: { size: number; get(row: number, col: number): number | boolean }, x: number, y: number, size: number): void {
  const cell = size / (modules.size + 2);
  const doc = pdf.doc;
  doc.save().rect(x, y, size, size).fill('#ffffff');
  for (let r = 0; r < modules.size; r++) {
    for (let col = 0; col < modules.size; col++) if (modules.get(r, col)) doc.rect(x + (col + 1) * cell, y + (r + 1) * cell, cell, cell);
  }
  doc.fill('#000000').restore();
}

export async function renderCertificatePdf(ctx: Context, c: CertificateContent, code: string, date: Date): Promise<Buffer> {
  const { tr } = ctx;
  const t = tr.t;
  const office = c.office[tr.lang];
  const pdf = await PdfWriter.create({ title: `${t('certs.pdf.title')} ${c.serial} ${c.learner.name}`, author: office, date });
  pdf.doc.info.Subject = `${c.learner.id} ${c.serial}`;
  pdf.doc.info.Keywords = qrText(c.serial, code);
  const left = pdf.doc.page.margins.left;

  const centred = (text: string, o: TextOptions) => put(pdf, text, { ...o, x: left, y: pdf.doc.y, width: pdf.width, align: 'center' });
  centred(office, { size: 11 });
  pdf.moveDown(0.4);
  centred(t('certs.pdf.title'), { size: 22, weight: 700 });
  pdf.moveDown(0.2);
  const scopeLine =
    c.scope.kind === 'year'
      ? t('certs.pdf.scopeYear', { year: yearText(c.scope.year!, tr), from: c.scope.term_from, to: c.scope.term_to })
      : t('certs.pdf.scopeTerm', { term: c.scope.term_years, from: c.scope.term_from, to: c.scope.term_to, asOf: c.scope.as_of });
  centred(scopeLine, { size: 10.5, color: '#333333' });
  centred(t('certs.pdf.serialLine', { serial: c.serial }), { size: 9, color: '#555555' });
  pdf.moveDown(0.8);

  // The cadre.
  const half = pdf.width / 2;
  let y = pdf.doc.y;
  pdf.text(t('certs.pdf.name', { name: c.learner.name }), { size: 11, x: left, y, width: half });
  pdf.text(t('certs.pdf.learner', { id: c.learner.id, staffNo: c.learner.staff_no }), { size: 11, x: left + half, y, width: half });
  y = pdf.doc.y + 2;
  pdf.text(t('certs.pdf.department', { department: c.learner.department }), { size: 11, x: left, y, width: half });
  pdf.text(t('certs.pdf.rank', { rank: rankText(c.learner.rank, tr) }), { size: 11, x: left + half, y, width: half });
  pdf.doc.x = left;
  pdf.moveDown(0.6);
  pdf.text(t('certs.pdf.status', { status: statusText(c.status, tr) }), { size: 12, weight: 700, x: left });
  const cr = c.credits;
  pdf.text(t('certs.pdf.credits', { platform: formatTenths(cr.platform), essays: formatTenths(cr.essays), training: formatTenths(cr.training), total: formatTenths(cr.total), required: formatTenths(cr.required) }), { size: 10 });
  if (c.year_closed_at) pdf.text(t('certs.pdf.closed', { year: yearText(c.scope.year!, tr), at: c.year_closed_at.slice(0, 16).replace('T', ' ') }), { size: 9, color: '#555555' });
  pdf.moveDown(0.6);

  section(
    pdf,
    t('certs.pdf.requirements'),
    tr,
    [
      { header: t('certs.pdf.col.requirement'), share: 0.3 },
      { header: t('certs.pdf.col.period'), share: 0.18 },
      { header: t('certs.pdf.col.required'), share: 0.15, align: 'right' },
      { header: t('certs.pdf.col.actual'), share: 0.12, align: 'right' },
      { header: t('certs.pdf.col.status'), share: 0.25 },
    ],
    c.requirements.map((r) => [
      t(`req.${r.id}`),
      r.period === 'term' ? t('period.term') : yearText(r.period, tr),
      `${figure(r, r.required)} ${t(`unit.${r.unit}`)}`,
      figure(r, r.actual),
      statusText(r.status, tr) + (r.exempt_reason ? ` (${r.exempt_reason})` : ''),
    ]),
  );
  section(
    pdf,
    t('certs.pdf.hours', { count: c.records.hours.length, hours: formatQuarters(c.records.hours.reduce((s, h) => s + h.quarters, 0)) }),
    tr,
    [
      { header: t('certs.pdf.col.date'), share: 0.17 },
      { header: t('certs.pdf.col.course'), share: 0.68 },
      { header: t('certs.pdf.col.hours'), share: 0.15, align: 'right' },
    ],
    c.records.hours.map((h) => [h.date, h.title ? `${h.course} ${h.title}` : h.course, formatQuarters(h.quarters)]),
  );
  section(
    pdf,
    t('certs.pdf.essays'),
    tr,
    [
      { header: t('certs.pdf.col.date'), share: 0.17 },
      { header: t('certs.pdf.col.kind'), share: 0.18 },
      { header: t('certs.pdf.col.title'), share: 0.5 },
      { header: t('certs.pdf.col.chars'), share: 0.15, align: 'right' },
    ],
    c.records.essays.map((e) => [e.date, t(`essay.${e.kind}`), e.title, String(e.chars)]),
  );
  section(
    pdf,
    t('certs.pdf.training'),
    tr,
    [
      { header: t('certs.pdf.col.date'), share: 0.17 },
      { header: t('certs.pdf.col.topic'), share: 0.83 },
    ],
    c.records.training.map((x) => [x.date, x.topic]),
  );
  if (c.records.exams.length)
    section(
      pdf,
      t('certs.pdf.exams'),
      tr,
      [
        { header: t('certs.pdf.col.date'), share: 0.17 },
        { header: t('certs.pdf.col.exam'), share: 0.68 },
        { header: t('certs.pdf.col.score'), share: 0.15, align: 'right' },
      ],
      c.records.exams.map((x) => [x.date, x.exam, formatTenths(x.score_tenths)]),
    );

  // The verification block, kept whole on one page.
  const QR = 96;
  if (pdf.doc.y + QR + 30 > pdf.bottom) pdf.addPage();
  pdf.moveDown(0.5);
  pdf.rule();
  y = pdf.doc.y + 6;
  qrCode(pdf, (await import('qrcode')).default.create(qrText(c.serial, code), { errorCorrectionLevel: 'M' }).modules, left + pdf.width - QR, y, QR);
  const textWidth = pdf.width - QR - 16;
  pdf.text(t('certs.pdf.serial', { serial: c.serial }), { size: 10.5, x: left, y, width: textWidth });
  pdf.text(t('certs.pdf.code', { code }), { size: 10.5, weight: 700, width: textWidth });
  pdf.text(t('certs.pdf.issued', { date: c.issued_at.slice(0, 10) }), { size: 10.5, width: textWidth });
  pdf.text(t('certs.pdf.office', { office }), { size: 10.5, width: textWidth });
  pdf.text(t('certs.pdf.verifyHow', { code, office }), { size: 8.5, color: '#555555', width: textWidth });
  pdf.doc.y = Math.max(pdf.doc.y, y + QR);

  // Each page's foot: serial, code, page n of N (drawn in the bottom margin, so no new page starts).
  const range = pdf.doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    pdf.doc.switchToPage(range.start + i);
    const bottom = pdf.doc.page.margins.bottom;
    pdf.doc.page.margins.bottom = 0;
    put(pdf, t('certs.pdf.foot', { serial: c.serial, code, page: i + 1, pages: range.count }), { size: 8, color: '#777777', x: left, y: pdf.doc.page.height - bottom + 18, width: pdf.width, align: 'center' });
    pdf.doc.page.margins.bottom = bottom;
  }
  return pdf.finish();
}
