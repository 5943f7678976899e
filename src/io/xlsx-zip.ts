/**
 * The zip container of the workbooks the tool writes (src/io/xlsx-out.ts): each part deflated by
 * zlib (its default level, as the workbooks have always been packed), folders as empty stored
 * entries, laid out as the workbooks have always been laid out (the same entries in the same
 * order, version 2.0, no data descriptors, no extra fields), every entry stamped with one time.
 *
 * A part is given as text in pieces and gathered into blocks of about 64 KB, each encoded as
 * UTF-8 as it is made. A part under 16 KB is deflated at once on this thread; one under 1 MB
 * (a department's sheet, its shared strings) in the thread pool, while this thread goes on to the
 * next part or workbook (bytes() waits for them); a larger one (a sheet of a province's 320,000
 * rows, some hundreds of MB of XML) is fed to a deflate stream block by block as its text is
 * made, so it is never held whole as text or as uncompressed bytes. Parts that are the same in
 * many workbooks (the theme, the styles, a split's small parts) are deflated once and kept.
 */
import zlib from 'node:zlib';

/** One part, deflated: what its headers need and its bytes. */
interface Packed {
  name: string;
  crc: number;
  size: number;
  data: Buffer;
  /** A folder: stored, no bytes. */
  folder: boolean;
}

/** Text of a part gathered before it is encoded and deflated. */
const BLOCK = 1 << 16;

/** Below this, a part is deflated at once on this thread (the thread pool's round trip costs more). */
const HERE = 1 << 14;

/** Below this, a part is deflated whole in the thread pool while the next is made; above, by a stream as its text is made. */
const AT_ONCE = 1 << 20;

const deflateRaw = (bytes: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) => zlib.deflateRaw(bytes, (e, out) => (e ? reject(e) : resolve(out))));

/** Parts deflated once and kept: the theme and styles, and the small parts of the workbooks made lately (their own text is their kind). */
const constants = new Map<string, Packed>();
const CONSTANTS_KEPT = 256;

/** DOS time and date of `date`'s UTC fields (spreadsheets have no zones; 1980 at the earliest). */
function dosStamp(date: Date): { time: number; date: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((Math.max(1980, date.getUTCFullYear()) - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

export class ZipWriter {
  /** The parts in order; a part still being deflated in the thread pool is its promise. */
  private readonly packed: (Packed | Promise<Packed>)[] = [];

  /** A folder entry (`xl/`), as the workbooks have carried them. */
  folder(name: string): void {
    this.packed.push({ name, crc: 0, size: 0, data: Buffer.alloc(0), folder: true });
  }

  /**
   * A part whose text is the same in every workbook of its `kind` (the theme; the content types
   * of a workbook of three sheets): deflated once, then reused. `text` is made only the first time.
   */
  constant(name: string, kind: string, text: () => string): void {
    const key = `${name}\u0000${kind}`;
    let p = constants.get(key);
    if (!p) {
      if (constants.size >= CONSTANTS_KEPT) constants.clear();
      const bytes = Buffer.from(text(), 'utf8');
      p = { name, crc: zlib.crc32(bytes), size: bytes.length, data: zlib.deflateRawSync(bytes), folder: false };
      constants.set(key, p);
    }
    this.packed.push(p);
  }

  /** A part made of `pieces` of text, in order. */
  async part(name: string, pieces: Iterable<string>): Promise<void> {
    let crc = 0;
    let size = 0;
    const blocks: Buffer[] = [];
    let stream: zlib.DeflateRaw | null = null;
    const out: Buffer[] = [];
    let ended: Promise<void> | null = null;
    let text = '';
    const it = pieces[Symbol.iterator]();
    for (;;) {
      const next = it.next();
      if (!next.done) {
        text += next.value;
        if (text.length < BLOCK) continue;
      }
      if (text) {
        const block = Buffer.from(text, 'utf8');
        text = '';
        crc = zlib.crc32(block, crc);
        size += block.length;
        if (stream) {
          const s: zlib.DeflateRaw = stream;
          if (!s.write(block)) await new Promise((resolve) => s.once('drain', resolve));
        } else {
          blocks.push(block);
          if (size >= AT_ONCE) {
            // Large: from here on, deflated by a stream while the rest of the text is made.
            const s = zlib.createDeflateRaw();
            s.on('data', (b: Buffer) => out.push(b));
            ended = new Promise((resolve, reject) => {
              s.on('end', resolve);
              s.on('error', reject);
            });
            for (const b of blocks.splice(0)) s.write(b);
            stream = s;
          }
        }
      }
      if (next.done) break;
    }
    if (stream) {
      (stream as zlib.DeflateRaw).end();
      await ended;
      this.packed.push({ name, crc, size, data: Buffer.concat(out), folder: false });
      return;
    }
    const whole = blocks.length === 1 ? blocks[0] : Buffer.concat(blocks);
    if (size < HERE) this.packed.push({ name, crc, size, data: zlib.deflateRawSync(whole), folder: false });
    else {
      const p = deflateRaw(whole).then((data) => ({ name, crc, size, data, folder: false }));
      p.catch(() => {}); // awaited in bytes(): a failure there, not an unhandled rejection here
      this.packed.push(p);
    }
  }

  /** The zip's bytes, every entry stamped with `date`. */
  async bytes(date: Date): Promise<Buffer> {
    const stamp = dosStamp(date);
    const packed = await Promise.all(this.packed);
    const chunks: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (const p of packed) {
      const name = Buffer.from(p.name, 'utf8');
      const version = p.folder ? 10 : 20;
      const method = p.folder ? 0 : 8;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(version, 4);
      local.writeUInt16LE(0, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(stamp.time, 10);
      local.writeUInt16LE(stamp.date, 12);
      local.writeUInt32LE(p.crc >>> 0, 14);
      local.writeUInt32LE(p.data.length, 18);
      local.writeUInt32LE(p.size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4); // made by: version 2.0, MS-DOS
      central.writeUInt16LE(version, 6);
      central.writeUInt16LE(0, 8);
      central.writeUInt16LE(method, 10);
      central.writeUInt16LE(stamp.time, 12);
      central.writeUInt16LE(stamp.date, 14);
      central.writeUInt32LE(p.crc >>> 0, 16);
      central.writeUInt32LE(p.data.length, 20);
      central.writeUInt32LE(p.size, 24);
      central.writeUInt16LE(name.length, 28);
      central.writeUInt32LE(p.folder ? 0x10 : 0, 38);
      central.writeUInt32LE(offset, 42);
      chunks.push(local, name, p.data);
      centrals.push(central, name);
      offset += 30 + name.length + p.data.length;
    }
    const directory = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(packed.length, 8);
    end.writeUInt16LE(packed.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...chunks, directory, end]);
  }
}
