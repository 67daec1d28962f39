/**
 * Issue 13's target: progress and rankings with gaps and the average for
 * 3,000 peers at most 1.2x of the ranking before them, side by side in one
 * run. The yardstick is the old path (rankWithChange on the table, what
 * /v1/rankings computed), the service is the new one on the same table:
 * the ranking plus gapAbove/gapBelow, the area average (the parent's own
 * growth, or the peers' sums when the parent has none) and vsAverage per
 * row; and progress (completion, gaps) with the completion ranking. Rounds
 * alternate so both see the same machine; medians and ratios printed.
 * The endpoints' own times (in-process, SQLite) follow for information.
 * Run: npx tsx bench/progress.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { rankCompletion } from '../src/domain/completion.ts';
import { areaAverage, rankGaps, versusAverage } from '../src/domain/gaps.ts';
import { growthAt, type Growth } from '../src/domain/growth.ts';
import { progressOf, targetIndex } from '../src/domain/progress.ts';
import { competitionRanks, rankWithChange } from '../src/domain/ranking.ts';
import { YOY_DECIMALS, type Figure, type Indicator, type SeriesLookup, type Target } from '../src/domain/types.ts';
import { median } from './lib.ts';

const PEERS = 3000;
const ROUNDS = 41;
const PERIOD = '2024-06';
const PREVIOUS = '2024-05';
const MONTHS = ['2024-06', '2024-05', '2023-06', '2023-05'];
const TARGET = 1.2;

const indicator: Indicator = { code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true, review: false, reviewSince: null, aggregation: 'sum' };
const peers = Array.from({ length: PEERS }, (_, i) => `R${String(i).padStart(4, '0')}`);
const table = new Map<string, Map<string, Figure>>();
peers.forEach((region, c) => {
  const series = new Map<string, Figure>();
  MONTHS.forEach((period, m) => series.set(period, { value: 50 + ((c * 7919 + m * 131) % 1000) / 10, yoy: m === 0 && c % 4 === 0 ? 5.5 : null, status: null }));
  table.set(region, series);
});
const seriesOf = (region: string): SeriesLookup => (period) => table.get(region)?.get(period);
const targets: Target[] = peers.filter((_, i) => i % 10 !== 0).map((region, i) => ({ indicator: 'inv', region, year: 2024, kind: 'value' as const, value: 80 + (i % 50) }));
const targetsOf = targetIndex(targets);

function oldRanking() {
  return rankWithChange(indicator, PERIOD, PREVIOUS, 'yoy', peers, seriesOf).rows.length;
}

function newRanking() {
  const result = rankWithChange(indicator, PERIOD, PREVIOUS, 'yoy', peers, seriesOf);
  const gaps = rankGaps(result.rows, YOY_DECIMALS);
  // No parent figure: the peers' sums, the costlier case.
  const growths: Growth[] = [...result.rows.map((r) => r.growth), ...result.missing.map((m) => growthAt(indicator, PERIOD, seriesOf(m.region)))];
  const average = areaAverage(indicator, null, growths);
  const vs = versusAverage(average);
  let n = 0;
  result.rows.forEach((r, i) => {
    if (gaps[i]!.gapAbove !== null) n++;
    if (vs(r.growth.yoyUnits) !== null) n++;
  });
  return n;
}

function oldValueRanking() {
  return rankWithChange(indicator, PERIOD, PREVIOUS, 'value', peers, seriesOf).rows.length;
}

/** What GET /v1/progress computes: every peer's progress, ranked by completion. */
function progressRows() {
  const rows = peers.map((region) => {
    const g = growthAt(indicator, PERIOD, seriesOf(region));
    return { region, progress: progressOf(indicator, PERIOD, g.figure?.value ?? null, g.yoy, targetsOf('inv', region, 2024)) };
  });
  return competitionRanks(rows.filter((r) => r.progress.completionUnits !== null).map((r) => ({ region: r.region, key: r.progress.completionUnits! })), 'higher').length;
}

/** What /v1/rankings?by=completion computes: the completion ranking, previous ranks and gaps. */
function completionRanking() {
  const ranking = rankCompletion(indicator, PERIOD, PREVIOUS, peers, seriesOf, (region, year) => targetsOf('inv', region, year));
  return rankGaps(ranking.rows, 1).length;
}

const time = (f: () => number) => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

// Warm up every path before measuring.
for (let i = 0; i < 5; i++) {
  oldRanking();
  newRanking();
  oldValueRanking();
  progressRows();
  completionRanking();
}
const samples = { old: [] as number[], new: [] as number[], oldValue: [] as number[], progress: [] as number[], completion: [] as number[] };
for (let i = 0; i < ROUNDS; i++) {
  samples.old.push(time(oldRanking));
  samples.new.push(time(newRanking));
  samples.oldValue.push(time(oldValueRanking));
  samples.progress.push(time(progressRows));
  samples.completion.push(time(completionRanking));
}
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<keyof typeof samples, number>;
console.log(`DOMAIN, ${PEERS} peers, ${ROUNDS} alternating rounds, medians`);
console.log(`  ranking by growth before (rankWithChange):          ${m.old.toFixed(2)} ms`);
console.log(`  ranking by growth with gaps, average, vsAverage:    ${m.new.toFixed(2)} ms   ratio ${(m.new / m.old).toFixed(3)} (target ≤ ${TARGET})`);
console.log(`  ranking by size before (rankWithChange):            ${m.oldValue.toFixed(2)} ms`);
console.log(`  progress of every peer, ranked by completion:       ${m.progress.toFixed(2)} ms   ratio ${(m.progress / m.old).toFixed(3)} to the growth ranking before`);
console.log(`  completion ranking with previous ranks and gaps:    ${m.completion.toFixed(2)} ms   ratio ${(m.completion / m.old).toFixed(3)} to the growth ranking before`);

// The endpoints themselves, in-process on SQLite, for information.
const dir = mkdtempSync(join(tmpdir(), 'bench-progress-'));
const app = await buildApp({ config: loadConfig({ DATA_DIR: dir, API_TOKENS: 'admin:aaaaaaaaaaaaaaaaaaaaaaaa', LOG_LEVEL: 'warn', REPORTS_ENABLED: 'false' }), logger: false });
try {
  await app.services.catalog.upsertRegions([{ code: 'CN', name: '全国', level: 'country' }, ...peers.map((code) => ({ code, name: code, parent: 'CN', level: 'county' }))]);
  await app.services.catalog.upsertIndicators([indicator]);
  await app.store.write(peers.flatMap((region) => MONTHS.map((period) => ({ indicator: 'inv', region, period, ...table.get(region)!.get(period)! }))), { receivedAt: new Date(), by: 'bench' });
  await app.services.targets.upsert(targets);
  const urls = {
    ranking: `/v1/rankings?indicator=inv&period=${PERIOD}&parent=CN`,
    completion: `/v1/rankings?indicator=inv&period=${PERIOD}&parent=CN&by=completion`,
    progress: `/v1/progress?indicator=inv&period=${PERIOD}&parent=CN`,
  };
  // The response cache would answer repeats from memory: each call carries a distinct query to miss it.
  const endpoint = async (url: string, i: number) => {
    const t = performance.now();
    const r = await app.inject({ method: 'GET', url: `${url}&_=${i}` });
    if (r.statusCode !== 200 && r.statusCode !== 400) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    return performance.now() - t;
  };
  const probe = await app.inject({ method: 'GET', url: `${urls.ranking}&_=probe` });
  const cacheBusting = probe.statusCode === 200;
  const times: Record<string, number[]> = { ranking: [], completion: [], progress: [] };
  for (let i = 0; i < 15; i++) for (const [k, url] of Object.entries(urls)) times[k]!.push(await endpoint(cacheBusting ? url : url.replace(/&_=.*/, ''), i));
  console.log(`\nENDPOINTS (in-process, SQLite, ${PEERS} peers, median of 15${cacheBusting ? '' : ', unknown parameters refused: cache may answer'})`);
  for (const [k, v] of Object.entries(times)) console.log(`  ${k.padEnd(10)} ${median(v).toFixed(1)} ms`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
