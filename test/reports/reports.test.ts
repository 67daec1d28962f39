/**
 * The report's Chinese text on fixed data, checked against golden files
 * (UPDATE_GOLDEN=1 rewrites them after a deliberate change: read the diff).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import t, { type Test as Tap } from 'tap';
import { bearer, buildTestApp, call, post } from '../helpers/app.ts';
import { SEED_FIGURES, SEED_SENTENCES } from '../fixtures/seed-report.ts';

const GOLDEN = new URL('../golden/', import.meta.url);

function golden(t: Tap, name: string, actual: string): void {
  const file = new URL(name, GOLDEN);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  t.equal(actual, readFileSync(file, 'utf8'), `${name} matches its golden file`);
}


async function seededApp(t: Tap) {
  const app = await buildTestApp(t);
  const r = await post(app, SEED_FIGURES);
  t.equal(r.status, 200, 'the seed figures are taken');
  return app;
}

t.test('the seed report, reproduced', async (t) => {
  const app = await seededApp(t);
  const now = new Date('2022-07-15T01:00:00Z');
  const run = await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331023'], 'manual test', now);
  t.same(run.reports, [{ region: '331023', version: 1, failures: 0 }]);
  const json = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06' });
  t.equal(json.status, 200);
  const sentences: string[] = json.body.facts.indicators.map((f: { sentence: string }) => f.sentence);
  for (const s of SEED_SENTENCES) t.ok(sentences.some((x) => x.includes(s)), `says: ${s}`);
  t.same(json.body.facts.sections.up, ['工业性投资较1-5月前移1位,现居全市第一', '网络零售额较1-5月前移1位,现居全市第一']);
  t.ok(sentences.includes('6月末城镇调查失业率4.5%,全市并列最低'), 'a lower-is-better rate, tied first: 并列最低');

  const md = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.md' });
  t.match(md.response.headers['content-type'], /text\/markdown/);
  golden(t, 'seed-report.md', md.response.body);
  const html = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.html' });
  t.match(html.response.headers['content-type'], /text\/html/);
  t.notMatch(html.response.body, /<(script|link)\b|src=|href="http/i, 'self-contained: nothing loaded from elsewhere');
  t.match(html.response.body, /<svg/, 'charts as inline SVG');
  t.match(html.response.body, /@media print/, 'printable');
  for (const s of SEED_SENTENCES) t.ok(html.response.body.includes(s), `the page says: ${s}`);
});

t.test('every wording rule, on a peer with gaps and falls', async (t) => {
  const app = await seededApp(t);
  await post(app, [
    { indicator: 'retail_sales', region: '331082', period: '2022-06', value: 50, status: 'p' },
    { indicator: 'retail_sales', region: '331082', period: '2021-06', value: -5 },
    { indicator: 'fiscal_revenue', region: '331082', period: '2022-06', value: 8 },
    { indicator: 'fiscal_revenue', region: '331082', period: '2021-06', value: 10 },
    { indicator: 'energy_intensity', region: '331082', period: '2022-06', value: 0.41 },
    { indicator: 'energy_intensity', region: '331082', period: '2021-06', value: 0.4 },
    { indicator: 'energy_intensity', region: '331023', period: '2022-06', value: 0.3 },
    { indicator: 'energy_intensity', region: '331023', period: '2021-06', value: 0.33 },
  ]);
  await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331082'], 'manual test', new Date('2022-07-15T01:00:00Z'));
  const md = await call(app, { method: 'GET', url: '/v1/reports/331082/2022-06.md' });
  golden(t, 'linhai-report.md', md.response.body);
  const facts = (await call(app, { method: 'GET', url: '/v1/reports/331082/2022-06' })).body.facts;
  const said = (code: string) => facts.indicators.find((f: { indicator: string }) => f.indicator === code).sentence;
  t.equal(said('retail_sales'), '1-6月,社会消费品零售总额50.00亿元,同比由负转正、未参与增速排名,总量全市第一', 'a negative base turning positive');
  t.equal(said('fiscal_revenue'), '1-6月,一般公共预算收入8.00亿元,同比下降20.0%、全市第一,总量全市第一,与全市平均(各地合计推算)持平', 'a fall, as a fall; the area average summed from the peers, said so');
  t.equal(said('energy_intensity'), '1-6月,单位GDP能耗0.410吨标准煤/万元,同比上升2.5%、全市第二,水平全市第二', 'lower is better, by growth: a rise is 上升, ranked by how good, never 第二低; an intensity has no average summed from the peers');
  t.equal(said('unemployment_rate'), '6月末城镇调查失业率5.1%,全市第七', 'a lower-is-better level: 第七, not 第七低');
  t.equal(said('industrial_investment'), '1-6月,工业性投资同比增速-6.4%、全市第九,总量全市第六,增速较1-5月回落0.4个百分点', 'both ranks quoted; the growth against 1-5月');
  t.equal(said('online_retail_sales'), '1-6月,网络零售额本期无数据');
  // One place each, by the stronger of the ranks a line quotes (DOMAIN.md, How the report reads): ninth by growth but sixth by size is not weak.
  t.notOk(facts.sections.weak.some((s: string) => s.startsWith('1-6月,工业性投资')), 'the stronger standing, sixth of nine, is not the bottom third');
  t.ok(facts.sections.weak.includes('1-6月,数字经济核心产业增加值1.10亿元,同比下降2.4%、全市第九,总量全市第七,增速较1-5月回落0.4个百分点,与第八位三门县相差11.1个百分点(短板,需向前进位)'), 'bottom third on both: weak, with how far to the rank above');
  t.ok(facts.sections.weak.includes('6月末城镇调查失业率5.1%,全市第七,与第六位椒江区相差0.1个百分点(短板,需向前进位)'), 'a rate\'s gap in 百分点');
  t.ok(facts.sections.gaps.includes('社会消费品零售总额:本期数为初步数'), 'provisional figures named');
});

t.test('versions: each run adds one; earlier ones stay readable; the list', async (t) => {
  const app = await seededApp(t);
  await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331023', '331022'], 'manual first', new Date('2022-07-15T01:00:00Z'));
  await post(app, [{ indicator: 'industrial_investment', region: '331023', period: '2022-06', value: 34.58, yoy: 99.9 }]);
  const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-06', regions: ['331023'] } });
  t.same(run.body.reports, [{ region: '331023', version: 2, failures: 0 }]);
  const latest = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06' });
  t.same([latest.body.version, latest.body.versions, latest.body.trigger], [2, [1, 2], 'manual admin']);
  t.ok(latest.body.facts.indicators[0].sentence.includes('99.9%'), 'the latest version has the revised figure');
  const first = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06?version=1' });
  t.ok(first.body.facts.indicators[0].sentence.includes('122.4%'), 'the first version is kept as published');
  t.not(first.body.digest, latest.body.digest, 'made from different data');
  t.match((await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.md?version=1' })).response.body, /122\.4%/);
  const list = await call(app, { method: 'GET', url: '/v1/reports?period=2022-06' });
  t.same(list.body.reports.map((r: any) => [r.region, r.version]), [['331022', 1], ['331023', 1], ['331023', 2]]);
});

t.test('reports: access, bad requests, failures recorded', async (t) => {
  const app = await seededApp(t);
  t.equal((await call(app, { method: 'POST', url: '/v1/reports/run', payload: {} })).status, 401);
  t.equal((await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('writer'), payload: {} })).status, 403);
  let r = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-13' } });
  t.same([r.status, r.body.details[0].field], [400, 'period']);
  r = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { regions: ['nowhere'] } });
  t.same([r.status, r.body.details[0].field], [404, 'regions']);
  r = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06' });
  t.same([r.status, r.body.error], [404, 'not_found'], 'no report yet');
  r = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-6.md' });
  t.same([r.status, r.body.details[0].field], [400, 'file']);
  r = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06?version=0' });
  t.same([r.status, r.body.details[0].field], [400, 'version']);
  const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-06', regions: ['331023', '330000'] } });
  t.equal(run.status, 200, 'a region without peers does not stop the run');
  t.same(run.body.reports.map((x: any) => x.region), ['331023']);
  t.same(run.body.failures, [{ region: '330000', indicator: null, message: 'a region without a parent has no peers' }]);
});

t.test('only an instance with REPORTS_ENABLED runs the schedule', async (t) => {
  const { Writable } = await import('node:stream');
  const { buildApp } = await import('../../src/app.ts');
  const { loadConfig } = await import('../../src/config.ts');
  const { tempDir } = await import('../helpers/tmp.ts');
  const start = async (enabled: string) => {
    const lines: string[] = [];
    const stream = new Writable({
      write: (chunk, _e, done) => {
        lines.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({ DATA_DIR: tempDir(t), API_TOKENS: 'admin:aaaaaaaaaaaaaaaaaaaaaaaa', REPORTS_ENABLED: enabled });
    const app = await buildApp({ config, logger: { level: 'info', stream } });
    t.teardown(() => app.close());
    await app.ready();
    return lines;
  };
  const on = await start('true');
  // The catch-up runs after ready without holding it up: wait for its word, bounded.
  for (let i = 0; i < 100 && !on.some((l) => l.includes('first start: reports will run')); i++) await new Promise((r) => setTimeout(r, 50));
  t.ok(on.some((l) => l.includes('first start: reports will run from the next schedule slot')), 'the schedule started');
  const off = await start('false');
  await new Promise((r) => setTimeout(r, 300));
  t.notOk(off.some((l) => l.includes('schedule')), 'an instance without it never touched the schedule');
});
