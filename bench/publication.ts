/**
 * Issue 12's targets, measured side by side in one run, on each store:
 * - a public ranking of 3,000 peers with a release calendar of 50
 *   indicators x 120 months against the same ranking without one
 *   (target: at most 1.2x);
 * - a ranking of 3,000 peers as of an instant, with 3 versions a figure,
 *   against the current ranking (targets: under 50 ms on SQLite, within 2x
 *   of the current ranking on InfluxDB).
 * The service's own code in process (the same views and services requests
 * use); rounds alternate the two sides. Medians.
 * Run: npx tsx bench/publication.ts [--store sqlite|influxdb|both] [--samples 31]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Visibility } from '../src/domain/publication.ts';
import { ReadView } from '../src/services/read-view.ts';
import { ReleaseCalendar } from '../src/services/release-calendar.ts';
import { Influxd } from '../test/helpers/influxd.ts';
import { median, NATIONAL, nationalCatalog } from './lib.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback);
const STORES = arg('--store', 'both') === 'both' ? ['sqlite', 'influxdb'] : [arg('--store', 'both')];
const SAMPLES = Number(arg('--samples', '31'));
/** Indicators ranked in the samples, in turn (each a different set of slices). */
const RANKED = 10;
const MONTHS = ['2023-11', '2023-12', '2024-11', '2024-12'];
const catalog = nationalCatalog();

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

for (const store of STORES) {
  const dataDir = mkdtempSync(join(tmpdir(), 'publication-'));
  const influxd = store === 'influxdb' ? await Influxd.create() : null;
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    API_TOKENS: 'admin:bench-admin-token-0123456789',
    REPORTS_ENABLED: 'false',
    ...(influxd === null ? {} : { STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'publication', INFLUX_API: 'v1' }),
  });
  const app = await buildApp({ config, logger: false });
  try {
    await app.services.catalog.upsertRegions(catalog.regions as never);
    await app.services.catalog.upsertIndicators(catalog.indicators as never);
    await app.services.catalog.upsertGroups(catalog.groups);
    // Three versions of every figure the rankings read, received a second apart.
    const stamps = [Date.now() - 3_000, Date.now() - 2_000, Date.now() - 1_000];
    for (const [v, at] of stamps.entries()) {
      for (let i = 0; i < RANKED; i++) {
        const indicator = `ind${String(i).padStart(2, '0')}`;
        const rows = catalog.counties.flatMap((region, c) => MONTHS.map((period) => ({ indicator, region, period, value: 10 + ((c * 7919 + i * 104729 + v * 31) % 1000) / 10, yoy: null, status: null })));
        await app.store.write(rows, { by: 'bench', receivedAt: new Date(at) });
      }
    }
    // The calendar: every indicator's months for ten years, released long ago.
    const settings = [];
    for (const indicator of catalog.indicators) {
      for (let m = 0; m < 120; m++) {
        const period = `${2015 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
        settings.push({ indicator: indicator.code, period, setting: { releaseAt: Date.parse(`${period}-15T02:00:00Z`) + 30 * 86_400_000, changedAt: Date.parse(`${period}-01T00:00:00Z`), by: 'bench' } });
      }
    }
    await app.store.saveReleases(settings);
    const calendar = new ReleaseCalendar(app.store);
    await calendar.reload();
    const none = new ReleaseCalendar(app.store);
    const now = Date.now();
    const view = (cal: ReleaseCalendar, v: Visibility) => new ReadView(app.store, cal, v, now);
    const publicNow: Visibility = { audience: 'public', at: now, pinned: false, vintage: 'latest' };
    const asOf: Visibility = { audience: 'public', at: stamps[1]! + 500, pinned: true, vintage: 'latest' };
    const q = (i: number) => ({ indicator: `ind${String(i % RANKED).padStart(2, '0')}`, period: '2024-12', group: 'all_counties' });
    const rank = (v: ReadView, i: number) => app.services.analytics.ranking(v, q(i));
    // Warm: code paths, and each store's own memory of recent slices, on both sides alike.
    for (let i = 0; i < RANKED; i++) {
      await rank(view(calendar, publicNow), i);
      await rank(view(none, publicNow), i);
    }
    const withCalendar: number[] = [];
    const without: number[] = [];
    const current: number[] = [];
    const past: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const pair = [() => timed(() => rank(view(calendar, publicNow), i)), () => timed(() => rank(view(none, publicNow), i))];
      if (i % 2 === 1) pair.reverse();
      const [a, b] = [await pair[0]!(), await pair[1]!()];
      withCalendar.push(i % 2 === 1 ? b : a);
      without.push(i % 2 === 1 ? a : b);
      current.push(await timed(() => rank(view(calendar, publicNow), i)));
      past.push(await timed(() => rank(view(calendar, asOf), i)));
    }
    const answer = await rank(view(calendar, asOf), 0);
    if (answer.ranked !== NATIONAL.prefectures * NATIONAL.countiesPer) throw new Error(`as-of ranking ranked ${answer.ranked}`);
    console.log(`\n${store.toUpperCase()}: rankings of ${answer.ranked} peers, ${SAMPLES} samples, ${RANKED} indicators in turn`);
    console.log(`  public, calendar of ${settings.length} months: median ${median(withCalendar).toFixed(2)} ms; without a calendar ${median(without).toFixed(2)} ms; ratio ${(median(withCalendar) / median(without)).toFixed(2)} (target <= 1.2)`);
    console.log(`  as of an instant between versions 2 and 3: median ${median(past).toFixed(1)} ms; the current ranking ${median(current).toFixed(1)} ms; ratio ${(median(past) / median(current)).toFixed(2)}${store === 'sqlite' ? ' (target < 50 ms)' : ' (target <= 2)'}`);
    const cold = await timed(() => rank(view(calendar, { ...asOf, at: stamps[2]! - 200 }), 1));
    console.log(`  as of a new instant (first ask of its versions): ${cold.toFixed(1)} ms`);
  } finally {
    await app.close();
    await influxd?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
