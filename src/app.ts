/**
 * The application as a Fastify instance: external plugins, then app plugins,
 * then routes. server.ts listens; tests build it and use `app.inject`.
 */
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_INDICATORS, DEFAULT_REGIONS } from './catalog/default-catalog.ts';
import type { Config, TokenSpec } from './config.ts';
import authPlugin, { generatedAdminToken } from './plugins/auth.ts';
import docsPlugin from './plugins/docs.ts';
import errorsPlugin, { frameworkErrors } from './plugins/errors.ts';
import forwardWritesPlugin from './plugins/forward-writes.ts';
import jsonBodyPlugin from './plugins/json-body.ts';
import metricsPlugin, { Metrics } from './plugins/metrics.ts';
import { memoryOf } from './store/memory/index.ts';
import { loggerOptions } from './logging.ts';
import protectionPlugin from './plugins/protection.ts';
import responseCachePlugin from './plugins/response-cache.ts';
import analyticsRoutes from './routes/analytics/index.ts';
import catalogRoutes from './routes/catalog/index.ts';
import chartRoutes from './routes/charts/index.ts';
import dashboardRoutes from './routes/dashboard/index.ts';
import reportRoutes from './routes/reports/index.ts';
import targetRoutes from './routes/targets/index.ts';
import healthRoutes from './routes/health/index.ts';
import observationRoutes from './routes/observations/index.ts';
import releaseRoutes from './routes/releases/index.ts';
import { isDocOnly } from './schemas/doc-only.ts';
import { AnalyticsService } from './services/analytics.ts';
import { CatalogService } from './services/catalog.ts';
import { ChangeWatcher } from './services/change-watcher.ts';
import { ChangesFeed } from './services/changes-feed.ts';
import { ChartService } from './services/charts.ts';
import { ObservationList } from './services/observation-list.ts';
import { ReleaseCalendar } from './services/release-calendar.ts';
import { ReleaseService } from './services/releases.ts';
import { PngRenderer } from './formats/png.ts';
import { RenderCache } from './formats/render-cache.ts';
import { RenderPool } from './formats/render-pool.ts';
import { ReportService } from './services/reports.ts';
import { StoreSecrets } from './services/store-secrets.ts';
import { Views } from './services/views.ts';
import { TargetService } from './services/targets.ts';
import { TokenService } from './services/tokens.ts';
import { AccessLog } from './services/access-log.ts';
import accessLogPlugin from './plugins/access-log.ts';
import tokenRoutes from './routes/tokens/index.ts';
import reviewRoutes from './routes/review/index.ts';
import reportTemplateRoutes from './routes/report-templates/index.ts';
import { ReportTemplateService } from './services/report-templates.ts';
import { TemplateChecker } from './templates/checker.ts';
import { ReviewService } from './services/review.ts';
import { ProgressService } from './services/progress.ts';
import { scheduleReports } from './scheduler/index.ts';
import { IngestService } from './services/ingest.ts';
import { WriterLease } from './services/writer-lease.ts';
import { createStore } from './store/index.ts';
import { timedStore } from './store/timed.ts';
import type { Store } from './store/store.ts';

export interface Services {
  catalog: CatalogService;
  ingest: IngestService;
  analytics: AnalyticsService;
  charts: ChartService;
  reports: ReportService;
  releases: ReleaseService;
  changes: ChangesFeed;
  observations: ObservationList;
  /** Each request's read view: what its caller may see. */
  views: Views;
  watcher: ChangeWatcher;
  /** Charts as PNG (and in Word reports); unavailable without the CJK font. */
  png: PngRenderer;
  /** Workbooks and drawn reports, built off the event loop. */
  render: RenderPool;
  /** Reports drawn as Word and HTML, by version. */
  drawnReports: RenderCache;
  targets: TargetService;
  progress: ProgressService;
  tokens: TokenService;
  accessLog: AccessLog;
  review: ReviewService;
  /** The writer lease among instances on one shared store; null where this instance needs none. */
  lease: WriterLease | null;
  /** Report templates: the defaults and those staff upload. */
  reportTemplates: ReportTemplateService;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    store: Store;
    services: Services;
  }
}

export interface AppOptions {
  config: Config;
  /** A store to use instead of the configured one; the app closes it. */
  store?: Store;
  logger?: FastifyServerOptions['logger'];
  /** Check every response against its schema (tests); production trusts its own code. */
  validateResponses?: boolean;
  /** The time (ms) release times are compared with; tests may move it. */
  clock?: () => number;
  /**
   * false: leave the pre-release access log out, for the benchmark's
   * yardstick only (bench/access.ts). No configuration turns it off.
   */
  recordAccess?: boolean;
}


/** Where other instances reach this one by default: its address, or its host name when it listens on every interface. */
function listeningUrl(host: string, address: string | AddressInfo | null): string {
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const name = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** Trust the nearest `hops` proxies' X-Forwarded-For entries. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Load the default catalog on a first start (an empty catalog). */
async function seedCatalog(catalog: CatalogService): Promise<boolean> {
  if (!catalog.isEmpty) return false;
  await catalog.upsertRegions(DEFAULT_REGIONS);
  await catalog.upsertIndicators(DEFAULT_INDICATORS);
  return true;
}

function tokensOf(config: Config, app: FastifyInstance): TokenSpec[] {
  if (config.API_TOKENS !== null) return config.API_TOKENS;
  const { spec, file, created } = generatedAdminToken(config.DATA_DIR);
  app.log.info({ file }, created ? 'API_TOKENS is unset: created an admin token in this file (owner-only)' : 'API_TOKENS is unset: using the admin token in this file');
  return [spec];
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: options.logger ?? loggerOptions(config.LOG_LEVEL),
    bodyLimit: config.MAX_BODY_MB * 1024 * 1024,
    requestTimeout: config.REQUEST_TIMEOUT_SECONDS * 1000,
    // Behind a reverse proxy, the client's address (for rate limits and logs) is in X-Forwarded-For.
    trustProxy: typeof config.TRUST_PROXY === 'number' ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY,
    // Path parameters are codes and periods: short.
    routerOptions: { maxParamLength: 200 },
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler((route) =>
    isDocOnly(route.schema) ? (data: unknown) => ({ value: data }) : validatorCompiler(route as Parameters<typeof validatorCompiler>[0]),
  );
  app.setSerializerCompiler(options.validateResponses === true ? serializerCompiler : () => (data: unknown) => JSON.stringify(data));

  // Before any service holds the store: every call they make through it is timed (GET /metrics).
  const metrics = new Metrics();
  const store = timedStore(options.store ?? (await createStore(config, app.log)), metrics.storeCall);
  const answers = memoryOf(store)?.answers;
  metrics.memoryReads(() => answers ?? { hits: 0, misses: 0 });
  // Instances started the plain way on one shared store agree on one writer; WRITER_URL names it instead.
  const lease = store.lease !== undefined && config.WRITER_URL === undefined ? new WriterLease(store.lease, app.log) : null;
  app.addHook('onClose', async () => {
    // After the last request here finished: another instance may take the lease at once.
    await lease?.stop();
    await store.close();
  });
  const clock = options.clock ?? Date.now;
  const catalog = new CatalogService(store, clock);
  const calendar = new ReleaseCalendar(store, (code) => catalog.findIndicator(code));
  const tokens = new TokenService(store, catalog, tokensOf(config, app), clock);
  app.addHook('onClose', async () => tokens.close());
  try {
    await catalog.reload();
    await calendar.reload();
    await tokens.reload();
    if (await seedCatalog(catalog)) app.log.info('first start: loaded the default catalog (Zhejiang, Taizhou and its nine counties)');
  } catch (error) {
    await store.close();
    throw error;
  }
  app.decorate('config', config);
  app.decorate('store', store);
  const watcher = new ChangeWatcher(
    store,
    {
      // Tokens change with the catalog's marker: a new or revoked one reaches every instance with it.
      catalog: async () => {
        await catalog.reload();
        await tokens.reload();
      },
      releases: () => calendar.reload(),
      failed: (error) => app.log.warn({ err: error }, 'could not ask the store what changed; answers are not reused until it answers'),
    },
    config.CHANGE_CHECK_MS,
  );
  const analytics = new AnalyticsService(catalog);
  const accessLog = new AccessLog(store, clock);
  const views = new Views(store, calendar, watcher, config.REPORT_TZ, clock);
  const png = new PngRenderer(config.CJK_FONT_FILES);
  // Said once, at start: the service runs without the font, only its PNG and Word answers do not.
  if (png.unavailable !== null) app.log.warn(png.unavailable);
  app.addHook('onClose', async () => png.close());
  // Shared by the process: an app's close leaves it to the next (its idle threads keep nothing alive).
  const render = RenderPool.shared();
  const progress = new ProgressService(catalog, analytics);
  const templateChecker = new TemplateChecker();
  app.addHook('onClose', async () => templateChecker.close());
  app.decorate('services', {
    catalog,
    ingest: new IngestService(store, catalog, config.MAX_ROWS, metrics),
    analytics,
    charts: new ChartService(catalog, analytics, progress),
    reports: new ReportService(store, catalog, analytics, config.REPORT_REGIONS),
    releases: new ReleaseService(calendar, catalog, clock),
    changes: new ChangesFeed(store, catalog, new StoreSecrets(store, clock)),
    observations: new ObservationList(catalog),
    views,
    watcher,
    png,
    render,
    drawnReports: new RenderCache(),
    targets: new TargetService(store, catalog),
    progress,
    tokens,
    accessLog,
    review: new ReviewService(catalog, calendar, clock),
    lease,
    reportTemplates: new ReportTemplateService(store, templateChecker, config.REPORT_TEMPLATE),
  });
  // An instance that forwards its writes leaves the schedule to the one that writes.
  if (config.REPORTS_ENABLED && config.WRITER_URL === undefined) scheduleReports(app, async () => lease === null || (await lease.route()).kind === 'self');
  if (lease !== null) {
    app.addHook('onReady', async () => {
      if (config.ADVERTISE_URL !== undefined) void lease.advertise(config.ADVERTISE_URL);
      // Not waited for: a starting instance may look at the lease for a few seconds; writes wait for it, reads need not.
      void lease.start();
    });
    app.addHook('onListen', async () => {
      if (config.ADVERTISE_URL === undefined) void lease.advertise(listeningUrl(config.HOST, app.server.address()));
    });
  }

  if (store.shared) {
    // Another instance may change figures, catalog or calendar: every request asks (at most every
    // CHANGE_CHECK_MS) before it is answered, and an idle instance keeps up on its own.
    app.addHook('onRequest', (_request, _reply, done) => {
      const checking = watcher.fresh();
      if (checking === null) done();
      else void checking.then(() => done());
    });
    const timer = setInterval(() => void watcher.fresh(), config.CHANGE_CHECK_MS);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }

  await app.register(errorsPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(authPlugin, { tokens, publicRead: config.PUBLIC_READ });
  await app.register(protectionPlugin, {
    rateLimitMax: config.RATE_LIMIT_MAX,
    rateLimitWindowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
    corsOrigins: config.CORS_ORIGINS,
  });
  const writerUrl = config.WRITER_URL;
  const route = writerUrl !== undefined ? () => ({ kind: 'forward', url: writerUrl, holder: writerUrl }) as const : lease !== null ? () => lease.route() : null;
  if (route !== null) await app.register(forwardWritesPlugin, { route, touched: () => watcher.touch() });
  await app.register(docsPlugin);
  // After the docs (which document only routes registered after them) and before the response cache,
  // which counts into it. Requests are timed from their arrival wherever it stands.
  await app.register(metricsPlugin, { metrics, token: config.METRICS_TOKEN, changeLagMs: () => watcher.lagMs() });
  await app.register(responseCachePlugin);
  if (options.recordAccess !== false) await app.register(accessLogPlugin, { log: accessLog });

  await app.register(healthRoutes);
  await app.register(catalogRoutes);
  await app.register(observationRoutes);
  await app.register(analyticsRoutes);
  await app.register(chartRoutes);
  await app.register(dashboardRoutes);
  await app.register(reportRoutes);
  await app.register(reportTemplateRoutes);
  await app.register(releaseRoutes);
  await app.register(targetRoutes);
  await app.register(tokenRoutes);
  await app.register(reviewRoutes);
  return app;
}
