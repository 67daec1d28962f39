/**
 * What InfluxStore lends the modules that keep its catalog, calendar,
 * reports, targets, state, tokens, templates, access log and review
 * decisions (catalog-store.ts, reports-store.ts, …): its reads, its writer,
 * its write lock and its change marker. Each module takes only the part it
 * uses (a Pick of StoreContext).
 */
import { column, type InfluxHttp, type Result } from './http.ts';
import type { LineWriter, WriteLog } from './line-writer.ts';
import type { MarkerKind } from './publication-lines.ts';
import type { Statement } from './queries.ts';

export interface StoreContext {
  /** InfluxDB's HTTP API, for a query sent as it is (no statement parameters). */
  readonly http: InfluxHttp;
  /** Statements, a bounded number to a request, their answers in order. */
  run(statements: readonly Statement[]): Promise<Result[]>;
  readonly writer: LineWriter;
  readonly log: WriteLog;
  /** Run `write` holding this instance's write lock. */
  exclusive<T>(write: () => Promise<T>): Promise<T>;
  /** After a committed write: a new change marker, then this instance's listeners. */
  mark(kinds: readonly MarkerKind[], indicators?: readonly string[]): Promise<void>;
  /** Figure writes and access-log appends under way: closing waits for them. */
  readonly writes: Set<Promise<unknown>>;
}

export const FAR_PAST = '1677-09-22T00:00:00Z';
export const FAR_FUTURE = '2262-04-10T00:00:00Z';
export const EMPTY: Result = { columns: [], rows: [] };

/** A row's values by column name. */
export const getter = (result: Result, row: unknown[]) => (name: string) => row[column(result, name)];
