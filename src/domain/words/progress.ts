/**
 * Targets and time progress in words (DOMAIN.md, Targets and time
 * progress): "完成年度目标的52.3%,超序时进度2.3个百分点" / 低于序时进度… /
 * 与序时进度持平, "实现时间过半、任务过半", "提前完成全年目标", "增长9.1%,高于
 * 年度目标1.1个百分点", "下降3.2%,好于控制目标0.2个百分点"; 序时进度50.0% on
 * a chart.
 */
import { monthOf, type Period } from '../period.ts';
import { PROGRESS_DECIMALS, type Progress } from '../progress.ts';
import { formatFixed } from '../rounding.ts';
import type { Indicator } from '../types.ts';
import { POINTS } from './units.ts';

/** 1-6月: the month by which half the year has passed (时间过半). */
const HALF_YEAR_MONTH = 6;
const DECEMBER = 12;

const points = (x: number) => `${formatFixed(Math.abs(x), PROGRESS_DECIMALS)}${POINTS}`;

/** 超序时进度2.3个百分点 / 低于序时进度… / 与序时进度持平, from the completion's literal side of time progress. */
export function timeWords(literalGap: number): string {
  if (formatFixed(Math.abs(literalGap), PROGRESS_DECIMALS) === formatFixed(0, PROGRESS_DECIMALS)) return '与序时进度持平';
  return literalGap > 0 ? `超序时进度${points(literalGap)}` : `低于序时进度${points(literalGap)}`;
}

/** A gap to a target (positive better) in the target's words: 高于年度目标, 好于控制目标 (lower is better). */
export function targetWords(indicator: Pick<Indicator, 'direction'>, gap: number, unit: string): string {
  const amount = `${formatFixed(Math.abs(gap), PROGRESS_DECIMALS)}${unit}`;
  const zero = formatFixed(Math.abs(gap), PROGRESS_DECIMALS) === formatFixed(0, PROGRESS_DECIMALS);
  if (indicator.direction === 'lower') return zero ? '与控制目标持平' : gap > 0 ? `好于控制目标${amount}` : `未达到控制目标,相差${amount}`;
  return zero ? '与年度目标持平' : gap > 0 ? `高于年度目标${amount}` : `低于年度目标${amount}`;
}

/**
 * The target line of one indicator, or null without a target or figure.
 * `growthWords` is how the report words the growth (同比增长9.1%).
 */
export function progressSentence(
  indicator: Pick<Indicator, 'name' | 'unit' | 'basis' | 'direction'>,
  label: string,
  period: Period,
  progress: Progress,
  growthWords: string | null,
  valueText: string | null = null,
): string | null {
  const parts: string[] = [];
  let lead = `${label},${indicator.name}`;
  const target = progress.target;
  if (target === null) return null;
  if (target.kind === 'value' && progress.completion !== null && progress.gap !== null) {
    const literal = indicator.direction === 'higher' ? progress.gap : -progress.gap;
    const noun = indicator.direction === 'lower' ? '年度控制目标' : '年度目标';
    let words = `${indicator.direction === 'lower' ? '占' : '完成'}${noun}的${formatFixed(progress.completion, PROGRESS_DECIMALS)}%,${timeWords(literal)}`;
    if (indicator.direction === 'higher') {
      if (progress.completion >= 100) words += monthOf(period) < DECEMBER ? ',提前完成全年目标' : ',完成全年目标';
      else if (monthOf(period) === HALF_YEAR_MONTH && progress.completion >= 50) words += ',实现时间过半、任务过半';
    }
    parts.push(words);
  } else if (target.kind === 'value' && progress.gap !== null) {
    // A level against the level to reach or stay within, in its unit (百分点 for a rate), read as the seed reads a level: 6月末城镇调查失业率4.5%.
    if (indicator.basis === 'level' && valueText !== null) lead = `${label}${indicator.name}${valueText},`;
    parts.push(targetWords(indicator, progress.gap, indicator.unit.trim() === '%' ? POINTS : indicator.unit));
  }
  const growthGap = target.kind === 'growth' ? progress.gap : progress.growthGap;
  if (growthGap !== null && growthWords !== null) parts.push(`${growthWords},${targetWords(indicator, growthGap, POINTS)}`);
  if (parts.length === 0) return null;
  return `${lead}${parts.join(';')}`;
}

/** 序时进度50.0%: time progress as a chart's rule and subtitle say it. */
export function timeProgressLabel(timeProgress: number): string {
  return `序时进度${formatFixed(timeProgress, 1)}%`;
}
