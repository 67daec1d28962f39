/** Messages between the service and its rendering thread (render-pool.ts, render-worker.ts). */
import type { ReportFacts } from '../domain/report.ts';
import type { ErrorCode, ErrorDetail } from '../errors.ts';
import type { ReportRecord } from '../store/store.ts';
import type { Table } from './table.ts';

export type RenderTask =
  | { kind: 'xlsx'; table: Table }
  | { kind: 'report-docx'; facts: ReportFacts; record: ReportRecord; timeZone: string; scale: number; fontFiles: string[]; template: Uint8Array }
  | { kind: 'report-html'; facts: ReportFacts; record: ReportRecord; timeZone: string; template: { text: string; key: string } };

export type RenderJob = RenderTask & { id: number };

export type RenderReply =
  | { id: number; ok: true; body: Uint8Array | string; warnings: string[] }
  | { id: number; ok: false; message: string; error?: { code: ErrorCode; message: string; details?: ErrorDetail[] } };
