/** Vega-Lite chart specs, or the same charts rendered to SVG (API.md, Charts). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../../../charts/render.ts';
import { chartSpecSchema, progressChartQuery, rankHistoryChartQuery, rankingChartQuery, scorecardChartQuery, trendChartQuery } from '../../schemas/charts.ts';
import { errorSchema } from '../../schemas/common.ts';

const responses = {
  200: { description: 'the chart', content: { 'application/json': { schema: chartSpecSchema }, 'image/svg+xml': { schema: chartSpecSchema } } },
  400: errorSchema,
  401: errorSchema,
  404: errorSchema,
  503: errorSchema,
};

function wantsSvg(request: FastifyRequest, format: string | undefined): boolean {
  if (format !== undefined) return format === 'svg';
  const accept = request.headers.accept ?? '';
  return accept.includes('image/svg+xml') && !/application\/json/.test(accept.split('image/svg+xml')[0] ?? '');
}

async function answer(request: FastifyRequest, reply: FastifyReply, format: string | undefined, spec: TopLevelSpec): Promise<Record<string, unknown>> {
  if (!wantsSvg(request, format)) return spec as unknown as Record<string, unknown>;
  const { svg, warnings } = await renderSvg(spec);
  if (warnings.length > 0) request.log.warn({ warnings }, 'chart rendered with warnings');
  return reply.type('image/svg+xml; charset=utf-8').send(svg) as unknown as Record<string, unknown>;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const charts = app.services.charts;
  const config = { cache: true };
  app.get('/v1/charts/ranking', { config, schema: { tags: ['charts'], summary: "peers' bars in rank order", querystring: rankingChartQuery, response: responses } }, async (request, reply) =>
    answer(request, reply, request.query.format, await charts.ranking(request.query)),
  );
  app.get('/v1/charts/trend', { config, schema: { tags: ['charts'], summary: "a region's figure or growth month by month", querystring: trendChartQuery, response: responses } }, async (request, reply) =>
    answer(request, reply, request.query.format, await charts.trend(request.query)),
  );
  app.get(
    '/v1/charts/rank-history',
    { config, schema: { tags: ['charts'], summary: "every peer's rank month by month (bump chart)", querystring: rankHistoryChartQuery, response: responses } },
    async (request, reply) => answer(request, reply, request.query.format, await charts.rankHistory(request.query)),
  );
  app.get(
    '/v1/charts/progress',
    { config, schema: { tags: ['charts'], summary: 'completion of annual targets against time progress (序时进度)', querystring: progressChartQuery, response: responses } },
    async (request, reply) => answer(request, reply, request.query.format, await charts.progress(request.query)),
  );
  app.get('/v1/charts/scorecard', { config, schema: { tags: ['charts'], summary: "a region's standing on every indicator", querystring: scorecardChartQuery, response: responses } }, async (request, reply) =>
    answer(request, reply, request.query.format, await charts.scorecard(request.query)),
  );
};

export default routes;
