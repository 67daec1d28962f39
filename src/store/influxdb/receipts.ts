/**
 * Receipts: when and by whom a batch created first versions of figures, one
 * point per batch, indicator and month, listing the regions. A first
 * version carries no bookkeeping of its own (lines.ts): this keeps a
 * national first load at the bare figures' cost in InfluxDB.
 *
 * A receipt is written before the figures it lists. A write cut short may
 * leave a receipt listing regions whose figures were never written; a
 * figure is only ever created where none was, so of the receipts listing
 * it, the latest is the one of the batch that wrote it.
 *
 * A receipt's series is its indicator and its `lane`: the number of
 * receipts its month held before it (read by the one instance that writes,
 * holding the month), so two receipts of a month never share a point and
 * tag values stay as few as the receipts of the busiest month. Receipts
 * written before lanes carry a `batch` tag unique to their batch instead
 * (every batch a new tag value and a new series, until influxd's limits
 * refused every write); they read as they are.
 */
import { Point } from '@influxdata/influxdb-client';
import { CODE_PATTERN, type Observation, type Period } from '../../domain/types.ts';
import { periodSeconds } from './queries.ts';

export interface Receipt {
  /** Which receipt of its month: its lane, or the batch code of a receipt written before lanes. */
  batch: string;
  at: number;
  by: string;
  regions: ReadonlySet<string>;
}

export const sliceKey = (indicator: string, period: Period) => `${indicator}\u0000${period}`;

/** A month a batch writes versions to, and the regions whose first version it writes there. */
export interface ReceiptSlice {
  indicator: string;
  period: Period;
  regions: string[];
}

/**
 * The receipts one batch needs: one per indicator and month it writes a
 * version to (the changes feed finds batches by them), listing the regions
 * whose first version it writes.
 */
export function receiptSlices(rows: readonly Observation[], versions: readonly number[]): ReceiptSlice[] {
  const created = new Map<string, ReceiptSlice>();
  let last: { indicator: string; period: Period; regions: string[] } | undefined;
  rows.forEach((row, i) => {
    // Rows come month by month or series by series: the last slice is usually the one.
    if (last === undefined || last.indicator !== row.indicator || last.period !== row.period) {
      last = created.get(sliceKey(row.indicator, row.period));
      if (last === undefined) created.set(sliceKey(row.indicator, row.period), (last = { indicator: row.indicator, period: row.period, regions: [] }));
    }
    if (versions[i] === 1) last.regions.push(row.region);
  });
  return [...created.values()];
}

/** The receipts' lines, each in the lane given for its month. */
export function receiptLines(slices: readonly ReceiptSlice[], lanes: readonly number[], receivedAt: number, by: string): string[] {
  return slices.map((r, i) => receiptLine(r.indicator, r.period, lanes[i]!, receivedAt, by, r.regions));
}

/**
 * Region codes per string field: 900 codes of at most 64 characters and a
 * comma stay under InfluxDB's 64 KB a field.
 */
export const REGIONS_PER_FIELD = 900;

/**
 * The receipt's line, in its month's `lane`. Regions are listed
 * comma-separated in fields regions0, regions1 …, `parts` of them: codes
 * hold no comma, quote or backslash, so the list goes into the line as it
 * is (Point would escape it a character at a time).
 */
export function receiptLine(indicator: string, period: Period, lane: number | string, at: number, by: string, regions: readonly string[]): string {
  const parts = Math.max(1, Math.ceil(regions.length / REGIONS_PER_FIELD));
  const point = new Point('receipt').tag('indicator', indicator).tag('lane', String(lane)).intField('at', at).stringField('by', by).intField('parts', parts);
  const line = point.timestamp(String(periodSeconds(period))).toLineProtocol()!;
  const time = line.lastIndexOf(' ');
  let lists = '';
  for (let i = 0; i < parts; i++) {
    const list = regions.slice(i * REGIONS_PER_FIELD, (i + 1) * REGIONS_PER_FIELD);
    if (!list.every((code) => CODE_PATTERN.test(code))) throw new Error('a receipt lists region codes only');
    lists += `,regions${i}="${list.join(',')}"`;
  }
  return line.slice(0, time) + lists + line.slice(time);
}

/** A receipt from a row of the receipts query. */
export function receiptOf(get: (column: string) => unknown): Receipt {
  const regions = new Set<string>();
  const parts = Number(get('parts') ?? 0);
  for (let i = 0; i < parts; i++) for (const code of String(get(`regions${i}`) ?? '').split(',')) if (code !== '') regions.add(code);
  const lane = get('lane');
  return { batch: String(lane ?? get('batch')), at: Number(get('at')), by: String(get('by') ?? ''), regions };
}

const NUMBER = /^\d+$/;
/** Receipts received at the same time are ordered by lane (a later lane was written later), or by batch code. */
function later(a: string, b: string): boolean {
  if (NUMBER.test(a) && NUMBER.test(b)) return Number(a) > Number(b);
  return a > b;
}

/** The receipt of the batch that created a region's figure: the latest listing it. */
export function receiptFor(receipts: readonly Receipt[], region: string): Receipt | undefined {
  let found: Receipt | undefined;
  for (const r of receipts) {
    if (!r.regions.has(region)) continue;
    if (found === undefined || r.at > found.at || (r.at === found.at && later(r.batch, found.batch))) found = r;
  }
  return found;
}

/** Lanes of the receipts of one month: how many receipts it holds (a count query's answer). */
export function receiptCount(result: { columns: string[]; rows: unknown[][] }): number {
  const count = result.columns.indexOf('count');
  return count < 0 ? 0 : Number(result.rows[0]?.[count] ?? 0);
}
