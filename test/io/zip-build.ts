/**
 * Zip archives built byte by byte for the archive-bound tests: honest ones,
 * and ones that lie (a directory that understates sizes, a hidden part, a
 * ZIP64 marker, a foreign method). Large contents are never materialised: a
 * repeated piece is deflated once with a full flush, so its compressed form
 * can be repeated as is (500 MB of zeros is about 0.5 MB).
 */
import zlib from 'node:zlib';
import JSZip from 'jszip';

export interface Deflated {
  deflated: Buffer;
  size: number;
  crc: number;
}

/** A raw deflate stream of `pieces` in order, each `times` over, without building the content. */
export function deflatedPieces(pieces: { data: Buffer | string; times?: number }[]): Deflated {
  const parts: Buffer[] = [];
  let crc = 0;
  let size = 0;
  for (const { data, times = 1 } of pieces) {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const once = zlib.deflateRawSync(buf, { finishFlush: zlib.constants.Z_FULL_FLUSH });
    for (let i = 0; i < times; i++) {
      parts.push(once);
      crc = zlib.crc32(buf, crc);
    }
    size += buf.length * times;
  }
  // An empty final block ends the stream.
  parts.push(Buffer.from([0x03, 0x00]));
  return { deflated: Buffer.concat(parts), size, crc };
}

/** `mb` MiB of zeros, deflated (about 1,000 to 1). */
export const zeros = (mb: number): Deflated => deflatedPieces([{ data: Buffer.alloc(1 << 20), times: mb }]);

export interface Part {
  name: string;
  /** The content, deflated here (or stored with method 0). */
  data?: Buffer | string;
  /** Or a deflate stream given as is. */
  deflated?: Deflated;
  /** The compression method written in both headers (default 8, deflate; 0 stores). */
  method?: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags?: number;
  /** The uncompressed size written in the headers: a lie when it differs from the content's. */
  declaredSize?: number;
  /** Sizes written as 0xFFFFFFFF, as ZIP64 does. */
  zip64Sizes?: boolean;
  /** Another name in the local header than in the directory. */
  localName?: string;
  /** The sizes left to a signed data descriptor after the data (flag bit 3, sizes 0 in the local header). */
  descriptor?: boolean;
  /** The part is in the data but not in the directory (a front-to-back reader still finds it). */
  hidden?: boolean;
}

export interface EndRecord {
  disk?: number;
  directoryDisk?: number;
  onDisk?: number;
  total?: number;
  directorySize?: number;
  directoryOffset?: number;
}

/** A zip archive of `parts`, in order; `end` overrides fields of the end record. */
export function buildZip(parts: Part[], end: EndRecord = {}): Buffer {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  let listed = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const localName = Buffer.from(p.localName ?? p.name);
    const method = p.method ?? 8;
    const content = p.data === undefined ? undefined : typeof p.data === 'string' ? Buffer.from(p.data) : p.data;
    let packed: Buffer;
    let size: number;
    let crc: number;
    if (p.deflated) {
      packed = p.deflated.deflated;
      size = p.deflated.size;
      crc = p.deflated.crc;
    } else {
      const c = content ?? Buffer.alloc(0);
      packed = method === 8 ? zlib.deflateRawSync(c) : c;
      size = c.length;
      crc = zlib.crc32(c);
    }
    const declared = p.declaredSize ?? size;
    const flags = (p.flags ?? 0) | (p.descriptor ? 0x0008 : 0) | 0x0800;
    const packedField = p.zip64Sizes ? 0xffffffff : packed.length;
    const sizeField = p.zip64Sizes ? 0xffffffff : declared;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(p.descriptor ? 0 : crc >>> 0, 14);
    local.writeUInt32LE(p.descriptor ? 0 : packedField, 18);
    local.writeUInt32LE(p.descriptor ? 0 : sizeField, 22);
    local.writeUInt16LE(localName.length, 26);
    const pieces = [local, localName, packed];
    if (p.descriptor) {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc >>> 0, 4);
      d.writeUInt32LE(packed.length, 8);
      d.writeUInt32LE(declared, 12);
      pieces.push(d);
    }
    locals.push(...pieces);

    if (!p.hidden) {
      const entry = Buffer.alloc(46);
      entry.writeUInt32LE(0x02014b50, 0);
      entry.writeUInt16LE(20, 4);
      entry.writeUInt16LE(20, 6);
      entry.writeUInt16LE(flags, 8);
      entry.writeUInt16LE(method, 10);
      entry.writeUInt32LE(crc >>> 0, 16);
      entry.writeUInt32LE(packedField, 20);
      entry.writeUInt32LE(sizeField, 24);
      entry.writeUInt16LE(name.length, 28);
      entry.writeUInt32LE(offset, 42);
      directory.push(entry, name);
      listed++;
    }
    offset += pieces.reduce((n, b) => n + b.length, 0);
  }
  const dir = Buffer.concat(directory);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(end.disk ?? 0, 4);
  eocd.writeUInt16LE(end.directoryDisk ?? 0, 6);
  eocd.writeUInt16LE(end.onDisk ?? end.total ?? listed, 8);
  eocd.writeUInt16LE(end.total ?? listed, 10);
  eocd.writeUInt32LE(end.directorySize ?? dir.length, 12);
  eocd.writeUInt32LE(end.directoryOffset ?? offset, 16);
  return Buffer.concat([...locals, dir, eocd]);
}

/** The parts of an existing archive (e.g. one exceljs wrote), to rebuild it with one part changed. */
export async function partsOf(archive: Buffer): Promise<Part[]> {
  const zip = await JSZip.loadAsync(archive);
  const parts: Part[] = [];
  for (const name of Object.keys(zip.files)) {
    if (zip.files[name].dir) continue;
    parts.push({ name, data: await zip.file(name)!.async('nodebuffer') });
  }
  return parts;
}

/** Replaces (or adds) the part `name`. */
export function withPart(parts: Part[], part: Part): Part[] {
  const i = parts.findIndex((p) => p.name === part.name);
  if (i === -1) return [...parts, part];
  const out = [...parts];
  out[i] = part;
  return out;
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
  '</Types>';
const RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
  '</Relationships>';
export const DOCUMENT_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
export const DOCUMENT_TAIL = '</w:body></w:document>';

/** A .docx whose word/document.xml is `document` (text or a deflate stream), with `more` parts after it. */
export function docxOf(document: string | Deflated, more: Part[] = []): Buffer {
  const doc: Part = typeof document === 'string' ? { name: 'word/document.xml', data: document } : { name: 'word/document.xml', deflated: document };
  return buildZip([{ name: '[Content_Types].xml', data: CONTENT_TYPES }, { name: '_rels/.rels', data: RELS }, doc, ...more]);
}

/** A paragraph of Word's XML around `text`. */
export const paragraph = (text: string): string => `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;

/** Text that does not compress much (a fixed pseudo-random sequence of letters), `n` characters. */
export function noise(n: number, seed = 1): string {
  let s = seed >>> 0 || 1;
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = 0x61 + ((s >>> 0) % 26);
  }
  return out.toString('latin1');
}

/** CJK text that does not compress much, `n` characters. */
export function hanNoise(n: number, seed = 7): string {
  let s = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out += String.fromCharCode(0x4e00 + ((s >>> 0) % 2000));
  }
  return out;
}

/** Bytes that do not compress at all (a fixed pseudo-random sequence), like a photograph's. */
export function randomBytes(n: number, seed = 3): Buffer {
  let s = seed >>> 0 || 1;
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}
