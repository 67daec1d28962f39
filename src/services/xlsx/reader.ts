/**
 * The main thread's side of reading a posted workbook: each workbook is
 * parsed by a worker of its own, with a heap limit and a timeout, and rows
 * come back in small messages, each turned into row objects that inherit nothing
 * in well under a millisecond, so the event loop keeps answering
 * throughout. A worker that runs out of memory or time is ended and the post
 * is a 413; nothing the file does reaches the service.
 */
import type { Worker } from 'node:worker_threads';
import { ApiError, type ErrorDetail } from '../../errors.ts';
import type { ImportColumn } from '../columns.ts';
import type { Records } from '../ingest.ts';
import { XLSX_MAX_PARALLEL, XLSX_MAX_ZIP_ENTRIES, XLSX_PARSE_TIMEOUT_MS, XLSX_WORKER_HEAP_MB, XLSX_WORKER_YOUNG_MB } from './limits.ts';
import type { ParseJob, ParseReply } from './protocol.ts';
import { unpackRows } from './transfer.ts';
import { startWorker } from '../../workers.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A workbook's rows, with the sheet they were read from. */
export interface WorkbookRecords extends Records {
  sheet: string;
}

export interface ReaderOptions {
  /** What a workbook may inflate to, in all: the body limit (MAX_BODY_MB). */
  inflateMb: number;
  maxEntries?: number;
  heapMb?: number;
  timeoutMs?: number;
  parallel?: number;
}

/** The worker next to this file. */
function spawn(heapMb: number): Worker {
  return startWorker(import.meta.url, 'worker', { resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: XLSX_WORKER_YOUNG_MB } });
}

/** Every detail with a row is on `sheet`: workbook rows are numbered per sheet. */
export function onSheet(error: ApiError, sheet: string): ApiError {
  if (error.details === undefined) return error;
  const details: ErrorDetail[] = error.details.map((d) => (d.row === undefined || d.sheet !== undefined ? d : { sheet, ...d }));
  return new ApiError(error.code, error.message, {
    details,
    ...(error.detailsTotal === undefined ? {} : { detailsTotal: error.detailsTotal }),
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    cause: error.cause,
  });
}

export class WorkbookReader {
  private readonly maxEntries: number;
  private readonly heapMb: number;
  private readonly timeoutMs: number;
  private readonly parallel: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /**
   * A worker started ahead, its reader loaded, for the next workbook: each
   * worker reads one workbook and is ended, and starting one costs about
   * as much as reading a small workbook. Unreferenced while it waits, so it
   * never keeps the process alive.
   */
  private spare: Worker | null = null;
  private closed = false;

  constructor(private readonly options: ReaderOptions) {
    this.maxEntries = options.maxEntries ?? XLSX_MAX_ZIP_ENTRIES;
    this.heapMb = options.heapMb ?? XLSX_WORKER_HEAP_MB;
    this.timeoutMs = options.timeoutMs ?? XLSX_PARSE_TIMEOUT_MS;
    this.parallel = options.parallel ?? XLSX_MAX_PARALLEL;
  }

  /** The rows of one sheet (`sheet`, or the first), numbered as Excel shows them. */
  async read(body: Uint8Array, sheet: string | null): Promise<WorkbookRecords> {
    if (this.running >= this.parallel) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await this.parse(body, sheet);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** End the spare worker; workers reading keep going until their workbook is read. */
  async close(): Promise<void> {
    this.closed = true;
    const spare = this.spare;
    this.spare = null;
    await spare?.terminate();
  }

  private take(): Worker {
    const worker = this.spare ?? spawn(this.heapMb);
    this.spare = null;
    worker.ref();
    if (!this.closed) {
      const spare = spawn(this.heapMb);
      spare.unref();
      const drop = () => {
        if (this.spare === spare) this.spare = null;
      };
      spare.once('exit', drop);
      spare.on('error', drop);
      this.spare = spare;
    }
    return worker;
  }

  private parse(body: Uint8Array, sheet: string | null): Promise<WorkbookRecords> {
    // The worker gets a copy it owns; the request keeps its own.
    const bytes = new Uint8Array(body).buffer;
    const job: ParseJob = { bytes, sheet, inflateMb: this.options.inflateMb, maxEntries: this.maxEntries };
    const worker = this.take();
    return new Promise<WorkbookRecords>((resolve, reject) => {
      let settled = false;
      let name = '';
      let columns: ImportColumn[] = [];
      const data: unknown[] = [];
      const numbers: number[] = [];
      const finish = (error: ApiError | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        if (error === null) resolve({ sheet: name, data, numbers });
        else reject(error);
      };
      const timer = setTimeout(() => {
        finish(
          new ApiError('payload_too_large', `the workbook took longer than ${this.timeoutMs / 1000} s to read and was abandoned: split it into smaller workbooks`, {
            details: [{ field: 'body', message: `parse exceeded ${this.timeoutMs} ms` }],
          }),
        );
      }, this.timeoutMs);
      worker.on('message', (reply: ParseReply) => {
        if (reply.type === 'head') {
          name = reply.sheet;
          columns = reply.columns;
        } else if (reply.type === 'rows') {
          unpackRows(reply, columns, data, numbers);
          worker.postMessage('next');
        } else if (reply.type === 'end') {
          finish(null);
        } else {
          finish(new ApiError(reply.code, reply.message, reply.details === undefined ? {} : { details: reply.details, ...(reply.detailsTotal === undefined ? {} : { detailsTotal: reply.detailsTotal }) }));
        }
      });
      worker.on('error', (error: Error & { code?: string }) => {
        finish(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ApiError('payload_too_large', `reading the workbook needs more than the ${this.heapMb} MB of memory a workbook may use: split it into smaller workbooks`, {
                details: [{ field: 'body', message: `more than ${this.heapMb} MB to parse` }],
              })
            : new ApiError('bad_request', `the workbook could not be read (${error.message}); save it again as .xlsx in Excel or WPS`, {
                details: [{ field: 'body', message: error.message }],
              }),
        );
      });
      worker.on('exit', (code) => {
        finish(new ApiError('bad_request', `the workbook could not be read (its reader stopped with code ${code}); save it again as .xlsx in Excel or WPS`, { details: [{ field: 'body', message: 'reader stopped' }] }));
      });
      worker.postMessage(job, [bytes]);
    });
  }
}
