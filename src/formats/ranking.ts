/**
 * A ranking as a spreadsheet (CSV or xlsx): one row per peer in rank order,
 * then the peers left unranked with the reason, as the JSON answer lists
 * them under `missing`.
 */
import { YOY_DECIMALS, type Indicator } from '../domain/types.ts';
import { decimalsFormat, type Table } from './table.ts';

/** The fields of a ranking answer a spreadsheet shows (schemas/analytics.ts has them all). */
export interface RankingForTable {
  period: string;
  by: string;
  rows: ReadonlyArray<{
    region: string;
    name: string;
    value: number;
    yoy: number | null;
    yoySource: string | null;
    yoyComputed: number | null;
    status: string | null;
    rank: number;
    previousRank: number | null;
    rankChange: number | null;
    completion?: number | null;
    gapAbove?: number | null;
    gapBelow?: number | null;
    vsAverage?: number | null;
  }>;
  missing: ReadonlyArray<{ region: string; name: string; reason: string }>;
}

export function rankingTable(ranking: RankingForTable, indicator: Indicator): Table {
  const growth = decimalsFormat(YOY_DECIMALS);
  return {
    sheet: `${indicator.name} ${ranking.period}`,
    columns: [
      { header: 'rank', kind: 'number', numberFormat: '0' },
      { header: 'region', kind: 'text' },
      { header: 'name', kind: 'text' },
      { header: 'value', kind: 'number', numberFormat: decimalsFormat(indicator.decimals) },
      { header: 'yoy', kind: 'number', numberFormat: growth },
      { header: 'yoySource', kind: 'text' },
      { header: 'yoyComputed', kind: 'number', numberFormat: growth },
      { header: 'status', kind: 'text' },
      { header: 'previousRank', kind: 'number', numberFormat: '0' },
      { header: 'rankChange', kind: 'number', numberFormat: '0' },
      // The gaps are in the ranked metric: growth at 0.1, completion at 0.1, or the figure at its decimals.
      { header: 'completion', kind: 'number', numberFormat: growth },
      { header: 'gapAbove', kind: 'number', numberFormat: ranking.by === 'value' ? decimalsFormat(indicator.decimals) : growth },
      { header: 'gapBelow', kind: 'number', numberFormat: ranking.by === 'value' ? decimalsFormat(indicator.decimals) : growth },
      { header: 'vsAverage', kind: 'number', numberFormat: growth },
      { header: 'missing', kind: 'text' },
    ],
    rows: [
      ...ranking.rows.map((r) => [
        r.rank,
        r.region,
        r.name,
        r.value,
        r.yoy,
        r.yoySource,
        r.yoyComputed,
        r.status,
        r.previousRank,
        r.rankChange,
        r.completion ?? null,
        r.gapAbove ?? null,
        r.gapBelow ?? null,
        r.vsAverage ?? null,
        null,
      ]),
      ...ranking.missing.map((m) => [null, m.region, m.name, null, null, null, null, null, null, null, null, null, null, null, m.reason]),
    ],
  };
}

/** Progress against targets (GET /v1/progress) as a spreadsheet: a row per region, in rank order by completion. */
export interface ProgressForTable {
  period: string;
  timeProgress: number;
  rows: ReadonlyArray<{
    region: string;
    name: string;
    value: number | null;
    yoy: number | null;
    target: { kind: string; value: number } | null;
    completion: number | null;
    gap: number | null;
    rank: number | null;
    growthTarget: number | null;
    growthGap: number | null;
  }>;
}

export function progressTable(progress: ProgressForTable, indicator: Indicator): Table {
  const tenth = decimalsFormat(1);
  return {
    sheet: `${indicator.name} ${progress.period}`,
    columns: [
      { header: 'rank', kind: 'number', numberFormat: '0' },
      { header: 'region', kind: 'text' },
      { header: 'name', kind: 'text' },
      { header: 'value', kind: 'number', numberFormat: decimalsFormat(indicator.decimals) },
      { header: 'yoy', kind: 'number', numberFormat: decimalsFormat(YOY_DECIMALS) },
      { header: 'targetKind', kind: 'text' },
      { header: 'target', kind: 'number', numberFormat: decimalsFormat(indicator.decimals) },
      { header: 'completion', kind: 'number', numberFormat: tenth },
      { header: 'timeProgress', kind: 'number', numberFormat: tenth },
      { header: 'gap', kind: 'number', numberFormat: tenth },
      { header: 'growthTarget', kind: 'number', numberFormat: tenth },
      { header: 'growthGap', kind: 'number', numberFormat: tenth },
    ],
    rows: progress.rows.map((r) => [
      r.rank,
      r.region,
      r.name,
      r.value,
      r.yoy,
      r.target?.kind ?? null,
      r.target?.value ?? null,
      r.completion,
      progress.timeProgress,
      r.gap,
      r.growthTarget,
      r.growthGap,
    ]),
  };
}
