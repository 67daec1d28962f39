/** The release calendar (API.md "Release calendar and embargo"). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { upsertedSchema } from '../../schemas/catalog.ts';
import { errorSchema } from '../../schemas/common.ts';
import { releaseParams, releasesBody, releasesQuery, releasesResultSchema } from '../../schemas/publication.ts';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema };

const routes: FastifyPluginAsyncZod = async (app) => {
  const releases = app.services.releases;
  app.put(
    '/v1/releases',
    {
      config: { access: 'admin' },
      schema: { tags: ['releases'], summary: 'set or move release times (RFC 3339 with an offset); every setting is kept', body: releasesBody, response: { 200: upsertedSchema, ...errors } },
    },
    async (request) => ({ upserted: await releases.put(request.body.releases, request.principal.holder) }),
  );
  app.delete(
    '/v1/releases/:indicator/:period',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['releases'],
        summary: 'end a month’s embargo now: public on receipt from then on; answers the month’s calendar entry',
        params: releaseParams,
        response: { 200: releasesResultSchema, ...errors },
      },
    },
    async (request) => {
      await releases.end(request.params.indicator, request.params.period, request.principal.holder);
      return releases.list({ indicator: request.params.indicator, from: request.params.period, to: request.params.period });
    },
  );
  app.get(
    '/v1/releases',
    { schema: { tags: ['releases'], summary: 'the release calendar, every setting kept', querystring: releasesQuery, response: { 200: releasesResultSchema, ...errors } } },
    async (request) => releases.list(request.query),
  );
};

export default routes;
