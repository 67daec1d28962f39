/**
 * Issue 6's soak: the service as users run it (`npm start`), a steady mixed
 * load on 127.0.0.1 (one post in ten, revisions so history grows; reads of
 * rankings, series, scorecards, charts, history, the catalog) for at least
 * five minutes, on each store. First the mix's capacity is measured (closed
 * loop); the soak then runs at a quarter of it unless --rate is given.
 * Prints errors (target: zero), p50/p99 latency, and RSS at the start and
 * the end with samples in between (target: flat).
 * Run: npx tsx bench/soak.ts [--store sqlite|influxdb|both] [--minutes 5] [--rate N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKENS } from '../test/helpers/app.ts';
import { Influxd } from '../test/helpers/influxd.ts';
import { SERVICE_TOKENS } from '../test/helpers/service.ts';
import { capacity, prepareSoak, soak } from '../test/helpers/soak.ts';
import { startService } from './lib.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback);
const MINUTES = Number(arg('--minutes', '5'));
const STORES = arg('--store', 'both') === 'both' ? ['sqlite', 'influxdb'] : [arg('--store', 'both')];
const FIXED_RATE = Number(arg('--rate', '0'));
const POST_SHARE = 0.1;
/** The soak runs at this share of measured capacity: steady, well below saturation. */
const LOAD_SHARE = 0.25;
const WARM_UP_SECONDS = 30;

for (const store of STORES) {
  const dataDir = mkdtempSync(join(tmpdir(), 'soak-'));
  const influxd = store === 'influxdb' ? await Influxd.create() : null;
  const env: Record<string, string> = { DATA_DIR: dataDir, API_TOKENS: SERVICE_TOKENS, RATE_LIMIT_MAX: '100000000', REPORTS_ENABLED: 'false' };
  if (influxd !== null) Object.assign(env, { STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'soak', INFLUX_API: 'v1' });
  const service = await startService(env);
  try {
    await prepareSoak(service.url, TOKENS.admin);
    const base = { url: service.url, postShare: POST_SHARE, writerToken: TOKENS.writer, readerToken: TOKENS.reader };
    const cap = await capacity({ ...base, seconds: 20 }, 16);
    const rate = FIXED_RATE > 0 ? FIXED_RATE : Math.max(10, Math.round((cap.perSecond * LOAD_SHARE) / 10) * 10);
    console.log(`${store}: capacity of the mix ${cap.perSecond.toFixed(0)} requests/s (16 clients, ${cap.errors} errors); soaking at ${rate}/s for ${MINUTES} min`);
    await soak({ ...base, pid: service.pid, rate, seconds: WARM_UP_SECONDS });
    const r = await soak({ ...base, pid: service.pid, rate, seconds: MINUTES * 60, sampleEvery: 30 });
    console.log(
      [
        `${store}: ${r.requests} requests (${r.posts} posts) in ${r.seconds.toFixed(0)} s at ${rate}/s = ${((100 * rate) / cap.perSecond).toFixed(0)}% of capacity`,
        `  errors ${r.errors}${r.errorSamples.length > 0 ? ` (${r.errorSamples.join('; ')})` : ''}`,
        `  latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`,
        `  RSS start ${r.rssStartMiB.toFixed(0)} MiB, end ${r.rssEndMiB.toFixed(0)} MiB, max ${r.rssMaxMiB.toFixed(0)} MiB; every 30 s: ${r.rssSamplesMiB.map((m) => m.toFixed(0)).join(' ')}`,
      ].join('\n'),
    );
  } finally {
    await service.stop();
    await influxd?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
