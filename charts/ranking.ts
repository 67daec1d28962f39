/**
 * The ranking chart: peers' bars in rank order for one indicator and month,
 * the highlighted region in its own colour, rank and figure labelled with
 * units, each rank written as report tables write it (3/9, a tie 并列3/9:
 * words/ranks.ts rankCell), the peers left out named beneath.
 */
import type { TopLevelSpec } from 'vega-lite';
import { barRank, rankLabel, TOOLTIP } from '../src/domain/words/charts.ts';
import { footnote } from './footnote.ts';
import { CHART_CONFIG, COLORS, SCHEMA } from './theme.ts';

export interface RankingBar {
  region: string;
  name: string;
  rank: number;
  tied: boolean;
  /** The figure ranked, at published precision. */
  metric: number;
  /** The figure as printed: 122.4%, 121.43亿元. */
  text: string;
}

export interface RankingChartInput {
  title: string;
  subtitle: string[];
  /** Axis title, with its unit. */
  axisTitle: string;
  bars: RankingBar[];
  /**
   * How many peers were ranked: each bar's rank reads of how many, as report
   * tables write it (3/9, 并列3/9). Absent (a caller written before it), the
   * rank alone (并列3): the bars shown may be the top ones only, so their
   * count is not how many were ranked.
   */
  ranked?: number;
  highlight: string | null;
  /** Lines under the chart: peers not ranked, peers not shown. */
  notes: string[];
  /** A reference drawn across the bars: the area's average growth, or time progress (序时进度). */
  rule?: { value: number; label: string } | null;
}

const ROW_HEIGHT = 24;
const WIDTH = 480;

/** A dashed reference line over the bars with its label just above them; it shares the bars' x scale and axis title. */
function ruleLayers(rule: { value: number; label: string }, title: string) {
  const data = { values: [{ metric: rule.value, ruleLabel: rule.label }] };
  const x = { field: 'metric', type: 'quantitative' as const, title };
  return [
    { data, mark: { type: 'rule' as const, color: COLORS.rule, strokeDash: [4, 3], strokeWidth: 1.5 }, encoding: { x } },
    {
      data,
      // Above the first bar, not over it: orange on the highlighted bar's red could not be read.
      mark: { type: 'text' as const, align: 'left' as const, baseline: 'bottom' as const, dx: 3, dy: -2, fontSize: 10, color: COLORS.rule },
      encoding: { x, y: { value: 0 }, text: { field: 'ruleLabel', type: 'nominal' as const } },
    },
  ];
}

export function rankingChart(input: RankingChartInput): TopLevelSpec {
  const ranked = input.ranked ?? null;
  const values = input.bars.map((b, order) => ({
    ...b,
    order,
    label: rankLabel(b.rank, ranked, b.tied, b.name),
    rankText: barRank(b.rank, ranked, b.tied),
    highlight: b.region === input.highlight,
    labelAt: Math.max(b.metric, 0),
  }));
  const y = { field: 'label', type: 'nominal' as const, sort: { field: 'order', op: 'min' as const }, title: null, axis: { labelLimit: 220, ticks: false, domain: false } };
  // With no bar the extent would be empty (and Vega warns): a fixed domain stands in.
  const x = { field: 'metric', type: 'quantitative' as const, title: input.axisTitle, axis: { grid: true }, ...(values.length === 0 ? { scale: { domain: [0, 1] } } : {}) };
  // Labels sit right of the bar's end, or of the zero line for a negative bar, clear of the region names.
  const label = {
    mark: { type: 'text' as const, align: 'left' as const, dx: 4, fontSize: 11 },
    encoding: {
      y,
      x: { field: 'labelAt', type: 'quantitative' as const },
      text: { field: 'text', type: 'nominal' as const },
      color: { condition: { test: 'datum.highlight', value: COLORS.highlight }, value: COLORS.text },
    },
  };
  const chart = {
    width: WIDTH,
    height: { step: ROW_HEIGHT },
    data: { values },
    layer: [
      {
        mark: { type: 'bar' as const, cornerRadiusEnd: 2, height: { band: 0.7 } },
        encoding: {
          y,
          x,
          color: { condition: { test: 'datum.highlight', value: COLORS.highlight }, value: COLORS.bar },
          tooltip: [
            { field: 'name', title: TOOLTIP.region },
            { field: 'rankText', title: TOOLTIP.rank },
            { field: 'text', title: TOOLTIP.value },
          ],
        },
      },
      label,
      ...(input.rule == null ? [] : ruleLayers(input.rule, input.axisTitle)),
    ],
  };
  const title = { text: input.title, subtitle: input.subtitle };
  if (input.notes.length === 0) return { $schema: SCHEMA, title, ...chart, config: CHART_CONFIG };
  return { $schema: SCHEMA, title, vconcat: [chart, footnote(input.notes, WIDTH)], spacing: 8, config: CHART_CONFIG } as TopLevelSpec;
}
