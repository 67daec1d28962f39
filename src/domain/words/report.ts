/**
 * The monthly comparison report's sentences (DOMAIN.md, Phrasing; How the
 * report reads), as county staff write them by hand in the seed report:
 * "1-6月,工业性投资同比增速122.4%、全市第一", "数字经济核心产业增加值2.27亿元,
 * 同比增长17.3%、全市第四", "1-6月份网络零售额121.43亿元,全市第一"; the lines
 * of its sections (进位, 短板, 数据缺口) and its title. domain/report.ts
 * decides what is said; this file says it.
 */
import type { NoGrowthReason } from '../growth.ts';
import type { Period } from '../period.ts';
import type { Indicator, Status } from '../types.ts';
import { NO_GROWTH_TEXT } from './growth.ts';
import { LIST_SEPARATOR } from './lists.ts';
import { monthTitle } from './periods.ts';
import { rankMove } from './ranks.ts';
import { STATUS_WORDS } from './status.ts';

/** Clauses of one line, joined as the seed joins them: 同比增长17.3%、全市第四,高于全市平均1.8个百分点. */
const CLAUSE = ',';

/** 天台县2022年6月主要指标比较: a report's title. */
export function reportTitle(regionName: string, period: Period): string {
  return `${regionName}${monthTitle(period)}主要指标比较`;
}

/** 1-6月,零售额本期无数据: the line of an indicator without a figure. */
export function noFigureSentence(label: string, indicatorName: string): string {
  return `${label}${CLAUSE}${indicatorName}${NO_GROWTH_TEXT['no-figure']}`;
}

/**
 * A line ranked by size: 1-6月份网络零售额121.43亿元,全市第一 (份 after a
 * cumulative or monthly label), 6月末城镇调查失业率4.5%,全市并列最低; both
 * ranks quoted: …28778元,总量全省第十一、增速全省第二.
 */
export function sizeSentence(indicator: Pick<Indicator, 'name' | 'basis'>, label: string, valueText: string, ranks: readonly string[]): string {
  const suffix = indicator.basis === 'level' ? '' : '份';
  return `${label}${suffix}${indicator.name}${valueText}${CLAUSE}${ranks.join(LIST_SEPARATOR)}`;
}

/**
 * A line ranked by growth: 1-6月,工业性投资同比增速122.4%、全市第一; with the
 * figure (`valueText`, null for none): 1-6月,数字经济核心产业增加值2.27亿元,
 * 同比增长17.3%、全市第四.
 */
export function growthSentence(label: string, indicatorName: string, valueText: string | null, growthWords: string, rank: string): string {
  const figure = valueText === null ? '' : `${valueText}${CLAUSE}`;
  return `${label}${CLAUSE}${indicatorName}${figure}${growthWords}${LIST_SEPARATOR}${rank}`;
}

/** A line with more said after it (the other rank, the average, a streak, the movement, a record). */
export function withClauses(sentence: string, clauses: readonly string[]): string {
  return [sentence, ...clauses].join(CLAUSE);
}

/** 工业性投资较1-5月前移2位,现居全市第一; 工业性投资位次与1-5月持平,全市第一. */
export function moveSentence(indicatorName: string, previousLabel: string, change: number, ranked: string): string {
  return change === 0 ? `${indicatorName}位次与${previousLabel}持平${CLAUSE}${ranked}` : `${indicatorName}较${previousLabel}${rankMove(change)}${CLAUSE}现居${ranked}`;
}

/** A line among 短板指标: the sentence, how far behind the next better place, and the ask: (短板,需向前进位). */
export function weakLine(sentence: string, gapText: string | null | undefined): string {
  return `${sentence}${gapText ? `${CLAUSE}${gapText}` : ''}(短板,需向前进位)`;
}

/** 数据缺口: 网络零售额:本期无数据. */
export function noFigureGap(indicatorName: string): string {
  return `${indicatorName}:${NO_GROWTH_TEXT['no-figure']}`;
}

/** 数据缺口: 工业性投资:临海市、温岭市未参与排名(本期无数据;上年同期无数据,不计算同比); `names` as lists.ts namedList gives them. */
export function unrankedGap(indicatorName: string, names: string, reasons: readonly NoGrowthReason[]): string {
  return `${indicatorName}:${names}未参与排名(${[...new Set(reasons.map((r) => NO_GROWTH_TEXT[r]))].join(';')})`;
}

/** 数据缺口: 工业性投资:本期数为初步数. */
export function statusGap(indicatorName: string, status: Status): string {
  return `${indicatorName}:本期数为${STATUS_WORDS[status]}`;
}

/** 数据缺口: 工业性投资:生成失败(…), or 报告:生成失败(…) for the report as a whole. */
export function failureGap(indicatorName: string | null, message: string): string {
  return `${indicatorName ?? '报告'}:生成失败(${message})`;
}
