/**
 * The scorecard chart: one region's standing on every indicator in a month,
 * as a table of coloured cells: rank by growth and by size out of how many,
 * the change since the previous ranking, and 短板 where the indicator ranks
 * in the bottom third.
 */
import type { TopLevelSpec } from 'vega-lite';
import { rankMove } from '../src/domain/phrasing.ts';
import { CHART_CONFIG, SCHEMA } from './theme.ts';

export interface ScorecardCell {
  indicator: string;
  /** The indicator's name, the row label. */
  name: string;
  order: number;
  column: '增速位次' | '总量位次' | '位次变化' | '短板';
  text: string;
  /** 0 = best, 1 = worst; null for a cell without a rank. */
  position: number | null;
}

export interface ScorecardChartInput {
  title: string;
  subtitle: string[];
  cells: ScorecardCell[];
}

const COLUMNS = ['增速位次', '总量位次', '位次变化', '短板'];

export interface StandingRow {
  indicator: string;
  name: string;
  byYoy: { rank: number | null; ranked: number };
  byValue: { rank: number | null; ranked: number };
  /** Change on the indicator's default metric. */
  rankChange: number | null;
  weak: boolean;
}

/** 0 for first, 1 for last; null unranked. */
const position = (rank: number | null, ranked: number) => (rank === null ? null : ranked <= 1 ? 0 : (rank - 1) / (ranked - 1));

/** The table's cells: rank by growth and by size out of how many, the move, and 短板. */
export function scorecardCells(rows: readonly StandingRow[]): ScorecardCell[] {
  return rows.flatMap((row, order) => {
    const base = { indicator: row.indicator, name: row.name, order };
    return [
      { ...base, column: '增速位次' as const, text: row.byYoy.rank === null ? '—' : `${row.byYoy.rank}/${row.byYoy.ranked}`, position: position(row.byYoy.rank, row.byYoy.ranked) },
      { ...base, column: '总量位次' as const, text: row.byValue.rank === null ? '—' : `${row.byValue.rank}/${row.byValue.ranked}`, position: position(row.byValue.rank, row.byValue.ranked) },
      { ...base, column: '位次变化' as const, text: row.rankChange === null ? '—' : rankMove(row.rankChange), position: null },
      { ...base, column: '短板' as const, text: row.weak ? '短板' : '', position: row.weak ? 1 : null },
    ];
  });
}

export function scorecardChart(input: ScorecardChartInput): TopLevelSpec {
  const rows = new Set(input.cells.map((c) => c.indicator)).size;
  const x = { field: 'column', type: 'nominal' as const, sort: COLUMNS, title: null, axis: { orient: 'top' as const, labelAngle: 0, domain: false, ticks: false } };
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
