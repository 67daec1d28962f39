/**
 * Figures and changes as printed, with their units (DOMAIN.md, Year-on-year
 * growth): 121.43亿元, 5.2%; growth in %, a rate's change in 个百分点 (百分点
 * on an axis); a completion rate 97.2%. And the unit words the catalog's
 * defaults read: a ratio's units (%, ％, ‰, 吨标准煤/万元, 元／人) and 人均.
 */
import { formatFixed } from '../rounding.ts';
import { YOY_DECIMALS, type Indicator } from '../types.ts';

/** A difference of two percentages, in a sentence: 高于全市平均1.8个百分点. */
export const POINTS = '个百分点';
/** The same, short, on an axis: 同比变化(百分点). */
export const POINTS_SHORT = '百分点';

/** The unit a change is written in: % for growth, 个百分点 for a rate's difference. */
export function changeUnit(indicator: Pick<Indicator, 'change'>): string {
  return indicator.change === 'points' ? POINTS : '%';
}

/** A short unit for axes: % or 百分点. */
export function changeAxisUnit(indicator: Pick<Indicator, 'change'>): string {
  return indicator.change === 'points' ? POINTS_SHORT : '%';
}

/** A figure at published precision with its unit: 121.43亿元, 5.2%. */
export function figureText(indicator: Pick<Indicator, 'decimals' | 'unit'>, value: number): string {
  return `${formatFixed(value, indicator.decimals)}${indicator.unit}`;
}

/** A change at published precision: 122.4%, -0.3个百分点. */
export function changeText(indicator: Pick<Indicator, 'change'>, yoy: number): string {
  return `${formatFixed(yoy, YOY_DECIMALS)}${changeUnit(indicator)}`;
}

/** A completion rate as printed: 97.2%. */
export function completionText(completion: number): string {
  return `${formatFixed(completion, 1)}%`;
}

/** Units that are a rate themselves: %, its full-width ％, ‰. */
export const RATE_UNITS: readonly string[] = ['%', '％', '‰'];
/** Marks of a quotient unit (吨标准煤/万元, 元／人), half- and full-width. */
export const QUOTIENT_MARKS: readonly string[] = ['/', '／'];
/** The word a per-capita indicator's name holds (人均可支配收入). */
export const PER_CAPITA = '人均';
