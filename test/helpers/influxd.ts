/**
 * A real InfluxDB for tests: Debian's `influxd` (1.6.7) with its HTTP and RPC
 * addresses on free ports and a temporary config and data directory, started
 * and stopped by pid. `.ci/run` installs it when missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = netServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Ports free at once: held together while asked for, so no two are the same. */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => netServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            resolve(typeof address === 'object' && address !== null ? address.port : 0);
          });
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Starts of a new influxd tried, each on ports of its own: a port taken between asking and binding is tried again. */
const START_ATTEMPTS = 3;

/** Bounded wait for a condition, polling; `gone` says the waited-for process has exited (no point waiting on). */
async function until(what: string, ms: number, check: () => Promise<boolean>, gone: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (gone()) throw new Error(`${what}: it exited`);
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** influxd's limits on new tag values and series ([data] section); unset: influxd's defaults (100,000 and 1,000,000). */
export interface InfluxdLimits {
  maxValuesPerTag?: number;
  maxSeriesPerDatabase?: number;
}

export class Influxd {
  private process: ChildProcess | null = null;
  readonly url: string;
  private rpcPort = 0;

  private constructor(
    readonly dir: string,
    readonly httpPort: number,
    private readonly config: string,
  ) {
    this.url = `http://127.0.0.1:${httpPort}`;
  }

  static async create(limits: InfluxdLimits = {}): Promise<Influxd> {
    if (spawnSync('influxd', ['version']).error !== undefined) {
      throw new Error('influxd is not installed: apt-get install influxdb (npm test does, as root on Debian: test/system-packages.txt)');
    }
    for (let attempt = 1; ; attempt++) {
      const dir = mkdtempSync(join(tmpdir(), 'influxd-'));
      // Both ports asked for together: asked one after the other, the system may hand out the same one twice.
      const [httpPort, rpcPort] = (await freePorts(2)) as [number, number];
      const influxd = new Influxd(dir, httpPort, join(dir, 'influxd.conf'));
      influxd.rpcPort = rpcPort;
      influxd.configure(limits);
      try {
        await influxd.start();
        return influxd;
      } catch (error) {
        await influxd.destroy();
        // Another process took a port between asking and binding: influxd exits at once.
        if (attempt >= START_ATTEMPTS || !(error instanceof Error) || !error.message.endsWith('it exited')) throw error;
      }
    }
  }

  /** Write the config with these limits: taken at the next start. */
  configure(limits: InfluxdLimits = {}): void {
    const { dir, httpPort, rpcPort, config } = this;
    writeFileSync(
      config,
      [
        'reporting-disabled = true',
        `bind-address = "127.0.0.1:${rpcPort}"`,
        '[meta]',
        `  dir = "${dir}/meta"`,
        '[data]',
        `  dir = "${dir}/data"`,
        `  wal-dir = "${dir}/wal"`,
        '  query-log-enabled = false',
        ...(limits.maxValuesPerTag === undefined ? [] : [`  max-values-per-tag = ${limits.maxValuesPerTag}`]),
        ...(limits.maxSeriesPerDatabase === undefined ? [] : [`  max-series-per-database = ${limits.maxSeriesPerDatabase}`]),
        '[http]',
        `  bind-address = "127.0.0.1:${httpPort}"`,
        '  log-enabled = false',
        '[monitor]',
        '  store-enabled = false',
        '[continuous_queries]',
        '  enabled = false',
        '',
      ].join('\n'),
    );
  }

  async start(): Promise<void> {
    if (this.process !== null) return;
    const child = spawn('influxd', ['-config', this.config], { stdio: 'ignore' });
    this.process = child;
    child.once('exit', () => {
      if (this.process === child) this.process = null;
    });
    await until('influxd did not answer /ping', 30_000, async () => (await fetch(`${this.url}/ping`)).status === 204, () => this.process !== child);
  }

  /** Stop by pid (SIGTERM, or SIGKILL to simulate a crash) and wait for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (child === null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.process = null;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get running(): boolean {
    return this.process !== null;
  }

  /** Points of a measurement in a database, asked of influxd itself (not through the service). */
  async count(database: string, measurement: string): Promise<number> {
    const q = new URLSearchParams({ db: database, q: `SELECT count("value") FROM "${measurement}"` });
    const json = (await (await fetch(`${this.url}/query?${q}`)).json()) as { results: Array<{ series?: Array<{ values: number[][] }> }> };
    return json.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let shared: Promise<Influxd> | null = null;

/** One influxd for the whole test file, stopped when the file's tests end. */
export function sharedInfluxd(t: Test): Promise<Influxd> {
  if (shared === null) {
    shared = Influxd.create();
    let root = t;
    while (root.parent !== undefined && root.parent !== null) root = root.parent as Test;
    root.teardown(async () => (await shared!).destroy());
  }
  return shared;
}

let databases = 0;
/** A database name no other test uses. */
export function freshDatabase(): string {
  databases++;
  return `t${process.pid}_${databases}_${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Stands in for InfluxDB's v2 write API in front of the 1.6.7 server, which
 * has none: `/api/v2/write?bucket=` is forwarded to `/write?db=` of the same
 * server with the same line-protocol body; every other request passes as is.
 * `v3query` also answers `/api/v3/query_influxql` from `/query`, in the row
 * format 3.x documents (an array of objects, times without a zone).
 */
export async function forwarder(t: Test, target: string, options: { v3query?: boolean } = {}): Promise<string> {
  const port = await freePort();
  const targetUrl = new URL(target);
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
    let path = `${url.pathname}${url.search}`;
    let payload = body;
    let v3 = false;
    if (url.pathname === '/api/v2/write') {
      path = `/write?db=${encodeURIComponent(url.searchParams.get('bucket') ?? '')}&precision=${url.searchParams.get('precision') ?? 'ns'}`;
    } else if (url.pathname === '/api/v3/query_influxql' && options.v3query === true) {
      const ask = JSON.parse(body.toString('utf8')) as { db: string; q: string; params?: object };
      path = '/query';
      payload = Buffer.from(new URLSearchParams({ db: ask.db, q: ask.q, params: JSON.stringify(ask.params ?? {}), epoch: 's' }).toString());
      v3 = true;
    }
    const headers = { ...req.headers, host: targetUrl.host, 'content-length': String(payload.length) };
    if (v3) headers['content-type'] = 'application/x-www-form-urlencoded';
    const upstream = request({ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path, headers }, (answer: IncomingMessage) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        let out = Buffer.concat(chunks);
        if (v3 && answer.statusCode === 200) {
          const json = JSON.parse(out.toString('utf8')) as { results: Array<{ error?: string; series?: Array<{ name: string; columns: string[]; values: unknown[][] }> }> };
          const result = json.results[0]!;
          if (result.error !== undefined) {
            res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: result.error }));
            return;
          }
          const rows = (result.series ?? []).flatMap((s) =>
            s.values.map((values) => {
              const row: Record<string, unknown> = { 'iox::measurement': s.name };
              s.columns.forEach((c, i) => (row[c] = c === 'time' ? new Date(Number(values[i]) * 1000).toISOString().replace('.000Z', '') : values[i]));
              return row;
            }),
          );
          out = Buffer.from(JSON.stringify(rows));
        }
        res.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'application/json' }).end(out);
      });
    });
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end(payload);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${port}`;
}
