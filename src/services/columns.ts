/**
 * The columns a table of figures has, however it arrives (CSV or a
 * workbook): their names, the Chinese headers bureaus write, and how a
 * cell's text becomes a number. One place, so CSV and Excel read alike.
 */
import { HEADER_ALIASES, IGNORED_HEADERS } from '../domain/words/columns.ts';
import type { ErrorDetail } from '../errors.ts';

/** The import's columns, in the order a download writes them (reason and note: API.md "Corrections"). */
export const IMPORT_COLUMNS = ['indicator', 'region', 'period', 'value', 'yoy', 'status', 'reason', 'note'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly ImportColumn[] = ['indicator', 'region', 'period', 'value'];

/** Header names bureaus write in Chinese (words/columns.ts), mapped to the contract's columns. */
const ALIASES: Readonly<Record<string, ImportColumn>> = HEADER_ALIASES;

/**
 * Columns a download carries for people (src/formats/observations.ts) that
 * the import skips, so a downloaded file posts back unchanged.
 */
export const IGNORED_COLUMNS: ReadonlySet<string> = new Set(['regionname', 'indicatorname', ...IGNORED_HEADERS]);

/** The column a header names (English in any case, or a Chinese alias), or undefined. */
export function columnOf(header: string): ImportColumn | undefined {
  const name = header.trim();
  const english = name.toLowerCase();
  if ((IMPORT_COLUMNS as readonly string[]).includes(english)) return english as ImportColumn;
  // Own keys only: a column named toString or __proto__ is unknown, not Object.prototype's.
  return Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
}

/**
 * Columns of a header row (null for one the import skips), with a detail for
 * every unknown, missing or repeated column at `row`.
 */
export function headerColumns(header: readonly string[], row: number): { columns: Array<ImportColumn | null>; details: ErrorDetail[] } {
  const details: ErrorDetail[] = [];
  const columns = header.map((raw) => {
    const name = raw.trim();
    if (IGNORED_COLUMNS.has(name.toLowerCase())) return null;
    const column = columnOf(name);
    if (column === undefined) {
      details.push({ row, field: name, message: `unknown column "${name}"; expected ${IMPORT_COLUMNS.join(', ')}` });
      return null;
    }
    return column;
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.includes(column)) details.push({ row, field: column, message: `the header has no ${column} column` });
  }
  columns.forEach((column, i) => {
    if (column !== null && columns.indexOf(column) !== i) details.push({ row, field: column, message: `column ${column} appears twice` });
  });
  return { columns, details };
}

// Plain decimals, optionally with thousands separators as Excel formats them.
const NUMBER = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** A cell's text as a number when it is one; otherwise the text, for the row schema to reject. */
export function numberCell(text: string, allowPercent: boolean): number | string | undefined {
  let t = text.trim();
  if (t === '') return undefined;
  if (allowPercent && t.endsWith('%')) t = t.slice(0, -1).trim();
  if (!NUMBER.test(t) || !/\d/.test(t)) return text;
  return Number(t.replace(/,/g, ''));
}

/** A status cell as the schema takes it: trimmed, lower case, blank as none. */
export function statusCell(text: string): string | null {
  const t = text.trim();
  return t === '' ? null : t.toLowerCase();
}

/** A reason cell as the schema takes it: trimmed, lower case; blank is no reason (the row is read as without one). */
export function reasonCell(text: string): string | undefined {
  const t = text.trim();
  return t === '' ? undefined : t.toLowerCase();
}

/**
 * A note cell as the schema takes it: blank is no note. A download
 * neutralises text that a spreadsheet could take for a formula with a
 * leading apostrophe (formats/table.ts): the import takes it off again, so
 * the note posts back as it was.
 */
export function noteCell(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^'[=+\-@]/.test(t) ? t.slice(1) : t;
}
