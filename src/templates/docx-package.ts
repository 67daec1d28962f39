/**
 * An uploaded Word template read defensively, before any of it is templated:
 * the zip under the workbook reader's budget (entries and bytes inflated
 * bounded whatever the headers claim), then what the package holds. A file
 * that is not a Word document, or is one that can run or fetch something
 * when opened (macros, ActiveX, embedded objects, external links other than
 * hyperlinks), is refused before it is ever stored.
 */
import { ApiError } from '../errors.ts';
import { inflateBudget, inflateEntry, readDirectory } from '../services/xlsx/zip.ts';

/** A template's size as uploaded: a letterhead with a logo is well under a megabyte. */
export const TEMPLATE_MAX_BYTES = 5 * 1024 * 1024;
/** Files in a .docx: Word writes 10 to 30, plus one per image, header and footer. */
export const DOCX_MAX_ENTRIES = 1_000;
/** What a template may inflate to, in all: its XML and images, many times what Word writes. */
export const DOCX_INFLATE_MB = 64;

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const WORD_MAIN = /application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.(document|template)\.main\+xml/;

const unsupported = (message: string, what: string) => new ApiError('unsupported_media_type', message, { details: [{ field: 'template', message: what }] });
const refused = (message: string, what: string) => new ApiError('bad_request', message, { details: [{ field: 'template', message: what }] });

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** The zip reader speaks of workbooks: the same faults, said of a document. */
function asDocument<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const say = (text: string) => text.replace(/the workbook/g, 'the document').replace(/an \.xlsx/g, 'a .docx').replace(/\.xlsx/g, '.docx').replace(/Excel/g, 'Word').replace(/workbooks/g, 'documents').replace(/encrypted workbook/g, 'encrypted document');
    throw new ApiError(error.code, say(error.message), { details: error.details?.map((d) => ({ ...d, field: 'template', message: say(d.message) })) ?? [{ field: 'template', message: say(error.message) }] });
  }
}

/** Whether the bytes are a zip at all (a .docx) rather than text (a Liquid template). */
export const isZip = (bytes: Uint8Array) => startsWith(bytes, ZIP_MAGIC);
/** An OLE compound file: a .doc, .xls, or an encrypted Office file. */
export const isOle = (bytes: Uint8Array) => startsWith(bytes, OLE_MAGIC);

/** The package's files by name, after every check; faults as 4xx ApiErrors naming `template`. */
export function readDocxPackage(bytes: Uint8Array): Map<string, Buffer> {
  if (isOle(bytes)) throw unsupported('the file is an OLE file (a .doc or .xls in the old format, or an encrypted Office file), not a .docx: save it as a Word document (.docx)', 'OLE file');
  if (!isZip(bytes)) throw unsupported('the file is not a Word document (.docx)', 'not a zip');
  const files = new Map<string, Buffer>();
  asDocument(() => {
    const budget = inflateBudget(DOCX_INFLATE_MB);
    for (const entry of readDirectory(bytes, DOCX_MAX_ENTRIES)) {
      if (entry.name.endsWith('/')) continue;
      files.set(entry.name, inflateEntry(bytes, entry, budget));
    }
  });
  const types = files.get('[Content_Types].xml')?.toString('utf8');
  if (types === undefined) throw unsupported('the file is a zip but not an Office document (it has no [Content_Types].xml): save it as a Word document (.docx)', 'no content types');
  const names = [...files.keys()];
  if (/macroEnabled|vbaProject|vbaData/i.test(types) || names.some((n) => /vbaProject\.bin$|vbaData\.xml$/i.test(n))) {
    throw unsupported('the document holds macros (a .docm): save it as a Word document (.docx) without macros', 'macro-enabled document');
  }
  if (names.some((n) => /^word\/activeX\//i.test(n)) || /activeX/i.test(types)) throw unsupported('the document holds ActiveX controls: remove them and save it as .docx', 'ActiveX controls');
  if (names.some((n) => /^word\/embeddings\//i.test(n))) throw unsupported('the document holds embedded objects (files or OLE objects): remove them and save it as .docx', 'embedded objects');
  if (files.has('xl/workbook.xml')) throw unsupported('the file is a workbook (.xlsx), not a Word document', 'workbook');
  if (!files.has('word/document.xml') || !WORD_MAIN.test(types)) throw unsupported('the file is an Office document but not a Word document (.docx)', 'not a Word document');
  for (const [name, data] of files) {
    if (!name.endsWith('.rels')) continue;
    for (const m of data.toString('utf8').matchAll(/<Relationship\b[^>]*>/g)) {
      const rel = m[0];
      if (!/TargetMode\s*=\s*["']External["']/i.test(rel)) continue;
      // A hyperlink is followed only when the reader clicks it; anything else external (a linked image, an attached template, a frame) is fetched on opening.
      if (/Type\s*=\s*["'][^"']*\/hyperlink["']/.test(rel)) continue;
      const target = /Target\s*=\s*["']([^"']*)["']/.exec(rel)?.[1] ?? '';
      throw refused(`the document links to something outside it (${target.slice(0, 200)}), which Word would fetch when it is opened: insert pictures rather than linking them`, `external relationship in ${name}: ${target.slice(0, 200)}`);
    }
  }
  return files;
}
