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
