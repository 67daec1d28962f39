/**
 * Year-on-year change (同比) of one region's figure, as DOMAIN.md defines it:
 * the same basis on both sides, percentage points for rates, no figure for a
 * missing or non-positive base, and the bureau's reported rate (computed on a
 * comparable basis, 可比口径) preferred over the one computed from values.
 */
import { januaryOf, monthOf, yearAgo, type Period } from './period.ts';
import { denoise, differenceUnits, growthUnits, roundUnits } from './rounding.ts';
import { YOY_DECIMALS, type Figure, type Indicator, type SeriesLookup } from './types.ts';

export type YoySource = 'reported' | 'computed';
/** Why a region has no growth figure (API.md `missing[].reason`). */
export type NoGrowthReason = 'no-figure' | 'no-base' | 'base-not-positive' | 'out-of-range';
/** 由负转正 / 由正转负: how a change of sign is worded. */
export type SignChange = 'negative-to-positive' | 'positive-to-negative';

export interface Growth {
  figure: Figure | undefined;
  /** The base compared with, on the same basis (a year earlier). */
  base: number | null;
  /** A `month`-basis February without January: the combined 1-2月 figure. */
  combined: boolean;
  /** The growth shown and ranked: reported if sent, else computed. */
  yoy: number | null;
  yoySource: YoySource | null;
  /** Growth computed from the values, whatever was reported. */
  yoyComputed: number | null;
  /** `yoy` in units of 0.1 at published precision, exact: the ranking key. */
  yoyUnits: number | null;
  /** Why `yoyComputed` is null. */
  reason: NoGrowthReason | null;
  signChange: SignChange | null;
}

/** Every period whose figure `growthAt` may read for `period`. */
export function growthPeriods(indicator: Indicator, period: Period): Period[] {
  const previous = yearAgo(period);
  if (indicator.basis === 'month' && monthOf(period) <= 2) {
    return [period, previous, januaryOf(period), januaryOf(previous), `${period.slice(0, 4)}-02`, `${previous.slice(0, 4)}-02`];
  }
  return [period, previous];
}

interface Comparable {
  current: number;
  base: number | null;
  combined: boolean;
}

/**
 * The current value and its base on the same footing. For `month` basis, a
 * February with no January in its year is the combined 1-2月 figure and is
 * compared with the previous year's combined figure: its February alone if
 * that was combined too, else its January plus February. A January, or a
 * February alone, has no comparable base when the previous year published
 * only the combined figure.
 */
function comparable(indicator: Indicator, period: Period, figure: Figure, lookup: SeriesLookup): Comparable {
  const previous = yearAgo(period);
  const base = lookup(previous);
  if (indicator.basis !== 'month' || monthOf(period) > 2) {
    return { current: figure.value, base: base?.value ?? null, combined: false };
  }
  const previousJanuary = lookup(januaryOf(previous));
  const previousFebruary = lookup(`${previous.slice(0, 4)}-02`);
  const previousCombined = previousJanuary === undefined;
  if (monthOf(period) === 1) {
    return { current: figure.value, base: previousJanuary?.value ?? null, combined: false };
  }
  const combined = lookup(januaryOf(period)) === undefined;
  if (previousFebruary === undefined) return { current: figure.value, base: null, combined };
  if (combined) {
    const previousValue = previousCombined ? previousFebruary.value : previousJanuary.value + previousFebruary.value;
    return { current: figure.value, base: previousValue, combined };
  }
  return { current: figure.value, base: previousCombined ? null : previousFebruary.value, combined };
}

const NO_FIGURE: Growth = {
  figure: undefined,
  base: null,
  combined: false,
  yoy: null,
  yoySource: null,
  yoyComputed: null,
  yoyUnits: null,
  reason: 'no-figure',
  signChange: null,
};

/**
 * Just the ranking key of growthAt: the growth at published precision in
 * units of 0.1, or why there is none. Ranking the previous period needs
 * nothing more, and skipping the rest halves the cost of a large ranking.
 */
export function growthKey(indicator: Indicator, period: Period, lookup: SeriesLookup): number | NoGrowthReason {
  const figure = lookup(period);
  if (figure === undefined) return 'no-figure';
  if (figure.yoy !== null) return roundUnits(figure.yoy, YOY_DECIMALS);
  const { current, base } = comparable(indicator, period, figure, lookup);
  if (base === null) return 'no-base';
  if (indicator.change !== 'points' && base <= 0) return 'base-not-positive';
  const units = indicator.change === 'points' ? differenceUnits(current, base, YOY_DECIMALS) : growthUnits(current, base, YOY_DECIMALS);
  return Number.isFinite(units) ? units : 'out-of-range';
}

export function growthAt(indicator: Indicator, period: Period, lookup: SeriesLookup): Growth {
  const figure = lookup(period);
  if (figure === undefined) return NO_FIGURE;
  const { current, base, combined } = comparable(indicator, period, figure, lookup);

  let yoyComputed: number | null = null;
  let computedUnits: number | null = null;
  let reason: NoGrowthReason | null = null;
  let signChange: SignChange | null = null;
  if (base === null) {
    reason = 'no-base';
  } else if (indicator.change === 'points') {
    yoyComputed = denoise(current - base);
    computedUnits = differenceUnits(current, base, YOY_DECIMALS);
  } else if (base <= 0) {
    reason = 'base-not-positive';
    if (base < 0 && current > 0) signChange = 'negative-to-positive';
  } else {
    yoyComputed = denoise((current / base - 1) * 100);
    computedUnits = growthUnits(current, base, YOY_DECIMALS);
    if (current < 0) signChange = 'positive-to-negative';
  }
  // A base vanishingly small beside the figure, or two figures near the
  // largest double on either side of zero: no number can say how much.
  if (yoyComputed !== null && (!Number.isFinite(yoyComputed) || !Number.isFinite(computedUnits))) {
    yoyComputed = null;
    computedUnits = null;
    reason = 'out-of-range';
  }

  if (figure.yoy !== null) {
    return {
      figure,
      base,
      combined,
      yoy: figure.yoy,
      yoySource: 'reported',
      yoyComputed,
      yoyUnits: roundUnits(figure.yoy, YOY_DECIMALS),
      reason,
      signChange,
    };
  }
  return {
    figure,
    base,
    combined,
    yoy: yoyComputed,
    yoySource: yoyComputed === null ? null : 'computed',
    yoyComputed,
    yoyUnits: computedUnits,
    reason,
    signChange,
  };
}

/**
 * The month's own value. From `ytd`: ytd(m) - ytd(m-1) in the same year,
 * January's is ytd(01), and February's is unknown without January (1-2月 is
 * published as one figure). On `month` basis the figure itself, except a
 * combined February. `level` figures have no month value.
 */
export function monthValue(indicator: Indicator, period: Period, lookup: SeriesLookup): number | null {
  const figure = lookup(period);
  if (figure === undefined || indicator.basis === 'level') return null;
  const month = monthOf(period);
  if (indicator.basis === 'month') {
    if (month === 2 && lookup(januaryOf(period)) === undefined) return null;
    return figure.value;
  }
  if (month === 1) return figure.value;
  const before = lookup(`${period.slice(0, 5)}${String(month - 1).padStart(2, '0')}`);
  if (before === undefined) return null;
  const own = denoise(figure.value - before.value);
  return Number.isFinite(own) ? own : null;
}
