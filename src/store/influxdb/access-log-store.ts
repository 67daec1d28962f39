/**
 * The access log in InfluxDB (access-lines.ts): a point per entry,
 * appended outside the write lock, read a page at a time, newest first.
 */
import type { AccessEntry, AccessLogPort, AccessQuery } from '../store.ts';
import { accessLine, accessNanos, accessOf, LAST_MS, nanos, nanoTime, SubMillisecond } from './access-lines.ts';
import type { ParamValue } from './http.ts';
import { statement } from './queries.ts';
import { EMPTY, FAR_FUTURE, FAR_PAST, getter, type StoreContext } from './store-context.ts';

/**
 * Access-log entries read at a time, newest first: first the smallest of
 * these that holds a page, then (a larger page, or filters on months that
 * left it short) the largest, again and again from where the last ended.
 * Constants of the store, pasted into the query as its LIMIT (never a value
 * from a request).
 */
const ACCESS_CHUNKS = [16, 128, 1024] as const;

export class AccessLogStore implements AccessLogPort {
  /** Offsets of this process's access-log entries within their millisecond (access-lines.ts). */
  private readonly accessSeq = new SubMillisecond();

  constructor(private readonly context: Pick<StoreContext, 'run' | 'writer' | 'writes'>) {}

  /**
   * One point per entry at its millisecond plus an offset of this process's
   * counter: entries of one millisecond never overwrite each other. Not
   * behind the write lock (an append waits for no catalog save); resolves
   * once influxd acknowledged every line, else throws (StoreUnavailableError).
   */
  async appendAccess(entries: readonly AccessEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const lines = entries.map((e) => accessLine(e, this.accessSeq.take()));
    const running = this.context.writer.write(lines.length, (i) => lines[i]!, undefined, 'ns');
    this.context.writes.add(running);
    void running.catch(() => {}).finally(() => this.context.writes.delete(running));
    await running;
  }

  /**
   * Newest first along time, in chunks of a bounded size (LIMIT), each
   * before the last entry read: holder is filtered by influxd, months here;
   * reading stops once the page is full or the log (within from/to) ends.
   */
  async accessLog(query: AccessQuery): Promise<Array<AccessEntry & { id: string }>> {
    const limit = Math.floor(query.limit);
    if (!(limit > 0)) return [];
    const from = query.from === undefined ? null : Math.max(0, Math.ceil(query.from));
    // Exclusive, in ns: after `to`'s last nanosecond, and no later than the previous page's last entry.
    let upper: bigint | null = query.to === undefined ? null : nanos(Math.min(Math.floor(query.to), LAST_MS) + 1, 0);
    if (query.before !== undefined) {
      const at = accessNanos(query.before) ?? nanos(Math.max(0, Math.min(Math.floor(query.before.at), LAST_MS)), 0);
      if (upper === null || at < upper) upper = at;
    }
    if (upper !== null && upper <= 0n) return [];
    if (from !== null && upper !== null && nanos(from, 0) >= upper) return [];
    const largest: number = ACCESS_CHUNKS[ACCESS_CHUNKS.length - 1]!;
    let chunk: number = ACCESS_CHUNKS.find((size) => size >= limit) ?? largest;
    const filters = query.holder === undefined ? [] : ['holder'];
    const wanted = (e: AccessEntry) =>
      (query.indicator === undefined && query.period === undefined) ||
      e.months.some((m) => (query.indicator === undefined || m.indicator === query.indicator) && (query.period === undefined || m.period === query.period));
    const out: Array<AccessEntry & { id: string }> = [];
    for (;;) {
      const params: Record<string, ParamValue> = { from: from === null ? FAR_PAST : nanoTime(nanos(from, 0)), before: upper === null ? FAR_FUTURE : nanoTime(upper) };
      if (query.holder !== undefined) params.holder = query.holder;
      const s = statement('access-page', 0, params, null, filters);
      const [result = EMPTY] = await this.context.run([{ ...s, text: s.text.replace('{{limit}}', String(chunk)) }]);
      for (const row of result.rows) {
        const { ns, ...entry } = accessOf(getter(result, row));
        upper = ns;
        if (!wanted(entry)) continue;
        out.push(entry);
        if (out.length === limit) return out;
      }
      if (result.rows.length < chunk) return out;
      chunk = largest;
    }
  }
}
