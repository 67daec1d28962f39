/**
 * Workbooks made in the tests: well-formed ones through SheetJS's writer,
 * hostile ones byte by byte (a zip written here, so every header can lie).
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
import * as XLSX from '@e965/xlsx';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface SheetSpec {
  name: string;
  rows: unknown[][];
  /** Cells to set after the rows, by A1 address (a formula with its cached value, a number format). */
  cells?: Record<string, XLSX.CellObject>;
  merges?: string[];
}

/** An .xlsx as Excel would save it (deflated zip, shared strings). */
export function workbook(...sheets: SheetSpec[]): Buffer {
  const book = XLSX.utils.book_new();
  for (const spec of sheets) {
    const sheet = XLSX.utils.aoa_to_sheet(spec.rows, { cellDates: true });
    for (const [address, cell] of Object.entries(spec.cells ?? {})) sheet[address] = cell;
    if (spec.cells !== undefined) {
      // Widen the sheet's range to the cells set by address.
      const range = XLSX.utils.decode_range(sheet['!ref'] ?? 'A1');
      for (const address of Object.keys(spec.cells)) {
        const at = XLSX.utils.decode_cell(address);
        range.e.r = Math.max(range.e.r, at.r);
        range.e.c = Math.max(range.e.c, at.c);
      }
      sheet['!ref'] = XLSX.utils.encode_range(range);
    }
    if (spec.merges !== undefined) sheet['!merges'] = spec.merges.map((m) => XLSX.utils.decode_range(m));
    XLSX.utils.book_append_sheet(book, sheet, spec.name);
  }
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true, bookSST: true }) as Buffer;
}

export interface RawEntry {
  name: string;
  data?: Buffer;
  /** Already compressed bytes (method 8), with the size to declare. */
  deflated?: { bytes: Buffer; size: number; crc: number };
  /** Declare this uncompressed size instead of the true one (a lying header). */
  declaredSize?: number;
  /** 8 deflates, anything else stores the bytes as they are under that method number. */
  method?: number;
}

/** A zip written field by field; past 65,535 entries it writes the zip64 end records, as zip tools do. */
export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = entry.data ?? Buffer.alloc(0);
    const method = entry.deflated !== undefined ? 8 : (entry.method ?? 8);
    const body = entry.deflated?.bytes ?? (method === 8 ? deflateRawSync(data) : data);
    const size = entry.declaredSize ?? entry.deflated?.size ?? data.length;
    const crc = entry.deflated?.crc ?? crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(Math.min(size, 0xffffffff), 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(Math.min(size, 0xffffffff), 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  const many = entries.length > 0xfffe;
  if (many) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(many ? 0xffff : entries.length, 8);
  end.writeUInt16LE(many ? 0xffff : entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, ...tail, end]);
}

/** The parts every workbook needs around one sheet's XML, for hand-made sheets. */
export function minimalParts(sheet: RawEntry, sharedStrings?: RawEntry): RawEntry[] {
  const xml = (s: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${s}`);
  return [
    {
      name: '[Content_Types].xml',
      data: xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
          (sharedStrings === undefined ? '' : '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>') +
          '</Types>',
      ),
    },
    {
      name: '_rels/.rels',
      data: xml('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    },
    {
      name: 'xl/workbook.xml',
      data: xml('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: xml(
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
          (sharedStrings === undefined ? '' : '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>') +
          '</Relationships>',
      ),
    },
    { ...sheet, name: 'xl/worksheets/sheet1.xml' },
    ...(sharedStrings === undefined ? [] : [{ ...sharedStrings, name: 'xl/sharedStrings.xml' }]),
  ];
}

/** A sheet's XML around rows of `<row>` markup. */
export const sheetXml = (rows: string, dimension = 'A1') =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="${dimension}"/><sheetData>${rows}</sheetData></worksheet>`,
  );

/** An inline-string row of header cells (no shared strings needed). */
export const inlineRow = (r: number, cells: Array<string | number>) =>
  `<row r="${r}">${cells
    .map((v, i) => {
      const ref = `${String.fromCharCode(65 + i)}${r}`;
      return typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
    })
    .join('')}</row>`;

/**
 * A deflate stream that inflates to `prefix` then at least `bytes` of one
 * repeated byte, made without ever holding them: 1 MiB compressed once as
 * non-final blocks (a sync flush ends them on a byte boundary) and repeated,
 * since each copy refers only to its own output, then an empty final block.
 * About 1,038 bytes per MiB: 1 GB from under 1 MB.
 */
export function deflateBomb(prefix: string, bytes: number, fill = 0x20): { bytes: Buffer; size: number; crc: number } {
  const MIB = 1024 * 1024;
  const options = { level: 9, finishFlush: constants.Z_SYNC_FLUSH };
  const head = deflateRawSync(Buffer.from(prefix), options);
  const block = deflateRawSync(Buffer.alloc(MIB, fill), options);
  const blocks = Math.ceil(bytes / MIB);
  const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);
  return { bytes: Buffer.concat([head, ...Array<Buffer>(blocks).fill(block), FINAL_EMPTY_BLOCK]), size: Buffer.byteLength(prefix) + blocks * MIB, crc: 0 };
}
