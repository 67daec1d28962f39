/** Messages between the SQLite store and its writer thread. */
import type { CatalogChanges, WriteCounts } from '../store.ts';
import type { EncodedRows } from './encoding.ts';

export type WorkerRequest =
  | { type: 'begin'; id: number; receivedAt: number; by: string; dryRun: boolean }
  | { type: 'rows'; id: number; rows: EncodedRows }
  | { type: 'commit'; id: number }
  | { type: 'abort'; id: number }
  | { type: 'catalog'; id: number; changes: CatalogChanges }
  | { type: 'close'; id: number };

export type WorkerReply =
  | { type: 'done'; id: number; counts: WriteCounts; slices: number[] }
  | { type: 'failed'; id: number; message: string; code: string | null };
