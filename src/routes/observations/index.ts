/** Posting figures and reading their versions (API.md, Observations). */
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorSchema } from '../../schemas/common.ts';
import { docOnly } from '../../schemas/doc-only.ts';
import { historyQuery, historyResultSchema, ingestQuery, ingestResultSchema, observationsBody, withdrawBody } from '../../schemas/observations.ts';
import { changesQuery, changesResultSchema, listQuery, listResultSchema, withdrawParams, withdrawResultSchema } from '../../schemas/publication.ts';
import { decodeCsv, parseCsv } from '../../services/csv.ts';
import { observationFormats } from '../../formats/resources.ts';
import { chooseFormat, sendAs, varyAccept } from '../../formats/reply.ts';
import { DEFAULT_DOWNLOAD_LIMIT } from '../../services/observation-list.ts';
import { viewOf } from '../view.ts';
import { XLSX_TYPE } from '../../services/xlsx/reader.ts';
import { readWorkbookRows, WORKBOOK_DESCRIPTION, WORKBOOK_TYPES } from './workbook.ts';

export const CSV_TYPES = ['text/csv', 'application/csv', 'text/tab-separated-values'];

function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '')?.[2];
}

const routes: FastifyPluginAsyncZod = async (app) => {
  app.addContentTypeParser([...CSV_TYPES, ...WORKBOOK_TYPES], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const readWorkbook = readWorkbookRows(app);

  app.post(
    '/v1/observations',
    {
      config: { access: 'write' },
      schema: {
        tags: ['observations'],
        summary: 'post figures (JSON, CSV or an .xlsx workbook); all or nothing',
        description: WORKBOOK_DESCRIPTION,
        querystring: ingestQuery,
        // Typed as the JSON body: CSV and workbooks arrive as a Buffer, told apart in the handler.
        body: docOnly({
          content: {
            'application/json': { schema: observationsBody },
            'text/csv': { schema: z.string().describe('a header row (English or Chinese column names) and a row a figure: indicator,region,period,value,yoy,status,reason,note; UTF-8 (a BOM is fine), or GB18030/GBK by charset or detected') },
            [XLSX_TYPE]: { schema: z.string().describe('an .xlsx workbook: the first sheet or ?sheet=, the same columns as CSV') },
          },
        }) as unknown as typeof observationsBody,
        response: { 200: ingestResultSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 413: errorSchema, 415: errorSchema, 503: errorSchema },
      },
    },
    async (request) => {
      const ingest = app.services.ingest;
      const options = { dryRun: request.query.dryRun ?? false, by: request.principal.holder, scope: request.principal.scope };
      const workbook = await readWorkbook(request.headers['content-type'], request.body, request.query.sheet ?? null);
      if (workbook !== null) return workbook.ingest(options);
      const rows = Buffer.isBuffer(request.body)
        ? parseCsv(decodeCsv(request.body, charsetOf(request.headers['content-type'])))
        : ingest.rowsFromJson(request.body);
      return ingest.ingest(rows, options);
    },
  );

  app.get(
    '/v1/observations',
    {
      config: { cache: true, cacheBy: 'indicator' },
      onRequest: varyAccept,
      schema: {
        tags: ['observations'],
        summary: 'the stored figures of one indicator the caller may see, month by month, paged; as JSON, CSV (posts back as is), xlsx or SDMX-CSV',
        querystring: listQuery,
        response: {
          200: {
            description: 'the figures',
            content: {
              'application/json': { schema: listResultSchema },
              'text/csv': { schema: z.string().describe('UTF-8 with BOM: indicator,region,period,value,yoy,status,reason,note,regionName,indicatorName') },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().describe('one sheet, the same columns, numbers as numeric cells') },
              'application/vnd.sdmx.data+csv; version=2.0.0': { schema: z.string().describe('SDMX-CSV 2.0') },
            },
          },
          400: errorSchema,
          404: errorSchema,
          406: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const format = chooseFormat(request, observationFormats);
      const indicator = app.services.catalog.indicator(request.query.indicator);
      const limit = request.query.limit ?? (format === 'json' ? undefined : DEFAULT_DOWNLOAD_LIMIT);
      const list = await app.services.observations.list(viewOf(app, request), { ...request.query, limit });
      // A download has no room for a cursor: it goes in a header, as a link to the next page.
      if (format !== 'json' && list.next !== null) {
        const next = new URL(request.url, 'http://service').searchParams;
        next.set('cursor', list.next);
        reply.header('x-next-cursor', list.next).header('link', `</v1/observations?${next}>; rel="next"`);
      }
      const name = `observations-${indicator.code}`;
      const input = { ...list, indicator, regionName: (code: string) => app.services.catalog.regionName(code) };
      return sendAs(reply, observationFormats, format, input, { render: app.services.render }, { name, ascii: name });
    },
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
        description: 'An optional JSON body `{"reason","note"}` says why (API.md "Corrections"): kept with the withdrawal, shown in history and the changes feed.',
        params: withdrawParams,
        // Checked by the ingest service, as a posted row's reason and note are: the body is optional.
        body: docOnly(withdrawBody.optional()),
        response: { 200: withdrawResultSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema },
      },
    },
    async (request) => ({
      withdrawn: true as const,
      version: await app.services.ingest.withdraw(request.params, request.principal.holder, request.principal.scope, request.body),
    }),
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
    async (request) => app.services.changes.changes(viewOf(app, request), request.query),
  );
};

export default routes;
