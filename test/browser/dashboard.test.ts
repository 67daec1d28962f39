/**
 * The dashboard in a real browser: Debian's chromium driven by
 * playwright-core against the service with the demo data (launched as
 * test/helpers/browser.ts says). The targets panel has its own file,
 * dashboard-targets.test.ts.
 */
import t from 'tap';
import { bearer, buildTestApp, call, TOKENS } from '../helpers/app.ts';
import { pageErrors, served } from '../helpers/browser.ts';
import { decodePng } from '../helpers/png.ts';

t.test('the dashboard draws its four charts offline and redraws on a change', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const { origin, browser } = await served(t, app);
  const page = await browser.newPage();
  const errors: string[] = [];
  const elsewhere: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) elsewhere.push(request.url());
  });

  await page.goto(`${origin}/?region=331023&indicator=industrial_investment&period=2022-06`);
  await page.waitForFunction(() => document.body.dataset.drawn === '1', null, { timeout: 60_000 });
  for (const id of ['ranking', 'trend', 'rank-history', 'scorecard']) {
    t.ok((await page.locator(`#chart-${id} svg`).count()) > 0, `${id} chart drawn as SVG`);
  }
  const ranking = (await page.locator('#chart-ranking svg text').allTextContents()).join(' ');
  t.match(ranking, /工业性投资/, 'the indicator named in the ranking');
  t.match(ranking, /\b1\/9\s+天台县/, 'Tiantai first of nine, as the seed says (a rank reads of how many, as in the report\'s table)');
  t.match(ranking, /122\.4%/, 'with its growth');
  t.match((await page.locator('#chart-scorecard svg text').allTextContents()).join(' '), /短板/, 'weak indicators marked');

  await page.selectOption('#indicator', 'online_retail_sales');
  await page.waitForFunction(() => document.body.dataset.drawn === '2', null, { timeout: 60_000 });
  t.match((await page.locator('#chart-ranking svg text').allTextContents()).join(' '), /网络零售额/, 'changing the indicator redraws the ranking');
  await page.selectOption('#by', 'value');
  await page.waitForFunction(() => document.body.dataset.drawn === '3', null, { timeout: 60_000 });
  t.match((await page.locator('#chart-ranking svg text').allTextContents()).join(' '), /121\.43亿元/, 'and the metric: sizes in 亿元');

  t.same(errors, [], 'no errors in the console');
  t.same(elsewhere, [], 'nothing loaded from anywhere but the service');
});

t.test('download buttons: charts as PNG and SVG, the ranking as xlsx; the report as a page, Word, Markdown and JSON', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-06', regions: ['331023'] } });
  t.equal(run.status, 200, 'the month has a report');
  const { origin, browser } = await served(t, app);
  const page = await browser.newPage({ acceptDownloads: true });
  await page.goto(`${origin}/?region=331023&indicator=industrial_investment&period=2022-06`);
  await page.waitForFunction(() => document.body.dataset.drawn === '1', null, { timeout: 60_000 });
  await page.waitForFunction(() => !document.getElementById('report-links')!.hidden, null, { timeout: 10_000 });
  t.ok(await page.isHidden('#no-report'), 'a month with a report does not say 尚未生成');

  const expected: Array<[string, string]> = [
    ['dl-ranking-png', 'image/png'],
    ['dl-ranking-svg', 'image/svg+xml; charset=utf-8'],
    ['dl-ranking-xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['dl-trend-png', 'image/png'],
    ['dl-rank-history-svg', 'image/svg+xml; charset=utf-8'],
    ['dl-scorecard-png', 'image/png'],
  ];
  for (const [id, type] of expected) {
    const answer = await page.evaluate(async (id) => {
      const link = document.getElementById(id) as HTMLAnchorElement;
      const response = await fetch(link.href);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, type: response.headers.get('content-type'), head: Array.from(bytes.subarray(0, 8)), size: bytes.length, download: link.hasAttribute('download') };
    }, id);
    t.same([answer.status, answer.type, answer.download], [200, type, true], `${id}: ${type}, saved rather than opened`);
    if (type === 'image/png') {
      const href = new URL((await page.getAttribute(`#${id}`, 'href'))!, origin).href;
      t.ok(decodePng(Buffer.from(await (await fetch(href)).arrayBuffer())).width > 0, `${id}: a PNG that decodes`);
    }
    if (type.includes('openxmlformats')) t.same(answer.head.slice(0, 2), [0x50, 0x4b], `${id}: a zip`);
  }

  // The month's latest report in each form: each link labelled, each answering its type from the page.
  const reports: Array<{ id: string; label: string; type: string; download: boolean; check: (body: string, head: number[]) => boolean }> = [
    { id: 'dl-report-html', label: '网页 HTML', type: 'text/html; charset=utf-8', download: false, check: (body) => /^<!doctype html>/i.test(body) && body.includes('天台县') },
    { id: 'dl-report-docx', label: 'Word', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', download: true, check: (_body, head) => head[0] === 0x50 && head[1] === 0x4b },
    { id: 'dl-report-md', label: 'Markdown', type: 'text/markdown; charset=utf-8', download: true, check: (body) => body.includes('天台县') && !body.trimStart().startsWith('{') },
    { id: 'dl-report-json', label: 'JSON', type: 'application/json; charset=utf-8', download: true, check: (body) => JSON.parse(body).region === '331023' && JSON.parse(body).period === '2022-06' },
  ];
  for (const expected of reports) {
    const answer = await page.evaluate(async (id) => {
      const link = document.getElementById(id) as HTMLAnchorElement;
      const response = await fetch(link.href);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return {
        path: new URL(link.href).pathname,
        label: link.textContent,
        visible: link.checkVisibility(),
        status: response.status,
        type: response.headers.get('content-type'),
        download: link.hasAttribute('download'),
        head: Array.from(bytes.subarray(0, 2)),
        body: new TextDecoder().decode(bytes),
      };
    }, expected.id);
    const extension = expected.id.replace('dl-report-', '');
    t.same(
      [answer.path, answer.label, answer.visible, answer.status, answer.type, answer.download],
      [`/v1/reports/331023/2022-06.${extension}`, expected.label, true, 200, expected.type, expected.download],
      `${expected.id}: 「${expected.label}」, ${expected.type}${expected.download ? ', saved' : ', opened'}`,
    );
    t.ok(expected.check(answer.body, answer.head), `${expected.id}: the report itself`);
  }
  t.equal(await page.getAttribute('#dl-report-html', 'target'), '_blank', 'the page opens in a tab of its own');

  // A click saves the file under the name the service gives it.
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#dl-ranking-xlsx')]);
  t.equal(xlsx.suggestedFilename(), 'ranking-industrial_investment-2022-06.xlsx');
  const [docx] = await Promise.all([page.waitForEvent('download'), page.click('#dl-report-docx')]);
  t.equal(docx.suggestedFilename(), '天台县2022年6月主要指标比较.docx', 'the report under its Chinese title');
  const [markdown] = await Promise.all([page.waitForEvent('download'), page.click('#dl-report-md')]);
  t.equal(markdown.suggestedFilename(), '天台县2022年6月主要指标比较.md', 'Markdown too');
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#dl-report-json')]);
  t.equal(json.suggestedFilename(), 'report-331023-2022-06.json', 'JSON, which comes without a name, under the region and month');

  await page.selectOption('#period', '2022-05');
  await page.waitForFunction(() => document.body.dataset.drawn === '2', null, { timeout: 60_000 });
  await page.waitForFunction(() => document.getElementById('report-links')!.hidden, null, { timeout: 10_000 });
  t.ok(await page.isVisible('#no-report'), 'a month without a report says so');
  t.equal(await page.locator('#report-links a:visible').count(), 0, 'and links none');
  t.match(await page.getAttribute('#dl-ranking-png', 'href'), /period=2022-05.*format=png/, 'the links follow the selection');
});

t.test('opened with no parameters after --demo: a county with figures, every panel drawn; the selection in the URL, shared and reloaded', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const { origin, browser } = await served(t, app);
  const page = await browser.newPage();
  const errors = pageErrors(page);

  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.body.dataset.drawn === '1', null, { timeout: 60_000 });
  t.equal(await page.locator('#status').textContent(), '', 'no "暂无数据"');
  // Marks, not just an empty frame: bars, lines, symbols, cells.
  for (const id of ['ranking', 'trend', 'rank-history', 'scorecard']) {
    const marks = await page.locator(`#chart-${id} svg g[class*="mark-"] path, #chart-${id} svg g[class*="mark-"] line`).count();
    t.ok(marks > 0, `${id}: ${marks} marks`);
  }
  const region = await page.inputValue('#region');
  t.equal(region, '331002', 'a county with figures: the first one (椒江区)');
  t.equal(await page.inputValue('#period'), '2023-12', 'at its latest month');
  const url = new URL(page.url());
  t.same(Object.fromEntries(url.searchParams), { region: '331002', parent: '331000', indicator: 'industrial_investment', period: '2023-12', by: 'yoy' }, 'the selection in the URL');

  await page.selectOption('#region', '331023');
  await page.waitForFunction(() => document.body.dataset.drawn === '2', null, { timeout: 60_000 });
  await page.selectOption('#indicator', 'online_retail_sales');
  await page.waitForFunction(() => document.body.dataset.drawn === '3', null, { timeout: 60_000 });
  await page.selectOption('#period', '2022-06');
  await page.waitForFunction(() => document.body.dataset.drawn === '4', null, { timeout: 60_000 });
  await page.selectOption('#by', 'value');
  await page.waitForFunction(() => document.body.dataset.drawn === '5', null, { timeout: 60_000 });
  const shared = page.url();
  t.same(Object.fromEntries(new URL(shared).searchParams), { region: '331023', parent: '331000', indicator: 'online_retail_sales', period: '2022-06', by: 'value' }, 'each change kept in the URL');

  const other = await browser.newPage();
  await other.goto(shared);
  await other.waitForFunction(() => document.body.dataset.drawn === '1', null, { timeout: 60_000 });
  t.same(
    await Promise.all(['#region', '#peers', '#indicator', '#period', '#by'].map((s) => other.inputValue(s))),
    ['331023', 'parent:331000', 'online_retail_sales', '2022-06', 'value'],
    'the shared URL opens the same selection',
  );
  t.match((await other.locator('#chart-ranking svg text').allTextContents()).join(' '), /121\.43亿元/, 'and draws it: 天台县 1-6月 网络零售额');
  await other.reload();
  await other.waitForFunction(() => document.body.dataset.drawn === '1', null, { timeout: 60_000 });
  t.equal(await other.inputValue('#indicator'), 'online_retail_sales', 'a reload keeps it');
  t.same(errors, [], 'no errors in the console');
});

t.test('a month awaiting approval: shown to staff with its review sheet, nothing of it to the public', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const indicators = (await call(app, { method: 'GET', url: '/v1/indicators' })).body.indicators;
  const { reviewSince: _since, ...input } = indicators.find((i: { code: string }) => i.code === 'industrial_investment');
  t.equal((await call(app, { method: 'PUT', url: '/v1/indicators', headers: bearer('admin'), payload: { indicators: [{ ...input, review: true }] } })).status, 200);
  const counties = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];
  const waiting = counties.map((region, i) => ({ indicator: 'industrial_investment', region, period: '2024-01', value: 5 + i }));
  t.equal((await call(app, { method: 'POST', url: '/v1/observations', headers: bearer('writer'), payload: { observations: waiting } })).status, 200);
  const { origin, browser } = await served(t, app);
  const page = await browser.newPage();
  await page.goto(`${origin}/?region=331023&indicator=industrial_investment`);
  await page.waitForFunction(() => document.body.dataset.drawn === '1', null, { timeout: 60_000 });
  const months = async () => page.locator('#period option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  t.notOk((await months()).includes('2024-01'), 'the public does not see the month waiting');
  t.ok(await page.locator('#review').isHidden(), 'nor any review sheet');

  await page.locator('#signin summary').click();
  await page.fill('#token', TOKENS.preview);
  await page.click('#use-token');
  await page.waitForFunction(() => document.body.dataset.drawn === '2', null, { timeout: 60_000 });
  t.ok((await months()).includes('2024-01'), 'staff see it');
  await page.selectOption('#period', '2024-01');
  await page.waitForFunction(() => document.body.dataset.drawn === '3', null, { timeout: 60_000 });
  await page.waitForSelector('#review:not([hidden])', { timeout: 10_000 });
  t.match(await page.locator('#review-state').textContent(), /待审核:9 个版本等待批准/, 'with the review sheet');
  t.match(await page.locator('#review-checks').textContent(), /汇总核对/, "the city's total is missing: the totals check says so");
  t.ok(await page.evaluate(() => location.search.includes('token') === false), 'the token is never in the address');
});
