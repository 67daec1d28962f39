/**
 * The progress chart: each region's completion of its annual target (完成率)
 * as a bar in rank order, with time progress (序时进度) drawn across as a
 * dashed rule, so a bar short of the rule is behind the year. The ranking
 * chart's drawing, with the rule as its reference.
 */
import type { TopLevelSpec } from 'vega-lite';
import { COMPLETION_AXIS } from '../src/domain/words/charts.ts';
import { rankingChart, type RankingBar } from './ranking.ts';

export interface ProgressChartInput {
  title: string;
  subtitle: string[];
  bars: RankingBar[];
  /** How many were ranked: each bar's rank reads of how many (3/9). */
  ranked?: number;
  /** 序时进度 at 0.1, and how it reads (序时进度50.0%). */
  timeProgress: number;
  timeProgressLabel: string;
  highlight: string | null;
  notes: string[];
}

export function progressChart(input: ProgressChartInput): TopLevelSpec {
  return rankingChart({
    title: input.title,
    subtitle: input.subtitle,
    axisTitle: COMPLETION_AXIS,
    bars: input.bars,
    ...(input.ranked === undefined ? {} : { ranked: input.ranked }),
    highlight: input.highlight,
    notes: input.notes,
    rule: { value: input.timeProgress, label: input.timeProgressLabel },
  });
}
