/**
 * Byte-level structures of the hours fast path: cells found by their bytes,
 * and exact checks remembered per distinct cell text.
 */
import { detached, grown } from '../kinds/hours-rows.js';

/** Distinct cell texts remembered per column; past this, cells are checked one by one. */
export const MEMO_LIMIT = 1 << 17;

/** An exact check, remembered per distinct cell text (`check` never returns undefined). */
export function memo<T>(check: (raw: string) => T): (raw: string) => T {
  const seen = new Map<string, T>();
  return (raw) => {
    let r = seen.get(raw);
    if (r === undefined) {
      raw = detached(raw);
      r = check(raw);
      if (seen.size < MEMO_LIMIT) seen.set(raw, r);
    }
    return r;
  };
}

/**
 * Byte strings, each with an integer: a hash table over the bytes
 * themselves, so a cell seen before costs a hash and a comparison, and no
 * string.
 */
export class ByteIntern {
  private slots: Int32Array;
  private hashes: Int32Array;
  private offsets: Int32Array;
  private lengths: Int32Array;
  private values: Int32Array;
  private arena: Uint8Array;
  private used = 0;
  private n = 0;

  /**
   * `expect` entries of about `bytesEach` bytes are sized for at once (the
   * roster's IDs: no copies left behind by growing, which a large roster
   * would otherwise leave for the collector); more still fit, by growing.
   */
  constructor(
    private readonly limit: number,
    expect = 1 << 10,
    bytesEach = 16,
  ) {
    const size = Math.max(1 << 10, expect);
    let slots = 1 << 12;
    while (slots < size * 2 + 2) slots *= 2;
    this.slots = new Int32Array(slots);
    this.hashes = new Int32Array(size);
    this.offsets = new Int32Array(size);
    this.lengths = new Int32Array(size);
    this.values = new Int32Array(size);
    this.arena = new Uint8Array(Math.max(1 << 14, size * bytesEach));
  }

  private static hash(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5 ^ (e - s);
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    return h;
  }

  /** The entry holding `buf[s … e)`, or -1 - (the free slot where it would go). */
  private find(buf: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    const mask = this.slots.length - 1;
    let k = h & mask;
    for (let entry = this.slots[k]; entry !== 0; entry = this.slots[k]) {
      const j = entry - 1;
      if (this.hashes[j] === h && this.lengths[j] === len) {
        const o = this.offsets[j] - s;
        let i = s;
        while (i < e && this.arena[o + i] === buf[i]) i++;
        if (i === e) return j;
      }
      k = (k + 1) & mask;
    }
    return -1 - k;
  }

  /** The value of `buf[s … e)`, or `compute` of its text (then kept, up to the limit). */
  get(buf: Buffer, s: number, e: number, compute: (text: string) => number): number {
    const h = ByteIntern.hash(buf, s, e);
    const j = this.find(buf, s, e, h);
    if (j >= 0) return this.values[j];
    const value = compute(buf.toString('utf8', s, e));
    if (this.n < this.limit) this.add(-1 - j, h, buf, s, e, value);
    return value;
  }

  /** Sets the value of `bytes[s … e)` (the first value given for them stays). */
  put(bytes: Uint8Array, value: number, s = 0, e = bytes.length): void {
    const h = ByteIntern.hash(bytes, s, e);
    const j = this.find(bytes, s, e, h);
    if (j < 0) this.add(-1 - j, h, bytes, s, e, value);
  }

  private add(k: number, h: number, buf: Uint8Array, s: number, e: number, value: number): void {
    const j = this.n++;
    if (j === this.hashes.length) {
      this.hashes = grown(this.hashes, j + 1);
      this.offsets = grown(this.offsets, j + 1);
      this.lengths = grown(this.lengths, j + 1);
      this.values = grown(this.values, j + 1);
    }
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const more = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      more.set(this.arena.subarray(0, this.used));
      this.arena = more;
    }
    this.arena.set(buf.subarray(s, e), this.used);
    this.hashes[j] = h;
    this.offsets[j] = this.used;
    this.lengths[j] = len;
    this.values[j] = value;
    this.used += len;
    this.slots[k] = j + 1;
    if (this.n * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let j = 0; j < this.n; j++) {
      let k = this.hashes[j] & mask;
      while (slots[k] !== 0) k = (k + 1) & mask;
      slots[k] = j + 1;
    }
    this.slots = slots;
  }
}

/** Whether `buf[s … e)` holds exactly `arena[o … o + len)`. */
export function sameBytes(buf: Uint8Array, s: number, e: number, arena: Uint8Array, o: number, len: number): boolean {
  if (e - s !== len) return false;
  for (let i = 0; i < len; i++) if (buf[s + i] !== arena[o + i]) return false;
  return true;
}

