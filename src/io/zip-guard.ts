/**
 * The bound on what an .xlsx workbook or a .docx document may unpack to,
 * checked before exceljs or mammoth is given the file.
 *
 * Both formats are zip archives of XML parts, and a zip part can expand a
 * thousand times: a 469 KB document unpacked to a text of 103 million 字 and a
 * workbook's shared strings ran the process out of memory. Neither library
 * bounds what it unpacks, and exceljs trusts nothing but the local headers
 * while mammoth (through JSZip) trusts nothing but the central directory. So
 * this module reads the archive itself, with zlib only:
 *
 * - the end record and the central directory (no ZIP64, no split archives,
 *   a bounded number of parts and of name bytes), and every part's local
 *   header, which must agree with its directory entry; for a workbook the
 *   parts must also follow one another from the first byte to the directory
 *   exactly as a reader walking the local headers finds them;
 * - every part is inflated here, counting the bytes that really come out,
 *   never the declared sizes: a part, the parts together, and the expansion
 *   ratio past a floor are bounded, and the inflation stops at the first byte
 *   over a limit;
 * - the XML a library keeps in memory is measured as it streams past, and
 *   what holding it will cost is estimated from its bytes, strings, runs,
 *   elements, attributes and text nodes (COSTS, measured on both libraries)
 *   and bounded; for a worksheet or the shared strings, which exceljs streams,
 *   the longest tag and the most text that can pile up in one value or row
 *   are bounded too.
 *
 * A refused file is an InputError (exit 2) naming the file, the part and the
 * limit; a damaged one is "cannot read the workbook/Word file" with what is
 * damaged as the problem. Every limit is in ARCHIVE_LIMITS.
 */
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { forTerminal } from '../core/text.js';
import { InputError, msg } from '../errors.js';
import { fileError } from './encoding.js';

const MiB = 1 << 20;
const GiB = 1 << 30;

/**
 * Every limit, in one place (the README quotes them). A genuine file passes
 * each by far: a million-row hours export is a worksheet of 300–400 MB and
 * shared strings of a few MB; a long report is a document.xml of a few MB.
 */
export const ARCHIVE_LIMITS = {
  /** Parts in one archive (a workbook of a thousand sheets has about 3,000). */
  entries: 10_000,
  /** Bytes in one part's name (Office writes names like xl/worksheets/sheet1.xml). */
  nameBytes: 512,
  /** Bytes of the central directory (10,000 parts with long names and extra fields). */
  directoryBytes: 16 * MiB,
  /** Most a part may expand (unpacked ÷ packed) once past ratioFloor; XML compresses 5–30 times. */
  ratio: 200,
  ratioFloor: 1 * MiB,
  xlsx: {
    /** All parts together, and one worksheet (read as a stream: this bounds time and temporary files). */
    total: 1 * GiB,
    sheet: 1 * GiB,
    /** xl/sharedStrings.xml, which exceljs holds whole: 64 MB is two million distinct strings. */
    sharedStrings: 64 * MiB,
    /** xl/workbook.xml, xl/styles.xml and xl/_rels/workbook.xml.rels, each; also held whole. */
    heldPart: 16 * MiB,
    /** What those parts and the shared strings may cost in memory, estimated as in COSTS (two million strings fit). */
    memory: 352 * MiB,
    /**
     * In a worksheet or the shared strings: the longest tag, the most text that
     * piles up in one value (exceljs adds all text to the last value it opened,
     * so this also bounds the text after the last cell), and in one row. An
     * Excel cell holds at most 32,767 characters.
     */
    xmlTag: 4 * MiB,
    xmlText: 16 * MiB,
    rowText: 16 * MiB,
  },
  docx: {
    /** All parts together (an essay file is at most 64 MB, and photographs do not expand). */
    total: 64 * MiB,
    /** One part. */
    part: 32 * MiB,
    /** What mammoth's reading may cost in memory, estimated as in COSTS (about half a million 字 as Word writes them). */
    memory: 400 * MiB,
  },
} as const;

/**
 * What the readers spend, in bytes, on what a part holds: measured with
 * exceljs 4.4 and mammoth 1.x on parts built of nothing else (a style, a
 * shared string, a formatted run, a paragraph), rounded up.
 */
const COSTS = {
  /** exceljs: each element of the workbook, styles and relationships parts becomes a model object (a style: 0.3–0.5 KB). */
  held: { byte: 0, element: 512, attribute: 0, text: 0, string: 0, run: 0 },
  /** exceljs's shared strings: the text, each string (about 0.1 KB), each formatted run (an object, its font, its array: up to 1 KB). */
  sharedStrings: { byte: 1, element: 0, attribute: 0, text: 0, string: 128, run: 1100 },
  /**
   * mammoth: the part as a string and as two trees, for every part it may read:
   * 1.3–2.1 KB an element (a table cell, a run), 0.6 KB a text node, 0.25 KB an attribute.
   */
  docx: { byte: 4.5, element: 2560, attribute: 256, text: 640, string: 0, run: 0 },
} as const;

type Cost = (typeof COSTS)[keyof typeof COSTS];

export type ArchiveKind = 'xlsx' | 'docx';

// ---------------------------------------------------------------- refusals

/** A refusal found inside the archive; checkArchive turns it into an InputError. */
class Refusal extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

const refuse = (key: string, params: Record<string, string | number> = {}): never => {
  throw new Refusal(key, params);
};

/** A size as the messages show it: "64 MB", "1 GB". */
export function sizeText(bytes: number): string {
  if (bytes >= GiB && bytes % GiB === 0) return `${bytes / GiB} GB`;
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MB`;
  return `${bytes} bytes`;
}

const count = (n: number): string => n.toLocaleString('en-US');

// ---------------------------------------------------------------- the rules for each part

type TextRule = 'sheet' | 'sharedStrings';

interface XmlRule {
  /** Refuse <!…> (comments, CDATA, DTDs) and <?…?> other than the declaration: they hide text from the meter. */
  strict: boolean;
  /** Mirror what the parser accumulates, to bound the text of one value (and one row). */
  text?: TextRule;
  /** What the part costs in memory once read, charged to the archive's budget. */
  cost?: Cost;
}

interface PartRule {
  maxBytes: number;
  xml?: XmlRule;
}

interface Profile {
  kind: ArchiveKind;
  total: number;
  /** The reader walks the local headers front to back (exceljs): they must tile the archive. */
  sequential: boolean;
  /** The memory the costed parts may take together. */
  memory: number;
  rule(name: string): PartRule;
}

/** exceljs's own test for a worksheet (unanchored, as it is there). */
const SHEET_PART = /xl\/worksheets\/sheet\d+[.]xml/;
const HELD_PARTS = new Set(['xl/workbook.xml', 'xl/styles.xml', 'xl/_rels/workbook.xml.rels']);
/** Pictures do not shrink and sometimes (a blank bitmap) shrink a lot: no ratio limit, the size limits still hold. */
const MEDIA = /(^|\/)media\//;

const X = ARCHIVE_LIMITS.xlsx;
const D = ARCHIVE_LIMITS.docx;

const PROFILES: Record<ArchiveKind, Profile> = {
  xlsx: {
    kind: 'xlsx',
    total: X.total,
    sequential: true,
    memory: X.memory,
    rule(name) {
      // The same order as exceljs's reader: the exact names first, then the worksheet pattern.
      if (name === 'xl/sharedStrings.xml') return { maxBytes: X.sharedStrings, xml: { strict: true, text: 'sharedStrings', cost: COSTS.sharedStrings } };
      if (HELD_PARTS.has(name)) return { maxBytes: X.heldPart, xml: { strict: false, cost: COSTS.held } };
      if (SHEET_PART.test(name)) return { maxBytes: X.sheet, xml: { strict: true, text: 'sheet' } };
      // Everything else is inflated and thrown away by the reader: only the total bounds it.
      return { maxBytes: X.total };
    },
  },
  docx: {
    kind: 'docx',
    total: D.total,
    sequential: false,
    memory: D.memory,
    // mammoth finds its parts through the relationships, so any part may be XML it reads: all are costed.
    rule: () => ({ maxBytes: D.part, xml: { strict: false, cost: COSTS.docx } }),
  },
};

// ---------------------------------------------------------------- the XML meter

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQ = 0x22;
const SQ = 0x27;

const isNameStart = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
const isNameChar = (c: number): boolean => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** How much of a name cut by a chunk boundary is kept (the longest the rules look at is sheetData). */
const NAME_KEEP = 16;

/** The element names the rules look at (exact, with no prefix, as exceljs compares them). */
const enum NameId {
  Other,
  C,
  V,
  T,
  F,
  R,
  Is,
  Si,
  Row,
  SheetData,
  Xml,
}

const NAME_IDS = new Map<string, NameId>([
  ['c', NameId.C],
  ['v', NameId.V],
  ['t', NameId.T],
  ['f', NameId.F],
  ['r', NameId.R],
  ['is', NameId.Is],
  ['si', NameId.Si],
  ['row', NameId.Row],
  ['sheetData', NameId.SheetData],
  ['xml', NameId.Xml],
]);

const SHEET_DATA = Buffer.from('sheetData', 'latin1');

/** The id of the name buf[s…e), read without making a string of it (this runs for every tag). */
function nameIdOf(buf: Buffer, s: number, e: number): NameId {
  switch (e - s) {
    case 1:
      switch (buf[s]) {
        case 0x63:
          return NameId.C;
        case 0x76:
          return NameId.V;
        case 0x74:
          return NameId.T;
        case 0x66:
          return NameId.F;
        case 0x72:
          return NameId.R;
      }
      return NameId.Other;
    case 2:
      if (buf[s] === 0x69 && buf[s + 1] === 0x73) return NameId.Is;
      if (buf[s] === 0x73 && buf[s + 1] === 0x69) return NameId.Si;
      return NameId.Other;
    case 3:
      if (buf[s] === 0x72 && buf[s + 1] === 0x6f && buf[s + 2] === 0x77) return NameId.Row;
      if (buf[s] === 0x78 && buf[s + 1] === 0x6d && buf[s + 2] === 0x6c) return NameId.Xml;
      return NameId.Other;
    case 9:
      return buf.compare(SHEET_DATA, 0, 9, s, e) === 0 ? NameId.SheetData : NameId.Other;
  }
  return NameId.Other;
}

/** The memory the costed parts of one archive may take together, in estimated bytes. */
class Budget {
  used = 0;
  constructor(readonly limit: number) {}
  add(bytes: number, part: string): void {
    this.used += bytes;
    if (this.used > this.limit) refuse('archive.memory', { part, limit: sizeText(this.limit) });
  }
}

/**
 * Measures one XML part as it streams past, chunk by chunk, without parsing
 * it: tags are found by their '<' and '>' (an attribute value cannot hold a
 * '<'), an element is counted where a parser would see one ('<', a name, then
 * a space, '/' or '>'), and text is everything outside tags. Anything it
 * cannot follow only makes it count more, never less. Binary parts pass
 * through it too (a docx's pictures): they make few well-formed tags.
 */
class XmlMeter {
  private inTag = false;
  /** 0: just after '<'; 1: in the name; 2: in the body. */
  private phase = 0;
  private closing = false;
  private special = 0;
  /** The start of a name cut by a chunk boundary; the name's rule id; whether it has one at all. */
  private carry = '';
  private id = NameId.Other;
  private named = false;
  private element = false;
  private quote = 0;
  private lastBodyByte = 0;
  private tagBytes = 0;
  private seenMarkup = false;
  /** Text bytes since the parser last started a new value, and since the current row began. */
  private text = 0;
  private rowText = 0;
  private inSheetData = false;
  private inRow = false;
  private inCell = false;
  private readonly cost: Cost | undefined;
  private afterMarkup = false;

  constructor(
    private readonly rule: XmlRule,
    private readonly part: string,
    private readonly budget: Budget,
  ) {
    this.cost = rule.cost;
  }

  feed(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    while (i < n) {
      if (!this.inTag) {
        const lt = buf.indexOf(LT, i);
        const end = lt === -1 ? n : lt;
        if (this.rule.text) this.addText(end - i);
        if (end > i && this.afterMarkup) {
          // A text node (counted once, after the tag that opened it).
          this.afterMarkup = false;
          if (this.cost?.text) this.budget.add(this.cost.text, this.part);
        }
        if (lt === -1) return;
        this.startTag();
        i = lt + 1;
        continue;
      }
      if (this.phase === 0) {
        const c = buf[i];
        this.phase = 1;
        if (c === SLASH) {
          this.closing = true;
          this.addTag(1);
          i++;
          continue;
        }
        if (c === BANG || c === QUESTION) {
          this.special = c;
          if (this.rule.strict && c === BANG) this.refuseMarkup();
          this.addTag(1);
          i++;
          continue;
        }
        if (!isNameStart(c)) {
          this.phase = 2;
          continue;
        }
      }
      if (this.phase === 1) {
        let j = i;
        while (j < n && isNameChar(buf[j])) j++;
        this.addTag(j - i);
        if (j === n) {
          // The name goes on in the next chunk (rare): keep its start.
          this.carry = (this.carry + buf.toString('latin1', i, Math.min(n, i + NAME_KEEP + 1))).slice(0, NAME_KEEP + 1);
          return;
        }
        let id: NameId;
        let named: boolean;
        if (this.carry === '') {
          id = nameIdOf(buf, i, j);
          named = j > i;
        } else {
          id = NAME_IDS.get((this.carry + buf.toString('latin1', i, Math.min(j, i + NAME_KEEP + 1))).slice(0, NAME_KEEP + 1)) ?? NameId.Other;
          named = true;
        }
        this.endName(id, named, buf[j]);
        i = j;
        continue;
      }
      i = this.body(buf, i, n);
    }
  }

  private startTag(): void {
    this.inTag = true;
    this.phase = 0;
    this.closing = false;
    this.special = 0;
    this.carry = '';
    this.id = NameId.Other;
    this.named = false;
    this.element = false;
    this.quote = 0;
    this.lastBodyByte = 0;
    this.tagBytes = 1;
  }

  private endName(id: NameId, named: boolean, c: number): void {
    this.phase = 2;
    this.id = id;
    this.named = named;
    if (this.special === QUESTION) {
      // Only the declaration, and only before any other markup.
      if (this.rule.strict && !(id === NameId.Xml && !this.seenMarkup)) this.refuseMarkup();
    } else if (this.special === 0 && !this.closing && named && (isSpace(c) || c === SLASH || c === GT)) {
      this.element = true;
      const cost = this.cost;
      if (cost) {
        const spent = cost.element + (id === NameId.Si ? cost.string : id === NameId.R ? cost.run : 0);
        if (spent) this.budget.add(spent, this.part);
      }
    }
    this.seenMarkup = true;
  }

  /** The body of a tag, from i: up to and including its '>'. Returns where to go on. */
  private body(buf: Buffer, i: number, n: number): number {
    if (!this.cost?.attribute || !this.element) {
      const gt = buf.indexOf(GT, i);
      const end = gt === -1 ? n : gt;
      if (end > i) this.lastBodyByte = buf[end - 1];
      this.addTag(end - i);
      if (gt === -1) return n;
      this.endTag();
      return gt + 1;
    }
    // Attributes are counted: follow the quotes, so a '>' or '=' in a value is not taken for markup.
    let j = i;
    let attributes = 0;
    for (; j < n; j++) {
      const c = buf[j];
      if (this.quote !== 0) {
        if (c === this.quote) this.quote = 0;
      } else if (c === GT) {
        break;
      } else if (c === EQUALS) {
        attributes++;
      } else if (c === DQ || c === SQ) {
        this.quote = c;
      }
      this.lastBodyByte = c;
    }
    if (attributes) this.budget.add(attributes * this.cost.attribute, this.part);
    this.addTag(j - i);
    if (j === n) return n;
    this.endTag();
    return j + 1;
  }

  private endTag(): void {
    this.inTag = false;
    // Text after a real tag is a text node; after bytes that only look like one (a picture's), it is not counted.
    this.afterMarkup = this.element || (this.closing && this.named);
    if (this.closing) this.onClose(this.id);
    else if (this.element) {
      this.onOpen(this.id);
      if (this.lastBodyByte === SLASH) this.onClose(this.id);
    }
  }

  /** What resets the parser's value (exceljs's worksheet and shared-strings readers), mirrored. */
  private onOpen(id: NameId): void {
    if (this.rule.text === 'sheet') {
      switch (id) {
        case NameId.SheetData:
          this.inSheetData = true;
          break;
        case NameId.Row:
          if (this.inSheetData) {
            this.inRow = true;
            this.rowText = 0;
          }
          break;
        case NameId.C:
          if (this.inRow) this.inCell = true;
          break;
        case NameId.V:
        case NameId.T:
        case NameId.Is:
        case NameId.F:
          if (this.inCell) this.text = 0;
          break;
      }
    } else if (this.rule.text === 'sharedStrings') {
      if (id === NameId.Si || id === NameId.T) this.text = 0;
    }
  }

  private onClose(id: NameId): void {
    if (this.rule.text === 'sheet') {
      switch (id) {
        case NameId.SheetData:
          this.inSheetData = false;
          break;
        case NameId.Row:
          this.inRow = false;
          this.rowText = 0;
          break;
        case NameId.C:
          if (this.inRow) this.inCell = false;
          break;
      }
    } else if (this.rule.text === 'sharedStrings') {
      if (id === NameId.R || id === NameId.Si) this.text = 0;
    }
  }

  private addText(k: number): void {
    if (k === 0) return;
    this.text += k;
    if (this.text > X.xmlText) refuse('archive.xml.text', { part: this.part, limit: sizeText(X.xmlText) });
    if (this.inRow) {
      this.rowText += k;
      if (this.rowText > X.rowText) refuse('archive.xml.rowText', { part: this.part, limit: sizeText(X.rowText) });
    }
  }

  private addTag(k: number): void {
    this.tagBytes += k;
    if (this.rule.strict && this.tagBytes > X.xmlTag) refuse('archive.xml.tag', { part: this.part, limit: sizeText(X.xmlTag) });
  }

  private refuseMarkup(): never {
    return refuse('archive.xml.special', { part: this.part });
  }
}

// ---------------------------------------------------------------- reading the archive

interface ByteSource {
  size: number;
  /** Exactly `len` bytes at `pos`, or fewer if the file ends (or shrank) before. */
  read(pos: number, len: number): Promise<Buffer>;
  close(): Promise<void>;
}

async function fileSource(file: string): Promise<ByteSource> {
  const fh = await open(file, 'r').catch((e: unknown) => {
    throw fileError(file, e);
  });
  try {
    const { size } = await fh.stat();
    return {
      size,
      async read(pos, len) {
        const buf = Buffer.allocUnsafe(len);
        let got = 0;
        while (got < len) {
          const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got === len ? buf : buf.subarray(0, got);
      },
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw fileError(file, e);
  }
}

function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read: async (pos, len) => buf.subarray(pos, Math.min(buf.length, pos + len)),
    close: async () => {},
  };
}

async function readExactly(src: ByteSource, pos: number, len: number): Promise<Buffer> {
  const buf = await src.read(pos, len);
  if (buf.length !== len) refuse('archive.damaged.directory');
  return buf;
}

const EOCD_SIG = 0x06054b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;
const DESCRIPTOR_SIG = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
/** Flag bits: 0 encrypted, 6 strong encryption, 13 encrypted directory; 3 sizes in a data descriptor. */
const ENCRYPTED_FLAGS = 0x0001 | 0x0040 | 0x2000;
const DESCRIPTOR_FLAG = 0x0008;

interface Entry {
  /** The name as exceljs sees it (UTF-8) and its bytes, to compare with the local header. */
  name: string;
  nameBytes: Buffer;
  shown: string;
  flags: number;
  method: number;
  packed: number;
  declared: number;
  offset: number;
  /** Filled from the local header. */
  dataStart: number;
  /** Where the next part begins in a front-to-back walk. */
  next: number;
  /** The local header leaves the size to a signed data descriptor, which a front-to-back reader looks for. */
  scanForDescriptor: boolean;
}

async function readDirectory(src: ByteSource): Promise<{ entries: Entry[]; directoryOffset: number }> {
  const L = ARCHIVE_LIMITS;
  if (src.size < 22) refuse('archive.damaged.directory');
  const tailLen = Math.min(src.size, 22 + U16_MAX);
  const tailStart = src.size - tailLen;
  const tail = await readExactly(src, tailStart, tailLen);
  // The last end-record signature, as JSZip (mammoth's reader) takes it.
  let p = -1;
  for (let i = tail.length - 4; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail.readUInt32LE(i) === EOCD_SIG) {
      p = i;
      break;
    }
  }
  if (p === -1 || p + 22 > tail.length) refuse('archive.damaged.directory');
  const disk = tail.readUInt16LE(p + 4);
  const directoryDisk = tail.readUInt16LE(p + 6);
  const onDisk = tail.readUInt16LE(p + 8);
  const total = tail.readUInt16LE(p + 10);
  const directorySize = tail.readUInt32LE(p + 12);
  const directoryOffset = tail.readUInt32LE(p + 16);
  const commentLength = tail.readUInt16LE(p + 20);
  if (disk === U16_MAX || directoryDisk === U16_MAX || onDisk === U16_MAX || total === U16_MAX || directorySize === U32_MAX || directoryOffset === U32_MAX) {
    refuse('archive.zip64');
  }
  if (disk !== 0 || directoryDisk !== 0 || onDisk !== total) refuse('archive.multiDisk');
  if (p + 22 + commentLength !== tail.length) refuse('archive.damaged.directory');
  if (total > L.entries) refuse('archive.tooManyEntries', { limit: count(L.entries) });
  if (directorySize > L.directoryBytes) refuse('archive.directoryTooLarge', { limit: sizeText(L.directoryBytes) });
  const endOffset = tailStart + p;
  // The directory ends where the end record begins: no bytes before the archive or between.
  if (directoryOffset + directorySize !== endOffset) refuse('archive.damaged.directory');

  const dir = await readExactly(src, directoryOffset, directorySize);
  const entries: Entry[] = [];
  const names = new Set<string>();
  let q = 0;
  for (let k = 0; k < total; k++) {
    if (q + 46 > dir.length || dir.readUInt32LE(q) !== CDH_SIG) refuse('archive.damaged.directory');
    const flags = dir.readUInt16LE(q + 8);
    const method = dir.readUInt16LE(q + 10);
    const packed = dir.readUInt32LE(q + 20);
    const declared = dir.readUInt32LE(q + 24);
    const nameLength = dir.readUInt16LE(q + 28);
    const extraLength = dir.readUInt16LE(q + 30);
    const commentLen = dir.readUInt16LE(q + 32);
    const startDisk = dir.readUInt16LE(q + 34);
    const offset = dir.readUInt32LE(q + 42);
    if (nameLength > L.nameBytes) refuse('archive.nameTooLong', { limit: count(L.nameBytes) });
    const end = q + 46 + nameLength + extraLength + commentLen;
    if (end > dir.length || nameLength === 0) refuse('archive.damaged.directory');
    const nameBytes = Buffer.from(dir.subarray(q + 46, q + 46 + nameLength));
    const name = nameBytes.toString('utf8');
    const shown = forTerminal(name);
    if (packed === U32_MAX || declared === U32_MAX || offset === U32_MAX || startDisk === U16_MAX) refuse('archive.zip64');
    if (startDisk !== 0) refuse('archive.multiDisk');
    if (flags & ENCRYPTED_FLAGS) refuse('archive.encrypted', { part: shown });
    if (method !== 0 && method !== 8) refuse('archive.method', { part: shown, method });
    const key = nameBytes.toString('latin1');
    if (names.has(key)) refuse('archive.duplicate', { part: shown });
    names.add(key);
    entries.push({ name, nameBytes, shown, flags, method, packed, declared, offset, dataStart: 0, next: 0, scanForDescriptor: false });
    q = end;
  }
  if (q !== dir.length) refuse('archive.damaged.directory');
  return { entries, directoryOffset };
}

/** Reads each part's local header: it must name the same part, with the same method and sizes. */
async function readLocalHeaders(src: ByteSource, entries: Entry[], directoryOffset: number, profile: Profile): Promise<void> {
  for (const e of entries) {
    if (e.offset + 30 > directoryOffset) refuse('archive.damaged.entry', { part: e.shown });
    const head = await readExactly(src, e.offset, 30);
    if (head.readUInt32LE(0) !== LFH_SIG) refuse('archive.damaged.entry', { part: e.shown });
    const flags = head.readUInt16LE(6);
    const method = head.readUInt16LE(8);
    const packed = head.readUInt32LE(18);
    const declared = head.readUInt32LE(22);
    const nameLength = head.readUInt16LE(26);
    const extraLength = head.readUInt16LE(28);
    if (packed === U32_MAX || declared === U32_MAX) refuse('archive.zip64');
    if (flags & ENCRYPTED_FLAGS) refuse('archive.encrypted', { part: e.shown });
    if (method !== e.method || nameLength !== e.nameBytes.length) refuse('archive.damaged.entry', { part: e.shown });
    const localName = await readExactly(src, e.offset + 30, nameLength);
    if (!localName.equals(e.nameBytes)) refuse('archive.damaged.entry', { part: e.shown });
    e.dataStart = e.offset + 30 + nameLength + extraLength;
    if (e.dataStart + e.packed > directoryOffset) refuse('archive.damaged.entry', { part: e.shown });
    // A reader walking the local headers (exceljs) takes the size from there, or,
    // when the header defers it to a data descriptor, reads up to the descriptor's signature.
    e.scanForDescriptor = profile.sequential && (flags & DESCRIPTOR_FLAG) !== 0 && packed === 0;
    if (e.scanForDescriptor) {
      e.next = e.dataStart + e.packed + 16;
    } else {
      if (profile.sequential && packed !== e.packed) refuse('archive.damaged.entry', { part: e.shown });
      e.next = e.dataStart + e.packed;
    }
  }
  if (!profile.sequential) return;
  // The parts must follow one another from byte 0 to the directory, so that a
  // front-to-back reader meets exactly the parts checked here, and no others.
  const ordered = [...entries].sort((a, b) => a.offset - b.offset);
  let at = 0;
  for (const e of ordered) {
    if (e.offset !== at) refuse('archive.damaged.layout', { offset: at });
    if (e.scanForDescriptor) {
      const sig = await src.read(e.dataStart + e.packed, 4);
      if (!sig.equals(DESCRIPTOR_SIG)) refuse('archive.damaged.layout', { offset: e.dataStart + e.packed });
    }
    at = e.next;
  }
  if (at !== directoryOffset) refuse('archive.damaged.layout', { offset: at });
}

/** How much is read from the archive at a time. */
const READ_CHUNK = 64 * 1024;

/** Inflates (or copies) one part, counting what really comes out; stops at the first byte over a limit. */
async function measureEntry(src: ByteSource, e: Entry, profile: Profile, totals: { out: number }, budget: Budget): Promise<void> {
  const L = ARCHIVE_LIMITS;
  const rule = profile.rule(e.name);
  const limitOf = (bytes: number): string => sizeText(bytes);
  const meter = rule.xml ? new XmlMeter(rule.xml, e.shown, budget) : null;
  const perByte = rule.xml?.cost?.byte ?? 0;
  const ratioApplies = !MEDIA.test(e.name);
  const inflater = e.method === 8 ? zlib.createInflateRaw({ chunkSize: READ_CHUNK }) : null;
  /** Packed bytes used so far: what the inflater has consumed (not merely been given), or what was copied. */
  let copied = 0;
  let out = 0;
  const take = (chunk: Buffer): void => {
    out += chunk.length;
    totals.out += chunk.length;
    if (out > rule.maxBytes) refuse('archive.entryTooLarge', { part: e.shown, limit: limitOf(rule.maxBytes) });
    if (totals.out > profile.total) refuse('archive.totalTooLarge', { limit: limitOf(profile.total) });
    if (ratioApplies && out > L.ratioFloor && out > L.ratio * (inflater ? inflater.bytesWritten : copied)) {
      refuse('archive.ratio', { part: e.shown, ratio: L.ratio, floor: limitOf(L.ratioFloor) });
    }
    if (perByte) budget.add(chunk.length * perByte, e.shown);
    meter?.feed(chunk);
  };
  // A front-to-back reader cuts a deferred-size part at the first descriptor signature: there must be none inside.
  let carry = Buffer.alloc(0);
  const scan = (chunk: Buffer): void => {
    if (!e.scanForDescriptor) return;
    const window = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    if (window.indexOf(DESCRIPTOR_SIG) !== -1) refuse('archive.damaged.layout', { offset: e.dataStart });
    carry = Buffer.from(window.subarray(Math.max(0, window.length - 3)));
  };
  async function* packedChunks(): AsyncGenerator<Buffer> {
    for (let pos = 0; pos < e.packed; ) {
      const len = Math.min(READ_CHUNK, e.packed - pos);
      const chunk = await src.read(e.dataStart + pos, len);
      if (chunk.length !== len) refuse('archive.damaged.data', { part: e.shown });
      scan(chunk);
      pos += len;
      copied = pos;
      yield chunk;
    }
  }
  if (!inflater) {
    for await (const chunk of packedChunks()) take(chunk);
  } else {
    try {
      await pipeline(
        packedChunks,
        inflater,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            try {
              take(chunk);
              done();
            } catch (err) {
              done(err as Error);
            }
          },
        }),
      );
    } catch (err) {
      if (err instanceof Refusal) throw err;
      refuse('archive.damaged.data', { part: e.shown });
    }
  }
  if (ratioApplies && out > L.ratioFloor && out > L.ratio * e.packed) refuse('archive.ratio', { part: e.shown, ratio: L.ratio, floor: limitOf(L.ratioFloor) });
}

/**
 * Checks the archive `source` (a path, or the file's bytes) before it is given
 * to exceljs (`xlsx`) or mammoth (`docx`); `file` is how messages name it.
 * Throws an InputError if it is refused.
 */
export async function checkArchive(source: string | Buffer, kind: ArchiveKind, file: string): Promise<void> {
  const profile = PROFILES[kind];
  const src = typeof source === 'string' ? await fileSource(source) : bufferSource(source);
  try {
    const { entries, directoryOffset } = await readDirectory(src);
    await readLocalHeaders(src, entries, directoryOffset, profile);
    // What the archive admits to is refused before anything is inflated; what it hides, while inflating.
    let declared = 0;
    for (const e of entries) {
      const max = profile.rule(e.name).maxBytes;
      if (e.declared > max) refuse('archive.entryTooLarge', { part: e.shown, limit: sizeText(max) });
      declared += e.declared;
    }
    if (declared > profile.total) refuse('archive.totalTooLarge', { limit: sizeText(profile.total) });
    const totals = { out: 0 };
    const budget = new Budget(profile.memory);
    for (const e of entries) await measureEntry(src, e, profile, totals, budget);
  } catch (e) {
    if (e instanceof Refusal) {
      // A damaged archive is said as the readers' own failures are, with what is wrong as the problem.
      if (e.key.startsWith('archive.damaged.')) {
        throw new InputError(msg(`archive.unreadable.${kind}`, { file }), [{ file, reason: msg(e.key, e.params) }], msg(kind === 'xlsx' ? 'io.xlsx.fix.unreadable' : 'io.essay.fix.notDocx'));
      }
      throw new InputError(msg(e.key, { file, ...e.params }), [], msg(`archive.fix.${kind}`));
    }
    if (e instanceof InputError) throw e;
    throw fileError(file, e);
  } finally {
    await src.close().catch(() => undefined);
  }
}
