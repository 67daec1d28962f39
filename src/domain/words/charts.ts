/**
 * The words of the charts (charts/*.ts, services/charts.ts, the report's
 * charts): titles (1-6月 工业性投资同比增速排名, 天台县 各项指标位次), subtitles
 * joined with " · ", axis titles with units (同比增速(%)), ranking bars
 * labelled by their rank cell (并列3/9  天台县), the scorecard's columns,
 * tooltips, legends and the footnotes that say what a chart leaves out.
 */
import type { Period } from '../period.ts';
import type { Indicator, RankMetric } from '../types.ts';
import { REASON_SHORT } from './growth.ts';
import { LIST_SEPARATOR, namedList, REGIONS_NOUN } from './lists.ts';
import { periodLabel } from './periods.ts';
import { metricName, rankCell, TIE_WORD } from './ranks.ts';
import { changeAxisUnit } from './units.ts';

/** An axis title with its unit: 同比增速(%), 同比变化(百分点), 网络零售额(亿元). */
export function axisTitle(indicator: Pick<Indicator, 'name' | 'unit' | 'change'>, by: RankMetric): string {
  return by === 'yoy' ? `${metricName(indicator, 'yoy')}(${changeAxisUnit(indicator)})` : `${indicator.name}(${indicator.unit})`;
}

/** 1-6月 工业性投资同比增速排名: a ranking chart's title, in the report and on the dashboard. */
export function rankingTitle(indicator: Pick<Indicator, 'name' | 'unit' | 'change' | 'basis'>, period: Period, by: RankMetric): string {
  return rankingTitleAt(periodLabel(period, indicator.basis), indicator, by);
}

/** The same title from a period already labelled (a stored report's facts). */
export function rankingTitleAt(label: string, indicator: Pick<Indicator, 'name' | 'unit' | 'change'>, by: RankMetric): string {
  return `${label} ${indicator.name}${metricName(indicator, by)}排名`;
}

/** 1-6月 工业性投资完成率排名: completion of the annual target, ranked. */
export function completionRankingTitle(label: string, indicatorName: string): string {
  return `${label} ${indicatorName}完成率排名`;
}

/** 1-6月 工业性投资目标完成进度: completion against time progress. */
export function progressTitle(label: string, indicatorName: string): string {
  return `${label} ${indicatorName}目标完成进度`;
}

/** 天台县 工业性投资, or with the metric: 天台县 工业性投资同比增速. */
export function trendTitle(regionName: string, indicatorName: string, metric = ''): string {
  return `${regionName} ${indicatorName}${metric}`;
}

/** 工业性投资同比增速位次变化: the rank-history chart's title. */
export function rankHistoryTitle(indicator: Pick<Indicator, 'name' | 'unit' | 'change'>, by: RankMetric): string {
  return `${indicator.name}${metricName(indicator, by)}位次变化`;
}

/** 天台县 各项指标位次: the scorecard chart's title, served and in reports. */
export function scorecardTitle(regionName: string): string {
  return `${regionName} 各项指标位次`;
}

/** Parts of a subtitle line: 2022年1-6月 · 台州市所辖9个地区 · 增速位次. */
export function subtitleLine(parts: readonly string[]): string {
  return parts.join(' · ');
}

/** What the scorecard's 位次变化 column compares. */
export const SCORECARD_NOTE = '位次变化按各指标默认排名口径';

/** Indicators a scorecard leaves out, their month not released yet: 尚未发布:工业性投资、网络零售额. */
export function notReleasedNote(names: readonly string[]): string {
  return `尚未发布:${names.join(LIST_SEPARATOR)}`;
}

/** The scorecard's columns, in order: rank by growth, by size, the change, 短板. */
export const SCORECARD_COLUMNS = ['增速位次', '总量位次', '位次变化', '短板'] as const;
export type ScorecardColumn = (typeof SCORECARD_COLUMNS)[number];
/** The mark of a weak indicator (bottom third) in the scorecard's last column. */
export const WEAK_WORD = '短板';

/** Axis titles of charts without an indicator's unit. */
export const COMPLETION_AXIS = '完成率(%)';
export const RANK_AXIS = '位次';

/** Tooltip field titles. */
export const TOOLTIP = { region: '地区', period: '时期', rank: '位次', value: '数值', source: '来源', flag: '标记' } as const;
/** The trend chart's legend: where the growth came from (报送 / 计算). */
export const YOY_SOURCE_LEGEND = '增速来源';
/** A trend with no point. */
export const NO_DATA = '无数据';

/**
 * A ranking bar's rank: its rank cell, as report tables write it (3/9,
 * 并列3/9). Null `ranked` is a caller that does not say how many were ranked
 * (src/reports/charts.ts until it passes `ranked`): the rank alone (并列3),
 * never a count guessed from the bars shown.
 */
export function barRank(rank: number, ranked: number | null, tied: boolean): string {
  return ranked === null ? `${tied ? TIE_WORD : ''}${rank}` : rankCell(rank, ranked, tied);
}

/** A ranking bar's label: its rank, then the name: 并列3/9  天台县. */
export function rankLabel(rank: number, ranked: number | null, tied: boolean, name: string): string {
  return `${barRank(rank, ranked, tied)}  ${name}`;
}

/** A ranking chart showing the top ones only: 仅显示前20名及所选地区,共3000个地区有排名. */
export function shownNote(top: number, withHighlight: boolean, ranked: number): string {
  return `仅显示前${top}名${withHighlight ? '及所选地区' : ''},共${ranked}个${REGIONS_NOUN}有排名`;
}

/** The peers that could not be ranked, the first ones named with why: 未排名:临海市(无数据)、温岭市(无上年同期数)等15个. */
export function unrankedNote(named: ReadonlyArray<{ name: string; reason: string }>, total: number): string {
  const names = named.map((m) => `${m.name}(${Object.hasOwn(REASON_SHORT, m.reason) ? REASON_SHORT[m.reason as keyof typeof REASON_SHORT] : m.reason})`);
  return `未排名:${namedList(names, total)}`;
}

/** Regions a progress chart has no bar for: 无年度目标或本期无数据:临海市、温岭市等15个. */
export function noTargetNote(named: readonly string[], total: number): string {
  return `无年度目标或本期无数据:${namedList(named, total)}`;
}

/** A rank-history chart drawing the top ones only: 仅显示末期前10名及所选地区. */
export function historyShownNote(top: number, withHighlight: boolean): string {
  return `仅显示末期前${top}名${withHighlight ? '及所选地区' : ''}`;
}

/** A rank-history chart with nothing ranked in its range. */
export const NO_RANKING_IN_RANGE = '这段时间没有可排名的数据';
