/** Vega-Lite chart builders: pure functions from prepared figures to a TopLevelSpec with its data inline. */
export { rankingChart, type RankingBar, type RankingChartInput } from './ranking.ts';
export { progressChart, type ProgressChartInput } from './progress.ts';
export { trendChart, type TrendChartInput, type TrendPoint } from './trend.ts';
export { rankHistoryChart, type RankHistoryInput, type RankPoint } from './rank-history.ts';
export { scorecardCells, scorecardChart, type ScorecardCell, type ScorecardChartInput, type StandingRow } from './scorecard.ts';
export { renderSvg, textWidth } from './render.ts';
export { FONT_STACK, DEFAULT_TOP } from './theme.ts';
