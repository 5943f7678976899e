/**
 * The packed structures an hours stage keeps its rows in: strings numbered
 * once, rows in typed-array blocks, a counting sort.
 */

/**
 * A copy of `s` that keeps no larger string alive (a cell decoded from a
 * block of text may be a slice of it).
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** A copy of `a` with room for at least `size` entries. */
export function grown(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

/** Distinct strings numbered in order of arrival. */
export class Dictionary {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(value: string): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.list.length;
      value = detached(value);
      this.list.push(value);
      this.index.set(value, i);
    }
    return i;
  }
  /** Each entry's rank in SQLite's BINARY order (bytes of UTF-8). */
  ranks(): Int32Array {
    const order = this.list.map((v, i) => ({ b: Buffer.from(v, 'utf8'), i }));
    order.sort((x, y) => Buffer.compare(x.b, y.b));
    const rank = new Int32Array(this.list.length);
    order.forEach((o, r) => (rank[o.i] = r));
    return rank;
  }
}

/** Stable counting sort of `perm` by `key(perm[i])` (keys in 0 … range-1), into `out`. */
export function countingSort(perm: Uint32Array, n: number, key: (i: number) => number, range: number, out: Uint32Array): void {
  const count = new Uint32Array(range + 1);
  for (let i = 0; i < n; i++) count[key(perm[i]) + 1]++;
  for (let k = 1; k <= range; k++) count[k] += count[k - 1];
  for (let i = 0; i < n; i++) {
    const p = perm[i];
    out[count[key(p)]++] = p;
  }
}

const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
const IN_BLOCK = BLOCK - 1;

/**
 * The valid rows of one file, packed in blocks of 65,536 (so the store never
 * copies itself to grow): cadre id, indexes of the course code and the date,
 * hours in quarters, line. About 18 bytes a row.
 */
export class HourRows {
  n = 0;
  private cadres: Int32Array[] = [];
  private codes: Int32Array[] = [];
  private days: Int32Array[] = [];
  private quarterss: (Uint16Array | Int32Array)[] = [];
  private lines: Int32Array[] = [];

  constructor(private readonly wideQuarters: boolean) {}

  push(cadre: number, code: number, day: number, quarters: number, line: number): void {
    const b = this.n >>> BLOCK_BITS;
    const o = this.n & IN_BLOCK;
    if (b === this.cadres.length) {
      this.cadres.push(new Int32Array(BLOCK));
      this.codes.push(new Int32Array(BLOCK));
      this.days.push(new Int32Array(BLOCK));
      this.quarterss.push(this.wideQuarters ? new Int32Array(BLOCK) : new Uint16Array(BLOCK));
      this.lines.push(new Int32Array(BLOCK));
    }
    this.cadres[b][o] = cadre;
    this.codes[b][o] = code;
    this.days[b][o] = day;
    this.quarterss[b][o] = quarters;
    this.lines[b][o] = line;
    this.n++;
  }

  cadre(i: number): number {
    return this.cadres[i >>> BLOCK_BITS][i & IN_BLOCK];
  }
  code(i: number): number {
    return this.codes[i >>> BLOCK_BITS][i & IN_BLOCK];
  }
  day(i: number): number {
    return this.days[i >>> BLOCK_BITS][i & IN_BLOCK];
  }
  quarters(i: number): number {
    return this.quarterss[i >>> BLOCK_BITS][i & IN_BLOCK];
  }
  line(i: number): number {
    return this.lines[i >>> BLOCK_BITS][i & IN_BLOCK];
  }

  /** Drops every row, keeping the blocks for the next run's rows (a run written out is refilled in the same memory). */
  reuse(): void {
    this.n = 0;
  }

  /** Drops every row and its memory. */
  clear(): void {
    this.n = 0;
    this.cadres = [];
    this.codes = [];
    this.days = [];
    this.quarterss = [];
    this.lines = [];
  }
}
