/**
 * Regions that change (API.md): figures posted under a former code stored
 * under the current one with a warning, former codes accepted wherever a
 * code is and answered with the current one, codes kept unambiguous, and
 * peers by month; on both stores.
 */
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';

const C = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082'];
const put = (app: Awaited<ReturnType<typeof buildTestApp>>, url: string, payload: Record<string, unknown>) => call(app, { method: 'PUT', url, headers: bearer('admin'), payload });

forEachStore(t, (t, store) => {
  t.test('玉环县 331021 → 玉环市 331083: one series, read by either code', async (t) => {
    const app = await buildTestApp(t, { store });
    let r = await put(app, '/v1/regions', { regions: [
      { code: '331000', name: '台州市', parent: '330000', level: 'prefecture', formerCodes: ['332600'] },
      { code: '331083', name: '玉环市', parent: '331000', level: 'county', formerCodes: ['331021'] },
    ] });
    t.equal(r.status, 200);
    const rows = [
      { indicator: 'industrial_investment', region: '331021', period: '2016-06', value: 40 },
      { indicator: 'industrial_investment', region: '331083', period: '2017-06', value: 50 },
      ...C.flatMap((region, i) => [
        { indicator: 'industrial_investment', region, period: '2016-06', value: 10 + i },
        { indicator: 'industrial_investment', region, period: '2017-06', value: 10 + i * 1.1 },
      ]),
    ];
    r = await post(app, rows);
    t.equal(r.status, 200);
    t.same(r.body.warnings, [{ row: 1, field: 'region', message: '331021 is a former code of 331083: stored under 331083' }], 'a warning on the row, naming the current code');
    t.equal(r.body.created, rows.length);

    r = await call(app, { method: 'GET', url: '/v1/series?indicator=industrial_investment&region=331021' });
    t.equal(r.body.region, '331083', 'a former code answers with the current code');
    t.same(r.body.points.map((p: any) => [p.period, p.value, p.yoy]), [['2016-06', 40, null], ['2017-06', 50, 25]], 'the series and its growth continue across the change');
    r = await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2017-06&parent=332600' });
    t.equal(r.status, 200, 'a parent by its former code');
    t.same(r.body.rows[0], { ...r.body.rows[0], region: '331083', name: '玉环市', rank: 1, yoy: 25 }, 'ranked on the growth across the change');
    r = await call(app, { method: 'GET', url: '/v1/scorecard?region=331021&period=2017-06&parent=332600' });
    t.same([r.status, r.body.region, r.body.parent], [200, '331083', '331000']);
    r = await call(app, { method: 'GET', url: '/v1/observations/history?indicator=industrial_investment&region=331021&period=2016-06' });
    t.same([r.body.region, r.body.versions.length], ['331083', 1]);
    r = await call(app, { method: 'GET', url: '/v1/charts/ranking?indicator=industrial_investment&period=2017-06&parent=331000&highlight=331021' });
    t.equal(r.status, 200, 'highlight by a former code');

    r = await put(app, '/v1/groups', { groups: [{ code: 'coast', name: '沿海', members: ['331021', '331082'] }] });
    t.equal(r.status, 200);
    t.same((await call(app, { method: 'GET', url: '/v1/groups' })).body.groups, [{ code: 'coast', name: '沿海', members: ['331083', '331082'] }], 'group members by current code');
    r = await put(app, '/v1/targets', { targets: [{ indicator: 'industrial_investment', region: '331021', year: 2017, kind: 'value', value: 100 }] });
    t.equal(r.status, 200);
    t.same((await call(app, { method: 'GET', url: '/v1/targets?region=331083' })).body.targets.map((x: any) => x.region), ['331083'], 'targets by current code');

    const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2017-06', regions: ['331021'] } });
    t.same(run.body.reports.map((x: any) => x.region), ['331083'], 'a report asked by a former code is filed under the current one');
    r = await call(app, { method: 'GET', url: '/v1/reports/331021/2017-06' });
    t.same([r.status, r.body.region], [200, '331083'], 'and read by either');

    // No region may take a code that is another's former code.
    const conflicts: Array<[unknown, string]> = [
      [{ code: '331021', name: '玉环县', parent: '331000' }, 'code'],
      [{ code: '331099', name: '又一个', parent: '331000', formerCodes: ['331021'] }, 'formerCodes'],
      [{ code: '331099', name: '又一个', parent: '331000', formerCodes: ['331082'] }, 'formerCodes'],
      [{ code: '331099', name: '又一个', parent: '331000', formerCodes: ['331099'] }, 'formerCodes'],
    ];
    for (const [region, field] of conflicts) {
      r = await put(app, '/v1/regions', { regions: [region] });
      t.equal(r.status, 400, JSON.stringify(region));
      t.ok(r.body.details.some((d: any) => d.field.endsWith(field)), `names ${field}: ${JSON.stringify(r.body.details)}`);
    }
  });

  t.test('peers by month: validFrom and validTo', async (t) => {
    const app = await buildTestApp(t, { store });
    // 331022 ceases after May 2022; a new 331099 exists from June 2022.
    let r = await put(app, '/v1/regions', { regions: [
      { code: '331022', name: '三门县', parent: '331000', level: 'county', validTo: '2022-05' },
      { code: '331099', name: '新区', parent: '331000', level: 'county', validFrom: '2022-06' },
    ] });
    t.equal(r.status, 200);
    const yoy = (i: number) => 20 - i;
    const rows = [
      ...['331002', '331022', '331003'].flatMap((region, i) => [
        { indicator: 'industrial_investment', region, period: '2022-05', value: 10, yoy: yoy(i) },
        { indicator: 'industrial_investment', region, period: '2022-06', value: 10, yoy: yoy(i) },
      ]),
      { indicator: 'industrial_investment', region: '331099', period: '2022-05', value: 9, yoy: 30 },
      { indicator: 'industrial_investment', region: '331099', period: '2022-06', value: 9, yoy: 30 },
    ];
    r = await post(app, rows);
    t.equal(r.status, 200);
    t.same(r.body.warnings.map((w: any) => [w.row, w.field]), [[4, 'period'], [7, 'period']], 'figures outside validity: stored, with a warning');
    t.match(r.body.warnings[0].message, /outside the months 331022 exists/);

    r = await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2022-06&parent=331000' });
    t.same(r.body.rows.map((x: any) => [x.region, x.rank, x.previousRank]), [['331099', 1, null], ['331002', 2, 1], ['331003', 3, 3]],
      '331022 is no peer in June; 331099 no peer in May; previous ranks over May\'s peers');
    t.notOk(r.body.missing.some((m: any) => m.region === '331022'), 'a region that does not exist is not missing either');
    t.equal(r.body.peers, 9, 'the peers of June');
    r = await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2022-05&parent=331000' });
    t.same(r.body.rows.map((x: any) => x.region), ['331002', '331022', '331003'], 'May: 331022, not 331099');
  });
});
