/**
 * Every chart the service emits, on ordinary data (the demo) and on edge
 * data: one peer, all tied, negative growth, missing peers, a single month,
 * 3,000 peers. Each must validate against the Vega-Lite schema, compile, and
 * render with Vega without a warning.
 */
import t, { type Test } from 'tap';
import type { TopLevelSpec } from 'vega-lite';
import { FONT_STACK } from '../../charts/theme.ts';
import { bearer, buildTestApp, call, post } from '../helpers/app.ts';
import { checkChart } from '../helpers/vega.ts';

const C = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];
type App = Awaited<ReturnType<typeof buildTestApp>>;

async function chart(t: Test, app: App, url: string): Promise<TopLevelSpec> {
  const r = await call(app, { method: 'GET', url });
  t.equal(r.status, 200, `${url}: ${r.status === 200 ? 'ok' : JSON.stringify(r.body)}`);
  return r.body as TopLevelSpec;
}

async function valid(t: Test, app: App, url: string): Promise<string> {
  const spec = await chart(t, app, url);
  const check = await checkChart(spec);
  t.same(check.schemaErrors, [], `${url}: valid against the Vega-Lite schema`);
  t.same(check.compileWarnings, [], `${url}: compiles without warnings`);
  t.same(check.renderWarnings, [], `${url}: renders without warnings`);
  t.match(check.svg, /<svg/, `${url}: an SVG`);
  return check.svg;
}

t.test('ordinary data: the demo', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const svg = await valid(t, app, '/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&highlight=331023');
  t.match(svg, /天台县/, 'region names are in the chart');
  t.match(svg, /122\.4%/, 'the growth printed with its unit');
  t.match(svg, /工业性投资/, 'the indicator name from the catalog');
  t.match(svg, /1-6月/, 'the period in the official style');
  t.ok(svg.includes('Noto Sans CJK SC') && svg.includes('Microsoft YaHei'), 'a font stack with common CJK fonts');
  t.match(await valid(t, app, '/v1/charts/ranking?indicator=online_retail_sales&period=2022-06&parent=331000&by=value'), /121\.43亿元/, 'a size ranking in 亿元');
  t.match(await valid(t, app, '/v1/charts/ranking?indicator=unemployment_rate&period=2022-06&parent=331000&by=yoy'), /百分点/, 'a rate ranked by its change in points');
  t.match(await valid(t, app, '/v1/charts/trend?indicator=industrial_investment&region=331023&measure=yoy&from=2022-01&to=2023-12'), /报送/, 'reported growth marked');
  t.match(await valid(t, app, '/v1/charts/trend?indicator=industrial_investment&region=331023'), /初/, 'provisional figures flagged');
  t.match(await valid(t, app, '/v1/charts/rank-history?indicator=industrial_investment&parent=331000&highlight=331023&from=2022-02&to=2023-12'), /2023年/, 'years named when the range spans them');
  t.match(await valid(t, app, '/v1/charts/rank-history?indicator=industrial_investment&parent=331000'), /位次/, 'default range: the latest year');
  const scorecard = await valid(t, app, '/v1/charts/scorecard?region=331023&period=2022-06');
  t.match(scorecard, /短板/, 'weak indicators marked');
  // As the report's table writes them (test/golden/seed-report.md): 城镇调查失业率 总量位次 并列1/9, 工业性投资 较上期 ↑1.
  t.match(scorecard, /并列1\/9/, 'a shared rank as report tables write it');
  t.match(scorecard, /↑1/, 'a rank change as report tables write it');
  t.notMatch(scorecard, /前移/, 'never the sentence form in a cell');
});

t.test('edge data', async (t) => {
  const app = await buildTestApp(t);
  const inv = (region: string, period: string, value: number, yoy?: number) => ({ indicator: 'industrial_investment', region, period, value, ...(yoy === undefined ? {} : { yoy }) });
  await post(app, [
    ...C.slice(0, 6).map((c) => inv(c, '2022-06', 100, 5)), // all tied
    ...C.slice(0, 6).map((c, i) => inv(c, '2022-05', 90, -10 - i)), // negative growth
    inv(C[0]!, '2021-06', 90), // C[6..8] missing
  ]);
  await call(app, { method: 'PUT', url: '/v1/groups', headers: bearer('admin'), payload: { groups: [{ code: 'solo', name: '单独一县', members: [C[0]] }, { code: 'none', name: '无数据组', members: [C[8]] }] } });
  const tied = await valid(t, app, '/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&highlight=331083');
  t.match(tied, /并列1\/6/, 'ties marked as report tables mark them: 并列1/6 (words/ranks.ts rankCell)');
  t.match(tied, /未排名/, 'missing peers named in a footnote');
  t.match(await valid(t, app, '/v1/charts/ranking?indicator=industrial_investment&period=2022-05&parent=331000'), /-10\.0%/, 'negative growth');
  await valid(t, app, '/v1/charts/ranking?indicator=industrial_investment&period=2022-06&group=solo');
  await valid(t, app, '/v1/charts/ranking?indicator=industrial_investment&period=2022-06&group=none');
  await valid(t, app, '/v1/charts/ranking?indicator=retail_sales&period=2022-06&parent=331000');
  await valid(t, app, '/v1/charts/trend?indicator=industrial_investment&region=331002&from=2022-06&to=2022-06');
  await valid(t, app, '/v1/charts/trend?indicator=retail_sales&region=331002');
  await valid(t, app, '/v1/charts/rank-history?indicator=industrial_investment&parent=331000&from=2022-06&to=2022-06');
  await valid(t, app, '/v1/charts/rank-history?indicator=retail_sales&parent=331000&from=2022-01&to=2022-12');
  await valid(t, app, '/v1/charts/scorecard?region=331002&period=2022-06&group=solo');
});

t.test('3,000 peers: top N and the highlighted region', async (t) => {
  const app = await buildTestApp(t);
  const regions = Array.from({ length: 3000 }, (_, i) => ({ code: `N${i}`, name: `测试县${i}`, parent: 'NAT' }));
  await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions: [{ code: 'NAT', name: '全国' }, ...regions] } });
  const rows = regions.flatMap((r, i) => [
    { indicator: 'retail_sales', region: r.code, period: '2022-06', value: 1000 + ((i * 7919) % 3000) },
    { indicator: 'retail_sales', region: r.code, period: '2021-06', value: 1000 },
    { indicator: 'retail_sales', region: r.code, period: '2022-05', value: 900 + i },
  ]);
  t.equal((await post(app, rows)).status, 200);
  const svg = await valid(t, app, '/v1/charts/ranking?indicator=retail_sales&period=2022-06&parent=NAT&highlight=N2999&top=15');
  t.match(svg, /仅显示前15名及所选地区,共3000个地区有排名/);
  t.match(svg, /测试县2999/, 'the highlighted region beyond the top');
  const spec = (await chart(t, app, '/v1/charts/ranking?indicator=retail_sales&period=2022-06&parent=NAT&top=15')) as { vconcat: Array<{ data: { values: unknown[] } }> };
  t.equal(spec.vconcat[0]!.data.values.length, 15, 'no more bars than asked');
  await valid(t, app, '/v1/charts/rank-history?indicator=retail_sales&parent=NAT&from=2022-05&to=2022-06&highlight=N5');
});

t.test('CJK text is measured as wide as it is', async (t) => {
  const { textWidth } = await import('../../charts/render.ts');
  t.equal(textWidth('天台县', 12), 36, 'three ideographs: three em');
  t.ok(textWidth('122.4%', 12) < 6 * 12 * 0.8, 'digits narrower than an em');
  t.ok(FONT_STACK.startsWith('"PingFang SC"'));
});

t.test('a chart drawn again with other figures shows those figures', async (t) => {
  const { rankingChart } = await import('../../charts/ranking.ts');
  const { renderSvg } = await import('../../charts/render.ts');
  const chart = (a: number, b: number) =>
    rankingChart({
      title: '排名',
      subtitle: [],
      axisTitle: '%',
      bars: [
        { region: 'a', name: '甲县', rank: 1, tied: false, metric: a, text: `${a}%` },
        { region: 'b', name: '乙县', rank: 2, tied: false, metric: b, text: `${b}%` },
      ],
      highlight: 'a',
      notes: [],
    });
  const first = (await renderSvg(chart(50, 10))).svg;
  const second = (await renderSvg(chart(70, 30))).svg;
  t.match(first, /50%/);
  t.match(second, /70%/);
  t.notMatch(second, /50%/, 'the structure is reused, the figures are not');
  t.equal((await renderSvg(chart(50, 10))).svg, first, 'the same figures draw the same SVG, byte for byte');
});
