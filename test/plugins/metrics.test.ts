/** GET /metrics (API.md "Operations"): what it counts, who may read it, and what it never shows. */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ChangeWatcher } from '../../src/services/change-watcher.ts';
import type { ChangeState, Store } from '../../src/store/store.ts';
import { TOKENS, bearer, buildTestApp, call, post } from '../helpers/app.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const TIANTAI = '331023';
const row = (over: Record<string, unknown> = {}) => ({ indicator: 'industrial_investment', region: TIANTAI, period: '2022-06', value: 34.58, ...over });

async function scrape(app: FastifyInstance, headers: Record<string, string> = {}): Promise<string> {
  const r = await app.inject({ method: 'GET', url: '/metrics', headers });
  if (r.statusCode !== 200) throw new Error(`GET /metrics answered ${r.statusCode}: ${r.body}`);
  return r.body;
}

/** The value of one sample, by name and exact labels (in the order prom-client writes them); 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string | number> = {}): number {
  const set = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  const head = set === '' ? `${name} ` : `${name}{${set}} `;
  const line = text.split('\n').find((l) => l.startsWith(head));
  return line === undefined ? 0 : Number(line.slice(head.length));
}

const requests = (text: string, method: string, route: string, status: number) =>
  sample(text, 'http_request_duration_seconds_count', { method, route, status_code: status });
const cache = (text: string, result: string) => sample(text, 'indicators_response_cache_requests_total', { result });
const rows = (text: string, kind: string) => sample(text, 'indicators_rows_ingested_total', { kind });

t.test('Prometheus text with every metric, open without METRICS_TOKEN even where reads need a token', async (t) => {
  const app = await buildTestApp(t, { env: { PUBLIC_READ: 'false' } });
  const r = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(r.statusCode, 200);
  t.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  for (const [name, type] of [
    ['http_request_duration_seconds', 'histogram'],
    ['indicators_response_cache_requests_total', 'counter'],
    ['indicators_rows_ingested_total', 'counter'],
    ['indicators_store_operation_duration_seconds', 'histogram'],
    ['indicators_change_check_lag_seconds', 'gauge'],
    ['indicators_memory_reads_total', 'counter'],
    ['process_cpu_user_seconds_total', 'counter'],
    ['nodejs_eventloop_lag_seconds', 'gauge'],
  ]) {
    t.match(r.body, new RegExp(`^# TYPE ${name} ${type}$`, 'm'), `${name} (${type})`);
  }
  t.equal(sample(r.body, 'indicators_change_check_lag_seconds'), 0, 'SQLite knows its changes as they commit: no lag');
  t.match(r.body, /^indicators_response_cache_requests_total\{result="hit"\} 0$/m, 'counters are there before their first increase');
  // Every app has its own registry: a second one in the same process starts from nothing.
  const other = await buildTestApp(t);
  await other.inject({ method: 'GET', url: '/healthz' });
  t.equal(requests(await scrape(app), 'GET', '/healthz', 200), 0, "another app's requests are not counted here");
});

t.test('requests by method, route pattern and status; unmatched URLs share one label', async (t) => {
  const app = await buildTestApp(t);
  await app.inject({ method: 'GET', url: '/healthz' });
  await app.inject({ method: 'GET', url: '/healthz' });
  await app.inject({ method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06.json` });
  for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: `/no/such/path-${i}?q=${i}` });
  const text = await scrape(app);
  t.equal(requests(text, 'GET', '/healthz', 200), 2);
  t.equal(requests(text, 'GET', '/v1/reports/:region/:file', 404), 1, 'the pattern, not the URL');
  t.equal(requests(text, 'GET', 'unmatched', 404), 3, 'three URLs no route matched: one series');
  t.notMatch(text, /path-\d|\/no\/such/, 'no URL of an unmatched request is shown');
  t.ok(sample(text, 'http_request_duration_seconds_sum', { method: 'GET', route: '/healthz', status_code: 200 }) > 0, 'durations are summed');
});

t.test('a cached GET asked again is a hit; a conditional one answered 304 is a hit too', async (t) => {
  const app = await buildTestApp(t);
  await post(app, [row()]);
  const url = `/v1/series?indicator=industrial_investment&region=${TIANTAI}`;
  const before = await scrape(app);
  const first = await call(app, { method: 'GET', url });
  t.equal(first.status, 200);
  await call(app, { method: 'GET', url });
  const conditional = await call(app, { method: 'GET', url, headers: { 'if-none-match': String(first.response.headers.etag) } });
  t.equal(conditional.status, 304);
  await call(app, { method: 'GET', url, headers: bearer('preview') });
  const after = await scrape(app);
  t.equal(cache(after, 'miss') - cache(before, 'miss'), 1, 'the first answer is computed');
  t.equal(cache(after, 'hit') - cache(before, 'hit'), 2, 'the second, and the 304');
  t.equal(cache(after, 'bypass') - cache(before, 'bypass'), 1, 'an answer to a caller who sees embargoed figures is never cached');
  t.equal(requests(after, 'GET', '/v1/series', 200), 3, 'a hit written straight out is timed like any answer');
  t.equal(requests(after, 'GET', '/v1/series', 304), 1);
});

t.test("the memory layer's reads: a series asked again of the store is a hit; a write of its indicator makes the next a miss", async (t) => {
  const app = await buildTestApp(t);
  await post(app, [row()]);
  const memory = (text: string, result: string) => sample(text, 'indicators_memory_reads_total', { result });
  // As a bearer of embargoed figures: never from the response cache, so every ask reaches the store.
  const ask = async () => t.equal((await call(app, { method: 'GET', url: `/v1/series?indicator=industrial_investment&region=${TIANTAI}`, headers: bearer('preview') })).status, 200);
  await ask();
  const before = await scrape(app);
  await ask();
  const again = await scrape(app);
  t.ok(memory(again, 'hit') > memory(before, 'hit'), 'asked again: answered from memory');
  t.equal(memory(again, 'miss'), memory(before, 'miss'), 'nothing read from the store');
  await post(app, [row({ value: 35 })]);
  await ask();
  t.ok(memory(await scrape(app), 'miss') > memory(again, 'miss'), 'its indicator written: read again');
});

t.test('rows ingested: what accepted writes stored, by kind', async (t) => {
  const app = await buildTestApp(t);
  const periods = ['2022-04', '2022-05', '2022-06'];
  let r = await post(app, periods.map((period) => row({ period })));
  t.equal(r.body.created, 3);
  let text = await scrape(app);
  t.equal(rows(text, 'created'), 3, 'three new figures');
  await post(app, periods.map((period) => row({ period })));
  await post(app, [row({ value: 40 })], '?dryRun=true');
  await post(app, [row({ indicator: 'nope' })]);
  text = await scrape(app);
  t.same([rows(text, 'created'), rows(text, 'revised')], [3, 0], 'unchanged rows, a dry run and a refused batch store nothing');
  r = await post(app, [row({ value: 35 }), row({ period: '2022-07' })]);
  t.same([r.body.created, r.body.revised], [1, 1]);
  const withdrawn = await call(app, { method: 'DELETE', url: `/v1/observations/industrial_investment/${TIANTAI}/2022-04`, headers: bearer('writer') });
  t.equal(withdrawn.status, 200);
  text = await scrape(app);
  t.same([rows(text, 'created'), rows(text, 'revised'), rows(text, 'withdrawn')], [4, 1, 1]);
  t.ok(sample(text, 'indicators_store_operation_duration_seconds_count', { operation: 'session.commit' }) >= 3, 'batch commits are timed');
  t.ok(sample(text, 'indicators_store_operation_duration_seconds_count', { operation: 'withdraw' }) >= 1, 'so is a withdrawal');
  t.ok(sample(text, 'indicators_store_operation_duration_seconds_count', { operation: 'loadCatalog' }) >= 1, 'and the catalog read at start');
  const operations = new Set([...text.matchAll(/operation="([^"]+)"/g)].map((m) => m[1]));
  for (const op of operations) t.match(op, /^(session\.)?[a-zA-Z]+$/, `${op}: a method name, never an argument`);
});

t.test('METRICS_TOKEN: the metrics need it, and only it', async (t) => {
  const app = await buildTestApp(t, { env: { METRICS_TOKEN } });
  const missing = await call(app, { method: 'GET', url: '/metrics' });
  t.same([missing.status, missing.body.error, missing.body.details], [401, 'unauthorized', [{ field: 'authorization', message: 'missing' }]]);
  t.match(missing.body.message, /METRICS_TOKEN/);
  for (const authorization of [`Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(1)}`, `Bearer ${TOKENS.admin}`, METRICS_TOKEN, `Basic ${METRICS_TOKEN}`]) {
    const r = await call(app, { method: 'GET', url: '/metrics', headers: { authorization } });
    t.same([r.status, r.body.error], [401, 'unauthorized'], `refused: ${authorization.slice(0, 12)}…`);
  }
  const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  t.equal(ok.statusCode, 200);
  t.match(ok.body, /# TYPE http_request_duration_seconds histogram/);
  t.equal((await call(app, { method: 'GET', url: '/healthz' })).status, 200, '/healthz stays open');
  // The metrics token is no API token: it opens nothing else.
  const write = await call(app, { method: 'POST', url: '/v1/observations', headers: { authorization: `Bearer ${METRICS_TOKEN}` }, payload: { observations: [row()] } });
  t.equal(write.status, 401);
  t.equal(requests(await scrape(app, { authorization: `Bearer ${METRICS_TOKEN}` }), 'GET', '/metrics', 401), 6, 'refused scrapes are counted');
});

t.test('METRICS_TOKEN: too short or with spaces stops the start naming it', async (t) => {
  t.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), ConfigError);
  t.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN must be at least 16 characters/);
  t.throws(() => loadConfig({ METRICS_TOKEN: 'sixteen characters long' }), /METRICS_TOKEN must not contain spaces/);
  t.equal(loadConfig({ METRICS_TOKEN: '' }).METRICS_TOKEN, undefined, 'empty is unset');
  t.equal(loadConfig({ METRICS_TOKEN }).METRICS_TOKEN, METRICS_TOKEN);
});

t.test('the metrics never show a token or a query string value', async (t) => {
  const app = await buildTestApp(t, { env: { METRICS_TOKEN } });
  const secret = 'secret123-query-token-4567';
  const headerSecret = 'secret987-header-token-6543';
  await app.inject({ method: 'GET', url: `/v1/series?token=${secret}&region=XYZQW&indicator=industrial_investment`, headers: { authorization: `Bearer ${headerSecret}` } });
  await app.inject({ method: 'GET', url: `/v1/series?token=${secret}&region=XYZQW&indicator=industrial_investment`, headers: bearer('reader') });
  await app.inject({ method: 'GET', url: `/v1/${secret}?region=XYZQW`, headers: { authorization: `Bearer ${headerSecret}` } });
  await app.inject({ method: 'GET', url: `/metrics?token=${secret}&region=XYZQW`, headers: { authorization: `Bearer ${headerSecret}` } });
  await app.inject({ method: 'GET', url: `/metrics?token=${secret}&region=XYZQW`, headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await scrape(app, { authorization: `Bearer ${METRICS_TOKEN}` });
  t.ok(requests(text, 'GET', '/v1/series', 401) + requests(text, 'GET', '/v1/series', 400) + requests(text, 'GET', '/v1/series', 404) >= 1, 'the requests were counted');
  for (const shown of [secret, headerSecret, 'XYZQW', METRICS_TOKEN, ...Object.values(TOKENS), 'secret']) {
    t.notOk(text.includes(shown), `never shows ${shown.slice(0, 12)}…`);
  }
  t.notMatch(text, /\?/, 'no query string at all');
});

t.test('/metrics is documented with /healthz, as an operation that needs no API token', async (t) => {
  const app = await buildTestApp(t);
  const doc = (await call(app, { method: 'GET', url: '/docs/json' })).body;
  const op = doc.paths['/metrics'].get;
  t.same(op.tags, ['operations']);
  t.ok(op.responses['200'].content['text/plain'], 'answers text');
  t.match(op.description, /METRICS_TOKEN/);
});

t.test('the change-check lag: since the shared store last answered', async (t) => {
  let now = 1_000;
  let failing = false;
  const state: ChangeState = { data: 'd', catalog: 'c', releases: 'r', inFlightSince: null };
  const store = {
    shared: true,
    subscribe: () => {},
    changes: async () => {
      if (failing) throw new Error('down');
      return state;
    },
  } as unknown as Store;
  const watcher = new ChangeWatcher(store, { catalog: async () => {}, releases: async () => {}, failed: () => {} }, 250, () => now);
  now = 1_400;
  t.equal(watcher.lagMs(), 400, 'before its first answer: since the watcher started');
  await watcher.fresh();
  now = 1_500;
  t.equal(watcher.lagMs(), 100, 'since the question was asked');
  failing = true;
  now = 2_000;
  await watcher.fresh();
  now = 2_600;
  t.equal(watcher.lagMs(), 1_200, 'a failed check does not count: the lag grows while the store is down');
  const single = new ChangeWatcher({ ...store, shared: false, changes: () => state } as Store, { catalog: async () => {}, releases: async () => {}, failed: () => {} }, 250, () => now);
  t.equal(single.lagMs(), 0, 'a store with one writer has none');
});

t.test('influxdb: the change check is timed and its lag reported', async (t) => {
  const app = await buildTestApp(t, { store: 'influxdb' });
  await app.inject({ method: 'GET', url: '/v1/regions' });
  const text = await scrape(app);
  t.ok(sample(text, 'indicators_store_operation_duration_seconds_count', { operation: 'changes' }) >= 1, 'the question what changed is a store call');
  const lag = sample(text, 'indicators_change_check_lag_seconds');
  t.ok(lag > 0 && lag < 60, `a lag in seconds (${lag})`);
});
