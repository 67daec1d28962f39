/**
 * A Word report from a Word template: docxtemplater with its default parser
 * (a tag is looked up as one own key of the data, nothing is evaluated), and
 * charts through a small module of our own that puts a PNG where a `{%…}`
 * tag stands alone in its paragraph. The result has the report's own title
 * and time, numbered image ids and a fixed zip time: the same report and
 * template always give the same bytes.
 */
import { createRequire } from 'node:module';
import Docxtemplater from 'docxtemplater';
import { zipSync, type Zippable } from 'fflate';
import PizZip from 'pizzip';
import { ApiError } from '../errors.ts';
import type { DocxImage } from './model.ts';

const require = createRequire(import.meta.url);
/** docxtemplater's helper that widens a tag to its whole paragraph (what its raw-XML module uses); it ships no types. */
const traits = require('docxtemplater/js/traits.js') as { expandToOne: (parsed: unknown, options: object) => unknown };

const MODULE = 'chart-image';
/** Zip entries' time: the zip format's epoch (built in local time, so the same in any time zone). */
const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);
/** English Microsoft Word units: 914,400 EMU to the inch, 96 CSS pixels to the inch, 1,440 twips to the inch. */
const EMU_PER_PX = 9525;
/** A4 with 2.54 cm margins, when the template's section does not say. */
const DEFAULT_TEXT_WIDTH_TWIPS = 9026;

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The width text runs in, from the body's last section (page width less margins). */
function textWidthPx(documentXml: string): number {
  const sections = [...documentXml.matchAll(/<w:sectPr\b[\s\S]*?<\/w:sectPr>/g)];
  const last = sections[sections.length - 1]?.[0] ?? '';
  const page = Number(/<w:pgSz\b[^>]*\sw:w="(\d+)"/.exec(last)?.[1] ?? NaN);
  const left = Number(/<w:pgMar\b[^>]*\sw:left="(-?\d+)"/.exec(last)?.[1] ?? NaN);
  const right = Number(/<w:pgMar\b[^>]*\sw:right="(-?\d+)"/.exec(last)?.[1] ?? NaN);
  const twips = page - left - right;
  return Math.floor(((Number.isFinite(twips) && twips > 1440 ? twips : DEFAULT_TEXT_WIDTH_TWIPS) / 1440) * 96);
}

function pictureParagraph(relId: string, n: number, image: DocxImage, maxWidth: number): string {
  const width = Math.min(image.width, maxWidth);
  const height = Math.round((image.height * width) / Math.max(1, image.width));
  const cx = width * EMU_PER_PX;
  const cy = height * EMU_PER_PX;
  const title = escapeXml(image.title);
  const a = 'http://schemas.openxmlformats.org/drawingml/2006/main';
  return (
    '<w:p><w:pPr><w:keepLines/><w:jc w:val="center"/></w:pPr><w:r><w:drawing>' +
    `<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" distT="0" distB="0" distL="0" distR="0"><wp:extent cx="${cx}" cy="${cy}"/>` +
    `<wp:docPr id="${n}" name="chart${n}" title="${title}" descr="${title}"/>` +
    `<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="${a}" noChangeAspect="1"/></wp:cNvGraphicFramePr>` +
    `<a:graphic xmlns:a="${a}"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">` +
    `<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="${n}" name="chart${n}.png" descr="${title}"/><pic:cNvPicPr/></pic:nvPicPr>` +
    `<pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="${relId}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>` +
    `<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>` +
    '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>'
  );
}

/** The `{%chart}` tags: each becomes its own paragraph with the chart's PNG, numbered in order. */
class ChartImages {
  readonly name = 'ChartImages';
  readonly placed: Array<{ relId: string; file: string; png: Uint8Array }> = [];
  constructor(private readonly maxWidth: number) {}

  matchers(): Array<[string, string, Record<string, never>]> {
    return [['%', MODULE, {}]];
  }

  postparse(parsed: unknown): unknown {
    return traits.expandToOne(parsed, {
      moduleName: MODULE,
      getInner: ({ part }: { part: unknown }) => part,
      expandTo: 'w:p',
      error: { message: 'Image tag not in paragraph', id: 'image_tag_outerxml_invalid', explanation: (part: { value: string }) => `the chart tag {%${part.value}} must stand in a paragraph of its own` },
    });
  }

  render(part: { module?: string; value: string }, options: { filePath: string; scopeManager: { getValue(value: string, meta: { part: unknown }): unknown } }): { value: string; errors: unknown[] } | null {
    if (part.module !== MODULE) return null;
    // Relationships are the body's: a chart in a header would point nowhere (the upload check refuses one there).
    if (options.filePath !== 'word/document.xml') return { value: '', errors: [] };
    const image = options.scopeManager.getValue(part.value, { part }) as DocxImage | '' | undefined;
    if (image === undefined || image === '' || image === null || !(image.png instanceof Uint8Array)) return { value: '', errors: [] };
    const n = this.placed.length + 1;
    const relId = `rIdChart${n}`;
    this.placed.push({ relId, file: `media/chart${n}.png`, png: image.png });
    return { value: pictureParagraph(relId, n, image, this.maxWidth), errors: [] };
  }
}

/** docxtemplater's errors as the 400 an upload gets: each explanation, tag by tag. */
export function templateFault(error: unknown): ApiError {
  const errors = ((error as { properties?: { errors?: unknown[] } }).properties?.errors ?? [error]) as Array<{ message?: string; properties?: { explanation?: string } }>;
  const said = errors.slice(0, 10).map((e) => e.properties?.explanation ?? e.message ?? String(e));
  return new ApiError('bad_request', `the template cannot be used: ${said[0] ?? 'it does not compile'}`, { details: said.map((message) => ({ field: 'template', message })) });
}

export interface DocxProperties {
  title: string;
  generatedAt: Date;
  version: number;
}

function coreProperties(p: DocxProperties): string {
  const at = p.generatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${escapeXml(p.title)}</dc:title><dc:creator>regional-indicators</dc:creator><cp:lastModifiedBy>regional-indicators</cp:lastModifiedBy>` +
    `<cp:revision>${p.version}</cp:revision>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

const CORE_TYPE = 'application/vnd.openxmlformats-package.core-properties+xml';
const CORE_REL = 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties';
const IMAGE_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/image';

/** The package's bookkeeping for what was added: images, their relationships, the core properties. */
function finish(files: Map<string, Uint8Array>, placed: ChartImages['placed'], properties: DocxProperties): void {
  const text = (name: string) => new TextDecoder().decode(files.get(name) ?? new Uint8Array());
  const put = (name: string, value: string | Uint8Array) => files.set(name, typeof value === 'string' ? new TextEncoder().encode(value) : value);
  let types = text('[Content_Types].xml');
  if (placed.length > 0) {
    for (const p of placed) put(`word/${p.file}`, p.png);
    if (!/<Default\s+Extension="png"/i.test(types)) types = types.replace('</Types>', '<Default Extension="png" ContentType="image/png"/></Types>');
    const relsName = 'word/_rels/document.xml.rels';
    const rels = files.has(relsName) ? text(relsName) : '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>';
    put(relsName, rels.replace('</Relationships>', `${placed.map((p) => `<Relationship Id="${p.relId}" Type="${IMAGE_REL}" Target="${p.file}"/>`).join('')}</Relationships>`));
  }
  put('docProps/core.xml', coreProperties(properties));
  if (!types.includes('PartName="/docProps/core.xml"')) types = types.replace('</Types>', `<Override PartName="/docProps/core.xml" ContentType="${CORE_TYPE}"/></Types>`);
  put('[Content_Types].xml', types);
  const root = text('_rels/.rels');
  if (!root.includes('docProps/core.xml')) put('_rels/.rels', root.replace('</Relationships>', `<Relationship Id="rIdCore" Type="${CORE_REL}" Target="docProps/core.xml"/></Relationships>`));
}

/** Render a checked Word template with the report's flat fields; faults of the template as a 400. */
export function renderDocx(template: Uint8Array, data: Record<string, unknown>, properties: DocxProperties): Buffer {
  const zip = new PizZip(template);
  const images = new ChartImages(textWidthPx(zip.file('word/document.xml')?.asText() ?? ''));
  let doc: Docxtemplater;
  try {
    doc = new Docxtemplater(zip, { paragraphLoop: true, linebreaks: true, modules: [images as unknown as Docxtemplater.DXT.Module], nullGetter: () => '', errorLogging: false });
    doc.render(data);
  } catch (error) {
    throw templateFault(error);
  }
  const out = doc.getZip() as PizZip;
  const files = new Map<string, Uint8Array>();
  for (const [name, file] of Object.entries(out.files)) if (!file.dir) files.set(name, file.asUint8Array());
  finish(files, images.placed, properties);
  const zippable: Zippable = {};
  // PNGs, already compressed, are stored.
  for (const name of [...files.keys()].sort()) zippable[name] = [files.get(name)!, { mtime: ZIP_TIME, level: name.endsWith('.png') ? 0 : 6 }];
  return Buffer.from(zipSync(zippable));
}
