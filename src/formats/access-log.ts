/** The pre-release access log as a download (CSV, xlsx). */
import { Renderers } from './negotiate.ts';
import type { OffloadContext } from './render-pool.ts';
import { tableCsv } from './csv.ts';
import type { Table } from './table.ts';

export interface AccessPage {
  entries: Array<{ at: string; holder: string; role: string; method: string; path: string; months: Array<{ indicator: string; period: string }> }>;
  next: string | null;
}

/** A page of the log as a table: one row an entry, its months as `indicator period` pairs. */
export function accessTable(entries: AccessPage['entries']): Table {
  return {
    sheet: 'access-log',
    columns: ['at', 'holder', 'role', 'method', 'path', 'months'].map((header) => ({ header, kind: 'text' as const })),
    rows: entries.map((e) => [e.at, e.holder, e.role, e.method, e.path, e.months.map((m) => `${m.indicator} ${m.period}`).join('; ')]),
  };
}

export const accessLogFormats = new Renderers<AccessPage, OffloadContext>('access-log')
  .register('json', (page) => page as unknown as Record<string, unknown>)
  .register('csv', (page) => tableCsv(accessTable(page.entries)))
  .register('xlsx', (page, { render }) => render.bytes({ kind: 'xlsx', table: accessTable(page.entries) }));
