/** Shared by the benchmarks: a service process, national-scale data, timing. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ADMIN = 'bench-admin-token-0123456789';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

/** CPU time (user + system) a process has used, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Service {
  url: string;
  pid: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

let built = false;
/** The node flags `npm start` uses, so the benchmark runs the service exactly as users do. */
export const START_FLAGS = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .filter((arg) => arg.startsWith('--'));

/** The service as users run it (`npm start`: compiled, then `node dist/src/server.js`), in its own process. */
export async function startService(env: Record<string, string>, args: string[] = []): Promise<Service> {
  if (!built) {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    built = true;
  }
  const port = await freePort();
  // BENCH_NODE_ARGS adds flags to the service's node, e.g. --cpu-prof to profile it.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...START_FLAGS, ...extra, 'dist/src/server.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', API_TOKENS: `admin:${ADMIN}`, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // The service never outlives the benchmark, however it ends.
  process.on('exit', () => child.kill('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the service did not start within 60 s');
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const agent = new http.Agent({ keepAlive: true });

/**
 * A request and its answer, over node:http with keep-alive (fetch's own
 * overhead is several milliseconds for a large answer). `ms` runs to the
 * answer's last byte, before the client parses it.
 */
export function timed(url: string, method: string, body?: string | Buffer, contentType = 'application/json'): Promise<{ ms: number; json: any }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const headers: Record<string, string | number> = { authorization: `Bearer ${ADMIN}` };
    if (body !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - t0;
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`${method} ${url}: ${res.statusCode} ${text.slice(0, 500)}`));
        else resolve({ ms, json: text === '' ? null : JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function request(url: string, method: string, body?: string, contentType = 'application/json'): Promise<any> {
  return (await timed(url, method, body, contentType)).json;
}

/** National scale: 3,000 counties under 300 prefectures under one root, 50 indicators, 24 months. */
export const NATIONAL = { prefectures: 300, countiesPer: 10, indicators: 50, months: 24, firstYear: 2023 };

export function nationalCatalog() {
  const regions: Array<{ code: string; name: string; parent: string | null; level: string }> = [{ code: 'CN', name: '全国', parent: null, level: 'country' }];
  const counties: string[] = [];
  for (let p = 0; p < NATIONAL.prefectures; p++) {
    const pref = `P${String(p).padStart(3, '0')}`;
    regions.push({ code: pref, name: `地级${p}`, parent: 'CN', level: 'prefecture' });
    for (let c = 0; c < NATIONAL.countiesPer; c++) {
      const code = `${pref}C${c}`;
      counties.push(code);
      regions.push({ code, name: `县${p}-${c}`, parent: pref, level: 'county' });
    }
  }
  const indicators = Array.from({ length: NATIONAL.indicators }, (_, i) => ({
    code: `ind${String(i).padStart(2, '0')}`,
    name: `指标${i}`,
    unit: '亿元',
    basis: i % 5 === 0 ? 'month' : 'ytd',
    direction: 'higher',
  }));
  return { regions, counties, indicators, groups: [{ code: 'all_counties', name: '全国县级', members: counties }] };
}

export function periodOf(m: number): string {
  const year = NATIONAL.firstYear + Math.floor(m / 12);
  return `${year}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/** Every figure, indicator by indicator, county by county, month by month: as bureaus send them. */
export function* nationalRows(counties: string[]) {
  for (let i = 0; i < NATIONAL.indicators; i++) {
    const indicator = `ind${String(i).padStart(2, '0')}`;
    for (let c = 0; c < counties.length; c++) {
      const scale = 10 + ((c * 7919 + i * 104729) % 1000) / 10;
      for (let m = 0; m < NATIONAL.months; m++) {
        const month = (m % 12) + 1;
        const value = Math.round(scale * month * (1 + 0.1 * Math.floor(m / 12)) * 100) / 100;
        yield { indicator, region: counties[c]!, period: periodOf(m), value, yoy: m >= 12 && c % 3 === 0 ? 10.5 : null };
      }
    }
  }
}

/**
 * Time two ways of doing the same thing side by side: `perRound` runs of
 * each in a round, alternating which goes first, so a drift of the
 * machine's speed favours neither; answers each round's medians.
 */
export async function pairedRounds(rounds: number, perRound: number, a: () => Promise<number>, b: () => Promise<number>): Promise<Array<{ a: number; b: number }>> {
  const out: Array<{ a: number; b: number }> = [];
  for (let round = 0; round < rounds; round++) {
    const as: number[] = [];
    const bs: number[] = [];
    for (let i = 0; i < perRound; i++) {
      if (i % 2 === 0) {
        as.push(await a());
        bs.push(await b());
      } else {
        bs.push(await b());
        as.push(await a());
      }
    }
    out.push({ a: median(as), b: median(bs) });
  }
  return out;
}
