/**
 * Annual targets in InfluxDB: measurement `target`, tags indicator, region,
 * year and kind (the key: a second write of a key replaces the point),
 * field value, at time 0 like the catalog.
 */
import { Point } from '@influxdata/influxdb-client';
import type { Target, TargetKind } from '../../domain/types.ts';
import type { TargetFilter } from '../store.ts';
import { column, type Result } from './http.ts';
import { statement, type Statement } from './queries.ts';

export function targetLine(t: Target): string {
  return new Point('target').tag('indicator', t.indicator).tag('region', t.region).tag('year', String(t.year)).tag('kind', t.kind).floatField('value', t.value).timestamp('0').toLineProtocol()!;
}

/** The one statement reading targets, filtered on the tags given. */
export function targetsStatement(filter: TargetFilter): Statement {
  const params: Record<string, string> = {};
  if (filter.indicator !== undefined) params.indicator = filter.indicator;
  if (filter.region !== undefined) params.region = filter.region;
  if (filter.year !== undefined) params.year = String(filter.year);
  return statement('targets', 0, params, null, Object.keys(params));
}

export function targetsOf(result: Result): Target[] {
  const [indicator, region, year, kind, value] = ['indicator', 'region', 'year', 'kind', 'value'].map((c) => column(result, c)) as [number, number, number, number, number];
  const key = (t: Target) => `${t.indicator}\u0000${t.region}\u0000${String(t.year).padStart(4, '0')}\u0000${t.kind}`;
  return result.rows
    .map((row): Target => ({ indicator: String(row[indicator]), region: String(row[region]), year: Number(row[year]), kind: String(row[kind]) as TargetKind, value: Number(row[value]) }))
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
