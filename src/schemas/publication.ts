/** Release calendar, as-of reads, the changes feed and withdrawals (API.md "Release calendar and embargo", "As of an instant"). */
import { z } from 'zod';
import { isDay, parseInstant } from '../domain/instant.ts';
import { observationFormats } from '../formats/resources.ts';
import { codeSchema, periodSchema, statusSchema } from './common.ts';
import { correctionReasonSchema } from './observations.ts';

const INSTANT_HELP = 'an RFC 3339 instant with an offset, e.g. 2024-07-15T10:00:00+08:00 or 2024-07-15T02:00:00Z';

export const instantSchema = z
  .string({ error: `must be ${INSTANT_HELP}` })
  .refine((text) => parseInstant(text) !== null, { error: `must be ${INSTANT_HELP} (a time without an offset is ambiguous)` });

/** `asOf` and `vintage` on every read that may be pinned to an instant. */
export const pinQuery = {
  asOf: z
    .string()
    .refine((text) => parseInstant(text) !== null || isDay(text), { error: `must be ${INSTANT_HELP}, or a day YYYY-MM-DD (the end of that day in REPORT_TZ)` })
    .optional()
    .describe('answer what was public at this instant (RFC 3339 with an offset, or YYYY-MM-DD = the end of that day in REPORT_TZ)'),
  vintage: z.enum(['latest', 'first'], { error: 'must be latest or first' }).optional().describe('first: each figure as first released (ALFRED initial release)'),
};

export const asOfField = { asOf: z.string().optional().describe('the instant answered (RFC 3339, UTC), when the request pinned one') };

export const releasesBody = z
  .object({
    releases: z
      .array(z.object({ indicator: codeSchema, period: periodSchema, releaseAt: instantSchema }).strict())
      .max(100_000, { error: 'at most 100,000 releases a request' }),
  })
  .strict();

export const releasesQuery = z
  .object({ indicator: codeSchema.optional(), from: periodSchema.optional().describe('first month, inclusive'), to: periodSchema.optional().describe('last month, inclusive') })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
  });

export const releaseParams = z.object({ indicator: codeSchema, period: periodSchema });

const releaseChangeSchema = z.object({
  releaseAt: z.string().nullable().describe('the release time set; null: the embargo was ended (DELETE)'),
  changedAt: z.string(),
  by: z.string(),
});

export const releasesResultSchema = z.object({
  releases: z.array(
    z.object({
      indicator: z.string(),
      period: z.string(),
      releaseAt: z.string().nullable().describe('the release time in force; null once ended early'),
      released: z.boolean().describe('the release time has passed (or was ended); under review the month may still await approval'),
      awaitingApproval: z.boolean().optional().describe('under review: the release time has passed while versions of the month wait for an approval'),
      changes: z.array(releaseChangeSchema).describe('every setting, the first included, oldest first'),
    }),
  ),
});

export const changesQuery = z
  .object({
    since: instantSchema.describe('versions that became public after this instant'),
    until: instantSchema.optional().describe('… and at or before this one (default: now)'),
    indicator: codeSchema.optional(),
    limit: z.coerce.number({ error: 'must be an integer from 1 to 10000' }).int({ error: 'must be an integer from 1 to 10000' }).min(1).max(10_000).optional(),
    cursor: z.string().max(2_000).optional().describe('the `next` of the previous page'),
  })
  .strict();

export const changeSchema = z.object({
  indicator: z.string(),
  region: z.string(),
  period: z.string(),
  value: z.number().nullable(),
  yoy: z.number().nullable(),
  status: statusSchema.nullable(),
  publishedAt: z.string(),
  version: z.number().int(),
  action: z.enum(['I', 'D']),
  reason: correctionReasonSchema.nullable().describe('why the version changed the figure (API.md "Corrections"); null when not given'),
  note: z.string().nullable(),
});

export const changesResultSchema = z.object({
  since: z.string(),
  until: z.string().describe('the end of the window: pass it as the next since'),
  changes: z.array(changeSchema),
  next: z.string().nullable(),
});

export const withdrawParams = z.object({ indicator: codeSchema, region: codeSchema, period: periodSchema });
export const withdrawResultSchema = z.object({ withdrawn: z.literal(true), version: z.number().int() });

export const listQuery = z
  .object({
    indicator: codeSchema,
    from: periodSchema.optional().describe('first month, inclusive'),
    to: periodSchema.optional().describe('last month, inclusive'),
    region: codeSchema.optional().describe('one region'),
    parent: codeSchema.optional().describe("a parent's direct children, as in rankings"),
    group: codeSchema.optional().describe("a peer group's members"),
    limit: z.coerce
      .number({ error: 'must be an integer from 1 to 100000' })
      .int({ error: 'must be an integer from 1 to 100000' })
      .min(1)
      .max(100_000)
      .optional()
      .describe('rows a page holds: default 10,000 as JSON, 100,000 as a download'),
    cursor: z.string().max(2_000).optional().describe('the `next` of the previous page'),
    format: observationFormats.formatParam(),
    ...pinQuery,
  })
  .superRefine((q, ctx) => {
    if ([q.region, q.parent, q.group].filter((x) => x !== undefined).length > 1) ctx.addIssue({ code: 'custom', path: ['region'], message: 'give at most one of region, parent and group' });
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
  });

export const listResultSchema = z.object({
  ...asOfField,
  observations: z.array(
    z.object({
      indicator: z.string(),
      region: z.string(),
      period: z.string(),
      value: z.number(),
      yoy: z.number().nullable(),
      status: statusSchema.nullable(),
      reason: correctionReasonSchema.nullable().describe('why the version shown changed the figure; null when not given'),
      note: z.string().nullable(),
    }),
  ),
  next: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
});
