/**
 * The worker thread that hashes the record state (closes.ts `recordState`) for
 * the year-end report while the main thread audits (state-aside.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { recordState } from './closes.js';
import { openReader } from './open.js';

const { file, cutoff } = workerData as { file: string; cutoff: string };
const db = openReader(file);
try {
  parentPort!.postMessage(recordState(db, cutoff));
} finally {
  db.close();
}
