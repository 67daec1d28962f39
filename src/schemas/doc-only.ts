/**
 * Schemas that describe a part of a request in the OpenAPI document but are
 * checked by a service instead of by Fastify: the observations body, whose
 * rows are validated one by one so that every bad row is reported with its
 * number, for JSON and CSV alike; a body may be documented per media type
 * (`{ content: { type: { schema } } }`).
 */
import type { z } from 'zod';

const documentedOnly = new WeakSet<object>();

export function docOnly<T extends z.ZodType | { content: Record<string, { schema: z.ZodType }> }>(schema: T): T {
  documentedOnly.add(schema);
  // Fastify compiles a validator for each media type's schema of its own.
  if ('content' in schema) for (const media of Object.values(schema.content)) documentedOnly.add(media.schema);
  return schema;
}

export function isDocOnly(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && documentedOnly.has(schema);
}
