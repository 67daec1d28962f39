/**
 * The main thread's side of the writer worker: one write at a time (a lock
 * queues them), requests answered by id, and a dead worker reported as an
 * unavailable store rather than a hang.
 */
import type { Worker } from 'node:worker_threads';
import { StoreUnavailableError } from '../../errors.ts';
import type { WriteCounts } from '../store.ts';
import { transferList } from './encoding.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';
import { startWorker } from '../../workers.ts';

type Answer = { counts: WriteCounts; slices: number[]; result?: unknown };
type Pending = { resolve: (reply: Answer) => void; reject: (error: Error) => void };

/** The worker next to this file: compiled JavaScript, or TypeScript loaded through tsx in development and tests. */
/**
 * The writer thread's young generation, in MB. Its objects (a batch's rows,
 * cloned in) all live until the transaction ends, so a large young
 * generation only holds memory: a small one keeps the service's RSS down
 * while the main thread keeps V8's default for parsing and validating.
 */
export const WRITER_YOUNG_GENERATION_MB = 6;

export class WriterClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private lock: Promise<void> = Promise.resolve();
  /** Writes holding or waiting for the lock. */
  private holders = 0;
  /** Set once the worker has stopped: no write can succeed after that. */
  private dead: Error | null = null;

  constructor(file: string) {
    const options = { workerData: { file }, resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB } };
    this.worker = startWorker(import.meta.url, 'writer-worker', options);
    this.worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.id);
      if (waiting === undefined) return;
      this.pending.delete(reply.id);
      if (reply.type === 'done') waiting.resolve(reply);
      else waiting.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    });
    const fail = (error: Error) => {
      this.dead ??= error;
      for (const waiting of this.pending.values()) waiting.reject(new StoreUnavailableError('the SQLite writer stopped', { cause: error }));
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the SQLite writer exited with code ${code}`)));
  }

  get alive(): boolean {
    return this.dead === null;
  }

  newId(): number {
    return this.nextId++;
  }

  /**
   * Wait for every earlier write to finish; answers the release. When no
   * write is under way the release is handed over at once (`now`), so a
   * batch can start streaming rows before the caller next yields.
   */
  acquire(): { now: (() => void) | null; later: Promise<() => void> } {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const free = this.holders === 0;
    this.holders++;
    const done = () => {
      this.holders--;
      release();
    };
    const previous = this.lock;
    this.lock = previous.then(() => held);
    return { now: free ? done : null, later: previous.then(() => done) };
  }

  post(message: WorkerRequest): void {
    if (this.dead !== null) return;
    // A template's bytes are the store's own copy (sqlite-store.ts): moved to the writer, not copied again.
    const transfer = message.type === 'rows' ? transferList(message.rows) : message.type === 'save-template' ? [message.template.bytes.buffer as ArrayBuffer] : [];
    this.worker.postMessage(message, transfer);
  }

  request(message: WorkerRequest): Promise<Answer> {
    if (this.dead !== null) return Promise.reject(new StoreUnavailableError('the SQLite writer stopped', { cause: this.dead }));
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      this.post(message);
    });
  }

  async close(): Promise<void> {
    const release = await this.acquire().later;
    try {
      if (this.dead === null) await this.request({ type: 'close', id: this.newId() });
    } catch {
      // Closing a writer that already stopped.
    } finally {
      release();
      await this.worker.terminate();
    }
  }
}
