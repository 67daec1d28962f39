/** Build the app as the service does, on a store of the test's choosing. */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { loadDemo } from '../../src/services/demo.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { tempDir } from './tmp.ts';

export const TOKENS = {
  admin: 'admin-token-0123456789abcdef',
  writer: 'writer-token-0123456789abcdef',
  reader: 'reader-token-0123456789abcdef',
} as const;
export type Role = keyof typeof TOKENS;

export const bearer = (role: Role) => ({ authorization: `Bearer ${TOKENS[role]}` });

export interface TestAppOptions {
  env?: Record<string, string>;
  demo?: boolean;
  /** Makes the store; defaults to SQLite in a temporary directory. */
  store?: (dataDir: string) => Promise<Store>;
}

export async function buildTestApp(t: Test, options: TestAppOptions = {}): Promise<FastifyInstance> {
  const dataDir = tempDir(t);
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    API_TOKENS: `admin:${TOKENS.admin},writer:alice:${TOKENS.writer},reader:${TOKENS.reader}`,
    ...options.env,
  });
  const store = options.store === undefined ? new SqliteStore(dataDir) : await options.store(dataDir);
  const app = await buildApp({ config, store, logger: false, validateResponses: true });
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

export const post = (app: FastifyInstance, observations: unknown[], query = '', role: Role = 'writer') =>
  call(app, { method: 'POST', url: `/v1/observations${query}`, headers: bearer(role), payload: { observations } });
