/**
 * The scorecard chart: one region's standing on every indicator in a month,
 * as a table of coloured cells: rank by growth and by size out of how many,
 * the change since the previous ranking, and 短板 where the indicator ranks
 * in the bottom third. Ranks and changes read as report tables write them
 * (并列3/9, ↑2: words/ranks.ts rankCell, rankChangeCell).
 */
import type { TopLevelSpec } from 'vega-lite';
import { SCORECARD_COLUMNS, WEAK_WORD, type ScorecardColumn } from '../src/domain/words/charts.ts';
import { rankCell, rankChangeCell } from '../src/domain/words/ranks.ts';
import { CHART_CONFIG, SCHEMA } from './theme.ts';

export interface ScorecardCell {
  indicator: string;
  /** The indicator's name, the row label. */
  name: string;
  order: number;
  column: ScorecardColumn;
  text: string;
  /** 0 = best, 1 = worst; null for a cell without a rank. */
  position: number | null;
}

export interface ScorecardChartInput {
  title: string;
  subtitle: string[];
  cells: ScorecardCell[];
}

export interface StandingRow {
  indicator: string;
  name: string;
  /** Each rank of how many, and whether it is shared with another peer (并列). */
  byYoy: { rank: number | null; ranked: number; tied: boolean };
  byValue: { rank: number | null; ranked: number; tied: boolean };
  /** Change on the indicator's default metric. */
  rankChange: number | null;
  weak: boolean;
}

/** 0 for first, 1 for last; null unranked. */
const position = (rank: number | null, ranked: number) => (rank === null ? null : ranked <= 1 ? 0 : (rank - 1) / (ranked - 1));

/** The table's cells: rank by growth and by size out of how many (并列3/9), the move (↑2), and 短板. */
export function scorecardCells(rows: readonly StandingRow[]): ScorecardCell[] {
  const [byYoy, byValue, change, weak] = SCORECARD_COLUMNS;
  return rows.flatMap((row, order) => {
    const base = { indicator: row.indicator, name: row.name, order };
    return [
      { ...base, column: byYoy, text: rankCell(row.byYoy.rank, row.byYoy.ranked, row.byYoy.tied), position: position(row.byYoy.rank, row.byYoy.ranked) },
      { ...base, column: byValue, text: rankCell(row.byValue.rank, row.byValue.ranked, row.byValue.tied), position: position(row.byValue.rank, row.byValue.ranked) },
      { ...base, column: change, text: rankChangeCell(row.rankChange), position: null },
      { ...base, column: weak, text: row.weak ? WEAK_WORD : '', position: row.weak ? 1 : null },
    ];
  });
}

export function scorecardChart(input: ScorecardChartInput): TopLevelSpec {
  const rows = new Set(input.cells.map((c) => c.indicator)).size;
  const x = { field: 'column', type: 'nominal' as const, sort: [...SCORECARD_COLUMNS], title: null, axis: { orient: 'top' as const, labelAngle: 0, domain: false, ticks: false } };
  const y = { field: 'name', type: 'nominal' as const, sort: { field: 'order', op: 'min' as const }, title: null, axis: { domain: false, ticks: false, labelLimit: 240 } };
  return {
    $schema: SCHEMA,
    title: { text: input.title, subtitle: input.subtitle },
    width: { step: 90 },
    height: { step: 26 },
    data: { values: input.cells },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
        encoding: {
          x,
          y,
          color: {
            condition: {
              test: 'datum.position != null',
              field: 'position',
              type: 'quantitative',
              scale: { domain: [0, 1], range: ['#1a9850', '#ffffbf', '#d73027'] },
              legend: null,
            },
            value: '#f2f2f2',
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 12 },
        encoding: { x, y, text: { field: 'text', type: 'nominal' }, color: { value: '#222222' } },
      },
    ],
    ...(rows === 0 ? { height: 40 } : {}),
    config: { ...CHART_CONFIG, axis: { ...CHART_CONFIG.axis, grid: false } },
  };
}
