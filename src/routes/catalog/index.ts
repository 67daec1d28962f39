/** Regions, peer groups and indicators (API.md, Catalog). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  groupSchema,
  groupsBody,
  indicatorSchema,
  indicatorsBody,
  MAX_CATALOG_BATCH,
  regionSchema,
  regionsBody,
  storedIndicatorSchema,
  storedRegionSchema,
  upsertedSchema,
} from '../../schemas/catalog.ts';
import { errorSchema } from '../../schemas/common.ts';
import { docOnly } from '../../schemas/doc-only.ts';
import { parseBatch } from '../../services/batch-body.ts';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema };

const routes: FastifyPluginAsyncZod = async (app) => {
  const catalog = app.services.catalog;

  app.get('/v1/regions', { schema: { tags: ['catalog'], response: { 200: z.object({ regions: z.array(storedRegionSchema) }) } } }, async () => ({
    regions: catalog.regions(),
  }));
  app.get('/v1/groups', { schema: { tags: ['catalog'], response: { 200: z.object({ groups: z.array(groupSchema) }) } } }, async () => ({
    groups: catalog.groups(),
  }));
  app.get(
    '/v1/indicators',
    { schema: { tags: ['catalog'], response: { 200: z.object({ indicators: z.array(storedIndicatorSchema) }) } } },
    async () => ({ indicators: catalog.indicators().map((i) => ({ ...i, reviewSince: i.reviewSince === null ? null : new Date(i.reviewSince).toISOString() })) }),
  );

  app.put(
    '/v1/regions',
    { config: { access: 'admin' }, schema: { tags: ['catalog'], summary: 'merge regions by code', body: docOnly(regionsBody), response: { 200: upsertedSchema, ...errors } } },
    async (request) => ({ upserted: await catalog.upsertRegions(await parseBatch(request.body, 'regions', regionSchema, MAX_CATALOG_BATCH)) }),
  );
  app.put(
    '/v1/groups',
    { config: { access: 'admin' }, schema: { tags: ['catalog'], summary: 'merge peer groups by code', body: docOnly(groupsBody), response: { 200: upsertedSchema, ...errors } } },
    async (request) => ({ upserted: await catalog.upsertGroups(await parseBatch(request.body, 'groups', groupSchema, MAX_CATALOG_BATCH)) }),
  );
  app.put(
    '/v1/indicators',
    {
      config: { access: 'admin' },
      schema: { tags: ['catalog'], summary: 'merge indicators by code', body: docOnly(indicatorsBody), response: { 200: upsertedSchema, ...errors } },
    },
    async (request) => ({ upserted: await catalog.upsertIndicators(await parseBatch(request.body, 'indicators', indicatorSchema, MAX_CATALOG_BATCH)) }),
  );
};

export default routes;
