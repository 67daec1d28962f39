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
 */
import { randomBytes } from 'node:crypto';
import { Point } from '@influxdata/influxdb-client';
import type { Observation, Period } from '../../domain/types.ts';
import { CODE_PATTERN } from '../../schemas/common.ts';
import { periodSeconds } from './queries.ts';

export interface Receipt {
  batch: string;
  at: number;
  by: string;
  regions: ReadonlySet<string>;
}

/** A code unique to one batch (and to each repeat of it): the receipt's series. */
function batchCode(receivedAt: number): string {
  return `${receivedAt.toString(36)}-${randomBytes(6).toString('hex')}`;
}

export const sliceKey = (indicator: string, period: Period) => `${indicator}\u0000${period}`;

/**
 * The receipts of one batch: a line per indicator and month it writes a
 * version to (the changes feed finds batches by them), listing the regions
 * whose first version it writes.
 */
export function receiptLines(rows: readonly Observation[], versions: readonly number[], receivedAt: number, by: string): string[] {
  const created = new Map<string, { indicator: string; period: Period; regions: string[] }>();
  let last: { indicator: string; period: Period; regions: string[] } | undefined;
  rows.forEach((row, i) => {
    // Rows come month by month or series by series: the last slice is usually the one.
    if (last === undefined || last.indicator !== row.indicator || last.period !== row.period) {
      last = created.get(sliceKey(row.indicator, row.period));
      if (last === undefined) created.set(sliceKey(row.indicator, row.period), (last = { indicator: row.indicator, period: row.period, regions: [] }));
    }
    if (versions[i] === 1) last.regions.push(row.region);
  });
  const batch = batchCode(receivedAt);
  return [...created.values()].map((r) => receiptLine(r.indicator, r.period, batch, receivedAt, by, r.regions));
}

/**
 * Region codes per string field: 900 codes of at most 64 characters and a
 * comma stay under InfluxDB's 64 KB a field.
 */
export const REGIONS_PER_FIELD = 900;

/**
 * The receipt's line. Regions are listed comma-separated in fields
 * regions0, regions1 …, `parts` of them: codes hold no comma, quote or
 * backslash, so the list goes into the line as it is (Point would escape it
 * a character at a time).
 */
export function receiptLine(indicator: string, period: Period, batch: string, at: number, by: string, regions: readonly string[]): string {
  const parts = Math.max(1, Math.ceil(regions.length / REGIONS_PER_FIELD));
  const point = new Point('receipt').tag('indicator', indicator).tag('batch', batch).intField('at', at).stringField('by', by).intField('parts', parts);
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
  return { batch: String(get('batch')), at: Number(get('at')), by: String(get('by') ?? ''), regions };
}

/** The receipt of the batch that created a region's figure: the latest listing it. */
export function receiptFor(receipts: readonly Receipt[], region: string): Receipt | undefined {
  let found: Receipt | undefined;
  for (const r of receipts) {
    if (!r.regions.has(region)) continue;
    if (found === undefined || r.at > found.at || (r.at === found.at && r.batch > found.batch)) found = r;
  }
  return found;
}
