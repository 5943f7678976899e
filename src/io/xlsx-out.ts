/**
 * Workbooks the tool writes for people: every cell typed as what it holds,
 * so Excel, WPS and LibreOffice open it with no cell changed, and each sheet
 * set up to be printed and sent.
 *
 * - text and IDs are text cells formatted as text (`@`): 工号 00120012 keeps
 *   its zeros, `3/8` stays `3/8`, and a name that starts with `=` is shown as
 *   written (a text cell is never a formula: no apostrophe is needed, none
 *   is added);
 * - numbers are number cells (17.8, never the text "17.8");
 * - dates (`2026-06-30`) and times (`2026-06-30 10:05:00`, local) are date
 *   cells shown as `yyyy-mm-dd` / `yyyy-mm-dd hh:mm`;
 * - an optional title row above the header (merged across the sheet), the
 *   header row bold, frozen and repeated on every printed page, landscape A4
 *   fitted to one page wide, page numbers in the footer, long text wrapped.
 *
 * Written here, part by part, as SpreadsheetML text deflated into the zip as
 * it is made (src/io/xlsx-zip.ts): the same parts, cells, styles, widths,
 * panes, filters and print setup the workbooks had when a general workbook
 * library built them, without its model of every cell and style (a
 * province's 5,000 workbooks spent most of their time and memory there).
 * The workbooks the tool reads, and the one-learner transcript, still go
 * through that library.
 */
import { THEME_XML } from './xlsx-theme.js';
import { ZipWriter } from './xlsx-zip.js';
import { displayWidth } from './text-width.js';

export type CellKind = 'text' | 'id' | 'number' | 'date' | 'datetime';

export type SheetCell = string | number | null | undefined;

export interface SheetColumn {
  header: string;
  kind?: CellKind;
  /** Long text (the shortfall list): wrapped, never cut, in a column this many characters wide. */
  wrap?: number;
  /**
   * A heading over this column and its neighbours of the same group (平台学时
   * over 实际 and 要求): the header then takes two rows, `header` the lower.
   */
  group?: string;
}

export interface SheetSpec {
  name: string;
  columns: SheetColumn[];
  rows: SheetCell[][];
  /** The first row, above the header: what the sheet is (period, department, office). */
  title?: string;
  /** Columns kept in view when scrolling right (ID and name). */
  frozenColumns?: number;
  /** The footer of every printed page; `{page}` and `{pages}` are replaced by the page and the page count. */
  footer?: string;
}

/** Height of one line of text, in points (11-point type). */
const LINE_POINTS = 15;

/**
 * displayWidth of one line, counted here for the characters a sheet's text is mostly made of
 * (printable ASCII 1; CJK ideographs, CJK punctuation and full-width forms 2, as displayWidth has
 * them), and by displayWidth itself for a line holding anything else.
 */
function lineWidth(line: string): number {
  let w = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) w += 1;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303e) || (c >= 0xff00 && c <= 0xff60)) w += 2;
    else return displayWidth(line);
  }
  return w;
}

/** Lines a text takes in a wrapped column `width` characters wide. */
export function wrappedLines(text: string, width: number): number {
  const per = Math.max(1, width - 1);
  let n = 0;
  let from = 0;
  for (;;) {
    const to = text.indexOf('\n', from);
    n += Math.max(1, Math.ceil(lineWidth(to < 0 ? text.slice(from) : text.slice(from, to)) / per));
    if (to < 0) return n;
    from = to + 1;
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The wall-clock date (and time) as a Date whose UTC fields are those
 * figures: spreadsheets have no zones, and serials are counted from them (serialOf).
 * null when the text is no such date.
 */
export function wallClockDate(text: string, kind: 'date' | 'datetime'): Date | null {
  const m = (kind === 'date' ? DATE : DATETIME).exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)));
  return d.getUTCDate() === Number(m[3]) ? d : null;
}

const SHEET_NAME_BAD = /[\\/?*[\]:]/g;

/** The days from 1899-12-30 (a spreadsheet's day 0) to `d`, with its time as the fraction of a day. */
function serialOf(d: Date): number {
  return 25569 + d.getTime() / (24 * 3600 * 1000);
}

// ------------------------------------------------------------------ text in XML

// eslint-disable-next-line no-control-regex
const XML_SPECIAL = /[<>&'"\x7F\x00-\x08\x0B-\x0C\x0E-\x1F]/;

/** Text for XML: the five entities escaped, characters XML 1.0 cannot hold (C0 controls but tab, LF, CR; DEL) left out. */
export function xmlText(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let rep: string;
    if (c === 34) rep = '&quot;';
    else if (c === 38) rep = '&amp;';
    else if (c === 39) rep = '&apos;';
    else if (c === 60) rep = '&lt;';
    else if (c === 62) rep = '&gt;';
    else if (c === 127 || (c <= 31 && c !== 9 && c !== 10 && c !== 13)) rep = '';
    else continue;
    if (last !== i) out += text.substring(last, i);
    out += rep;
    last = i + 1;
  }
  return last < text.length ? out + text.substring(last) : out;
}

/** The column's letters of a 1-based column number: 1 → A, 27 → AA. */
export function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

// ------------------------------------------------------------------ styles

/**
 * The cell formats of every workbook, by index (cellXfs): the title row and its cell, the header
 * cells, and a data cell of each number format, unwrapped and wrapped.
 */
const XF = {
  titleRow: 1,
  title: 2,
  header: 3,
  /** Data cells: `@`, General, date, date-time; + WRAPPED for a wrapped column. */
  text: 4,
  general: 5,
  date: 7,
  datetime: 8,
} as const;
/** The wrapped form of a data cell's format. */
function wrapped(xf: number): number {
  return xf === XF.text ? 6 : xf === XF.general ? 9 : xf === XF.date ? 10 : 11;
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const TOP = '<alignment vertical="top"/>';
const TOP_WRAP = '<alignment vertical="top" wrapText="1"/>';
const dataXf = (numFmt: number, alignment: string) => `<xf numFmtId="${numFmt}" fontId="0" fillId="0" borderId="0" xfId="0"${numFmt ? ' applyNumberFormat="1"' : ''} applyAlignment="1">${alignment}</xf>`;

const STYLES_XML =
  XML_HEAD +
  `<styleSheet xmlns="${NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac x16r2" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main">` +
  '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>' +
  '<fonts count="3" x14ac:knownFonts="1"><font><color theme="1"/><family val="2"/><scheme val="minor"/><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="14"/></font><font><b/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="12">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="center"/></xf>' +
  '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyAlignment="1"><alignment vertical="center"/></xf>' +
  '<xf numFmtId="49" fontId="2" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>' +
  dataXf(49, TOP) +
  dataXf(0, TOP) +
  dataXf(49, TOP_WRAP) +
  dataXf(164, TOP) +
  dataXf(165, TOP) +
  dataXf(0, TOP_WRAP) +
  dataXf(164, TOP_WRAP) +
  dataXf(165, TOP_WRAP) +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>' +
  '<extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext><ext uri="{9260A510-F301-46a8-8635-F512D64BE5F5}" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><x15:timelineStyles defaultTimelineStyle="TimeSlicerStyleLight1"/></ext></extLst></styleSheet>';

// ------------------------------------------------------------------ layout

/** Columns a value takes: the widest of its lines. */
function textWidth(text: string): number {
  if (!text.includes('\n')) return lineWidth(text);
  let w = 0;
  for (const line of text.split('\n')) w = Math.max(w, lineWidth(line));
  return w;
}

function widthOf(value: SheetCell, kind: CellKind): number {
  if (value === null || value === undefined) return 0;
  if (kind === 'date') return 10;
  if (kind === 'datetime') return 16;
  return textWidth(typeof value === 'string' ? value : String(value));
}

/** A sheet as it is written: its unique name, header rows, widths and merged ranges. */
interface Layout {
  spec: SheetSpec;
  name: string;
  kinds: CellKind[];
  /** The title row (1) if any, the first header row, the last (repeated on every page, filtered, frozen below). */
  top: number;
  head: number;
  widths: number[];
  /** Each header row's cells (the text, '' for the covered part of a merge) and its height. */
  headerRows: { cells: string[]; height: number }[];
  merges: string[];
}

function layoutOf(spec: SheetSpec, name: string): Layout {
  const n = spec.columns.length;
  const top = spec.title !== undefined ? 2 : 1;
  const grouped = spec.columns.some((c) => c.group !== undefined);
  const head = grouped ? top + 1 : top;
  const kinds = spec.columns.map((c) => c.kind ?? 'text');
  const widths = spec.columns.map((c, i) => {
    if (c.wrap) return c.wrap;
    // A header wider than its values wraps onto two lines.
    const header = displayWidth(c.header);
    let widest = header > 10 ? Math.ceil(header / 2) : header;
    const kind = kinds[i];
    for (const r of spec.rows) {
      const w = widthOf(r[i], kind);
      if (w > widest) widest = w;
    }
    return Math.min(40, Math.max(kind === 'number' ? 5 : 6, widest + 2));
  });
  // A group's heading spans its columns: they are widened together if it does not fit.
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && spec.columns[i].group !== undefined && spec.columns[j + 1].group === spec.columns[i].group) j++;
    const g = spec.columns[i].group;
    if (g !== undefined) {
      const need = displayWidth(g) + 2;
      const have = widths.slice(i, j + 1).reduce((a, b) => a + b, 0);
      if (have < need) for (let k = i; k <= j; k++) widths[k] += Math.ceil((need - have) / (j - i + 1));
    }
    i = j + 1;
  }
  const merges: string[] = [];
  if (spec.title !== undefined && n > 1) merges.push(`A1:${columnLetters(n)}1`);
  const rows: string[][] = [];
  for (let r = top; r <= head; r++) rows.push(new Array<string>(n).fill(''));
  const at = (r: number) => rows[r - top];
  for (let i = 0; i < n; ) {
    const c = spec.columns[i];
    let j = i;
    while (j + 1 < n && c.group !== undefined && spec.columns[j + 1].group === c.group) j++;
    if (c.group !== undefined) {
      at(top)[i] = c.group;
      if (j > i) merges.push(`${columnLetters(i + 1)}${top}:${columnLetters(j + 1)}${top}`);
      for (let k = i; k <= j; k++) at(head)[k] = spec.columns[k].header;
    } else {
      at(top)[i] = c.header;
      if (head > top) merges.push(`${columnLetters(i + 1)}${top}:${columnLetters(i + 1)}${head}`);
    }
    i = j + 1;
  }
  const headerRows = rows.map((cells, k) => {
    const r = top + k;
    const lines = Math.max(1, ...spec.columns.map((c, i) => (c.group !== undefined && r === top ? wrappedLines(c.group, widths[i]) : r === head || c.group === undefined ? wrappedLines(c.header, widths[i]) : 1)));
    return { cells, height: (grouped && r === top ? Math.min(lines, 2) : lines) * LINE_POINTS + 3 };
  });
  return { spec, name, kinds, top, head, widths, headerRows, merges };
}

// ------------------------------------------------------------------ parts

/** The workbook's shared strings: each text once, in the order first used. */
class SharedStrings {
  readonly index = new Map<string, number>();
  readonly list: string[] = [];
  count = 0;

  of(text: string): number {
    this.count++;
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(text, i);
      this.list.push(text);
    }
    return i;
  }

  *xml(): Generator<string> {
    yield `${XML_HEAD}<sst xmlns="${NS}" count="${this.count}" uniqueCount="${this.list.length}">`;
    for (const t of this.list) yield /^\s|\n|\s$/.test(t) ? `<si><t xml:space="preserve">${xmlText(t)}</t></si>` : `<si><t>${xmlText(t)}</t></si>`;
    yield '</sst>';
  }
}

/** A worksheet's XML, a row at a time. */
function* sheetXml(l: Layout, sst: SharedStrings): Generator<string> {
  const { spec, kinds, top, head } = l;
  const n = spec.columns.length;
  const letters = spec.columns.map((_, i) => columnLetters(i + 1));
  const last = head + spec.rows.length;
  const spans = n ? ` spans="1:${n}"` : '';
  const x = spec.frozenColumns ?? 0;
  const pane = x ? 'bottomRight' : 'bottomLeft';
  let s =
    `${XML_HEAD}<worksheet xmlns="${NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">` +
    `<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1${n ? `:${letters[n - 1]}${last}` : ''}"/>` +
    `<sheetViews><sheetView workbookViewId="0"><pane${x ? ` xSplit="${x}"` : ''} ySplit="${head}" topLeftCell="${columnLetters(x + 1)}${head + 1}" activePane="${pane}" state="frozen"/><selection pane="${pane}"/></sheetView></sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15" outlineLevelRow="0" outlineLevelCol="0" x14ac:dyDescent="55"/>';
  if (n) {
    s += '<cols>';
    for (let i = 0; i < n; ) {
      let j = i;
      while (j + 1 < n && l.widths[j + 1] === l.widths[i]) j++;
      s += `<col min="${i + 1}" max="${j + 1}" width="${l.widths[i]}" customWidth="1"/>`;
      i = j + 1;
    }
    s += '</cols>';
  }
  s += '<sheetData>';
  if (spec.title !== undefined) {
    s += `<row r="1" ht="24" customHeight="1"${spans} s="${XF.titleRow}" customFormat="1" x14ac:dyDescent="0.25"><c r="A1" s="${XF.title}" t="s"><v>${sst.of(spec.title)}</v></c>`;
    if (n > 1) for (let i = 1; i < n; i++) s += `<c r="${letters[i]}1" s="${XF.title}"/>`;
    s += '</row>';
  }
  l.headerRows.forEach((row, k) => {
    const r = top + k;
    s += `<row r="${r}" ht="${row.height}" customHeight="1"${spans} x14ac:dyDescent="0.25">`;
    row.cells.forEach((text, i) => {
      s += text === '' ? `<c r="${letters[i]}${r}" s="${XF.header}"/>` : `<c r="${letters[i]}${r}" s="${XF.header}" t="s"><v>${sst.of(text)}</v></c>`;
    });
    s += '</row>';
  });
  yield s;
  const wraps = spec.columns.map((c) => c.wrap);
  let r = head;
  for (const values of spec.rows) {
    r++;
    let lines = 1;
    let cells = '';
    for (let i = 0; i < n; i++) {
      const kind = kinds[i];
      const value = values[i];
      const ref = letters[i] + r;
      let xf: number;
      let body = '';
      if (value === null || value === undefined || value === '') xf = kind === 'text' || kind === 'id' ? XF.text : XF.general;
      else if (kind === 'number' && typeof value === 'number' && Number.isFinite(value)) {
        xf = XF.general;
        body = `><v>${value}</v></c>`;
      } else {
        const d = (kind === 'date' || kind === 'datetime') && typeof value === 'string' ? wallClockDate(value, kind) : null;
        if (d) {
          xf = kind === 'date' ? XF.date : XF.datetime;
          body = `><v>${serialOf(d)}</v></c>`;
        } else {
          // Text, and anything not of its column's kind: a text cell, shown as written.
          const text = typeof value === 'string' ? value : String(value);
          xf = XF.text;
          body = ` t="s"><v>${sst.of(text)}</v></c>`;
          const wrap = wraps[i];
          if (wrap) lines = Math.max(lines, wrappedLines(text, wrap));
        }
      }
      if (wraps[i]) xf = wrapped(xf);
      cells += body ? `<c r="${ref}" s="${xf}"${body}` : `<c r="${ref}" s="${xf}"/>`;
    }
    // Set, not left to the program: LibreOffice does not fit a row to its wrapped text when it opens a workbook.
    yield `<row r="${r}"${lines > 1 ? ` ht="${lines * LINE_POINTS + 2}" customHeight="1"` : ''}${spans} x14ac:dyDescent="0.25">${cells}</row>`;
  }
  s = '</sheetData>';
  if (n) s += `<autoFilter ref="A${head}:${letters[n - 1]}${head}"/>`;
  if (l.merges.length) s += `<mergeCells count="${l.merges.length}">${l.merges.map((m) => `<mergeCell ref="${m}"/>`).join('')}</mergeCells>`;
  s +=
    '<printOptions gridLines="1"/><pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>' +
    '<pageSetup paperSize="9" orientation="landscape" horizontalDpi="4294967295" verticalDpi="4294967295" scale="100" fitToWidth="1" fitToHeight="0"/>';
  if (spec.footer !== undefined) s += `<headerFooter><oddFooter>${xmlText(`&C${spec.footer.replace(/&/g, '&&').replace('{page}', '&P').replace('{pages}', '&N')}`)}</oddFooter></headerFooter>`;
  yield s + '</worksheet>';
}

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const ROOT_RELS =
  XML_HEAD +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>` +
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
  `<Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/></Relationships>`;

function contentTypes(sheets: number): string {
  const ct = 'application/vnd.openxmlformats-officedocument';
  let s =
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="${ct}.spreadsheetml.sheet.main+xml"/>`;
  for (let i = 1; i <= sheets; i++) s += `<Override PartName="/xl/worksheets/sheet${i}.xml" ContentType="${ct}.spreadsheetml.worksheet+xml"/>`;
  return (
    s +
    `<Override PartName="/xl/theme/theme1.xml" ContentType="${ct}.theme+xml"/><Override PartName="/xl/styles.xml" ContentType="${ct}.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="${ct}.spreadsheetml.sharedStrings+xml"/>` +
    `<Default Extension="vml" ContentType="${ct}.vmlDrawing"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="${ct}.extended-properties+xml"/></Types>`
  );
}

function workbookRels(sheets: number): string {
  let s = `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/styles" Target="styles.xml"/><Relationship Id="rId2" Type="${REL}/theme" Target="theme/theme1.xml"/><Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`;
  for (let i = 1; i <= sheets; i++) s += `<Relationship Id="rId${i + 3}" Type="${REL}/worksheet" Target="worksheets/sheet${i}.xml"/>`;
  return s + '</Relationships>';
}

function appXml(names: string[]): string {
  return (
    `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>` +
    `<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>${names.length}</vt:i4></vt:variant></vt:vector></HeadingPairs>` +
    `<TitlesOfParts><vt:vector size="${names.length}" baseType="lpstr">${names.map((n) => `<vt:lpstr>${xmlText(n)}</vt:lpstr>`).join('')}</vt:vector></TitlesOfParts>` +
    '<Company></Company><Manager></Manager><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>'
  );
}

function coreXml(date: Date): string {
  const at = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
    '<dc:creator>cadre</dc:creator><dc:title></dc:title><dc:subject></dc:subject><dc:description></dc:description><cp:keywords></cp:keywords><cp:category></cp:category><cp:lastModifiedBy>Unknown</cp:lastModifiedBy>' +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified></cp:coreProperties>`
  );
}

/** A sheet's name in a formula (a print title's range): quoted, a quote in it doubled. */
function quotedSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

function workbookXml(layouts: Layout[]): string {
  return (
    `${XML_HEAD}<workbook xmlns="${NS}" xmlns:r="${REL}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><fileVersion appName="xl" lastEdited="5" lowestEdited="5" rupBuild="9303"/><workbookPr defaultThemeVersion="164011" filterPrivacy="1"/>` +
    `<sheets>${layouts.map((l, i) => `<sheet sheetId="${i + 1}" name="${xmlText(l.name)}" state="visible" r:id="rId${i + 4}"/>`).join('')}</sheets>` +
    (layouts.length ? `<definedNames>${layouts.map((l, i) => `<definedName name="_xlnm.Print_Titles" localSheetId="${i}">${xmlText(`${quotedSheet(l.name)}!$${l.top}:$${l.head}`)}</definedName>`).join('')}</definedNames>` : '') +
    '<calcPr calcId="171027"/></workbook>'
  );
}

/**
 * The workbook of the sheets given, as the bytes of an .xlsx file. With `date`, the workbook is
 * stamped with that date and no other (its created and modified times, each file's time in the
 * zip), so the same sheets give the same bytes: a closed year's report regenerates byte for byte.
 */
export async function sheetsBuffer(sheets: SheetSpec[], date?: Date): Promise<Buffer> {
  const stamp = date ?? new Date();
  const used = new Set<string>();
  const layouts = sheets.map((spec) => {
    let name = spec.name.replace(SHEET_NAME_BAD, '_').slice(0, 31) || 'Sheet';
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${spec.name.replace(SHEET_NAME_BAD, '_').slice(0, 27)} (${n})`;
    used.add(name.toLowerCase());
    return layoutOf(spec, name);
  });
  const zip = new ZipWriter();
  const sst = new SharedStrings();
  zip.constant('[Content_Types].xml', `${layouts.length}`, () => contentTypes(layouts.length));
  zip.folder('_rels/');
  zip.constant('_rels/.rels', '', () => ROOT_RELS);
  zip.folder('xl/');
  zip.folder('xl/_rels/');
  zip.constant('xl/_rels/workbook.xml.rels', `${layouts.length}`, () => workbookRels(layouts.length));
  zip.folder('xl/worksheets/');
  for (const [i, l] of layouts.entries()) await zip.part(`xl/worksheets/sheet${i + 1}.xml`, sheetXml(l, sst));
  await zip.part('xl/sharedStrings.xml', sst.xml());
  zip.folder('xl/theme/');
  zip.constant('xl/theme/theme1.xml', '', () => THEME_XML);
  zip.constant('xl/styles.xml', '', () => STYLES_XML);
  zip.folder('docProps/');
  // Small, and the same in every workbook of a split (their text is their own key): deflated once.
  const small = (name: string, text: string) => zip.constant(name, text, () => text);
  small('docProps/app.xml', appXml(layouts.map((l) => l.name)));
  small('docProps/core.xml', coreXml(stamp));
  small('xl/workbook.xml', workbookXml(layouts));
  return await zip.bytes(stamp);
}
