/**
 * CSV as a Chinese statistics office saves it: UTF-8 with or without BOM,
 * GB18030/GBK (Excel's and WPS's default on Chinese systems), or Excel's
 * "Unicode text" (UTF-16 with BOM, tab-separated). Decoding is iconv-lite's
 * and parsing csv-parse's; this file only maps columns and cells.
 */
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { ApiError } from '../errors.ts';
import { headerColumns, noteCell, numberCell, reasonCell, statusCell } from './columns.ts';
import type { Records } from './ingest.ts';

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

  const { columns, details } = headerColumns(header, 0);
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
      else if (column === 'status') row.status = statusCell(cell);
      // Blank: no reason or note, and no key (a download's empty cells post back as the plain figure).
      else if (column === 'reason') {
        const reason = reasonCell(cell);
        if (reason !== undefined) row.reason = reason;
      } else if (column === 'note') {
        const note = noteCell(cell);
        if (note !== undefined) row.note = note;
      } else if (column !== null) row[column] = cell.trim();
    });
    data.push(row);
    numbers.push(i + 1);
  });
  return { data, numbers };
}
