/**
 * Before an answer to a privileged caller leaves, whatever its read views
 * handed out that the public may not see is recorded in the pre-release
 * access log; if it cannot be, the answer is a 503 instead. Answers to the
 * public never have anything to record, and cost a property check.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { loggedUrl } from '../logging.ts';
import type { AccessLog } from '../services/access-log.ts';

async function accessLogPlugin(app: FastifyInstance, options: { log: AccessLog }) {
  app.addHook('onSend', async (request, reply) => {
    const views = request.views;
    if (views === undefined || reply.statusCode >= 300) return;
    const months = new Set<string>();
    for (const view of views) for (const month of view.revealed) months.add(month);
    // Recorded once: should recording fail, the error's own answer passes here again.
    request.views = undefined;
    if (months.size === 0) return;
    await options.log.record(request.principal, request.method, loggedUrl(request.url), months);
  });
}

export default fp(accessLogPlugin, { name: 'access-log' });
