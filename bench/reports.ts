/**
 * Issue 5's target: JSON and Markdown reports for 3,000 regions x 50
 * indicators for one month in under 60 s, with memory; HTML with its charts
 * timed per report beside it. Since issue 13 every region has a target on
 * every indicator, so the reports speak of progress too. Runs the service's own code in-process on the
 * embedded store.
 * Run: npx tsx bench/reports.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { ReportFacts } from '../src/domain/report.ts';
import { reportHtml } from '../src/reports/html.ts';
import { reportMarkdown } from '../src/reports/markdown.ts';
import { median, nationalCatalog } from './lib.ts';

const PERIOD = '2024-06';
const MONTHS = ['2024-06', '2024-05', '2023-06', '2023-05'];
const HTML_SAMPLES = 10;
const rss = () => process.memoryUsage().rss / 2 ** 20;

const dir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
const app = await buildApp({ config: loadConfig({ DATA_DIR: dir, API_TOKENS: 'admin:aaaaaaaaaaaaaaaaaaaaaaaa', LOG_LEVEL: 'warn', REPORTS_ENABLED: 'false' }), logger: false });
try {
  const catalog = nationalCatalog();
  await app.services.catalog.upsertRegions(catalog.regions);
  await app.services.catalog.upsertIndicators(catalog.indicators as never);
  for (const indicator of catalog.indicators) {
    const rows = catalog.counties.flatMap((region, c) =>
      MONTHS.map((period, m) => ({ indicator: indicator.code, region, period, value: 50 + ((c * 7919 + m * 131) % 1000) / 10, yoy: m === 0 && c % 4 === 0 ? 5.5 : null, status: null })),
    );
    await app.store.write(rows, { receivedAt: new Date(), by: 'bench' });
  }
  // Issue 13: every region has a target on every indicator (an amount on ytd ones, a growth rate on month ones).
  const targets = catalog.counties.flatMap((region, c) =>
    catalog.indicators.map((indicator, i) =>
      indicator.basis === 'ytd'
        ? { indicator: indicator.code, region, year: 2024, kind: 'value' as const, value: 100 + ((c * 31 + i * 17) % 200) }
        : { indicator: indicator.code, region, year: 2024, kind: 'growth' as const, value: 5 + ((c + i) % 5) },
    ),
  );
  await app.services.targets.upsert(targets);
  console.log(`loaded ${catalog.counties.length} regions x ${catalog.indicators.length} indicators x ${MONTHS.length} months, ${targets.length} targets; RSS ${rss().toFixed(0)} MiB`);

  let peak = rss();
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 200);
  const t0 = performance.now();
  const run = await app.services.reports.run(app.services.views.privileged(), PERIOD, catalog.counties, 'bench');
  const tJson = performance.now() - t0;
  let chars = 0;
  for (const r of run.reports) {
    const report = await app.store.report(r.region, PERIOD, r.version);
    const { facts, ...record } = report!;
    chars += reportMarkdown(facts as ReportFacts, record, 'Asia/Shanghai').length;
  }
  const tBoth = performance.now() - t0;
  clearInterval(sampler);
  console.log(`\nREPORTS for ${run.reports.length} regions x ${catalog.indicators.length} indicators, ${PERIOD} (${run.failures.length} failures)`);
  console.log(`  JSON facts generated and stored: ${(tJson / 1000).toFixed(1)} s`);
  console.log(`  plus Markdown for every one:     ${(tBoth / 1000).toFixed(1)} s in all (target < 60 s); ${(chars / run.reports.length / 1000).toFixed(1)}k characters a report`);
  console.log(`  RSS: highest ${peak.toFixed(0)} MiB during the run, ${rss().toFixed(0)} MiB after`);

  const times: number[] = [];
  for (const r of run.reports.slice(0, HTML_SAMPLES)) {
    const report = await app.store.report(r.region, PERIOD, r.version);
    const { facts, ...record } = report!;
    const t = performance.now();
    const html = await reportHtml(facts as ReportFacts, record, 'Asia/Shanghai');
    times.push(performance.now() - t);
    if (!html.includes('<svg')) throw new Error('no charts in the HTML');
  }
  console.log(`  HTML with ${catalog.indicators.length + 1} inline SVG charts: median ${median(times).toFixed(0)} ms a report (${HTML_SAMPLES} reports; first ${times[0]!.toFixed(0)} ms)`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
