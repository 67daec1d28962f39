/**
 * The read view of a request: its caller's principal and the instant and
 * vintage it pins (validated by the route's schema). The request keeps its
 * views: what they revealed is logged before the answer leaves (plugins/access-log.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReadView } from '../services/read-view.ts';
import type { PinQuery } from '../services/views.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The read views built for this request. */
    views?: ReadView[];
  }
}

export function viewOf(app: FastifyInstance, request: FastifyRequest): ReadView {
  const query = (request.query ?? {}) as PinQuery;
  const view = app.services.views.forPrincipal(request.principal, { asOf: query.asOf, vintage: query.vintage });
  (request.views ??= []).push(view);
  return view;
}
