/**
 * Observation rows as typed arrays of catalog ids, months and figures: they
 * cross to the writer worker as transferred buffers, without copying.
 */
import type { Reason } from '../../domain/corrections.ts';
import type { Status } from '../../domain/types.ts';

const STATUS_CODES: ReadonlyArray<Status | null> = [null, 'p', 'e', 'r', 'b'];
const REASON_CODES: ReadonlyArray<Reason | null> = [null, 'revision', 'correction', 'reclassification'];

export interface EncodedRows {
  length: number;
  indicator: Int32Array;
  period: Int32Array;
  region: Int32Array;
  value: Float64Array;
  /** NaN stands for no reported growth (a finite yoy is never NaN). */
  yoy: Float64Array;
  status: Uint8Array;
  /** Why each row changes its figure (0: not given). */
  reason: Uint8Array;
  /** Each row's note, or null for the whole part when no row has one (most batches): nothing more to copy. */
  notes: Array<string | null> | null;
}

export function allocateRows(length: number): EncodedRows {
  return {
    length,
    indicator: new Int32Array(length),
    period: new Int32Array(length),
    region: new Int32Array(length),
    value: new Float64Array(length),
    yoy: new Float64Array(length),
    status: new Uint8Array(length),
    reason: new Uint8Array(length),
    notes: null,
  };
}

export function encodeStatus(status: Status | null): number {
  return STATUS_CODES.indexOf(status);
}

export function decodeStatus(code: number): Status | null {
  return STATUS_CODES[code] ?? null;
}

export function encodeReason(reason: Reason | null | undefined): number {
  return reason === null || reason === undefined ? 0 : REASON_CODES.indexOf(reason);
}

export function decodeReason(code: number): Reason | null {
  return REASON_CODES[code] ?? null;
}

export function transferList(rows: EncodedRows): ArrayBuffer[] {
  return [rows.indicator, rows.period, rows.region, rows.value, rows.yoy, rows.status, rows.reason].map((a) => a.buffer as ArrayBuffer);
}
