/**
 * Checking an uploaded template off the event loop: each check in a worker
 * of its own with a heap limit and a timeout, one at a time (uploads are an
 * administrator's, and rare). A worker that runs out of memory or time is
 * ended and the upload is a 413.
 */
import { ApiError } from '../errors.ts';
import type { TemplateKind } from '../store/store.ts';
import { startWorker } from '../workers.ts';
import type { CheckJob, CheckReply } from './check-protocol.ts';

/** Heap of a checking worker, in MB: a 5 MB template inflates to at most 64 MB (DOCX_INFLATE_MB) and is templated once. */
export const CHECK_HEAP_MB = 384;
/** Wall time a check may take: the default template checks in well under a second. */
export const CHECK_TIMEOUT_MS = 20_000;

const tooCostly = (what: string) =>
  new ApiError('payload_too_large', `the template ${what}: make it smaller or simpler`, { details: [{ field: 'template', message: what }] });

export class TemplateChecker {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly running = new Set<import('node:worker_threads').Worker>();

  constructor(private readonly limits: { heapMb: number; timeoutMs: number } = { heapMb: CHECK_HEAP_MB, timeoutMs: CHECK_TIMEOUT_MS }) {}

  /** The fields the template names, or the 4xx that says what is wrong with it. */
  check(kind: TemplateKind, bytes: Buffer): Promise<string[]> {
    const next = this.queue.then(() => this.run({ kind, bytes: new Uint8Array(bytes) }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private run(job: CheckJob): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const worker = startWorker(import.meta.url, 'check-worker', { resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb, maxYoungGenerationSizeMb: 16 } });
      this.running.add(worker);
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.running.delete(worker);
        void worker.terminate();
        outcome();
      };
      const timer = setTimeout(() => settle(() => reject(tooCostly(`took longer than ${this.limits.timeoutMs / 1000} s to check`))), this.limits.timeoutMs);
      worker.once('message', (reply: CheckReply) =>
        settle(() => (reply.ok ? resolve(reply.tags) : reject(new ApiError(reply.code, reply.message, { details: reply.details })))));
      worker.once('error', (error: Error & { code?: string }) =>
        settle(() => reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooCostly('needs more memory than a template may to check') : tooCostly(`could not be checked (${error.message})`))));
      worker.once('exit', () => settle(() => reject(tooCostly('could not be checked'))));
      worker.postMessage(job, [job.bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.running].map((w) => w.terminate()));
  }
}
