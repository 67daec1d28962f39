/**
 * Answers of read routes kept per data generation, with entity tags for
 * conditional requests (If-None-Match → 304): dashboards ask for the
 * same rankings and charts again and again, and nothing changes between two
 * writes. A store that cannot tell when its data changed (another instance
 * may write to the same InfluxDB) has no generation, and nothing is cached.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';

/** Bytes of cached answers kept, least recently used dropped first. */
export const RESPONSE_CACHE_BYTES = 32 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache this GET route's 200 answers until the data changes. */
    cache?: boolean;
  }
}

interface Entry {
  /** Encoded once: a hit writes the bytes as they are. */
  payload: Buffer;
  contentType: string;
  etag: string;
  bytes: number;
}

const CACHE_KEY = Symbol('responseCacheKey');
type Keyed = FastifyRequest & { [CACHE_KEY]?: string };

/**
 * An entity tag from the answer's bytes alone, so every instance of the
 * service gives the same one for the same chart, and a changed figure
 * changes it.
 */
export function etagOf(payload: string): string {
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

  set(key: string, text: string, contentType: string, etag: string): void {
    const payload = Buffer.from(text, 'utf8');
    const bytes = payload.length;
    if (bytes > this.limit / 4) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { payload, contentType, etag, bytes });
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
  let seen: number | null = null;

  const keyOf = (request: FastifyRequest): string | undefined => {
    const generation = app.store.generation;
    if (generation === null) return undefined;
    // Entries of older generations can never be asked for again.
    if (generation !== seen) {
      cache.clear();
      seen = generation;
    }
    return `${generation} ${request.headers.accept ?? ''} ${request.url}`;
  };

  // A hit is answered before validation (only answers to valid requests are
  // ever stored), and after every onRequest hook: auth and the rate limit.
  app.addHook('preParsing', async (request: Keyed, reply: FastifyReply) => {
    if (request.method !== 'GET' || request.routeOptions.config?.cache !== true) return;
    const key = keyOf(request);
    if (key === undefined) return;
    const hit = cache.get(key);
    if (hit === undefined) {
      request[CACHE_KEY] = key;
      return;
    }
    reply.header('etag', hit.etag).header('cache-control', 'no-cache');
    if (matches(request, hit.etag)) return reply.code(304).send();
    return reply.header('content-type', hit.contentType).send(hit.payload);
  });

  app.addHook('onSend', async (request: Keyed, reply, payload) => {
    if (request.method !== 'GET' || request.routeOptions.config?.cache !== true || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    if (reply.getHeader('etag') !== undefined) return payload;
    const etag = etagOf(payload);
    reply.header('etag', etag).header('cache-control', 'no-cache');
    const key = request[CACHE_KEY];
    // Only an answer computed within one generation is kept.
    if (key !== undefined && key.startsWith(`${app.store.generation} `)) {
      cache.set(key, payload, String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'), etag);
    }
    if (matches(request, etag)) {
      reply.code(304);
      return '';
    }
    return payload;
  });
}

export default fp(responseCachePlugin, { name: 'response-cache' });
