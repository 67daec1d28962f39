/**
 * CSV as a Chinese statistics office saves it: UTF-8 with or without BOM,
 * GB18030/GBK (Excel's and WPS's default on Chinese systems), or Excel's
 * "Unicode text" (UTF-16 with BOM, tab-separated). Decoding is iconv-lite's
 * and parsing csv-parse's; this file only maps columns and cells.
 */
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { ApiError } from '../errors.ts';
import type { ErrorDetail } from '../schemas/common.ts';
import type { Records } from './ingest.ts';

export const CSV_COLUMNS = ['indicator', 'region', 'period', 'value', 'yoy', 'status'] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['indicator', 'region', 'period', 'value'];

/** Header names bureaus write in Chinese, mapped to the contract's columns. */
const ALIASES: Record<string, Column> = {
  指标: 'indicator',
  指标代码: 'indicator',
  地区: 'region',
  地区代码: 'region',
  区划代码: 'region',
  时期: 'period',
  期别: 'period',
  月份: 'period',
  数值: 'value',
  本期: 'value',
  同比: 'yoy',
  同比增速: 'yoy',
  同比增长: 'yoy',
  状态: 'status',
  标志: 'status',
};

/**
 * Columns a download carries for people (src/formats/observations.ts) that
 * the import skips, so a downloaded file posts back unchanged.
 */
export const IGNORED_COLUMNS: ReadonlySet<string> = new Set(['regionname', 'indicatorname', '地区名称', '指标名称']);

const GB_CHARSETS = new Set(['gbk', 'gb2312', 'gb18030', 'cp936', 'x-gbk', 'euc-cn']);

/** Text of a CSV body, by BOM, then the declared charset, then detection. */
export function decodeCsv(body: Buffer, charset: string | undefined): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return strictUtf8(body.subarray(3));
  if (body[0] === 0xff && body[1] === 0xfe) return iconv.decode(body.subarray(2), 'utf-16le');
  if (body[0] === 0xfe && body[1] === 0xff) return iconv.decode(body.subarray(2), 'utf-16be');
  const declared = charset?.trim().toLowerCase().replace(/^"|"$/g, '');
  if (declared === undefined || declared === '') {
    // GB18030 text is almost never valid UTF-8, so a strict UTF-8 decode tells them apart.
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      return iconv.decode(body, 'gb18030');
    }
  }
  if (declared === 'utf-8' || declared === 'utf8') return strictUtf8(body);
  if (GB_CHARSETS.has(declared)) return iconv.decode(body, 'gb18030');
  if (iconv.encodingExists(declared)) return iconv.decode(body, declared);
  throw new ApiError('unsupported_media_type', `charset ${declared} is not supported; send UTF-8 or GB18030/GBK`, {
    details: [{ field: 'content-type', message: 'unsupported charset' }],
  });
}

function strictUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ApiError('bad_request', 'the body is not valid UTF-8 as its charset says; save it as UTF-8 or declare charset=gb18030', {
      details: [{ row: 0, field: 'body', message: 'invalid UTF-8' }],
    });
  }
}

// Plain decimals, optionally with thousands separators as Excel formats them.
const NUMBER = /^[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** A cell as a number when it is one; otherwise the text, for the row schema to reject. */
function numberCell(text: string, allowPercent: boolean): number | string | undefined {
  let t = text.trim();
  if (t === '') return undefined;
  if (allowPercent && t.endsWith('%')) t = t.slice(0, -1).trim();
  if (!NUMBER.test(t) || !/\d/.test(t)) return text;
  return Number(t.replace(/,/g, ''));
}

/**
 * Parse CSV text into numbered row objects shaped as JSON would carry them,
 * reporting header faults as row 0. Records of empty cells (Excel leaves
 * them below a table) are skipped but still counted.
 */
export function parseCsv(text: string): Records {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let records: string[][];
  try {
    records = parse(text, { delimiter, skip_empty_lines: true, relax_column_count: false, bom: true }) as string[][];
  } catch (error) {
    const e = error as Error & { lines?: number; records?: number };
    const row = typeof e.records === 'number' ? e.records : undefined;
    throw new ApiError('bad_request', `the CSV body could not be read: ${e.message}`, {
      details: [{ ...(row === undefined ? {} : { row }), field: 'body', message: e.message }],
      cause: error,
    });
  }
  const header = records.shift();
  if (header === undefined) return { data: [], numbers: [] };

  const details: ErrorDetail[] = [];
  const columns: Array<Column | null> = header.map((raw) => {
    const name = raw.trim();
    if (IGNORED_COLUMNS.has(name.toLowerCase())) return null;
    // Own keys only: a column named toString or __proto__ is unknown, not Object.prototype's.
    const column = (CSV_COLUMNS as readonly string[]).includes(name.toLowerCase()) ? (name.toLowerCase() as Column) : Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
    if (column === undefined) {
      details.push({ row: 0, field: name, message: `unknown column "${name}"; expected ${CSV_COLUMNS.join(', ')}` });
      return null;
    }
    return column;
  });
  for (const column of REQUIRED) {
    if (!columns.includes(column)) details.push({ row: 0, field: column, message: `the header has no ${column} column` });
  }
  columns.forEach((column, i) => {
    if (column !== null && columns.indexOf(column) !== i) details.push({ row: 0, field: column, message: `column ${column} appears twice` });
  });
  if (details.length > 0) throw new ApiError('validation_failed', 'the CSV header is not usable; nothing was stored', { details });

  const data: Array<Record<string, unknown>> = [];
  const numbers: number[] = [];
  records.forEach((cells, i) => {
    if (cells.every((c) => c.trim() === '')) return;
    const row: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      const cell = cells[i] ?? '';
      if (column === 'value') row.value = numberCell(cell, false);
      else if (column === 'yoy') row.yoy = numberCell(cell, true) ?? null;
      else if (column === 'status') row.status = cell.trim() === '' ? null : cell.trim().toLowerCase();
      else if (column !== null) row[column] = cell.trim();
    });
    data.push(row);
    numbers.push(i + 1);
  });
  return { data, numbers };
}
