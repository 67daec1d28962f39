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
      { header: 'missing', kind: 'text' },
    ],
    rows: [
      ...ranking.rows.map((r) => [r.rank, r.region, r.name, r.value, r.yoy, r.yoySource, r.yoyComputed, r.status, r.previousRank, r.rankChange, null]),
      ...ranking.missing.map((m) => [null, m.region, m.name, null, null, null, null, null, null, null, m.reason]),
    ],
  };
}
