/**
 * Answers about one indicator are kept while the bureau posts another
 * (DataVersions): a ranking, a series and a chart of one indicator stay
 * cached (a hit, the same ETag) when another indicator's month is revised,
 * and are recomputed when their own is, or when anything else changes
 * (catalog, calendar, targets, another instance's write). The scorecard,
 * which shows every indicator, follows every write. Both stores.
 */
import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';
import { sharedInfluxd } from '../helpers/influxd.ts';

const X = 'industrial_investment';
const Y = 'retail_sales';
const COUNTIES = ['331002', '331003', '331004', '331022', '331023'];
const rows = (indicator: string, shift: number) =>
  COUNTIES.flatMap((region, i) => [
    { indicator, region, period: '2022-06', value: 100 + i + shift },
    { indicator, region, period: '2021-06', value: 90 + i },
  ]);

async function hits(app: FastifyInstance): Promise<number> {
  const text = (await call(app, { method: 'GET', url: '/metrics' })).body as string;
  return Number(/indicators_response_cache_requests_total\{result="hit"\} (\d+)/.exec(text)?.[1] ?? 0);
}

/** GET as a reader: the answer, and whether it came from the cache. */
async function ask(app: FastifyInstance, url: string) {
  const before = await hits(app);
  const r = await call(app, { method: 'GET', url, headers: bearer('reader') });
  return { status: r.status, etag: r.response.headers.etag, body: r.body, hit: (await hits(app)) > before };
}

const URLS = {
  ranking: `/v1/rankings?indicator=${X}&period=2022-06&parent=331000`,
  series: `/v1/series?indicator=${X}&region=331023`,
  chart: `/v1/charts/ranking?indicator=${X}&period=2022-06&parent=331000`,
  scorecard: '/v1/scorecard?region=331023&period=2022-06',
};

async function settle(t: Test, app: FastifyInstance) {
  for (const url of Object.values(URLS)) {
    t.equal((await ask(app, url)).status, 200, url);
    t.ok((await ask(app, url)).hit, `${url}: asked again, from the cache`);
  }
}

forEachStore(t, (t, store) => {
  t.test('another indicator revised: answers about this one kept; this one revised: recomputed', async (t) => {
    const app = await buildTestApp(t, { store });
    t.equal((await post(app, [...rows(X, 0), ...rows(Y, 0)])).status, 200);
    await settle(t, app);
    const first = await ask(app, URLS.ranking);

    t.equal((await post(app, rows(Y, 5))).body.revised, 5, 'a month of another indicator revised');
    for (const name of ['ranking', 'series', 'chart'] as const) {
      const a = await ask(app, URLS[name]);
      t.ok(a.hit, `${name} of ${X}: still from the cache`);
    }
    t.equal((await ask(app, URLS.ranking)).etag, first.etag, 'the same ETag');
    t.notOk((await ask(app, URLS.scorecard)).hit, 'the scorecard (every indicator) is recomputed');

    t.equal((await post(app, rows(X, 7))).body.revised, 5, 'now a month of this indicator');
    const after = await ask(app, URLS.ranking);
    t.notOk(after.hit, 'its ranking is recomputed');
    t.not(after.etag, first.etag, 'with a new ETag');
    t.ok(JSON.stringify(after.body).includes('107'), 'and the revised figure');
    for (const name of ['series', 'chart'] as const) t.notOk((await ask(app, URLS[name])).hit, `${name}: recomputed`);
  });

  t.test('a catalog change, a release setting or targets: every answer recomputed', async (t) => {
    const app = await buildTestApp(t, { store });
    t.equal((await post(app, [...rows(X, 0), ...rows(Y, 0)])).status, 200);
    const changes = [
      { what: 'a region renamed', url: '/v1/regions', method: 'PUT' as const, payload: { regions: [{ code: '331023', name: '天台县 (新)', parent: '331000' }] } },
      { what: 'a release time', url: '/v1/releases', method: 'PUT' as const, payload: { releases: [{ indicator: Y, period: '2030-01', releaseAt: '2031-01-01T00:00:00Z' }] } },
      { what: 'a target', url: '/v1/targets', method: 'PUT' as const, payload: { targets: [{ indicator: X, region: '331023', year: 2022, kind: 'growth', value: 10 }] } },
    ];
    for (const change of changes) {
      await settle(t, app);
      const r = await call(app, { method: change.method, url: change.url, headers: bearer('admin'), payload: change.payload });
      t.equal(r.status, 200, `${change.what}: ${JSON.stringify(r.body).slice(0, 200)}`);
      t.notOk((await ask(app, URLS.ranking)).hit, `${change.what}: the ranking is recomputed`);
    }
  });

  if (store === 'influxdb') {
    t.test('a write this instance was not told of (another instance, read from the marker): recomputed', async (t) => {
      const influxd = await sharedInfluxd(t);
      const app = await buildTestApp(t, { store, env: { CHANGE_CHECK_MS: '10' } });
      t.equal((await post(app, [...rows(X, 0), ...rows(Y, 0)])).status, 200);
      await settle(t, app);
      const marker = await fetch(`${influxd.url}/write?db=${app.config.INFLUX_DATABASE}&precision=s`, { method: 'POST', body: 'change data="from-elsewhere" 0' });
      t.equal(marker.status, 204);
      await new Promise((resolve) => setTimeout(resolve, 50));
      t.notOk((await ask(app, URLS.ranking)).hit, 'the ranking is recomputed');
      t.ok((await ask(app, URLS.ranking)).hit, 'and kept again');
    });
  }
});
