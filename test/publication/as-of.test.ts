/**
 * As of an instant (API.md): each figure as it was public then, growth and
 * ranks from that same snapshot; first releases; days read in REPORT_TZ.
 */
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';

const IND = 'industrial_investment';
const PARENT = '331000';
const pause = () => new Promise((resolve) => setTimeout(resolve, 30));
const url = (path: string, q: Record<string, string>) => `${path}?${new URLSearchParams(q)}`;

forEachStore(t, (t, store) => {
  t.test('a past ranking comes back as it was published, after later revisions', async (t) => {
    const app = await buildTestApp(t, { store });
    const base = ['331002', '331003', '331022', '331023'].flatMap((region, i) => [
      { indicator: IND, region, period: '2021-06', value: 10 },
      { indicator: IND, region, period: '2022-06', value: 11 + i },
    ]);
    t.equal((await post(app, base)).status, 200);
    await pause();
    const july = new Date().toISOString();
    await pause();
    // A revision moves 331002 from last to first.
    await post(app, [{ indicator: IND, region: '331002', period: '2022-06', value: 20, status: 'r' }]);
    await pause();
    const august = new Date().toISOString();
    await pause();
    await call(app, { method: 'DELETE', url: `/v1/observations/${IND}/331003/2022-06`, headers: bearer('writer') });

    const ranks = async (q: Record<string, string>) => {
      const r = await call(app, { method: 'GET', url: url('/v1/rankings', { indicator: IND, period: '2022-06', parent: PARENT, ...q }) });
      t.equal(r.status, 200, JSON.stringify(r.body).slice(0, 200));
      return { asOf: r.body.asOf, rows: r.body.rows.map((row: { region: string; rank: number; yoy: number }) => [row.region, row.rank, row.yoy]) };
    };
    t.same(await ranks({}), {
      asOf: undefined,
      rows: [
        ['331002', 1, 100],
        ['331023', 2, 40],
        ['331022', 3, 30],
      ],
    }, 'now: revised, and 331003 withdrawn');
    t.same(await ranks({ asOf: july }), {
      asOf: new Date(july).toISOString(),
      rows: [
        ['331023', 1, 40],
        ['331022', 2, 30],
        ['331003', 3, 20],
        ['331002', 4, 10],
      ],
    }, 'as published in July: the revision and the withdrawal undone, ranks as they were');
    t.same((await ranks({ asOf: august })).rows.map((r: unknown[]) => r[0]), ['331002', '331023', '331022', '331003'], 'August: revised, not yet withdrawn');
    t.same((await ranks({ vintage: 'first' })).rows.map((r: unknown[]) => [r[0], r[2]]), [
      ['331023', 40],
      ['331022', 30],
      ['331002', 10],
    ], 'first releases: the revision undone, the withdrawn figure still gone');

    const series = await call(app, { method: 'GET', url: url('/v1/series', { indicator: IND, region: '331002', asOf: july }) });
    t.same(series.body.points.map((p: { period: string; value: number; yoy: number }) => [p.period, p.value, p.yoy]), [
      ['2021-06', 10, null],
      ['2022-06', 11, 10],
    ]);
    t.equal(series.body.asOf, new Date(july).toISOString(), 'the instant is echoed');
    const scorecard = await call(app, { method: 'GET', url: url('/v1/scorecard', { region: '331002', period: '2022-06', asOf: july }) });
    t.equal(scorecard.body.indicators.find((i: { indicator: string }) => i.indicator === IND).rank, 4);
    const list = await call(app, { method: 'GET', url: url('/v1/observations', { indicator: IND, region: '331003', asOf: july }) });
    t.same(list.body.observations.map((o: { period: string; value: number }) => [o.period, o.value]), [['2021-06', 10], ['2022-06', 12]], 'a withdrawn figure, as it was');
    const chart = await call(app, { method: 'GET', url: url('/v1/charts/ranking', { indicator: IND, period: '2022-06', parent: PARENT, asOf: july }) });
    t.same((chart.body.data ?? chart.body.vconcat[0].data).values.map((v: { region: string }) => v.region), ['331023', '331022', '331003', '331002'], 'the chart draws the same snapshot');
  });

  t.test('instants: future ones refused, days end in REPORT_TZ, months with nothing public then are not released', async (t) => {
    const app = await buildTestApp(t, { store });
    await post(app, [
      { indicator: IND, region: '331023', period: '2021-06', value: 10 },
      { indicator: IND, region: '331023', period: '2022-06', value: 12 },
    ]);
    const future = await call(app, { method: 'GET', url: url('/v1/series', { indicator: IND, region: '331023', asOf: new Date(Date.now() + 60_000).toISOString() }) });
    t.equal(future.status, 400);
    t.equal(future.body.details[0].field, 'asOf');
    const noOffset = await call(app, { method: 'GET', url: url('/v1/series', { indicator: IND, region: '331023', asOf: '2024-01-01T00:00:00' }) });
    t.same([noOffset.status, noOffset.body.details[0].field], [400, 'asOf']);
    const bad = await call(app, { method: 'GET', url: url('/v1/rankings', { indicator: IND, period: '2022-06', parent: PARENT, vintage: 'second' }) });
    t.same([bad.status, bad.body.details[0].field], [400, 'vintage']);

    const longAgo = await call(app, { method: 'GET', url: url('/v1/rankings', { indicator: IND, period: '2022-06', parent: PARENT, asOf: '2020-01-01' }) });
    t.equal(longAgo.status, 404);
    t.equal(longAgo.body.error, 'not_released', 'nothing was public then: answered as not released');
    t.same((await call(app, { method: 'GET', url: url('/v1/series', { indicator: IND, region: '331023', asOf: '2020-01-01' }) })).body.points, []);
    t.equal(
      (await call(app, { method: 'GET', url: url('/v1/series', { indicator: IND, region: '331023', asOf: '2020-01-01' }) })).body.asOf,
      '2020-01-01T15:59:59.999Z',
      'a day is its last millisecond in Asia/Shanghai',
    );
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const now = await call(app, { method: 'GET', url: url('/v1/series', { indicator: IND, region: '331023', asOf: today }) });
    t.equal(now.status, 200, 'today is read as now');
    t.ok(Date.parse(now.body.asOf) <= Date.now(), 'and echoed as the instant asked');
    t.equal(now.body.points.length, 2);
  });
});
