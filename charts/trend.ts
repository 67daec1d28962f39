/**
 * The trend chart: one region's monthly figure or growth over a range,
 * points filled where the bureau reported the growth and hollow where it was
 * computed, and status flags (初 provisional, 估 estimated, 修 revised,
 * 调 口径调整, a break in series) written above their months, in the
 * words of src/domain/phrasing.ts.
 */
import type { TopLevelSpec } from 'vega-lite';
import { TOOLTIP, YOY_SOURCE_LEGEND } from '../src/domain/words/charts.ts';
import { YOY_SOURCE_WORDS, type YoySourceWord } from '../src/domain/words/status.ts';
import { CHART_CONFIG, COLORS, SCHEMA } from './theme.ts';

export interface TrendPoint {
  period: string;
  /** The month as officially labelled: 2022年1-6月. */
  label: string;
  metric: number;
  text: string;
  /** 报送 (reported) or 计算 (computed), for growth; null for levels and values. */
  source: YoySourceWord | null;
  /** 初, 估, 修 or 调 (STATUS_MARKS), or null. */
  flag: string | null;
}

export interface TrendChartInput {
  title: string;
  subtitle: string[];
  axisTitle: string;
  points: TrendPoint[];
}

const WIDTH = 560;

export function trendChart(input: TrendChartInput): TopLevelSpec {
  const x = {
    field: 'label',
    type: 'ordinal' as const,
    sort: { field: 'period', op: 'min' as const },
    title: null,
    axis: { labelAngle: input.points.length > 8 ? -45 : 0, labelOverlap: true },
  };
  // With no point the extent would be empty (and Vega warns): a fixed domain stands in.
  const y = { field: 'metric', type: 'quantitative' as const, title: input.axisTitle, scale: input.points.length === 0 ? { domain: [0, 1] } : { zero: false } };
  // Every point carries its flag text (empty for none): a filtered layer with no rows would leave Vega an empty extent.
  const values = input.points.map((p) => ({ ...p, flagText: p.flag ?? '' }));
  return {
    $schema: SCHEMA,
    title: { text: input.title, subtitle: input.subtitle },
    width: WIDTH,
    height: 260,
    data: { values },
    layer: [
      { mark: { type: 'line', color: COLORS.bar, strokeWidth: 2 }, encoding: { x, y } },
      {
        mark: { type: 'point', size: 60, strokeWidth: 2, color: COLORS.bar },
        encoding: {
          x,
          y,
          fill: {
            field: 'source',
            type: 'nominal',
            scale: { domain: [YOY_SOURCE_WORDS.reported, YOY_SOURCE_WORDS.computed], range: [COLORS.reported, 'white'] },
            legend: input.points.some((p) => p.source !== null) ? { title: YOY_SOURCE_LEGEND, orient: 'top' } : null,
          },
          tooltip: [
            { field: 'label', title: TOOLTIP.period },
            { field: 'text', title: TOOLTIP.value },
            { field: 'source', title: TOOLTIP.source },
            { field: 'flag', title: TOOLTIP.flag },
          ],
        },
      },
      {
        mark: { type: 'text', dy: -12, fontSize: 11, color: COLORS.highlight },
        encoding: { x, y, text: { field: 'flagText', type: 'nominal' } },
      },
    ],
    config: CHART_CONFIG,
  };
}
