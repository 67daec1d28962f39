/** Review and sign-off (API.md "Review and sign-off"). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorSchema } from '../../schemas/common.ts';
import { approveBody, approvedSchema, reopenBody, reopenedSchema, reviewQuery, sheetSchema } from '../../schemas/review.ts';
import { viewOf } from '../view.ts';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 503: errorSchema };

const routes: FastifyPluginAsyncZod = async (app) => {
  const review = app.services.review;
  app.get(
    '/v1/review',
    {
      config: { access: 'review' },
      schema: { tags: ['review'], summary: "an indicator's month as an approver checks it: completeness, totals, plausibility, lateness", querystring: reviewQuery, response: { 200: sheetSchema, ...errors } },
    },
    async (request) => review.sheet(viewOf(app, request), request.query),
  );
  app.post(
    '/v1/review/approve',
    {
      config: { access: 'approve' },
      schema: {
        tags: ['review'],
        summary: 'approve a month: its versions so far reach the public (at its release time if ahead); never by one who posted to it since its last approval',
        body: approveBody,
        response: { 200: approvedSchema, ...errors },
      },
    },
    async (request) => review.approve(viewOf(app, request), request.principal, request.body),
  );
  app.post(
    '/v1/review/reopen',
    {
      config: { access: 'approve' },
      schema: { tags: ['review'], summary: 'reopen a month: what is public stays public, new versions wait for the next approval', body: reopenBody, response: { 200: reopenedSchema, ...errors } },
    },
    async (request) => review.reopen(request.principal, request.body),
  );
};

export default routes;
