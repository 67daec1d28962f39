/** Tokens managed through the API and the pre-release access log (API.md "Tokens and scopes", "Pre-release access log"). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessLogFormats } from '../../formats/access-log.ts';
import { chooseFormat, sendAs, varyAccept } from '../../formats/reply.ts';
import { errorSchema } from '../../schemas/common.ts';
import { accessLogQuery, accessLogSchema, createdTokenSchema, tokenBody, tokenListSchema, tokenParams } from '../../schemas/tokens.ts';
import { DEFAULT_ACCESS_DOWNLOAD, DEFAULT_ACCESS_PAGE } from '../../services/access-log.ts';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema };

const routes: FastifyPluginAsyncZod = async (app) => {
  const tokens = app.services.tokens;
  app.post(
    '/v1/tokens',
    {
      config: { access: 'admin' },
      schema: { tags: ['tokens'], summary: 'make a token (admin): shown once, kept as a hash', body: tokenBody, response: { 201: createdTokenSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await tokens.create(request.body, request.principal.holder)),
  );
  app.get(
    '/v1/tokens',
    { config: { access: 'admin' }, schema: { tags: ['tokens'], summary: 'every token made through the API (admin), never a token or its hash', response: { 200: tokenListSchema, ...errors } } },
    async () => tokens.list(),
  );
  app.delete(
    '/v1/tokens/:id',
    {
      config: { access: 'admin' },
      schema: { tags: ['tokens'], summary: 'revoke a token (admin): it answers 401 from then on, on every instance', params: tokenParams, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await tokens.revoke(request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/v1/access-log',
    {
      config: { access: 'admin' },
      onRequest: varyAccept,
      schema: {
        tags: ['tokens'],
        summary: 'the pre-release access log (admin), newest first: who got figures the public could not see yet; as JSON, CSV or xlsx',
        querystring: accessLogQuery,
        response: {
          200: {
            description: 'the entries',
            content: {
              'application/json': { schema: accessLogSchema },
              'text/csv': { schema: z.string().describe('UTF-8 with BOM: at,holder,role,method,path,months') },
              'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().describe('one sheet, the same columns') },
            },
          },
          406: errorSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const format = chooseFormat(request, accessLogFormats);
      const page = await app.services.accessLog.page(request.query, request.query.limit ?? (format === 'json' ? DEFAULT_ACCESS_PAGE : DEFAULT_ACCESS_DOWNLOAD));
      if (format !== 'json' && page.next !== null) reply.header('x-next-cursor', page.next);
      return sendAs(reply, accessLogFormats, format, page, { render: app.services.render }, { name: 'access-log', ascii: 'access-log' });
    },
  );
};

export default routes;
