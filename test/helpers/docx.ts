/** Word files built and edited in tests: the default template's parts, changed as a person would in Word, zipped again. */
import { readFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const DEFAULT_DOCX = readFileSync(new URL('../../templates/default.docx', import.meta.url));

/** The package's text parts as strings, binary ones as bytes. */
export type Parts = Record<string, string | Uint8Array>;

export function unpack(bytes: Uint8Array): Parts {
  const files = unzipSync(bytes);
  return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, /\.(xml|rels)$/.test(name) ? strFromU8(data) : data]));
}

export function pack(parts: Parts): Buffer {
  const zippable: Zippable = {};
  for (const [name, data] of Object.entries(parts)) zippable[name] = typeof data === 'string' ? strToU8(data) : data;
  return Buffer.from(zipSync(zippable));
}

/** A copy of `bytes` with its parts changed by `edit`. */
export function editDocx(bytes: Uint8Array, edit: (parts: Parts) => void): Buffer {
  const parts = unpack(bytes);
  edit(parts);
  return pack(parts);
}

/** The body's top-level blocks (paragraphs and tables), in order, and the XML around them. */
export function blocks(document: string): { head: string; blocks: string[]; tail: string } {
  const start = document.indexOf('<w:body>') + '<w:body>'.length;
  const end = document.lastIndexOf('<w:sectPr');
  const body = document.slice(start, end);
  return { head: document.slice(0, start), blocks: [...body.matchAll(/<w:p\b[\s\S]*?<\/w:p>|<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => m[0]), tail: document.slice(end) };
}

/** A paragraph of one run of text, as Word writes a typed line. */
export const paragraph = (text: string) => `<w:p><w:r><w:t xml:space="preserve">${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</w:t></w:r></w:p>`;

/** The default template with `blocks` appended to its body. */
export function withParagraphs(...texts: string[]): Buffer {
  return editDocx(DEFAULT_DOCX, (parts) => {
    const doc = parts['word/document.xml'] as string;
    const at = doc.lastIndexOf('<w:sectPr');
    parts['word/document.xml'] = doc.slice(0, at) + texts.map(paragraph).join('') + doc.slice(at);
  });
}
