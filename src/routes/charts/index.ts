/** Vega-Lite chart specs, or the same charts drawn as SVG or PNG (API.md, Charts; formats: src/formats/resources.ts). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { TopLevelSpec } from 'vega-lite';
import { DEFAULT_PNG_SCALE } from '../../formats/png.ts';
import { chooseFormat, sendAs, varyAccept } from '../../formats/reply.ts';
import { chartFormats } from '../../formats/resources.ts';
import { chartSpecSchema, progressChartQuery, rankHistoryChartQuery, rankingChartQuery, scorecardChartQuery, trendChartQuery } from '../../schemas/charts.ts';
import { errorSchema } from '../../schemas/common.ts';
import { viewOf } from '../view.ts';
import { API_DOCS } from '../../domain/words/api-docs.ts';
import { z } from 'zod';

const responses = {
  200: {
    description: 'the chart: a Vega-Lite spec, or drawn as SVG or PNG',
    content: { 'application/json': { schema: chartSpecSchema }, 'image/svg+xml': { schema: z.string() }, 'image/png': { schema: z.string().describe('PNG bytes') } },
  },
  400: errorSchema,
  401: errorSchema,
  404: errorSchema,
  406: errorSchema,
  503: errorSchema,
};

type ChartQuery = { scale?: number | undefined };

const routes: FastifyPluginAsyncZod = async (app) => {
  const charts = app.services.charts;
  // A chart of one indicator is kept while other indicators are written; the scorecard shows them all.
  const config = { cache: true, cacheBy: 'indicator' } as const;
  const everyIndicator = { cache: true };
  const onRequest = varyAccept;
  /** Negotiate first (a 406 costs nothing), then build the chart and draw it. */
  const answer = async (request: FastifyRequest, reply: FastifyReply, name: string, build: () => Promise<TopLevelSpec>) => {
    const format = chooseFormat(request, chartFormats);
    const context = { png: app.services.png, scale: (request.query as ChartQuery).scale ?? DEFAULT_PNG_SCALE, warn: (warnings: string[]) => request.log.warn({ warnings }, 'chart rendered with warnings') };
    return sendAs(reply, chartFormats, format, await build(), context, { name, ascii: name });
  };

  app.get('/v1/charts/ranking', { config, onRequest, schema: { tags: ['charts'], summary: "peers' bars in rank order", querystring: rankingChartQuery, response: responses } }, async (request, reply) =>
    answer(request, reply, `ranking-${request.query.indicator}-${request.query.period}`, () => charts.ranking(viewOf(app, request), request.query)),
  );
  app.get('/v1/charts/trend', { config, onRequest, schema: { tags: ['charts'], summary: "a region's figure or growth month by month", querystring: trendChartQuery, response: responses } }, async (request, reply) =>
    answer(request, reply, `trend-${request.query.indicator}-${request.query.region}`, () => charts.trend(viewOf(app, request), request.query)),
  );
  app.get(
    '/v1/charts/rank-history',
    { config, onRequest, schema: { tags: ['charts'], summary: "every peer's rank month by month (bump chart)", querystring: rankHistoryChartQuery, response: responses } },
    async (request, reply) => answer(request, reply, `rank-history-${request.query.indicator}`, () => charts.rankHistory(viewOf(app, request), request.query)),
  );
  app.get(
    '/v1/charts/progress',
    { config, onRequest, schema: { tags: ['charts'], summary: API_DOCS.progressChart, querystring: progressChartQuery, response: responses } },
    async (request, reply) => answer(request, reply, `progress-${request.query.indicator}-${request.query.period}`, () => charts.progress(viewOf(app, request), request.query)),
  );
  app.get('/v1/charts/scorecard', { config: everyIndicator, onRequest, schema: { tags: ['charts'], summary: "a region's standing on every indicator", querystring: scorecardChartQuery, response: responses } }, async (request, reply) =>
    answer(request, reply, `scorecard-${request.query.region}-${request.query.period}`, () => charts.scorecard(viewOf(app, request), request.query)),
  );
};

export default routes;
