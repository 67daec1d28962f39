/**
 * The progress chart: each region's completion of its annual target (完成率)
 * as a bar in rank order, with time progress (序时进度) drawn across as a
 * dashed rule, so a bar short of the rule is behind the year. The ranking
 * chart's drawing, with the rule as its reference.
 */
import type { TopLevelSpec } from 'vega-lite';
import { rankingChart, type RankingBar } from './ranking.ts';

export interface ProgressChartInput {
  title: string;
  subtitle: string[];
  bars: RankingBar[];
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
    axisTitle: '完成率(%)',
    bars: input.bars,
    highlight: input.highlight,
    notes: input.notes,
    rule: { value: input.timeProgress, label: input.timeProgressLabel },
  });
}
