/**
 * Commands that hold an office's whole year in memory ask V8 to keep its
 * heap small. Both settings are read by V8 at each collection, so they take
 * effect from the call on; nothing else about the program changes.
 *
 * - preferLeanHeap (the year-end report's gathering and its HTML, an
 *   office-wide audit): the heap grows by a fifth at each full collection
 *   (`--heap-growing-percent=20`) instead of by up to four times. Measured
 *   idle, in turn: the 20,000-cadre report's HTML 1.83-1.97 s and 247-263 MB,
 *   against 1.79-1.86 s and 277-312 MB without and 2.09-2.22 s and
 *   257-260 MB with the setting below; a province's JSON audit (320,000
 *   cadres, 20M rows) 7.18-7.21 s and 286-293 MB, against 6.90 s and
 *   405-411 MB without and 8.8 s and 217-223 MB with the setting below.
 * - preferSmallHeap (the report PDF's font embedding at its end, a split's
 *   held rows): V8's memory-saving policy, the one it uses for a background
 *   tab (`--optimize-for-size`), some 15-30 % more CPU in collections. The
 *   PDF once asked for it for the whole drawing (without it, 275-322 MB);
 *   since the drawing lets the model and each drawn block go, it asks only
 *   before the fonts' subsets are made, where its peak was (see README).
 */
import v8 from 'node:v8';

let lean = false;
let small = false;

export function preferLeanHeap(): void {
  if (lean) return;
  lean = true;
  v8.setFlagsFromString('--heap-growing-percent=20');
}

export function preferSmallHeap(): void {
  if (small) return;
  small = true;
  v8.setFlagsFromString('--optimize-for-size');
}

/** The settings made so far, as a key that setHeapSettings puts back ('' for none). */
export function heapSettings(): string {
  return [lean ? 'lean' : '', small ? 'small' : ''].filter(Boolean).join('+');
}

/**
 * V8's flags as `key` (from heapSettings) has them, for the launcher's code caches (bin/cadre.js):
 * V8 keeps a hash of its flags in each cache and refuses a cache made under other flags than its
 * own run's. A cache made after the settings above was refused by every later run and made again,
 * so the report's and the audit's code was compiled from scratch each time. The launcher makes the
 * program's cache under the flags it started with ('') and a package bundle's under those in force
 * when it was loaded. The values put back are V8's defaults; `--max-semi-space-size` is the one
 * `--optimize-for-size` implies.
 */
export function setHeapSettings(key: string): void {
  const want = new Set(key.split('+'));
  if (want.has('lean') !== lean) v8.setFlagsFromString(want.has('lean') ? '--heap-growing-percent=20' : '--heap-growing-percent=0');
  if (want.has('small') !== small) v8.setFlagsFromString(want.has('small') ? '--optimize-for-size' : '--no-optimize-for-size --max-semi-space-size=0');
  lean = want.has('lean');
  small = want.has('small');
}
