/**
 * Which text encoding an input file is in, decided in one streaming pass that
 * also hashes it: a BOM first (UTF-8, UTF-16LE/BE), else strict UTF-8 over the
 * whole file, else strict GB18030 (a superset of GBK), else refuse.
 *
 * A first, fast pass hashes the file and validates UTF-8 without decoding it
 * (and checks for NUL bytes). Almost every file is UTF-8, and for those that
 * pass is the whole scan. Anything else (bytes that are not UTF-8, a NUL) sends
 * the file through the exact pass: both strict decoders side by side on every
 * chunk, which decides between UTF-8 and GB18030 and says where a problem is.
 * A file stays "UTF-8" only if every byte of it is valid UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { InputError, msg } from '../errors.js';

export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface ScanResult {
  encoding: TextEncoding;
  bom: boolean;
  sha256: string;
  bytes: number;
}

export interface HashResult {
  sha256: string;
  bytes: number;
  /** The first bytes of the file (up to 8), for magic-number checks. */
  head: Buffer;
}

const CHUNK = 1 << 20;
const LF = 0x0a;
const CR = 0x0d;
/** How much of an over-long line is kept to locate a decoding error in it. */
const MAX_TAIL = 4 << 20;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(buf: Uint8Array, magic: number[]): boolean {
  if (buf.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (buf[i] !== magic[i]) return false;
  return true;
}

export function isZip(head: Uint8Array): boolean {
  return startsWith(head, ZIP_MAGIC);
}

export function isOleCompound(head: Uint8Array): boolean {
  return startsWith(head, OLE_MAGIC);
}

/** The byte-order mark a text starts with, if any. */
function byteOrderMark(head: Uint8Array): 'utf-8-bom' | 'utf-16le' | 'utf-16be' | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8-bom';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/** A zip (xlsx, docx) or an old Office file named like text is refused with what to do instead. */
function refuseBinary(head: Uint8Array, file: string): void {
  if (isZip(head)) throw new InputError(msg('io.file.zip', { file }), [], msg('io.file.fix.zip'));
  if (isOleCompound(head)) throw new InputError(msg('io.file.ole', { file }), [], msg('io.file.fix.ole'));
}

/** Refuses a path that is missing, a directory or not a regular file; returns its size. */
export async function checkReadableFile(file: string): Promise<number> {
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    throw fileError(file, e);
  }
  if (st.isDirectory()) throw new InputError(msg('io.file.directory', { file }), [], msg('io.file.fix.directory', { file }));
  if (!st.isFile()) throw new InputError(msg('io.file.notRegular', { file }));
  return st.size;
}

export function fileError(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new InputError(msg('io.file.missing', { file, dir: path.resolve(path.dirname(file)) }), [], msg('io.file.fix.missing'));
  }
  if (code === 'EISDIR') return new InputError(msg('io.file.directory', { file }), [], msg('io.file.fix.directory', { file }));
  if (code === 'EACCES' || code === 'EPERM') {
    return new InputError(msg('io.file.denied', { file }), [], msg('io.file.fix.denied'));
  }
  const detail = code || (e instanceof Error ? e.message : String(e));
  return new InputError(msg('io.file.unreadable', { file, detail }), [], msg('io.file.fix.unreadable'));
}

function countByte(buf: Buffer, byte: number): number {
  let n = 0;
  let i = buf.indexOf(byte, 0);
  while (i !== -1) {
    n++;
    i = buf.indexOf(byte, i + 1);
  }
  return n;
}

function strictDecoder(label: TextEncoding): TextDecoder {
  return new TextDecoder(label, { fatal: true });
}

/**
 * Index of the first line of `segment` (split at `sep`) that fails to decode.
 * A line break byte is never part of a multi-byte character in UTF-8 or
 * GB18030, so every prefix ending at a break decodes on its own; binary search
 * finds the shortest failing prefix in a few decodes.
 */
function firstBadLine(segment: Buffer, sep: number, label: TextEncoding): number {
  const ends: number[] = [];
  for (let i = segment.indexOf(sep); i !== -1; i = segment.indexOf(sep, i + 1)) ends.push(i);
  ends.push(segment.length);
  const fails = (j: number): boolean => {
    try {
      // The last line may be cut off by the end of the chunk: allow an unfinished character there.
      strictDecoder(label).decode(segment.subarray(0, ends[j]), { stream: j === ends.length - 1 });
      return false;
    } catch {
      return true;
    }
  };
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Feeds the bytes of one file, chunk by chunk, through the encoding checks.
 * Shared by scanFile (streaming) and decodeBytes (a whole small buffer).
 */
class EncodingSniffer {
  /** Bytes after any BOM. */
  private content = 0;
  private mode: 'start' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'sniff' = 'start';
  private utf8: TextDecoder | null = strictDecoder('utf-8');
  private gb: TextDecoder | null = strictDecoder('gb18030');
  private utf16: TextDecoder | null = null;
  private utf8FailLine = 0;
  private gbFailLine = 0;
  /** Line feeds and carriage returns seen before the current chunk. */
  private lfBefore = 0;
  private crBefore = 0;
  /** Content offset where the current line starts (after the last line break). */
  private lineStart = 0;
  /** Bytes of the current, unfinished line from earlier chunks, and its line number. */
  private tail: Buffer = Buffer.alloc(0);
  private tailLine = 1;
  private utf16Lines = 0;

  constructor(private readonly file: string) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.mode === 'start') chunk = this.begin(chunk);
    const offset = this.content;
    this.content += chunk.length;
    if (this.mode === 'utf-16le' || this.mode === 'utf-16be') {
      this.pushUtf16(chunk);
      return;
    }
    const nul = chunk.indexOf(0);
    if (nul !== -1) this.nulError(chunk, offset, nul);

    const lf = countByte(chunk, LF);
    const cr = lf > 0 || this.lfBefore > 0 ? 0 : countByte(chunk, CR);
    if (this.utf8) {
      try {
        this.utf8.decode(chunk, { stream: true });
      } catch {
        this.utf8 = null;
        this.utf8FailLine = this.locate(chunk, 'utf-8');
        if (this.mode === 'utf-8-bom') this.undecodable(this.utf8FailLine);
      }
    }
    if (this.gb) {
      try {
        this.gb.decode(chunk, { stream: true });
      } catch {
        this.gb = null;
        this.gbFailLine = this.locate(chunk, 'gb18030');
      }
    }
    // Whichever decoder got further is the file's likely encoding: its failure is the one to show.
    if (!this.utf8 && !this.gb) this.undecodable(Math.max(this.utf8FailLine, this.gbFailLine));

    // Keep the unfinished last line so that an error in it can be located later.
    const sep = this.separator(lf, cr);
    const lastSep = chunk.lastIndexOf(sep);
    if (lastSep !== -1) {
      this.tailLine = this.lineBefore(sep) + (sep === LF ? lf : cr);
      this.tail = Buffer.from(chunk.subarray(lastSep + 1));
      this.lineStart = offset + lastSep + 1;
    } else if (this.tail.length + chunk.length <= MAX_TAIL) {
      this.tail = Buffer.concat([this.tail, chunk]);
    } else {
      this.tail = Buffer.from(chunk);
    }
    this.lfBefore += lf;
    this.crBefore += cr;
  }

  finish(): { encoding: TextEncoding; bom: boolean } {
    if (this.content === 0) {
      throw new InputError(msg('io.file.empty', { file: this.file }), [], msg('io.file.fix.empty'));
    }
    switch (this.mode) {
      case 'utf-16le':
      case 'utf-16be':
        try {
          this.utf16?.decode();
        } catch {
          this.undecodable(this.utf16Lines + 1);
        }
        return { encoding: this.mode, bom: true };
      case 'utf-8-bom':
        try {
          this.utf8?.decode();
        } catch {
          this.undecodable(this.lineBefore(this.separator(0)));
        }
        return { encoding: 'utf-8', bom: true };
      case 'start':
      case 'sniff':
        break;
    }
    // A multi-byte sequence cut off by the end of the file fails only here.
    const last = this.lineBefore(this.separator(0));
    if (this.utf8) {
      try {
        this.utf8.decode();
        return { encoding: 'utf-8', bom: false };
      } catch {
        this.utf8FailLine = last;
      }
    }
    if (this.gb) {
      try {
        this.gb.decode();
        return { encoding: 'gb18030', bom: false };
      } catch {
        this.gbFailLine = last;
      }
    }
    this.undecodable(Math.max(this.utf8FailLine, this.gbFailLine));
  }

  /** Looks at the first bytes: magic numbers and byte-order marks. Returns the chunk without a UTF-8 BOM. */
  private begin(chunk: Buffer): Buffer {
    refuseBinary(chunk, this.file);
    const bom = byteOrderMark(chunk);
    if (bom === 'utf-8-bom') {
      this.mode = bom;
      this.gb = null;
      return chunk.subarray(3);
    }
    if (bom) {
      this.mode = bom;
      this.utf16 = strictDecoder(bom);
      this.utf8 = this.gb = null;
      this.content -= 2;
      return chunk;
    }
    this.mode = 'sniff';
    return chunk;
  }

  private pushUtf16(chunk: Buffer): void {
    let text: string;
    try {
      text = this.utf16!.decode(chunk, { stream: true });
    } catch {
      this.undecodable(this.utf16Lines + 1);
    }
    let i = text.indexOf('\n');
    while (i !== -1) {
      this.utf16Lines++;
      i = text.indexOf('\n', i + 1);
    }
  }

  /** Lines end at LF, unless the file so far has none (old Mac files end lines with CR only). */
  private separator(lfInChunk: number, crInChunk = 0): number {
    if (this.lfBefore > 0 || lfInChunk > 0) return LF;
    return this.crBefore > 0 || crInChunk > 0 ? CR : LF;
  }

  private lineBefore(sep: number): number {
    return (sep === LF ? this.lfBefore : this.crBefore) + 1;
  }

  /** Approximate line of a decoding failure inside `chunk`: decode line by line from the last line break. */
  private locate(chunk: Buffer, label: TextEncoding): number {
    const sep = this.lfBefore > 0 || chunk.indexOf(LF) !== -1 ? LF : CR;
    const segment = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    return this.tailLine + firstBadLine(segment, sep, label);
  }

  private nulError(chunk: Buffer, offset: number, nul: number): never {
    const before = chunk.subarray(0, nul);
    const lfs = countByte(before, LF);
    const sep = this.lfBefore + lfs > 0 ? LF : CR;
    const breaks = sep === LF ? this.lfBefore + lfs : this.crBefore + countByte(before, CR);
    const line = breaks + 1;
    const lastBreak = before.lastIndexOf(sep);
    const column = lastBreak !== -1 ? nul - lastBreak : offset + nul - this.lineStart + 1;
    throw new InputError(
      msg('io.file.nul', { file: this.file, line, column }),
      [{ file: this.file, line, column, reason: msg('io.file.nulHere') }],
      msg('io.file.fix.nul'),
    );
  }

  private undecodable(line: number): never {
    throw new InputError(
      msg('io.encoding.unknown', { file: this.file, line }),
      [{ file: this.file, line, reason: msg('io.encoding.badBytes') }],
      msg('io.encoding.fix.unknown'),
    );
  }
}

/** Thrown by FastSniffer when a file needs the exact pass (not plain UTF-8, or a NUL byte). */
class NeedsExactScan extends Error {}

/** Bytes needed to finish the UTF-8 character that starts with `lead`, 0 for a byte that cannot start one. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 0;
}

/**
 * The fast pass: the same answers as EncodingSniffer for a file that is UTF-8
 * (with or without BOM) or UTF-16 with a BOM and has no NUL byte; for any
 * other file it throws NeedsExactScan and EncodingSniffer decides (and words
 * the error) as before. UTF-8 is validated with `isUtf8` (no string is made); a
 * character cut by the end of a chunk waits for the next one.
 */
class FastSniffer {
  private content = 0;
  private mode: 'start' | 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' = 'start';
  private pending: Buffer | null = null;
  private utf16: TextDecoder | null = null;

  constructor(private readonly file: string) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.mode === 'start') chunk = this.begin(chunk);
    this.content += chunk.length;
    if (this.mode === 'utf-16le' || this.mode === 'utf-16be') {
      try {
        this.utf16!.decode(chunk, { stream: true });
      } catch {
        throw new NeedsExactScan();
      }
      return;
    }
    if (chunk.indexOf(0) !== -1) throw new NeedsExactScan();
    let data = chunk;
    if (this.pending) {
      // Finish the character cut by the last chunk on its own (no copy of the whole chunk).
      const head = this.pending;
      const need = utf8Length(head[0]);
      const more = Math.min(need - head.length, chunk.length);
      const whole = Buffer.concat([head, chunk.subarray(0, more)]);
      this.pending = null;
      if (whole.length < need) {
        this.pending = whole;
        return;
      }
      if (!isUtf8(whole)) throw new NeedsExactScan();
      data = chunk.subarray(more);
      if (data.length === 0) return;
    }
    // Where the last, possibly unfinished, character starts.
    let end = data.length;
    let i = end - 1;
    while (i > 0 && i > end - 4 && (data[i] & 0xc0) === 0x80) i--;
    const need = utf8Length(data[i]);
    if (need > 1 && end - i < need) end = i;
    if (!isUtf8(data.subarray(0, end))) throw new NeedsExactScan();
    if (end < data.length) this.pending = Buffer.from(data.subarray(end));
  }

  finish(): { encoding: TextEncoding; bom: boolean } {
    if (this.content === 0) {
      throw new InputError(msg('io.file.empty', { file: this.file }), [], msg('io.file.fix.empty'));
    }
    if (this.mode === 'utf-16le' || this.mode === 'utf-16be') {
      try {
        this.utf16!.decode();
      } catch {
        throw new NeedsExactScan();
      }
      return { encoding: this.mode, bom: true };
    }
    if (this.pending) throw new NeedsExactScan();
    return { encoding: 'utf-8', bom: this.mode === 'utf-8-bom' };
  }

  private begin(chunk: Buffer): Buffer {
    refuseBinary(chunk, this.file);
    const bom = byteOrderMark(chunk);
    if (bom === 'utf-8-bom') {
      this.mode = bom;
      return chunk.subarray(3);
    }
    if (bom) {
      this.mode = bom;
      this.utf16 = strictDecoder(bom);
      this.content -= 2;
      return chunk;
    }
    this.mode = 'utf-8';
    return chunk;
  }
}

/**
 * One streaming pass over a text input: its SHA-256, size and encoding.
 * Throws InputError for a missing/unreadable path, a directory, an empty file,
 * a zip or old-Excel file, a NUL byte, or bytes that are neither UTF-8 nor GB18030.
 */
export async function scanFile(file: string): Promise<ScanResult> {
  await checkReadableFile(file);
  try {
    return await scanWith(file, new FastSniffer(file));
  } catch (e) {
    if (!(e instanceof NeedsExactScan)) throw e;
  }
  return scanWith(file, new EncodingSniffer(file));
}

async function scanWith(file: string, sniffer: FastSniffer | EncodingSniffer): Promise<ScanResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  let fh: FileHandle | undefined;
  try {
    fh = await open(file, 'r');
    // One buffer for every read (the sniffers copy what they keep): a large file leaves no litter of buffers.
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      bytes += bytesRead;
      sniffer.push(chunk);
    }
  } catch (e) {
    if (e instanceof InputError || e instanceof NeedsExactScan) throw e;
    throw fileError(file, e);
  } finally {
    await fh?.close();
  }
  const { encoding, bom } = sniffer.finish();
  return { encoding, bom, sha256: hash.digest('hex'), bytes };
}

/** SHA-256 and size of any file (used for .xlsx/.docx, which are not text). */
export async function hashFile(file: string): Promise<HashResult> {
  await checkReadableFile(file);
  const hash = createHash('sha256');
  let bytes = 0;
  let head = Buffer.alloc(0);
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) {
      const buf = chunk as Buffer;
      if (head.length < 8) head = Buffer.concat([head, buf.subarray(0, 8 - head.length)]);
      hash.update(buf);
      bytes += buf.length;
    }
  } catch (e) {
    throw fileError(file, e);
  }
  return { sha256: hash.digest('hex'), bytes, head };
}

/** The encoding of a whole buffer, with the same rules and errors as scanFile. */
export function detectEncoding(buf: Uint8Array, file: string): { encoding: TextEncoding; bom: boolean } {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  try {
    const fast = new FastSniffer(file);
    fast.push(bytes);
    return fast.finish();
  } catch (e) {
    if (!(e instanceof NeedsExactScan)) throw e;
  }
  const sniffer = new EncodingSniffer(file);
  sniffer.push(bytes);
  return sniffer.finish();
}

/** Decodes a small file's bytes to text (BOM removed), detecting the encoding as scanFile does. */
export function decodeBytes(buf: Uint8Array, file: string): string {
  const { encoding } = detectEncoding(buf, file);
  return new TextDecoder(encoding).decode(buf);
}
