/** Tokens managed through the API and the pre-release access log (API.md "Tokens and scopes", "Pre-release access log"). */
import { z } from 'zod';
import { accessLogFormats } from '../formats/access-log.ts';
import { ROLES } from '../roles.ts';
import { codeSchema, periodSchema } from './common.ts';
import { instantSchema } from './publication.ts';

/** Codes one scope list may name: a province's prefectures, a city's counties; 1,000 is more than any office holds. */
export const MAX_SCOPE_CODES = 1_000;

const codes = (what: string) =>
  z
    .array(codeSchema)
    .min(1, { error: `must name at least one ${what} (leave the list out for all)` })
    .max(MAX_SCOPE_CODES, { error: `at most ${MAX_SCOPE_CODES} codes` });

export const scopeSchema = z
  .object({
    regions: codes('region').optional().describe('region codes: each covers itself and every region below it in the catalog, former codes included'),
    indicators: codes('indicator').optional().describe('indicator codes'),
  })
  .strict()
  .describe('narrows the role: an omitted list means all');

export const tokenBody = z
  .object({
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
    holder: codeSchema.describe('who holds it: recorded as `by` on what it posts and in the access log'),
    scope: scopeSchema.optional(),
    expiresAt: instantSchema.optional().describe('when it stops working (RFC 3339 with an offset)'),
  })
  .strict();

export const tokenParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be a token id' }) });

const tokenFields = {
  id: z.string(),
  role: z.enum(ROLES),
  holder: z.string(),
  scope: scopeSchema.nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
};

export const createdTokenSchema = z.object({ ...tokenFields, token: z.string().describe('shown this once: only its hash is kept') });

export const tokenListSchema = z.object({
  tokens: z.array(
    z.object({
      ...tokenFields,
      createdBy: z.string(),
      lastUsedAt: z.string().nullable().describe('to the minute: instances note use in memory and store it at most once a minute'),
      revokedAt: z.string().nullable(),
    }),
  ),
});

export const accessLogQuery = z
  .object({
    indicator: codeSchema.optional(),
    period: periodSchema.optional(),
    holder: codeSchema.optional(),
    from: instantSchema.optional().describe('entries at or after this instant'),
    to: instantSchema.optional().describe('entries at or before this instant'),
    limit: z.coerce.number({ error: 'must be an integer from 1 to 10000' }).int({ error: 'must be an integer from 1 to 10000' }).min(1).max(10_000).optional(),
    cursor: z.string().max(500).optional().describe('the `next` of the previous page'),
    format: accessLogFormats.formatParam(),
  })
  .strict();

export const accessEntrySchema = z.object({
  at: z.string(),
  holder: z.string(),
  role: z.string(),
  method: z.string(),
  path: z.string(),
  months: z.array(z.object({ indicator: z.string(), period: z.string() })),
});

export const accessLogSchema = z.object({ entries: z.array(accessEntrySchema), next: z.string().nullable() });
