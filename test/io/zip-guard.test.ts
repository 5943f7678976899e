/**
 * The bound on what an .xlsx or a .docx may unpack to (src/io/zip-guard.ts).
 * Every hostile archive is built here at run time, small on disk: a repeated
 * piece is deflated once and its compressed form repeated, so 500 MB of
 * content costs half a megabyte.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { archives } from '../../src/i18n/catalogue/archives.js';
import { readEssayText, MAX_ESSAY_CHARS } from '../../src/io/essay-text.js';
import { openTable, type TableSpec } from '../../src/io/table.js';
import { ARCHIVE_LIMITS, checkArchive } from '../../src/io/zip-guard.js';
import { collect, inputError, repoRoot, scratch } from './helpers.js';
import {
  buildZip,
  deflatedPieces,
  docxOf,
  DOCUMENT_HEAD,
  DOCUMENT_TAIL,
  hanNoise,
  noise,
  paragraph,
  partsOf,
  randomBytes,
  withPart,
  zeros,
  type Part,
} from './zip-build.js';

const tmp = scratch();
const write = tmp.write;

const spec: TableSpec = {
  columns: [
    { key: 'learner_id', aliases: ['学员编号'] },
    { key: 'course_code', aliases: ['课程编号'] },
    { key: 'completed_on', aliases: ['完成日期'] },
    { key: 'hours', aliases: ['学时'] },
  ],
  required: ['course_code', 'completed_on'],
  oneOf: [['learner_id']],
};

const SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';
const SST_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
const STYLES_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';

/** A small genuine workbook (as exceljs writes it) and its parts, to rebuild with one part changed. */
let book: Buffer;
let bookParts: Part[];

beforeAll(async () => {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学时');
  ws.addRow(['学员编号', '课程编号', '完成日期', '学时']);
  ws.addRow(['WZ250001', 'C001', '2025-09-01', 1]);
  book = Buffer.from(await wb.xlsx.writeBuffer());
  bookParts = await partsOf(book);
});

/** The workbook with `part` in place of (or beside) its own. */
const bookWith = (...parts: Part[]): Buffer => buildZip(parts.reduce(withPart, bookParts));

/** The refusal of `source` as `kind`, rendered in English (both languages are checked to render). */
async function refusal(source: Buffer, kind: 'xlsx' | 'docx' = 'xlsx') {
  const name = `t.${kind}`;
  const r = await inputError(checkArchive(source, kind, name));
  return { key: r.error.msg.key, params: r.error.msg.params ?? {}, text: r.text, problems: r.error.problems };
}

describe('genuine files pass', () => {
  it('a workbook exceljs wrote, and the fixture workbook', async () => {
    await expect(checkArchive(book, 'xlsx', 'b.xlsx')).resolves.toBeUndefined();
    const fixture = path.join(repoRoot, 'test/fixtures/bad/xlsx-renamed.csv');
    await expect(checkArchive(fixture, 'xlsx', fixture)).resolves.toBeUndefined();
    await expect(checkArchive(readFileSync(fixture), 'xlsx', fixture)).resolves.toBeUndefined();
  });

  it('a large streamed workbook (sizes in data descriptors, 50,000 rows) is read whole', async () => {
    const file = path.join(tmp.dir, 'streamed.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
    const ws = wb.addWorksheet('学时');
    ws.addRow(['学员编号', '课程编号', '完成日期', '学时']).commit();
    for (let i = 0; i < 50_000; i++) ws.addRow([`WZ25${String(i % 9000).padStart(4, '0')}`, `C${i % 700}`, '2025-09-01', 0.25 * (1 + (i % 8))]).commit();
    ws.commit();
    await wb.commit();
    await expect(checkArchive(file, 'xlsx', file)).resolves.toBeUndefined();
    const { records } = await openTable(file, spec);
    expect((await collect(records)).length).toBe(50_000);
  }, 30_000);

  it('a document with a long essay (30,000 字 as Word writes them) and a 5 MB photograph', async () => {
    const word = (i: number): string =>
      `<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00D4E5F6"><w:pPr><w:spacing w:line="360" w:lineRule="auto"/><w:ind w:firstLineChars="200" w:firstLine="480"/></w:pPr>` +
      `<w:r w:rsidRPr="00B7C8D9"><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:hint="eastAsia"/><w:sz w:val="24"/></w:rPr><w:t>${hanNoise(60, i + 1)}</w:t></w:r></w:p>`;
    const body = Array.from({ length: 500 }, (_, i) => word(i)).join('');
    const photo = { name: 'word/media/image1.jpeg', data: randomBytes(5 << 20) };
    const file = write('long.docx', docxOf(DOCUMENT_HEAD + body + DOCUMENT_TAIL, [photo]));
    await expect(checkArchive(readFileSync(file), 'docx', file)).resolves.toBeUndefined();
    expect((await readEssayText(file)).length).toBeGreaterThan(30_000);
  }, 30_000);

  it('a small part may compress very well (the ratio is only looked at past 1 MB)', async () => {
    const small = zeros(0);
    const padded = deflatedPieces([{ data: Buffer.alloc(1 << 19), times: 1 }]);
    await expect(checkArchive(bookWith({ name: 'docProps/custom.bin', deflated: padded }), 'xlsx', 'b.xlsx')).resolves.toBeUndefined();
    await expect(checkArchive(bookWith({ name: 'docProps/empty.bin', deflated: small }), 'xlsx', 'b.xlsx')).resolves.toBeUndefined();
  });
});

describe('sizes are what inflating gives, never what is declared', () => {
  it('500 MB of shared strings declared as 1 KB: refused as a zip bomb within the first megabytes', async () => {
    const sst = deflatedPieces([{ data: SST_HEAD }, { data: '<si><t>a</t></si>'.repeat(4096), times: 7500 }, { data: '</sst>' }]);
    expect(sst.size).toBeGreaterThan(480 << 20);
    const started = process.memoryUsage().rss;
    const r = await refusal(bookWith({ name: 'xl/sharedStrings.xml', deflated: sst, declaredSize: 1024 }));
    expect(r.key).toBe('archive.ratio');
    expect(r.params.part).toBe('xl/sharedStrings.xml');
    expect(r.text).toMatch(/t\.xlsx was not read: its part xl\/sharedStrings\.xml expands more than 200 times/);
    expect(r.text).toMatch(/save it as CSV UTF-8/);
    // Nothing near the content's size was ever held.
    expect(process.memoryUsage().rss - started).toBeLessThan(200 << 20);
  });

  it('the same part declared at its true size is refused before it is inflated', async () => {
    const sst = deflatedPieces([{ data: SST_HEAD }, { data: '<si><t>a</t></si>'.repeat(4096), times: 7500 }, { data: '</sst>' }]);
    const r = await refusal(bookWith({ name: 'xl/sharedStrings.xml', deflated: sst }));
    // Inflating would have stopped at the ratio first: the declaration alone refused it.
    expect(r.key).toBe('archive.entryTooLarge');
    expect(r.text).toMatch(/its part xl\/sharedStrings\.xml unpacks to more than 64 MB/);
  });

  it('a bomb in a part no reader looks at is refused too (exceljs inflates every part)', async () => {
    const r = await refusal(bookWith({ name: 'docProps/thumbnail.bin', deflated: zeros(500), declaredSize: 10 }));
    expect(r.key).toBe('archive.ratio');
    expect(r.params.part).toBe('docProps/thumbnail.bin');
  });

  it('pictures are spared the ratio, not the size: a 40 MB picture of zeros declared as 1 KB', async () => {
    const r = await refusal(docxOf(paragraph('心得'), [{ name: 'word/media/image1.png', deflated: zeros(40), declaredSize: 1024 }]), 'docx');
    expect(r.key).toBe('archive.entryTooLarge');
    expect(r.text).toMatch(/its part word\/media\/image1\.png unpacks to more than 32 MB/);
    expect(r.text).toMatch(/--chars/);
  });

  it('the parts together are bounded: three 30 MB pictures in a document', async () => {
    const pictures = [1, 2, 3].map((n) => ({ name: `word/media/image${n}.png`, deflated: zeros(30), declaredSize: 100 }));
    const r = await refusal(docxOf(DOCUMENT_HEAD + paragraph('心得') + DOCUMENT_TAIL, pictures), 'docx');
    expect(r.key).toBe('archive.totalTooLarge');
    expect(r.text).toMatch(/its parts together unpack to more than 64 MB/);
  });
});

describe('the structure of the archive', () => {
  const tiny = (name: string, extra: Partial<Part> = {}): Part => ({ name, data: '<x/>', ...extra });

  it('more than 10,000 parts', async () => {
    const parts = Array.from({ length: ARCHIVE_LIMITS.entries + 1 }, (_, i) => tiny(`p/${i}.xml`));
    const r = await refusal(buildZip(parts));
    expect(r.key).toBe('archive.tooManyEntries');
    expect(r.text).toMatch(/holds more than 10,000 parts/);
  }, 30_000);

  it('a part name longer than 512 bytes, and a part that appears twice', async () => {
    expect((await refusal(bookWith(tiny(`xl/${'长'.repeat(200)}.xml`)))).key).toBe('archive.nameTooLong');
    const twice = await refusal(buildZip([...bookParts, { name: 'xl/sharedStrings.xml', data: `${SST_HEAD}</sst>` }]));
    expect(twice.key).toBe('archive.duplicate');
    expect(twice.text).toMatch(/the part xl\/sharedStrings\.xml appears twice/);
  });

  it('ZIP64 markers in the end record or in a part, and a split archive', async () => {
    expect((await refusal(buildZip(bookParts, { directoryOffset: 0xffffffff }))).key).toBe('archive.zip64');
    expect((await refusal(buildZip(bookParts, { total: 0xffff, onDisk: 0xffff }))).key).toBe('archive.zip64');
    const z64 = await refusal(bookWith({ name: 'xl/sharedStrings.xml', data: `${SST_HEAD}</sst>`, zip64Sizes: true }));
    expect(z64.key).toBe('archive.zip64');
    expect(z64.text).toMatch(/ZIP64 archive/);
    expect((await refusal(buildZip(bookParts, { disk: 1 }))).key).toBe('archive.multiDisk');
  });

  it('an unknown compression method and an encrypted part', async () => {
    const bzip = await refusal(bookWith(tiny('xl/sharedStrings.xml', { method: 12 })));
    expect(bzip.key).toBe('archive.method');
    expect(bzip.text).toMatch(/compressed with method 12; only stored \(0\) and deflate \(8\)/);
    const locked = await refusal(bookWith(tiny('xl/worksheets/sheet1.xml', { flags: 0x0001 })));
    expect(locked.key).toBe('archive.encrypted');
    expect(locked.text).toMatch(/the part xl\/worksheets\/sheet1\.xml is encrypted/);
  });

  it('a local header that names another part than the directory does', async () => {
    const r = await refusal(bookWith({ name: 'xl/styles.xml', data: `${STYLES_HEAD}</styleSheet>`, localName: 'xl/sharedStrings.xml' }));
    expect(r.key).toBe('archive.unreadable.xlsx');
    expect(r.text).toMatch(/cannot read the Excel workbook t\.xlsx: it is not an intact zip archive/);
    expect(r.text).toMatch(/the part xl\/styles\.xml does not match its entry/);
  });

  it('a part hidden from the directory, which a front-to-back reader would still unpack', async () => {
    const hidden = { name: 'xl/sharedStrings.xml', deflated: zeros(300), hidden: true };
    const parts = [hidden, ...bookParts.filter((p) => p.name !== 'xl/sharedStrings.xml')];
    const r = await refusal(buildZip(parts));
    expect(r.key).toBe('archive.unreadable.xlsx');
    expect(r.text).toMatch(/do not follow one another .* \(at byte 0\)/);
  });

  it('sizes in a data descriptor are followed; a descriptor signature inside the data is refused', async () => {
    const described = bookParts.map((p) => ({ ...p, descriptor: true }));
    await expect(checkArchive(buildZip(described), 'xlsx', 'd.xlsx')).resolves.toBeUndefined();
    const cut = withPart(described, { name: 'docProps/custom.xml', method: 0, data: Buffer.from('<a>PK\x07\x08</a>', 'latin1'), descriptor: true });
    expect((await refusal(buildZip(cut))).text).toMatch(/do not follow one another/);
  });

  it('a file cut short, bytes before the archive, and data that cannot be inflated', async () => {
    expect((await refusal(book.subarray(0, book.length - 30))).text).toMatch(/central directory\) is missing, cut short or misplaced/);
    expect((await refusal(Buffer.concat([Buffer.from('MZ junk'), book]))).text).toMatch(/central directory/);
    const broken = { deflated: Buffer.from([0xff, 0xff, 0xff, 0xff]), size: 10, crc: 0 };
    expect((await refusal(bookWith({ name: 'xl/styles.xml', deflated: broken }))).text).toMatch(/the data of the part xl\/styles\.xml cannot be unpacked/);
  });

  it('a docx that is damaged says it cannot read the Word file', async () => {
    const r = await refusal(docxOf(paragraph('心得')).subarray(0, 60), 'docx');
    expect(r.text).toMatch(/cannot read the Word file t\.docx: it is not an intact zip archive/);
    expect(r.text).toMatch(/save it as \.docx/);
  });
});

describe('the XML the readers hold or stream', () => {
  const sheet = (rows: string): Part => ({ name: 'xl/worksheets/sheet1.xml', data: SHEET_HEAD + rows + SHEET_TAIL });

  it('comments, CDATA and processing instructions in a worksheet; the declaration is fine', async () => {
    await expect(checkArchive(bookWith(sheet('<row r="1"><c r="A1"><v>1</v></c></row>')), 'xlsx', 'b.xlsx')).resolves.toBeUndefined();
    for (const hidden of ['<!-- x -->', '<![CDATA[x]]>', '<?pi x?>']) {
      const r = await refusal(bookWith(sheet(`<row r="1"><c r="A1" t="str"><v>a${hidden}</v></c></row>`)));
      expect(r.key, hidden).toBe('archive.xml.special');
      expect(r.text).toMatch(/comments, CDATA, a DTD or processing instructions/);
    }
  });

  it('one value over 16 MB, also when pieced together across other elements or after the last cell, as exceljs does', async () => {
    const big = noise(16 << 20);
    expect((await refusal(bookWith(sheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>${big}x</t></is></c></row>`)))).key).toBe('archive.xml.text');
    const pieces = Array.from({ length: 5 }, (_, i) => noise(4 << 20, i + 2)).join('<x/>');
    const r = await refusal(bookWith(sheet(`<row r="1"><c r="A1" t="str"><v>${pieces}</v></c></row>`)));
    expect(r.key).toBe('archive.xml.text');
    expect(r.text).toMatch(/xl\/worksheets\/sheet1\.xml has more than 16 MB of text in one value/);
    // exceljs keeps adding text to the last value it opened, also outside any cell.
    const after = Array.from({ length: 5 }, (_, i) => `<row r="${i + 2}"><x>${noise(4 << 20, i + 30)}</x></row>`).join('');
    expect((await refusal(bookWith(sheet(`<row r="1"><c r="A1"><v>1</v></c></row>${after}`)))).key).toBe('archive.xml.text');
    // Each cell starts a new value: a row of five 3 MB cells is fine.
    const cells = Array.from({ length: 5 }, (_, i) => `<c r="${'ABCDE'[i]}1" t="str"><v>${noise(3 << 20, i + 9)}</v></c>`).join('');
    await expect(checkArchive(bookWith(sheet(`<row r="1">${cells}</row>`)), 'xlsx', 'b.xlsx')).resolves.toBeUndefined();
  }, 30_000);

  it('one row over 16 MB of text, and a tag over 4 MB', async () => {
    const cells = Array.from({ length: 5 }, (_, i) => `<c r="${'ABCDE'[i]}1" t="str"><v>${noise(3.5 * (1 << 20), i + 20)}</v></c>`).join('');
    const row = await refusal(bookWith(sheet(`<row r="1">${cells}</row>`)));
    expect(row.key).toBe('archive.xml.rowText');
    expect(row.text).toMatch(/more than 16 MB of text in one row/);
    const tag = await refusal(bookWith(sheet(`<row r="1"><c r="A1" x="${noise(5 << 20)}"><v>1</v></c></row>`)));
    expect(tag.key).toBe('archive.xml.tag');
  }, 30_000);

  it('shared strings with 300,000 formatted runs, and styles with 800,000 elements: over the memory bound', async () => {
    const runs = Array.from({ length: 300_000 }, (_, i) => `<si><r><rPr><b/></rPr><t>${noise(3, i + 1)}</t></r></si>`).join('');
    const sst = await refusal(bookWith({ name: 'xl/sharedStrings.xml', data: SST_HEAD + runs + '</sst>' }));
    expect(sst.key).toBe('archive.memory');
    expect(sst.text).toMatch(/holding its XML would take more than 352 MB of memory by estimate \(passed in xl\/sharedStrings\.xml\)/);
    const xfs = Array.from({ length: 800_000 }, (_, i) => `<xf/>${noise(2, i + 1)}`).join('');
    const styles = await refusal(bookWith({ name: 'xl/styles.xml', data: `${STYLES_HEAD}<cellXfs>${xfs}</cellXfs></styleSheet>` }));
    expect(styles.key).toBe('archive.memory');
    expect(styles.params.part).toBe('xl/styles.xml');
  }, 20_000);

  it('a document of 160,000 paragraphs is over the memory bound', async () => {
    const body = Array.from({ length: 160_000 }, (_, i) => `<w:p/>${noise(3, i + 1)}`).join('');
    const r = await refusal(docxOf(DOCUMENT_HEAD + body + DOCUMENT_TAIL), 'docx');
    expect(r.key).toBe('archive.memory');
    expect(r.text).toMatch(/more than 400 MB of memory by estimate \(passed in word\/document\.xml\)/);
  }, 30_000);
});

describe('openTable and readEssayText refuse before the libraries unpack anything', () => {
  it('a workbook with a 300 MB part of zeros (read whole today) is refused with the part named', async () => {
    const file = write('junk.xlsx', bookWith({ name: 'docProps/thumbnail.jpeg', deflated: zeros(300), declaredSize: 100 }));
    const { error, text } = await inputError(openTable(file, spec));
    expect(error.msg.key).toBe('archive.ratio');
    expect(text).toMatch(/junk\.xlsx was not read: its part docProps\/thumbnail\.jpeg expands more than 200 times/);
  });

  it('a workbook whose shared strings hold 300,000 formatted runs (held in memory today) is refused', async () => {
    const runs = Array.from({ length: 300_000 }, (_, i) => `<si><r><rPr><b/></rPr><t>${noise(3, i + 1)}</t></r></si>`).join('');
    const file = write('runs.xlsx', bookWith({ name: 'xl/sharedStrings.xml', data: SST_HEAD + runs + '</sst>' }));
    expect((await inputError(openTable(file, spec))).error.msg.key).toBe('archive.memory');
  }, 20_000);

  it('a 22 KB document that unpacks to a text of 2,000,000 字 (counted as one essay today) is refused', async () => {
    const doc = deflatedPieces([{ data: DOCUMENT_HEAD }, { data: paragraph('学习心得体会认真学习'.repeat(100)).repeat(100), times: 20 }, { data: DOCUMENT_TAIL }]);
    const file = write('bomb.docx', docxOf(doc));
    expect(readFileSync(file).length).toBeLessThan(30_000);
    const { error, text } = await inputError(readEssayText(file));
    expect(error.msg.key).toBe('archive.ratio');
    expect(text).toMatch(/bomb\.docx was not read: its part word\/document\.xml expands more than 200 times/);
  });

  it(`a text over ${MAX_ESSAY_CHARS.toLocaleString('en-US')} characters is not an essay, in a .txt or in a .docx that is within the archive bounds`, async () => {
    const at = write('at-limit.txt', 'a'.repeat(MAX_ESSAY_CHARS));
    expect((await readEssayText(at)).length).toBe(MAX_ESSAY_CHARS);
    const over = await inputError(readEssayText(write('long.txt', '字'.repeat(MAX_ESSAY_CHARS + 1))));
    expect(over.text).toMatch(/long\.txt holds 1,000,001 characters of text, more than 1,000,000: that is not one essay/);
    const paragraphs = Array.from({ length: 110 }, (_, i) => paragraph(hanNoise(10_000, i + 1))).join('');
    const docx = write('long.docx', docxOf(DOCUMENT_HEAD + paragraphs + DOCUMENT_TAIL));
    await expect(checkArchive(readFileSync(docx), 'docx', docx)).resolves.toBeUndefined();
    expect((await inputError(readEssayText(docx))).error.msg.key).toBe('archive.essayTooLong');
  }, 30_000);

  it('a genuine essay .docx and .xlsx still read (JSZip-written document)', async () => {
    const zip = new JSZip();
    for (const p of await partsOf(docxOf(DOCUMENT_HEAD + paragraph('学习心得') + DOCUMENT_TAIL))) zip.file(p.name, p.data!);
    const file = write('jszip.docx', await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect(await readEssayText(file)).toContain('学习心得');
    const xlsx = path.join(tmp.dir, 'plain.xlsx');
    writeFileSync(xlsx, book);
    expect((await collect((await openTable(xlsx, spec)).records)).length).toBe(1);
  });
});

describe('archive messages', () => {
  const placeholders = (t: string): string[] => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const used = new Set(['xlsx', 'docx'].flatMap((kind) => [`archive.unreadable.${kind}`, `archive.fix.${kind}`]));
  for (const file of ['src/io/zip-guard.ts', 'src/io/essay-text.ts']) {
    for (const m of readFileSync(path.join(repoRoot, file), 'utf8').matchAll(/'(archive\.[A-Za-z0-9.]*[A-Za-z0-9])'/g)) used.add(m[1]);
  }

  it('has every key the code uses, the same keys and placeholders in zh and en, and no unused key', () => {
    expect([...used].filter((k) => !(k in archives.zh) || !(k in archives.en))).toEqual([]);
    expect(Object.keys(archives.zh).sort()).toEqual(Object.keys(archives.en).sort());
    for (const key of Object.keys(archives.en)) expect(placeholders(archives.zh[key]), key).toEqual(placeholders(archives.en[key]));
    expect(Object.keys(archives.en).filter((k) => !used.has(k))).toEqual([]);
  });
});
