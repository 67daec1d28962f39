/**
 * Year-on-year growth in words (DOMAIN.md, Year-on-year growth; Phrasing):
 * 同比增速122.4%, 同比增长17.3%, 同比下降6.4%, 同比上升0.2% (a lower-is-better
 * figure), 同比提高0.3个百分点 / 与上年同期持平 (a rate), 同比由负转正, (由正转负);
 * and why there is no growth figure, in a sentence and short in a footnote.
 */
import type { Growth, NoGrowthReason } from '../growth.ts';
import { formatFixed } from '../rounding.ts';
import { YOY_DECIMALS, type Indicator } from '../types.ts';
import { changeText, POINTS } from './units.ts';

/** Why there is no growth figure (or no figure), as a report's sentence says it. */
export const NO_GROWTH_TEXT: Record<NoGrowthReason, string> = {
  'no-figure': '本期无数据',
  'no-base': '上年同期无数据,不计算同比',
  'base-not-positive': '上年同期数为零或负数,不计算增速',
  'out-of-range': '上年同期数过小,增速无法计算',
};

/** Why a peer has no rank, short, for chart footnotes. */
export const REASON_SHORT: Record<NoGrowthReason | 'no-target', string> = {
  'no-figure': '无数据',
  'no-base': '无上年同期数',
  'base-not-positive': '上年同期数非正',
  'out-of-range': '上年同期数过小',
  'no-target': '无年度目标',
};

/** 同比增速122.4%, 同比增长17.3%, 同比下降6.4%, 同比提高0.3个百分点, 同比由负转正. */
export function growthPhrase(
  indicator: Pick<Indicator, 'direction' | 'change' | 'reportValue'>,
  f: { yoy: number | null; reason: NoGrowthReason | null; signChange: Growth['signChange'] },
): string {
  if (f.yoy === null) {
    if (f.signChange === 'negative-to-positive') return '同比由负转正';
    return NO_GROWTH_TEXT[f.reason ?? 'no-base'];
  }
  const abs = formatFixed(Math.abs(f.yoy), YOY_DECIMALS);
  // Lower is better (能耗, 失业率): a rise is 上升, a fall 下降, whatever the report quotes.
  const lower = indicator.direction === 'lower';
  if (indicator.change === 'points') {
    if (abs === formatFixed(0, YOY_DECIMALS)) return '与上年同期持平';
    return `同比${f.yoy > 0 ? (lower ? '上升' : '提高') : '下降'}${abs}${POINTS}`;
  }
  const turned = f.signChange === 'positive-to-negative' ? '(由正转负)' : '';
  if (!indicator.reportValue && !lower) return `同比增速${changeText(indicator, f.yoy)}${turned}`;
  return `同比${f.yoy < 0 ? '下降' : lower ? '上升' : '增长'}${abs}%${turned}`;
}
