/**
 * Stored figures as downloads (API.md, Office formats): the import's own
 * columns first (indicator, region, period, value, yoy, status, reason,
 * note: services/columns.ts IMPORT_COLUMNS), so a downloaded CSV or
 * workbook posts back unchanged, then the names for people (regionName,
 * indicatorName), which the import skips. SDMX-CSV leaves the reason and
 * note out (sdmx.ts says why).
 * `observationFormats` is the registry GET /v1/observations answers from.
 */
import type { Reason } from '../domain/corrections.ts';
import type { Indicator, Status } from '../domain/types.ts';
import { YOY_DECIMALS } from '../domain/types.ts';
import { IMPORT_COLUMNS } from '../services/columns.ts';
import { tableCsv } from './csv.ts';
import { Renderers } from './negotiate.ts';
import { sdmxCsv } from './sdmx.ts';
import { decimalsFormat, type Table } from './table.ts';
import type { OffloadContext } from './render-pool.ts';

export interface ObservationRow {
  indicator: string;
  region: string;
  period: string;
  value: number;
  yoy: number | null;
  status: Status | null;
  /** Why the version shown changed the figure, and its note (absent or null: none given). */
  reason?: Reason | null;
  note?: string | null;
}

export interface ObservationsInput {
  observations: readonly ObservationRow[];
  /** The cursor of the next page. */
  next: string | null;
  /** The instant answered, when the request pinned one. */
  asOf?: string | undefined;
  /** The one indicator listed: its name and published precision. */
  indicator: Indicator;
  regionName: (code: string) => string;
}

/** Columns the CSV and workbook import reads, then the ones it skips (services/columns.ts, IGNORED_COLUMNS). */
export const OBSERVATION_COLUMNS = [...IMPORT_COLUMNS, 'regionName', 'indicatorName'] as const;

export function observationTable(input: ObservationsInput): Table {
  const { indicator } = input;
  return {
    sheet: `${indicator.name} ${indicator.code}`,
    columns: [
      { header: 'indicator', kind: 'text' },
      { header: 'region', kind: 'text' },
      { header: 'period', kind: 'text' },
      { header: 'value', kind: 'number', numberFormat: decimalsFormat(indicator.decimals) },
      { header: 'yoy', kind: 'number', numberFormat: decimalsFormat(YOY_DECIMALS) },
      { header: 'status', kind: 'text' },
      { header: 'reason', kind: 'text' },
      { header: 'note', kind: 'text' },
      { header: 'regionName', kind: 'text' },
      { header: 'indicatorName', kind: 'text' },
    ],
    rows: input.observations.map((o) => [o.indicator, o.region, o.period, o.value, o.yoy, o.status, o.reason ?? null, o.note ?? null, input.regionName(o.region), indicator.name]),
  };
}

export const observationFormats = new Renderers<ObservationsInput, OffloadContext>('observations')
  .register('json', (input) => ({ ...(input.asOf === undefined ? {} : { asOf: input.asOf }), observations: input.observations as unknown as Record<string, unknown>[], next: input.next }))
  .register('csv', (input) => tableCsv(observationTable(input)))
  .register('xlsx', (input, { render }) => render.bytes({ kind: 'xlsx', table: observationTable(input) }))
  .register('sdmx-csv', (input) => sdmxCsv(input.observations));
