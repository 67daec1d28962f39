/**
 * The dashboard's targets panel in a real browser (test/helpers/browser.ts):
 * completion against 序时进度 for amount targets, growth and level targets
 * compared directly, the figures those of GET /v1/progress; hidden for a
 * region without targets that year; API failures said in the status line.
 */
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import type { Page } from 'playwright-core';
import { bearer, buildTestApp, call } from '../helpers/app.ts';
import { pageErrors, served } from '../helpers/browser.ts';

const TIANTAI = '331023';
const SANMEN = '331022';

/**
 * 天台县's targets on the demo data: an amount and a growth rate on
 * industrial investment (1-6月 34.58亿元, +122.4%), an amount on online
 * retail (121.43亿元), a growth rate on retail sales (+24.24%), a level on
 * unemployment (5.4%, lower is better), and for 2023 only, fiscal revenue.
 * 三门县 has none.
 */
const TARGETS = [
  { indicator: 'industrial_investment', region: TIANTAI, year: 2022, kind: 'value', value: 60 },
  { indicator: 'industrial_investment', region: TIANTAI, year: 2022, kind: 'growth', value: 100 },
  { indicator: 'online_retail_sales', region: TIANTAI, year: 2022, kind: 'value', value: 300 },
  { indicator: 'retail_sales', region: TIANTAI, year: 2022, kind: 'growth', value: 30 },
  { indicator: 'unemployment_rate', region: TIANTAI, year: 2022, kind: 'value', value: 5 },
  { indicator: 'fiscal_revenue', region: TIANTAI, year: 2023, kind: 'value', value: 50 },
];

async function seeded(t: Test): Promise<FastifyInstance> {
  const app = await buildTestApp(t, { demo: true });
  t.equal((await call(app, { method: 'PUT', url: '/v1/targets', headers: bearer('admin'), payload: { targets: TARGETS } })).status, 200, 'targets seeded');
  return app;
}

interface ShownRow {
  indicator: string;
  kind: string;
  current: boolean;
  name: string;
  target: string;
  figure: string;
  completion: string;
  timeProgress: string;
  gap: string;
  failed: string;
}

/** The panel's rows as the reader sees them. */
const shownRows = (page: Page): Promise<ShownRow[]> =>
  page.locator('#targets-rows tr').evaluateAll((rows) =>
    rows.map((tr) => {
      // No named function in here: tsx would wrap it in a helper the page does not have.
      const [name, target, figure, completion, timeProgress, gap, failed] = ['.name', '.target', '.figure', '.completion', '.time-progress', '.gap', '.failed'].map(
        (selector) => (tr.querySelector(selector) as HTMLElement | null)?.innerText.replace(/\s+/g, ' ').trim() ?? '',
      );
      return {
        indicator: (tr as HTMLElement).dataset.indicator ?? '',
        kind: (tr as HTMLElement).dataset.kind ?? '',
        current: tr.classList.contains('current'),
        name: name!,
        target: target!,
        figure: figure!,
        completion: completion!,
        timeProgress: timeProgress!,
        gap: gap!,
        failed: failed!,
      };
    }),
  );

const drawn = (page: Page, n: number) => page.waitForFunction((n) => document.body.dataset.drawn === String(n), n, { timeout: 60_000 });
const panelShown = (page: Page) => page.waitForSelector('#targets:not([hidden])', { state: 'attached', timeout: 10_000 });
const abs1 = (x: number) => Math.abs(x).toFixed(1);

t.test('the targets panel: completion against 序时进度, growth and level targets; hidden without targets; follows region and month', async (t) => {
  const app = await seeded(t);
  const { origin, browser } = await served(t, app);
  const page = await browser.newPage();
  const errors = pageErrors(page);

  await page.goto(`${origin}/?region=${TIANTAI}&indicator=industrial_investment&period=2022-06`);
  await drawn(page, 1);
  await panelShown(page);
  t.ok(await page.isVisible('#targets'), 'a region with targets: the panel shows');
  t.match(await page.textContent('#targets-time'), /2022年6月 · 序时进度50\.0%/, '1-6月: 序时进度 6/12 = 50.0%');
  let rows = await shownRows(page);
  t.same(rows.map((r) => r.indicator), ['industrial_investment', 'online_retail_sales', 'retail_sales', 'unemployment_rate'], "a row for each indicator with a 2022 target, in the catalog's order; none for 2023's");
  t.same(rows.map((r) => r.current), [true, false, false, false], 'the indicator chosen marked');

  // By hand: 34.58 / 60 = 57.63% → 57.6; 57.63 − 50 = 7.63 → 超7.6个百分点; 122.4 − 100 = 22.4.
  const investment = rows[0]!;
  t.same([investment.name, investment.kind, investment.completion, investment.timeProgress], ['工业性投资', 'value', '57.6%', '50.0%'], '工业性投资: 完成率57.6%, 序时进度50.0%');
  t.equal(investment.target, '全年60.00亿元 增长100.0%', 'the amount and the growth target beside it');
  t.match(investment.figure, /34\.58亿元.*同比增长122\.4%/, 'the figure and its growth');
  t.match(investment.gap, /超序时进度7\.6个百分点,实现时间过半、任务过半/, '超序时进度7.6个百分点, and at 1-6月 时间过半、任务过半');
  t.match(investment.gap, /增速高于年度目标22\.4个百分点/, 'the growth against its target');
  t.ok(await page.locator('#targets-rows tr[data-indicator="industrial_investment"] .gap').evaluate((e) => e.classList.contains('ahead')), 'ahead of time progress: coloured so');
  const width = await page.locator('#targets-rows tr[data-indicator="industrial_investment"] .meter .bar').evaluate((e) => (e as HTMLElement).style.width);
  t.equal(Number.parseFloat(width).toFixed(1), '57.6', 'the bar as long as the completion');
  // 121.43 / 300 = 40.48% → 低于序时进度9.5个百分点; 24.24 − 30 = −5.76 → 低于年度目标5.8; 5.4 against a ceiling of 5.
  t.same([rows[1]!.completion, rows[1]!.timeProgress], ['40.5%', '50.0%'], '网络零售额: 40.5% of the year at 50.0% of it');
  t.match(rows[1]!.gap, /^低于序时进度9\.5个百分点$/, 'behind time progress');
  t.same([rows[2]!.kind, rows[2]!.completion, rows[2]!.timeProgress], ['growth', '—', '—'], 'a growth target: no completion, never prorated');
  t.match(rows[2]!.target, /^增长30\.0%$/);
  t.match(rows[2]!.gap, /^低于年度目标5\.8个百分点$/, 'the growth against its target, in points');
  t.same([rows[3]!.kind, rows[3]!.completion], ['value', '—'], 'a level: no completion');
  t.match(rows[3]!.target, /^控制在5\.0%$/);
  t.match(rows[3]!.gap, /^未达到控制目标,相差0\.4个百分点$/, 'above a ceiling, lower being better');

  // Every row's figures are the API's.
  const compare = async (period: string) => {
    const shown = await shownRows(page);
    for (const row of shown) {
      const p = (await call(app, { method: 'GET', url: `/v1/progress?indicator=${row.indicator}&period=${period}&region=${TIANTAI}` })).body;
      const r = p.rows[0];
      t.equal(row.kind, r.target.kind, `${row.indicator} ${period}: the target's kind`);
      t.equal(row.completion, r.completion === null ? '—' : `${r.completion.toFixed(1)}%`, `${row.indicator} ${period}: 完成率 as the API says (${r.completion})`);
      t.equal(row.timeProgress, r.completion === null ? '—' : `${p.timeProgress.toFixed(1)}%`, `${row.indicator} ${period}: 序时进度 as the API says (${p.timeProgress})`);
      t.ok(row.gap.includes(`${abs1(r.gap)}个百分点`), `${row.indicator} ${period}: the gap as the API says (${r.gap}): ${row.gap}`);
      if (r.growthGap !== null) t.ok(row.gap.includes(`${abs1(r.growthGap)}个百分点`), `${row.indicator} ${period}: the growth gap (${r.growthGap})`);
    }
    return shown;
  };
  await compare('2022-06');

  // Another month: time progress and completion follow.
  await page.selectOption('#period', '2022-05');
  await drawn(page, 2);
  await panelShown(page);
  t.match(await page.textContent('#targets-time'), /2022年5月 · 序时进度41\.7%/, '1-5月: 5/12 = 41.7%');
  rows = await compare('2022-05');
  t.equal(rows[0]!.completion, '45.1%', '27.07 / 60 = 45.1%');

  // A region without targets: no panel, not an empty box.
  await page.selectOption('#region', SANMEN);
  await drawn(page, 3);
  await page.waitForSelector('#targets', { state: 'hidden', timeout: 10_000 });
  t.ok(await page.locator('#targets').evaluate((e) => (e as HTMLElement).hidden), 'hidden for 三门县, which has no targets');
  t.equal(await page.textContent('#status'), '', 'and nothing said about it');

  // Back, in 2023: that year's targets only.
  await page.selectOption('#region', TIANTAI);
  await drawn(page, 4);
  await panelShown(page);
  await page.selectOption('#period', '2023-06');
  await drawn(page, 5);
  await panelShown(page);
  rows = await compare('2023-06');
  t.same(rows.map((r) => r.indicator), ['fiscal_revenue'], "2023's targets for a 2023 month");
  t.same(errors, [], 'no errors in the console');
});

t.test('the targets panel when the API fails or a month is not yet public', async (t) => {
  const app = await seeded(t);
  // Retail sales for 1-6月 under embargo: its row says so, and nothing else is wrong.
  const releases = [{ indicator: 'retail_sales', period: '2022-06', releaseAt: '2099-01-01T00:00:00Z' }];
  t.equal((await call(app, { method: 'PUT', url: '/v1/releases', headers: bearer('admin'), payload: { releases } })).status, 200);
  const { origin, browser } = await served(t, app);
  const url = `${origin}/?region=${TIANTAI}&indicator=industrial_investment&period=2022-06`;

  const embargoed = await browser.newPage();
  await embargoed.goto(url);
  await drawn(embargoed, 1);
  await panelShown(embargoed);
  const rows = await shownRows(embargoed);
  t.same(rows.map((r) => [r.indicator, r.failed]), [
    ['industrial_investment', ''],
    ['online_retail_sales', ''],
    ['retail_sales', '本期数据尚未发布'],
    ['unemployment_rate', ''],
  ], 'a month not yet public: said in its row');
  t.equal(rows[0]!.completion, '57.6%', 'the other rows as before');
  t.equal(await embargoed.textContent('#status'), '', 'not an error');

  // One indicator's progress failing: the others shown, the failure in its row and the status line.
  const oneFails = await browser.newPage();
  await oneFails.route(/\/v1\/progress\?.*indicator=online_retail_sales/, (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'not_ready', message: 'the store is not answering' }) }),
  );
  await oneFails.goto(url);
  await drawn(oneFails, 1);
  await panelShown(oneFails);
  const failing = await shownRows(oneFails);
  t.match(failing.find((r) => r.indicator === 'online_retail_sales')!.failed, /无法取得.*503 the store is not answering/, 'the failing row says why');
  t.equal(failing.find((r) => r.indicator === 'industrial_investment')!.completion, '57.6%', 'the others shown');
  t.match(await oneFails.textContent('#status'), /503 the store is not answering/, 'the status line says it');

  // The targets themselves failing: no panel, the message in the status line.
  const allFail = await browser.newPage();
  await allFail.route(/\/v1\/targets\?/, (route) =>
    route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'internal', message: 'targets unavailable' }) }),
  );
  await allFail.goto(url);
  await drawn(allFail, 1);
  t.ok(await allFail.locator('#targets').evaluate((e) => (e as HTMLElement).hidden), 'no panel without its targets');
  t.match(await allFail.textContent('#status'), /\/v1\/targets\?region=331023&year=2022: 500 targets unavailable/, 'the status line says why');
  t.ok((await allFail.locator('#chart-ranking svg').count()) > 0, 'the charts drawn all the same');
});
