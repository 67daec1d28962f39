/**
 * Issue 19's targets, side by side in one run, on both stores:
 * 1. the review sheet of 3,000 peers × 1 indicator-month (target < 100 ms);
 * 2. a public 3,000-peer ranking of a reviewed, approved indicator against
 *    the same ranking of an unreviewed twin with the same figures (target
 *    <= 1.1x), computed each time (the response cache left out);
 * 3. the approval of a 3,000-figure month (target < 1 s).
 * Run: npx tsx bench/review.ts [--rounds 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { TOKENS } from '../test/helpers/app.ts';
import { Influxd } from '../test/helpers/influxd.ts';
import { SERVICE_TOKENS } from '../test/helpers/service.ts';
import { median, pairedRounds } from './lib.ts';

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback);
const ROUNDS = Number(arg('--rounds', '5'));
const PEERS = 3_000;
const PLAIN = 'industrial_investment';
const REVIEWED = 'reviewed_investment';
const PERIODS = ['2021-05', '2021-06', '2022-05', '2022-06'];

const dataDir = mkdtempSync(join(tmpdir(), 'review-bench-'));
const influxd = await Influxd.create();

async function prepared(store: 'sqlite' | 'influxdb') {
  const env = { API_TOKENS: `${SERVICE_TOKENS},approver:city-review:approver-token-0123456789abcdef`, RATE_LIMIT_MAX: '100000000', REPORTS_ENABLED: 'false', LOG_LEVEL: 'silent', DATA_DIR: join(dataDir, store) };
  const influx = store === 'influxdb' ? { STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'review', INFLUX_API: 'v1' } : {};
  const app = await buildApp({ config: loadConfig({ ...env, ...influx }), logger: false });
  const admin = { authorization: `Bearer ${TOKENS.admin}` };
  const regions = [{ code: 'BIG', name: '大市', parent: null }, ...Array.from({ length: PEERS }, (_, i) => ({ code: `B${i}`, name: `第${i}县`, parent: 'BIG' }))];
  await app.inject({ method: 'PUT', url: '/v1/regions', headers: admin, payload: { regions } });
  const twin = (await app.inject({ method: 'GET', url: '/v1/indicators' })).json().indicators.find((i: { code: string }) => i.code === PLAIN);
  const { reviewSince: _s, ...input } = twin;
  await app.inject({ method: 'PUT', url: '/v1/indicators', headers: admin, payload: { indicators: [{ ...input, code: REVIEWED, review: true }] } });
  for (const indicator of [PLAIN, REVIEWED]) {
    for (const period of PERIODS) {
      const rows = regions.map((r, i) => ({ indicator, region: r.code, period, value: r.code === 'BIG' ? PEERS * 60 : 10 + (i % 97) + (period > '2022' ? 1 : 0) }));
      const posted = await app.inject({ method: 'POST', url: '/v1/observations', headers: { authorization: `Bearer ${TOKENS.writer}` }, payload: { observations: rows } });
      if (posted.statusCode !== 200) throw new Error(posted.body);
    }
  }
  return app;
}

const approver = { authorization: 'Bearer approver-token-0123456789abcdef' };

try {
  for (const store of ['sqlite', 'influxdb'] as const) {
    const app = await prepared(store);
    // 3. Approving each month of the reviewed twin (the first approval of each is timed).
    const approvals: number[] = [];
    for (const period of PERIODS) {
      const started = performance.now();
      const r = await app.inject({ method: 'POST', url: '/v1/review/approve', headers: approver, payload: { indicator: REVIEWED, period, override: 'the city total is a benchmark figure' } });
      approvals.push(performance.now() - started);
      if (r.statusCode !== 200) throw new Error(r.body);
    }
    // 1. The sheet of the month.
    const sheets: number[] = [];
    for (let i = 0; i < ROUNDS * 4; i++) {
      const started = performance.now();
      const r = await app.inject({ method: 'GET', url: `/v1/review?indicator=${REVIEWED}&period=2022-06&parent=BIG`, headers: approver });
      sheets.push(performance.now() - started);
      if (r.statusCode !== 200) throw new Error(r.body);
    }
    // 2. Public rankings computed each time, the two indicators alternately.
    const ranking = async (indicator: string) => {
      const view = app.services.views.forPrincipal({ role: 'anonymous', scope: null });
      const started = performance.now();
      const r = await app.services.analytics.ranking(view, { indicator, period: '2022-06', parent: 'BIG' });
      if (r.rows.length !== PEERS) throw new Error(`${indicator}: ${r.rows.length} rows`);
      return performance.now() - started;
    };
    for (let i = 0; i < 5; i++) await Promise.all([ranking(PLAIN), ranking(REVIEWED)]);
    const ratios: number[] = [];
    for (const [round, m] of (await pairedRounds(ROUNDS, 20, () => ranking(REVIEWED), () => ranking(PLAIN))).entries()) {
      ratios.push(m.a / m.b);
      console.log(`  ${store} round ${round + 1}: reviewed ${m.a.toFixed(1)} ms, unreviewed ${m.b.toFixed(1)} ms, ratio ${ratios.at(-1)!.toFixed(3)}`);
    }
    console.log(`${store.toUpperCase()}: review sheet of ${PEERS} peers median ${median(sheets).toFixed(1)} ms (target < 100); approval of a ${PEERS + 1}-figure month median ${median(approvals).toFixed(0)} ms, worst ${Math.max(...approvals).toFixed(0)} ms (target < 1000); public ranking reviewed/unreviewed median ratio ${median(ratios).toFixed(3)} (target <= 1.1)`);
    await app.close();
  }
} finally {
  await influxd.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
