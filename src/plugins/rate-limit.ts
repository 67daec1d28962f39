/**
 * Requests per caller per time window, counted in this process's memory.
 * A fixed window per caller, starting at its first request, as
 * @fastify/rate-limit's local store counts; done here in one synchronous
 * hook because that plugin's chain of promises cost a sixth of a cached
 * chart answer's time, and every answer pays for it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';

/**
 * Callers remembered at once. Beyond it the callers seen longest ago are
 * forgotten (as the plugin's store did at 5,000): a flood of addresses costs
 * bounded memory, and a forgotten caller only starts a fresh window.
 */
export const RATE_LIMIT_CALLERS = 100_000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: never limited (health checks, which orchestrators poll). */
    rateLimit?: false;
  }
}

interface Window {
  count: number;
  endsAt: number;
}

export interface Allowance {
  allowed: boolean;
  remaining: number;
  /** Milliseconds until the caller's window ends. */
  resetMs: number;
}

export class FixedWindows {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly callers = RATE_LIMIT_CALLERS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of this caller. */
  hit(key: string): Allowance {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) {
      // Re-inserted, so the map stays ordered by window start: the oldest first.
      if (window !== undefined) this.windows.delete(key);
      window = { count: 0, endsAt: now + this.windowMs };
      this.windows.set(key, window);
      if (this.windows.size > this.callers) this.windows.delete(this.windows.keys().next().value!);
    }
    window.count++;
    return { allowed: window.count <= this.max, remaining: Math.max(0, this.max - window.count), resetMs: window.endsAt - now };
  }

  /** Whether this caller may make one more, without counting it. */
  peek(key: string): Allowance {
    const now = this.now();
    const window = this.windows.get(key);
    if (window === undefined || window.endsAt <= now) return { allowed: true, remaining: this.max, resetMs: this.windowMs };
    return { allowed: window.count < this.max, remaining: Math.max(0, this.max - window.count), resetMs: window.endsAt - now };
  }

  get size(): number {
    return this.windows.size;
  }
}

/** An IPv4 address with its ::ffff: prefix, if any. */
const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Whose address a request comes from, for counting: an IPv4 address as it
 * is, an IPv6 address by its /64 (one subscriber's network: a single host
 * commonly holds a whole /64 and could otherwise step through 2^64
 * addresses).
 */
export function addressKey(ip: string): string {
  const mapped = MAPPED_V4.exec(ip);
  if (mapped !== null) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('%')[0]!.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export interface RateLimitOptions {
  max: number;
  windowSeconds: number;
  /** Whose allowance a request draws on. */
  keyOf: (request: FastifyRequest) => string;
}

async function rateLimitPlugin(app: FastifyInstance, options: RateLimitOptions) {
  const windows = new FixedWindows(options.max, options.windowSeconds * 1000);
  const limit = String(options.max);
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config?.rateLimit === false) return done();
    const { allowed, remaining, resetMs } = windows.hit(options.keyOf(request));
    const reset = Math.max(1, Math.ceil(resetMs / 1000));
    reply.headers({ 'x-ratelimit-limit': limit, 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(reset) });
    if (allowed) return done();
    done(new ApiError('rate_limited', `too many requests: at most ${options.max} every ${options.windowSeconds} s for this caller; wait and repeat`, { retryAfter: reset }));
  });
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['auth'] });
