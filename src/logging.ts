/**
 * Log options shared by the service and its tests. Requests are logged with
 * their headers (user agent, content type and length help when a bureau's
 * upload misbehaves) but the credentials in them never reach a log line.
 */
import type { FastifyRequest, FastifyServerOptions } from 'fastify';

/** Where a credential can appear in a logged object; each is replaced by REDACTED. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'];
export const REDACTED = '[redacted]';

/** Query parameters a client might put a credential in (never accepted there), and the tokens the API makes. */
const CREDENTIAL_PARAMS = /([?&](?:access_token|token|api_key|apikey|key|auth|authorization|bearer)=)[^&#]*/gi;
const MADE_TOKEN = /rit_[A-Za-z0-9_-]+/g;

/** A URL as logged: a credential in its query string is never written down. */
export function loggedUrl(url: string): string {
  return url.replace(CREDENTIAL_PARAMS, `$1${REDACTED}`).replace(MADE_TOKEN, `rit_${REDACTED}`);
}

function requestSerializer(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    remoteAddress: request.ip,
    // A copy: redaction must not strip the header from the live request.
    headers: { ...request.headers },
  };
}

export function loggerOptions(level: string, stream?: { write(line: string): unknown }): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    serializers: { req: requestSerializer as (req: unknown) => unknown },
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
  } as FastifyServerOptions['logger'];
}
