/**
 * Words as the county reports write them, kept where modules have long
 * imported them from: every phrase now lives in the words module
 * (src/domain/words/), one file per kind, and is re-exported here. New code
 * imports from words/ directly.
 */
export { chineseNumber, metricName, metricRankName, ordinal, rankMove } from './words/ranks.ts';
export { changeAxisUnit, changeText, changeUnit, completionText, figureText } from './words/units.ts';
export { STATUS_LEGEND, STATUS_MARKS, STATUS_WORDS } from './words/status.ts';
export { REASON_SHORT } from './words/growth.ts';
export { peerSetName, peerSetText } from './words/scope.ts';
export { monthTitle } from './words/periods.ts';
export { axisTitle, rankingTitle, rankingTitleAt } from './words/charts.ts';
export { averageLabel } from './words/gaps.ts';
export { timeProgressLabel } from './words/progress.ts';
