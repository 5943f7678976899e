/**
 * Commands that hold an office's whole year in memory ask V8 to keep its
 * heap small. Both settings are read by V8 at each collection, so they take
 * effect from the call on; nothing else about the program changes.
 *
 * - preferLeanHeap (the year-end report's gathering and its HTML): the heap
 *   grows by half at each full collection (`--heap-growing-percent=50`)
 *   instead of by up to four times. Measured on the 20,000-cadre report (idle,
 *   in turn): 1.70-1.88 s and 248-266 MB, against 1.79-1.86 s and 277-312 MB
 *   without, and 2.09-2.22 s and 257-260 MB with the setting below.
 * - preferSmallHeap (the PDF's drawing, a split's held rows): V8's
 *   memory-saving policy, the one it uses for a background tab
 *   (`--optimize-for-size`), some 15-30 % more CPU in collections: without
 *   it the PDF peaked at 275-322 MB.
 */
import v8 from 'node:v8';

let lean = false;
let small = false;

export function preferLeanHeap(): void {
  if (lean) return;
  lean = true;
  v8.setFlagsFromString('--heap-growing-percent=50');
}

export function preferSmallHeap(): void {
  if (small) return;
  small = true;
  v8.setFlagsFromString('--optimize-for-size');
}
