/**
 * A steady mixed load on a running service: posts (revisions, so history
 * grows) and the reads dashboards and reports make, issued on a fixed
 * schedule (open loop: latency counts from when a request was due, so a
 * stall is not hidden by the client waiting for it). Shared by the short
 * test and `bench/soak.ts`.
 */
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { periodFromIndex, periodIndex } from '../../src/domain/period.ts';
import { send, type Answer } from './service.ts';

export const SOAK_PARENT = 'SOAKP';
const REGIONS = Array.from({ length: 30 }, (_, i) => `SK${String(i).padStart(2, '0')}`);
const INDICATORS = ['industrial_investment', 'manufacturing_investment', 'retail_sales'];
const FIRST = periodIndex('2021-01');
const MONTHS = 30;
/** Requests allowed in flight at once; beyond it a due request is counted as an error, not queued. */
const MAX_IN_FLIGHT = 256;

export interface SoakOptions {
  url: string;
  pid: number;
  seconds: number;
  /** Requests per second, posts and reads together. */
  rate: number;
  /** Share of requests that are posts. */
  postShare: number;
  writerToken: string;
  readerToken: string;
  /** Seconds between memory samples. */
  sampleEvery?: number;
}

export interface SoakResult {
  requests: number;
  posts: number;
  errors: number;
  errorSamples: string[];
  p50: number;
  p99: number;
  max: number;
  rssStartMiB: number;
  rssEndMiB: number;
  rssMaxMiB: number;
  rssSamplesMiB: number[];
  seconds: number;
}

/** An answer's body as text, for a failure's message. */
const textOf = (answer: Answer) => (typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

const figures = (indicator: string, period: string, shift: number) =>
  REGIONS.map((region, r) => ({ indicator, region, period, value: Math.round((100 + r * 7 + periodIndex(period) % 12 + shift) * 100) / 100 }));

/** The soak's regions and 30 months of three indicators, so every read has work to do. */
export async function prepareSoak(url: string, adminToken: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const regions = [{ code: SOAK_PARENT, name: '浸泡市', parent: null }, ...REGIONS.map((code, i) => ({ code, name: `浸泡县${i}`, parent: SOAK_PARENT }))];
  const put = await send(url, 'PUT', '/v1/regions', { regions }, adminToken, agent);
  if (put.status !== 200) throw new Error(`regions: ${put.status} ${textOf(put)}`);
  const observations = INDICATORS.flatMap((indicator) => Array.from({ length: MONTHS }, (_, m) => figures(indicator, periodFromIndex(FIRST + m), 0)).flat());
  const post = await send(url, 'POST', '/v1/observations', { observations }, adminToken, agent);
  if (post.status !== 200) throw new Error(`figures: ${post.status} ${textOf(post)}`);
  agent.destroy();
}

/** The reads, in turn: what a dashboard, a report and an API client ask for. */
function readPath(n: number): string {
  const indicator = INDICATORS[n % INDICATORS.length]!;
  const region = REGIONS[n % REGIONS.length]!;
  const period = periodFromIndex(FIRST + 12 + (n % (MONTHS - 12)));
  switch (n % 7) {
    case 0:
      return `/v1/rankings?indicator=${indicator}&period=${period}&parent=${SOAK_PARENT}`;
    case 1:
      return `/v1/series?indicator=${indicator}&region=${region}`;
    case 2:
      return `/v1/scorecard?region=${region}&period=${period}`;
    case 3:
      return `/v1/charts/ranking?indicator=${indicator}&period=${period}&parent=${SOAK_PARENT}&highlight=${region}`;
    case 4:
      return `/v1/observations/history?indicator=${indicator}&region=${region}&period=${period}`;
    case 5:
      return `/v1/charts/trend?indicator=${indicator}&region=${region}`;
    default:
      return '/v1/regions';
  }
}

/** A revision of one month of one indicator: history grows as the bureau's does. */
export function postRevision(agent: Agent, options: { url: string; writerToken: string }, k: number): Promise<Answer> {
  const observations = figures(INDICATORS[k % INDICATORS.length]!, periodFromIndex(FIRST + (k % MONTHS)), (k % 50) + 1);
  return send(options.url, 'POST', '/v1/observations', { observations }, options.writerToken, agent);
}

/**
 * The same mix as fast as `connections` clients can go (closed loop), for
 * `seconds`: requests per second at saturation, to set the soak's rate by.
 */
export async function capacity(options: Omit<SoakOptions, 'rate' | 'pid'>, connections: number): Promise<{ perSecond: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const postEvery = options.postShare > 0 ? Math.max(1, Math.round(1 / options.postShare)) : Number.POSITIVE_INFINITY;
  const end = performance.now() + options.seconds * 1000;
  let n = 0;
  let done = 0;
  let errors = 0;
  const client = async () => {
    while (performance.now() < end) {
      const k = n++;
      const reply = k % postEvery === 0 ? await postRevision(agent, options, k) : await send(options.url, 'GET', readPath(k), undefined, options.readerToken, agent);
      if (reply.status === 200 || reply.status === 304) done++;
      else {
        errors++;
        if (process.env.SOAK_DEBUG) console.error(reply.status, JSON.stringify(reply.body).slice(0, 300));
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  agent.destroy();
  return { perSecond: done / options.seconds, errors };
}

const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

export async function soak(options: SoakOptions): Promise<SoakResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  const rss: number[] = [rssMiB(options.pid)];
  let errors = 0;
  let posts = 0;
  let inFlight = 0;
  const total = Math.round(options.seconds * options.rate);
  const interval = 1000 / options.rate;
  const postEvery = options.postShare > 0 ? Math.max(1, Math.round(1 / options.postShare)) : Number.POSITIVE_INFINITY;
  const sampleEvery = (options.sampleEvery ?? 5) * 1000;
  const start = performance.now();
  let nextSample = sampleEvery;
  const pending: Promise<void>[] = [];

  for (let n = 0; n < total; n++) {
    const due = start + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (performance.now() - start >= nextSample) {
      rss.push(rssMiB(options.pid));
      nextSample += sampleEvery;
    }
    if (inFlight >= MAX_IN_FLIGHT) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(`request ${n}: ${MAX_IN_FLIGHT} already in flight`);
      continue;
    }
    const isPost = n % postEvery === 0;
    const work = isPost ? postRevision(agent, options, posts++) : send(options.url, 'GET', readPath(n), undefined, options.readerToken, agent);
    inFlight++;
    pending.push(
      work.then((reply) => {
        inFlight--;
        latencies.push(performance.now() - due);
        if (reply.status !== 200 && reply.status !== 304) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${reply.status} ${textOf(reply).slice(0, 200)}`);
        }
      }),
    );
    // Keep the list short on long runs.
    if (pending.length > 4096) await Promise.all(pending.splice(0, 2048));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - start) / 1000;
  rss.push(rssMiB(options.pid));
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: total,
    posts,
    errors,
    errorSamples,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? 0,
    rssStartMiB: rss[0]!,
    rssEndMiB: rss.at(-1)!,
    rssMaxMiB: Math.max(...rss),
    rssSamplesMiB: rss,
    seconds,
  };
}
