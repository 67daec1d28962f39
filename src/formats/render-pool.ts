/**
 * Answers that take a core for long are built on a rendering thread, so no
 * request holds the event loop while one is made: a 100,000-row workbook
 * took 7 s of it, and a Word report draws a chart per indicator. The thread
 * has a heap limit and each job a time limit; a job past either costs the
 * thread (ended, started again for the next job) and its request a 503,
 * never the service. Jobs wait their turn in a bounded queue: past it, a
 * 503 with Retry-After says the service is busy.
 */
import type { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.ts';
import type { RenderJob, RenderReply, RenderTask } from './render-protocol.ts';
import { startWorker } from '../workers.ts';

/**
 * Rendering threads. One: the machines the service runs on have two cores,
 * one for the event loop; jobs are short once charts draw what a reader can
 * read, and a second thread would only take the loop's core.
 */
export const RENDER_THREADS = 1;
/**
 * Old-generation heap of a rendering thread, in MB: a 100,000-row workbook
 * (the largest download) is built in about 150 MB; a Word report of 50
 * indicators with a chart each in far less.
 */
export const RENDER_HEAP_MB = 512;
/** Wall time one job may take: a 100,000-row workbook takes about 7 s on a busy 2-core machine. */
export const RENDER_TIMEOUT_MS = 60_000;
/** Jobs waiting for a thread at most; past it a request is answered 503 at once. */
export const RENDER_QUEUE = 64;
/** Seconds a caller turned away because the queue is full is told to wait. */
const BUSY_RETRY_AFTER_SECONDS = 5;

function spawn(heapMb: number): Worker {
  return startWorker(import.meta.url, 'render-worker', { resourceLimits: { maxOldGenerationSizeMb: heapMb } });
}

interface Pending {
  job: RenderJob;
  resolve: (reply: { body: Uint8Array | string; warnings: string[] }) => void;
  reject: (error: Error) => void;
}

/** What a renderer needs to build its answer off the event loop. */
export interface OffloadContext {
  render: RenderPool;
}

export interface RenderPoolOptions {
  threads?: number;
  heapMb?: number;
  timeoutMs?: number;
  queue?: number;
}

class RenderThread {
  private worker: Worker | null = null;
  private current: { pending: Pending; timer: NodeJS.Timeout } | null = null;

  constructor(
    private readonly heapMb: number,
    private readonly timeoutMs: number,
    private readonly next: () => Pending | undefined,
  ) {}

  get busy(): boolean {
    return this.current !== null;
  }

  /** Start the thread ahead of its first job, idle and unreferenced. */
  warm(): void {
    if (this.worker === null) (this.worker = this.start()).unref();
  }

  /** Take the next waiting job, if idle. */
  pull(): void {
    if (this.current !== null) return;
    const pending = this.next();
    if (pending === undefined) {
      // Idle: the thread stays, warm, without keeping the process alive.
      this.worker?.unref();
      return;
    }
    const worker = (this.worker ??= this.start());
    worker.ref();
    const timer = setTimeout(() => this.fail(new ApiError('not_ready', `building this answer took longer than ${this.timeoutMs / 1000} s and was abandoned`, { retryAfter: BUSY_RETRY_AFTER_SECONDS })), this.timeoutMs);
    this.current = { pending, timer };
    worker.postMessage(pending.job);
  }

  private start(): Worker {
    const worker = spawn(this.heapMb);
    worker.on('message', (reply: RenderReply) => {
      const current = this.current;
      if (this.worker !== worker || current === null || current.pending.job.id !== reply.id) return;
      this.settle();
      if (reply.ok) current.pending.resolve({ body: reply.body, warnings: reply.warnings });
      else if (reply.error !== undefined) current.pending.reject(new ApiError(reply.error.code, reply.error.message, reply.error.details === undefined ? {} : { details: reply.error.details }));
      else current.pending.reject(new Error(`rendering failed: ${reply.message}`));
      this.pull();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      // A thread already replaced (ended after a timeout) has nothing left to say.
      if (this.worker !== worker) return;
      this.fail(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ApiError('not_ready', `building this answer needs more than the ${this.heapMb} MB of memory an answer may use`, { retryAfter: BUSY_RETRY_AFTER_SECONDS })
          : error,
      );
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.fail(new Error('the rendering thread stopped'));
    });
    return worker;
  }

  private settle(): void {
    if (this.current !== null) clearTimeout(this.current.timer);
    this.current = null;
  }

  /** The running job fails and the thread is ended: the next job gets a fresh one. */
  private fail(error: Error): void {
    const current = this.current;
    this.settle();
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) void worker.terminate();
    current?.pending.reject(error);
    if (current !== null) this.pull();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.settle();
    await worker?.terminate();
  }
}

export class RenderPool {
  private static process: RenderPool | undefined;

  /**
   * The process's pool: its threads cost a second or more of a core to
   * start (Vega, fonts), so every app a process builds (tests build
   * hundreds) shares them. Idle threads never keep the process alive.
   */
  static shared(): RenderPool {
    return (RenderPool.process ??= new RenderPool());
  }

  private readonly waiting: Pending[] = [];
  private readonly threads: RenderThread[];
  private readonly queue: number;
  private nextId = 1;
  private closed = false;
  /** Jobs taken since start: how often something was built (tests check what is built once). */
  started = 0;

  constructor(options: RenderPoolOptions = {}) {
    this.queue = options.queue ?? RENDER_QUEUE;
    const heapMb = options.heapMb ?? RENDER_HEAP_MB;
    const timeoutMs = options.timeoutMs ?? RENDER_TIMEOUT_MS;
    this.threads = Array.from({ length: options.threads ?? RENDER_THREADS }, () => new RenderThread(heapMb, timeoutMs, () => this.waiting.shift()));
  }

  /** Run `task` on a rendering thread: its body and Vega's warnings. */
  run(task: RenderTask): Promise<{ body: Uint8Array | string; warnings: string[] }> {
    if (this.closed) return Promise.reject(new ApiError('not_ready', 'the service is stopping'));
    if (this.waiting.length >= this.queue) {
      return Promise.reject(new ApiError('not_ready', 'the service is building many large answers at once; ask again in a few seconds', { retryAfter: BUSY_RETRY_AFTER_SECONDS }));
    }
    this.started++;
    return new Promise((resolve, reject) => {
      this.waiting.push({ job: { ...task, id: this.nextId++ }, resolve, reject });
      this.threads.find((t) => !t.busy)?.pull();
    });
  }

  /** Start the threads now: their modules load while nothing waits for them. */
  warm(): void {
    if (!this.closed) for (const thread of this.threads) thread.warm();
  }

  /** A task whose body is bytes, as a Buffer. */
  async bytes(task: RenderTask): Promise<Buffer> {
    const { body } = await this.run(task);
    return typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) pending.reject(new ApiError('not_ready', 'the service is stopping'));
    await Promise.all(this.threads.map((t) => t.close()));
  }
}
