/**
 * Words as the county reports write them: Chinese ordinals (第一 … 第十一,
 * 第二十一), ties (并列第三), units of change (% or 百分点), rank movement
 * (前移2位, 后退1位, 持平).
 */
import { formatFixed } from './rounding.ts';
import { YOY_DECIMALS, type Indicator, type RankMetric } from './types.ts';

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const UNITS = ['', '十', '百', '千'];

/** 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五, 3000 → 三千; up to 9999, beyond that Arabic digits. */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 9999) return String(n);
  if (n === 0) return DIGITS[0]!;
  const digits = String(n).split('').map(Number);
  let out = '';
  let zero = false;
  digits.forEach((d, i) => {
    const unit = UNITS[digits.length - 1 - i]!;
    if (d === 0) {
      zero = true;
      return;
    }
    if (zero && out !== '') out += DIGITS[0];
    zero = false;
    out += DIGITS[d]! + unit;
  });
  // 十一, not 一十一, when the number starts in the tens.
  return n >= 10 && n < 20 ? out.slice(1) : out;
}

/** 第一, 第十一; a tie reads 并列第三. */
export function ordinal(rank: number, tied = false): string {
  return `${tied ? '并列' : ''}第${chineseNumber(rank)}`;
}

/** The unit a change is written in: % for growth, 个百分点 for a rate's difference. */
export function changeUnit(indicator: Indicator): string {
  return indicator.change === 'points' ? '个百分点' : '%';
}

/** A short unit for axes: % or 百分点. */
export function changeAxisUnit(indicator: Indicator): string {
  return indicator.change === 'points' ? '百分点' : '%';
}

/** A figure at published precision with its unit: 121.43亿元, 5.2%. */
export function figureText(indicator: Indicator, value: number): string {
  return `${formatFixed(value, indicator.decimals)}${indicator.unit}`;
}

/** A change at published precision: 122.4%, -0.3个百分点. */
export function changeText(indicator: Indicator, yoy: number): string {
  return `${formatFixed(yoy, YOY_DECIMALS)}${changeUnit(indicator)}`;
}

/** 增速 or 总量 ranking, as reports name them. */
export function metricName(indicator: Indicator, by: RankMetric): string {
  if (by === 'value') return indicator.unit === '%' ? '' : '总量';
  return indicator.change === 'points' ? '同比变化' : '同比增速';
}

/** previousRank - rank as words: 前移2位, 后退1位, 持平. */
export function rankMove(change: number): string {
  if (change > 0) return `前移${change}位`;
  if (change < 0) return `后退${-change}位`;
  return '持平';
}
