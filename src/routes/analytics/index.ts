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
import { viewOf } from '../view.ts';

const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 503: errorSchema };

const routes: FastifyPluginAsyncZod = async (app) => {
  const analytics = app.services.analytics;
  app.get(
    '/v1/series',
    { config: { cache: true }, schema: { tags: ['analytics'], summary: "one region's monthly figures with growth", querystring: seriesQuery, response: { 200: seriesResultSchema, ...errors } } },
    async (request) => analytics.series(viewOf(app, request), request.query),
  );
  app.get(
    '/v1/rankings',
    { config: { cache: true }, schema: { tags: ['analytics'], summary: 'rank peers by growth or size', querystring: rankingsQuery, response: { 200: rankingResultSchema, ...errors } } },
    async (request) => analytics.ranking(viewOf(app, request), request.query),
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
