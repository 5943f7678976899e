/**
 * Rows of sheet cells held compactly until their workbook is written: a split's rows arrive in
 * learner-ID order, not by department, so every one of a province's 320,000 waits for the end.
 * As arrays of cells they took some 800 bytes each (an array, its numbers, a string per text, the
 * same texts repeated row after row); here a row is some 100 bytes of one arena:
 *
 * - each cell a tag byte, then its value: a number of tenths (the audit's figures) as a varint,
 *   any other number as its 8 bytes;
 * - a text of a column that repeats (a rank, a year, a status) as the index of the one copy kept
 *   of it, and a text of several lines (the shortfall list) as the indexes of its lines;
 * - a text of a column of its own per row (an ID, a name) as its UTF-8 bytes.
 *
 * `get` gives back the cells exactly as they were added (the same numbers, the same text).
 */
import type { SheetCell } from './xlsx-out.js';

const NULL = 0;
const UNDEFINED = 1;
const EMPTY = 2;
const TENTHS = 3;
const MINUS_TENTHS = 4;
const FLOAT = 5;
const KEPT = 6;
const INLINE = 7;
const LINES = 8;

/** The arena's blocks: a row is encoded in a scratch buffer, then copied into the last block that has room for it. */
const BLOCK = 1 << 20;

export class CompactRows {
  /** The row being encoded. */
  private bytes = Buffer.alloc(1 << 12);
  private used = 0;
  private readonly blocks: Buffer[] = [];
  private filled = BLOCK;
  private readonly index = new Map<string, number>();
  private readonly texts: string[] = [];

  /** `own[i]`: column i holds a text of its own per row (kept inline), else texts that repeat (kept once). */
  constructor(private readonly own: readonly boolean[]) {}

  private room(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.used + n) size *= 2;
    const next = Buffer.alloc(size);
    this.bytes.copy(next, 0, 0, this.used);
    this.bytes = next;
  }

  private varint(n: number): void {
    this.room(5);
    while (n >= 0x80) {
      this.bytes[this.used++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.bytes[this.used++] = n;
  }

  private kept(text: string): number {
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.texts.length;
      this.texts.push(text);
      this.index.set(text, i);
    }
    return i;
  }

  /** Adds a row; its handle for `get`. */
  add(row: readonly SheetCell[]): number {
    this.used = 0;
    this.varint(row.length);
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      this.room(1);
      if (v === null) this.bytes[this.used++] = NULL;
      else if (v === undefined) this.bytes[this.used++] = UNDEFINED;
      else if (v === '') this.bytes[this.used++] = EMPTY;
      else if (typeof v === 'number') {
        const t = Math.round(v * 10);
        if (t / 10 === v && Math.abs(t) < 0x80000000 && !Object.is(v, -0)) {
          this.bytes[this.used++] = t < 0 ? MINUS_TENTHS : TENTHS;
          this.varint(Math.abs(t));
        } else {
          this.bytes[this.used++] = FLOAT;
          this.room(8);
          this.bytes.writeDoubleLE(v, this.used);
          this.used += 8;
        }
      } else if (this.own[i]) {
        this.bytes[this.used++] = INLINE;
        const length = Buffer.byteLength(v, 'utf8');
        this.varint(length);
        this.room(length);
        this.used += this.bytes.write(v, this.used, 'utf8');
      } else if (v.includes('\n')) {
        this.bytes[this.used++] = LINES;
        const lines = v.split('\n');
        this.varint(lines.length);
        for (const line of lines) this.varint(this.kept(line));
      } else {
        this.bytes[this.used++] = KEPT;
        this.varint(this.kept(v));
      }
    }
    // A row longer than a block (a cell of a megabyte of text) gets a block of its own.
    if (this.filled + this.used > BLOCK || !this.blocks.length) {
      this.blocks.push(Buffer.allocUnsafe(Math.max(BLOCK, this.used)));
      this.filled = 0;
    }
    const block = this.blocks.length - 1;
    const at = this.filled;
    this.bytes.copy(this.blocks[block], at, 0, this.used);
    this.filled += this.used;
    return block * BLOCK * 2 + at;
  }

  /** The cells of the row added at `handle`. */
  get(handle: number): SheetCell[] {
    const b = this.blocks[Math.floor(handle / (BLOCK * 2))];
    let p = handle % (BLOCK * 2);
    const varint = (): number => {
      let n = 0;
      let shift = 0;
      for (;;) {
        const c = b[p++];
        n += (c & 0x7f) * 2 ** shift;
        if (c < 0x80) return n;
        shift += 7;
      }
    };
    const n = varint();
    const row = new Array<SheetCell>(n);
    for (let i = 0; i < n; i++) {
      const tag = b[p++];
      switch (tag) {
        case NULL:
          row[i] = null;
          break;
        case UNDEFINED:
          row[i] = undefined;
          break;
        case EMPTY:
          row[i] = '';
          break;
        case TENTHS:
          row[i] = varint() / 10;
          break;
        case MINUS_TENTHS:
          row[i] = -varint() / 10;
          break;
        case FLOAT:
          row[i] = b.readDoubleLE(p);
          p += 8;
          break;
        case INLINE: {
          const length = varint();
          row[i] = b.toString('utf8', p, p + length);
          p += length;
          break;
        }
        case LINES: {
          const lines = varint();
          const parts: string[] = [];
          for (let k = 0; k < lines; k++) parts.push(this.texts[varint()]);
          row[i] = parts.join('\n');
          break;
        }
        case KEPT:
          row[i] = this.texts[varint()];
          break;
        default:
          throw new Error(`CompactRows: no cell of tag ${tag}`);
      }
    }
    return row;
  }
}
