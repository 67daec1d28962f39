/**
 * Line protocol to InfluxDB, acknowledged before the promise resolves:
 * chunks of InfluxDB's advised size, a few in flight, each retried with
 * backoff on 429 and 5xx. `v2`/`v3` send through the client's write API to
 * `/api/v2/write`; `v1` posts to `/write?db=` (InfluxDB before 1.8).
 */
import { HttpError, InfluxDB, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import { InfluxHttp, InfluxWriteError, type StorageLimitError, type WritePrecision, writeFailure } from './http.ts';

/** InfluxDB advises 5,000 lines a request. */
export const WRITE_CHUNK_LINES = 5_000;
/** Two requests in flight keep InfluxDB busy while the next chunk is sent. */
export const WRITE_CONCURRENCY = 2;
/** Waits before the 2nd, 3rd and 4th attempt; then the request answers 503 and may be repeated. */
export const RETRY_DELAYS_MS = [250, 1_000, 3_000];
/** A server's Retry-After longer than this is not waited for inside one request. */
const MAX_RETRY_AFTER_MS = 5_000;

export interface WriteLog {
  warn(details: object, message: string): void;
}

// The client logs to the console on its own; failures here are reported by the service.
setLogger({ error: () => {}, warn: () => {} });

export class LineWriter {
  private readonly client: InfluxDB | null;

  constructor(
    private readonly http: InfluxHttp,
    private readonly log: WriteLog,
  ) {
    const c = http.connection;
    this.client = c.api === 'v1' ? null : new InfluxDB({ url: c.url, token: c.token, timeout: c.timeoutMs });
  }

  /**
   * Write lines 0 … count-1, or throw (InfluxWriteError when a repeat may
   * succeed, StorageLimitError when influxd refuses for good). Lines are
   * built a chunk at a time as chunks are sent, so building the next chunk
   * overlaps InfluxDB taking the last one. After a chunk fails no further
   * chunk is sent: a refused write stops where it was refused.
   * `chunkLines` larger than InfluxDB's advice sends lines that must be
   * taken or refused together in one request. Timestamps are in seconds
   * unless `precision` says nanoseconds (the access log and review points,
   * several in one millisecond: access-lines.ts).
   */
  async write(count: number, lineAt: (i: number) => string, chunkLines = WRITE_CHUNK_LINES, precision: WritePrecision = 's'): Promise<void> {
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < count && !failed) {
        const start = next;
        const end = Math.min(count, start + chunkLines);
        next = end;
        const chunk: string[] = [];
        for (let i = start; i < end; i++) chunk.push(lineAt(i));
        try {
          await this.withRetry(chunk, precision);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
  }

  private async withRetry(chunk: readonly string[], precision: WritePrecision): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.send(chunk, precision);
        return;
      } catch (error) {
        const delay = RETRY_DELAYS_MS[attempt];
        if (!(error instanceof InfluxWriteError) || !error.retriable || delay === undefined) throw error;
        const wait = Math.max(delay, Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS));
        this.log.warn({ attempt: attempt + 1, waitMs: wait, err: error.message }, 'InfluxDB write failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async send(chunk: readonly string[], precision: WritePrecision): Promise<void> {
    if (this.client === null) return this.http.writeV1(chunk.join('\n'), precision);
    const c = this.http.connection;
    // One write API per chunk, never buffering beyond it: the chunk is acknowledged when close() resolves.
    const api: WriteApi = this.client.getWriteApi(c.org ?? '', c.database, precision, {
      batchSize: chunk.length + 1,
      maxBufferLines: chunk.length + 1,
      flushInterval: 0,
      maxRetries: 0,
    });
    api.writeRecords(chunk as string[]);
    try {
      await api.close();
    } catch (error) {
      throw LineWriter.failure(error);
    }
  }

  static failure(error: unknown): InfluxWriteError | StorageLimitError {
    if (error instanceof HttpError) {
      return writeFailure(error.statusCode, LineWriter.said(error), error.retryAfter());
    }
    return new InfluxWriteError(`InfluxDB is not reachable: ${(error as Error).message}`, true);
  }

  /** InfluxDB's own words: 2.x and 3.x say `message`, 1.x (1.8's /api/v2/write too) says `error`. */
  private static said(error: HttpError): string {
    let json = error.json as { message?: unknown; error?: unknown } | undefined;
    if (json === undefined && error.body !== undefined) {
      try {
        json = JSON.parse(error.body) as { message?: unknown; error?: unknown };
      } catch {
        json = undefined;
      }
    }
    const words = json?.message ?? json?.error;
    return typeof words === 'string' ? words : (error.body ?? error.message);
  }
}
