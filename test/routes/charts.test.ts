import t from 'tap';
import { buildTestApp, call, post } from '../helpers/app.ts';

const RANKING = '/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&highlight=331023';

t.test('bad parameters answer 4xx naming the parameter', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const cases: Array<[string, number, string]> = [
    ['/v1/charts/ranking?indicator=nope&period=2022-06&parent=331000', 404, 'indicator'],
    ['/v1/charts/ranking?indicator=industrial_investment&period=2022-13&parent=331000', 400, 'period'],
    ['/v1/charts/ranking?indicator=industrial_investment&period=2022-06', 400, 'parent'],
    ['/v1/charts/ranking?indicator=industrial_investment&period=2022-06&group=nogroup', 404, 'group'],
    ['/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&highlight=999999', 404, 'highlight'],
    ['/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&highlight=330000', 400, 'highlight'],
    ['/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&top=0', 400, 'top'],
    ['/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&top=ten', 400, 'top'],
    ['/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&format=pdf', 400, 'format'],
    ['/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&format=png&scale=9', 400, 'scale'],
    ['/v1/charts/trend?indicator=industrial_investment&region=331023&from=2023-01&to=2022-01', 400, 'from'],
    ['/v1/charts/trend?indicator=industrial_investment&region=999999', 404, 'region'],
    ['/v1/charts/trend?indicator=industrial_investment&region=331023&measure=size', 400, 'measure'],
    ['/v1/charts/trend?indicator=industrial_investment&region=331023&from=2000-01&to=2022-01', 400, 'from'],
    ['/v1/charts/rank-history?indicator=industrial_investment&parent=331000&from=2023-01&to=2022-01', 400, 'from'],
    ['/v1/charts/rank-history?indicator=industrial_investment&parent=999999', 404, 'parent'],
    ['/v1/charts/scorecard?region=331023&period=22-06', 400, 'period'],
    ['/v1/charts/scorecard?region=999999&period=2022-06', 404, 'region'],
  ];
  for (const [url, status, field] of cases) {
    const r = await call(app, { method: 'GET', url });
    t.equal(r.status, status, url);
    t.ok(r.body.details?.some((d: any) => d.field === field), `${url} names ${field}: ${JSON.stringify(r.body).slice(0, 200)}`);
  }
});

t.test('SVG by Accept or format, the spec otherwise', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const spec = await call(app, { method: 'GET', url: RANKING });
  t.match(spec.response.headers['content-type'], /application\/json/);
  t.equal(spec.body.$schema, 'https://vega.github.io/schema/vega-lite/v6.json');
  const byAccept = await call(app, { method: 'GET', url: RANKING, headers: { accept: 'image/svg+xml' } });
  t.match(byAccept.response.headers['content-type'], /image\/svg\+xml/);
  t.match(byAccept.response.body, /^<svg/);
  const byFormat = await call(app, { method: 'GET', url: `${RANKING}&format=svg` });
  t.equal(byFormat.response.body, byAccept.response.body, 'the same drawing either way');
  const jsonFirst = await call(app, { method: 'GET', url: RANKING, headers: { accept: 'application/json, image/svg+xml' } });
  t.match(jsonFirst.response.headers['content-type'], /application\/json/, 'JSON when asked for first');
});

t.test('ETags from the content: 304 when unchanged, a new tag when a figure changes', async (t) => {
  const one = await buildTestApp(t, { demo: true });
  const two = await buildTestApp(t, { demo: true });
  const first = await call(one, { method: 'GET', url: RANKING });
  const etag = first.response.headers.etag as string;
  t.match(etag, /^"[A-Za-z0-9_-]{32}"$/);
  t.equal((await call(two, { method: 'GET', url: RANKING })).response.headers.etag, etag, 'another instance gives the same tag');
  const again = await call(one, { method: 'GET', url: RANKING, headers: { 'if-none-match': etag } });
  t.same([again.status, again.response.body], [304, ''], '304 without a body');
  const svg = await call(one, { method: 'GET', url: `${RANKING}&format=svg` });
  t.not(svg.response.headers.etag, etag, 'the SVG has its own tag');
  t.equal((await call(one, { method: 'GET', url: `${RANKING}&format=svg`, headers: { 'if-none-match': svg.response.headers.etag as string } })).status, 304);

  const trend = '/v1/charts/trend?indicator=industrial_investment&region=331023';
  const trendTag = (await call(one, { method: 'GET', url: trend })).response.headers.etag;
  // A revised figure of 2022-06 appears in the ranking and in the trend: both tags change.
  t.equal((await post(one, [{ indicator: 'industrial_investment', region: '331022', period: '2022-06', value: 99.99 }])).status, 200);
  const after = await call(one, { method: 'GET', url: RANKING, headers: { 'if-none-match': etag } });
  t.equal(after.status, 200, 'the old tag no longer matches');
  t.not(after.response.headers.etag, etag);
  t.equal((await call(one, { method: 'GET', url: trend })).response.headers.etag, trendTag, 'a chart without the figure keeps its tag');
  await post(one, [{ indicator: 'industrial_investment', region: '331023', period: '2022-06', value: 34.6, yoy: 122.4 }]);
  t.not((await call(one, { method: 'GET', url: trend })).response.headers.etag, trendTag, "the region's own trend changes");
});
