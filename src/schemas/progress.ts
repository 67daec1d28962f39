/** Progress against annual targets (API.md, Targets and progress). */
import { z } from 'zod';
import { API_DOCS } from '../domain/words/api-docs.ts';
import { progressFormats } from '../formats/resources.ts';
import { codeSchema, peersQuery, periodSchema } from './common.ts';
import { asOfField, pinQuery } from './publication.ts';
import { targetKindSchema } from './targets.ts';

/** Exactly one of region, parent and group. */
export function onePeerSource(q: { parent?: string | undefined; group?: string | undefined; region?: string | undefined }, ctx: z.RefinementCtx): void {
  const given = [q.parent, q.group, q.region].filter((x) => x !== undefined).length;
  if (given > 1) ctx.addIssue({ code: 'custom', path: [q.region !== undefined ? 'region' : 'group'], message: 'give one of region, parent or group' });
  if (given === 0) ctx.addIssue({ code: 'custom', path: ['parent'], message: 'give region (one), parent (its children) or group (its members)' });
}

export const progressQuery = z
  .object({
    indicator: codeSchema,
    period: periodSchema,
    ...peersQuery,
    region: codeSchema.optional().describe('one region (instead of parent or group)'),
    format: progressFormats.formatParam(),
    ...pinQuery,
  })
  .superRefine(onePeerSource);

export const progressRowSchema = z.object({
  region: z.string(),
  name: z.string(),
  value: z.number().nullable(),
  yoy: z.number().nullable(),
  target: z.object({ kind: targetKindSchema, value: z.number() }).nullable().describe('the amount or level when set, else the growth rate'),
  completion: z.number().nullable().describe(API_DOCS.completion),
  gap: z.number().nullable().describe('completion − time progress, or the level or growth minus its target, at 0.1; positive is better'),
  rank: z.number().int().nullable().describe('rank by completion among the rows that have one'),
  growthTarget: z.number().nullable().describe('a growth target set beside an amount target'),
  growthGap: z.number().nullable().describe('the growth minus that target, at 0.1; positive is better'),
});

export const progressResultSchema = z
  .object({
    indicator: z.string(),
    period: z.string(),
    ...asOfField,
    timeProgress: z.number().describe(API_DOCS.timeProgress),
    rows: z.array(progressRowSchema),
  })
  .meta({ id: 'Progress' });
