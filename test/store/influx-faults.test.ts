/**
 * InfluxDB failing under the service: a real influxd stopped, killed and
 * restarted inside the tests, and a partial write it reports itself.
 */
import { createServer, request } from 'node:http';
import t from 'tap';
import { bearer, buildTestApp, call, post } from '../helpers/app.ts';
import { freePort, sharedInfluxd, type Influxd } from '../helpers/influxd.ts';
import { until } from '../helpers/loader.ts';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';

const COUNTIES = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];
const INDICATORS = ['industrial_investment', 'manufacturing_investment', 'fixed_asset_investment', 'retail_sales', 'fiscal_revenue'];

/** `n` figures over the default catalog, distinct keys, values offset by `shift`. */
function batch(n: number, shift: number) {
  const rows = [];
  for (let i = 0; rows.length < n; i++) {
    const month = i % 480;
    rows.push({
      indicator: INDICATORS[Math.floor(i / 480 / 9) % 5]!,
      region: COUNTIES[Math.floor(i / 480) % 9]!,
      period: `${1990 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`,
      value: 100 + i + shift,
    });
  }
  return rows;
}

t.test('InfluxDB down: 503 with Retry-After, not ready, and back without a restart', async (t) => {
  const influxd = await sharedInfluxd(t);
  const app = await buildTestApp(t, { store: 'influxdb' });
  t.equal((await post(app, batch(10, 0))).status, 200);
  await influxd.stop();
  try {
    const w = await post(app, batch(10, 1));
    t.same([w.status, w.body.error], [503, 'not_ready'], 'ingest answers 503');
    t.ok(Number(w.response.headers['retry-after']) > 0, 'with Retry-After');
    t.match(w.body.message, /repeat/i, 'and a sentence saying what to do');
    const r = await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=1990-01&parent=331000' });
    t.same([r.status, r.body.error], [503, 'not_ready'], 'reads answer 503');
    t.equal((await call(app, { method: 'GET', url: '/readyz' })).status, 503, 'not ready');
  } finally {
    await influxd.start();
  }
  t.equal((await call(app, { method: 'GET', url: '/readyz' })).status, 200, 'ready again');
  const again = await post(app, batch(10, 1));
  t.same([again.status, again.body.revised], [200, 10], 'the repeated post completes');
  const h = await call(app, { method: 'GET', url: '/v1/observations/history?indicator=industrial_investment&region=331002&period=1990-01' });
  t.same(h.body.versions.map((v: any) => v.value), [100, 101], 'nothing was stored by the failed post but what the repeat completed');
});

/**
 * A proxy in front of influxd that kills it (SIGKILL, as a crash) once
 * `after` write requests have been acknowledged, so a batch is cut short.
 */
async function killingProxy(t: Parameters<typeof buildTestApp>[0], influxd: Influxd, after: number) {
  const port = await freePort();
  let writes = 0;
  let armed = true;
  const server = createServer((req, res) => {
    const upstream = request({ host: '127.0.0.1', port: influxd.httpPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      if (req.url?.startsWith('/write') === true && answer.statusCode === 204 && armed && ++writes >= after) {
        armed = false;
        void influxd.stop('SIGKILL');
      }
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${port}` };
}

t.test('a batch cut short by a crash: repeated after the restart, exactly the batch and its history', async (t) => {
  const influxd = await sharedInfluxd(t);
  const proxy = await killingProxy(t, influxd, Number.POSITIVE_INFINITY);
  const app = await buildTestApp(t, { store: 'influxdb', env: { INFLUX_URL: proxy.url } });
  const first = batch(20_000, 0);
  t.equal((await post(app, first)).status, 200, 'the first version of 20,000 figures');

  // Revise every figure; influxd dies after 2 of the 4 revision chunks are acknowledged.
  const second = batch(20_000, 0.5);
  const cut = await killingProxy(t, influxd, 2);
  // The store itself, as the writer sees it: an app here would forward to the one holding the writer lease.
  const cutStore = await InfluxStore.connect({ url: cut.url, token: undefined, org: undefined, database: app.config.INFLUX_DATABASE!, api: 'v1', timeoutMs: 10_000 }, { warn: () => {}, info: () => {} });
  t.teardown(() => cutStore.close());
  const failed = await cutStore.write(second.map((o) => ({ ...o, yoy: null, status: null })), { by: 'cut' }).then(() => null, (error: unknown) => error);
  t.ok(failed instanceof Error, `the cut-short write is not acknowledged (${String(failed)})`);
  t.notOk(influxd.running, 'influxd was killed mid-batch');
  await influxd.start();

  const repeated = await post(app, second);
  t.equal(repeated.status, 200, `the repeat is acknowledged (${repeated.body.message ?? ''})`);
  t.equal(repeated.body.revised + repeated.body.unchanged, 20_000, 'every row is accounted for');

  const stored = new Map((await app.store.figuresAt(second)).map((o) => [`${o.indicator}/${o.region}/${o.period}`, o.value]));
  t.equal(stored.size, 20_000, 'every figure is there');
  t.ok(second.every((o) => stored.get(`${o.indicator}/${o.region}/${o.period}`) === o.value), 'each at its revised value');
  for (const o of [second[0]!, second[7_777]!, second[19_999]!]) {
    const h = await app.store.history(o);
    t.same(h.map((v) => v.value), [o.value - 0.5, o.value], `${o.indicator}/${o.region}/${o.period}: two versions, no duplicate`);
  }
  const answer = await fetch(`${influxd.url}/query?db=${app.config.INFLUX_DATABASE}&q=${encodeURIComponent('SELECT count("value") FROM "observation_revision"')}`);
  const json = (await answer.json()) as { results: Array<{ series: Array<{ values: number[][] }> }> };
  t.equal(json.results[0]!.series[0]!.values[0]![1], 20_000, 'exactly one superseded version per figure');
});

t.test('a partial write InfluxDB reports fails the request with its words; the repeat completes', async (t) => {
  const influxd = await sharedInfluxd(t);
  const app = await buildTestApp(t, { store: 'influxdb' });
  const database = app.config.INFLUX_DATABASE!;
  // A string where InfluxDB expects a float makes it refuse points: "partial write: field type conflict".
  await fetch(`${influxd.url}/write?db=${database}&precision=s`, { method: 'POST', body: 'observation,indicator=x,region=x value="oops" 631152000' });
  const failed = await post(app, batch(50, 0));
  t.same([failed.status, failed.body.error], [503, 'not_ready']);
  t.match(failed.body.message, /field type conflict/, "InfluxDB's own message is passed on");
  const ask = (q: string) => fetch(`${influxd.url}/query?db=${database}&q=${encodeURIComponent(q)}`, { method: 'POST' });
  await ask('DROP MEASUREMENT "observation"');
  // influxd may answer the drop before the string field is forgotten: wait until it is.
  await until('the conflicting field dropped', 10_000, async () => !(await (await ask('SHOW FIELD KEYS FROM "observation"')).text()).includes('"value"'));
  const repeated = await post(app, batch(50, 0));
  t.same([repeated.status, repeated.body.created], [200, 50], `repeating completes the batch (${repeated.body.message ?? 'no error'})`);
  t.equal((await app.store.figuresAt(batch(50, 0))).length, 50);
});

t.test('two instances on one InfluxDB share the catalog and the figures', async (t) => {
  const one = await buildTestApp(t, { store: 'influxdb' });
  // It holds the writer lease: the other forwards its writes to where it listens.
  await one.listen({ port: 0, host: '127.0.0.1' });
  const two = await buildTestApp(t, { store: 'influxdb', env: { INFLUX_DATABASE: one.config.INFLUX_DATABASE! } });
  const put = await call(one, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions: [{ code: 'NEW1', name: '新区', parent: '331000' }] } });
  t.equal(put.status, 200);
  const seen = async () => (await call(two, { method: 'GET', url: '/v1/regions' })).body.regions.some((r: any) => r.code === 'NEW1');
  const t0 = Date.now();
  for (let i = 0; i < 50 && !(await seen()); i++) await new Promise((r) => setTimeout(r, 50));
  t.ok(await seen(), 'the other instance sees the new region');
  t.ok(Date.now() - t0 < 1000, `within a second (${Date.now() - t0} ms)`);
  t.equal((await post(two, [{ indicator: 'industrial_investment', region: 'NEW1', period: '2022-06', value: 1 }])).status, 200, 'and takes figures for it');
  const h = await call(one, { method: 'GET', url: '/v1/observations/history?indicator=industrial_investment&region=NEW1&period=2022-06' });
  t.equal(h.body.versions.length, 1, 'which the first instance reads');
});
