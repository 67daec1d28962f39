/**
 * The rank-history (bump) chart: every shown peer's rank month by month,
 * rank 1 on top, the highlighted region drawn thick in its own colour and
 * the others in grey, each line named at its last month.
 */
import type { TopLevelSpec } from 'vega-lite';
import { RANK_AXIS, TOOLTIP } from '../src/domain/words/charts.ts';
import { footnote } from './footnote.ts';
import { CHART_CONFIG, COLORS, SCHEMA } from './theme.ts';

export interface RankPoint {
  period: string;
  label: string;
  region: string;
  name: string;
  rank: number;
  /** The rank as report tables write it, of how many were ranked that month: 3/9, 并列3/9 (words/ranks.ts rankCell). */
  rankText: string;
}

export interface RankHistoryInput {
  title: string;
  subtitle: string[];
  points: RankPoint[];
  highlight: string | null;
  /** The worst rank shown: the bottom of the axis. */
  maxRank: number;
  notes: string[];
}

const WIDTH = 560;

export function rankHistoryChart(input: RankHistoryInput): TopLevelSpec {
  const lastPeriod = input.points.reduce((last, p) => (p.period > last ? p.period : last), '');
  // Lines are drawn in data order: the highlighted one last, over the grey ones.
  const values = input.points
    .map((p) => ({ ...p, highlight: p.region === input.highlight, endName: p.period === lastPeriod ? p.name : '' }))
    .sort((a, b) => Number(a.highlight) - Number(b.highlight));
  const x = { field: 'label', type: 'ordinal' as const, sort: { field: 'period', op: 'min' as const }, title: null, axis: { labelAngle: 0, labelOverlap: true } };
  const y = {
    field: 'rank',
    type: 'quantitative' as const,
    title: RANK_AXIS,
    scale: { domain: [1, Math.max(2, input.maxRank)], reverse: true, nice: false },
    axis: { tickMinStep: 1, format: 'd' },
  };
  const emphasis = {
    color: { condition: { test: 'datum.highlight', value: COLORS.highlight }, value: COLORS.muted },
  };
  const chart = {
    width: WIDTH,
    height: Math.min(480, Math.max(200, input.maxRank * 22)),
    data: { values },
    layer: [
      {
        mark: { type: 'line' as const, interpolate: 'monotone' as const },
        encoding: {
          x,
          y,
          detail: { field: 'region', type: 'nominal' as const },
          ...emphasis,
          strokeWidth: { condition: { test: 'datum.highlight', value: 3.5 }, value: 1.5 },

        },
      },
      {
        mark: { type: 'point' as const, filled: true, size: 40 },
        encoding: {
          x,
          y,
          ...emphasis,
          tooltip: [
            { field: 'name', title: TOOLTIP.region },
            { field: 'label', title: TOOLTIP.period },
            { field: 'rankText', title: TOOLTIP.rank },
          ],
        },
      },
      {
        mark: { type: 'text' as const, align: 'left' as const, dx: 8, fontSize: 11 },
        encoding: { x, y, text: { field: 'endName', type: 'nominal' as const }, ...emphasis },
      },
    ],
  };
  const title = { text: input.title, subtitle: input.subtitle };
  if (input.notes.length === 0) return { $schema: SCHEMA, title, ...chart, config: CHART_CONFIG };
  return { $schema: SCHEMA, title, vconcat: [chart, footnote(input.notes, WIDTH)], spacing: 8, config: CHART_CONFIG } as TopLevelSpec;
}
