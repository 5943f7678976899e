/**
 * How much of an essay is copied, and from where: pure.
 *
 * 1. Normalisation (`keyOf`): the essay's content characters, the only ones
 *    compared: letters and digits of every script after NFKC (full-width
 *    forms folded, Latin in lower case). Punctuation, spaces and symbols are
 *    left out, so a copy with its commas changed or its lines re-broken is
 *    still a copy. Each content character remembers where it stands in the
 *    text, so passages are shown and counted (in 字数) from the text itself.
 * 2. Fingerprints (`fingerprints`): every run of `k` content characters (a
 *    k-gram) hashed (FNV-1a, 32 bits); in each window of `window` consecutive
 *    k-grams the smallest hash is kept (winnowing, the rightmost on a tie).
 *    Two texts sharing a run of at least window + k − 1 content characters
 *    share a window of identical k-grams, hence its fingerprint: such a run is
 *    always found. The stored fingerprints index every essay by hash.
 * 3. 套话: a fingerprint held by more than a share of the stored essays
 *    (`commonCutoff`) is a phrase every reflection uses; the characters under
 *    it are never counted as copied.
 * 4. Alignment (`compareEssay`): with each candidate source (an essay or a
 *    registered reference sharing fingerprints), every shared k-gram is a
 *    seed; seeds on one diagonal make exact shared runs; runs on nearly the
 *    same diagonal with small gaps between them (an edited character, a
 *    changed word) make one passage; each passage is then grown at both ends
 *    as long as the texts beyond it still mostly agree (an X-drop extension:
 *    edited, inserted or dropped characters allowed), so that a copied
 *    sentence whose first or last characters were edited is counted whole.
 *    The passages are then shown side by side with their differences found by
 *    the diff library (src/commands/shared/similarity-view.ts). A passage shorter than `minPassage`
 *    content characters is coincidence. A source known only by its
 *    fingerprints (texts not kept) gives passages from the shared
 *    fingerprints' positions alone.
 * 5. Ratios: the characters of the essay inside passages, in 字数 (punctuation
 *    inside a passage included), over the essay's 字数, as integer per-mille
 *    rounded half up. What a reference covers is quoted (引用), excluded from
 *    the copied share as quotations are; what another cadre's essays cover is
 *    复制比; what the same cadre's earlier essays cover is 自我重复.
 */
import { countZi } from './wordcount.js';

export interface SimilaritySettings {
  /** Length of a k-gram, in content characters. */
  k: number;
  /** Winnowing window, in k-grams: any shared run of window + k − 1 content characters is found. */
  window: number;
  /** A fingerprint in more than this many percent of the stored essays is 套话 … */
  commonPercent: number;
  /** … and in more than this many essays in any case. */
  commonMinEssays: number;
  /** A passage counts when at least this many of its content characters are identical in the source. */
  minPassage: number;
  /** The widest gap (edited characters) inside one passage, on either side. */
  maxGap: number;
  /** At most this many sources are aligned with an essay (the ones sharing most fingerprints). */
  candidates: number;
  /** Keep each essay's text (compressed); false keeps its fingerprints only. */
  keepText: boolean;
  /** An essay this many per-mille copied from others is held for review. */
  holdOthersPermille: number;
  /** An essay this many per-mille repeated from the same cadre's earlier essays is held for review. */
  holdSelfPermille: number;
}

/** The content characters of a text (`key`) and, for each, its index in `text`. */
export interface Keyed {
  text: string;
  key: string;
  pos: Int32Array;
}

const isHan = (c: number): boolean => (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
const CONTENT = /[\p{L}\p{N}]/u;

/**
 * What a character other than a Han character or ASCII contributes (its
 * content characters after NFKC and lower case: often none, for punctuation),
 * remembered: a text's punctuation is the same few characters again and again.
 */
const folds = new Map<string, string>();
function folded(ch: string): string {
  let f = folds.get(ch);
  if (f === undefined) {
    f = '';
    for (const c of ch.normalize('NFKC').toLowerCase()) if (CONTENT.test(c)) f += c;
    if (folds.size < 65536) folds.set(ch, f);
  }
  return f;
}

// The key's code units are whole characters (letters and digits), never a lone surrogate: decoded as they are.
const utf16 = new TextDecoder('utf-16le', { ignoreBOM: true });

/** Per code unit: 0 not yet known, −1 folds to nothing, −2 to several, else 1 + the one it folds to. */
const single = new Int32Array(65536);

/** The text's content characters with their positions (see the module comment, step 1). */
export function keyOf(text: string): Keyed {
  let out = new Uint16Array(text.length + 16);
  let pos = new Int32Array(text.length + 16);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isHan(c)) {
      out[n] = c;
      pos[n++] = i;
      continue;
    }
    if (c < 0x80) {
      if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) {
        out[n] = c;
        pos[n++] = i;
      } else if (c >= 0x41 && c <= 0x5a) {
        out[n] = c + 32;
        pos[n++] = i;
      }
      continue;
    }
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length;
    if (!pair) {
      // One code unit folding to none or one (punctuation, full-width forms): from the table.
      let t = single[c];
      if (t === 0) {
        const f = folded(text[i]);
        t = single[c] = f.length === 0 ? -1 : f.length === 1 ? f.charCodeAt(0) + 1 : -2;
      }
      if (t === -1) continue;
      if (t > 0) {
        if (n === out.length) {
          const o = new Uint16Array(2 * n + 16);
          o.set(out);
          out = o;
          const p = new Int32Array(2 * n + 16);
          p.set(pos);
          pos = p;
        }
        out[n] = t - 1;
        pos[n++] = i;
        continue;
      }
    }
    const f = folded(pair ? text.slice(i, i + 2) : text[i]);
    if (n + f.length > out.length) {
      // NFKC can make several characters of one (①, ﬁ, ㍻): room for them.
      const size = 2 * (n + f.length) + 16;
      const o = new Uint16Array(size);
      o.set(out);
      out = o;
      const p = new Int32Array(size);
      p.set(pos);
      pos = p;
    }
    for (let u = 0; u < f.length; u++) {
      out[n] = f.charCodeAt(u);
      pos[n++] = i;
    }
    if (pair) i++;
  }
  return { text, key: utf16.decode(out.subarray(0, n)), pos: pos.slice(0, n) };
}

/** The hash of every k-gram of `key` (FNV-1a over UTF-16 code units, as a signed 32-bit integer). */
export function kgramHashes(key: string, k: number): Int32Array {
  const n = key.length - k + 1;
  if (n <= 0) return new Int32Array(0);
  const out = new Int32Array(n);
  if (k === 4) {
    // The alignment's seeds (the hashes are the same as below, the loop unrolled).
    let c0 = key.charCodeAt(0);
    let c1 = key.charCodeAt(1);
    let c2 = key.charCodeAt(2);
    for (let i = 0; i < n; i++) {
      const c3 = key.charCodeAt(i + 3);
      out[i] = Math.imul(Math.imul(Math.imul(Math.imul(0x811c9dc5 ^ c0, 0x01000193) ^ c1, 0x01000193) ^ c2, 0x01000193) ^ c3, 0x01000193) | 0;
      c0 = c1;
      c1 = c2;
      c2 = c3;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < k; j++) h = Math.imul(h ^ key.charCodeAt(i + j), 0x01000193);
    out[i] = h | 0;
  }
  return out;
}

export interface Print {
  hash: number;
  /** Index of the k-gram's first content character. */
  pos: number;
}

/** Winnowed fingerprints of the k-gram hashes (the smallest of each window, the rightmost on a tie). */
export function winnow(hashes: Int32Array, window: number): Print[] {
  const out: Print[] = [];
  const n = hashes.length;
  if (n === 0) return out;
  const w = Math.min(window, n);
  let last = -1;
  for (let start = 0; start + w <= n; start++) {
    let best = start;
    for (let i = start + 1; i < start + w; i++) if (hashes[i] <= hashes[best]) best = i;
    if (best !== last) {
      out.push({ hash: hashes[best], pos: best });
      last = best;
    }
  }
  return out;
}

/** The winnowed fingerprints of a keyed text. */
export function fingerprints(keyed: Keyed, s: Pick<SimilaritySettings, 'k' | 'window'>): Print[] {
  return winnow(kgramHashes(keyed.key, s.k), s.window);
}

/** The distinct hashes of a list of fingerprints, in ascending order. */
export function distinctHashes(prints: readonly Print[]): Int32Array {
  return Int32Array.from(new Set(prints.map((p) => p.hash))).sort();
}

/** How many stored essays may share a fingerprint before it counts as 套话 (more than this is common). */
export function commonCutoff(storedEssays: number, s: Pick<SimilaritySettings, 'commonPercent' | 'commonMinEssays'>): number {
  return Math.max(s.commonMinEssays, Math.floor((storedEssays * s.commonPercent) / 100));
}

/** A stretch of content characters shared by the essay (a) and a source (b): [start, end) on each side. */
export interface Passage {
  a: [number, number];
  b: [number, number] | null;
}

export type SourceKind = 'other' | 'self' | 'reference';

export interface Source {
  kind: SourceKind;
  id: number;
  /** The source's text, when kept; null: known by its fingerprints only. */
  keyed: Keyed | null;
  /** The hashes it shares with the essay (for a source without text). */
  shared: ReadonlySet<number>;
}

export interface SourceResult {
  kind: SourceKind;
  id: number;
  /** 字数 of the essay covered by this source (after quotations and 套话 are taken out, for essays). */
  zi: number;
  permille: number;
  passages: Passage[];
}

export interface SimilarityReport {
  /** The essay's 字数. */
  zi: number;
  /** 字数 copied from other cadres' essays; 字数 repeated from the same cadre's; 字数 quoted from references; 字数 of 套话 passed over. */
  othersZi: number;
  selfZi: number;
  quotedZi: number;
  commonZi: number;
  othersPermille: number;
  selfPermille: number;
  quotedPermille: number;
  /** Sources with anything counted, by 字数 covered (most first). */
  sources: SourceResult[];
}

/** Why an essay is held for review (null: it is not): copied from others, or repeated from the same cadre's earlier essays, at or over the policy's threshold. */
export function holdReason(r: Pick<SimilarityReport, 'othersPermille' | 'selfPermille'>, s: Pick<SimilaritySettings, 'holdOthersPermille' | 'holdSelfPermille'>): 'copied' | 'self' | null {
  if (r.othersPermille >= s.holdOthersPermille) return 'copied';
  if (r.selfPermille >= s.holdSelfPermille) return 'self';
  return null;
}

/** x / d in per-mille, rounded half up, exactly (integers). */
export function perMille(x: number, d: number): number {
  if (d <= 0) return 0;
  return Math.floor((2000 * x + d) / (2 * d));
}

/** Per-mille as a percent with one decimal: 305 → "30.5%". */
export function percentText(permille: number): string {
  return `${Math.floor(permille / 10)}.${permille % 10}%`;
}

/** How many of an essay's sources (those covering most of it) are aligned again with the short seeds. */
const REALIGNED = 3;

/** The length of the alignment's seeds: three shorter than the k-grams (at least 3), so that a stretch of copied text between two edits as short as the seed is still aligned. */
export const seedLength = (s: Pick<SimilaritySettings, 'k'>): number => Math.max(3, s.k - 3);

/**
 * The essay's seeds by hash: an open-addressing table of the distinct hashes,
 * each with its positions chained in order, made once for all the sources.
 * Seeds inside 套话 are left out.
 */
interface SeedIndex {
  mask: number;
  /** 32 − log2 of the table's size: a hash's slot is the top bits of its product with a large odd number. */
  shift: number;
  /** Per slot: the hash, and its first position + 1 (0: empty slot). */
  slotHash: Int32Array;
  slotFirst: Int32Array;
  /** Per position: the next position with the same hash + 1 (0: none). */
  next: Int32Array;
  /** Per slot, while one source is read: how many of its places the hash has had. */
  seen: Int32Array;
}

function seedIndex(hashes: Int32Array, k: number, skip: Uint8Array): SeedIndex {
  let bits = 4;
  while (1 << bits < 2 * hashes.length) bits++;
  const size = 1 << bits;
  const mask = size - 1;
  const shift = 32 - bits;
  const slotHash = new Int32Array(size);
  const slotFirst = new Int32Array(size);
  const slotLast = new Int32Array(size);
  const next = new Int32Array(hashes.length);
  for (let i = 0; i < hashes.length; i++) {
    if (skip[i] && skip[i + k - 1]) continue;
    const h = hashes[i];
    let slot = Math.imul(h, 0x9e3779b1) >>> shift;
    while (slotFirst[slot] && slotHash[slot] !== h) slot = (slot + 1) & mask;
    if (!slotFirst[slot]) {
      slotHash[slot] = h;
      slotFirst[slot] = i + 1;
    } else next[slotLast[slot]] = i + 1;
    slotLast[slot] = i;
  }
  return { mask, shift, slotHash, slotFirst, next, seen: new Int32Array(size) };
}

/**
 * Scratch space of the alignment, reused from one source to the next and grown
 * as needed (nothing in it outlives a call): a source is aligned in well under
 * a millisecond, and allocating its seeds, runs and passages anew each time
 * cost as much again in garbage collection.
 */
let seedBuf: Float64Array = new Float64Array(4096);
/** Runs: start in the essay, in the source, length; `order`, their indices by start in the essay. */
let runA: Int32Array = new Int32Array(1024);
let runB: Int32Array = new Int32Array(1024);
let runLen: Int32Array = new Int32Array(1024);
let order: Int32Array = new Int32Array(1024);
/** Counting-sort buckets. */
let buckets: Int32Array = new Int32Array(4096);
/** Passages while they are joined (open), and once closed, in the order they were closed. */
let openA0: Int32Array = new Int32Array(64);
let openA1: Int32Array = new Int32Array(64);
let openB0: Int32Array = new Int32Array(64);
let openB1: Int32Array = new Int32Array(64);
let openSame: Int32Array = new Int32Array(64);
let openD: Int32Array = new Int32Array(64);
let openScore: Int32Array = new Int32Array(64);
let doneA0: Int32Array = new Int32Array(1024);
let doneA1: Int32Array = new Int32Array(1024);
let doneB0: Int32Array = new Int32Array(1024);
let doneB1: Int32Array = new Int32Array(1024);
let doneSame: Int32Array = new Int32Array(1024);
let doneOrder: Int32Array = new Int32Array(1024);

function grownI32(a: Int32Array, need: number, keep: number): Int32Array {
  if (need <= a.length) return a;
  const out = new Int32Array(Math.max(need, 2 * a.length));
  out.set(a.subarray(0, keep));
  return out;
}

/** The columns of one table grown together (the passages' start, end, … kept side by side). */
function grownAll(cols: Int32Array[], need: number, keep: number): Int32Array[] {
  return cols.map((c) => grownI32(c, need, keep));
}

/** Seeds are sorted as one number: diagonal (b − a, offset to be positive) × 2^26 + a (exact in a double). */
const SEED_A = 2 ** 26;

/** At most this many places in the source for each k-gram of the essay (the first ones). */
const SEED_PLACES = 16;

/**
 * Exact shared runs (at least k long) of the essay's content characters and
 * the source's, into runA/runB/runLen (returns how many): every pair of equal
 * k-grams is a seed (for each k-gram of the essay, its first SEED_PLACES
 * places in the source); consecutive seeds on a diagonal make one run. The
 * runs come by diagonal (b − a), then by start.
 */
function sharedRuns(ix: SeedIndex, na: number, b: Keyed, k: number): number {
  const bHashes = kgramHashes(b.key, k);
  const { slotHash, slotFirst, next, seen, mask, shift } = ix;
  seen.fill(0);
  const offset = na;
  let seeds = seedBuf;
  let n = 0;
  for (let j = 0; j < bHashes.length; j++) {
    const h = bHashes[j];
    let slot = Math.imul(h, 0x9e3779b1) >>> shift;
    while (slotFirst[slot] && slotHash[slot] !== h) slot = (slot + 1) & mask;
    if (!slotFirst[slot] || seen[slot] === SEED_PLACES) continue;
    seen[slot]++;
    for (let i1 = slotFirst[slot]; i1; i1 = next[i1 - 1]) {
      if (n === seeds.length) {
        const more = new Float64Array(2 * n);
        more.set(seeds);
        seedBuf = seeds = more;
      }
      seeds[n++] = (j - (i1 - 1) + offset) * SEED_A + (i1 - 1);
    }
  }
  const sorted = seeds.subarray(0, n).sort();
  if (n > runA.length) {
    runA = grownI32(runA, n, 0);
    runB = grownI32(runB, n, 0);
    runLen = grownI32(runLen, n, 0);
  }
  let nr = 0;
  let curA = 0;
  let curD = 0;
  let curLen = 0;
  for (let x = 0; x < n; x++) {
    const v = sorted[x];
    const d = Math.floor(v / SEED_A);
    const i = v - d * SEED_A;
    if (nr > 0 && d === curD && i <= curA + curLen - k + 1) {
      curLen = i + k - curA;
      runLen[nr - 1] = curLen;
    } else {
      curA = i;
      curD = d;
      curLen = k;
      runA[nr] = i;
      runB[nr] = d - offset + i;
      runLen[nr] = k;
      nr++;
    }
  }
  return nr;
}

/** The end of an open passage once it is closed (no run ends there). */
const CLOSED = -(2 ** 30);

/** How far (in characters inserted or dropped) two runs' diagonals may differ for them to be one passage. */
const MAX_SHIFT = 3;

/**
 * The indices of `n` values (keys[0 … n)) in ascending order of the value,
 * those equal in the order they come: a stable counting sort, into `out`.
 */
function countingOrder(keys: Int32Array, n: number, out: Int32Array): void {
  let max = 0;
  for (let x = 0; x < n; x++) if (keys[x] > max) max = keys[x];
  if (max + 2 > buckets.length) buckets = new Int32Array(2 * (max + 2));
  const at = buckets;
  at.fill(0, 0, max + 2);
  for (let x = 0; x < n; x++) at[keys[x] + 1]++;
  for (let i = 1; i < max + 2; i++) at[i] += at[i - 1];
  for (let x = 0; x < n; x++) out[at[keys[x]]++] = x;
}

/**
 * The runs joined into passages across small gaps (edits) on nearly the same
 * diagonal, taken in the order of their start in the essay (then in the
 * source: the runs come by diagonal, and the sort keeps that order); into
 * doneA0 … doneSame in the order they were closed (returns how many).
 */
function joinRuns(nr: number, maxGap: number): number {
  if (nr > order.length) order = new Int32Array(2 * nr);
  countingOrder(runA, nr, order);
  let nOpen = 0;
  let nDone = 0;
  const close = (idx: number): void => {
    if (nDone === doneA0.length) {
      [doneA0, doneA1, doneB0, doneB1, doneSame] = grownAll([doneA0, doneA1, doneB0, doneB1, doneSame], nDone + 1, nDone);
    }
    doneA0[nDone] = openA0[idx];
    doneA1[nDone] = openA1[idx];
    doneB0[nDone] = openB0[idx];
    doneB1[nDone] = openB1[idx];
    doneSame[nDone] = openSame[idx];
    nDone++;
  };
  for (let x = 0; x < nr; x++) {
    const r = order[x];
    const ra = runA[r];
    const rb = runB[r];
    const rl = runLen[r];
    const d = rb - ra;
    let joined = false;
    // The passages closed while looking (too far behind to be joined again): taken out of the
    // open ones after, the others keeping their order.
    let closed = 0;
    for (let idx = nOpen - 1; idx >= 0; idx--) {
      const ga = ra - openA1[idx];
      if (ga > maxGap) {
        close(idx);
        openA1[idx] = CLOSED;
        closed++;
        continue;
      }
      // The gap between must look like edits: at most half as long as the run after it and as
      // what the passage has gained so far (identical characters less twice the gaps).
      const gap = Math.max(0, ga, rb - openB1[idx]);
      if (Math.abs(d - openD[idx]) <= MAX_SHIFT && ra + rl > openA1[idx] && rb + rl > openB1[idx] && 2 * gap <= Math.min(openScore[idx], rl)) {
        openScore[idx] += rl - 2 * gap;
        openSame[idx] += ra + rl - Math.max(openA1[idx], ra);
        openA1[idx] = ra + rl;
        openB1[idx] = Math.max(openB1[idx], rb + rl);
        openD[idx] = d;
        joined = true;
        break;
      }
    }
    if (closed) {
      let to = 0;
      for (let from = 0; from < nOpen; from++) {
        if (openA1[from] === CLOSED) continue;
        if (to !== from) {
          openA0[to] = openA0[from];
          openA1[to] = openA1[from];
          openB0[to] = openB0[from];
          openB1[to] = openB1[from];
          openSame[to] = openSame[from];
          openD[to] = openD[from];
          openScore[to] = openScore[from];
        }
        to++;
      }
      nOpen = to;
    }
    if (!joined) {
      if (nOpen === openA0.length) {
        [openA0, openA1, openB0, openB1, openSame, openD, openScore] = grownAll([openA0, openA1, openB0, openB1, openSame, openD, openScore], nOpen + 1, nOpen);
      }
      openA0[nOpen] = ra;
      openA1[nOpen] = ra + rl;
      openB0[nOpen] = rb;
      openB1[nOpen] = rb + rl;
      openSame[nOpen] = rl;
      openD[nOpen] = d;
      openScore[nOpen] = rl;
      nOpen++;
    }
  }
  for (let idx = 0; idx < nOpen; idx++) close(idx);
  return nDone;
}

/** The code unit at x of t, −1 outside it. */
const unitAt = (t: string, x: number): number => (x >= 0 && x < t.length ? t.charCodeAt(x) : -1);

/** What `extension` found: the lengths (on each side) at the best score, and the identical characters in them. */
let extA = 0;
let extB = 0;
let extSame = 0;

/**
 * How far the texts after a passage still agree (forward from a[ai], b[bi],
 * step ±1): along the diagonal, a same character scoring 1 and another −2;
 * one character inserted or left out (a step off the diagonal) costs 2.
 * Stops once the score falls `drop` below its best; the lengths (on each
 * side) at the best go to extA, extB, and the identical characters to extSame.
 */
function extension(a: string, ai: number, b: string, bi: number, step: 1 | -1, reach: number, drop: number): void {
  let score = 0;
  let best = 0;
  let bestA = 0;
  let bestB = 0;
  let same = 0;
  let bestSame = 0;
  let da = 0;
  let db = 0;
  // The character d places on from i is at base + step × d (backwards: the one before i first).
  const baseA = step === 1 ? ai : ai - 1;
  const baseB = step === 1 ? bi : bi - 1;
  while (da < reach && db < reach) {
    const x = unitAt(a, baseA + step * da);
    const y = unitAt(b, baseB + step * db);
    if (x < 0 || y < 0) break;
    if (x === y) {
      score += 1;
      same++;
      da++;
      db++;
      if (score > best) {
        best = score;
        bestA = da;
        bestB = db;
        bestSame = same;
      }
      continue;
    }
    // A character inserted in a, or left out of it, when the next two agree that way.
    if (unitAt(a, baseA + step * (da + 1)) === y && unitAt(a, baseA + step * (da + 2)) === unitAt(b, baseB + step * (db + 1))) {
      score -= 2;
      da++;
    } else if (unitAt(b, baseB + step * (db + 1)) === x && unitAt(b, baseB + step * (db + 2)) === unitAt(a, baseA + step * (da + 1))) {
      score -= 2;
      db++;
    } else {
      score -= 2;
      da++;
      db++;
    }
    if (score < best - drop) break;
  }
  extA = bestA;
  extB = bestB;
  extSame = bestSame;
}

/**
 * For each content character of a keyed text: 1 where a sentence starts there
 * (after 。！？；… or a line break, or at the start).
 */
export function sentenceStarts(k: Keyed): Uint8Array {
  const out = new Uint8Array(k.key.length + 1);
  out[0] = 1;
  out[k.key.length] = 1;
  const t = k.text;
  for (let i = 1; i < k.key.length; i++) {
    for (let x = k.pos[i - 1] + 1; x < k.pos[i]; x++) {
      const c = t.charCodeAt(x);
      // 。！？；!?;… or a line break
      if (c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff1b || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x2026 || c === 0x0a) {
        out[i] = 1;
        break;
      }
    }
  }
  return out;
}

/** Within this many content characters of a sentence's start or end, a passage is taken to it (copies go by sentence). */
const SNAP = 3;

/**
 * The passages an essay shares with a source: its runs of shared seeds (of
 * the index's length) joined across edits, each then grown at both ends
 * through edited characters as far as the texts still agree, and to the
 * sentence's ends when they are near; those with fewer than min_passage
 * characters identical in the source left out. In the order of their start in
 * the essay before they were grown (those starting together in the order they
 * were closed).
 */
function alignSource(ix: SeedIndex, na: number, seed: number, a: Keyed, starts: Uint8Array, b: Keyed, bStarts: Uint8Array, s: SimilaritySettings): Passage[] {
  const nd = joinRuns(sharedRuns(ix, na, b, seed), s.maxGap);
  if (nd > doneOrder.length) doneOrder = new Int32Array(2 * nd);
  countingOrder(doneA0, nd, doneOrder);
  const reach = 2 * s.maxGap + s.k;
  const aLen = a.key.length;
  const bLen = b.key.length;
  const out: Passage[] = [];
  for (let x = 0; x < nd; x++) {
    const p = doneOrder[x];
    let a0 = doneA0[p];
    let a1 = doneA1[p];
    let b0 = doneB0[p];
    let b1 = doneB1[p];
    let same = doneSame[p];
    extension(a.key, a1, b.key, b1, 1, reach, s.k);
    a1 += extA;
    b1 += extB;
    same += extSame;
    extension(a.key, a0, b.key, b0, -1, reach, s.k);
    a0 -= extA;
    b0 -= extB;
    same += extSame;
    // A passage counts when at least min_passage of its characters are identical in the source.
    if (same < s.minPassage) continue;
    for (let d = 1; d <= SNAP && a1 + d <= aLen && !starts[a1]; d++) {
      if (starts[a1 + d] && bStarts[Math.min(bLen, b1 + d)]) {
        a1 += d;
        b1 = Math.min(bLen, b1 + d);
        break;
      }
    }
    for (let d = 1; d <= SNAP && a0 - d >= 0 && !starts[a0]; d++) {
      if (starts[a0 - d] && bStarts[Math.max(0, b0 - d)]) {
        a0 -= d;
        b0 = Math.max(0, b0 - d);
        break;
      }
    }
    out.push({ a: [a0, a1], b: [b0, b1] });
  }
  return out;
}

/** Passages from the essay's own fingerprints that a text-less source shares: near ones joined. */
function printPassages(prints: readonly Print[], shared: ReadonlySet<number>, skip: ReadonlySet<number>, s: SimilaritySettings): Passage[] {
  const out: Passage[] = [];
  let cur: [number, number] | null = null;
  for (const p of prints) {
    if (!shared.has(p.hash) || skip.has(p.hash)) continue;
    if (cur && p.pos <= cur[1] + s.window) cur[1] = Math.max(cur[1], p.pos + s.k);
    else {
      if (cur) out.push({ a: cur, b: null });
      cur = [p.pos, p.pos + s.k];
    }
  }
  if (cur) out.push({ a: cur, b: null });
  return out;
}

/** 字数 of the text under the marked content characters (the punctuation between and after them included). */
export function ziOf(keyed: Keyed, marked: Uint8Array): number {
  let zi = 0;
  const n = marked.length;
  for (let i = 0; i < n; ) {
    if (!marked[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n && marked[j + 1]) j++;
    // The punctuation after the run's last character goes with it (a copied sentence's 。).
    zi += countZi(keyed.text.slice(keyed.pos[i], j + 1 < keyed.pos.length ? keyed.pos[j + 1] : keyed.text.length));
    i = j + 1;
  }
  return zi;
}

function mark(into: Uint8Array, passages: readonly Passage[], minus?: Uint8Array): void {
  for (const p of passages) for (let i = p.a[0]; i < p.a[1] && i < into.length; i++) if (!minus || !minus[i]) into[i] = 1;
}

/**
 * Compares an essay with its candidate sources. `common`: the hashes judged 套话.
 * Sources of kind 'self' must be the same cadre's essays; 'other' another cadre's.
 */
export function compareEssay(essay: Keyed, prints: readonly Print[], common: ReadonlySet<number>, sources: readonly Source[], s: SimilaritySettings): SimilarityReport {
  const n = essay.key.length;
  const zi = countZi(essay.text);
  const hashes = kgramHashes(essay.key, s.k);
  // 套话: each common fingerprint's k-gram, and the stretch between two of them no farther apart
  // than a window (a common phrase keeps a fingerprint in every window of it).
  const commonMarks = new Uint8Array(n);
  let lastCommon = -1;
  for (let i = 0; i < hashes.length; i++) {
    if (!common.has(hashes[i])) continue;
    commonMarks.fill(1, lastCommon >= 0 && i - lastCommon <= s.window ? lastCommon : i, i + s.k);
    lastCommon = i;
  }
  // Seeds of the alignment are shorter than the k-grams of the index, so that a copy with a
  // character edited every few survives; a seed inside 套话 is no seed.
  // Each source is aligned first with seeds one longer (fewer chance hits, quicker); a source with
  // passages is aligned again with the short seeds, which bridge the shortest copied stretches
  // between edits. A source with no passage at the longer seeds has none worth counting.
  const seed = seedLength(s);
  const starts = sentenceStarts(essay);
  const index = (len: number) => {
    const h = kgramHashes(essay.key, len);
    return { len, size: h.length, seeds: seedIndex(h, len, commonMarks) };
  };
  const short = index(seed);
  const long = index(seed + 1);
  // Each source's sentence starts, found once for both alignments.
  const sourceStarts = new Map<Keyed, Uint8Array>();
  const align = (ix: typeof short, keyed: Keyed): Passage[] => {
    let bStarts = sourceStarts.get(keyed);
    if (!bStarts) sourceStarts.set(keyed, (bStarts = sentenceStarts(keyed)));
    return alignSource(ix.seeds, ix.size, ix.len, essay, starts, keyed, bStarts, s);
  };
  const found = sources.map((src) => {
    // A passage counts when at least min_passage of its characters are identical in the source.
    const passages: Passage[] = src.keyed ? align(long, src.keyed) : printPassages(prints, src.shared, common, s).filter((p) => p.a[1] - p.a[0] >= s.k);
    return { src, passages };
  });
  // The sources covering most of the essay (at most REALIGNED) are aligned again with the short seeds.
  const cover = (ps: Passage[]) => ps.reduce((t, p) => t + p.a[1] - p.a[0], 0);
  const top = found
    .filter((f) => f.src.keyed && f.passages.length)
    .sort((x, y) => cover(y.passages) - cover(x.passages) || x.src.id - y.src.id)
    .slice(0, REALIGNED);
  for (const f of top) f.passages = align(short, f.src.keyed!);
  const quoted = new Uint8Array(n);
  for (const f of found) if (f.src.kind === 'reference') mark(quoted, f.passages);
  const excluded = new Uint8Array(n);
  for (let i = 0; i < n; i++) excluded[i] = quoted[i] | commonMarks[i];
  // What the same cadre wrote before is theirs: repeated, not copied, even where another cadre's
  // essay (perhaps copied from theirs) has it too.
  const self = new Uint8Array(n);
  for (const f of found) if (f.src.kind === 'self') mark(self, f.passages, excluded);
  const notOthers = new Uint8Array(n);
  for (let i = 0; i < n; i++) notOthers[i] = excluded[i] | self[i];
  const others = new Uint8Array(n);
  const results: SourceResult[] = [];
  for (const f of found) {
    if (!f.passages.length) continue;
    const mine = new Uint8Array(n);
    mark(mine, f.passages, f.src.kind === 'reference' ? undefined : f.src.kind === 'self' ? excluded : notOthers);
    if (f.src.kind === 'other') mark(others, f.passages, notOthers);
    const z = ziOf(essay, mine);
    if (z > 0) results.push({ kind: f.src.kind, id: f.src.id, zi: z, permille: perMille(z, zi), passages: f.passages });
  }
  results.sort((x, y) => y.zi - x.zi || x.id - y.id);
  const othersZi = ziOf(essay, others);
  const selfZi = ziOf(essay, self);
  const quotedZi = ziOf(essay, quoted);
  return {
    zi,
    othersZi,
    selfZi,
    quotedZi,
    commonZi: ziOf(essay, commonMarks),
    othersPermille: perMille(othersZi, zi),
    selfPermille: perMille(selfZi, zi),
    quotedPermille: perMille(quotedZi, zi),
    sources: results,
  };
}

/** The text of content characters [start, end) of a keyed text, with the punctuation between them. */
export function passageText(keyed: Keyed, range: [number, number]): string {
  if (range[1] <= range[0]) return '';
  return keyed.text.slice(keyed.pos[range[0]], keyed.pos[range[1] - 1] + 1);
}

/**
 * The longest passages of a report (at most `limit`), each with its source:
 * the ones with the most content characters first.
 */
export function longestPassages(report: SimilarityReport, limit: number): { source: SourceResult; passage: Passage }[] {
  const all = report.sources.flatMap((source) => source.passages.map((passage) => ({ source, passage })));
  all.sort((x, y) => y.passage.a[1] - y.passage.a[0] - (x.passage.a[1] - x.passage.a[0]) || x.passage.a[0] - y.passage.a[0]);
  // A stretch of the essay is shown once, with its longest source.
  const out: { source: SourceResult; passage: Passage }[] = [];
  for (const p of all) {
    if (out.length === limit) break;
    const len = p.passage.a[1] - p.passage.a[0];
    const overlaps = out.some((q) => Math.min(q.passage.a[1], p.passage.a[1]) - Math.max(q.passage.a[0], p.passage.a[0]) > len / 2);
    if (!overlaps) out.push(p);
  }
  return out;
}

/**
 * The text an essay is stored and compared as: line ends as \n, no BOM or
 * zero-width characters, no spaces at line ends, at most one empty line in a
 * row, NFC.
 */
export function normaliseEssayText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\ufeff\u200b\u2060]/g, '')
    .replace(/[ \t\u3000]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
