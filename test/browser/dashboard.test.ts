/**
 * The dashboard in a real browser: Debian's chromium driven by
 * playwright-core against the service with the demo data. `npm test`
 * installs chromium when it is missing (test/system-packages.txt); a browser
 * is never downloaded.
 */
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { chromium, type Browser } from 'playwright-core';
import { buildTestApp } from '../helpers/app.ts';

const CHROMIUM = '/usr/bin/chromium';

t.test('the dashboard draws its four charts offline and redraws on a change', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  t.teardown(() => browser.close());
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
  t.match(ranking, /\b1\s+天台县/, 'Tiantai first, as the seed says');
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
