/**
 * Gaps between ranks and to the average (DOMAIN.md, Gaps between ranks and
 * to the average): how far a region is behind the next better figure and
 * ahead of the next worse, at published precision and between distinct
 * figures (ties share them); and the whole area's growth, the parent's own
 * figure when posted, never the mean of the peers' rates, summed from the
 * peers only for figures that add up.
 */
import { denoise, growthUnits, roundUnits, unitsToNumber } from './rounding.ts';
import type { Growth } from './growth.ts';
import { YOY_DECIMALS, type Indicator } from './types.ts';

export interface RankGaps {
  /** Behind the next better distinct figure; null at the top. */
  gapAbove: number | null;
  /** Ahead of the next worse distinct figure; null at the bottom. */
  gapBelow: number | null;
}

/** Keys far apart on either side of zero differ by more than any double: no gap can be said. */
function gapOf(units: number, decimals: number): number | null {
  return Number.isFinite(units) ? unitsToNumber(Math.abs(units), decimals) : null;
}

/**
 * Gaps of ranked rows (best first, `key` the ranked figure in integer units
 * of 10^-decimals): differences of the figures as published, both ≥ 0.
 */
export function rankGaps(rows: ReadonlyArray<{ key: number }>, decimals: number): RankGaps[] {
  const distinct: number[] = [];
  for (const row of rows) if (distinct.length === 0 || distinct[distinct.length - 1] !== row.key) distinct.push(row.key);
  const out: RankGaps[] = new Array(rows.length);
  let group = -1;
  let last: number | undefined;
  for (let i = 0; i < rows.length; i++) {
    const key = rows[i]!.key;
    if (key !== last) {
      group++;
      last = key;
    }
    const above = group > 0 ? distinct[group - 1]! : undefined;
    const below = group < distinct.length - 1 ? distinct[group + 1]! : undefined;
    out[i] = { gapAbove: above === undefined ? null : gapOf(above - key, decimals), gapBelow: below === undefined ? null : gapOf(key - below, decimals) };
  }
  return out;
}

export type AverageSource = 'parent' | 'aggregate';

export interface Average {
  yoy: number;
  source: AverageSource;
}

/**
 * The whole area's growth: the parent's own (reported, else computed from
 * its figures) when it has one; else, for `percent` indicators whose
 * figures add up (`aggregation: sum`) only, the growth of the peers' summed
 * values over the peers with a figure and a comparable base; else null. A
 * rate, an intensity (单位GDP能耗) or a per-capita figure summed over the
 * peers means nothing: for those the parent's own growth or none.
 */
export function areaAverage(indicator: Pick<Indicator, 'change' | 'aggregation'>, parent: Growth | null, peers: Iterable<Growth>): Average | null {
  if (parent !== null && parent.yoy !== null) return { yoy: parent.yoy, source: 'parent' };
  if (indicator.change !== 'percent' || indicator.aggregation !== 'sum') return null;
  let current = 0;
  let base = 0;
  let counted = 0;
  for (const g of peers) {
    if (g.figure === undefined || g.base === null) continue;
    current += g.figure.value;
    base += g.base;
    counted++;
  }
  if (counted === 0 || !(base > 0)) return null;
  const yoy = denoise((current / base - 1) * 100);
  return Number.isFinite(yoy) && Number.isFinite(growthUnits(current, base, YOY_DECIMALS)) ? { yoy, source: 'aggregate' } : null;
}

/** A region's growth against the average, in points: each at 0.1 first (高于全市平均1.8个百分点). */
export function vsAverage(yoy: number | null, average: Average | null): number | null {
  return versusAverage(average)(yoy === null ? null : roundUnits(yoy, YOY_DECIMALS));
}

/** The same for many rows: the average rounded once, each growth given in units of 0.1 (a ranking row's key). */
export function versusAverage(average: Average | null): (yoyUnits: number | null) => number | null {
  if (average === null) return () => null;
  const averageUnits = roundUnits(average.yoy, YOY_DECIMALS);
  return (yoyUnits) => {
    const units = yoyUnits === null ? NaN : yoyUnits - averageUnits;
    return Number.isFinite(units) ? unitsToNumber(units, YOY_DECIMALS) : null;
  };
}

export interface PlaceAbove {
  /** The rank of the next better distinct figure, the regions holding it, and the gap to it. */
  rank: number;
  regions: string[];
  gap: number;
}

/** For each ranked region, the next better place (与第三位临海市相差0.5个百分点); absent at the top. */
export function placesAbove(rows: ReadonlyArray<{ region: string; key: number; rank: number }>, decimals: number): Map<string, PlaceAbove> {
  const gaps = rankGaps(rows, decimals);
  const out = new Map<string, PlaceAbove>();
  let group: { key: number; rank: number; regions: string[] } | null = null;
  let previous: { key: number; rank: number; regions: string[] } | null = null;
  rows.forEach((row, i) => {
    if (group === null || group.key !== row.key) {
      previous = group;
      group = { key: row.key, rank: row.rank, regions: [] };
    }
    group.regions.push(row.region);
    const gap = gaps[i]!.gapAbove;
    if (previous !== null && gap !== null) out.set(row.region, { rank: previous.rank, regions: previous.regions, gap });
  });
  return out;
}
