/**
 * Answering in the negotiated format (negotiate.ts): the Content-Type, a
 * file name for saving (Content-Disposition, RFC 6266, with RFC 5987's
 * `filename*` for names that are not ASCII), and Vary: Accept.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { MEDIA_FORMATS, type FormatName } from './media.ts';
import { negotiate, type Renderers } from './negotiate.ts';

/**
 * A route's onRequest hook: its answers vary with Accept. Set before the
 * handler, beside CORS's Vary: Origin, so an answer from the response cache
 * carries it as the first did.
 */
export function varyAccept(_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const vary = reply.getHeader('vary');
  reply.header('vary', vary === undefined || vary === '' ? 'Accept' : `${String(vary)}, Accept`);
  done();
}

/** The format of this request's answer: path extension, then `?format=`, then Accept. */
export function chooseFormat(request: FastifyRequest, renderers: Renderers<any, any>, extension?: string): FormatName {
  const format = (request.query as { format?: unknown } | undefined)?.format;
  return negotiate(renderers, { extension, format: typeof format === 'string' ? format : undefined, accept: request.headers.accept });
}

/** A file's name without its extension: as people read it, and in ASCII for clients that read nothing else. */
export interface FileName {
  name: string;
  ascii: string;
}

const quoted = (text: string) => text.replace(/[\\"]/g, '\\$&');
/** RFC 5987's attr-char: everything else is percent-encoded UTF-8. */
const rfc5987 = (text: string) => encodeURIComponent(text).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function contentDisposition(disposition: 'inline' | 'attachment', file: FileName, extension: string): string {
  const ascii = `${file.ascii.replace(/[^\x20-\x7e]/g, '_')}.${extension}`;
  const full = `${file.name}.${extension}`;
  const header = `${disposition}; filename="${quoted(ascii)}"`;
  return full === ascii ? header : `${header}; filename*=UTF-8''${rfc5987(full)}`;
}

/**
 * Render `input` as `format` and answer it. JSON is returned for Fastify to
 * serialise and check against the route's schema (hence `any`: the route's
 * handler type is the schema's).
 */
export async function sendAs<In, Ctx>(reply: FastifyReply, renderers: Renderers<In, Ctx>, format: FormatName, input: In, context: Ctx, file: FileName): Promise<any> {
  const body = await renderers.render(format, input, context);
  if (format === 'json') return body;
  const media = MEDIA_FORMATS[format];
  return reply.type(media.contentType).header('content-disposition', contentDisposition(media.disposition, file, media.extension)).send(body);
}
