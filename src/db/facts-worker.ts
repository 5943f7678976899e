/**
 * The worker thread of an office-wide audit (facts-parallel.ts). It opens
 * its own read-only connection as soon as it starts (while the main thread
 * plans the audit), waits for the windows, reads the facts (readWindows)
 * and hands them to the main thread in batches, while the main thread
 * audits and writes the batches before. It waits whenever the main thread
 * is `maxInFlight` batches behind, so what waits in memory stays small
 * however large the office.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IsoDate } from '../core/dates.js';
import { readWindows, type FactWindow } from './facts.js';
import { openReader } from './open.js';

export interface FactsWorkerData {
  file: string;
  /** [0]: batches posted and not yet taken by the main thread. */
  inFlight: SharedArrayBuffer;
  batchSize: number;
  maxInFlight: number;
}

export interface FactsRequest {
  windows: FactWindow[];
  cutoff: IsoDate;
}

const { file, inFlight, batchSize, maxInFlight } = workerData as FactsWorkerData;
const count = new Int32Array(inFlight);
const port = parentPort!;
const db = openReader(file);
port.once('message', ({ windows, cutoff }: FactsRequest) => {
  try {
    readWindows(
      db,
      windows,
      cutoff,
      {
        others: (rows) => port.postMessage({ others: rows }),
        hours: (batch) => {
          Atomics.add(count, 0, 1);
          port.postMessage({ hours: batch });
          for (let n = Atomics.load(count, 0); n >= maxInFlight; n = Atomics.load(count, 0)) Atomics.wait(count, 0, n, 1000);
        },
      },
      batchSize,
    );
    port.postMessage({ done: true });
  } finally {
    db.close();
  }
});
