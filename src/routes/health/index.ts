/** Liveness and readiness (API.md, Operations). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorSchema } from '../../schemas/common.ts';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    { config: { access: 'public', rateLimit: false }, schema: { tags: ['operations'], summary: 'the process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config: { access: 'public', rateLimit: false },
      schema: {
        tags: ['operations'],
        summary: 'the store is reachable',
        response: { 200: z.object({ status: z.literal('ready'), store: z.string() }), 503: errorSchema },
      },
    },
    async (_request, reply) => {
      try {
        await app.store.ping();
      } catch (error) {
        app.log.warn({ err: error }, 'readiness check failed');
        return reply.code(503).send({ error: 'not_ready', message: `the ${app.store.kind} store is not reachable` });
      }
      return { status: 'ready' as const, store: app.store.kind };
    },
  );
};

export default routes;
