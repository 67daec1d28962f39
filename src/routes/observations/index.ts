/** Posting figures and reading their versions (API.md, Observations). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorSchema } from '../../schemas/common.ts';
import { docOnly } from '../../schemas/doc-only.ts';
import { historyQuery, historyResultSchema, ingestQuery, ingestResultSchema, observationsBody } from '../../schemas/observations.ts';
import { decodeCsv, parseCsv } from '../../services/csv.ts';

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
    '/v1/observations/history',
    {
      schema: {
        tags: ['observations'],
        summary: 'every version of one figure, oldest first; the last is current',
        querystring: historyQuery,
        response: { 200: historyResultSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request) => app.services.analytics.history(request.query),
  );
};

export default routes;
