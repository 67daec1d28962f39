/**
 * The writer lease in InfluxDB (services/writer-lease.ts decides what it
 * means).
 *
 * writer_lease  tag holder   fields url, state, renewed_at, since   time: 0
 *   One point per instance (its holder id, random per process), rewritten
 *   in place at every renewal: the measurement holds as many points as
 *   instances ever started, not one per renewal.
 */
import { Point } from '@influxdata/influxdb-client';
import type { LeaseRecord, LeaseState } from '../store.ts';

const STATES: ReadonlySet<string> = new Set<LeaseState>(['claim', 'held', 'released']);

export function leaseLine(record: LeaseRecord): string {
  return new Point('writer_lease')
    .tag('holder', record.holder)
    .stringField('url', record.url)
    .stringField('state', record.state)
    .intField('renewed_at', record.renewedAt)
    .intField('since', record.since)
    .timestamp('0')
    .toLineProtocol()!;
}

/** Records from the rows of the leases query; a row of another shape is left out. */
export function leaseRecords(rows: ReadonlyArray<(column: string) => unknown>): LeaseRecord[] {
  const out: LeaseRecord[] = [];
  for (const get of rows) {
    const holder = String(get('holder') ?? '');
    const state = String(get('state'));
    const renewedAt = Number(get('renewed_at'));
    const since = Number(get('since'));
    if (holder === '' || !STATES.has(state) || !Number.isSafeInteger(renewedAt) || !Number.isSafeInteger(since)) continue;
    out.push({ holder, url: String(get('url') ?? ''), state: state as LeaseState, renewedAt, since });
  }
  return out;
}
