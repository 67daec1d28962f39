/**
 * Issue 15's read target: the soak mix (one post in ten, the reads
 * dashboards and reports make) on InfluxDB against the same mix on SQLite,
 * each service as users run it, in paired rounds: each round measures both
 * within seconds of each other. Prints requests/s both sides per round and
 * the median of the rounds' own ratios (target: InfluxDB >= 0.5 of SQLite).
 * Run: npx tsx bench/read-capacity.ts [--rounds 5] [--seconds 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKENS } from '../test/helpers/app.ts';
import { Influxd } from '../test/helpers/influxd.ts';
import { SERVICE_TOKENS } from '../test/helpers/service.ts';
import { capacity, prepareSoak } from '../test/helpers/soak.ts';
import { median, startService } from './lib.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback);
const ROUNDS = Number(arg('--rounds', '5'));
const SECONDS = Number(arg('--seconds', '10'));
/** Clients at once: a dashboard server's worth, enough to saturate either side. */
const CONNECTIONS = 16;

const dataDir = mkdtempSync(join(tmpdir(), 'capacity-'));
const influxd = await Influxd.create();
const common = { API_TOKENS: SERVICE_TOKENS, RATE_LIMIT_MAX: '100000000', REPORTS_ENABLED: 'false' };
const sqlite = await startService({ ...common, DATA_DIR: join(dataDir, 'sqlite') });
const influx = await startService({ ...common, DATA_DIR: join(dataDir, 'influx'), STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'capacity', INFLUX_API: 'v1' });
try {
  for (const service of [sqlite, influx]) await prepareSoak(service.url, TOKENS.admin);
  const mix = (url: string) => ({ url, postShare: 0.1, writerToken: TOKENS.writer, readerToken: TOKENS.reader, seconds: SECONDS });
  // Warm both (code paths, caches), as a service that has been running is.
  await capacity({ ...mix(sqlite.url), seconds: 3 }, CONNECTIONS);
  await capacity({ ...mix(influx.url), seconds: 3 }, CONNECTIONS);
  const rows: Array<{ sqlite: number; influx: number }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which side goes first, so a drift of the machine's speed does not favour one.
    const order = round % 2 === 0 ? ['sqlite', 'influx'] : ['influx', 'sqlite'];
    const row = { sqlite: 0, influx: 0 };
    for (const side of order as Array<'sqlite' | 'influx'>) {
      const r = await capacity(mix(side === 'sqlite' ? sqlite.url : influx.url), CONNECTIONS);
      if (r.errors > 0) throw new Error(`${side}: ${r.errors} errors`);
      row[side] = r.perSecond;
    }
    rows.push(row);
    console.log(`  round ${round + 1}: SQLite ${row.sqlite.toFixed(0)} req/s, InfluxDB ${row.influx.toFixed(0)} req/s, ratio ${(row.influx / row.sqlite).toFixed(2)}`);
  }
  const ratios = rows.map((r) => r.influx / r.sqlite);
  console.log(`\nREAD CAPACITY, the soak mix (${CONNECTIONS} clients, ${SECONDS} s a side a round, ${ROUNDS} paired rounds)`);
  console.log(`  SQLite   median ${median(rows.map((r) => r.sqlite)).toFixed(0)} req/s`);
  console.log(`  InfluxDB median ${median(rows.map((r) => r.influx)).toFixed(0)} req/s`);
  console.log(`  median of the rounds' ratios InfluxDB/SQLite: ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}; target >= 0.5)`);
} finally {
  await sqlite.stop();
  await influx.stop();
  await influxd.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
