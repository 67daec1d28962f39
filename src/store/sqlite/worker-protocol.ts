/** Messages between the SQLite store and its writer thread. */
import type { Target } from '../../domain/types.ts';
import type { CatalogChanges, ReviewDecision, StoredToken, TemplateKind, WriteCounts } from '../store.ts';
import type { EncodedRows } from './encoding.ts';

/**
 * `receivedAt` on a begin or a withdrawal is the caller's receive time (ms),
 * or null: the writer stamps it as the write's transaction begins, in the
 * order writes number their versions.
 */
export type WorkerRequest =
  | { type: 'begin'; id: number; receivedAt: number | null; by: string; dryRun: boolean }
  | { type: 'rows'; id: number; rows: EncodedRows }
  | { type: 'commit'; id: number }
  | { type: 'abort'; id: number }
  | { type: 'catalog'; id: number; changes: CatalogChanges }
  | { type: 'targets'; id: number; targets: Target[] }
  | { type: 'reports'; id: number; reports: ReportRow[] }
  | { type: 'claim'; id: number; key: string; slot: string }
  | { type: 'withdraw'; id: number; indicator: number; period: number; region: number; receivedAt: number | null; by: string; reason: string | null; note: string | null }
  | { type: 'releases'; id: number; releases: ReleaseRow[] }
  | { type: 'save-token'; id: number; token: StoredToken }
  | { type: 'revoke-token'; id: number; token: string; at: number }
  | { type: 'touch-tokens'; id: number; uses: Array<{ id: string; lastUsedAt: number }> }
  | { type: 'access'; id: number; entries: AccessRow[] }
  | { type: 'review'; id: number; decision: ReviewDecision }
  | { type: 'save-template'; id: number; template: TemplateRow }
  | { type: 'delete-templates'; id: number; name: string; kind: TemplateKind | null }
  | { type: 'close'; id: number };

/** A report as stored: facts as JSON text, times in ms. */
export interface ReportRow {
  region: string;
  period: string;
  generatedAt: number;
  trigger: string;
  digest: string;
  failures: number;
  facts: string;
  /** JSON array. */
  quotes: string;
}

/** A month's release setting as stored, one version of it. */
export interface ReleaseRow {
  indicator: string;
  period: string;
  changedAt: number;
  releaseAt: number | null;
  by: string;
}

/** An access-log entry as stored: months as JSON text. */
export interface AccessRow {
  at: number;
  holder: string;
  role: string;
  method: string;
  path: string;
  /** JSON array of [indicator, period]. */
  months: string;
}

/**
 * A template as stored: times in ms, tags as JSON text, and its bytes in an
 * array of their own (transferred to the writer, never the caller's buffer).
 */
export interface TemplateRow {
  name: string;
  kind: TemplateKind;
  size: number;
  sha256: string;
  savedAt: number;
  savedBy: string;
  /** JSON array. */
  tags: string;
  bytes: Uint8Array;
}

export type WorkerReply =
  | { type: 'done'; id: number; counts: WriteCounts; slices: number[]; result?: unknown }
  | { type: 'failed'; id: number; message: string; code: string | null };
