/**
 * JSON bodies must be UTF-8 (RFC 8259). Fastify's parser would turn invalid
 * bytes into U+FFFD and store a name the bureau never sent; this one refuses
 * the body instead, then parses as Fastify does (prototype poisoning refused).
 * Before parsing, an object with too many keys is refused: no body of this
 * API comes near it, and parsing (then validating, then listing the unknown
 * keys of) 2,000,000 keys took seconds. Deep nesting is left to the
 * parser and the schemas, which name the field it is in.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';

/** Keys one JSON object in a body may have: the largest the API takes has a dozen. */
export const MAX_JSON_OBJECT_KEYS = 1000;

/** The shortest text of an object with more than MAX_JSON_OBJECT_KEYS keys (`"":0,` each): shorter bodies need no scan. */
const SCAN_FROM_BYTES = (MAX_JSON_OBJECT_KEYS + 1) * 5;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The byte offset in a JSON text where an object first has more than
 * `maxKeys` keys, or -1. One pass over the bytes, stopping there: every key
 * of valid JSON is followed by the one colon outside a string. Invalid JSON
 * is left to the parser (at worst it is refused here for its keys instead
 * of its syntax). UTF-8 continuation bytes never equal these ASCII bytes.
 */
export function crowdedObjectAt(bytes: Uint8Array, maxKeys = MAX_JSON_OBJECT_KEYS): number {
  // Open objects and arrays, innermost last: an object by its keys so far (>= 0),
  // a run of arrays directly inside one another by minus its length, so that
  // 20,000 nested arrays take one entry and 20,000 nested objects no more than
  // the parser's own 20,000 objects.
  let open = new Int32Array(64);
  let top = -1;
  const end = bytes.length;
  for (let i = 0; i < end; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      // To the closing quote: one not preceded by an odd run of backslashes.
      for (;;) {
        i = bytes.indexOf(QUOTE, i + 1);
        if (i === -1) return -1;
        let slashes = 0;
        while (bytes[i - 1 - slashes] === BACKSLASH) slashes++;
        if ((slashes & 1) === 0) break;
      }
    } else if (c === COLON) {
      if (top >= 0 && open[top]! >= 0 && ++open[top]! > maxKeys) return i;
    } else if (c === OPEN_ARRAY && top >= 0 && open[top]! < 0) {
      open[top]!--;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++top === open.length) {
        const grown = new Int32Array(open.length * 2);
        grown.set(open);
        open = grown;
      }
      open[top] = c === OPEN_OBJECT ? 0 : -1;
    } else if (c === CLOSE_ARRAY && top >= 0 && open[top]! < -1) {
      open[top]!++;
    } else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && top >= 0) {
      top--;
    }
  }
  return -1;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

async function jsonBodyPlugin(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    const crowded = bytes.length < SCAN_FROM_BYTES ? -1 : crowdedObjectAt(bytes);
    if (crowded !== -1) {
      const what = `an object with more than ${MAX_JSON_OBJECT_KEYS} keys`;
      done(new ApiError('bad_request', `the body has ${what} (at byte ${crowded}); no request of this API needs that many`, { details: [{ field: 'body', message: `${what} at byte ${crowded}` }] }), undefined);
      return;
    }
    let text: string;
    try {
      text = strict.decode(bytes);
    } catch {
      done(new ApiError('bad_request', 'the body is not valid UTF-8: JSON must be sent as UTF-8', { details: [{ field: 'body', message: 'invalid UTF-8' }] }), undefined);
      return;
    }
    parseJson(request, text, done);
  });
}

export default fp(jsonBodyPlugin, { name: 'json-body' });
