/**
 * The tags of a Word template, read paragraph by paragraph the way Word
 * shows them (a tag Word split over several runs is read whole), and checked
 * against the fields before docxtemplater ever compiles it: an unknown tag,
 * a loop closed wrongly or never, a raw-XML tag, nesting past a few levels
 * — each refused naming the tag and the paragraph it is in.
 */
import { ApiError } from '../errors.ts';
import { FIELDS, fieldNamed, type FieldDoc } from './fields.ts';

/** Loops nested deeper than this are refused: the default nests two (a row loop around a condition). */
export const DOCX_MAX_DEPTH = 8;
/** Tags in one template: the default has about eighty. */
export const DOCX_MAX_TAGS = 5_000;

/** The parts docxtemplater templates: the body, headers, footers, foot- and endnotes. */
export const TEMPLATED_PARTS = /^word\/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$/;

export interface ParagraphText {
  part: string;
  /** 1-based, in reading order within its part. */
  index: number;
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? all));

/** Every paragraph's text; a paragraph inside another (a text box) is its own. */
export function paragraphs(part: string, xml: string): ParagraphText[] {
  const out: ParagraphText[] = [];
  const open: ParagraphText[] = [];
  let count = 0;
  for (const m of xml.matchAll(/<w:p[\s>/]|<\/w:p>|<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)) {
    const token = m[0];
    if (token.startsWith('</w:p')) {
      const p = open.pop();
      if (p !== undefined) out.push(p);
    } else if (token.startsWith('<w:p')) {
      // A self-closed empty paragraph (<w:p/>) holds nothing.
      if (xml[xml.indexOf('>', m.index) - 1] === '/') continue;
      open.push({ part, index: ++count, text: '' });
    } else if (open.length > 0) {
      open[open.length - 1]!.text += decode(m[1] ?? '');
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

const where = (p: ParagraphText) => {
  const name = p.part.replace(/^word\//, '').replace(/\.xml$/, '');
  const text = p.text.length > 60 ? `${p.text.slice(0, 60)}…` : p.text;
  return `paragraph ${p.index} of ${name === 'document' ? 'the document' : name}: "${text}"`;
};

const refuse = (message: string, p: ParagraphText) => new ApiError('bad_request', `the template ${message}, in ${where(p)}`, { details: [{ field: 'template', message: `${message} (${where(p)})` }] });

interface Open {
  name: string;
  field: FieldDoc;
  at: ParagraphText;
}

/** Check every tag of the parts given against the fields; answers the fields named. */
export function checkDocxTags(parts: ReadonlyArray<{ part: string; xml: string }>): string[] {
  const named = new Set<string>();
  let tags = 0;
  for (const { part, xml } of parts) {
    const stack: Open[] = [];
    const resolve = (name: string): FieldDoc | undefined => {
      for (let i = stack.length - 1; i >= 0; i--) {
        const items = stack[i]!.field.items;
        if (items !== undefined) {
          const found = fieldNamed(name, items);
          if (found !== undefined) return found;
        }
      }
      return fieldNamed(name, FIELDS);
    };
    for (const p of paragraphs(part, xml)) {
      for (const m of p.text.matchAll(/\{([^{}]*)\}/g)) {
        if (++tags > DOCX_MAX_TAGS) throw refuse(`holds more than ${DOCX_MAX_TAGS} tags`, p);
        const raw = m[1]!.trim();
        const prefix = raw !== '' && '#^/%@'.includes(raw[0]!) ? raw[0]! : '';
        const name = prefix === '' ? raw : raw.slice(1).trim();
        const tag = `{${m[1]}}`;
        if (prefix === '@') throw refuse(`uses the raw-XML tag ${tag}, which templates may not`, p);
        if (name === '') {
          if (prefix === '/' && stack.length > 0) {
            stack.pop();
            continue;
          }
          throw refuse(`has an empty tag ${tag}`, p);
        }
        if (prefix === '/') {
          const top = stack.pop();
          if (top === undefined) throw refuse(`closes ${tag}, which was never opened (a broken loop)`, p);
          if (top.name !== name) throw refuse(`closes ${tag} while {#${top.name}} (${where(top.at)}) is open (a broken loop)`, p);
          continue;
        }
        if (name === '.') {
          if (stack.length === 0 || prefix !== '') throw refuse(`uses ${tag} outside a loop`, p);
          continue;
        }
        const field = resolve(name);
        if (field === undefined || !field.kinds.includes('docx')) throw refuse(`names an unknown field ${tag}`, p);
        named.add(name);
        if (prefix === '#' || prefix === '^') {
          if (field.type === 'image') throw refuse(`loops over the image ${tag}: an image is placed with {%${name}}`, p);
          stack.push({ name, field, at: p });
          if (stack.length > DOCX_MAX_DEPTH) throw refuse(`nests loops more than ${DOCX_MAX_DEPTH} deep at ${tag}`, p);
        } else if (prefix === '%') {
          if (field.type !== 'image') throw refuse(`places ${tag} as an image, but ${name} is not a chart`, p);
          if (part !== 'word/document.xml') throw refuse(`places the chart ${tag} outside the body (charts go in the body, not in headers, footers or notes)`, p);
        } else if (field.type === 'list' || field.type === 'image') {
          throw refuse(`prints ${tag}, which is ${field.type === 'list' ? `a list: loop over it with {#${name}}…{/${name}}` : `a chart: place it with {%${name}}`}`, p);
        }
      }
    }
    const unclosed = stack.pop();
    if (unclosed !== undefined) throw refuse(`opens {#${unclosed.name}} and never closes it with {/${unclosed.name}} (a broken loop)`, unclosed.at);
  }
  return [...named].sort();
}
