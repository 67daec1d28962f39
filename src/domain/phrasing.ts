/**
 * Words as the county reports write them: Chinese ordinals (第一 … 第十一,
 * 第二十一), ties (并列第三), units of change (% or 百分点), rank movement
 * (前移2位, 后退1位, 持平).
 */
import type { NoGrowthReason } from './growth.ts';
import { monthOf, periodLabel, yearOf, type Period } from './period.ts';
import { formatFixed } from './rounding.ts';
import { STATUSES, YOY_DECIMALS, type Indicator, type RankMetric, type Status } from './types.ts';

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
export function changeUnit(indicator: Pick<Indicator, 'change'>): string {
  return indicator.change === 'points' ? '个百分点' : '%';
}

/** A short unit for axes: % or 百分点. */
export function changeAxisUnit(indicator: Pick<Indicator, 'change'>): string {
  return indicator.change === 'points' ? '百分点' : '%';
}

/** A figure at published precision with its unit: 121.43亿元, 5.2%. */
export function figureText(indicator: Indicator, value: number): string {
  return `${formatFixed(value, indicator.decimals)}${indicator.unit}`;
}

/** A change at published precision: 122.4%, -0.3个百分点. */
export function changeText(indicator: Pick<Indicator, 'change'>, yoy: number): string {
  return `${formatFixed(yoy, YOY_DECIMALS)}${changeUnit(indicator)}`;
}

/** 增速 or 总量 ranking, as reports name them. */
export function metricName(indicator: Pick<Indicator, 'unit' | 'change'>, by: RankMetric): string {
  if (by === 'value') return indicator.unit === '%' ? '' : '总量';
  return indicator.change === 'points' ? '同比变化' : '同比增速';
}

/** previousRank - rank as words: 前移2位, 后退1位, 持平. */
export function rankMove(change: number): string {
  if (change > 0) return `前移${change}位`;
  if (change < 0) return `后退${-change}位`;
  return '持平';
}

/** Status flags in words, the same in reports and charts (DOMAIN.md, Observation status). */
export const STATUS_WORDS: Record<Status, string> = { p: '初步数', e: '估计数', r: '修订数', b: '口径调整' };
/** One-character marks on chart points, with the legend that explains them in the same words. */
export const STATUS_MARKS: Record<Status, string> = { p: '初', e: '估', r: '修', b: '调' };
export const STATUS_LEGEND = `标记:${STATUSES.map((s) => `${STATUS_MARKS[s]}=${STATUS_WORDS[s].replace(/数$/, '')}`).join(' ')}`;

/** Why a peer has no rank, short, for chart footnotes. */
export const REASON_SHORT: Record<NoGrowthReason | 'no-target', string> = {
  'no-figure': '无数据',
  'no-base': '无上年同期数',
  'base-not-positive': '上年同期数非正',
  'out-of-range': '上年同期数过小',
  'no-target': '无年度目标',
};

/** 台州市所辖: a parent's children as a peer set; a group by its name. */
export function peerSetName(peers: { parentName: string | null; groupName: string | null }): string {
  return peers.groupName ?? `${peers.parentName ?? ''}所辖`;
}

/** 台州市所辖9个地区. */
export function peerSetText(peers: { parentName: string | null; groupName: string | null }, count: number): string {
  return `${peerSetName(peers)}${count}个地区`;
}

/** 2022年6月: the month a report or scorecard covers, whatever the basis. */
export function monthTitle(period: Period): string {
  return `${yearOf(period)}年${monthOf(period)}月`;
}

/** An axis title with its unit: 同比增速(%), 同比变化(百分点), 网络零售额(亿元). */
export function axisTitle(indicator: Pick<Indicator, 'name' | 'unit' | 'change'>, by: RankMetric): string {
  return by === 'yoy' ? `${metricName(indicator, 'yoy')}(${changeAxisUnit(indicator)})` : `${indicator.name}(${indicator.unit})`;
}

/** 1-6月 工业性投资同比增速排名: a ranking chart's title, in the report and on the dashboard. */
export function rankingTitle(indicator: Indicator, period: Period, by: RankMetric): string {
  return rankingTitleAt(periodLabel(period, indicator.basis), indicator, by);
}

/** The same title from a period already labelled (a stored report's facts). */
export function rankingTitleAt(label: string, indicator: Pick<Indicator, 'name' | 'unit' | 'change'>, by: RankMetric): string {
  return `${label} ${indicator.name}${metricName(indicator, by)}排名`;
}

/** 增速位次 or 总量位次, as the charts' subtitles name the metric ranked. */
export function metricRankName(by: RankMetric | 'completion'): string {
  return by === 'yoy' ? '增速位次' : by === 'value' ? '总量位次' : '完成率位次';
}

/** 全市平均7.5%; an average summed from the peers says so (API.md: computed only when the parent has no figure). */
export function averageLabel(indicator: Pick<Indicator, 'change'>, scope: string, average: { yoy: number; source: 'parent' | 'aggregate' }): string {
  return `${scope}平均${changeText(indicator, average.yoy)}${average.source === 'aggregate' ? '(各地合计推算)' : ''}`;
}

/** 序时进度50.0%. */
export function timeProgressLabel(timeProgress: number): string {
  return `序时进度${formatFixed(timeProgress, 1)}%`;
}

/** A completion rate as printed: 97.2%. */
export function completionText(completion: number): string {
  return `${formatFixed(completion, 1)}%`;
}
