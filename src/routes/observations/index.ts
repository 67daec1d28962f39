/** Posting figures and reading their versions (API.md, Observations). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorSchema } from '../../schemas/common.ts';
import { docOnly } from '../../schemas/doc-only.ts';
import { historyQuery, historyResultSchema, ingestQuery, ingestResultSchema, observationsBody } from '../../schemas/observations.ts';
import { changesQuery, changesResultSchema, listQuery, listResultSchema, withdrawParams, withdrawResultSchema } from '../../schemas/publication.ts';
import { decodeCsv, parseCsv } from '../../services/csv.ts';
import { viewOf } from '../view.ts';

export const CSV_TYPES = ['text/csv', 'application/csv', 'text/tab-separated-values'];

function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '')?.[2];
}

const routes: FastifyPluginAsyncZod = async (app) => {
  app.addContentTypeParser(CSV_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/v1/observations',
    {
      config: { access: 'write' },
      schema: {
        tags: ['observations'],
        summary: 'post figures (JSON or CSV); all or nothing',
        querystring: ingestQuery,
        body: docOnly(observationsBody),
        response: { 200: ingestResultSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 413: errorSchema, 415: errorSchema, 503: errorSchema },
      },
    },
    async (request) => {
      const ingest = app.services.ingest;
      const rows = Buffer.isBuffer(request.body)
        ? parseCsv(decodeCsv(request.body, charsetOf(request.headers['content-type'])))
        : ingest.rowsFromJson(request.body);
      return ingest.ingest(rows, { dryRun: request.query.dryRun ?? false, by: request.principal.name });
    },
  );

  app.get(
    '/v1/observations',
    {
      config: { cache: true },
      schema: {
        tags: ['observations'],
        summary: 'the stored figures of one indicator the caller may see, month by month, paged',
        querystring: listQuery,
        response: { 200: listResultSchema, 400: errorSchema, 404: errorSchema, 503: errorSchema },
      },
    },
    async (request) => app.services.observations.list(viewOf(app, request), request.query),
  );

  app.get(
    '/v1/observations/history',
    {
      schema: {
        tags: ['observations'],
        summary: 'every version of one figure the caller may see, oldest first; the last is current',
        querystring: historyQuery,
        response: { 200: historyResultSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => app.services.analytics.history(viewOf(app, request), request.query),
  );

  app.delete(
    '/v1/observations/:indicator/:region/:period',
    {
      config: { access: 'write' },
      schema: {
        tags: ['observations'],
        summary: 'withdraw a figure posted in error: a new version, history keeps every earlier one',
        params: withdrawParams,
        response: { 200: withdrawResultSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema },
      },
    },
    async (request) => ({ withdrawn: true as const, version: await app.services.ingest.withdraw(request.params, request.principal.name) }),
  );

  app.get(
    '/v1/observations/changes',
    {
      schema: {
        tags: ['observations'],
        summary: 'every version that became public in (since, until], oldest first, paged (SDMX updatedAfter)',
        querystring: changesQuery,
        response: { 200: changesResultSchema, 400: errorSchema, 404: errorSchema, 503: errorSchema },
      },
    },
    async (request) => app.services.changes.changes(request.query),
  );
};

export default routes;
