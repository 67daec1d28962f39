/** Look shared by every chart: fonts that hold Chinese, colours, sizes. */
import type { Config } from 'vega-lite';

/** Common CJK fonts first, so Chinese labels render on Windows, macOS and Linux alike. */
export const FONT_STACK =
  '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif';

export const COLORS = {
  bar: '#4c78a8',
  highlight: '#d62728',
  muted: '#c7c7c7',
  text: '#333333',
  note: '#666666',
  reported: '#4c78a8',
  computed: '#9ecae9',
  /** Reference lines: the area's average, time progress. */
  rule: '#ff7f0e',
};

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export const CHART_CONFIG: Config = {
  font: FONT_STACK,
  title: { fontSize: 16, anchor: 'start', color: COLORS.text, subtitleColor: COLORS.note, subtitleFontSize: 12, offset: 12 },
  axis: { labelFontSize: 12, titleFontSize: 12, labelColor: COLORS.text, titleColor: COLORS.note, grid: true, gridColor: '#eeeeee' },
  legend: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: null },
  background: 'white',
};

/** Default number of peers a ranking or bump chart shows before "and N more". */
export const DEFAULT_TOP = 20;
