/**
 * The zip layer of a workbook, read defensively: the central directory is
 * checked (entry count, names, offsets, declared sizes) before anything is
 * inflated, and each entry is inflated only when asked for, under a byte
 * budget that holds whatever the headers claim. Faults are ApiErrors:
 * 413 for what is too large, 415 for encryption, 400 for a damaged file.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { ApiError } from '../../errors.ts';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  /** As declared: checked against what inflating actually yields. */
  size: number;
  localOffset: number;
}

const EOCD_SIZE = 22;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const STORED = 0;
const DEFLATED = 8;
/**
 * Inflate in 1 MiB pieces rather than zlib's 16 KiB: a bomb stopped at
 * 64 MB then leaves 64 allocations to the allocator instead of 4,096, and
 * the service's RSS after a run of bombs stays near 300 MB instead of 400
 * (measured).
 */
const INFLATE_CHUNK = 1 << 20;

const damaged = (what: string) =>
  new ApiError('bad_request', `the workbook is damaged or incomplete (${what}); save it again in Excel or WPS and post the .xlsx file`, {
    details: [{ field: 'body', message: what }],
  });

export const tooLarge = (what: string, mb: number) =>
  new ApiError('payload_too_large', `the workbook ${what}, more than the ${mb} MB this service inflates: split it into smaller workbooks`, {
    details: [{ field: 'body', message: `inflates past ${mb} MB` }],
  });

const encrypted = () =>
  new ApiError('unsupported_media_type', 'the workbook is encrypted (password-protected): remove the password and save it as .xlsx', {
    details: [{ field: 'body', message: 'encrypted workbook' }],
  });

/** Reads that stay inside the buffer, or fail as a damaged file. */
class View {
  constructor(readonly bytes: Uint8Array) {}
  private check(at: number, length: number, what: string): void {
    if (at < 0 || at + length > this.bytes.length) throw damaged(`${what} lies past the end of the file`);
  }
  u16(at: number, what: string): number {
    this.check(at, 2, what);
    return this.bytes[at]! | (this.bytes[at + 1]! << 8);
  }
  u32(at: number, what: string): number {
    this.check(at, 4, what);
    return (this.bytes[at]! | (this.bytes[at + 1]! << 8) | (this.bytes[at + 2]! << 16)) + this.bytes[at + 3]! * 0x1000000;
  }
  /** A 64-bit field, refused past 2^53 (no file here comes near). */
  u64(at: number, what: string): number {
    const low = this.u32(at, what);
    const high = this.u32(at + 4, what);
    if (high >= 0x200000) throw damaged(`${what} is out of range`);
    return high * 0x100000000 + low;
  }
  slice(at: number, length: number, what: string): Uint8Array {
    this.check(at, length, what);
    return this.bytes.subarray(at, at + length);
  }
}

/** Where the end-of-central-directory record starts, searching back over a possible comment. */
function findEnd(view: View): number {
  const bytes = view.bytes;
  const last = bytes.length - EOCD_SIZE;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at--) {
    if (bytes[at] === 0x50 && bytes[at + 1] === 0x4b && bytes[at + 2] === 0x05 && bytes[at + 3] === 0x06) return at;
  }
  throw damaged('no zip end record: the file is cut short');
}

interface Directory {
  count: number;
  offset: number;
  size: number;
}

function directoryOf(view: View, end: number): Directory {
  let count = view.u16(end + 10, 'the entry count');
  let size = view.u32(end + 12, 'the central directory size');
  let offset = view.u32(end + 16, 'the central directory offset');
  if (count === U16_MAX || size === U32_MAX || offset === U32_MAX) {
    // ZIP64: the real figures are in a record the locator just before points at.
    const locator = end - 20;
    if (locator >= 0 && view.u32(locator, 'the zip64 locator') === ZIP64_LOCATOR) {
      const record = view.u64(locator + 8, 'the zip64 record offset');
      if (view.u32(record, 'the zip64 end record') !== ZIP64_EOCD) throw damaged('the zip64 end record is missing');
      count = view.u64(record + 32, 'the zip64 entry count');
      size = view.u64(record + 40, 'the zip64 directory size');
      offset = view.u64(record + 48, 'the zip64 directory offset');
    }
  }
  return { count, offset, size };
}

/** The zip64 extra field's figures, for those the fixed fields mark as 0xFFFFFFFF. */
function zip64Extra(view: View, at: number, length: number, entry: ZipEntry): void {
  const stop = at + length;
  while (at + 4 <= stop) {
    const id = view.u16(at, 'an extra field');
    const size = view.u16(at + 2, 'an extra field');
    if (id === 0x0001) {
      let field = at + 4;
      if (entry.size === U32_MAX) {
        entry.size = view.u64(field, 'a zip64 size');
        field += 8;
      }
      if (entry.compressedSize === U32_MAX) {
        entry.compressedSize = view.u64(field, 'a zip64 size');
        field += 8;
      }
      if (entry.localOffset === U32_MAX) entry.localOffset = view.u64(field, 'a zip64 offset');
      return;
    }
    at += 4 + size;
  }
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/**
 * The entries the central directory lists, checked for count (413 past
 * `maxEntries`, before one entry is read), bounds, duplicates and encryption.
 */
export function readDirectory(bytes: Uint8Array, maxEntries: number): ZipEntry[] {
  const view = new View(bytes);
  const end = findEnd(view);
  const { count, offset, size } = directoryOf(view, end);
  if (count > maxEntries) {
    throw new ApiError('payload_too_large', `the workbook holds ${count} files; an .xlsx holds a few dozen and this service reads at most ${maxEntries}`, {
      details: [{ field: 'body', message: `more than ${maxEntries} zip entries` }],
    });
  }
  if (offset + size > bytes.length) throw damaged('the central directory lies past the end of the file');
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (view.u32(at, 'a directory entry') !== CENTRAL) throw damaged('a directory entry is missing');
    const flags = view.u16(at + 8, 'a directory entry');
    const nameLength = view.u16(at + 28, 'a directory entry');
    const extraLength = view.u16(at + 30, 'a directory entry');
    const commentLength = view.u16(at + 32, 'a directory entry');
    const rawName = view.slice(at + 46, nameLength, 'an entry name');
    const entry: ZipEntry = {
      name: ((flags & FLAG_UTF8) !== 0 ? utf8 : latin1).decode(rawName),
      method: view.u16(at + 10, 'a directory entry'),
      flags,
      crc: view.u32(at + 16, 'a directory entry'),
      compressedSize: view.u32(at + 20, 'a directory entry'),
      size: view.u32(at + 24, 'a directory entry'),
      localOffset: view.u32(at + 42, 'a directory entry'),
    };
    zip64Extra(view, at + 46 + nameLength, extraLength, entry);
    if ((flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) !== 0) throw encrypted();
    // Two entries of one name would let a checker and a reader see different files.
    const key = entry.name.toLowerCase();
    if (names.has(key)) throw damaged(`the file ${entry.name} appears twice`);
    names.add(key);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** What may still be inflated, shared by every entry of one workbook. */
export interface InflateBudget {
  bytesLeft: number;
  /** The budget's size, named in messages. */
  readonly mb: number;
}

export function inflateBudget(mb: number): InflateBudget {
  return { bytesLeft: mb * 1024 * 1024, mb };
}

/**
 * One entry's bytes: refused before inflating when its declared size
 * exceeds what is left of the budget, and stopped while inflating as soon
 * as its output does, whatever was declared. Sizes and CRC must then match.
 */
export function inflateEntry(bytes: Uint8Array, entry: ZipEntry, budget: InflateBudget): Buffer {
  const view = new View(bytes);
  if (entry.size > budget.bytesLeft) throw tooLarge(`declares that ${entry.name} inflates to ${entry.size} bytes`, budget.mb);
  if (view.u32(entry.localOffset, 'a file header') !== LOCAL) throw damaged(`the header of ${entry.name} is missing`);
  const start = entry.localOffset + 30 + view.u16(entry.localOffset + 26, 'a file header') + view.u16(entry.localOffset + 28, 'a file header');
  const data = view.slice(start, entry.compressedSize, `the data of ${entry.name}`);
  let out: Buffer;
  if (entry.method === STORED) {
    out = Buffer.from(data);
  } else if (entry.method === DEFLATED) {
    try {
      out = inflateRawSync(data, { maxOutputLength: Math.max(1, budget.bytesLeft), chunkSize: INFLATE_CHUNK });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw tooLarge(`would inflate ${entry.name} past what is left of its budget`, budget.mb);
      }
      throw damaged(`${entry.name} does not inflate: ${(error as Error).message}`);
    }
  } else {
    throw new ApiError('bad_request', `the workbook stores ${entry.name} with zip method ${entry.method}, which Excel and WPS never use: save it again as .xlsx`, {
      details: [{ field: 'body', message: `zip method ${entry.method}` }],
    });
  }
  if (out.length > budget.bytesLeft) throw tooLarge(`would inflate ${entry.name} past what is left of its budget`, budget.mb);
  if (out.length !== entry.size) throw damaged(`${entry.name} inflates to ${out.length} bytes, not the ${entry.size} declared`);
  if (crc32(out) !== entry.crc) throw damaged(`${entry.name} fails its checksum`);
  budget.bytesLeft -= out.length;
  return out;
}
