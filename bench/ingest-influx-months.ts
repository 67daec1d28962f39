/**
 * Issue 15's ingest target, on the shape of real work: each month a bureau
 * posts that month's figures for every county and indicator, from one
 * client. 3,000 counties x 50 indicators x 24 months (3.6M rows), month by
 * month, in batches of 20,000 rows; the yardstick posts the same batches as
 * line protocol straight to the same influxd, one client, one body of
 * 20,000 lines a batch (never smaller). Rounds pair the two sides a few
 * seconds apart; printed: rows/s both sides, their ratio (target >= 1/3),
 * influxd CPU per row on each side, the service's own CPU and its RSS.
 * Run: npx tsx bench/ingest-influx-months.ts [--months N] [--indicators N] [--sqlite-too]
 * (issue 20's smaller load, where warming up counts: --indicators 5; with
 * --sqlite-too the same rows then go into a SQLite service, for its RSS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Influxd } from '../test/helpers/influxd.ts';
import { cpuSeconds, median, NATIONAL, nationalCatalog, periodOf, request, rssMiB, startService, timed } from './lib.ts';

const BATCH = 20_000;
/** Batches a round holds on each side: a month and a half of a national load. */
const ROUND_BATCHES = 12;

const option = (name: string) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : 0);
const months = option('--months') || NATIONAL.months;
const indicatorCount = option('--indicators') || NATIONAL.indicators;
const influxd = await Influxd.create();
const catalog = nationalCatalog();

type Row = { indicator: string; region: string; period: string; value: number; yoy: number | null };

/** Month by month: every indicator of every county for one month, then the next month. */
function* monthMajorRows(): Generator<Row> {
  for (let m = 0; m < months; m++) {
    const month = (m % 12) + 1;
    for (let i = 0; i < indicatorCount; i++) {
      const indicator = `ind${String(i).padStart(2, '0')}`;
      for (let c = 0; c < catalog.counties.length; c++) {
        const scale = 10 + ((c * 7919 + i * 104729) % 1000) / 10;
        const value = Math.round(scale * month * (1 + 0.1 * Math.floor(m / 12)) * 100) / 100;
        yield { indicator, region: catalog.counties[c]!, period: periodOf(m), value, yoy: m >= 12 && c % 3 === 0 ? 10.5 : null };
      }
    }
  }
}

/** RSS 5, 10 and 20 s after a load: V8 gives back the load's garbage once allocation stops (its memory reducer), or not. */
async function settledRss(pid: number): Promise<void> {
  let waited = 0;
  for (const at of [5, 10, 20]) {
    await new Promise((resolve) => setTimeout(resolve, (at - waited) * 1000));
    waited = at;
    console.log(`  service RSS ${at} s after the load: ${rssMiB(pid).toFixed(0)} MiB`);
  }
}

const seconds = (period: string) => Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5)) - 1) / 1000;
const line = (o: Row) => `observation,indicator=${o.indicator},region=${o.region} value=${o.value}${o.yoy === null ? '' : `,yoy=${o.yoy}`} ${seconds(o.period)}`;

async function influxQuery(db: string, q: string) {
  const answer = await fetch(`${influxd.url}/query`, { method: 'POST', body: new URLSearchParams({ db, q }) });
  if (!answer.ok) throw new Error(`${q}: ${answer.status}`);
}

async function postStraight(batch: Row[]): Promise<void> {
  const answer = await fetch(`${influxd.url}/write?db=straight&precision=s`, { method: 'POST', body: batch.map(line).join('\n') });
  if (answer.status !== 204) throw new Error(`straight write: ${answer.status} ${await answer.text()}`);
}

await influxQuery('', 'CREATE DATABASE "straight" WITH SHARD DURATION 520w');
const service = await startService({ STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'service', INFLUX_API: 'v1' });
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(service.pid))), 250);
try {
  await request(`${service.url}/v1/regions`, 'PUT', JSON.stringify({ regions: catalog.regions }));
  await request(`${service.url}/v1/indicators`, 'PUT', JSON.stringify({ indicators: catalog.indicators }));

  const straightRates: number[] = [];
  const serviceRates: number[] = [];
  const cpu = { straightInflux: 0, serviceInflux: 0, service: 0 };
  let total = 0;
  const round = async (batches: Row[][]) => {
    const rows = batches.reduce((n, b) => n + b.length, 0);
    let influx = cpuSeconds(influxd.pid!);
    let t0 = performance.now();
    for (const batch of batches) await postStraight(batch);
    straightRates.push(rows / ((performance.now() - t0) / 1000));
    cpu.straightInflux += cpuSeconds(influxd.pid!) - influx;

    const bodies = batches.map((b) => JSON.stringify({ observations: b }));
    influx = cpuSeconds(influxd.pid!);
    const own = cpuSeconds(service.pid);
    t0 = performance.now();
    for (const body of bodies) {
      const { json } = await timed(`${service.url}/v1/observations`, 'POST', body);
      if (json.created + json.unchanged + json.revised !== BATCH && json.accepted !== JSON.parse(body).observations.length) throw new Error(`unexpected answer ${JSON.stringify(json).slice(0, 200)}`);
    }
    serviceRates.push(rows / ((performance.now() - t0) / 1000));
    cpu.serviceInflux += cpuSeconds(influxd.pid!) - influx;
    cpu.service += cpuSeconds(service.pid) - own;
    total += rows;
    console.log(
      `  ${total} rows (to ${batches.at(-1)!.at(-1)!.period}): straight ${Math.round(straightRates.at(-1)!)} points/s, service ${Math.round(serviceRates.at(-1)!)} rows/s, ratio ${(serviceRates.at(-1)! / straightRates.at(-1)!).toFixed(3)}; service RSS ${rssMiB(service.pid).toFixed(0)} MiB`,
    );
  };
  let pending: Row[][] = [];
  let batch: Row[] = [];
  for (const row of monthMajorRows()) {
    batch.push(row);
    if (batch.length < BATCH) continue;
    pending.push(batch);
    batch = [];
    if (pending.length === ROUND_BATCHES) {
      await round(pending);
      pending = [];
    }
  }
  if (batch.length > 0) pending.push(batch);
  if (pending.length > 0) await round(pending);

  const us = (s: number) => ((s / total) * 1e6).toFixed(1);
  const paired = serviceRates.map((rate, i) => rate / straightRates[i]!);
  console.log(`\nMONTH-MAJOR INGEST: ${total} rows, ${months} months x ${indicatorCount} indicators x ${catalog.counties.length} counties, batches of ${BATCH}, one client`);
  console.log(`  straight line protocol (${BATCH} lines a body): median ${Math.round(median(straightRates))} points/s`);
  console.log(`  service over HTTP:                          median ${Math.round(median(serviceRates))} rows/s`);
  console.log(`  ratio of medians: ${(median(serviceRates) / median(straightRates)).toFixed(3)} (target >= 1/3); rounds' own ratios: median ${median(paired).toFixed(3)} (${Math.min(...paired).toFixed(2)}-${Math.max(...paired).toFixed(2)})`);
  console.log(`  influxd CPU per row: straight ${us(cpu.straightInflux)} µs, service's ${us(cpu.serviceInflux)} µs; the service's own ${us(cpu.service)} µs`);
  console.log(`  service RSS: ${rssMiB(service.pid).toFixed(0)} MiB now, ${peakRss.toFixed(0)} MiB at most; influxd RSS ${rssMiB(influxd.pid!).toFixed(0)} MiB`);
  await settledRss(service.pid);
  // Where the RSS is: the JavaScript heap, and memory outside it (buffers, SQLite, threads).
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  const mib = (name: string) => (Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN) / 2 ** 20).toFixed(0);
  console.log(`  service heap: ${mib('nodejs_heap_size_used_bytes')} MiB used of ${mib('nodejs_heap_size_total_bytes')}; external ${mib('nodejs_external_memory_bytes')} MiB`);
} finally {
  clearInterval(sampler);
  await service.stop();
  await influxd.destroy();
}

// The same rows into the embedded SQLite store, for its RSS after such a load (the issue's target is on both stores).
if (process.argv.includes('--sqlite-too')) {
  const dir = mkdtempSync(join(tmpdir(), 'months-sqlite-'));
  const sqlite = await startService({ DATA_DIR: dir });
  let peak = 0;
  const sampling = setInterval(() => (peak = Math.max(peak, rssMiB(sqlite.pid))), 250);
  try {
    await request(`${sqlite.url}/v1/regions`, 'PUT', JSON.stringify({ regions: catalog.regions }));
    await request(`${sqlite.url}/v1/indicators`, 'PUT', JSON.stringify({ indicators: catalog.indicators }));
    let batch: Row[] = [];
    const t0 = performance.now();
    let rows = 0;
    const send = async () => {
      const { json } = await timed(`${sqlite.url}/v1/observations`, 'POST', JSON.stringify({ observations: batch }));
      if (json.created + json.unchanged + json.revised !== batch.length) throw new Error(`unexpected answer ${JSON.stringify(json).slice(0, 200)}`);
      rows += batch.length;
      batch = [];
    };
    for (const row of monthMajorRows()) {
      batch.push(row);
      if (batch.length === BATCH) await send();
    }
    if (batch.length > 0) await send();
    console.log(`
SQLITE, the same ${rows} rows: ${Math.round(rows / ((performance.now() - t0) / 1000))} rows/s; service RSS ${rssMiB(sqlite.pid).toFixed(0)} MiB after the load, ${peak.toFixed(0)} MiB at most`);
    await settledRss(sqlite.pid);
  } finally {
    clearInterval(sampling);
    await sqlite.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
