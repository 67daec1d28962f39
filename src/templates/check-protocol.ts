/** Messages between the service and a template-checking thread (checker.ts, check-worker.ts). */
import type { ErrorCode, ErrorDetail } from '../errors.ts';
import type { TemplateKind } from '../store/store.ts';

export interface CheckJob {
  kind: TemplateKind;
  bytes: Uint8Array;
}

export type CheckReply = { ok: true; tags: string[] } | { ok: false; code: ErrorCode; message: string; details: ErrorDetail[] };
