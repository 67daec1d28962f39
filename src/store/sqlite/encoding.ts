/**
 * Observation rows as typed arrays of catalog ids, months and figures: they
 * cross to the writer worker as transferred buffers, without copying.
 */
import type { Status } from '../../domain/types.ts';

const STATUS_CODES: ReadonlyArray<Status | null> = [null, 'p', 'e', 'r', 'b'];

export interface EncodedRows {
  length: number;
  indicator: Int32Array;
  period: Int32Array;
  region: Int32Array;
  value: Float64Array;
  /** NaN stands for no reported growth (a finite yoy is never NaN). */
  yoy: Float64Array;
  status: Uint8Array;
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
  };
}

export function encodeStatus(status: Status | null): number {
  return STATUS_CODES.indexOf(status);
}

export function decodeStatus(code: number): Status | null {
  return STATUS_CODES[code] ?? null;
}

export function transferList(rows: EncodedRows): ArrayBuffer[] {
  return [rows.indicator, rows.period, rows.region, rows.value, rows.yoy, rows.status].map((a) => a.buffer as ArrayBuffer);
}
