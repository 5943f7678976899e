/**
 * The worker thread of an office-wide audit (facts-parallel.ts). It opens
 * its own read-only connection as soon as it starts (while the main thread
 * plans the audit), then reads the facts of each chunk of windows the main
 * thread posts (readChunkIn), all chunks in one read transaction, and hands
 * them to the main thread in batches, while the main thread audits and
 * writes the batches before and plans the chunks after. It waits whenever
 * the main thread is `maxInFlight` batches behind, so what waits in memory
 * stays small however large the office.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IsoDate } from '../core/dates.js';
import { readChunkIn, type FactWindow } from './facts.js';
import { beginRead, endRead, openReader } from './open.js';

export interface FactsWorkerData {
  file: string;
  /** [0]: batches posted and not yet taken by the main thread. */
  inFlight: SharedArrayBuffer;
  batchSize: number;
  maxInFlight: number;
}

/** One chunk of windows to read; `{ end: true }` after the last. */
export type FactsRequest = { windows: FactWindow[]; cutoff: IsoDate } | { end: true };

const { file, inFlight, batchSize, maxInFlight } = workerData as FactsWorkerData;
const count = new Int32Array(inFlight);
const port = parentPort!;
const db = openReader(file);
let reading = false;
const sink = {
  others: (rows: unknown) => port.postMessage({ others: rows }),
  hours: (batch: unknown[]) => {
    Atomics.add(count, 0, 1);
    port.postMessage({ hours: batch });
    for (let n = Atomics.load(count, 0); n >= maxInFlight; n = Atomics.load(count, 0)) Atomics.wait(count, 0, n, 1000);
  },
};
port.on('message', (m: FactsRequest) => {
  try {
    if ('end' in m) {
      if (reading) endRead(db);
      reading = false;
      port.postMessage({ done: true });
      // The main thread stops this worker when it has the message.
      db.close();
      return;
    }
    // The first chunk begins the one read transaction of them all.
    if (!reading) {
      beginRead(db);
      reading = true;
    }
    readChunkIn(db, m.windows, m.cutoff, sink as Parameters<typeof readChunkIn>[3], batchSize);
    port.postMessage({ chunkDone: true });
  } catch (e) {
    if (db.open) db.close();
    throw e;
  }
});
