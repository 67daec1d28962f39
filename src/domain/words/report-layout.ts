/**
 * The words of a rendered report around its sentences (Markdown, HTML, Word
 * and report templates alike): section headings and what an empty section
 * says, the other headings (各项指标位次, 逐项指标, 排名图), the indicator
 * table's columns and cells, the meta line under the title, the 短板 mark,
 * chart names, and the fonts a Word document is set in.
 */
import { EMPTY_CELL } from './ranks.ts';

export { monthTitle } from './periods.ts';
export { rankCell, rankChangeCell } from './ranks.ts';
export { scorecardTitle } from './charts.ts';

/** The report's sections, by the name templates give them: heading, and what to say when one is empty. */
export const SECTION_WORDS = {
  leading: { heading: '领先指标', none: '本期无位居前三的指标。' },
  weak: { heading: '短板指标', none: '本期无处于后三分之一的指标。' },
  up: { heading: '进位指标', none: '本期无进位指标。' },
  down: { heading: '退位指标', none: '本期无退位指标。' },
  progress: { heading: '目标进度', none: '本期无设定年度目标的指标。' },
  gaps: { heading: '数据缺口', none: '本期数据齐全。' },
} as const;

/** The sections in reading order, keyed as the report's facts key them (domain/report.ts ReportSections), with heading and what to say when empty. */
export const SECTION_TITLES: ReadonlyArray<['headlines' | 'weak' | 'up' | 'down' | 'progress' | 'gaps', string, string]> = [
  ['headlines', SECTION_WORDS.leading.heading, SECTION_WORDS.leading.none],
  ['weak', SECTION_WORDS.weak.heading, SECTION_WORDS.weak.none],
  ['up', SECTION_WORDS.up.heading, SECTION_WORDS.up.none],
  ['down', SECTION_WORDS.down.heading, SECTION_WORDS.down.none],
  ['progress', SECTION_WORDS.progress.heading, SECTION_WORDS.progress.none],
  ['gaps', SECTION_WORDS.gaps.heading, SECTION_WORDS.gaps.none],
];

/** Every heading a report has: the sections', then the scorecard chart's, the indicator table's and the ranking charts'. */
export const REPORT_HEADINGS = {
  leading: SECTION_WORDS.leading.heading,
  weak: SECTION_WORDS.weak.heading,
  up: SECTION_WORDS.up.heading,
  down: SECTION_WORDS.down.heading,
  progress: SECTION_WORDS.progress.heading,
  gaps: SECTION_WORDS.gaps.heading,
  scorecard: '各项指标位次',
  table: '逐项指标',
  charts: '排名图',
} as const;

/** The indicator table's column headings, in order: 指标 本期 同比 增速位次 总量位次 较上期 说明. */
export const TABLE_COLUMNS = {
  name: '指标',
  value: '本期',
  yoy: '同比',
  rankYoy: '增速位次',
  rankValue: '总量位次',
  rankChange: '较上期',
  sentence: '说明',
} as const;

/** A table cell without a figure (no value, no growth, no rank). */
export const NO_FIGURE_CELL = EMPTY_CELL;

/** What a weak indicator's line in the table ends with. */
export const WEAK_MARK = '(短板)';

/** The end of a sentence, where a format closes the meta line with one (Markdown does). */
export const FULL_STOP = '。';

/**
 * The line under the title: 比较范围:台州市所辖9个地区;第 2 稿,生成于 2022-07-10 09:00,
 * 定时生成;数据摘要 0123456789ab. Every part as the caller shows it (the time
 * already local, the digest already cut to 12 characters); no full stop
 * (FULL_STOP where a format wants one).
 */
export function metaLine(meta: { peerScope: string; version: number; generatedAt: string; trigger: string; digest: string }): string {
  return `比较范围:${meta.peerScope};第 ${meta.version} 稿,生成于 ${meta.generatedAt},${meta.trigger};数据摘要 ${meta.digest}`;
}

/** 工业性投资排名: a ranking chart's name in a report (a Word caption, an image's title). */
export function rankingChartName(indicatorName: string): string {
  return `${indicatorName}排名`;
}

/** (第2稿): a report version in a download's file name. */
export function draftSuffix(version: number): string {
  return `(第${version}稿)`;
}

/** Fonts of Chinese government documents (GB/T 9704): 黑体 headings, 仿宋_GB2312 text; 宋体 in tables. */
export const DOCX_FONT_NAMES = { heading: '黑体', body: '仿宋_GB2312', table: '宋体' } as const;
