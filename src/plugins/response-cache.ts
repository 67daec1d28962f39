/**
 * Answers of read routes kept per data generation: dashboards ask for the
 * same rankings and charts again and again, and nothing changes between two
 * writes. A store that cannot tell when its data changed (another instance
 * may write to the same InfluxDB) has no generation, and nothing is cached.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Bytes of cached answers kept, least recently used dropped first. */
export const RESPONSE_CACHE_BYTES = 32 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache this GET route's 200 answers until the data changes. */
    cache?: boolean;
  }
}

interface Entry {
  payload: string;
  contentType: string;
  bytes: number;
}

const CACHE_KEY = Symbol('responseCacheKey');
type Keyed = FastifyRequest & { [CACHE_KEY]?: string };

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

  set(key: string, payload: string, contentType: string): void {
    // Strings of CJK text take two bytes a character.
    const bytes = payload.length * 2;
    if (bytes > this.limit / 4) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.bytes -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { payload, contentType, bytes });
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
    if (generation === null || request.method !== 'GET' || request.routeOptions.config?.cache !== true) return undefined;
    // Entries of older generations can never be asked for again.
    if (generation !== seen) {
      cache.clear();
      seen = generation;
    }
    return `${generation} ${request.headers.accept ?? ''} ${request.url}`;
  };

  app.addHook('preHandler', async (request: Keyed, reply: FastifyReply) => {
    const key = keyOf(request);
    if (key === undefined) return;
    const hit = cache.get(key);
    if (hit === undefined) {
      request[CACHE_KEY] = key;
      return;
    }
    return reply.header('content-type', hit.contentType).send(hit.payload);
  });

  app.addHook('onSend', async (request: Keyed, reply, payload) => {
    const key = request[CACHE_KEY];
    // Only an answer computed for the generation it was asked in is kept.
    if (key !== undefined && reply.statusCode === 200 && typeof payload === 'string' && key.startsWith(`${app.store.generation} `)) {
      cache.set(key, payload, String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'));
    }
    return payload;
  });
}

export default fp(responseCachePlugin, { name: 'response-cache' });
