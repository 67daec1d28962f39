/** Messages between the main thread and a workbook-parsing worker. */
import type { ErrorCode, ErrorDetail } from '../../errors.ts';
import type { ImportColumn } from '../columns.ts';
import type { PackedRows } from './transfer.ts';

export interface ParseJob {
  /** The body, copied and transferred: the worker owns it. */
  bytes: ArrayBuffer;
  sheet: string | null;
  inflateMb: number;
  maxEntries: number;
}

export type ParseReply =
  | { type: 'head'; sheet: string; columns: ImportColumn[] }
  | ({ type: 'rows' } & PackedRows)
  | { type: 'end' }
  | { type: 'fault'; code: ErrorCode; message: string; details?: ErrorDetail[]; detailsTotal?: number };
