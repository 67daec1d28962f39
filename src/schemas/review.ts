/** Review and sign-off (API.md "Review and sign-off"). */
import { z } from 'zod';
import { MIN_OVERRIDE_LENGTH } from '../services/review.ts';
import { codeSchema, freeTextSchema, periodSchema } from './common.ts';

/** A note or a reason: a sentence or two, as corrections' notes. */
const NOTE_MAX = 500;

export const reviewQuery = z
  .object({
    indicator: codeSchema,
    period: periodSchema,
    parent: codeSchema.optional().describe("check a parent's children (default: every parent's)"),
    group: codeSchema.optional().describe("check a group's members"),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.parent !== undefined && q.group !== undefined) ctx.addIssue({ code: 'custom', path: ['group'], message: 'give parent or group, not both' });
  });

export const approveBody = z
  .object({
    indicator: codeSchema,
    period: periodSchema,
    note: freeTextSchema(NOTE_MAX, 'a note').optional(),
    override: freeTextSchema(NOTE_MAX, 'a reason')
      .min(MIN_OVERRIDE_LENGTH, { error: `must give a reason of at least ${MIN_OVERRIDE_LENGTH} characters` })
      .optional()
      .describe('approve despite failing checks: why (kept with the approval)'),
  })
  .strict();

export const reopenBody = z
  .object({
    indicator: codeSchema,
    period: periodSchema,
    reason: freeTextSchema(NOTE_MAX, 'a reason').min(1, { error: 'must say why' }),
  })
  .strict();

const checkSchema = z.object({
  check: z.enum(['completeness', 'totals', 'plausibility', 'late']),
  severity: z.enum(['error', 'warning']),
  region: z.string().optional(),
  message: z.string(),
  expected: z.number().optional(),
  actual: z.number().optional(),
});

export const sheetSchema = z.object({
  indicator: z.string(),
  period: z.string(),
  review: z.boolean().describe('whether the indicator is under review'),
  state: z.enum(['open', 'approved']),
  pending: z.number().int().describe('versions received since the last approval'),
  approvals: z.array(z.object({ at: z.string(), by: z.string(), note: z.string().nullable(), override: z.string().nullable() })),
  reopens: z.array(z.object({ at: z.string(), by: z.string(), reason: z.string().nullable() })),
  checks: z.array(checkSchema),
  counts: z.object({ errors: z.number().int(), warnings: z.number().int() }),
});

export const approvedSchema = z.object({
  state: z.literal('approved'),
  at: z.string(),
  by: z.string(),
  publishedAt: z.string().nullable().describe('when the approved versions became public: now, or null while the release time is ahead'),
  releaseAt: z.string().nullable(),
});

export const reopenedSchema = z.object({ state: z.literal('open'), at: z.string(), by: z.string() });
