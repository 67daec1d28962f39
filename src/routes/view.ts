/** The read view of a request: its caller's role and the instant and vintage it pins (validated by the route's schema). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReadView } from '../services/read-view.ts';
import type { PinQuery } from '../services/views.ts';

export function viewOf(app: FastifyInstance, request: FastifyRequest): ReadView {
  const query = (request.query ?? {}) as PinQuery;
  return app.services.views.forRole(request.principal.role, { asOf: query.asOf, vintage: query.vintage });
}
