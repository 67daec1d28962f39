/**
 * A workbook opened for reading, inside the parsing worker: the zip is
 * checked by ./zip.ts, and SheetJS (@e965/xlsx, see the README) reads the
 * XML parts through a container whose entries inflate only when SheetJS
 * asks for them, under one byte budget, refusing any part that declares a
 * DTD (entity expansion: Excel never writes one).
 */
import * as XLSX from '@e965/xlsx';
import { ApiError } from '../../errors.ts';
import { inflateBudget, inflateEntry, readDirectory, type ZipEntry } from './zip.ts';

export interface OpenOptions {
  /** What may be inflated in all: the body limit (MAX_BODY_MB). */
  inflateMb: number;
  maxEntries: number;
  /** `?sheet=`, or null for the first sheet. */
  sheet: string | null;
}

export interface OpenSheet {
  name: string;
  /** Dense rows: `data[r][c]`, 0-based; holes for absent rows and cells. */
  data: Array<Array<XLSX.CellObject | undefined> | undefined>;
  merges: XLSX.Range[];
  /** Dates count from 1904-01-01 (old Mac workbooks) rather than 1900. */
  date1904: boolean;
}

/** A zip container in the shape SheetJS's parse_zip reads (its CFB shape). */
interface Container {
  FullPaths: string[];
  FileIndex: Array<{ name: string; type: number; readonly content: Buffer }>;
}

const CFB_FILE = 2;
/** Only in a DTD: `<!DOCTYPE` declares one, `<!ENTITY` an entity in it. */
const DTD_MARKERS = ['<!DOCTYPE', '<!ENTITY'];

function refuseDtd(name: string, bytes: Buffer): void {
  if (!/\.(xml|rels|vml)$/i.test(name)) return;
  for (const marker of DTD_MARKERS) {
    if (bytes.includes(marker)) {
      throw new ApiError('bad_request', `the workbook part ${name} declares a DTD (${marker}), which Excel and WPS never write (XML entity expansion); refused`, {
        details: [{ field: 'body', message: `${marker} in ${name}` }],
      });
    }
  }
}

/**
 * SheetJS swallows errors of some parts it reads (shared strings among
 * them) and goes on without them: the first fault met while inflating is
 * kept here and thrown once the parse returns, so no part is silently lost.
 */
class LazyContainer implements Container {
  readonly FullPaths: string[] = [];
  readonly FileIndex: Container['FileIndex'] = [];
  fault: unknown = null;

  constructor(bytes: Uint8Array, entries: readonly ZipEntry[], inflateMb: number) {
    const budget = inflateBudget(inflateMb);
    for (const entry of entries) {
      if (entry.name.endsWith('/')) continue;
      let content: Buffer | undefined;
      const container = this;
      this.FullPaths.push(entry.name);
      this.FileIndex.push({
        name: entry.name.slice(entry.name.lastIndexOf('/') + 1),
        type: CFB_FILE,
        get content(): Buffer {
          if (content !== undefined) return content;
          try {
            content = inflateEntry(bytes, entry, budget);
            refuseDtd(entry.name, content);
            return content;
          } catch (error) {
            container.fault ??= error;
            throw error;
          }
        },
      });
    }
  }
}

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** Legacy .xls/.et and encrypted workbooks are OLE compound files; anything else that is no zip is not a workbook. */
export function checkSignature(bytes: Uint8Array): void {
  if (startsWith(bytes, OLE)) {
    throw new ApiError(
      'unsupported_media_type',
      'this is a legacy .xls/.et workbook or an encrypted (password-protected) one: open it in Excel or WPS, remove any password and save it as .xlsx (Excel Workbook), then post that file',
      { details: [{ field: 'body', message: 'OLE compound file (.xls, .et or encrypted)' }] },
    );
  }
  if (!startsWith(bytes, ZIP)) {
    throw new ApiError('bad_request', 'the body is not an .xlsx workbook (an .xlsx file is a zip and starts with "PK"); post the .xlsx file itself, or send CSV as text/csv', {
      details: [{ field: 'body', message: 'not a zip file' }],
    });
  }
}

/**
 * Zips SheetJS would also read through other parsers (OpenDocument, Apple
 * Numbers, Excel's binary .xlsb): refused, so that only the OOXML path,
 * the one tested here, ever sees a posted file.
 */
const OTHER_FORMATS: Array<[RegExp, string]> = [
  [/^(META-INF\/manifest\.xml|objectdata\.xml)$/i, 'an OpenDocument spreadsheet (.ods)'],
  [/^(Index\/Document\.iwa|Index\.zip|index\.xml(\.gz)?)$/i, 'an Apple Numbers file'],
  [/(^|\/)workbook\.bin$/i, 'an Excel binary workbook (.xlsb)'],
];

function checkKind(entries: readonly ZipEntry[]): void {
  for (const [pattern, kind] of OTHER_FORMATS) {
    if (entries.some((e) => pattern.test(e.name))) {
      throw new ApiError('unsupported_media_type', `this is ${kind}, not an .xlsx workbook: open it in Excel, WPS or LibreOffice and save it as .xlsx`, {
        details: [{ field: 'body', message: kind }],
      });
    }
  }
  if (!entries.some((e) => e.name.toLowerCase() === '[content_types].xml')) {
    throw new ApiError('bad_request', 'the zip is not an .xlsx workbook (it has no [Content_Types].xml): post the .xlsx file Excel or WPS saved', {
      details: [{ field: 'body', message: 'not an Office Open XML package' }],
    });
  }
}

const unreadable = (why: string) =>
  new ApiError('bad_request', `the workbook could not be read (${why}); save it again as .xlsx in Excel or WPS`, { details: [{ field: 'body', message: why }] });

/** Parse the workbook's chosen sheet; every other sheet is left unread. */
export function openSheet(bytes: Uint8Array, options: OpenOptions): OpenSheet {
  checkSignature(bytes);
  const entries = readDirectory(bytes, options.maxEntries);
  checkKind(entries);
  const container = new LazyContainer(bytes, entries, options.inflateMb);
  let book: XLSX.WorkBook;
  try {
    book = (XLSX as unknown as { parse_zip(zip: Container, options: XLSX.ParsingOptions): XLSX.WorkBook }).parse_zip(container, {
      dense: true,
      cellFormula: false,
      cellHTML: false,
      cellText: false,
      cellDates: false,
      cellNF: true,
      cellStyles: false,
      sheetStubs: false,
      bookVBA: false,
      sheets: options.sheet ?? 0,
    });
  } catch (error) {
    if (container.fault !== null) throw container.fault;
    if (error instanceof ApiError) throw error;
    throw unreadable((error as Error).message);
  }
  if (container.fault !== null) throw container.fault;
  const names = book.SheetNames;
  if (names.length === 0) throw unreadable('it has no sheets');
  const name = names.find((n) => book.Sheets[n] !== undefined);
  const sheet = name === undefined ? undefined : (book.Sheets[name] as XLSX.WorkSheet & { '!data'?: OpenSheet['data'] });
  if (name === undefined || sheet === undefined) {
    if (options.sheet === null) throw unreadable('its first sheet is not a worksheet');
    const listed = names.map((n) => `"${n}"`).join(', ');
    throw new ApiError('bad_request', `the workbook has no sheet named "${options.sheet}"; its sheets are ${listed}`, {
      details: [{ field: 'sheet', message: `no such sheet; the sheets are ${listed}` }],
    });
  }
  return { name, data: sheet['!data'] ?? [], merges: sheet['!merges'] ?? [], date1904: book.Workbook?.WBProps?.date1904 === true };
}
