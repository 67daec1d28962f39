/**
 * Gaps between ranks and to the average in words (DOMAIN.md, Gaps between
 * ranks and to the average): 与第三位临海市相差0.5个百分点, 与第二位椒江区相差
 * 15.86亿元; 高于全市平均1.8个百分点, 与全市平均持平; on a chart, 全市平均7.5%;
 * an average summed from the peers says so (各地合计推算).
 */
import type { Average } from '../gaps.ts';
import { formatFixed } from '../rounding.ts';
import { YOY_DECIMALS, type Indicator, type RankMetric } from '../types.ts';
import { LIST_SEPARATOR } from './lists.ts';
import { chineseNumber } from './ranks.ts';
import { changeText, POINTS } from './units.ts';

/**
 * How far behind the next better place: 与第三位临海市相差0.5个百分点 (growth
 * ranks differ in points), 与第二位椒江区相差15.86亿元 (sizes in the unit).
 */
export function gapAboveText(indicator: Pick<Indicator, 'unit' | 'decimals'>, by: RankMetric, above: { rank: number; names: readonly string[]; gap: number }): string {
  // Growth ranks and rates differ in percentage points; sizes in the indicator's unit.
  const unit = by === 'yoy' || indicator.unit.trim() === '%' ? POINTS : indicator.unit;
  const amount = `${formatFixed(above.gap, by === 'yoy' ? YOY_DECIMALS : indicator.decimals)}${unit}`;
  return `与第${chineseNumber(above.rank)}位${above.names.join(LIST_SEPARATOR)}相差${amount}`;
}

/** What an average summed from the peers adds (API.md: computed only when the parent has no figure). */
const summed = (source: Average['source']) => (source === 'aggregate' ? '(各地合计推算)' : '');

/** 高于全市平均1.8个百分点, 低于…, 与全市平均持平; `scope` without a group's 中. */
export function averageText(scope: string, vsAverage: number, average: Average): string {
  const where = `${scope}平均${summed(average.source)}`;
  if (formatFixed(Math.abs(vsAverage), YOY_DECIMALS) === formatFixed(0, YOY_DECIMALS)) return `与${where}持平`;
  return `${vsAverage > 0 ? '高于' : '低于'}${where}${formatFixed(Math.abs(vsAverage), YOY_DECIMALS)}${POINTS}`;
}

/** 全市平均7.5%, 全市平均7.5%(各地合计推算): the average's rule on a ranking chart. */
export function averageLabel(indicator: Pick<Indicator, 'change'>, scope: string, average: Average): string {
  return `${scope}平均${changeText(indicator, average.yoy)}${summed(average.source)}`;
}
