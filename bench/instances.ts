/**
 * Issue 15's multi-instance check: two instances on one InfluxDB (the second
 * forwards its writes to the first), mixed reads and writes on both for 60 s;
 * every quarter second a revision goes through one instance and the other is
 * asked (through its response cache, as a dashboard asks) until it shows it.
 * Prints the freshness lag (ack of the write to the other instance's first
 * answer with it): p50, p99, max; and the reads served meanwhile.
 * Run: npx tsx bench/instances.ts [--seconds 60]
 */
import { Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKENS } from '../test/helpers/app.ts';
import { Influxd } from '../test/helpers/influxd.ts';
import { send, SERVICE_TOKENS } from '../test/helpers/service.ts';
import { capacity, prepareSoak } from '../test/helpers/soak.ts';
import { median, startService } from './lib.ts';

const SECONDS = Number(process.argv.includes('--seconds') ? process.argv[process.argv.indexOf('--seconds') + 1] : 60);
/** Read clients on each instance: a few dashboards' worth, not saturation. */
const READERS = 4;
const WRITE_EVERY_MS = 250;

const dataDir = mkdtempSync(join(tmpdir(), 'instances-'));
const influxd = await Influxd.create();
const common = { API_TOKENS: SERVICE_TOKENS, RATE_LIMIT_MAX: '100000000', REPORTS_ENABLED: 'false', STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'instances', INFLUX_API: 'v1' };
const writer = await startService({ ...common, DATA_DIR: join(dataDir, 'a') });
const other = await startService({ ...common, DATA_DIR: join(dataDir, 'b'), WRITER_URL: writer.url });
try {
  await prepareSoak(writer.url, TOKENS.admin);
  // The other instance learns the new catalog within CHANGE_CHECK_MS: the load starts once it has.
  for (let i = 0; i < 100; i++) {
    const regions = await send(other.url, 'GET', '/v1/regions', undefined, TOKENS.reader);
    if (regions.body.regions.some((r: { code: string }) => r.code === 'SOAKP')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const lags: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  const series = '/v1/series?indicator=retail_sales&region=SK00&from=2023-06&to=2023-06';
  const probe = async () => {
    for (let n = 0; performance.now() < end; n++) {
      const [through, seenBy] = n % 2 === 0 ? [writer, other] : [other, writer];
      const value = 1_000 + n;
      const posted = await send(through.url, 'POST', '/v1/observations', { observations: [{ indicator: 'retail_sales', region: 'SK00', period: '2023-06', value }] }, TOKENS.writer, agent);
      if (posted.status !== 200) throw new Error(`post: ${posted.status}`);
      const acked = performance.now();
      for (let i = 0; i < 500; i++) {
        const answer = await send(seenBy.url, 'GET', series, undefined, TOKENS.reader, agent);
        if (answer.body?.points?.[0]?.value === value) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      lags.push(performance.now() - acked);
      await new Promise((r) => setTimeout(r, WRITE_EVERY_MS));
    }
  };
  const load = (url: string) => capacity({ url, postShare: 0.05, writerToken: TOKENS.writer, readerToken: TOKENS.reader, seconds: SECONDS }, READERS);
  const [, a, b] = await Promise.all([probe(), load(writer.url), load(other.url)]);
  const sorted = [...lags].sort((x, y) => x - y);
  console.log(`\nTWO INSTANCES on one InfluxDB, ${SECONDS} s: ${READERS} clients each (one post in twenty), a revision every ${WRITE_EVERY_MS} ms through each in turn`);
  console.log(`  load served: writer ${a.perSecond.toFixed(0)} req/s (${a.errors} errors), forwarding instance ${b.perSecond.toFixed(0)} req/s (${b.errors} errors)`);
  console.log(`  freshness lag, ack to the other instance's answer (${lags.length} revisions): p50 ${median(sorted).toFixed(0)} ms, p99 ${sorted[Math.floor(sorted.length * 0.99)]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms (bound: CHANGE_CHECK_MS 250 and the time to read)`);
  agent.destroy();
} finally {
  await writer.stop();
  await other.stop();
  await influxd.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
