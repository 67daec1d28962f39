import t from 'tap';
import { bearer, buildTestApp, call, forEachStore } from '../helpers/app.ts';

forEachStore(t, (t, store) => {
  t.test('the default catalog loads on first start', async (t) => {
    const app = await buildTestApp(t, { store });
    const regions = (await call(app, { method: 'GET', url: '/v1/regions' })).body.regions;
    t.equal(regions.length, 11);
    t.same(regions.find((r: any) => r.code === '331023'), { code: '331023', name: '天台县', parent: '331000', level: 'county' });
    t.equal(regions.filter((r: any) => r.parent === '331000').length, 9, "Taizhou's nine county-level units");
    const indicators = (await call(app, { method: 'GET', url: '/v1/indicators' })).body.indicators;
    const byCode = Object.fromEntries(indicators.map((i: any) => [i.code, i]));
    for (const name of ['工业性投资', '制造业投资', '数字经济核心产业增加值', '网络零售额', '工业增加值', '商品房销售面积']) {
      t.ok(indicators.some((i: any) => i.name === name), `ships ${name}`);
    }
    t.same([byCode.online_retail_sales.basis, byCode.online_retail_sales.rankBy], ['ytd', 'value'], 'online retail is year-to-date, ranked by size');
    t.same([byCode.unemployment_rate.change, byCode.unemployment_rate.direction], ['points', 'lower'], 'a rate compares in points, lower is better');
  });

  t.test('PUT merges by code and keeps the rest', async (t) => {
    const app = await buildTestApp(t, { store });
    const put = (url: string, payload: object) => call(app, { method: 'PUT', url, headers: bearer('admin'), payload });
    let r = await put('/v1/regions', {
      regions: [
        { code: 'C2', name: '新市', parent: '330000', level: 'prefecture' },
        { code: 'C2.K1', name: '新县', parent: 'C2' },
        { code: '331023', name: '天台县(改)', parent: '331000', level: 'county' },
      ],
    });
    t.same([r.status, r.body], [200, { upserted: 3 }], 'a parent may come in the same batch');
    const regions = (await call(app, { method: 'GET', url: '/v1/regions' })).body.regions;
    t.equal(regions.length, 13);
    t.equal(regions.find((x: any) => x.code === '331023').name, '天台县(改)');
    t.same(regions.find((x: any) => x.code === 'C2.K1'), { code: 'C2.K1', name: '新县', parent: 'C2', level: null });

    r = await put('/v1/groups', { groups: [{ code: 'mountain26', name: '山区26县', members: ['331022', '331023', '331024'] }] });
    t.same(r.body, { upserted: 1 });
    t.same((await call(app, { method: 'GET', url: '/v1/groups' })).body.groups, [{ code: 'mountain26', name: '山区26县', members: ['331022', '331023', '331024'] }]);

    r = await put('/v1/indicators', {
      indicators: [
        { code: 'completion', name: '签约完成率', unit: '%', basis: 'level', direction: 'higher' },
        { code: 'gdp', name: '地区生产总值', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 1, rankBy: 'value' },
      ],
    });
    t.same(r.body, { upserted: 2 });
    const indicators = (await call(app, { method: 'GET', url: '/v1/indicators' })).body.indicators;
    t.same(indicators.find((i: any) => i.code === 'completion'), {
      code: 'completion', name: '签约完成率', unit: '%', basis: 'level', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'points', reportValue: true,
      review: false, reviewSince: null, aggregation: 'none',
    }, 'defaults: 2 decimals, rank by yoy, points for a % unit, no review, a rate does not add up');
    t.equal(indicators.find((i: any) => i.code === 'gdp').change, 'percent');
    t.equal(indicators.find((i: any) => i.code === 'gdp').aggregation, 'sum', 'an amount adds up');
  });

  t.test('indicators: review, when it began, and whether figures add up', async (t) => {
    const app = await buildTestApp(t, { store });
    const put = (indicators: object[]) => call(app, { method: 'PUT', url: '/v1/indicators', headers: bearer('admin'), payload: { indicators } });
    const listed = async () => Object.fromEntries((await call(app, { method: 'GET', url: '/v1/indicators' })).body.indicators.map((i: any) => [i.code, i]));
    const base = { basis: 'ytd', direction: 'higher' };
    let byCode = await listed();
    t.same(
      Object.values(byCode).map((i: any) => [i.code, i.aggregation, i.review, i.reviewSince]),
      [
        ['industrial_investment', 'sum', false, null], ['manufacturing_investment', 'sum', false, null], ['fixed_asset_investment', 'sum', false, null],
        ['digital_core_value_added', 'sum', false, null], ['online_retail_sales', 'sum', false, null], ['industrial_value_added', 'sum', false, null],
        ['housing_sales_area', 'sum', false, null], ['retail_sales', 'sum', false, null], ['fiscal_revenue', 'sum', false, null],
        ['energy_intensity', 'none', false, null], ['unemployment_rate', 'none', false, null], ['job_retention_refund_rate', 'none', false, null],
        ['graduate_internship_rate', 'none', false, null],
      ],
      'the default catalog: amounts add up; the intensity and the rates do not; nothing under review',
    );

    const before = Date.now();
    let r = await put([
      { code: 'energy2', name: '单位GDP能耗', unit: '吨标准煤/万元', ...base, direction: 'lower', decimals: 3 },
      { code: 'income', name: '全体居民人均可支配收入', unit: '元', ...base, decimals: 0 },
      { code: 'retail_m', name: '社会消费品零售总额(当月)', unit: '亿元', basis: 'month', direction: 'higher', review: true },
      { code: 'city_only', name: '市本级税收', unit: '亿元', ...base, aggregation: 'none' },
      { code: 'profit_rate', name: '规上工业企业营业收入利润率', unit: '%', ...base, change: 'percent', aggregation: 'sum' },
    ]);
    t.same([r.status, r.body], [200, { upserted: 5 }]);
    byCode = await listed();
    t.same(
      ['energy2', 'income', 'retail_m', 'city_only', 'profit_rate'].map((c) => [c, byCode[c].aggregation, byCode[c].review]),
      [['energy2', 'none', false], ['income', 'none', false], ['retail_m', 'sum', true], ['city_only', 'none', false], ['profit_rate', 'sum', false]],
      'an intensity and a per-capita figure do not add up, a month\'s amount does; given aggregations kept as given',
    );
    const since = byCode.retail_m.reviewSince;
    t.match(since, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'reviewSince in RFC 3339');
    t.ok(Date.parse(since) >= before && Date.parse(since) <= Date.now(), 'when the PUT turned review on');
    t.equal(byCode.energy2.reviewSince, null, 'null while review is off');

    r = await put([{ code: 'retail_m', name: '社会消费品零售总额(当月)', unit: '亿元', basis: 'month', direction: 'higher', review: true, decimals: 1 }]);
    t.equal(r.status, 200);
    t.equal((await listed()).retail_m.reviewSince, since, 'review staying on keeps when it began');
    r = await put([{ code: 'retail_m', name: '社会消费品零售总额(当月)', unit: '亿元', basis: 'month', direction: 'higher' }]);
    t.same(((i) => [i.review, i.reviewSince])((await listed()).retail_m), [false, null], 'an entry sent without review replaces the stored one: review off');

    r = await put([{ code: 'bad', name: 'B', unit: '亿元', ...base, review: 'yes', aggregation: 'mean', reviewSince: '2024-01-01T00:00:00Z' }]);
    t.equal(r.status, 400);
    t.same(r.body.details.map((d: any) => d.field).sort(), ['aggregation', 'review', 'reviewSince'], 'bad review and aggregation named; reviewSince is not an input');
  });

  t.test('bad catalog batches: every fault named, nothing stored', async (t) => {
    const app = await buildTestApp(t, { store });
    const put = (url: string, payload: object) => call(app, { method: 'PUT', url, headers: bearer('admin'), payload });
    const before = (await call(app, { method: 'GET', url: '/v1/regions' })).body;

    let r = await put('/v1/regions', {
      regions: [
        { code: 'A', name: '甲', parent: 'B' },
        { code: 'B', name: '乙', parent: 'A' },
        { code: 'C', name: '丙', parent: 'nowhere' },
        { code: 'D', name: '丁', parent: 'D' },
        { code: 'A', name: '甲again' },
      ],
    });
    t.equal(r.status, 400);
    t.same(r.body.details.map((d: any) => [d.row, d.field]), [[1, 'parent'], [2, 'parent'], [3, 'parent'], [4, 'parent'], [5, 'code']]);
    t.match(r.body.details[0].message, /cycle/);

    r = await put('/v1/regions', { regions: [{ code: 'bad code', name: '' }, { code: 'x', name: 'tab\there' }, { code: 'y', name: 'n', colour: 'red' }] });
    t.equal(r.status, 400);
    t.same(r.body.details.map((d: any) => [d.row, d.field]), [[1, 'code'], [1, 'name'], [2, 'name'], [3, 'colour']], 'schema faults as rows and fields');

    r = await put('/v1/groups', { groups: [{ code: 'g', name: 'G', members: ['331023', 'nope', '331023'] }] });
    t.same(r.body.details.map((d: any) => [d.row, d.field]), [[1, 'members'], [1, 'members']]);

    r = await put('/v1/indicators', { indicators: [{ code: 'i', name: 'I', unit: '亿元', basis: 'weekly', direction: 'up', decimals: 9 }] });
    t.same(r.body.details.map((d: any) => d.field).sort(), ['basis', 'decimals', 'direction']);

    r = await put('/v1/regions', { nope: [] });
    t.equal(r.status, 400);
    t.same((await call(app, { method: 'GET', url: '/v1/regions' })).body, before, 'nothing stored');
    t.same((await call(app, { method: 'GET', url: '/v1/groups' })).body.groups, []);
  });

  t.test('the catalog is for admins; reads are public', async (t) => {
    const app = await buildTestApp(t, { store });
    const payload = { regions: [{ code: 'Z', name: 'Z' }] };
    t.equal((await call(app, { method: 'PUT', url: '/v1/regions', payload })).status, 401);
    t.equal((await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('writer'), payload })).status, 403);
    t.equal((await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('reader'), payload })).status, 403);
    t.equal((await call(app, { method: 'GET', url: '/v1/regions' })).status, 200, 'no token needed to read');
    t.equal((await call(app, { method: 'GET', url: '/v1/regions', headers: { authorization: 'Bearer not-a-token-at-all' } })).status, 401, 'a bad token is refused even where none is needed');

    const closed = await buildTestApp(t, { store, env: { PUBLIC_READ: 'false' } });
    t.equal((await call(closed, { method: 'GET', url: '/v1/regions' })).status, 401, 'PUBLIC_READ=false');
    t.equal((await call(closed, { method: 'GET', url: '/v1/regions', headers: bearer('reader') })).status, 200);
    t.equal((await call(closed, { method: 'GET', url: '/healthz' })).status, 200, '/healthz never needs one');
  });
});
