/**
 * Issue 20's read target: the soak's reads (no posts in the mix) by 16
 * clients, on SQLite and on InfluxDB, each with no writer and with a paced
 * writer posting one revision (one indicator's month for 30 regions) a
 * second, as a bureau's loader does while dashboards read. Paired rounds:
 * each round measures all four within seconds of each other. Prints
 * requests/s and the medians of the rounds' own ratios (targets: SQLite
 * with the writer >= 1.0x InfluxDB with the writer; each store with the
 * writer >= 0.5x its own figure with none).
 * Run: npx tsx bench/read-memory.ts [--rounds 5] [--seconds 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKENS } from '../test/helpers/app.ts';
import { Influxd } from '../test/helpers/influxd.ts';
import { SERVICE_TOKENS } from '../test/helpers/service.ts';
import { capacity, postRevision, prepareSoak } from '../test/helpers/soak.ts';
import { median, startService } from './lib.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback);
const ROUNDS = Number(arg('--rounds', '5'));
const SECONDS = Number(arg('--seconds', '10'));
const CONNECTIONS = 16;
/** The writer's pace: one revision a second. */
const WRITE_EVERY_MS = 1_000;

const dataDir = mkdtempSync(join(tmpdir(), 'read-memory-'));
const influxd = await Influxd.create();
const common = { API_TOKENS: SERVICE_TOKENS, RATE_LIMIT_MAX: '100000000', REPORTS_ENABLED: 'false' };
const services = {
  sqlite: await startService({ ...common, DATA_DIR: join(dataDir, 'sqlite') }),
  influx: await startService({ ...common, DATA_DIR: join(dataDir, 'influx'), STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'readmemory', INFLUX_API: 'v1' }),
};
type Side = keyof typeof services;
let revision = 0;

/** The reads for SECONDS, with or without the paced writer; answers reads/s. */
async function measure(side: Side, writer: boolean): Promise<number> {
  const url = services[side].url;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let writing = writer;
  let failed = 0;
  const loop = (async () => {
    // Bounded: one revision a second for at most the round's seconds.
    for (let i = 0; writing && i < SECONDS + 1; i++) {
      const started = Date.now();
      const answer = await postRevision(agent, { url, writerToken: TOKENS.writer }, revision++);
      if (answer.status !== 200) failed++;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, WRITE_EVERY_MS - (Date.now() - started))));
    }
  })();
  const r = await capacity({ url, postShare: 0, writerToken: TOKENS.writer, readerToken: TOKENS.reader, seconds: SECONDS }, CONNECTIONS);
  writing = false;
  await loop;
  agent.destroy();
  if (r.errors > 0 || failed > 0) throw new Error(`${side}: ${r.errors} read errors, ${failed} failed revisions`);
  return r.perSecond;
}

try {
  for (const side of ['sqlite', 'influx'] as const) await prepareSoak(services[side].url, TOKENS.admin);
  // Warm both, as a service that has been running is.
  for (const side of ['sqlite', 'influx'] as const) await capacity({ url: services[side].url, postShare: 0.1, writerToken: TOKENS.writer, readerToken: TOKENS.reader, seconds: 3 }, CONNECTIONS);
  const rows: Array<Record<string, number>> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const cases: Array<[Side, boolean]> = [
      ['sqlite', true],
      ['influx', true],
      ['sqlite', false],
      ['influx', false],
    ];
    // Alternate the order, so a drift of the machine's speed favours no side.
    if (round % 2 === 1) cases.reverse();
    const row: Record<string, number> = {};
    for (const [side, writer] of cases) row[`${side}${writer ? '+w' : ''}`] = await measure(side, writer);
    rows.push(row);
    console.log(
      `  round ${round + 1}: with writer SQLite ${row['sqlite+w']!.toFixed(0)}, InfluxDB ${row['influx+w']!.toFixed(0)} req/s; without SQLite ${row.sqlite!.toFixed(0)}, InfluxDB ${row.influx!.toFixed(0)} req/s`,
    );
  }
  const ratio = (a: string, b: string) => rows.map((r) => r[a]! / r[b]!);
  const say = (name: string, xs: number[], target: number) => console.log(`  ${name}: median ${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}; target >= ${target})`);
  console.log(`\nREADS WITH A PACED WRITER (${CONNECTIONS} clients, one revision a second, ${SECONDS} s a case, ${ROUNDS} paired rounds)`);
  for (const key of ['sqlite+w', 'influx+w', 'sqlite', 'influx']) console.log(`  ${key.padEnd(9)} median ${median(rows.map((r) => r[key]!)).toFixed(0)} req/s`);
  say('SQLite/InfluxDB, with the writer', ratio('sqlite+w', 'influx+w'), 1.0);
  say('SQLite with/without the writer', ratio('sqlite+w', 'sqlite'), 0.5);
  say('InfluxDB with/without the writer', ratio('influx+w', 'influx'), 0.5);
} finally {
  await services.sqlite.stop();
  await services.influx.stop();
  await influxd.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
