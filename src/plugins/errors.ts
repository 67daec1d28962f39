/**
 * Every error leaves as API.md's one shape. Faults of the caller are 4xx
 * naming the field; the service's own faults are logged with their cause and
 * shown as a sentence.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, boundDetails, detailOf, boundedText, MAX_ERROR_DETAILS, MAX_ERROR_TEXT, StoreUnavailableError, type ErrorCode, type ErrorDetail } from '../errors.ts';

/** Seconds a client should wait before repeating a request the store could not take. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * Every error answer leaves here: at most MAX_ERROR_DETAILS details, each
 * text bounded, and `detailsTotal` when some were left off (`total`: how
 * many there were, for details cut before they got here).
 */
function send(reply: FastifyReply, code: ErrorCode, status: number, message: string, details?: ErrorDetail[], retryAfter?: number, total?: number) {
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  const bounded = details === undefined ? undefined : boundDetails(details, total);
  return reply.code(status).send({
    error: code,
    message: boundedText(message, 2 * MAX_ERROR_TEXT),
    ...(bounded === undefined ? {} : { details: bounded.details }),
    ...(bounded === undefined || bounded.total <= bounded.details.length ? {} : { detailsTotal: bounded.total }),
  });
}

/** Unknown keys named as one field, joined only as far as a detail shows. */
function joinedKeys(keys: readonly unknown[]): string {
  let text = '';
  for (const key of keys) {
    text += text === '' ? String(key) : `, ${String(key)}`;
    if (text.length > MAX_ERROR_TEXT) return boundedText(text);
  }
  return text;
}

/** Fastify's own client errors, by code. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message?: string }> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'unsupported content type: send application/json, text/csv or an .xlsx workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'the body is larger than this service accepts: split the batch' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'bad_request', message: 'the body is empty but the content type says JSON' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'bad_request' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'bad_request', message: 'the content-length does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'bad_request', message: 'the content-type header is malformed' },
};

/**
 * Errors Fastify answers before routing (a URL that does not decode, a path
 * parameter over the length limit) bypass the error handler: given to
 * Fastify as `frameworkErrors`, this answers them in the same shape.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  if (status >= 500) {
    request.log.error({ err: error }, 'unhandled error before routing');
    send(reply, 'internal', 500, 'the service failed to answer this request; the fault is logged');
    return;
  }
  send(reply, 'bad_request', status, `the URL could not be read: ${error.message}`, [{ field: 'url', message: error.message }]);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a body over the route's limit is told, where the service-wide sentence (split the batch) does not fit. */
    tooLarge?: string;
  }
}

async function errorsPlugin(app: FastifyInstance) {
  // Fastify's own formatter writes every issue into one message, which this handler never shows:
  // for a body with millions of faults it was megabytes of text built for nothing.
  app.setSchemaErrorFormatter((errors, dataVar) => new Error(`invalid ${dataVar}: ${errors.length} problem(s)`));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.statusCode >= 500) request.log.error({ err: error.cause ?? error }, error.message);
      return send(reply, error.code, error.statusCode, error.message, error.details, error.retryAfter, error.detailsTotal);
    }
    if (error instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, 'the store did not serve the request');
      const message = `the data store could not serve this request: ${error.message}. Repeat it later: repeating a request is always safe.`;
      return send(reply, 'not_ready', 503, message, undefined, STORE_RETRY_AFTER_SECONDS);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'request';
      // Only the issues shown are turned into details (zod may have found millions).
      const details = error.validation.slice(0, MAX_ERROR_DETAILS).map((v) => {
        const path = v.instancePath.split('/').filter((p) => p !== '').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
        // An unknown key is named as the field at fault, not its parent object.
        const keys = (v.params as { keys?: unknown } | undefined)?.keys;
        if (Array.isArray(keys) && keys.length > 0) path.push(joinedKeys(keys));
        return detailOf(path, v.message ?? 'is invalid');
      });
      const first = details[0]!;
      return send(reply, 'validation_failed', 400, `invalid ${where}: ${boundedText(first.field)} ${boundedText(first.message)}`, details, undefined, error.validation.length);
    }
    const known = error.code === undefined ? undefined : FASTIFY_CODES[error.code];
    if (known !== undefined) {
      const status = error.statusCode ?? 400;
      const own = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? request.routeOptions.config.tooLarge : undefined;
      const message = own ?? known.message ?? (known.code === 'bad_request' ? `the body is not valid JSON: ${error.message}` : error.message);
      return send(reply, known.code, status, message, [{ field: 'body', message }]);
    }
    if (error instanceof SyntaxError || error.statusCode === 400) {
      return send(reply, 'bad_request', 400, `the request could not be read: ${error.message}`, [{ field: 'body', message: error.message }]);
    }
    if (error.statusCode === 429) return send(reply, 'rate_limited', 429, error.message);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, 'bad_request', error.statusCode, error.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, 'internal', 500, 'the service failed to answer this request; the fault is logged');
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, 'not_found', 404, `no route ${request.method} ${request.url.split('?')[0]}`),
  );
}

export default fp(errorsPlugin, { name: 'errors' });
