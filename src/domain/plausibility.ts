/**
 * Checks a bureau makes before publishing (DOMAIN.md, Plausibility): flag,
 * never reject. Each check reads the figure's neighbours through a lookup
 * that sees the batch being posted over what is already stored.
 */
import { growthAt } from './growth.ts';
import { monthOf, shiftPeriod, type Period } from './period.ts';
import { YOY_DECIMALS, type Indicator, type SeriesLookup } from './types.ts';
import { formatFixed } from './rounding.ts';
import { periodLabel } from './words/periods.ts';

/** Comparable-basis differences are usually smaller than this many points. */
export const GROWTH_GAP_POINTS = 5;
/** A figure this many times its previous month's (or a tenth of it) looks like a unit slip. */
export const OUTLIER_FACTOR = 10;

export interface PlausibilityWarning {
  field: 'value' | 'yoy';
  message: string;
}

const NONE: readonly PlausibilityWarning[] = Object.freeze([]);

function added(list: PlausibilityWarning[] | undefined, warning: PlausibilityWarning): PlausibilityWarning[] {
  const out = list ?? [];
  out.push(warning);
  return out;
}

export function plausibilityWarnings(indicator: Indicator, period: Period, lookup: SeriesLookup): readonly PlausibilityWarning[] {
  const figure = lookup(period);
  if (figure === undefined) return NONE;
  // Most figures are plausible: the list is made only when one is not.
  let warnings: PlausibilityWarning[] | undefined;
  const before = shiftPeriod(period, -1);
  const after = shiftPeriod(period, 1);
  const month = monthOf(period);
  const sameYearBefore = month > 1;
  const sameYearAfter = month < 12;

  if (indicator.basis === 'ytd') {
    const previous = sameYearBefore ? lookup(before) : undefined;
    if (previous !== undefined && figure.value < previous.value) {
      warnings = added(warnings, {
        field: 'value',
        message: `year-to-date ${periodLabel(period, indicator.basis, true)} figure ${String(figure.value)} is below ${periodLabel(before, 'ytd')}'s ${String(previous.value)}: a negative month`,
      });
    }
    const next = sameYearAfter ? lookup(after) : undefined;
    if (next !== undefined && next.value < figure.value) {
      warnings = added(warnings, {
        field: 'value',
        message: `year-to-date ${periodLabel(period, indicator.basis, true)} figure ${String(figure.value)} is above the stored ${periodLabel(after, 'ytd')} figure ${String(next.value)}: that month turns negative`,
      });
    }
  }

  // Year-to-date figures grow through the year and restart in January, so
  // they are compared with the previous month of the same year only.
  const neighbour = indicator.basis !== 'ytd' || sameYearBefore ? lookup(before) : undefined;
  if (neighbour !== undefined && neighbour.value > 0 && figure.value > 0) {
    const ratio = figure.value / neighbour.value;
    if (ratio >= OUTLIER_FACTOR || ratio <= 1 / OUTLIER_FACTOR) {
      warnings = added(warnings, {
        field: 'value',
        message: `${periodLabel(period, indicator.basis, true)} figure ${String(figure.value)} is ${formatFixed(ratio, ratio >= 1 ? 1 : 3)} times the ${periodLabel(before, indicator.basis)} figure ${String(neighbour.value)}: check the unit`,
      });
    }
  }

  const growth = figure.yoy === null ? null : growthAt(indicator, period, lookup);
  if (growth !== null && growth.yoy !== null && growth.yoyComputed !== null) {
    const gap = Math.abs(growth.yoy - growth.yoyComputed);
    if (gap > GROWTH_GAP_POINTS) {
      const unit = indicator.change === 'points' ? ' points' : '%';
      warnings = added(warnings, {
        field: 'yoy',
        message: `reported ${periodLabel(period, indicator.basis, true)} growth ${String(growth.yoy)}${unit} is ${formatFixed(gap, YOY_DECIMALS)} points from the ${formatFixed(growth.yoyComputed, YOY_DECIMALS)}${unit} computed from the values`,
      });
    }
  }
  return warnings ?? NONE;
}
