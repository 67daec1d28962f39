/** Series, rankings and scorecards (API.md). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 503: errorSchema };

const routes: FastifyPluginAsyncZod = async (app) => {
  const analytics = app.services.analytics;
  app.get(
    '/v1/series',
    { config: { cache: true }, schema: { tags: ['analytics'], summary: "one region's monthly figures with growth", querystring: seriesQuery, response: { 200: seriesResultSchema, ...errors } } },
    async (request) => analytics.series(request.query),
  );
  app.get(
    '/v1/rankings',
    { config: { cache: true }, schema: { tags: ['analytics'], summary: 'rank peers by growth or size', querystring: rankingsQuery, response: { 200: rankingResultSchema, ...errors } } },
    async (request) => {
      const q = request.query;
      return q.by === 'completion' ? app.services.progress.completionRanking(q) : analytics.ranking({ ...q, by: q.by });
    },
  );
  app.get(
    '/v1/progress',
    { config: { cache: true }, schema: { tags: ['analytics'], summary: 'completion of annual targets, time progress and gaps', querystring: progressQuery, response: { 200: progressResultSchema, ...errors } } },
    async (request) => app.services.progress.progress(request.query),
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
    async (request) => analytics.scorecard(request.query),
  );
};

export default routes;
