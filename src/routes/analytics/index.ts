/** Series, rankings and scorecards (API.md); rankings also as CSV or xlsx (src/formats/resources.ts). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CSV_TYPE_DOC } from '../../formats/media.ts';
import { chooseFormat, sendAs, varyAccept } from '../../formats/reply.ts';
import { progressFormats, rankingFormats } from '../../formats/resources.ts';
import {
  rankingResultSchema,
  rankingsQuery,
  scorecardQuery,
  scorecardResultSchema,
  seriesQuery,
  seriesResultSchema,
} from '../../schemas/analytics.ts';
import { errorSchema } from '../../schemas/common.ts';
import { progressQuery, progressResultSchema } from '../../schemas/progress.ts';
import { viewOf } from '../view.ts';

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 503: errorSchema };

const routes: FastifyPluginAsyncZod = async (app) => {
  const analytics = app.services.analytics;
  app.get(
    '/v1/series',
    { config: { cache: true, cacheBy: 'indicator' }, schema: { tags: ['analytics'], summary: "one region's monthly figures with growth", querystring: seriesQuery, response: { 200: seriesResultSchema, ...errors } } },
    async (request) => analytics.series(viewOf(app, request), request.query),
  );
  app.get(
    '/v1/rankings',
    {
      config: { cache: true, cacheBy: 'indicator' },
      onRequest: varyAccept,
      schema: {
        tags: ['analytics'],
        summary: 'rank peers by growth, size or completion of targets; as JSON, CSV or xlsx',
        querystring: rankingsQuery,
        response: {
          200: {
            description: 'the ranking',
            content: {
              'application/json': { schema: rankingResultSchema },
              'text/csv': { schema: z.string().describe(CSV_TYPE_DOC) },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().describe('one sheet, the same columns, numbers as numeric cells') },
            },
          },
          406: errorSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const format = chooseFormat(request, rankingFormats);
      const q = request.query;
      const view = viewOf(app, request);
      const ranking = q.by === 'completion' ? await app.services.progress.completionRanking(view, q) : await analytics.ranking(view, { ...q, by: q.by });
      const indicator = app.services.catalog.indicator(ranking.indicator);
      const name = `ranking-${ranking.indicator}-${ranking.period}`;
      return sendAs(reply, rankingFormats, format, { ranking, indicator }, { render: app.services.render }, { name, ascii: name });
    },
  );
  app.get(
    '/v1/progress',
    {
      config: { cache: true, cacheBy: 'indicator' },
      onRequest: varyAccept,
      schema: {
        tags: ['analytics'],
        summary: 'completion of annual targets, time progress and gaps; as JSON, CSV or xlsx',
        querystring: progressQuery,
        response: {
          200: {
            description: 'the progress',
            content: {
              'application/json': { schema: progressResultSchema },
              'text/csv': { schema: z.string().describe(CSV_TYPE_DOC) },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().describe('one sheet, numbers as numeric cells') },
            },
          },
          406: errorSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const format = chooseFormat(request, progressFormats);
      const progress = await app.services.progress.progress(viewOf(app, request), request.query);
      const indicator = app.services.catalog.indicator(progress.indicator);
      const name = `progress-${progress.indicator}-${progress.period}`;
      return sendAs(reply, progressFormats, format, { progress, indicator }, { render: app.services.render }, { name, ascii: name });
    },
  );
  app.get(
    '/v1/scorecard',
    {
      config: { cache: true },
      schema: {
        tags: ['analytics'],
        summary: "a region's standing on every indicator",
        querystring: scorecardQuery,
        response: { 200: scorecardResultSchema, ...errors },
      },
    },
    async (request) => analytics.scorecard(viewOf(app, request), request.query),
  );
};

export default routes;
