/**
 * A sheet's cells as the import's columns, inside the parsing worker: the
 * header found, each data row's cells converted as Excel and WPS users
 * mean them, numbered as Excel shows its rows (the first row is 1).
 */
import { SSF, type CellObject } from '@e965/xlsx';
import { ApiError, type ErrorDetail } from '../../errors.ts';
import { headerColumns, noteCell, numberCell, reasonCell, statusCell, type ImportColumn } from '../columns.ts';
import { MONTH_TEXT } from '../../domain/words/periods.ts';
import { XLSX_MAX_TITLE_ROWS } from './limits.ts';
import type { OpenSheet } from './workbook.ts';

/** A sheet's figures: `cells` holds `columns.length` values per row, row after row. */
export interface SheetRows {
  sheet: string;
  columns: ImportColumn[];
  numbers: number[];
  cells: unknown[];
}

type Cell = CellObject | undefined;

/** Past this length an array is walked by its keys, not its length. */
const DENSE_WALK_MAX = 1024;

/**
 * Present indices of a sparse array, ascending: a stray cell at XFD1048576
 * costs one entry, not a million. Short arrays (every ordinary row) are
 * walked directly, which is several times cheaper than listing keys.
 */
function indices(array: readonly unknown[]): number[] {
  if (array.length > DENSE_WALK_MAX) return Object.keys(array).map(Number);
  const out: number[] = [];
  for (let i = 0; i < array.length; i++) if (array[i] !== undefined) out.push(i);
  return out;
}

function isBlank(cell: Cell): boolean {
  return cell === undefined || cell.t === 'z' || cell.v === undefined || cell.v === null || (typeof cell.v === 'string' && cell.v.trim() === '');
}

function headerText(cell: Cell): string {
  if (cell === undefined || cell.t === 'e' || cell.v === undefined || cell.v === null) return '';
  return String(cell.v);
}

export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/** A format's literal text and escapes removed, so a quoted "%" or "年" is not taken for a code. */
const formatCodes = (z: string) => z.replace(/"[^"]*"|\\.|\[[^\]]*\]/g, '');
const isPercent = (z: unknown) => typeof z === 'string' && formatCodes(z).includes('%');
const isDate = (z: unknown) => typeof z === 'string' && SSF.is_date(z);

/** Days from 1899-12-30, Excel's day 0 after its 1900 leap-year quirk, to 1970-01-01. */
const EXCEL_EPOCH_DAYS = 25569;
/** The 1904 date system (old Mac workbooks) counts from 1904-01-01. */
const DAYS_1900_TO_1904 = 1462;
/** Serials before 61 predate Excel's phantom 1900-02-29. */
const PHANTOM_LEAP_DAY = 61;

/** The month of a date serial: a date cell names its month, whatever day it carries. */
export function periodOfSerial(serial: number, date1904: boolean): string | number {
  let days = Math.floor(serial) + (date1904 ? DAYS_1900_TO_1904 : 0);
  if (!date1904 && days < PHANTOM_LEAP_DAY) days += 1;
  const date = new Date((days - EXCEL_EPOCH_DAYS) * 86_400_000);
  if (Number.isNaN(date.getTime())) return serial;
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Months typed as text: 2022-06, 2022-6, 2022/6, 2022年6月 (words/periods.ts MONTH_TEXT). Anything else is left for the schema to name. */

export function periodOfText(text: string): string {
  const t = text.trim();
  const match = MONTH_TEXT.exec(t);
  if (match === null) return t;
  const month = Number(match[2] ?? match[3] ?? match[4]);
  return month >= 1 && month <= 12 ? `${match[1]}-${String(month).padStart(2, '0')}` : t;
}

/** A percentage cell's number as shown (0.1224 shown as 12.24% is 12.24), without binary noise. */
const shownPercent = (v: number) => Number((v * 100).toPrecision(15));

/** A number shown with a zero-padded format (000000) is the code it shows: 031000, not 31000. */
function codeOf(cell: CellObject): string {
  if (typeof cell.v === 'number') {
    const z = typeof cell.z === 'string' ? cell.z : '';
    return /^0+$/.test(z) && Number.isInteger(cell.v) && cell.v >= 0 ? String(cell.v).padStart(z.length, '0') : String(cell.v);
  }
  return String(cell.v).trim();
}

/** Excel's error values by the codes SheetJS keeps (ECMA-376 ST_CellError, BIFF numbering). */
const ERROR_TEXT: Record<number, string> = { 0x00: '#NULL!', 0x07: '#DIV/0!', 0x0f: '#VALUE!', 0x17: '#REF!', 0x1d: '#NAME?', 0x24: '#NUM!', 0x2a: '#N/A', 0x2b: '#GETTING_DATA' };

/** An Excel error value as the text Excel shows (#N/A, #DIV/0!), so the schema's message shows the cell. */
const errorText = (cell: CellObject) => (typeof cell.w === 'string' ? cell.w : (ERROR_TEXT[cell.v as number] ?? '#ERROR'));

/** A cell as the row schema takes it, for its column; blank cells as the CSV reader leaves them. */
function convert(column: ImportColumn, cell: Cell, date1904: boolean): unknown {
  const blank = isBlank(cell);
  switch (column) {
    case 'indicator':
    case 'region':
      return blank ? '' : cell!.t === 'e' ? errorText(cell!) : codeOf(cell!);
    case 'period':
      if (blank) return '';
      if (cell!.t === 'n') return isDate(cell!.z) ? periodOfSerial(cell!.v as number, date1904) : cell!.v;
      if (cell!.t === 'd') return periodOfSerial(Number(cell!.v), date1904);
      return cell!.t === 's' ? periodOfText(cell!.v as string) : cell!.t === 'e' ? errorText(cell!) : cell!.v;
    case 'value':
    case 'yoy': {
      const percentOk = column === 'yoy';
      if (blank) return percentOk ? null : undefined;
      if (cell!.t === 'n') {
        if (!isPercent(cell!.z)) return cell!.v;
        // A percentage where a value belongs is refused, as CSV refuses "5.2%" there.
        return percentOk ? shownPercent(cell!.v as number) : `${shownPercent(cell!.v as number)}%`;
      }
      if (cell!.t === 's') return numberCell(cell!.v as string, percentOk);
      return cell!.t === 'e' ? errorText(cell!) : cell!.v;
    }
    case 'status':
      return blank ? null : cell!.t === 's' ? statusCell(cell!.v as string) : cell!.t === 'e' ? errorText(cell!) : cell!.v;
    // Blank: none (undefined, read as absent, as CSV leaves it). A reason typed as anything but text is left for the schema to refuse.
    case 'reason':
      return blank ? undefined : cell!.t === 's' ? reasonCell(cell!.v as string) : cell!.t === 'e' ? errorText(cell!) : cell!.v;
    case 'note':
      // A note is text however typed: a number or a date as Excel shows it.
      return blank ? undefined : cell!.t === 'e' ? errorText(cell!) : noteCell(typeof cell!.v === 'string' ? cell!.v : typeof cell!.w === 'string' ? cell!.w : String(cell!.v));
  }
}

/** The header's row: the first with two or more cells, past a few title lines (a title, 单位:亿元). */
function headerRow(sheet: OpenSheet, rows: readonly number[]): number | undefined {
  const first = rows[0];
  for (const [seen, r] of rows.entries()) {
    if (seen > XLSX_MAX_TITLE_ROWS) break;
    const cells = sheet.data[r]!;
    if (indices(cells).filter((c) => !isBlank(cells[c])).length >= 2) return r;
  }
  return first;
}

/**
 * A vertical merge (an indicator's name merged down the rows it covers)
 * counts for every row it spans, in its first column, as a reader sees it.
 */
function mergeFills(sheet: OpenSheet, header: number, lastRow: number): Map<number, Map<number, CellObject>> {
  const fills = new Map<number, Map<number, CellObject>>();
  for (const merge of sheet.merges) {
    if (merge.s.r <= header || merge.e.r <= merge.s.r) continue;
    const top = sheet.data[merge.s.r]?.[merge.s.c];
    if (top === undefined || isBlank(top)) continue;
    for (let r = merge.s.r + 1; r <= Math.min(merge.e.r, lastRow); r++) {
      let row = fills.get(r);
      if (row === undefined) fills.set(r, (row = new Map()));
      row.set(merge.s.c, top);
    }
  }
  return fills;
}

export function sheetRows(sheet: OpenSheet): SheetRows {
  const rows = indices(sheet.data).filter((r) => indices(sheet.data[r]!).some((c) => !isBlank(sheet.data[r]![c])));
  const header = headerRow(sheet, rows);
  if (header === undefined) return { sheet: sheet.name, columns: [], numbers: [], cells: [] };

  const headerCells = sheet.data[header]!;
  // Blank header cells (a table's edge) are no column; only the present ones are named.
  const named = indices(headerCells).filter((c) => headerText(headerCells[c]).trim() !== '');
  const { columns: mapped, details } = headerColumns(named.map((c) => headerText(headerCells[c])), header + 1);
  if (details.length > 0) throw new ApiError('validation_failed', `the header (row ${header + 1} of sheet ${sheet.name}) is not usable; nothing was stored`, { details });
  // Columns the import skips (a download's regionName) are read from no cell, but are headed.
  const sources = named.filter((_, j) => mapped[j] !== null);
  const columns = mapped.filter((c): c is ImportColumn => c !== null);
  const headed = new Set(named);

  const dataRows = rows.filter((r) => r > header);
  const fills = mergeFills(sheet, header, dataRows.at(-1) ?? header);
  const numbers: number[] = [];
  const cells: unknown[] = [];
  const stray: ErrorDetail[] = [];
  const strayColumns = new Set<number>();
  for (const r of dataRows) {
    const own = sheet.data[r]!;
    for (const c of indices(own)) {
      if (!headed.has(c) && !isBlank(own[c]) && !strayColumns.has(c)) {
        strayColumns.add(c);
        stray.push({ row: r + 1, field: columnLetter(c), message: `column ${columnLetter(c)} holds values (the first in row ${r + 1}) but has no header` });
      }
    }
    const filled = fills.get(r);
    numbers.push(r + 1);
    sources.forEach((c, j) => {
      const cell = isBlank(own[c]) ? (filled?.get(c) ?? own[c]) : own[c];
      cells.push(convert(columns[j]!, cell, sheet.date1904));
    });
  }
  if (stray.length > 0) throw new ApiError('validation_failed', `sheet ${sheet.name} has values in columns without a header; nothing was stored`, { details: stray });
  return { sheet: sheet.name, columns, numbers, cells };
}
