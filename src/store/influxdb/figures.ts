/**
 * Figures and versions from InfluxDB's answers: current points, superseded
 * copies and the receipts that date first versions (lines.ts, receipts.ts).
 */
import type { StoredVersion } from '../../domain/publication.ts';
import type { Observation, Period } from '../../domain/types.ts';
import type { FigureVersions } from '../store.ts';
import { column, type Result } from './http.ts';
import { figureOf, type StoredFigure } from './lines.ts';
import { type Receipt, receiptFor, receiptOf } from './receipts.ts';
import { secondsToPeriod } from './queries.ts';

export const keyOf = (indicator: string, region: string, period: Period) => `${indicator}\u0000${region}\u0000${period}`;

/** Figures of a current-slice, current-series or revisions answer. */
export function figuresOf(result: Result, indicator: string, fixed: { period?: Period; region?: string }): StoredFigure[] {
  const [time, region, value, yoy, status, meta] = ['time', 'region', 'value', 'yoy', 'status', 'meta'].map((c) => column(result, c)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return result.rows.map((row) => ({
    indicator,
    region: fixed.region ?? String(row[region]),
    period: fixed.period ?? secondsToPeriod(Number(row[time])),
    ...figureOf(row[value], row[yoy], row[status], row[meta]),
  }));
}

export const receiptsOf = (result: Result): Receipt[] => result.rows.map((row) => receiptOf((name) => row[column(result, name)]));

/** A first version's receive time and poster, from its batch's receipt (none found: the epoch, nobody). */
export function stamp(f: StoredFigure, receipts: readonly Receipt[]): void {
  const receipt = receiptFor(receipts, f.region);
  f.receivedAt = receipt?.at ?? 0;
  f.by = receipt?.by ?? '';
  f.receipted = false;
}

export const plain = ({ indicator, region, period, value, yoy, status }: StoredFigure): Observation => ({ indicator, region, period, value, yoy, status });

export function storedVersion(f: StoredFigure): StoredVersion {
  const withdrawn = f.withdrawn === true;
  return {
    version: f.version,
    value: withdrawn ? null : f.value,
    yoy: withdrawn ? null : f.yoy,
    status: withdrawn ? null : f.status,
    receivedAt: f.receivedAt,
    by: f.by,
    withdrawn,
    reason: f.reason ?? null,
    note: f.note ?? null,
  };
}

/**
 * Every version of each figure: its superseded copies below the current
 * version (a copy at or above it is left from a write cut short: not
 * history), then the current one, first versions dated by their receipts;
 * those received after `until` are left out.
 */
export function versionsOf(
  current: readonly StoredFigure[],
  revisions: readonly StoredFigure[],
  receiptsAt: (period: Period) => readonly Receipt[],
  until: number | null,
): FigureVersions[] {
  const earlier = new Map<string, StoredFigure[]>();
  for (const r of revisions) {
    const key = keyOf(r.indicator, r.region, r.period);
    const list = earlier.get(key);
    if (list === undefined) earlier.set(key, [r]);
    else list.push(r);
  }
  const out: FigureVersions[] = [];
  for (const c of current) {
    if (c.receipted === true) stamp(c, receiptsAt(c.period));
    const all = [...(earlier.get(keyOf(c.indicator, c.region, c.period)) ?? []).filter((r) => r.version < c.version), c]
      .sort((a, b) => a.version - b.version)
      .filter((v) => until === null || v.receivedAt <= until)
      .map(storedVersion);
    if (all.length > 0) out.push({ indicator: c.indicator, region: c.region, period: c.period, versions: all });
  }
  return out;
}
