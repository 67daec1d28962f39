/**
 * A batch body (`{"regions": [...]}`) checked an entry at a time, a chunk of
 * entries a turn of the event loop: zod checks a 20,000-region body in
 * 25-90 ms at a stretch, and then the service answers nobody. The route
 * documents the whole body (docOnly); errors have the shape Fastify's
 * validation gives (row and field, at most MAX_ERROR_DETAILS).
 */
import type { z } from 'zod';
import { ApiError, detailOf, MAX_ERROR_DETAILS, type ErrorDetail } from '../errors.ts';
import { nextTurn } from './yield.ts';

/** Entries checked between two turns of the event loop: a few milliseconds' worth. */
export const ENTRIES_PER_TURN = 1_000;

export async function parseBatch<T>(body: unknown, key: string, entry: z.ZodType<T>, max: number): Promise<T[]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('validation_failed', `the body must be a JSON object with a ${key} array`, { details: [{ field: 'body', message: 'must be an object' }] });
  }
  const extra = Object.keys(body).filter((k) => k !== key);
  if (extra.length > 0) throw new ApiError('validation_failed', `invalid body: unknown field ${extra[0]}`, { details: [{ field: extra.join(', '), message: 'unknown field' }] });
  const entries = (body as Record<string, unknown>)[key];
  if (!Array.isArray(entries)) throw new ApiError('validation_failed', `invalid body: ${key} must be an array`, { details: [{ field: key, message: 'must be an array' }] });
  if (entries.length > max) throw new ApiError('validation_failed', `invalid body: at most ${max} entries a request`, { details: [{ field: key, message: `at most ${max} entries a request` }] });
  const out: T[] = [];
  const details: ErrorDetail[] = [];
  let faults = 0;
  for (const [i, value] of entries.entries()) {
    if (i > 0 && i % ENTRIES_PER_TURN === 0) await nextTurn();
    const parsed = entry.safeParse(value);
    if (parsed.success) {
      out.push(parsed.data);
      continue;
    }
    for (const issue of parsed.error.issues) {
      faults++;
      if (details.length >= MAX_ERROR_DETAILS) continue;
      // An unknown key is named as the field at fault, not its object.
      const keys = 'keys' in issue && Array.isArray(issue.keys) ? [issue.keys.join(', ')] : [];
      details.push(detailOf([key, i, ...(issue.path as Array<string | number>), ...keys], issue.message));
    }
  }
  if (details.length > 0) {
    const first = details[0]!;
    throw new ApiError('validation_failed', `invalid body: ${first.field} ${first.message}`, { details, detailsTotal: faults });
  }
  return out;
}
