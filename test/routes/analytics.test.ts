import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';

forEachStore(t, (t, store) => {
  const [c1, c2, c3, c4, c5, c6, c7, c8, c9] = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'] as const;
  const inv = (region: string, period: string, value: number, yoy?: number) => ({
    indicator: 'industrial_investment',
    region,
    period,
    value,
    ...(yoy === undefined ? {} : { yoy }),
  });
  const get = (app: Awaited<ReturnType<typeof buildTestApp>>, url: string) => call(app, { method: 'GET', url });

  /**
   * 1-2月 2022 against 1-2月 2021, compared with 1-12月 2021 (no January is
   * published, so the previous ranking is last year's December).
   */
  async function investmentData(app: Awaited<ReturnType<typeof buildTestApp>>) {
    const rows = [
      ...[c1, c2, c3, c4, c5, c6, c8, c9].map((c) => inv(c, '2021-02', 100)),
      inv(c1, '2022-02', 150), inv(c2, '2022-02', 130), inv(c3, '2022-02', 130), inv(c4, '2022-02', 120),
      inv(c5, '2022-02', 110), inv(c7, '2022-02', 105), inv(c8, '2022-02', 90), inv(c9, '2022-02', 100),
      ...[c1, c2, c3, c4, c5, c6, c8, c9].map((c) => inv(c, '2020-12', 100)),
      inv(c1, '2021-12', 101), inv(c2, '2021-12', 150), inv(c3, '2021-12', 120), inv(c4, '2021-12', 130), inv(c5, '2021-12', 110),
      inv(c6, '2021-12', 125), inv(c7, '2021-12', 200), inv(c8, '2021-12', 140), inv(c9, '2021-12', 105),
    ];
    const r = await post(app, rows);
    if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  }

  t.test('ranking by growth: ties, missing peers, previous period across the year', async (t) => {
    const app = await buildTestApp(t, { store });
    await investmentData(app);
    const r = await get(app, '/v1/rankings?indicator=industrial_investment&period=2022-02&parent=331000');
    t.equal(r.status, 200);
    t.match(r.body, { indicator: 'industrial_investment', period: '2022-02', by: 'yoy', direction: 'higher', peers: 9, ranked: 7, previousPeriod: '2021-12' });
    t.same(
      r.body.rows.map((x: any) => [x.region, x.rank, x.previousRank, x.rankChange]),
      [
        [c1, 1, 8, 7],
        [c2, 2, 1, -1],
        [c3, 2, 5, 3],
        [c4, 4, 3, -1],
        [c5, 5, 6, 1],
        [c9, 6, 7, 1],
        [c8, 7, 2, -5],
      ],
    );
    t.same(r.body.missing, [
      { region: c6, name: '仙居县', reason: 'no-figure' },
      { region: c7, name: '温岭市', reason: 'no-base' },
    ]);
    const first = r.body.rows[0];
    t.same([first.name, first.value, first.yoy, first.yoySource, first.yoyComputed], ['椒江区', 150, 50, 'computed', 50]);
  });

  t.test('ranking by size, and by a group', async (t) => {
    const app = await buildTestApp(t, { store });
    await investmentData(app);
    const r = await get(app, '/v1/rankings?indicator=industrial_investment&period=2022-02&parent=331000&by=value');
    t.same(
      r.body.rows.map((x: any) => [x.region, x.rank, x.previousRank]),
      [[c1, 1, 9], [c2, 2, 2], [c3, 2, 6], [c4, 4, 4], [c5, 5, 7], [c7, 6, 1], [c9, 7, 8], [c8, 8, 3]],
    );
    t.same(r.body.missing, [{ region: c6, name: '仙居县', reason: 'no-figure' }]);

    await call(app, { method: 'PUT', url: '/v1/groups', headers: bearer('admin'), payload: { groups: [{ code: 'g3', name: '三县', members: [c8, c5, c1] }] } });
    const g = await get(app, '/v1/rankings?indicator=industrial_investment&period=2022-02&group=g3');
    t.same(g.body.rows.map((x: any) => [x.region, x.rank, x.previousRank]), [[c1, 1, 3], [c5, 2, 2], [c8, 3, 1]], 'ranked among the group only');
    t.equal(g.body.peers, 3);
  });

  t.test('the previous ranking is the latest month in which a peer has a figure, not any region', async (t) => {
    const app = await buildTestApp(t, { store });
    const retail = (region: string, period: string, value: number) => ({ indicator: 'retail_sales', region, period, value });
    await post(app, [retail(c1, '2022-06', 10), retail(c2, '2022-06', 20), retail(c1, '2022-04', 30), retail(c2, '2022-04', 5), retail(c3, '2022-05', 1)]);
    await call(app, { method: 'PUT', url: '/v1/groups', headers: bearer('admin'), payload: { groups: [{ code: 'two', name: '两县', members: [c1, c2] }] } });
    const g = await get(app, '/v1/rankings?indicator=retail_sales&period=2022-06&group=two&by=value');
    t.equal(g.body.previousPeriod, '2022-04', '2022-05 has a figure, but for no peer');
    t.same(g.body.rows.map((x: any) => [x.region, x.rank, x.previousRank, x.rankChange]), [[c2, 1, 2, 1], [c1, 2, 1, -1]]);
    const all = await get(app, '/v1/rankings?indicator=retail_sales&period=2022-06&parent=331000&by=value');
    t.equal(all.body.previousPeriod, '2022-05', 'among all counties, 2022-05 counts');
  });

  t.test('lower is better, rates in points, ties at published precision', async (t) => {
    const app = await buildTestApp(t, { store });
    const rate = (region: string, period: string, value: number) => ({ indicator: 'unemployment_rate', region, period, value });
    await post(app, [
      rate(c1, '2022-06', 5.0), rate(c2, '2022-06', 4.5), rate(c3, '2022-06', 4.54), rate(c4, '2022-06', 6.0),
      rate(c1, '2021-06', 5.2), rate(c2, '2021-06', 4.0), rate(c3, '2021-06', 4.6), rate(c4, '2021-06', 6.0),
    ]);
    const byValue = await get(app, '/v1/rankings?indicator=unemployment_rate&period=2022-06&parent=331000');
    t.equal(byValue.body.by, 'value', "the indicator's default metric");
    t.equal(byValue.body.direction, 'lower');
    t.same(byValue.body.rows.map((x: any) => [x.region, x.rank]), [[c2, 1], [c3, 1], [c1, 3], [c4, 4]], '4.54 publishes as 4.5 and ties 4.5');
    const byYoy = await get(app, '/v1/rankings?indicator=unemployment_rate&period=2022-06&parent=331000&by=yoy');
    t.same(byYoy.body.rows.map((x: any) => [x.region, x.rank]), [[c1, 1], [c3, 2], [c4, 3], [c2, 4]], 'the smallest change in points first');
    t.same(byYoy.body.rows.map((x: any) => Math.round(x.yoy * 100) / 100), [-0.2, -0.06, 0, 0.5]);
  });

  t.test('series: growth source, computed growth beside it, month values', async (t) => {
    const app = await buildTestApp(t, { store });
    await post(app, [inv(c5, '2021-02', 100), inv(c5, '2021-03', 140), inv(c5, '2022-02', 110), inv(c5, '2022-03', 160, 15.0), inv(c5, '2022-04', 150)]);
    const r = await get(app, `/v1/series?indicator=industrial_investment&region=${c5}&from=2022-02&to=2022-04`);
    t.equal(r.status, 200);
    const [feb, mar, apr] = r.body.points;
    t.same([feb.period, feb.yoy, feb.yoySource, feb.monthValue], ['2022-02', 10, 'computed', null], '1-2月: no January, so no month value');
    t.same([mar.yoy, mar.yoySource, Math.round(mar.yoyComputed * 1e6) / 1e6, mar.monthValue], [15, 'reported', 14.285714, 50]);
    t.same([apr.yoy, apr.yoySource, apr.yoyComputed, apr.monthValue], [null, null, null, -10], 'no base a year earlier');
    const all = await get(app, `/v1/series?indicator=industrial_investment&region=${c5}`);
    t.equal(all.body.points.length, 5, 'open range: every month with a figure');
    const late = await get(app, `/v1/series?indicator=industrial_investment&region=${c5}&from=2022-04`);
    t.same(late.body.points.map((p: any) => p.period), ['2022-04']);
  });

  t.test('scorecard: both ranks out of how many, change, weak indicators', async (t) => {
    const app = await buildTestApp(t, { store });
    await investmentData(app);
    const r = await get(app, `/v1/scorecard?region=${c5}&period=2022-02`);
    t.equal(r.status, 200);
    t.match(r.body, { region: c5, name: '天台县', period: '2022-02', parent: '331000', group: null, peers: 9 });
    t.equal(r.body.indicators.length, 13, 'every indicator');
    const row = r.body.indicators.find((i: any) => i.indicator === 'industrial_investment');
    t.match(row, {
      name: '工业性投资',
      unit: '亿元',
      rankBy: 'yoy',
      value: 110,
      yoy: 10,
      byYoy: { rank: 5, ranked: 7, previousRank: 6, rankChange: 1 },
      byValue: { rank: 5, ranked: 8, previousRank: 7, rankChange: 2 },
      rank: 5,
      ranked: 7,
      rankChange: 1,
      weak: true,
      previousPeriod: '2021-12',
    });
    const empty = r.body.indicators.find((i: any) => i.indicator === 'retail_sales');
    t.match(empty, { value: null, rank: null, ranked: 0, weak: false, byYoy: { reason: 'no-figure' } });
    const top = (await get(app, `/v1/scorecard?region=${c1}&period=2022-02`)).body.indicators.find((i: any) => i.indicator === 'industrial_investment');
    t.match(top, { rank: 1, weak: false });
    const bottom = (await get(app, `/v1/scorecard?region=${c6}&period=2022-02`)).body.indicators.find((i: any) => i.indicator === 'industrial_investment');
    t.match(bottom, { rank: null, weak: false, byYoy: { reason: 'no-figure' } }, 'a region without a figure is unranked, not weak');
  });

  t.test('the demo reproduces the seed report', async (t) => {
    const app = await buildTestApp(t, { store, demo: true });
    const rank = async (indicator: string, by = '') =>
      (await get(app, `/v1/rankings?indicator=${indicator}&period=2022-06&parent=331000${by}`)).body.rows.find((x: any) => x.region === c5);
    t.match(await rank('industrial_investment'), { rank: 1, yoy: 122.4, yoySource: 'reported' }, '工业性投资同比增速122.4%、全市第一');
    t.match(await rank('manufacturing_investment'), { rank: 3, yoy: 44.9 }, '制造业投资同比增速44.9%、全市第三');
    t.match(await rank('digital_core_value_added'), { rank: 4, value: 2.27, yoy: 17.3 }, '数字经济核心产业增加值2.27亿元,同比增长17.3%、全市第四');
    t.match(await rank('online_retail_sales'), { rank: 1, value: 121.43 }, '1-6月份网络零售额121.43亿元,全市第一');
    const versions = await get(app, `/v1/observations/history?indicator=industrial_investment&region=${c5}&period=2023-11`);
    t.equal(versions.body.versions.length, 2, 'the demo shows a revision');
    t.equal(versions.body.versions[0].by, 'synthetic-demo', 'labelled as synthetic');
    const regions = new Set((await app.store.slices('industrial_investment', ['2022-06'], null)).map((o) => o.region));
    t.same([...regions].sort(), [c1, c2, c3, c4, c5, c6, c7, c8, c9, '331000'].sort(), 'all nine counties, and the city\'s own total');
  });

  t.test('the demo city posts the sum of its counties for every indicator that adds up, and rankings quote its growth', async (t) => {
    const app = await buildTestApp(t, { store, demo: true });
    const indicators = (await get(app, '/v1/indicators')).body.indicators as Array<{ code: string; aggregation: string; basis: string }>;
    const periods = ['2021-02', '2021-12', '2022-06', '2023-11', '2023-12'];
    for (const indicator of indicators) {
      const slices = await app.store.slices(indicator.code, periods, null);
      for (const period of periods) {
        const here = slices.filter((o) => o.period === period);
        const city = here.find((o) => o.region === '331000');
        if (indicator.aggregation !== 'sum') {
          t.equal(city, undefined, `${indicator.code} ${period}: the city posts none of an indicator that does not add up`);
          continue;
        }
        const sum = here.filter((o) => o.region !== '331000').reduce((a, o) => a + o.value, 0);
        t.equal(city?.value, Math.round(sum * 100) / 100, `${indicator.code} ${period}: the city is the sum of its nine counties`);
      }
    }
    const average = async (indicator: string, period = '2022-06') => (await get(app, `/v1/rankings?indicator=${indicator}&period=${period}&parent=331000&by=yoy`)).body.average;
    for (const indicator of indicators.filter((i) => i.aggregation === 'sum')) {
      t.match(await average(indicator.code), { source: 'parent' }, `${indicator.code}: the city's own growth`);
    }
    t.equal(await average('energy_intensity'), null, 'an intensity: no city figure, and never one summed from the counties');
    t.match(await average('industrial_investment', '2023-11'), { source: 'parent' }, 'after the revision of a county, the city revised with it');
  });

  t.test('bad and unknown parameters answer 4xx naming the field', async (t) => {
    const app = await buildTestApp(t, { store });
    const cases: Array<[string, number, string]> = [
      ['/v1/rankings?indicator=industrial_investment&period=2022-13&parent=331000', 400, 'period'],
      ['/v1/rankings?indicator=industrial_investment&period=22-06&parent=331000', 400, 'period'],
      ['/v1/rankings?indicator=industrial_investment&period=2022-06', 400, 'parent'],
      ['/v1/rankings?indicator=industrial_investment&period=2022-06&parent=331000&group=g', 400, 'group'],
      ['/v1/rankings?indicator=industrial_investment&period=2022-06&parent=331000&by=size', 400, 'by'],
      ['/v1/rankings?indicator=bad%20code&period=2022-06&parent=331000', 400, 'indicator'],
      ['/v1/rankings?indicator=nope&period=2022-06&parent=331000', 404, 'indicator'],
      ['/v1/rankings?indicator=industrial_investment&period=2022-06&parent=999999', 404, 'parent'],
      ['/v1/rankings?indicator=industrial_investment&period=2022-06&group=nogroup', 404, 'group'],
      ['/v1/series?indicator=industrial_investment&region=331023&from=2022-06&to=2022-01', 400, 'from'],
      ['/v1/series?indicator=industrial_investment&region=999999', 404, 'region'],
      ['/v1/series?indicator=industrial_investment', 400, 'region'],
      ['/v1/scorecard?region=331023&period=2022', 400, 'period'],
      ['/v1/scorecard?region=999999&period=2022-06', 404, 'region'],
      ['/v1/scorecard?region=330000&period=2022-06', 400, 'parent'],
      ['/v1/scorecard?region=331023&period=2022-06&parent=330000', 400, 'region'],
    ];
    for (const [url, status, field] of cases) {
      const r = await get(app, url);
      t.equal(r.status, status, url);
      t.ok(r.body.details?.some((d: any) => d.field === field), `${url} names ${field}: ${JSON.stringify(r.body)}`);
      t.type(r.body.message, 'string');
    }
    const none = await get(app, '/v1/rankings?indicator=industrial_investment&period=2022-06&parent=331023');
    t.same([none.status, none.body.peers, none.body.rows, none.body.previousPeriod], [200, 0, [], null], 'a region without children has no peers');
  });

  t.test('a repeated answer is reused until the data changes, never after', async (t) => {
    const app = await buildTestApp(t, { store });
    await investmentData(app);
    const url = '/v1/rankings?indicator=industrial_investment&period=2022-02&parent=331000';
    const first = await get(app, url);
    const again = await get(app, url);
    t.equal(again.response.body, first.response.body, 'the same answer');
    await post(app, [inv(c6, '2022-02', 500), inv(c6, '2021-02', 100)]);
    const after = await get(app, url);
    t.same(after.body.rows[0], { ...after.body.rows[0], region: c6, rank: 1 }, 'a new figure shows at once');
    await post(app, [inv(c6, '2022-02', 50)], '?dryRun=true');
    t.equal((await get(app, url)).body.rows[0].region, c6, 'a dry run changes nothing');
    await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions: [{ code: c6, name: '仙居县(新)', parent: '331000' }] } });
    t.equal((await get(app, url)).body.rows[0].name, '仙居县(新)', 'a catalog change shows at once');
  });
});
