/** Build the app as the service does, on a store of the test's choosing. */
import type { FastifyInstance, FastifyServerOptions, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { loadDemo } from '../../src/services/demo.ts';
import { freshDatabase, sharedInfluxd } from './influxd.ts';
import { tempDir } from './tmp.ts';

export const TOKENS = {
  admin: 'admin-token-0123456789abcdef',
  writer: 'writer-token-0123456789abcdef',
  reader: 'reader-token-0123456789abcdef',
  preview: 'preview-token-0123456789abcdef',
} as const;
export type Role = keyof typeof TOKENS;

export const bearer = (role: Role) => ({ authorization: `Bearer ${TOKENS[role]}` });

export type StoreKind = 'sqlite' | 'influxdb';
/** Every API test runs on both stores: the embedded default and a real influxd. */
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'influxdb'];

export interface TestAppOptions {
  env?: Record<string, string>;
  demo?: boolean;
  /** The embedded SQLite store (default) or a fresh database on the file's shared influxd. */
  store?: StoreKind;
  /** Pino options (a stream to read the log lines back); none by default. */
  logger?: FastifyServerOptions['logger'];
}

/** Register `body`'s tests once per store, each under the store's name. */
export function forEachStore(t: Test, body: (t: Test, store: StoreKind) => void): void {
  for (const store of STORE_KINDS) t.test(store, async (t) => body(t, store));
}

export async function buildTestApp(t: Test, options: TestAppOptions = {}): Promise<FastifyInstance> {
  const dataDir = tempDir(t);
  const influx: Record<string, string> =
    options.store === 'influxdb'
      ? { STORE: 'influxdb', INFLUX_URL: (await sharedInfluxd(t)).url, INFLUX_DATABASE: freshDatabase(), INFLUX_API: 'v1' }
      : {};
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    API_TOKENS: `admin:${TOKENS.admin},writer:alice:${TOKENS.writer},reader:${TOKENS.reader},preview:${TOKENS.preview}`,
    // The schedule is tested on its own, with a controlled clock.
    REPORTS_ENABLED: 'false',
    ...influx,
    ...options.env,
  });
  const app = await buildApp({ config, logger: options.logger ?? false, validateResponses: true });
  t.teardown(() => app.close());
  if (options.demo === true) await loadDemo(app.services.ingest);
  return app;
}

/** Inject and parse the JSON answer. */
export async function call(app: FastifyInstance, options: InjectOptions): Promise<{ status: number; body: any; response: LightMyRequestResponse }> {
  const response = await app.inject(options);
  let body: unknown = response.body;
  if ((response.headers['content-type'] ?? '').toString().includes('json')) body = response.json();
  return { status: response.statusCode, body, response };
}

/** Post figures as a role's bootstrap token, or as `token` when given. */
export const post = (app: FastifyInstance, observations: unknown[], query = '', role: Role = 'writer', token?: string) =>
  call(app, { method: 'POST', url: `/v1/observations${query}`, headers: token === undefined ? bearer(role) : { authorization: `Bearer ${token}` }, payload: { observations } });
