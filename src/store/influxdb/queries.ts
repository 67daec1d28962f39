/**
 * InfluxQL text lives in `queries/`, one file per query. A statement is the
 * file with its parameters renamed apart (several statements share one
 * `params` object) and with `{{regions}}` expanded to bound parameters: no
 * value from a request is ever pasted into the text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUERIES_DIR } from '../../paths.ts';
import type { ParamValue } from './http.ts';

export type QueryName =
  | 'current-slice'
  | 'current-series'
  | 'values-range'
  | 'indicator-all'
  | 'latest-before'
  | 'revisions'
  | 'revisions-slice'
  | 'revisions-series'
  | 'receipts'
  | 'receipts-between'
  | 'marker'
  | 'indicator-marks'
  | 'releases'
  | 'regions-with-figures'
  | 'reports'
  | 'report'
  | 'state'
  | 'catalog'
  | 'catalog-slots'
  | 'receipt-lanes'
  | 'targets'
  | 'tokens'
  | 'access-page'
  | 'reviews'
  | 'leases'
  | 'review-count'
  | 'templates'
  | 'template-parts'
  | 'database-exists'
  | 'create-database';

const cache = new Map<QueryName, string>();

/** A query's text without its comment lines. */
export function queryText(name: QueryName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(QUERIES_DIR, `${name}.influxql`), 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('--'))
      .join('\n')
      .trim();
    cache.set(name, text);
  }
  return text;
}

export interface Statement {
  text: string;
  params: Record<string, ParamValue>;
}

/**
 * One statement of `name` with its parameters suffixed by `n`, so that
 * statements can be sent together; `regions` (when given) restricts it to
 * those regions through bound parameters.
 */
export function statement(
  name: QueryName,
  n: number,
  params: Record<string, ParamValue>,
  regions: readonly string[] | null = null,
  filters: readonly string[] = [],
): Statement {
  const bound: Record<string, ParamValue> = {};
  for (const [key, value] of Object.entries(params)) bound[`${key}_${n}`] = value;
  let regionClause = '';
  if (regions !== null) {
    regionClause = ` AND (${regions.map((_, j) => `"region" = $region_${n}_${j}`).join(' OR ')})`;
    regions.forEach((region, j) => (bound[`region_${n}_${j}`] = region));
  }
  const text = queryText(name)
    .replace(/\$([A-Za-z][A-Za-z0-9]*)\b/g, (match, key: string) => (key in params ? `$${key}_${n}` : match))
    .replace(/\{\{regions\}\}/g, regionClause)
    // Optional equality filters on parameters that are given: text from the tag name, values bound.
    .replace(/\{\{filters\}\}/g, filters.map((tag) => ` AND "${tag}" = $${tag}_${n}`).join(''));
  return { text, params: bound };
}

/** RFC 3339 time of a period's first day, the timestamp of its figures. */
export function periodTime(period: string): string {
  return `${period}-01T00:00:00Z`;
}

/** Seconds since the epoch of a period's first day. */
export function periodSeconds(period: string): number {
  return Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)) - 1, 1) / 1000;
}

export function secondsToPeriod(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A database name as an InfluxQL identifier; names are codes ([A-Za-z0-9_.-]), so quoting is enough. */
export function identifier(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new Error(`not a database name: ${name}`);
  return `"${name}"`;
}
