/**
 * Schemas that describe a part of a request in the OpenAPI document but are
 * checked by a service instead of by Fastify: the observations body, whose
 * rows are validated one by one so that every bad row is reported with its
 * number, for JSON and CSV alike.
 */
import type { z } from 'zod';

const documentedOnly = new WeakSet<object>();

export function docOnly<T extends z.ZodType>(schema: T): T {
  documentedOnly.add(schema);
  return schema;
}

export function isDocOnly(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && documentedOnly.has(schema);
}
