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
    }, 'defaults: 2 decimals, rank by yoy, points for a % unit');
    t.equal(indicators.find((i: any) => i.code === 'gdp').change, 'percent');
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
