import t from 'tap';
import { buildTestApp, call, forEachStore } from '../helpers/app.ts';
import { sharedInfluxd } from '../helpers/influxd.ts';

forEachStore(t, (t, store) => {
  t.test('health and readiness follow the store', async (t) => {
    const app = await buildTestApp(t, { store });
    t.same((await call(app, { method: 'GET', url: '/healthz' })).body, { status: 'ok' });
    t.same((await call(app, { method: 'GET', url: '/readyz' })).body, { status: 'ready', store });
    if (store === 'sqlite') {
      await app.store.close();
      const r = await call(app, { method: 'GET', url: '/readyz' });
      t.same([r.status, r.body.error], [503, 'not_ready'], 'a closed store is not ready');
      return;
    }
    const influxd = await sharedInfluxd(t);
    await influxd.stop();
    try {
      const r = await call(app, { method: 'GET', url: '/readyz' });
      t.same([r.status, r.body.error], [503, 'not_ready'], 'InfluxDB down: not ready');
      t.equal((await call(app, { method: 'GET', url: '/healthz' })).status, 200, 'the process is still up');
    } finally {
      await influxd.start();
    }
    t.equal((await call(app, { method: 'GET', url: '/readyz' })).status, 200, 'ready again without a restart');
  });

  t.test('the OpenAPI document is generated from the schemas', async (t) => {
    const app = await buildTestApp(t, { store });
    const doc = (await call(app, { method: 'GET', url: '/docs/json' })).body;
    t.equal(doc.openapi, '3.1.0');
    for (const path of ['/v1/observations', '/v1/observations/history', '/v1/series', '/v1/rankings', '/v1/scorecard', '/v1/regions', '/v1/groups', '/v1/indicators', '/healthz', '/readyz']) {
      t.ok(doc.paths[path], `documents ${path}`);
    }
    const rankings = doc.paths['/v1/rankings'].get;
    t.same(rankings.parameters.map((p: any) => p.name).sort(), ['asOf', 'by', 'format', 'group', 'indicator', 'parent', 'period', 'vintage']);
    // Every format a resource answers in is documented as a response content type.
    const types = (path: string) => Object.keys(doc.paths[path].get.responses['200'].content).sort();
    t.same(types('/v1/rankings'), ['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv']);
    for (const chart of ['ranking', 'trend', 'rank-history', 'scorecard']) t.same(types(`/v1/charts/${chart}`), ['application/json', 'image/png', 'image/svg+xml'], `${chart} chart`);
    t.same(types('/v1/reports/{region}/{file}'), ['application/json', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/html', 'text/markdown']);
    t.same(rankings.parameters.find((p: any) => p.name === 'format').schema.enum, ['json', 'csv', 'xlsx']);
    const requestBody = doc.paths['/v1/observations'].post.requestBody.content;
    t.same(Object.keys(requestBody).sort(), ['application/json', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'], 'every body a post takes');
    t.ok(JSON.stringify(requestBody['application/json'].schema).includes('indicator'), 'the observations body is described');
    t.equal(requestBody['text/csv'].schema.type, 'string');
    t.match(requestBody['text/csv'].schema.description, /header row/);
    const ui = await call(app, { method: 'GET', url: '/docs' });
    t.ok([200, 302].includes(ui.status), 'the UI answers');
  });

  t.test('unknown routes answer the error shape', async (t) => {
    const app = await buildTestApp(t, { store });
    const r = await call(app, { method: 'GET', url: '/v1/nothing' });
    t.same([r.status, r.body.error], [404, 'not_found']);
  });
});
