/** Annual targets and progress against them (API.md, Targets and progress). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorSchema } from '../../schemas/common.ts';
import { upsertedSchema } from '../../schemas/catalog.ts';
import { targetsBody, targetsQuery, targetsResultSchema } from '../../schemas/targets.ts';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema };

const routes: FastifyPluginAsyncZod = async (app) => {
  const targets = app.services.targets;
  app.put(
    '/v1/targets',
    { config: { access: 'admin' }, schema: { tags: ['targets'], summary: 'merge annual targets by indicator, region, year and kind', body: targetsBody, response: { 200: upsertedSchema, ...errors } } },
    async (request) => ({ upserted: await targets.upsert(request.body.targets) }),
  );
  app.get(
    '/v1/targets',
    { config: { cache: true }, schema: { tags: ['targets'], summary: 'annual targets, filtered', querystring: targetsQuery, response: { 200: targetsResultSchema, ...errors } } },
    async (request) => ({ targets: await targets.list(request.query) }),
  );
};

export default routes;
