/**
 * Tables as CSV the way Excel and WPS on a Chinese system open them:
 * UTF-8 with a byte order mark (without it Excel reads the bytes as GBK and
 * the names come out garbled), RFC 4180 quoting, and CRLF line ends (RFC
 * 4180's, and what Excel itself writes; WPS and csv-parse read either).
 */
import { neutralise, numberText, type Cell, type Table } from './table.ts';

const BOM = '\ufeff';
const NEEDS_QUOTES = /[",\r\n]/;
export const CSV_LINE_END = '\r\n';

export interface CsvOptions {
  /** Start with a BOM: every CSV answer but SDMX-CSV does. */
  bom: boolean;
  /** Neutralise text cells that could read as formulas (table.ts): every CSV answer but SDMX-CSV, which holds no free text. */
  neutralise: boolean;
}

function field(cell: Cell, guard: boolean): string {
  if (cell === null) return '';
  const text = typeof cell === 'number' ? numberText(cell) : guard ? neutralise(cell) : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(header: readonly string[], rows: readonly (readonly Cell[])[], options: CsvOptions): string {
  const lines = [header.map((h) => field(h, options.neutralise)).join(',')];
  for (const row of rows) lines.push(row.map((c) => field(c, options.neutralise)).join(','));
  return (options.bom ? BOM : '') + lines.join(CSV_LINE_END) + CSV_LINE_END;
}

/** A table as an Excel-ready CSV download (BOM, neutralised text). */
export function tableCsv(table: Table): Buffer {
  return Buffer.from(
    csvText(
      table.columns.map((c) => c.header),
      table.rows,
      { bom: true, neutralise: true },
    ),
    'utf8',
  );
}
