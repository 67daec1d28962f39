/**
 * The release calendar and the change marker in InfluxDB.
 *
 * release  tags indicator, setting   fields changed_at, release_at (-1: ended), by   time: the month
 *   One point per setting: `setting` is unique to it, so settings made by
 *   several instances never overwrite each other.
 * change   (no tags)                  fields data, catalog, releases                 time: 0
 *   One point, overwritten field by field: every committed write sets `data`
 *   (and `catalog` or `releases` when it changed those) to a value of its
 *   own, so an instance that saw one value knows that something changed when
 *   it reads another — no counter is read and incremented, so two instances
 *   writing at once cannot race.
 */
import { randomBytes } from 'node:crypto';
import { Point } from '@influxdata/influxdb-client';
import type { ReleaseEntry, ReleaseSetting } from '../../domain/publication.ts';
import type { Period } from '../../domain/types.ts';
import type { ChangeState } from '../store.ts';
import { periodSeconds, secondsToPeriod } from './queries.ts';

/** A value no other write has used: 96 random bits. */
export const uniqueMark = () => randomBytes(12).toString('base64url');

export function releaseLine(indicator: string, period: Period, s: ReleaseSetting): string {
  return new Point('release')
    .tag('indicator', indicator)
    .tag('setting', `${s.changedAt.toString(36)}-${uniqueMark()}`)
    .intField('changed_at', s.changedAt)
    .intField('release_at', s.releaseAt ?? -1)
    .stringField('by', s.by)
    .timestamp(String(periodSeconds(period)))
    .toLineProtocol()!;
}

/** Entries from the rows of the releases query. */
export function releaseEntries(rows: ReadonlyArray<(column: string) => unknown>): ReleaseEntry[] {
  const out = new Map<string, { indicator: string; period: Period; settings: Array<ReleaseSetting & { id: string }> }>();
  for (const get of rows) {
    const indicator = String(get('indicator'));
    const period = secondsToPeriod(Number(get('time')));
    const key = `${indicator}\u0000${period}`;
    let entry = out.get(key);
    if (entry === undefined) out.set(key, (entry = { indicator, period, settings: [] }));
    const releaseAt = Number(get('release_at'));
    entry.settings.push({ changedAt: Number(get('changed_at')), releaseAt: releaseAt < 0 ? null : releaseAt, by: String(get('by') ?? ''), id: String(get('setting')) });
  }
  // Settings made in the same millisecond keep one order on every instance.
  return [...out.values()].map(({ indicator, period, settings }) => ({
    indicator,
    period,
    changes: settings.sort((a, b) => a.changedAt - b.changedAt || (a.id < b.id ? -1 : 1)).map(({ id: _id, ...setting }) => setting),
  }));
}

export type MarkerKind = 'data' | 'catalog' | 'releases';

/**
 * The marker lines after a committed write of these kinds (data always
 * changes, to `data`). A write of figures first marks each indicator it
 * wrote with the same value (`change_indicator`), so another instance
 * learns which indicators changed, not only that something did; any other
 * write sets `other` to its `data` value.
 */
export function markerLines(kinds: readonly MarkerKind[], data: string, indicators: readonly string[] | undefined): string[] {
  const lines = (indicators ?? []).map((code) => new Point('change_indicator').tag('indicator', code).stringField('data', data).timestamp('0').toLineProtocol()!);
  const point = new Point('change').stringField('data', data).timestamp('0');
  for (const kind of kinds) if (kind !== 'data') point.stringField(kind, uniqueMark());
  // The same value as `data`: the last write is known to be this one, not one that marks nothing (an older release's).
  if (indicators === undefined) point.stringField('other', data);
  lines.push(point.toLineProtocol()!);
  return lines;
}

/** The marker as read; a store never written has none (every field ""). */
export function markerState(get: ((column: string) => unknown) | undefined, marks: ReadonlyMap<string, string>): ChangeState {
  const text = (name: string) => (get === undefined ? '' : String(get(name) ?? ''));
  return { data: text('data'), catalog: text('catalog'), releases: text('releases'), other: text('other'), indicators: marks, inFlightSince: null };
}
