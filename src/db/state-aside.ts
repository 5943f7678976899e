/**
 * The record state's hash (closes.ts `recordState`) made on a second thread,
 * started before the year-end report's audits: for an office of a million
 * hours records the hash alone takes over a second. The worker takes its
 * read snapshot as it opens and hashes within it; made with `wait`, it
 * hashes only once `start` is called, so that the report's PDF can have it
 * made while its pages are drawn, when the second core is free, instead of
 * while the audits keep both cores busy. An in-memory database, or a
 * machine of one core, hashes on this thread when the result is asked for.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { recordState } from './closes.js';
import type { DB } from './open.js';

const WORKER = new URL('../../dist/db/state-worker.js', import.meta.url);

export type RecordState = { state: string; sha256: string };

export interface RecordStateAside {
  /** Lets a worker made with `wait` begin hashing (its snapshot is the one it took when it opened). */
  start(): void;
  /** The hash; made on this thread if the worker failed. Starts the worker if it was not started. */
  result(): Promise<RecordState>;
}

export function recordStateAside(db: DB, cutoff: string, opts: { wait?: boolean } = {}): RecordStateAside {
  if (db.memory || os.availableParallelism() < 2) return { start: () => {}, result: async () => recordState(db, cutoff) };
  const wait = !!opts.wait;
  const worker = new Worker(WORKER, { workerData: { file: db.name, cutoff, wait } });
  // A worker waiting to start does not keep the process alive (an error before `start` ends it).
  if (wait) worker.unref();
  const result = new Promise<RecordState>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`record state worker exited ${code}`))));
  });
  // A failed worker (its file missing, say) falls back to this thread; its failure is never left unhandled.
  const settled = result.catch(() => null);
  let started = !wait;
  const start = () => {
    if (started) return;
    started = true;
    worker.ref();
    worker.postMessage('start');
  };
  return {
    start,
    result: async () => {
      start();
      const r = await settled;
      void worker.terminate();
      return r ?? recordState(db, cutoff);
    },
  };
}
