/**
 * One way to choose an answer's format, for every resource: the path's
 * extension (`/v1/reports/331023/2022-06.docx`), else `?format=`, else the
 * Accept header, else the resource's first format (JSON). A format named in
 * the path or the query that the resource lacks is the caller's mistake (400
 * naming the field); an Accept header that names nothing the resource has
 * is 406, as HTTP says, with the types it has.
 */
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { MEDIA_FORMATS, SDMX_CSV_TYPE, SDMX_CSV_VERSION, type FormatName } from './media.ts';

/** What a renderer hands back: text or bytes to send, or an object to serialise as JSON. */
export type Body = string | Buffer | Record<string, unknown>;
export type Renderer<In, Ctx> = (input: In, context: Ctx) => Body | Promise<Body>;

/**
 * The formats one resource answers in and how each is made from the
 * resource's data: adding a format is one `register`.
 */
export class Renderers<In, Ctx = void> {
  private readonly entries = new Map<FormatName, Renderer<In, Ctx>>();

  constructor(readonly resource: string) {}

  register(format: FormatName, render: Renderer<In, Ctx>): this {
    if (this.entries.has(format)) throw new Error(`${this.resource}: format ${format} registered twice`);
    this.entries.set(format, render);
    return this;
  }

  /** Format names in registration order; the first is the default. */
  get names(): [FormatName, ...FormatName[]] {
    const names = [...this.entries.keys()];
    if (names.length === 0) throw new Error(`${this.resource}: no format registered`);
    return names as [FormatName, ...FormatName[]];
  }

  has(format: string): format is FormatName {
    return this.entries.has(format as FormatName);
  }

  render(format: FormatName, input: In, context: Ctx): Promise<Body> {
    const render = this.entries.get(format);
    if (render === undefined) throw new Error(`${this.resource}: no ${format} renderer`);
    return Promise.resolve(render(input, context));
  }

  /** The `format` query parameter: one of this resource's formats, documented in the OpenAPI. */
  formatParam() {
    const names = this.names;
    return z
      .enum(names, { error: `must be one of ${names.join(', ')}` })
      .optional()
      .describe(`the answer's format (or send Accept: ${names.map((n) => MEDIA_FORMATS[n].type).join(', ')}); default ${names[0]}`);
  }

  /** `.md`-style extensions the resource's paths take, longest first (a regex alternative). */
  extensions(): string[] {
    return [...new Set(this.names.map((n) => MEDIA_FORMATS[n].extension))].sort((a, b) => b.length - a.length);
  }
}

interface MediaRange {
  type: string;
  subtype: string;
  params: Map<string, string>;
  q: number;
  order: number;
}

/** Accept's media ranges (RFC 9110 §12.5.1); a malformed range is skipped, as browsers' odd ones are. */
export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  header.split(',').forEach((part, order) => {
    const [range, ...rest] = part.split(';').map((s) => s.trim());
    const match = /^([\w.+*-]+)\/([\w.+*-]+)$/.exec(range ?? '');
    if (match === null) return;
    const params = new Map<string, string>();
    let q = 1;
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const name = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (name === 'q') q = Number.isFinite(Number(value)) ? Math.min(Math.max(Number(value), 0), 1) : 0;
      else params.set(name, value);
    }
    ranges.push({ type: match[1]!.toLowerCase(), subtype: match[2]!.toLowerCase(), params, q, order });
  });
  return ranges;
}

/** How specifically a range names a format: 3 exact, 2 `type/*`, 1 `*` `/*`, 0 not at all. */
function specificity(range: MediaRange, format: FormatName): number {
  const [type, subtype] = MEDIA_FORMATS[format].type.split('/') as [string, string];
  if (range.type === '*' && range.subtype === '*') return 1;
  if (range.type !== type) return 0;
  if (range.subtype === '*') return 2;
  if (range.subtype !== subtype) return 0;
  // SDMX-CSV 1.0 and 2.0 share a type: only a version we write (or none) matches.
  if (type + '/' + subtype === SDMX_CSV_TYPE && range.params.has('version') && range.params.get('version')!.split('.')[0] !== SDMX_CSV_VERSION.split('.')[0]) return 0;
  return 3;
}

/**
 * The format for an Accept header: the available format each range names,
 * ranges taken by quality then by their order in the header (so
 * `application/json, image/svg+xml` is JSON); a wildcard range gives the
 * resource's first format it covers. Null when nothing matches.
 */
export function fromAccept(header: string, available: readonly FormatName[]): FormatName | null {
  const ranges = parseAccept(header)
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  // A format the header refuses outright (q=0 on its exact type) is never chosen through a wildcard.
  const refused = new Set(parseAccept(header).filter((r) => r.q === 0).flatMap((r) => available.filter((f) => specificity(r, f) === 3)));
  for (const range of ranges) {
    let best: FormatName | null = null;
    let bestScore = 0;
    for (const format of available) {
      const score = specificity(range, format);
      if (score > bestScore && !refused.has(format)) {
        best = format;
        bestScore = score;
      }
    }
    if (best !== null) return best;
  }
  return null;
}

export interface FormatChoice {
  /** The extension in the path, without its dot. */
  extension?: string | undefined;
  /** `?format=`. */
  format?: string | undefined;
  accept?: string | undefined;
}

export function negotiate(renderers: Renderers<any, any>, choice: FormatChoice): FormatName {
  const names = renderers.names;
  const extension = choice.extension;
  if (extension !== undefined) {
    const format = names.find((n) => MEDIA_FORMATS[n].extension === extension.toLowerCase());
    if (format === undefined) {
      throw new ApiError('validation_failed', `${renderers.resource}: no .${extension} form; use ${renderers.extensions().map((e) => `.${e}`).join(', ')}`, {
        details: [{ field: 'file', message: `unknown extension .${extension}` }],
      });
    }
    return format;
  }
  if (choice.format !== undefined) {
    if (!renderers.has(choice.format)) {
      throw new ApiError('validation_failed', `format must be one of ${names.join(', ')}`, { details: [{ field: 'format', message: `must be one of ${names.join(', ')}` }] });
    }
    return choice.format;
  }
  const accept = choice.accept?.trim() ?? '';
  if (accept === '') return names[0];
  const format = fromAccept(accept, names);
  if (format === null) {
    const types = names.map((n) => MEDIA_FORMATS[n].type).join(', ');
    throw new ApiError('not_acceptable', `${renderers.resource} is available as ${types}; the Accept header names none of them`, {
      details: [{ field: 'accept', message: `acceptable: ${types}` }],
    });
  }
  return format;
}
