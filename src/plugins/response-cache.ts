/**
 * Answers of read routes kept per version of what the public sees, with
 * entity tags for conditional requests (If-None-Match → 304): dashboards
 * ask for the same rankings and charts again and again, and nothing changes
 * between two writes or two release times. Only answers to the public are
 * kept: an answer to a caller who sees embargoed figures is never stored,
 * and says so (`Cache-Control: private, no-store`). When the version is not
 * known (a shared store that could not be asked), nothing is reused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { audienceOf } from '../services/views.ts';

/** Bytes of cached answers kept, least recently used dropped first. */
export const RESPONSE_CACHE_BYTES = 32 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache this GET route's 200 answers until the data changes. */
    cache?: boolean;
    /**
     * The answer depends on the figures of the query's `indicator` only
     * (besides catalog, calendar and targets): kept while others are written.
     */
    cacheBy?: 'indicator';
    /**
     * Tag this GET route's 200 answers (If-None-Match → 304) without keeping
     * them: for answers the store's generation does not follow (reports).
     */
    etag?: boolean;
  }
}

type Headers = OutgoingHttpHeaders;

interface Entry {
  /**
   * The answer's bytes (a text answer's UTF-8, a PNG's or workbook's own),
   * one character per byte (a latin1 string):
   * node joins such a string to the header block and writes both in one
   * go, where a Buffer costs a gathered write of two.
   */
  payload: string;
  etag: string;
  /** A 304's headers. */
  validators: Headers;
  /**
   * A 200's headers as the first answer had them (content type, validators,
   * security headers, length), less those each request sets for itself
   * before its handler runs (rate limit, CORS); as name, value, name,
   * value…, which node writes without building an object.
   */
  headers: Array<string | number>;
  bytes: number;
}

function pushHeaders(flat: Array<string | number>, headers: Headers): Array<string | number> {
  for (const name in headers) {
    const value = headers[name];
    if (Array.isArray(value)) for (const v of value) flat.push(name, v);
    else if (value !== undefined) flat.push(name, value);
  }
  return flat;
}

const CACHE_KEY = Symbol('responseCacheKey');
const DAY_AS_OF = /[?&]asOf=\d{4}-\d{2}-\d{2}(&|$)/;
/** Names of the headers a request had before its handler: its own, never cached. */
const OWN_HEADERS = Symbol('responseCacheOwnHeaders');
type Keyed = FastifyRequest & { [CACHE_KEY]?: string; [OWN_HEADERS]?: string[] };

/**
 * An entity tag from the answer's bytes alone, so every instance of the
 * service gives the same one for the same chart, and a changed figure
 * changes it.
 */
export function etagOf(payload: string | Buffer): string {
  return `"${createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`;
}

function matches(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  return header === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly limit: number) {}

  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, body: string | Buffer, etag: string, headers: Headers): void {
    const payload = (typeof body === 'string' ? Buffer.from(body, 'utf8') : body).toString('latin1');
    const bytes = payload.length;
    if (bytes > this.limit / 4) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    const validators = { etag, 'cache-control': 'no-cache' };
    const all = { ...headers, ...validators, 'content-length': bytes };
    this.entries.set(key, { payload, etag, validators, headers: pushHeaders([], all), bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.limit) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

async function responseCachePlugin(app: FastifyInstance) {
  const cache = new ResponseCache(RESPONSE_CACHE_BYTES);
  const views = app.services.views;
  // Hits (304s included), misses and bypasses, for GET /metrics.
  const count = app.metrics.cacheLookup;
  let seen: string | null = null;

  const privileged = (request: FastifyRequest) => audienceOf(request.principal.role) === 'privileged';

  const keyOf = (request: FastifyRequest): string | undefined => {
    // A day read as "now while the day lasts" echoes a moving instant.
    if (privileged(request) || DAY_AS_OF.test(request.url)) return undefined;
    const epoch = views.publicEpoch();
    if (epoch === null) return undefined;
    // Entries of older epochs can never be asked for again (older versions of one indicator age out).
    if (epoch !== seen) {
      cache.clear();
      seen = epoch;
    }
    const version = versionOf(request);
    return version === null ? undefined : `${version} ${request.headers.accept ?? ''} ${request.url}`;
  };

  /** The version this request's answer depends on: of its indicator's figures, for a route that says so. */
  const versionOf = (request: FastifyRequest): string | null => {
    const indicator = request.routeOptions.config?.cacheBy === 'indicator' ? (request.query as { indicator?: unknown } | undefined)?.indicator : undefined;
    return views.publicVersion(typeof indicator === 'string' ? indicator : undefined);
  };

  // A hit is answered before validation (only answers to valid requests are
  // ever stored), and after every onRequest hook: auth and the rate limit.
  // Callback hooks: every cached answer passes here, and promises are time.
  app.addHook('preParsing', (request: Keyed, reply, payload, done) => {
    if (request.method !== 'GET' || request.routeOptions.config?.cache !== true) return done(null, payload);
    const key = keyOf(request);
    if (key === undefined) {
      count('bypass');
      return done(null, payload);
    }
    const hit = cache.get(key);
    count(hit === undefined ? 'miss' : 'hit');
    if (hit === undefined) {
      request[CACHE_KEY] = key;
      request[OWN_HEADERS] = Object.keys(reply.getHeaders());
      return done(null, payload);
    }
    // Answered here: the request goes no further, so done is not called.
    if (matches(request, hit.etag)) return reply.code(304).headers(hit.validators).send();
    // The hot path of every dashboard: the stored bytes with the stored headers,
    // written straight out. Fastify's send would run the onSend hooks again
    // for headers that are already there.
    const headers = pushHeaders(hit.headers.slice(), reply.getHeaders() as Headers);
    reply.hijack();
    reply.raw.writeHead(200, headers as string[]);
    reply.raw.end(hit.payload, 'latin1');
  });

  app.addHook('onSend', (request: Keyed, reply, payload, done) => {
    // Every answer to a caller who sees embargoed figures: no shared cache, no browser cache, may hold it.
    if (privileged(request)) reply.header('cache-control', 'private, no-store');
    const config = request.routeOptions.config;
    if (request.method !== 'GET' || (config?.cache !== true && config?.etag !== true) || reply.statusCode !== 200) return done(null, payload);
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return done(null, payload);
    if (reply.getHeader('etag') !== undefined) return done(null, payload);
    const etag = etagOf(payload);
    reply.header('etag', etag);
    if (!privileged(request)) reply.header('cache-control', 'no-cache');
    const key = request[CACHE_KEY];
    // Only an answer computed within one version is kept.
    if (key !== undefined && key.startsWith(`${versionOf(request)} `)) {
      const headers = { 'content-type': 'application/json; charset=utf-8', ...reply.getHeaders() } as Headers;
      for (const name of [...(request[OWN_HEADERS] ?? []), 'content-length']) delete headers[name];
      cache.set(key, payload, etag, headers);
    }
    if (matches(request, etag)) {
      reply.code(304);
      return done(null, '');
    }
    done(null, payload);
  });
}

export default fp(responseCachePlugin, { name: 'response-cache', dependencies: ['metrics'] });
