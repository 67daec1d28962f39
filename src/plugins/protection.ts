/**
 * Guards every request: rate limits per token (per address without one),
 * security headers with a content security policy for the dashboard and
 * reports, and CORS only for the dashboards' origins named in CORS_ORIGINS.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';

export interface ProtectionOptions {
  rateLimitMax: number;
  rateLimitWindowSeconds: number;
  corsOrigins: readonly string[];
}

/** A caller's bucket: the token's holder when it showed a valid token, its address otherwise. */
export function rateKey(request: FastifyRequest): string {
  return request.principal.role !== 'anonymous' ? `token:${request.principal.name}` : `ip:${request.ip}`;
}

async function protectionPlugin(app: FastifyInstance, options: ProtectionOptions) {
  await app.register(helmet, {
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
  await app.register(cors, {
    origin: options.corsOrigins.length > 0 ? [...options.corsOrigins] : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT'],
    allowedHeaders: ['authorization', 'content-type', 'if-none-match'],
    exposedHeaders: ['etag', 'retry-after'],
    maxAge: 600,
  });
  await app.register(rateLimit, {
    max: options.rateLimitMax,
    timeWindow: options.rateLimitWindowSeconds * 1000,
    keyGenerator: rateKey,
    // The caller is known once the token is checked (auth runs on onRequest first).
    hook: 'preHandler',
    errorResponseBuilder: (_request, context) =>
      new ApiError('rate_limited', `too many requests: at most ${context.max} every ${Math.round(context.ttl / 1000) || 1} s for this caller; wait and repeat`, {
        retryAfter: Math.ceil(context.ttl / 1000),
      }),
  });
}

export default fp(protectionPlugin, { name: 'protection', dependencies: ['auth'] });
