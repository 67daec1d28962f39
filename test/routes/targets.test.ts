/** PUT/GET /v1/targets on both stores: validation per API.md, all or nothing, filters. */
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore } from '../helpers/app.ts';

forEachStore(t, (t, store) => {
  t.test('targets: stored, merged, filtered; bad ones refused whole', async (t) => {
    const app = await buildTestApp(t, { store });
    const put = (targets: unknown[], role: 'admin' | 'writer' = 'admin') => call(app, { method: 'PUT', url: '/v1/targets', headers: bearer(role), payload: { targets } });
    await call(app, { method: 'PUT', url: '/v1/indicators', headers: bearer('admin'), payload: { indicators: [{ code: 'power_use', name: '当月用电量', unit: '亿千瓦时', basis: 'month', direction: 'higher' }] } });
    const good = [
      { indicator: 'industrial_investment', region: '331023', year: 2022, kind: 'value', value: 60 },
      { indicator: 'industrial_investment', region: '331023', year: 2022, kind: 'growth', value: 8 },
      { indicator: 'industrial_investment', region: '331082', year: 2022, kind: 'value', value: 647.4 },
      { indicator: 'unemployment_rate', region: '331023', year: 2022, kind: 'value', value: 5.5 },
      { indicator: 'power_use', region: '331023', year: 2022, kind: 'growth', value: 6 },
    ];
    let r = await put(good);
    t.same([r.status, r.body], [200, { upserted: 5 }]);
    t.equal((await call(app, { method: 'PUT', url: '/v1/targets', payload: { targets: good } })).status, 401, 'a token is needed');
    t.equal((await put(good, 'writer')).status, 403, 'admin only');

    const bad: Array<[unknown, string]> = [
      [{ indicator: 'power_use', region: '331023', year: 2022, kind: 'value', value: 10 }, 'kind'],
      [{ indicator: 'industrial_investment', region: '331023', year: 2022.5, kind: 'value', value: 10 }, 'year'],
      [{ indicator: 'industrial_investment', region: '331023', year: '2022', kind: 'value', value: 10 }, 'year'],
      [{ indicator: 'industrial_investment', region: '331023', year: 2022, kind: 'amount', value: 10 }, 'kind'],
      [{ indicator: 'industrial_investment', region: '331023', year: 2022, kind: 'value', value: 0 }, 'value'],
      [{ indicator: 'nope', region: '331023', year: 2022, kind: 'growth', value: 1 }, 'indicator'],
      [{ indicator: 'industrial_investment', region: '999999', year: 2022, kind: 'growth', value: 1 }, 'region'],
    ];
    for (const [target, field] of bad) {
      r = await put([{ indicator: 'industrial_investment', region: '331002', year: 2022, kind: 'value', value: 1 }, target]);
      t.equal(r.status, 400, `${JSON.stringify(target)}: 400`);
      t.ok(JSON.stringify(r.body.details).includes(field), `names ${field}: ${JSON.stringify(r.body.details)}`);
    }
    r = await put([good[0], good[0]]);
    t.same([r.status, r.body.details[0].row, r.body.details[0].field], [400, 2, 'kind'], 'the same target twice');
    r = await call(app, { method: 'GET', url: '/v1/targets?region=331002' });
    t.same(r.body, { targets: [] }, 'nothing of a refused batch was stored');

    await put([{ indicator: 'industrial_investment', region: '331023', year: 2022, kind: 'value', value: 62.5 }]);
    r = await call(app, { method: 'GET', url: '/v1/targets?indicator=industrial_investment&year=2022' });
    t.same(r.body.targets.map((x: any) => [x.region, x.kind, x.value]), [['331023', 'growth', 8], ['331023', 'value', 62.5], ['331082', 'value', 647.4]], 'merged by key, filtered');
    t.equal((await call(app, { method: 'GET', url: '/v1/targets' })).body.targets.length, 5);
    t.equal((await call(app, { method: 'GET', url: '/v1/targets?year=22' })).status, 400);
    t.equal((await call(app, { method: 'GET', url: '/v1/targets?region=999999' })).status, 404);
  });
});
