/**
 * The service as a real process (`node --import tsx src/server.ts`), for
 * tests that kill it, stop it or load it: started on a free port on
 * 127.0.0.1, its pino log lines kept, stopped by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type Agent } from 'node:http';
import type { Test } from 'tap';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { TOKENS } from './app.ts';
import { freePort } from './influxd.ts';

/** Starting tsx and the app takes a few seconds; a shared CI machine may take longer. */
const START_TIMEOUT_MS = 60_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const SERVICE_TOKENS = `admin:${TOKENS.admin},writer:loader:${TOKENS.writer},reader:${TOKENS.reader},preview:${TOKENS.preview}`;

export class ServiceProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<Exit>;
  private partial = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    const keep = (chunk: Buffer) => {
      const text = this.partial + chunk.toString('utf8');
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts.filter((l) => l !== ''));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Start and wait until /healthz answers; the env is added to a minimal one. `at`: the port of a killed one, as a supervisor restarts it. */
  static async start(t: Test, env: Record<string, string>, at?: { port: number }): Promise<ServiceProcess> {
    const port = at?.port ?? (await freePort());
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        PORT: String(port),
        HOST: '127.0.0.1',
        API_TOKENS: SERVICE_TOKENS,
        REPORTS_ENABLED: 'false',
        LOG_LEVEL: 'warn',
        RATE_LIMIT_MAX: '100000000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(child, `http://127.0.0.1:${port}`);
    t.teardown(() => service.kill('SIGKILL'));
    const deadline = Date.now() + START_TIMEOUT_MS;
    let exit: Exit | null = null;
    void service.exited.then((e) => (exit = e));
    for (;;) {
      if (exit !== null) throw new Error(`the service exited at start (${JSON.stringify(exit)}):\n${service.lines.join('\n')}`);
      const status = await fetch(`${service.url}/healthz`).then((r) => r.status, () => 0);
      if (status === 200) return service;
      if (Date.now() > deadline) throw new Error(`the service did not answer /healthz within ${START_TIMEOUT_MS} ms:\n${service.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Send a signal and wait for the exit (bounded: SIGKILL after 30 s). */
  async kill(signal: NodeJS.Signals): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }

  /** Memory of the process now, from /proc (Linux). */
  async rssBytes(): Promise<number> {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return kb === null ? 0 : Number(kb[1]) * 1024;
  }
}

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * One HTTP request, by default on its own connection (no keep-alive, so a
 * killed service shows as an error at once); a load that needs kept-alive
 * connections passes its agent. A refused or reset connection answers status 0.
 */
/** A body sent as it is (a workbook, a CSV file), not as JSON. */
export class RawBody {
  constructor(
    readonly bytes: Buffer,
    readonly type: string,
  ) {}
}

export function send(url: string, method: string, path: string, body?: unknown, token: string = TOKENS.admin, agent: Agent | false = false): Promise<Answer> {
  const payload = body === undefined ? undefined : body instanceof RawBody ? body.bytes : Buffer.from(JSON.stringify(body));
  const type = body instanceof RawBody ? body.type : 'application/json';
  const target = new URL(path, url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(agent === false ? { connection: 'close' } : {}),
          ...(payload === undefined ? {} : { 'content-type': type, 'content-length': String(payload.length) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
        res.on('error', () => resolve({ status: 0, body: null, headers: {} }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: null, headers: {} }));
    req.end(payload);
  });
}
