/** Annual targets (API.md, Targets and progress). */
import { z } from 'zod';
import { codeSchema } from './common.ts';

/** Years as periods allow them (1800-01 to 2199-12). */
export const MIN_YEAR = 1800;
export const MAX_YEAR = 2199;
/** Every county's targets for a national catalog fit: 3,000 regions × 50 indicators, with room. */
export const MAX_TARGET_BATCH = 200_000;

const yearSchema = z
  .number({ error: 'must be a year, an integer such as 2022' })
  .int({ error: 'must be an integer year' })
  .min(MIN_YEAR, { error: `must be from ${MIN_YEAR} to ${MAX_YEAR}` })
  .max(MAX_YEAR, { error: `must be from ${MIN_YEAR} to ${MAX_YEAR}` });

export const targetKindSchema = z.enum(['value', 'growth'], { error: 'must be value (an annual amount or level) or growth (a growth rate)' });

export const targetSchema = z
  .object({
    indicator: codeSchema,
    region: codeSchema,
    year: yearSchema,
    kind: targetKindSchema.describe('value: an annual amount (ytd) or a level to reach or stay within (level); growth: a year-on-year growth in % (or points for rates)'),
    value: z.number({ error: 'must be a number' }).finite({ error: 'must be a finite number' }),
  })
  .strict()
  .meta({ id: 'Target' });

export const targetsBody = z.object({ targets: z.array(targetSchema).max(MAX_TARGET_BATCH, { error: `at most ${MAX_TARGET_BATCH} targets a request` }) }).strict();

export const targetsQuery = z.object({
  indicator: codeSchema.optional(),
  region: codeSchema.optional(),
  year: z
    .string()
    .regex(/^\d{4}$/, { error: 'must be a year written with four digits' })
    .transform(Number)
    .optional(),
});

export const targetsResultSchema = z.object({ targets: z.array(targetSchema) });

export type TargetInput = z.infer<typeof targetSchema>;
