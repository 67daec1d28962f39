/** The OpenAPI document at /docs, generated from the routes' zod schemas. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { API_DOCS } from '../domain/words/api-docs.ts';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ALLOWED, type Access } from './auth.ts';

type TransformDocument = Parameters<typeof jsonSchemaTransform>[0];

/** A request body documented per media type (`{ content: { type: { schema } } }`), as responses may be. */
function hasContent(body: unknown): body is { content: Record<string, { schema: unknown }> } {
  return typeof body === 'object' && body !== null && 'content' in body && typeof body.content === 'object' && body.content !== null;
}

/**
 * The zod transform, plus request bodies with several media types, which it
 * handles for responses only: each type's schema is turned as a body of its own.
 */
function transform(document: TransformDocument): ReturnType<typeof jsonSchemaTransform> {
  const result = transformSchema(document);
  const access = (document as { route?: { config?: { access?: Access } } }).route?.config?.access ?? 'read';
  const who = access === 'public' ? 'no token needed' : access === 'read' ? 'any token, or none where PUBLIC_READ' : `roles: ${ALLOWED[access].join(', ')}`;
  const schema = result.schema as { description?: string; [key: string]: unknown };
  const roles = access === 'public' || access === 'read' ? [] : [...ALLOWED[access]];
  // A body the route may go without (a withdrawal's reason): @fastify/swagger marks every body required.
  const body = (document.schema as { body?: { safeParse?: (v: unknown) => { success: boolean } } } | undefined)?.body;
  const optional = typeof body?.safeParse === 'function' && body.safeParse(undefined).success;
  const described = `${schema.description === undefined ? '' : `${schema.description}\n\n`}Who may call it: ${who}.`;
  return { ...result, schema: { ...schema, description: described, 'x-roles': roles, ...(optional ? { [OPTIONAL_BODY]: true } : {}) } as typeof result.schema };
}

/** Marks an operation whose body may be left out, until the document is whole. */
const OPTIONAL_BODY = 'x-optional-body';

/** The zod document transform, then each optional body said to be optional. */
function transformObject(document: Parameters<typeof jsonSchemaTransformObject>[0]): ReturnType<typeof jsonSchemaTransformObject> {
  const result = jsonSchemaTransformObject(document) as { paths?: Record<string, Record<string, Record<string, unknown>>> };
  for (const operations of Object.values(result.paths ?? {})) {
    for (const op of Object.values(operations)) {
      if (op[OPTIONAL_BODY] !== true) continue;
      delete op[OPTIONAL_BODY];
      if (typeof op.requestBody === 'object' && op.requestBody !== null) (op.requestBody as { required?: boolean }).required = false;
    }
  }
  return result as ReturnType<typeof jsonSchemaTransformObject>;
}

function transformSchema(document: TransformDocument): ReturnType<typeof jsonSchemaTransform> {
  const body = (document.schema as { body?: unknown } | undefined)?.body;
  if (!hasContent(body)) return jsonSchemaTransform(document);
  const { schema, url } = jsonSchemaTransform({ ...document, schema: { ...document.schema, body: undefined } } as TransformDocument);
  const content: Record<string, { schema: unknown }> = {};
  for (const [type, media] of Object.entries(body.content)) {
    const one = jsonSchemaTransform({ ...document, schema: { body: media.schema } } as TransformDocument);
    content[type] = { schema: (one.schema as { body: unknown }).body };
  }
  return { schema: { ...schema, body: { content } }, url };
}

async function docsPlugin(app: FastifyInstance) {
  // The UI's own routes need no token.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), access: 'public' };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Regional indicators',
        description: API_DOCS.service,
        version: '1.0.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform,
    transformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
}

export default fp(docsPlugin, { name: 'docs' });
