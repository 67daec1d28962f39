/**
 * The words of a figure against its own past (domain/trends.ts), as county
 * reports write them: "增速较1-5月提高2.1个百分点", "回落1.3个百分点", "增速与1-5月
 * 持平"; "连续3个月位居全市第一"; "增速为2021年3月以来最高", "增速为有统计以来最高".
 */
import { monthOf, yearOf } from '../period.ts';
import { formatFixed } from '../rounding.ts';
import type { GrowthRecord } from '../trends.ts';
import { YOY_DECIMALS } from '../types.ts';

/** 增速较1-5月提高2.1个百分点 / 回落1.3个百分点 / 增速与1-5月持平: `change` in points, `before` the month compared with as labelled (1-5月, 1-2月). */
export function movementText(before: string, change: number): string {
  const points = formatFixed(Math.abs(change), YOY_DECIMALS);
  if (points === formatFixed(0, YOY_DECIMALS)) return `增速与${before}持平`;
  return `增速较${before}${change > 0 ? '提高' : '回落'}${points}个百分点`;
}

/**
 * 连续3个月位居全市第一. `metric` names the ranking when the line quotes both
 * (增速连续4个月位居全市第一, 总量…); a lower-is-better level's first place is
 * its lowest (`lowest`: 连续3个月为全市最低), as its rank reads.
 */
export function streakText(months: number, scope: string, metric = '', lowest = false): string {
  return `${metric}连续${months}个月${lowest ? `为${scope}最低` : `位居${scope}第一`}`;
}

/** 增速为2021年3月以来最高; since statistics began: 增速为有统计以来最高. */
export function recordText(record: GrowthRecord): string {
  const since = record.since === null ? '有统计' : `${yearOf(record.since)}年${monthOf(record.since)}月`;
  return `增速为${since}以来最高`;
}
