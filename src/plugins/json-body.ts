/**
 * JSON bodies must be UTF-8 (RFC 8259). Fastify's parser would turn invalid
 * bytes into U+FFFD and store a name the bureau never sent; this one refuses
 * the body instead, then parses as Fastify does (prototype poisoning refused).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

async function jsonBodyPlugin(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strict.decode(body as Buffer);
    } catch {
      done(new ApiError('bad_request', 'the body is not valid UTF-8: JSON must be sent as UTF-8', { details: [{ field: 'body', message: 'invalid UTF-8' }] }), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

export default fp(jsonBodyPlugin, { name: 'json-body' });
