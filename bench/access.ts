/**
 * Issue 18's targets, side by side in one run:
 * 1. Public read capacity (the soak mix's reads, 16 clients) of a service
 *    holding 1,000 tokens made through the API and an access log of 20,000
 *    entries, against the same service with neither (target >= 0.95): the
 *    log must not touch public answers.
 * 2. A privileged read of an embargoed 3,000-peer ranking with the access
 *    log against the same read with the log left out (target <= 1.2x).
 * Run: npx tsx bench/access.ts [--rounds 5] [--seconds 10]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { TOKENS } from '../test/helpers/app.ts';
import { send, SERVICE_TOKENS } from '../test/helpers/service.ts';
import { capacity, prepareSoak } from '../test/helpers/soak.ts';
import { median, pairedRounds, startService } from './lib.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback);
const ROUNDS = Number(arg('--rounds', '5'));
const SECONDS = Number(arg('--seconds', '10'));
const CONNECTIONS = 16;
const TOKENS_MADE = 1_000;
const LOG_ENTRIES = 20_000;
const PEERS = 3_000;
const IND = 'industrial_investment';

const dataDir = mkdtempSync(join(tmpdir(), 'access-bench-'));
const common = { API_TOKENS: SERVICE_TOKENS, RATE_LIMIT_MAX: '100000000', REPORTS_ENABLED: 'false' };

async function publicReads(): Promise<number[]> {
  const plain = await startService({ ...common, DATA_DIR: join(dataDir, 'plain') });
  const full = await startService({ ...common, DATA_DIR: join(dataDir, 'full') });
  try {
    for (const service of [plain, full]) await prepareSoak(service.url, TOKENS.admin);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    // 1,000 tokens, as a national bureau's offices hold.
    for (let i = 0; i < TOKENS_MADE; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => send(full.url, 'POST', '/v1/tokens', { role: j % 2 === 0 ? 'writer' : 'preview', holder: `office-${i + j}`, scope: { regions: ['331023'] } }, TOKENS.admin, agent)));
    }
    // An embargoed month read by a preview again and again fills the log.
    const releaseAt = new Date(Date.now() + 86_400_000).toISOString();
    await send(full.url, 'PUT', '/v1/releases', { releases: [{ indicator: IND, period: '2030-01', releaseAt }] }, TOKENS.admin, agent);
    await send(full.url, 'POST', '/v1/observations', { observations: [{ indicator: IND, region: '331023', period: '2030-01', value: 1 }] }, TOKENS.writer, agent);
    for (let i = 0; i < LOG_ENTRIES; i += 100) {
      await Promise.all(Array.from({ length: 100 }, () => send(full.url, 'GET', `/v1/series?indicator=${IND}&region=331023`, undefined, TOKENS.preview, agent)));
    }
    const logged = await send(full.url, 'GET', '/v1/access-log?limit=1', undefined, TOKENS.admin, agent);
    if (logged.status !== 200 || logged.body.entries.length !== 1) throw new Error('the log was not filled');
    agent.destroy();
    const mix = (url: string) => ({ url, postShare: 0, writerToken: TOKENS.writer, readerToken: TOKENS.reader, seconds: SECONDS });
    await capacity({ ...mix(plain.url), seconds: 3 }, CONNECTIONS);
    await capacity({ ...mix(full.url), seconds: 3 }, CONNECTIONS);
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [plain, full] : [full, plain];
      const rate = new Map<string, number>();
      for (const service of order) {
        const r = await capacity(mix(service.url), CONNECTIONS);
        if (r.errors > 0) throw new Error(`${r.errors} errors`);
        rate.set(service.url, r.perSecond);
      }
      ratios.push(rate.get(full.url)! / rate.get(plain.url)!);
      console.log(`  round ${round + 1}: without ${rate.get(plain.url)!.toFixed(0)} req/s, with 1,000 tokens and ${LOG_ENTRIES} log entries ${rate.get(full.url)!.toFixed(0)} req/s, ratio ${ratios.at(-1)!.toFixed(3)}`);
    }
    return ratios;
  } finally {
    await plain.stop();
    await full.stop();
  }
}

async function privilegedRanking(): Promise<number[]> {
  const apps = [];
  for (const record of [true, false]) {
    const config = loadConfig({ ...common, DATA_DIR: join(dataDir, `ranking-${record}`), LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, logger: false, recordAccess: record });
    const admin = { authorization: `Bearer ${TOKENS.admin}` };
    const regions = [{ code: 'BIG', name: '大市', parent: null }, ...Array.from({ length: PEERS }, (_, i) => ({ code: `B${i}`, name: `第${i}县`, parent: 'BIG' }))];
    await app.inject({ method: 'PUT', url: '/v1/regions', headers: admin, payload: { regions } });
    await app.inject({ method: 'PUT', url: '/v1/releases', headers: admin, payload: { releases: [{ indicator: IND, period: '2022-06', releaseAt: new Date(Date.now() + 86_400_000).toISOString() }] } });
    const rows = ['2021-05', '2021-06', '2022-05', '2022-06'].flatMap((period) => regions.slice(1).map((r, i) => ({ indicator: IND, region: r.code, period, value: 10 + (i % 97) + (period > '2022' ? 1 : 0) })));
    await app.inject({ method: 'POST', url: '/v1/observations', headers: { authorization: `Bearer ${TOKENS.writer}` }, payload: { observations: rows } });
    apps.push(app);
  }
  const [logged, yardstick] = apps as [Awaited<ReturnType<typeof buildApp>>, Awaited<ReturnType<typeof buildApp>>];
  const url = `/v1/rankings?indicator=${IND}&period=2022-06&parent=BIG`;
  const time = async (app: typeof logged) => {
    const started = performance.now();
    const r = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKENS.preview}` } });
    if (r.statusCode !== 200) throw new Error(`${r.statusCode} ${r.body.slice(0, 200)}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 10; i++) await Promise.all([time(logged), time(yardstick)]);
  const ratios: number[] = [];
  for (const [round, m] of (await pairedRounds(ROUNDS, 40, () => time(logged), () => time(yardstick))).entries()) {
    ratios.push(m.a / m.b);
    console.log(`  round ${round + 1}: with the log ${m.a.toFixed(1)} ms, without ${m.b.toFixed(1)} ms, ratio ${ratios.at(-1)!.toFixed(3)}`);
  }
  for (const app of apps) await app.close();
  return ratios;
}

try {
  console.log(`PUBLIC READS with ${TOKENS_MADE} tokens and ${LOG_ENTRIES} log entries, against none (${CONNECTIONS} clients, ${SECONDS} s a side a round)`);
  const reads = await publicReads();
  console.log(`PRIVILEGED READS of an embargoed ${PEERS}-peer ranking, with the access log against without`);
  const ranking = await privilegedRanking();
  console.log(`\nmedian ratio, public reads: ${median(reads).toFixed(3)} (target >= 0.95)`);
  console.log(`median ratio, privileged ranking: ${median(ranking).toFixed(3)} (target <= 1.2)`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
