/**
 * Issue 4's targets, side by side in one run:
 * - repeated requests for one chart spec vs a bare Fastify JSON route
 *   (target: at least half its throughput);
 * - a 9-peer ranking chart rendered to SVG (target: median under 20 ms).
 * Run: npx tsx bench/charts.ts
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { renderSvg } from '../charts/render.ts';
import { freePort, median, request, ROOT, startService } from './lib.ts';

const SECONDS = 6;
const CONNECTIONS = 32;
// Rounds alternate the two, and each round's ratio pairs runs seconds apart:
// the machine is shared, and its speed drifts more between minutes than within one.
const ROUNDS = 5;
const RENDERS = 60;

async function load(url: string): Promise<number> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

// The rate limit is raised far above the load, so the run measures the service, not its guard.
const service = await startService({ RATE_LIMIT_MAX: '100000000', RATE_LIMIT_WINDOW_SECONDS: '1' }, ['--demo']);
const barePort = await freePort();
const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-fastify.ts'], { cwd: ROOT, env: { ...process.env, PORT: String(barePort) }, stdio: 'inherit' });
process.on('exit', () => bare.kill('SIGKILL'));
try {
  for (let i = 0; i < 100; i++) {
    if ((await fetch(`http://127.0.0.1:${barePort}/json`).catch(() => null))?.ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const chartUrl = `${service.url}/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&highlight=331023`;
  await load(`http://127.0.0.1:${barePort}/json`); // warm both
  await load(chartUrl);
  const bareRates: number[] = [];
  const chartRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bareRates.push(await load(`http://127.0.0.1:${barePort}/json`));
    chartRates.push(await load(chartUrl));
    ratios.push(chartRates.at(-1)! / bareRates.at(-1)!);
    console.log(`  round ${round + 1}: bare ${Math.round(bareRates.at(-1)!)} req/s, chart spec ${Math.round(chartRates.at(-1)!)} req/s, ratio ${ratios.at(-1)!.toFixed(2)}`);
  }
  console.log(`\nTHROUGHPUT (${CONNECTIONS} connections, ${SECONDS} s a run, median of ${ROUNDS}; rate limit on: 100,000,000 a 1-s window, counted on every request, never reached)`);
  console.log(`  bare Fastify JSON route: ${Math.round(median(bareRates))} req/s`);
  console.log(`  ranking chart spec:      ${Math.round(median(chartRates))} req/s`);
  console.log(`  ratio: ${median(ratios).toFixed(2)}, the median of the rounds' ratios (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}; target >= 0.5)`);

  const times: number[] = [];
  const counties = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];
  const specs = await Promise.all(counties.map((c) => request(`${service.url}/v1/charts/ranking?indicator=manufacturing_investment&period=2022-06&parent=331000&highlight=${c}`, 'GET')));
  for (let i = 0; i < RENDERS; i++) {
    const t0 = performance.now();
    const { warnings } = await renderSvg(specs[i % specs.length]);
    times.push(performance.now() - t0);
    if (warnings.length > 0) throw new Error(`render warnings: ${warnings.join('; ')}`);
  }
  console.log(`\nSVG of the 9-peer ranking chart, highlighting each county in turn: median ${median(times).toFixed(1)} ms over ${RENDERS} renders (target < 20)`);
  console.log(`  the first render, compiling and parsing the chart's structure: ${times[0]!.toFixed(1)} ms`);
} finally {
  bare.kill();
  await service.stop();
}
