/**
 * Progress, completion rankings, gaps and the average through the API, on
 * both stores, with DOMAIN.md's worked examples; the charts that draw them
 * checked against the Vega-Lite schema.
 */
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';
import { checkChart } from '../helpers/vega.ts';

const C = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];

/** 1-10月 industrial investment of the nine counties, a year earlier, and 1-9月 for the previous ranks. */
function figures() {
  const now = [100, 80.5, 60, 45, 30, 25, 20, 629.0, 10];
  const yoy = [12.3, 8.0, 8.0, 5.4, 9.1, 3.3, -2.0, 15.0, 1.1];
  const rows: unknown[] = [];
  C.forEach((region, i) => {
    rows.push({ indicator: 'industrial_investment', region, period: '2022-10', value: now[i], yoy: yoy[i] });
    rows.push({ indicator: 'industrial_investment', region, period: '2021-10', value: now[i]! / (1 + yoy[i]! / 100) });
    rows.push({ indicator: 'industrial_investment', region, period: '2022-09', value: now[i]! * 0.9 });
  });
  return rows;
}

forEachStore(t, (t, store) => {
  t.test('progress, completion ranking, gaps and the average', async (t) => {
    const app = await buildTestApp(t, { store });
    t.equal((await post(app, figures())).status, 200);
    const targets = [
      { indicator: 'industrial_investment', region: '331082', year: 2022, kind: 'value', value: 647.4 },
      { indicator: 'industrial_investment', region: '331002', year: 2022, kind: 'value', value: 100 },
      { indicator: 'industrial_investment', region: '331003', year: 2022, kind: 'value', value: 80.5 },
      { indicator: 'industrial_investment', region: '331023', year: 2022, kind: 'growth', value: 8 },
    ];
    t.equal((await call(app, { method: 'PUT', url: '/v1/targets', headers: bearer('admin'), payload: { targets } })).status, 200);

    let r = await call(app, { method: 'GET', url: '/v1/progress?indicator=industrial_investment&period=2022-10&region=331082' });
    t.equal(r.status, 200);
    t.same(r.body, {
      indicator: 'industrial_investment',
      period: '2022-10',
      timeProgress: 83.3,
      rows: [{ region: '331082', name: '临海市', value: 629, yoy: 15, target: { kind: 'value', value: 647.4 }, completion: 97.2, gap: 13.8, rank: 1, growthTarget: null, growthGap: null }],
    }, '629.0 of 647.4 at 1-10月: 97.2%, 超序时进度13.8 (rounded once, not 13.9)');

    r = await call(app, { method: 'GET', url: '/v1/progress?indicator=industrial_investment&period=2022-10&parent=331000' });
    t.same(r.body.rows.slice(0, 3).map((x: any) => [x.region, x.completion, x.rank]), [['331002', 100, 1], ['331003', 100, 1], ['331082', 97.2, 3]], 'ranked by completion, ties shared');
    const tiantai = r.body.rows.find((x: any) => x.region === '331023');
    t.same([tiantai.target, tiantai.completion, tiantai.gap, tiantai.rank], [{ kind: 'growth', value: 8 }, null, 1.1, null], 'a growth target compared directly: 9.1 − 8');
    t.same(r.body.rows.find((x: any) => x.region === '331083').target, null, 'no target: nulls');

    r = await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2022-10&parent=331000&by=completion' });
    t.equal(r.status, 200);
    t.same(r.body.rows.map((x: any) => [x.region, x.rank, x.completion, x.gapAbove, x.gapBelow, x.previousRank]), [
      ['331002', 1, 100, null, 2.8, 1],
      ['331003', 1, 100, null, 2.8, 1],
      ['331082', 3, 97.2, 2.8, null, 3],
    ], 'completion ranks with gaps; the previous ranks from 1-9月');
    t.equal(r.body.timeProgress, 83.3);
    t.same(r.body.missing.map((m: any) => [m.region, m.reason]), C.filter((c) => !['331002', '331003', '331082'].includes(c)).map((c) => [c, 'no-target']), 'peers without an amount target: no-target');

    r = await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2022-10&parent=331000' });
    const rows = r.body.rows;
    t.same(rows.map((x: any) => [x.region, x.rank]).slice(0, 4), [['331082', 1], ['331002', 2], ['331023', 3], ['331003', 4]]);
    t.same(rows.map((x: any) => [x.gapAbove, x.gapBelow]), [
      [null, 2.7], [2.7, 3.2], [3.2, 1.1], [1.1, 2.6], [1.1, 2.6], [2.6, 2.1], [2.1, 2.2], [2.2, 3.1], [3.1, null],
    ], 'gaps at 0.1 between distinct figures; the tie at 8.0 shares them');
    const sumNow = 100 + 80.5 + 60 + 45 + 30 + 25 + 20 + 629 + 10;
    t.equal(r.body.average.source, 'aggregate', 'the city posted nothing: the peers\' sums');
    t.ok(Math.abs(r.body.average.yoy - 11.27) < 1 && r.body.average.yoy > 0, `aggregate growth ${r.body.average.yoy} of ${sumNow}`);

    await post(app, [{ indicator: 'industrial_investment', region: '331000', period: '2022-10', value: 1100, yoy: 7.3 }]);
    r = await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2022-10&parent=331000' });
    t.same(r.body.average, { yoy: 7.3, source: 'parent' }, "the city's own growth, never the mean of rates");
    t.same(r.body.rows.map((x: any) => x.vsAverage), [7.7, 5, 1.8, 0.7, 0.7, -1.9, -4, -6.2, -9.3], '高于全市平均1.8个百分点 (9.1 − 7.3)');
    r = await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2022-10&parent=331000&by=value' });
    t.equal(r.body.average, null, 'by value: no average');
    t.same(r.body.rows.slice(0, 2).map((x: any) => [x.gapAbove, x.gapBelow]), [[null, 529], [529, 19.5]], 'gaps in 亿元 at published precision');

    const charts = [
      '/v1/charts/ranking?indicator=industrial_investment&period=2022-10&parent=331000&highlight=331023',
      '/v1/charts/ranking?indicator=industrial_investment&period=2022-10&parent=331000&by=completion&highlight=331082',
      '/v1/charts/progress?indicator=industrial_investment&period=2022-10&parent=331000&highlight=331082',
      '/v1/charts/progress?indicator=industrial_investment&period=2022-10&region=331082',
    ];
    for (const url of charts) {
      const chart = await call(app, { method: 'GET', url });
      t.equal(chart.status, 200, url);
      const check = await checkChart(chart.body);
      t.same([check.schemaErrors, check.compileWarnings, check.renderWarnings], [[], [], []], `${url}: valid, compiles and renders cleanly`);
      if (url.includes('by=completion') || url.includes('progress')) t.match(check.svg, /序时进度83\.3%/, `${url}: the time-progress rule`);
      else t.match(check.svg, /全市平均7\.3%/, `${url}: the average drawn as a rule`);
    }
    const topOne = await call(app, { method: 'GET', url: `${charts[1]}&top=1&format=svg` });
    t.match(topOne.response.body, /仅显示前1名及所选地区,共3个地区有排名/, 'the completion chart says the highlighted region is shown beyond the top, as the growth chart does');
    t.match(topOne.response.body, /临海市/);
    const svg = await call(app, { method: 'GET', url: `${charts[2]}&format=svg` });
    t.match(svg.response.headers['content-type'], /image\/svg\+xml/);
    t.match(svg.response.body, /97\.2%/);

    const bad = await call(app, { method: 'GET', url: '/v1/progress?indicator=industrial_investment&period=2022-10&region=331082&parent=331000' });
    t.same([bad.status, bad.body.details[0].field], [400, 'region']);
    t.equal((await call(app, { method: 'GET', url: '/v1/progress?indicator=industrial_investment&period=2022-10' })).status, 400);
  });
});
