/**
 * Issue 2's targets, measured side by side in one run:
 * - ingest through HTTP at national scale vs straight inserts into an SQLite
 *   file with the store's own tables and indexes (target: ratio >= 0.5);
 * - a ranking of 3,000 peers (target: median < 20 ms, within 3x of reading
 *   its rows straight from the store);
 * - service RSS after the load (target: < 300 MB).
 * Run: npx tsx bench/ingest-sqlite.ts [--months 24]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultAggregation } from '../src/domain/aggregation.ts';
import { periodToInt, prepareDatabase, WRITER_CACHE_KIB } from '../src/store/sqlite/schema.ts';
import { SQLITE_FILE } from '../src/store/sqlite/sqlite-store.ts';
import { Writer } from '../src/store/sqlite/writer.ts';
import { median, NATIONAL, nationalCatalog, nationalRows, request, rssMiB, startService, timed } from './lib.ts';

const BATCH = 50_000;
const RANKING_SAMPLES = 41;

const serviceDir = mkdtempSync(join(tmpdir(), 'bench-svc-'));
const baselineDir = mkdtempSync(join(tmpdir(), 'bench-raw-'));
const catalog = nationalCatalog();

// Baseline: the store's own schema, indexes and writer settings, plain prepared INSERTs, one transaction per batch.
const baselineDb = new Database(join(baselineDir, SQLITE_FILE));
prepareDatabase(baselineDb, WRITER_CACHE_KIB);
new Writer(baselineDb).saveCatalog({
  regions: catalog.regions,
  indicators: catalog.indicators.map((i) => {
    const indicator = { ...i, basis: i.basis as 'ytd', direction: 'higher' as const, decimals: 2, rankBy: 'yoy' as const, change: 'percent' as const, reportValue: true };
    return { ...indicator, review: false, reviewSince: null, aggregation: defaultAggregation(indicator) };
  }),
});
const regionId = new Map((baselineDb.prepare('SELECT code, id FROM regions').all() as Array<{ code: string; id: number }>).map((r) => [r.code, r.id]));
const indicatorId = new Map((baselineDb.prepare('SELECT code, id FROM indicators').all() as Array<{ code: string; id: number }>).map((r) => [r.code, r.id]));
const insert = baselineDb.prepare(
  'INSERT INTO observations (indicator, period, region, value, yoy, status, version, received_at, by) VALUES (?, ?, ?, ?, ?, NULL, 1, ?, ?)',
);

const service = await startService({ DATA_DIR: serviceDir, MAX_ROWS: String(BATCH) });
try {
  await request(`${service.url}/v1/regions`, 'PUT', JSON.stringify({ regions: catalog.regions }));
  await request(`${service.url}/v1/indicators`, 'PUT', JSON.stringify({ indicators: catalog.indicators }));
  await request(`${service.url}/v1/groups`, 'PUT', JSON.stringify({ groups: catalog.groups }));
  console.log(`service pid ${service.pid}, RSS after catalog ${rssMiB(service.pid).toFixed(0)} MiB`);

  const baselineRates: number[] = [];
  const serviceRates: number[] = [];
  let baselineMs = 0;
  let serviceMs = 0;
  let total = 0;
  let peakRss = 0;
  let batch: ReturnType<typeof nationalRows> extends Generator<infer R> ? R[] : never = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    const body = JSON.stringify({ observations: rows });
    // Side by side, batch by batch: both see the same machine at the same moment.
    const t0 = performance.now();
    baselineDb.transaction(() => {
      for (const o of rows) insert.run(indicatorId.get(o.indicator), periodToInt(o.period), regionId.get(o.region), o.value, o.yoy, 0, 'bench');
    })();
    const b = performance.now() - t0;
    const { ms: s, json: answer } = await timed(`${service.url}/v1/observations`, 'POST', body);
    if (answer.created !== batch.length) throw new Error(`expected ${batch.length} created, got ${JSON.stringify(answer).slice(0, 200)}`);
    baselineMs += b;
    serviceMs += s;
    baselineRates.push(batch.length / (b / 1000));
    serviceRates.push(batch.length / (s / 1000));
    total += batch.length;
    batch = [];
    peakRss = Math.max(peakRss, rssMiB(service.pid));
    if (serviceRates.length % 10 === 0) console.log(`  ${total} rows, service RSS ${rssMiB(service.pid).toFixed(0)} MiB`);
  };
  // --batches N stops early, for quick experiments; the targets are for the full load.
  const maxBatches = Number(process.argv[process.argv.indexOf('--batches') + 1] ?? 0) || Infinity;
  for (const row of nationalRows(catalog.counties)) {
    batch.push(row);
    if (batch.length === BATCH) await flush();
    if (serviceRates.length >= maxBatches) break;
  }
  await flush();

  const rss = rssMiB(service.pid);
  const loadedIndicators = Math.max(1, Math.floor(total / (NATIONAL.months * catalog.counties.length)));
  const rawRate = median(baselineRates);
  const httpRate = median(serviceRates);
  console.log(`\nINGEST ${total} figures in ${serviceRates.length} batches of ${BATCH}`);
  console.log(`  straight SQLite inserts: median ${Math.round(rawRate)} rows/s (total ${(baselineMs / 1000).toFixed(1)} s)`);
  console.log(`  service over HTTP:       median ${Math.round(httpRate)} rows/s (total ${(serviceMs / 1000).toFixed(1)} s)`);
  console.log(`  ratio service/straight:  ${(httpRate / rawRate).toFixed(2)} (target >= 0.5)`);
  console.log(`  service RSS after load:  ${rss.toFixed(0)} MiB (target < 300); highest seen after a batch ${peakRss.toFixed(0)} MiB`);

  // Ranking of 3,000 peers against reading its rows straight from the store file.
  // Cold: a different indicator each time (nothing cached); warm: one ranking asked again and again.
  const rankingUrl = (indicator: string) => `${service.url}/v1/rankings?indicator=${indicator}&period=2024-12&group=all_counties`;
  const reader = new Database(join(serviceDir, SQLITE_FILE), { readonly: true });
  const slice = reader.prepare('SELECT region, value, yoy, status FROM observations WHERE indicator = ? AND period = ?').raw();
  const idOf = reader.prepare('SELECT id FROM indicators WHERE code = ?').pluck();
  const periods = ['2024-12', '2024-11', '2023-12', '2023-11'].map(periodToInt);
  const readStraight = (indicator: string) => {
    const id = idOf.get(indicator) as number;
    const t0 = performance.now();
    let rows = 0;
    for (const p of periods) rows += slice.all(id, p).length;
    if (rows !== 12_000) throw new Error(`raw read found ${rows} rows`);
    return performance.now() - t0;
  };
  const timeRanking = async (indicator: string) => {
    const { ms, json: answer } = await timed(rankingUrl(indicator), 'GET');
    if (answer.ranked !== 3000 || answer.previousPeriod !== '2024-11') throw new Error(`unexpected ranking ${JSON.stringify(answer).slice(0, 200)}`);
    return ms;
  };
  const cold: number[] = [];
  const warm: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < RANKING_SAMPLES; i++) {
    const indicator = `ind${String(i % loadedIndicators).padStart(2, '0')}`;
    raw.push(readStraight(indicator));
    cold.push(await timeRanking(indicator));
  }
  for (let i = 0; i < RANKING_SAMPLES; i++) warm.push(await timeRanking('ind01'));
  console.log(`\nRANKING of 3,000 peers by growth with previous ranks (${RANKING_SAMPLES} samples each)`);
  console.log(`  straight read of its 12,000 rows (4 periods): median ${median(raw).toFixed(2)} ms`);
  console.log(`  service over HTTP, cold (first ask):  median ${median(cold).toFixed(2)} ms, ratio ${(median(cold) / median(raw)).toFixed(2)}`);
  console.log(`  service over HTTP, warm (asked again): median ${median(warm).toFixed(2)} ms (target < 20), ratio ${(median(warm) / median(raw)).toFixed(2)} (target <= 3)`);
  console.log(`  service RSS now: ${rssMiB(service.pid).toFixed(0)} MiB`);
  reader.close();
  baselineDb.close();
  rmSync(serviceDir, { recursive: true, force: true });
  rmSync(baselineDir, { recursive: true, force: true });
} finally {
  await service.stop();
}
