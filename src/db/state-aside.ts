/**
 * The record state's hash (closes.ts `recordState`) made on a second thread,
 * started before the year-end report's audits so that the two overlap: for
 * an office of a million hours records the hash alone takes over a second.
 * An in-memory database, or a machine of one core, hashes on this thread
 * when the result is asked for.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { recordState } from './closes.js';
import type { DB } from './open.js';

const WORKER = new URL('../../dist/db/state-worker.js', import.meta.url);

export function recordStateAside(db: DB, cutoff: string): () => Promise<{ state: string; sha256: string }> {
  if (db.memory || os.availableParallelism() < 2) return async () => recordState(db, cutoff);
  const worker = new Worker(WORKER, { workerData: { file: db.name, cutoff } });
  const result = new Promise<{ state: string; sha256: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`record state worker exited ${code}`))));
  });
  // A failed worker (its file missing, say) falls back to this thread; its failure is never left unhandled.
  const settled = result.catch(() => null);
  return async () => {
    const r = await settled;
    void worker.terminate();
    return r ?? recordState(db, cutoff);
  };
}
