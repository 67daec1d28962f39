/**
 * Issues 5 and 21: JSON and Markdown reports for 3,000 regions x 50
 * indicators for one month, the Markdown drawn through the report
 * templates, in under 60 s with the service's RSS under 400 MB at its peak;
 * HTML with its charts, and a county's Word report from a staff template
 * (< 1 s after the first), timed beside it. Every region has a target on
 * every indicator (issue 13), so the reports speak of progress too.
 *
 * The shape of real work: figures are posted over days, the reports run on
 * their schedule in a service started on that data. So the data is loaded
 * first, and the reports run in a fresh process on the same data directory,
 * whose RSS is what is measured.
 * Run: npx tsx bench/reports.ts (or --load DIR once, then --run DIR)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { ReportFacts } from '../src/domain/report.ts';
import { reportHtml } from '../src/reports/html.ts';
import { reportMarkdown } from '../src/reports/markdown.ts';
import { median, nationalCatalog, START_FLAGS } from './lib.ts';

const PERIOD = '2024-06';
const MONTHS = ['2024-06', '2024-05', '2023-06', '2023-05'];
const SAMPLES = 10;
const ADMIN = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const rss = () => process.memoryUsage().rss / 2 ** 20;
const configOf = (dir: string) => loadConfig({ DATA_DIR: dir, API_TOKENS: `admin:${ADMIN}`, LOG_LEVEL: 'warn', REPORTS_ENABLED: 'false' });

async function load(dir: string): Promise<void> {
  const app = await buildApp({ config: configOf(dir), logger: false });
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
    const targets = catalog.counties.flatMap((region, c) =>
      catalog.indicators.map((indicator, i) =>
        indicator.basis === 'ytd'
          ? { indicator: indicator.code, region, year: 2024, kind: 'value' as const, value: 100 + ((c * 31 + i * 17) % 200) }
          : { indicator: indicator.code, region, year: 2024, kind: 'growth' as const, value: 5 + ((c + i) % 5) },
      ),
    );
    await app.services.targets.upsert(targets);
    console.log(`loaded ${catalog.counties.length} regions x ${catalog.indicators.length} indicators x ${MONTHS.length} months, ${targets.length} targets`);
  } finally {
    await app.close();
  }
}

/** The service started on the loaded data: the run, the Markdown through the template, then HTML and Word samples. */
async function runReports(dir: string): Promise<void> {
  const started = rss();
  let peak = started;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 100);
  const app = await buildApp({ config: configOf(dir), logger: false });
  try {
    const counties = nationalCatalog().counties;
    const t0 = performance.now();
    const run = await app.services.reports.run(app.services.views.privileged(), PERIOD, counties, 'bench');
    const tJson = performance.now() - t0;
    const markdown = await app.services.reportTemplates.forReport('markdown', undefined, undefined);
    let chars = 0;
    for (const r of run.reports) {
      const { facts, ...record } = (await app.store.report(r.region, PERIOD, r.version))!;
      chars += (await reportMarkdown(facts as ReportFacts, record, 'Asia/Shanghai', { text: markdown.bytes.toString('utf8'), key: markdown.sha256 })).length;
    }
    const tBoth = performance.now() - t0;
    const runPeak = peak;
    console.log(`\nREPORTS for ${run.reports.length} regions x 50 indicators, ${PERIOD} (${run.failures.length} failures), in a service started on the data (RSS ${started.toFixed(0)} MiB at start)`);
    console.log(`  JSON facts generated and stored: ${(tJson / 1000).toFixed(1)} s`);
    console.log(`  plus Markdown for every one, through the template: ${(tBoth / 1000).toFixed(1)} s in all (target < 60 s); ${(chars / run.reports.length / 1000).toFixed(1)}k characters a report`);
    console.log(`  RSS: highest ${runPeak.toFixed(0)} MiB during the run (target < 400), ${rss().toFixed(0)} MiB after`);

    const html = await app.services.reportTemplates.forReport('html', undefined, undefined);
    const times: number[] = [];
    for (const r of run.reports.slice(0, SAMPLES)) {
      const { facts, ...record } = (await app.store.report(r.region, PERIOD, r.version))!;
      const t = performance.now();
      const page = await reportHtml(facts as ReportFacts, record, 'Asia/Shanghai', { text: html.bytes.toString('utf8'), key: html.sha256 });
      times.push(performance.now() - t);
      if (!page.includes('<svg')) throw new Error('no charts in the HTML');
    }
    console.log(`  HTML with 51 inline SVG charts: median ${median(times).toFixed(0)} ms a report (${SAMPLES} reports; first ${times[0]!.toFixed(0)} ms)`);

    // A staff template: the default with the bureau's line over the title, as uploaded.
    const staff = Buffer.from(readFileSync(new URL('../templates/default.docx', import.meta.url)));
    await app.services.reportTemplates.save('county', staff, 'docx', 'bench');
    const word: number[] = [];
    for (const r of run.reports.slice(0, SAMPLES)) {
      const t = performance.now();
      const answer = await app.inject({ method: 'GET', url: `/v1/reports/${r.region}/${PERIOD}.docx?template=county`, headers: { authorization: `Bearer ${ADMIN}` } });
      word.push(performance.now() - t);
      if (answer.statusCode !== 200) throw new Error(`Word report: ${answer.statusCode} ${answer.body.slice(0, 200)}`);
    }
    console.log(`  Word from a staff template, 51 charts as PNG: median ${median(word.slice(1)).toFixed(0)} ms after the first (target < 1 s; first ${word[0]!.toFixed(0)} ms)`);
  } finally {
    clearInterval(sampler);
    await app.close();
  }
}

if (process.argv[2] === '--run') {
  await runReports(process.argv[3]!);
} else if (process.argv[2] === '--load') {
  // Load only, into a directory kept for runs by hand (--run DIR).
  await load(process.argv[3]!);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reports-'));
  try {
    await load(dir);
    // The run in a process started with npm start's flags (the heap's growth among them), as users run the service.
    execFileSync(process.execPath, [...START_FLAGS, ...process.execArgv, new URL(import.meta.url).pathname, '--run', dir], { stdio: 'inherit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
