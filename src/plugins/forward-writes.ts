/**
 * Several instances on one InfluxDB: one writes, the others forward. With
 * WRITER_URL set, or when another instance holds the writer lease
 * (services/writer-lease.ts), this instance sends every request that
 * changes stored data (POST, PUT, DELETE under /v1/) to the writer as it came
 * (method, path, query, body, token) and relays the answer, so that all
 * writes pass one instance's write lock: two revisions of one figure can
 * never both be numbered as the same next version, which InfluxDB alone
 * (no transactions, no conditional writes) cannot prevent. Reads are
 * answered here; the change marker tells this instance what the writer
 * changed within CHANGE_CHECK_MS.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';
import type { WriteRoute } from '../services/writer-lease.ts';

/**
 * Set on a forwarded request: the writer answers it; an instance that does
 * not write refuses it (a loop, or a client trying to write past the writer).
 */
export const FORWARDED_HEADER = 'x-indicators-forwarded';
/** The writer's answer must begin within this long (a national batch takes seconds, not minutes). */
const FORWARD_TIMEOUT_MS = 120_000;
/** Headers that describe one connection, not the request: not passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/**
 * Requests the writer answers: every change, and the changes feed, whose
 * window must end before the writes still under way, which only the writer
 * knows of.
 */
const forwarded = (request: FastifyRequest) =>
  request.url.startsWith('/v1/observations/changes')
    ? request.method === 'GET'
    : request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS' && request.url.startsWith('/v1/');

function passed(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

export interface ForwardOptions {
  /** Where this instance's writes go now (a fixed WRITER_URL, or the writer lease). */
  route(): WriteRoute | Promise<WriteRoute>;
  /** Called after a forwarded write: whatever the writer changed, this instance reads it on its next request. */
  touched(): void;
}

/** Seconds a refused or unforwardable write is told to wait. */
const RETRY_AFTER_SECONDS = 5;

function forwardTo(writer: URL, request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void, touched: () => void): void {
  const send = writer.protocol === 'https:' ? httpsRequest : httpRequest;
  const target = new URL(request.url, writer);
  const headers = {
    ...passed(request.headers),
    [FORWARDED_HEADER]: '1',
    // The writer counts rate limits by the caller, as this instance saw it.
    'x-forwarded-for': [request.headers['x-forwarded-for'], request.ip].filter((x) => x !== undefined).join(', '),
  };
  const upstream = send(target, { method: request.method, headers, timeout: FORWARD_TIMEOUT_MS }, (answer) => {
    reply.hijack();
    reply.raw.writeHead(answer.statusCode ?? 502, passed(answer.headers));
    answer.pipe(reply.raw);
    answer.on('end', touched);
  });
  const unreachable = (error: Error) => {
    if (reply.sent || reply.raw.headersSent) return;
    request.log.warn({ err: error, writer: writer.origin }, 'could not forward a write to the writing instance');
    done(new ApiError('not_ready', `the instance that writes (${writer.origin}) is not reachable; try again shortly`, { retryAfter: RETRY_AFTER_SECONDS, details: [{ field: 'writer', message: `${writer.origin} is not reachable` }] }));
  };
  upstream.on('timeout', () => upstream.destroy(new Error(`no answer within ${FORWARD_TIMEOUT_MS / 1000} s`)));
  upstream.on('error', unreachable);
  request.raw.pipe(upstream);
}

const refused = (message: string, writer: string | null) =>
  new ApiError('not_ready', message, { retryAfter: RETRY_AFTER_SECONDS, details: [{ field: 'writer', message: writer ?? 'not agreed yet' }] });

async function forwardWritesPlugin(app: FastifyInstance, options: ForwardOptions) {
  app.addHook('onRequest', (request, reply, done) => {
    if (!forwarded(request)) return done();
    void (async () => options.route())().then(
      (route) => {
        // A forwarded request is a loop guard, not a pass: an instance that does not write refuses it.
        if (route.kind === 'self') return done();
        if (request.headers[FORWARDED_HEADER] !== undefined) {
          return done(refused('this instance does not write and takes no forwarded writes; send the request to the writing instance', route.kind === 'forward' ? route.url : route.writer));
        }
        if (route.kind === 'refuse') return done(refused(route.message, route.writer));
        forwardTo(new URL(route.url), request, reply, done, options.touched);
      },
      (error: unknown) => done(error as Error),
    );
  });
}

export default fp(forwardWritesPlugin, { name: 'forward-writes' });
