/**
 * Annual targets and time progress (DOMAIN.md, Targets and time progress):
 * 完成率 = year-to-date figure / annual target × 100; 序时进度 = months
 * elapsed / 12 × 100 (1-2月 = 16.7); the gap to time progress, or to a
 * growth or level target, signed so that positive is better for the
 * indicator's direction, each computed from unrounded figures and rounded
 * once (629.0 of 647.4: 97.158 − 83.333 = 13.825 → 13.8, not 97.2 − 83.3).
 * Growth targets are compared directly, never prorated. No target, no
 * completion: one is never inferred.
 */
import { monthOf, type Period } from './period.ts';
import { round, roundUnits } from './rounding.ts';
import type { Direction, Indicator, TargetKind } from './types.ts';

/** Completion, time progress and gaps are published to 0.1 (百分比, 个百分点). */
export const PROGRESS_DECIMALS = 1;
const MONTHS = 12;

/** 序时进度, unrounded: 1-2月 2/12 × 100, 1-6月 50. */
export function timeProgress(period: Period): number {
  return (monthOf(period) / MONTHS) * 100;
}

/** A region's targets for one indicator and year: an amount or level, and a growth rate; either may be missing. */
export interface TargetPair {
  value: number | null;
  growth: number | null;
}

export const NO_TARGETS: TargetPair = { value: null, growth: null };

export interface Progress {
  /** The target the row is judged on: the amount or level when set, else the growth rate. */
  target: { kind: TargetKind; value: number } | null;
  /** 完成率 at 0.1, for an amount target on a year-to-date indicator. */
  completion: number | null;
  /** The completion in units of 0.1, exact: the ranking key. */
  completionUnits: number | null;
  /** To time progress (amounts), to the level, or to the growth target, at 0.1; positive is better. */
  gap: number | null;
  /** A growth target beside an amount one, and the growth's gap to it. */
  growthTarget: number | null;
  growthGap: number | null;
}

/** 完成率 unrounded: year-to-date value / annual amount × 100. */
export function completionOf(value: number, amount: number): number {
  return (value / amount) * 100;
}

/** `better − worse` the way the direction reads: a positive gap is good news. */
const signed = (direction: Direction, difference: number) => (direction === 'higher' ? difference : -difference);
const at = (x: number) => round(x, PROGRESS_DECIMALS);
const finite = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * Progress of one region at `period`: `value` is its figure (year-to-date,
 * month or level as the indicator's basis), `yoy` its growth as shown
 * (reported, else computed).
 */
export function progressOf(indicator: Pick<Indicator, 'basis' | 'direction'>, period: Period, value: number | null, yoy: number | null, targets: TargetPair): Progress {
  // A month's own figure has no annual amount (the API refuses one); a stored one is ignored.
  const amount = indicator.basis === 'month' ? null : targets.value;
  // A target may be any finite number: a figure over a vanishingly small
  // amount has no completion a double can hold at 0.1, and a growth beside
  // a target near the largest double no finite gap. Neither is answered or
  // ranked, as a growth too large to say is not.
  let completion: number | null = null;
  let completionUnits: number | null = null;
  let gap: number | null = null;
  if (amount !== null && value !== null) {
    if (indicator.basis === 'ytd') {
      const unrounded = completionOf(value, amount);
      completionUnits = Number.isFinite(unrounded) ? finite(roundUnits(unrounded, PROGRESS_DECIMALS)) : null;
      if (completionUnits !== null) {
        completion = at(unrounded);
        gap = finite(signed(indicator.direction, unrounded - timeProgress(period)));
      }
    } else {
      gap = finite(signed(indicator.direction, value - amount));
    }
  }
  const growthGap = targets.growth !== null && yoy !== null ? finite(signed(indicator.direction, yoy - targets.growth)) : null;
  const target = amount !== null ? { kind: 'value' as const, value: amount } : targets.growth !== null ? { kind: 'growth' as const, value: targets.growth } : null;
  return {
    target,
    completion,
    completionUnits,
    gap: amount !== null ? (gap === null ? null : at(gap)) : growthGap === null ? null : at(growthGap),
    growthTarget: amount !== null ? targets.growth : null,
    growthGap: amount !== null && growthGap !== null ? at(growthGap) : null,
  };
}

/** Targets by indicator, region and year, for lookups on every row. */
export function targetIndex(targets: ReadonlyArray<{ indicator: string; region: string; year: number; kind: TargetKind; value: number }>): (indicator: string, region: string, year: number) => TargetPair {
  // Nested maps: a lookup per row of a national ranking builds no key string.
  const byIndicator = new Map<string, Map<number, Map<string, TargetPair>>>();
  for (const t of targets) {
    let byYear = byIndicator.get(t.indicator);
    if (byYear === undefined) byIndicator.set(t.indicator, (byYear = new Map()));
    let byRegion = byYear.get(t.year);
    if (byRegion === undefined) byYear.set(t.year, (byRegion = new Map()));
    const pair = { ...(byRegion.get(t.region) ?? NO_TARGETS) };
    pair[t.kind] = t.value;
    byRegion.set(t.region, pair);
  }
  return (indicator, region, year) => byIndicator.get(indicator)?.get(year)?.get(region) ?? NO_TARGETS;
}
