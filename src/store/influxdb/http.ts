/**
 * HTTP to InfluxDB for queries, pings and 1.x writes: InfluxQL with bound
 * `params` on `/query` (1.x, 2.x) or `/api/v3/query_influxql` (3.x), over
 * keep-alive connections. Every failure that a later repeat may cure is a
 * StoreUnavailableError (the caller answers 503 with Retry-After); a write
 * refused by one of influxd's limits is a StorageLimitError (507), which no
 * repeat cures.
 */
import http from 'node:http';
import https from 'node:https';
import { ApiError, StoreUnavailableError } from '../../errors.ts';

export type InfluxApi = 'v1' | 'v2' | 'v3';
export type ParamValue = string | number | boolean;
/** The unit of timestamps in written lines: seconds (figures, catalog, …) or nanoseconds (access-lines.ts). */
export type WritePrecision = 's' | 'ns';
/** One statement's answer: columns and rows of values, `time` in seconds. */
export interface Result {
  columns: string[];
  rows: unknown[][];
}

/** The index of a column, or -1. */
export function column(result: Result, name: string): number {
  return result.columns.indexOf(name);
}

export interface InfluxConnection {
  url: string;
  token: string | undefined;
  database: string;
  org: string | undefined;
  api: InfluxApi;
  timeoutMs: number;
}

/** InfluxDB answered, but refused what we asked: our fault, not the caller's, and not transient. */
export class InfluxQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfluxQueryError';
  }
}

/**
 * A write InfluxDB did not acknowledge. The request answers 503: repeating
 * it is always safe. Only overload and server faults are retried at once.
 */
export class InfluxWriteError extends StoreUnavailableError {
  constructor(
    message: string,
    readonly retriable: boolean,
    readonly retryAfterMs = 0,
  ) {
    super(message);
    this.name = 'InfluxWriteError';
  }
}

/**
 * A write influxd refuses for good: one of its configured limits is reached
 * (1.x `max-values-per-tag`, `max-series-per-database`). Repeating cannot
 * help until an administrator raises the limit, so the request answers
 * `507 insufficient_storage` naming it (no Retry-After), not 503.
 */
export class StorageLimitError extends ApiError {
  constructor(
    message: string,
    /** The influxd setting that refused. */
    readonly limit: 'max-values-per-tag' | 'max-series-per-database',
    /** Points influxd said it dropped (`dropped=N`), when it said. */
    readonly dropped: number | null,
    details: string,
  ) {
    super('insufficient_storage', message, { details: [{ field: limit, message: details }] });
    this.name = 'StorageLimitError';
  }

  /** The same refusal with a sentence about what it left of the request. */
  withOutcome(outcome: string): StorageLimitError {
    return new StorageLimitError(`${this.message} ${outcome}`, this.limit, this.dropped, this.details![0]!.message);
  }
}

/**
 * influxd 1.x's words for a point refused by a limit (a 400 "partial write";
 * the other points of the request are written), e.g.
 * `partial write: max-values-per-tag limit exceeded (100000/100000): measurement="observation" tag="region" value="X" dropped=9`
 * and `partial write: max-series-per-database limit exceeded: (1000000) dropped=9`.
 */
const VALUES_PER_TAG = /max-values-per-tag limit exceeded \((\d+)\/(\d+)\): measurement="((?:[^"\\]|\\.)*)" tag="((?:[^"\\]|\\.)*)" value="((?:[^"\\]|\\.)*)"/;
const SERIES_PER_DATABASE = /max-series-per-database limit exceeded: \((\d+)\)/;
const DROPPED = /dropped=(\d+)/;

/** A refusal by one of influxd's limits, from what it said; null for any other failure. */
export function limitRefusal(said: string): StorageLimitError | null {
  const dropped = DROPPED.exec(said);
  const count = dropped === null ? null : Number(dropped[1]);
  const values = VALUES_PER_TAG.exec(said);
  if (values !== null) {
    const [, held, max, measurement, tag, value] = values;
    return new StorageLimitError(
      `InfluxDB refuses this write for good: influxd's max-values-per-tag limit (${max}) is reached: measurement "${measurement}" has ${held} values of tag "${tag}" and a new one ("${value}") is refused. ` +
        'An administrator must raise max-values-per-tag in the [data] section of influxdb.conf (or INFLUXDB_DATA_MAX_VALUES_PER_TAG; 0 removes the limit) and restart influxd; until then repeating the request is refused the same way.',
      'max-values-per-tag',
      count,
      `measurement "${measurement}", tag "${tag}": ${held} values of at most ${max}`,
    );
  }
  const series = SERIES_PER_DATABASE.exec(said);
  if (series !== null) {
    const [, max] = series;
    return new StorageLimitError(
      `InfluxDB refuses this write for good: influxd's max-series-per-database limit (${max}) is reached and the write needs new series. ` +
        'An administrator must raise max-series-per-database in the [data] section of influxdb.conf (or INFLUXDB_DATA_MAX_SERIES_PER_DATABASE; 0 removes the limit) and restart influxd; until then repeating the request is refused the same way.',
      'max-series-per-database',
      count,
      `at most ${max} series in the database`,
    );
  }
  return null;
}

/** The error for a write InfluxDB did not acknowledge: a limit's refusal (507), or unavailable (503). */
export function writeFailure(status: number, said: string, retryAfterMs: number): InfluxWriteError | StorageLimitError {
  const limit = limitRefusal(said);
  if (limit !== null) return limit;
  const message = `write: InfluxDB answered ${status}: ${said}`;
  if (status === 401 || status === 403) return new InfluxWriteError(`${message} (check INFLUX_TOKEN)`, false);
  // A partial write or a refused point is not retried at once; the caller may repeat the request.
  return new InfluxWriteError(message, retriable(status), retriable(status) ? retryAfterMs : 0);
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Statuses a repeat may cure: overload and server faults. */
export function retriable(status: number): boolean {
  return status === 429 || status >= 500;
}

const NOT_EXECUTED = 'not executed';
/**
 * What InfluxDB says when it could not run a query rather than when the query
 * is wrong: it is stopping (closing shards, aborting queries) or overloaded.
 * Seen from 1.x while influxd shuts down ("query engine shutdown", "not
 * executed", "engine is closed"); a repeat succeeds once it is back.
 */
const TRANSIENT_QUERY_ERROR = /not executed|closed|shut ?down|shutting down|interrupted|aborted|disabled|timeout|timed out|killed|too many|max-concurrent-queries/i;

/** The error for what InfluxDB said about a failed query: unavailable (503) when a repeat may succeed. */
export function queryFailure(said: string): Error {
  const message = `query: ${said}`;
  return TRANSIENT_QUERY_ERROR.test(said) ? new StoreUnavailableError(`${message} (InfluxDB could not run it now; repeat the request)`) : new InfluxQueryError(message);
}

export class InfluxHttp {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;

  constructor(readonly connection: InfluxConnection) {
    this.base = new URL(connection.url);
    this.client = this.base.protocol === 'https:' ? https : http;
    this.agent = new this.client.Agent({ keepAlive: true, maxSockets: 8 });
  }

  /** The Authorization header: 1.x takes user:password as Basic; 2.x and 3.x take a token. */
  authorization(): string | undefined {
    const token = this.connection.token;
    if (token === undefined || token === '') return undefined;
    if (this.connection.api === 'v1' && token.includes(':')) return `Basic ${Buffer.from(token).toString('base64')}`;
    return `Token ${token}`;
  }

  request(method: string, path: string, search: Record<string, string>, body?: string, contentType?: string): Promise<Answer> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(search)) url.searchParams.set(k, v);
    const headers: Record<string, string | number> = {};
    const auth = this.authorization();
    if (auth !== undefined) headers.authorization = auth;
    if (body !== undefined) {
      headers['content-type'] = contentType ?? 'text/plain; charset=utf-8';
      headers['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const req = this.client.request(url, { method, headers, agent: this.agent, timeout: this.connection.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => reject(new StoreUnavailableError(`InfluxDB answer cut short: ${error.message}`, { cause: error })));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.connection.timeoutMs} ms`)));
      req.on('error', (error) => reject(new StoreUnavailableError(`InfluxDB at ${this.base.origin} is not reachable: ${error.message}`, { cause: error })));
      req.end(body);
    });
  }

  async ping(): Promise<void> {
    const answer = await this.request('GET', '/ping', {});
    if (answer.status !== 204 && answer.status !== 200) throw new StoreUnavailableError(`InfluxDB /ping answered ${answer.status}`);
  }

  /** InfluxDB's own words from an error answer. */
  static messageOf(answer: Answer): string {
    try {
      const json = JSON.parse(answer.body) as { error?: string; message?: string };
      return json.error ?? json.message ?? answer.body;
    } catch {
      return answer.body.slice(0, 500) || `HTTP ${answer.status}`;
    }
  }

  /** Map an unsuccessful answer to the error the service reports. */
  static failure(answer: Answer, what: string): Error {
    const message = `${what}: InfluxDB answered ${answer.status}: ${InfluxHttp.messageOf(answer)}`;
    if (answer.status === 401 || answer.status === 403) return new StoreUnavailableError(`${message} (check INFLUX_TOKEN)`);
    if (retriable(answer.status)) return new StoreUnavailableError(message);
    return new InfluxQueryError(message);
  }

  /**
   * Run InfluxQL statements with bound parameters; answers each statement's
   * rows, `time` in seconds. 3.x binds parameters only on its own endpoint,
   * one statement a request.
   */
  async query(statements: readonly string[], params: Record<string, ParamValue>): Promise<Result[]> {
    if (statements.length === 0) return [];
    if (this.connection.api === 'v3') return Promise.all(statements.map((s) => this.queryV3(s, params)));
    const answer = await this.request(
      'POST',
      '/query',
      {},
      new URLSearchParams({ db: this.connection.database, q: statements.join(';\n'), params: JSON.stringify(params), epoch: 's' }).toString(),
      'application/x-www-form-urlencoded',
    );
    if (answer.status !== 200) throw InfluxHttp.failure(answer, 'query');
    const json = JSON.parse(answer.body) as {
      error?: string;
      results?: Array<{ error?: string; series?: Array<{ columns: string[]; values?: unknown[][] }> }>;
    };
    if (json.error !== undefined) throw queryFailure(json.error);
    const failed = (json.results ?? []).map((r) => r.error).filter((e): e is string => e !== undefined);
    // Statements after a failed one answer "not executed": the first other error is the cause.
    if (failed.length > 0) throw queryFailure(failed.find((e) => e !== NOT_EXECUTED) ?? NOT_EXECUTED);
    return (json.results ?? []).map((result) => {
      const series = result.series ?? [];
      // Without GROUP BY a statement answers one series; SHOW statements may answer several alike.
      return { columns: series[0]?.columns ?? [], rows: series.flatMap((s) => s.values ?? []) };
    });
  }

  private async queryV3(statement: string, params: Record<string, ParamValue>): Promise<Result> {
    const answer = await this.request(
      'POST',
      '/api/v3/query_influxql',
      {},
      JSON.stringify({ db: this.connection.database, q: statement, params, format: 'json' }),
      'application/json',
    );
    if (answer.status !== 200) throw InfluxHttp.failure(answer, 'query');
    const objects = JSON.parse(answer.body) as Array<Record<string, unknown>>;
    const columns = [...new Set(objects.flatMap((o) => Object.keys(o)))];
    const time = columns.indexOf('time');
    const rows = objects.map((o) => {
      const row = columns.map((c) => o[c] ?? null);
      const t = row[time];
      // 3.x writes times as RFC 3339 without a zone: they are UTC.
      if (typeof t === 'string') row[time] = Date.parse(/[Zz]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`) / 1000;
      return row;
    });
    return { columns, rows };
  }

  /** Line protocol to 1.x's `/write` (InfluxDB before 1.8 has no `/api/v2/write`). */
  async writeV1(lines: string, precision: WritePrecision = 's'): Promise<void> {
    let answer: Answer;
    try {
      answer = await this.request('POST', '/write', { db: this.connection.database, precision }, lines);
    } catch (error) {
      throw new InfluxWriteError((error as Error).message, true);
    }
    if (answer.status === 204) return;
    const retryAfter = Number(answer.headers['retry-after'] ?? 0) * 1000;
    throw writeFailure(answer.status, InfluxHttp.messageOf(answer), retryAfter || 0);
  }

  close(): void {
    this.agent.destroy();
  }
}
