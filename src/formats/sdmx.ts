/**
 * Figures as SDMX-CSV 2.0 (the SDMX Technical Working Group's "SDMX-CSV
 * format version 2.0"), for statistical systems that load SDMX: UTF-8
 * without BOM, one row per observation, the dataflow named on every row.
 *
 * The dataflow is this service's own: agency `REGIND` (the service as its
 * maintainer; not registered with the SDMX Global Registry), id
 * `DF_REGIONAL_MONTHLY`, version `1.0.0`, with dimensions INDICATOR (the
 * indicator's code), REF_AREA (the region's code), TIME_PERIOD (`2022-06`,
 * the ISO 8601 month SDMX accepts), the measure OBS_VALUE and the attribute
 * OBS_STATUS (SDMX's CL_OBS_STATUS letters, upper case: P provisional, E
 * estimated, R revised, B break; empty when the bureau sent none). A bureau
 * that registers a structure of its own changes these three constants.
 *
 * A version's reason and note (API.md "Corrections") are left out: an
 * SDMX-CSV file's columns are its dataflow's components, and this
 * dataflow's structure (1.0.0) has no attribute for them. SDMX has no
 * cross-domain code list for why an observation changed (its COMMENT_OBS is
 * free text only), and a column added under the same structure version
 * breaks loaders that check the header against the structure. They stay in
 * the JSON, CSV and xlsx downloads, the history and the changes feed; a
 * structure of version 1.1.0 with a coded attribute and COMMENT_OBS would
 * carry them here.
 */
import type { Status } from '../domain/types.ts';
import { csvText } from './csv.ts';
import { numberText } from './table.ts';

export const SDMX_AGENCY = 'REGIND';
export const SDMX_DATAFLOW = 'DF_REGIONAL_MONTHLY';
export const SDMX_DATAFLOW_VERSION = '1.0.0';
export const SDMX_STRUCTURE_ID = `${SDMX_AGENCY}:${SDMX_DATAFLOW}(${SDMX_DATAFLOW_VERSION})`;

export const SDMX_HEADER = ['STRUCTURE', 'STRUCTURE_ID', 'ACTION', 'INDICATOR', 'REF_AREA', 'TIME_PERIOD', 'OBS_VALUE', 'OBS_STATUS'] as const;
/** ACTION `I`: information, the figures as they stand (no instruction to replace or delete). */
const ACTION = 'I';

export interface SdmxObservation {
  indicator: string;
  region: string;
  period: string;
  value: number;
  status: Status | null;
}

/**
 * Codes, months and numbers only: nothing here is free text, so nothing is
 * neutralised (a negative OBS_VALUE must stay a number).
 */
export function sdmxCsv(observations: readonly SdmxObservation[]): Buffer {
  const rows = observations.map((o) => ['dataflow', SDMX_STRUCTURE_ID, ACTION, o.indicator, o.region, o.period, numberText(o.value), o.status === null ? '' : o.status.toUpperCase()]);
  return Buffer.from(csvText(SDMX_HEADER, rows, { bom: false, neutralise: false }), 'utf8');
}
