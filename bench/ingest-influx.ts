/**
 * Issue 3's targets, measured side by side in one run on a real influxd:
 * - ingest through the service into InfluxDB vs posting one line-protocol
 *   point per row straight to the same influxd (target: ratio >= 1/3);
 * - a ranking of 3,000 peers vs the raw InfluxQL that fetches the same rows
 *   (target: within 1.5x); influxd's memory after the load.
 * Run: npx tsx bench/ingest-influx.ts [--batches N]
 */
import { Influxd } from '../test/helpers/influxd.ts';
import { cpuSeconds, median, NATIONAL, nationalCatalog, nationalRows, request, rssMiB, startService, timed } from './lib.ts';

const BATCH = 50_000;
const RANKING_SAMPLES = 31;
const CHUNK = 5_000;

const influxd = await Influxd.create();
const catalog = nationalCatalog();
const maxBatches = Number(process.argv[process.argv.indexOf('--batches') + 1] ?? 0) || Infinity;

async function influxQuery(db: string, q: string, params: object = {}) {
  const body = new URLSearchParams({ db, q, params: JSON.stringify(params), epoch: 's' });
  const answer = await fetch(`${influxd.url}/query`, { method: 'POST', body });
  return (await answer.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
}
await influxQuery('', 'CREATE DATABASE "straight" WITH SHARD DURATION 520w');

/** Straight line protocol, one point per row, the same chunking and concurrency as the service's writer. */
async function postStraight(lines: string[]) {
  let next = 0;
  const worker = async () => {
    while (next < lines.length) {
      const chunk = lines.slice(next, next + CHUNK).join('\n');
      next += CHUNK;
      const answer = await fetch(`${influxd.url}/write?db=straight&precision=s`, { method: 'POST', body: chunk });
      if (answer.status !== 204) throw new Error(`straight write: ${answer.status} ${await answer.text()}`);
    }
  };
  await Promise.all([worker(), worker()]);
}

const service = await startService({ STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'service', INFLUX_API: 'v1', MAX_ROWS: String(BATCH) });
try {
  await request(`${service.url}/v1/regions`, 'PUT', JSON.stringify({ regions: catalog.regions }));
  await request(`${service.url}/v1/indicators`, 'PUT', JSON.stringify({ indicators: catalog.indicators }));
  await request(`${service.url}/v1/groups`, 'PUT', JSON.stringify({ groups: catalog.groups }));

  // Rounds of ROUND batches: straight, then through the service, CLIENTS batches in flight at a
  // time and two chunks in flight per batch on both sides.
  const ROUND = 4;
  const CLIENTS = 2;
  const straightRates: number[] = [];
  const serviceRates: number[] = [];
  let total = 0;
  let straightInfluxCpu = 0;
  let serviceInfluxCpu = 0;
  let serviceOwnCpu = 0;
  type Row = { indicator: string; region: string; period: string; value: number; yoy: number | null };
  const inFlight = async <T,>(items: T[], fn: (item: T) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }));
  };
  const round = async (batches: Row[][]) => {
    const rows = batches.reduce((n, b) => n + b.length, 0);
    const lines = batches.map((b) =>
      b.map((o) => `observation,indicator=${o.indicator},region=${o.region} value=${o.value}${o.yoy === null ? '' : `,yoy=${o.yoy}`} ${Date.UTC(Number(o.period.slice(0, 4)), Number(o.period.slice(5)) - 1) / 1000}`),
    );
    const bodies = batches.map((b) => JSON.stringify({ observations: b }));
    let t0 = performance.now();
    let influxCpu = cpuSeconds(influxd.pid!);
    await inFlight(lines, postStraight);
    straightRates.push(rows / ((performance.now() - t0) / 1000));
    straightInfluxCpu += cpuSeconds(influxd.pid!) - influxCpu;
    t0 = performance.now();
    influxCpu = cpuSeconds(influxd.pid!);
    const serviceCpu = cpuSeconds(service.pid);
    await inFlight(bodies, async (body) => {
      const { json } = await timed(`${service.url}/v1/observations`, 'POST', body);
      if (json.created + json.unchanged + json.revised !== JSON.parse(body).observations.length) throw new Error(`unexpected answer ${JSON.stringify(json).slice(0, 200)}`);
    });
    serviceRates.push(rows / ((performance.now() - t0) / 1000));
    serviceInfluxCpu += cpuSeconds(influxd.pid!) - influxCpu;
    serviceOwnCpu += cpuSeconds(service.pid) - serviceCpu;
    total += rows;
    console.log(`  ${total} rows: straight ${Math.round(straightRates.at(-1)!)} points/s, service ${Math.round(serviceRates.at(-1)!)} rows/s; influxd RSS ${rssMiB(influxd.pid!).toFixed(0)} MiB`);
  };
  let pending: Row[][] = [];
  let batch: Row[] = [];
  let batches = 0;
  for (const row of nationalRows(catalog.counties)) {
    batch.push(row);
    if (batch.length === BATCH) {
      pending.push(batch);
      batch = [];
      batches++;
      if (pending.length === ROUND) {
        await round(pending);
        pending = [];
      }
    }
    if (batches >= maxBatches) break;
  }
  if (batch.length > 0) pending.push(batch);
  if (pending.length > 0) await round(pending);
  const loaded = Math.max(1, Math.floor(total / (NATIONAL.months * catalog.counties.length)));
  console.log(`\nINGEST ${total} figures into InfluxDB in batches of ${BATCH}, ${CLIENTS} at a time (median over ${serviceRates.length} rounds)`);
  console.log(`  straight line protocol, one point a row: median ${Math.round(median(straightRates))} points/s`);
  console.log(`  service over HTTP (current + checks):    median ${Math.round(median(serviceRates))} rows/s`);
  console.log(`  ratio service/straight: ${(median(serviceRates) / median(straightRates)).toFixed(3)} (target >= 1/3)`);
  // Each round pairs the two sides minutes apart at most: the machine's speed drifts less within a round.
  const paired = serviceRates.map((rate, i) => rate / straightRates[i]!);
  console.log(`  median of the rounds' own ratios: ${median(paired).toFixed(3)} (lowest ${Math.min(...paired).toFixed(2)}, highest ${Math.max(...paired).toFixed(2)})`);
  const us = (seconds: number) => ((seconds / total) * 1e6).toFixed(1);
  console.log(`  CPU per row (2 cores shared by all): straight influxd ${us(straightInfluxCpu)} µs; service ${us(serviceOwnCpu)} µs + its influxd ${us(serviceInfluxCpu)} µs`);
  console.log(`  influxd RSS after the load: ${rssMiB(influxd.pid!).toFixed(0)} MiB; service RSS ${rssMiB(service.pid).toFixed(0)} MiB`);

  // Let influxd finish compacting the load, so both sides below see the same quiet server.
  await new Promise((r) => setTimeout(r, 15_000));
  // The raw InfluxQL fetching what a ranking reads: four months of one indicator, every region,
  // the same columns as the store's current-slice query.
  const raw: number[] = [];
  const ranking: number[] = [];
  const months = ['2024-12', '2024-11', '2023-12', '2023-11'];
  for (let i = 0; i < RANKING_SAMPLES; i++) {
    const indicator = `ind${String(i % loaded).padStart(2, '0')}`;
    const statements = months.map((_, k) => `SELECT "region", "value", "yoy", "status", "meta" FROM "observation" WHERE "indicator" = $i AND time = $t${k}`);
    const params = Object.fromEntries([['i', indicator], ...months.map((m, k) => [`t${k}`, `${m}-01T00:00:00Z`])]);
    const t0 = performance.now();
    const json = await influxQuery('service', statements.join(';'), params);
    raw.push(performance.now() - t0);
    const rows = json.results.reduce((n, r) => n + (r.series?.[0]?.values.length ?? 0), 0);
    if (rows !== 12_000) throw new Error(`raw InfluxQL found ${rows} rows`);
    const { ms, json: answer } = await timed(`${service.url}/v1/rankings?indicator=${indicator}&period=2024-12&group=all_counties`, 'GET');
    if (answer.ranked !== 3000) throw new Error(`ranked ${answer.ranked}`);
    ranking.push(ms);
  }
  console.log(`\nRANKING of 3,000 peers on InfluxDB (${RANKING_SAMPLES} samples, a different indicator each time)`);
  console.log(`  raw InfluxQL for its 12,000 rows: median ${median(raw).toFixed(1)} ms`);
  console.log(`  service over HTTP:                median ${median(ranking).toFixed(1)} ms, ratio ${(median(ranking) / median(raw)).toFixed(2)} (target <= 1.5)`);
  console.log(`  influxd RSS now: ${rssMiB(influxd.pid!).toFixed(0)} MiB`);
} finally {
  await service.stop();
  await influxd.destroy();
}
