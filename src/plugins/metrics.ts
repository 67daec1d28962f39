/**
 * GET /metrics (API.md "Operations"): Prometheus text. Every app has a
 * registry of its own: tests build many apps in one process, and
 * prom-client's global registry would refuse the second app's metrics.
 * Services are handed the Metrics object's methods, never prom-client.
 * With METRICS_TOKEN set, the scraper must show it as a bearer token;
 * the API's own tokens are not asked for (the route is public to auth).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { errorSchema } from '../schemas/common.ts';
import type { WrittenKind } from '../services/ingest.ts';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** A cacheable GET: answered from the cache (304s too), computed, or not cacheable for this caller or moment. */
export type CacheResult = 'hit' | 'miss' | 'bypass';

/** The route label of a request no route matched: one series, whatever URLs a scanner tries. */
export const UNMATCHED = 'unmatched';

/** Seconds: a cached chart answers in well under a millisecond; an upload may take the whole request timeout. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's own metrics (CPU, memory, event loop, GC), registered once
 * per process: they describe the process, and each registration starts
 * observers that are never stopped.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Requests by method, route pattern and status: time from arrival to the last byte sent (its _count is the request count)',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly cache = new Counter({
    name: 'indicators_response_cache_requests_total',
    help: 'GET requests to cacheable routes: hit (answered from the cache, 304s included), miss (computed), bypass (not cacheable for this caller or moment)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly rows = new Counter({
    name: 'indicators_rows_ingested_total',
    help: 'Rows stored by accepted writes (dry runs and unchanged rows store none), by what each became',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly store = new Histogram({
    name: 'indicators_store_operation_duration_seconds',
    help: 'Store calls by operation (the store method; session.* within a batch write), rejected ones included',
    labelNames: ['operation'] as const,
    buckets: STORE_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    // Known series from the start: a rate over a counter that appears late misses its first increase.
    for (const result of ['hit', 'miss', 'bypass'] as const) this.cache.inc({ result }, 0);
    for (const kind of ['created', 'revised', 'withdrawn'] as const) this.rows.inc({ kind }, 0);
  }

  // Arrow properties: handed to services and the store wrapper as plain callbacks.
  readonly cacheLookup = (result: CacheResult): void => this.cache.inc({ result });
  readonly rowsWritten = (kind: WrittenKind, rows: number): void => this.rows.inc({ kind }, rows);
  readonly storeCall = (operation: string, seconds: number): void => this.store.observe({ operation }, seconds);

  request(method: string, route: string, status: number, seconds: number): void {
    this.requests.observe({ method, route, status_code: status }, seconds);
  }

  /** The change-check lag, read when scraped (a gauge set on a timer would be as old as its timer). */
  changeLag(lagMs: () => number): void {
    // eslint-disable-next-line no-new -- the gauge joins this.registry as it is made; nothing else holds it
    new Gauge({
      name: 'indicators_change_check_lag_seconds',
      help: 'Time since the shared store (InfluxDB) last answered what changed; always 0 on SQLite, which learns of changes as they commit',
      registers: [this.registry],
      collect() {
        this.set(lagMs() / 1000);
      },
    });
  }

  /** What the memory layer answered (read when scraped): reads answered from kept answers (hit) or asked of the store (miss). */
  memoryReads(counts: () => { hits: number; misses: number }): void {
    // eslint-disable-next-line no-new -- the counter joins this.registry as it is made; nothing else holds it
    new Counter({
      name: 'indicators_memory_reads_total',
      help: 'Hot store reads (a month of an indicator, a series, the latest month, a history) answered from what the instance keeps (hit) or asked of the store (miss)',
      labelNames: ['result'] as const,
      registers: [this.registry],
      collect() {
        const { hits, misses } = counts();
        this.reset();
        this.inc({ result: 'hit' }, hits);
        this.inc({ result: 'miss' }, misses);
      },
    });
  }

  async text(): Promise<string> {
    // Two exposition blocks with no name in common: concatenated, one valid document.
    return (await this.registry.metrics()) + (await processMetrics().metrics());
  }
}

export interface MetricsOptions {
  metrics: Metrics;
  /** The bearer token GET /metrics requires (METRICS_TOKEN); without one it is open, as /healthz is. */
  token: string | undefined;
  /** ms since the store last answered what changed (ChangeWatcher.lagMs). */
  changeLagMs: () => number;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

async function metricsPlugin(app: FastifyInstance, options: MetricsOptions) {
  const { metrics } = options;
  app.decorate('metrics', metrics);
  metrics.changeLag(options.changeLagMs);

  // Fastify's own clock (elapsedTime) starts before the first onRequest hook:
  // auth, the rate limit and a shared store's change check are timed, wherever
  // this plugin is registered. A cache hit written straight out ends here too.
  // The route's pattern, never its URL: a query string could carry anything.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.is404 ? UNMATCHED : (request.routeOptions.url ?? UNMATCHED);
    metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // Hashed, so the comparison takes the same time whatever the length of what was sent.
  const expected = options.token === undefined ? null : digest(options.token);
  app.get(
    '/metrics',
    {
      config: { access: 'public' },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics: requests, the response cache, rows ingested, store calls, the change-check lag',
        description: 'With METRICS_TOKEN set, it needs `Authorization: Bearer <METRICS_TOKEN>` (the API tokens do not open it).',
        response: {
          200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: z.string() } } },
          401: errorSchema,
        },
      },
    },
    async (request, reply) => {
      if (expected !== null) {
        const header = request.headers.authorization;
        const given = header === undefined ? undefined : /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1];
        if (given === undefined || !timingSafeEqual(digest(given), expected)) {
          throw new ApiError('unauthorized', 'the metrics need the metrics token: Authorization: Bearer <METRICS_TOKEN>', {
            details: [{ field: 'authorization', message: given === undefined ? 'missing' : 'invalid token' }],
          });
        }
      }
      return reply.type(metrics.registry.contentType).send(await metrics.text());
    },
  );
}

export default fp(metricsPlugin, { name: 'metrics' });
