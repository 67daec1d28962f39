/**
 * Several instances on one InfluxDB: one writes, the others forward. With
 * WRITER_URL set, this instance sends every request that changes stored
 * data (POST, PUT, DELETE under /v1/) to the writing instance as it came
 * (method, path, query, body, token) and relays the answer, so that all
 * writes pass one instance's write lock: two revisions of one figure can
 * never both be numbered as the same next version, which InfluxDB alone
 * (no transactions, no conditional writes) cannot prevent. Reads are
 * answered here; the change marker tells this instance what the writer
 * changed within CHANGE_CHECK_MS.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.ts';

/** Set on a forwarded request: the writer answers it itself, whatever its own configuration. */
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

async function forwardWritesPlugin(app: FastifyInstance, options: { writerUrl: string; touched: () => void }) {
  const writer = new URL(options.writerUrl);
  const send = writer.protocol === 'https:' ? httpsRequest : httpRequest;

  app.addHook('onRequest', (request, reply, done) => {
    if (!forwarded(request) || request.headers[FORWARDED_HEADER] !== undefined) return done();
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
      // Whatever the writer changed, this instance reads it on its next request.
      answer.on('end', options.touched);
    });
    const unreachable = (error: Error) => {
      if (reply.sent || reply.raw.headersSent) return;
      request.log.warn({ err: error, writer: writer.origin }, 'could not forward a write to the writing instance');
      done(new ApiError('not_ready', `the instance that writes (${writer.origin}) is not reachable; try again shortly`, { retryAfter: 5, details: [{ field: 'WRITER_URL', message: 'not reachable' }] }));
    };
    upstream.on('timeout', () => upstream.destroy(new Error(`no answer within ${FORWARD_TIMEOUT_MS / 1000} s`)));
    upstream.on('error', unreachable);
    request.raw.pipe(upstream);
  });
}

export default fp(forwardWritesPlugin, { name: 'forward-writes' });
