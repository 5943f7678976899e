/**
 * The worker thread that hashes the record state (closes.ts `recordState`) for
 * the year-end report and the year close (state-aside.ts): in one read
 * transaction, its snapshot taken as the worker opens; when asked to wait,
 * the hashing itself begins at the parent's 'start'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { recordState } from './closes.js';
import { beginRead, endRead, openReader } from './open.js';

const { file, cutoff, wait } = workerData as { file: string; cutoff: string; wait: boolean };
const db = openReader(file);
try {
  beginRead(db);
  // The first read fixes the transaction's snapshot.
  db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  if (wait) await new Promise((resolve) => parentPort!.once('message', resolve));
  parentPort!.postMessage(recordState(db, cutoff));
} finally {
  endRead(db);
  db.close();
}
