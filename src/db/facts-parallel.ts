/**
 * An office-wide audit on two threads: a worker reads the facts from SQLite
 * (facts-worker.ts) while this thread audits and writes what has arrived.
 * SQLite's read is about a third of a province's audit and runs in C on
 * the other core, so the two overlap instead of adding up. Same facts, same
 * order, same one read transaction as auditWindows (tests compare the two).
 */
import { Worker } from 'node:worker_threads';
import type { CadreFacts } from '../core/audit.js';
import type { IsoDate } from '../core/dates.js';
import { WindowFacts, type FactWindow, type OtherRows, type WindowChunk, type WindowHours } from './facts.js';
import type { FactsRequest, FactsWorkerData } from './facts-worker.js';

/**
 * The worker's code, compiled: the same path from src/db (under the test
 * runner) and from dist/db (the program).
 */
const WORKER = new URL('../../dist/db/facts-worker.js', import.meta.url);

type Message = { others: OtherRows } | { hours: WindowHours[] } | { chunkDone: true } | { done: true };

/**
 * A worker started ahead of its read, so that its start and its connection
 * overlap the planning of the audit. Used once: read(), or stop() when the
 * audit ends otherwise.
 */
export class FactsReader {
  private readonly worker: Worker;
  private readonly count: Int32Array;
  /** Set when the worker fails before read() is called. */
  private early: unknown = null;
  private onFail: ((e: unknown) => void) | null = null;

  constructor(file: string, options: { batchSize?: number; maxInFlight?: number } = {}) {
    const inFlight = new SharedArrayBuffer(4);
    this.count = new Int32Array(inFlight);
    const data: FactsWorkerData = { file, inFlight, batchSize: options.batchSize ?? 256, maxInFlight: options.maxInFlight ?? 8 };
    this.worker = new Worker(WORKER, { workerData: data });
    const fail = (e: unknown) => (this.onFail ? this.onFail(e) : (this.early ??= e));
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`facts worker stopped (exit ${code}) before its read was done`)));
  }

  /**
   * auditWindows' contract, the read done by the worker on its own
   * read-only connection: `fn` gets every position once, in order, on this
   * thread. An error thrown by `fn` stops the worker and rejects.
   */
  read(windows: readonly FactWindow[], cutoff: IsoDate, fn: (pos: number, facts: CadreFacts) => void): Promise<void> {
    return this.readChunks([{ windows }].values(), cutoff, (_, pos, facts) => fn(pos, facts));
  }

  /**
   * auditChunks' contract on the worker: each chunk is taken from `chunks`
   * (planned on this thread) when the worker is `ahead` chunks from
   * needing it, so planning, the worker's read and the audit overlap and
   * only those chunks are held; all are read in one read transaction. An
   * error thrown by `chunks` or `fn` stops the worker and rejects.
   */
  readChunks<C extends WindowChunk>(chunks: Iterator<C>, cutoff: IsoDate, fn: (chunk: C, pos: number, facts: CadreFacts) => void, ahead = 2): Promise<void> {
    return new Promise((resolve, reject) => {
      let built: WindowFacts | null = null;
      let settled = false;
      /** Posted and not yet read to the end, oldest first. */
      const queue: C[] = [];
      let more = true;
      const fail = (e: unknown) => {
        if (settled) return;
        settled = true;
        this.stop();
        reject(e);
      };
      const post = () => {
        while (more && queue.length < ahead) {
          const next = chunks.next();
          if (next.done) {
            more = false;
            this.worker.postMessage({ end: true } satisfies FactsRequest);
          } else {
            queue.push(next.value);
            this.worker.postMessage({ windows: [...next.value.windows], cutoff } satisfies FactsRequest);
          }
        }
      };
      if (this.early) return fail(this.early);
      this.onFail = fail;
      this.worker.on('message', (m: Message) => {
        if (settled) return;
        try {
          if ('others' in m) built = new WindowFacts(queue[0].windows, m.others);
          else if ('hours' in m) {
            const chunk = queue[0];
            for (const row of m.hours) fn(chunk, row[0], built!.facts(row));
            Atomics.sub(this.count, 0, 1);
            Atomics.notify(this.count, 0);
          } else if ('chunkDone' in m) {
            queue.shift();
            built = null;
            post();
          } else {
            settled = true;
            // Its read is done: the worker's heap (SQLite's cache) goes now, not when the audit's output is written.
            this.stop();
            resolve();
          }
        } catch (e) {
          fail(e);
        }
      });
      try {
        post();
      } catch (e) {
        fail(e);
      }
    });
  }

  /** Stops the worker (an audit that ended without reading, or failed). */
  stop(): void {
    this.onFail ??= () => undefined;
    void this.worker.terminate();
  }
}
