/**
 * Guards every request: rate limits per token (per address without one),
 * security headers with a content security policy for the dashboard and
 * reports, and CORS only for the dashboards' origins named in CORS_ORIGINS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import fp from 'fastify-plugin';
import rateLimitPlugin from './rate-limit.ts';

export interface ProtectionOptions {
  rateLimitMax: number;
  rateLimitWindowSeconds: number;
  corsOrigins: readonly string[];
}

/** A caller's bucket: the token's holder when it showed a valid token, its address otherwise. */
export function rateKey(request: FastifyRequest): string {
  return request.principal.role !== 'anonymous' ? `token:${request.principal.holder}` : `ip:${request.ip}`;
}

/**
 * Helmet's headers, computed once. @fastify/helmet builds helmet's whole
 * middleware (parsing the policy again) on every request, which cost a
 * quarter of the time of a cached chart answer; these headers never vary.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  } as unknown as ServerResponse;
  helmet(options)({} as IncomingMessage, res, (error?: unknown) => {
    if (error !== undefined && error !== null) throw error;
  });
  return headers;
}

/** Helmet's headers that still mean something on a JSON answer. */
const API_HEADERS = ['x-content-type-options', 'cross-origin-resource-policy', 'referrer-policy', 'strict-transport-security', 'x-frame-options'];

async function protectionPlugin(app: FastifyInstance, options: ProtectionOptions) {
  const headers = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Vega compiles each chart's expressions into functions in the browser.
        scriptSrc: ["'self'", "'unsafe-eval'"],
        // Report pages carry their CSS inline, to stay one self-contained file.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    // Charts and assets may be embedded by the dashboards allowed by CORS.
    crossOriginResourcePolicy: { policy: options.corsOrigins.length > 0 ? 'cross-origin' : 'same-origin' },
  });
  // A JSON answer is never rendered as a document: the headers that govern a
  // page's scripts, frames and windows are left off it (OWASP's REST advice),
  // and each header a cached chart answer does not carry is time saved.
  const apiHeaders: Record<string, string> = { 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" };
  for (const name of API_HEADERS) if (headers[name] !== undefined) apiHeaders[name] = headers[name];
  app.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    reply.headers(typeof type === 'string' && type.startsWith('application/json') ? apiHeaders : headers);
    done(null, payload);
  });
  // Without origins a browser gets no CORS allowance at all: nothing to add to each answer.
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PUT'],
      allowedHeaders: ['authorization', 'content-type', 'if-none-match'],
      exposedHeaders: ['etag', 'retry-after', 'content-disposition'],
      maxAge: 600,
    });
  }
  // After auth's onRequest hook (registered first) has named the caller, and
  // before the response cache's: a cached answer is counted like any other.
  await app.register(rateLimitPlugin, { max: options.rateLimitMax, windowSeconds: options.rateLimitWindowSeconds, keyOf: rateKey });
}

export default fp(protectionPlugin, { name: 'protection', dependencies: ['auth'] });
