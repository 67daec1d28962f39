/**
 * A table as the spreadsheet formats (CSV, xlsx) write it: typed columns
 * and rows of cells. Which rows and columns a resource has is decided where
 * the resource is (observations.ts, ranking.ts); how cells are written, here
 * and in the writers.
 */

export type Cell = string | number | null;

export interface Column {
  /** The header cell. */
  header: string;
  kind: 'text' | 'number';
  /** Excel number format of the column's numbers, e.g. `0.00` for two decimals. */
  numberFormat?: string;
}

export interface Table {
  /** The xlsx sheet's name (at most 31 characters, none of `\ / ? * [ ] :`). */
  sheet: string;
  columns: Column[];
  rows: Cell[][];
}

/**
 * A text cell a spreadsheet could take for a formula (`=`, `+`, `-`, `@`,
 * and tab or carriage return before one, per OWASP's CSV injection advice)
 * gets a leading apostrophe, so Excel and WPS show it as the text it is.
 * Codes never start so (CODE_PATTERN); names and sentences might.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Excel's number format for a count of decimals: 0, 0.0, 0.00… */
export function decimalsFormat(decimals: number): string {
  const d = Math.max(0, Math.min(Math.trunc(decimals), MAX_FORMAT_DECIMALS));
  return d === 0 ? '0' : `0.${'0'.repeat(d)}`;
}
/** Excel shows at most 30 decimals in a format; no indicator comes near. */
const MAX_FORMAT_DECIMALS = 30;

/**
 * A number as text that reads back as the same double (JavaScript's
 * shortest round-trip form), never in exponent form for figures the service
 * accepts (|x| ≤ 1e15); `-0` is written 0.
 */
export function numberText(n: number): string {
  if (Object.is(n, -0)) return '0';
  return String(n);
}
