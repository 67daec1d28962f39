/**
 * What a new user found reading reports and charts (issue 13), each checked
 * through the API: the scope word from a level's synonyms or a GB/T 2260
 * code, one wording for charts and reports, a points indicator's axis.
 */
import t from 'tap';
import { bearer, buildTestApp, call, post } from '../helpers/app.ts';
import { SEED_FIGURES } from '../fixtures/seed-report.ts';

const put = (app: Awaited<ReturnType<typeof buildTestApp>>, url: string, payload: Record<string, unknown>) => call(app, { method: 'PUT', url, headers: bearer('admin'), payload });

t.test('a parent whose level is "city", or none with a GB/T 2260 code, reads 全市', async (t) => {
  for (const level of ['city', '地级市', null]) {
    const app = await buildTestApp(t);
    t.equal((await put(app, '/v1/regions', { regions: [{ code: '331000', name: '台州市', parent: '330000', level }] })).status, 200);
    t.equal((await post(app, SEED_FIGURES)).status, 200);
    await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331023'], 'manual test', new Date('2022-07-15T01:00:00Z'));
    const facts = (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06' })).body.facts;
    t.equal(facts.scope, '全市', `level ${level}: 全市`);
    t.ok(facts.indicators[0].sentence.includes('全市第一'), `level ${level}: ${facts.indicators[0].sentence}`);
    t.notOk(JSON.stringify(facts).includes('台州市内'), 'never 台州市内');
  }
});

t.test("the HTML report's charts name a points indicator's axis in 百分点, not %", async (t) => {
  const app = await buildTestApp(t);
  await put(app, '/v1/indicators', { indicators: [{ code: 'urban_rate', name: '城镇化率', unit: '%', basis: 'level', direction: 'higher', decimals: 1, rankBy: 'yoy' }] });
  const counties = ['331002', '331003', '331023'];
  await post(app, counties.flatMap((region, i) => [
    { indicator: 'urban_rate', region, period: '2022-06', value: 60 + i },
    { indicator: 'urban_rate', region, period: '2021-06', value: 59 + i * 0.5 },
  ]));
  await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331023'], 'manual test', new Date('2022-07-15T01:00:00Z'));
  const html = (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.html' })).response.body as string;
  t.match(html, /同比变化\(百分点\)/, 'the axis in 百分点');
  t.notMatch(html, /同比\(%\)/, 'no hard-coded % axis');
  t.match(html, /1-6月|6月末 城镇化率同比变化排名/, 'the title from the same phrasing as the dashboard');
  const chart = await call(app, { method: 'GET', url: '/v1/charts/ranking?indicator=urban_rate&period=2022-06&parent=331000' });
  t.match(JSON.stringify(chart.body), /6月末 城镇化率同比变化排名/, 'the ranking chart: the same title');
  t.match(JSON.stringify(chart.body), /同比变化\(百分点\)/, 'the ranking chart: the same axis');
});

t.test('status b reads 口径调整 in charts as in reports', async (t) => {
  const app = await buildTestApp(t);
  await post(app, [
    { indicator: 'industrial_investment', region: '331023', period: '2022-05', value: 10 },
    { indicator: 'industrial_investment', region: '331023', period: '2022-06', value: 12, status: 'b' },
  ]);
  const trend = JSON.stringify((await call(app, { method: 'GET', url: '/v1/charts/trend?indicator=industrial_investment&region=331023' })).body);
  t.match(trend, /调=口径调整/, 'the legend in the reports\' words');
  t.notMatch(trend, /口径变化|断/, 'not 口径变化');
  await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331023'], 'manual test', new Date('2022-07-15T01:00:00Z'));
  const facts = (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06' })).body.facts;
  t.ok(facts.sections.gaps.includes('工业性投资:本期数为口径调整'), 'the report says the same');
});
