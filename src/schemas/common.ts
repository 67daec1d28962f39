/** Building blocks shared by every route schema (API.md, Conventions). */
import { z } from 'zod';
import { FIRST_PERIOD, LAST_PERIOD, PERIOD_PATTERN } from '../domain/period.ts';
import { CODE_PATTERN } from '../domain/types.ts';
import { ERROR_CODES, MAX_ERROR_DETAILS, type ErrorDetail } from '../errors.ts';

/**
 * The one rule for free text (names, units, levels), which ends up in SVG,
 * PNG (resvg reads the SVG as XML) and Word (XML): XML 1.0's Char
 * production leaves out C0 controls, lone surrogates, U+FFFE and U+FFFF;
 * C1 controls and Unicode's other noncharacters (U+FDD0–U+FDEF, U+xFFFE and
 * U+xFFFF in every plane) are never meant in a name either. A lone surrogate
 * also arrives as a JSON escape ("\ud800"), and SQLite would store it as
 * U+FFFD. Everything else, `<`, `&` and `]]>` included, is the renderers' to
 * escape.
 */
export const FREE_TEXT_PATTERN = /^[^\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]*$/u;
const FREE_TEXT_ERROR = 'must not contain control characters, lone surrogates or noncharacters such as U+FFFE, U+FFFF or U+FDD0 (XML cannot carry them)';
export const NAME_MAX = 200;

/** Free text, trimmed, at most `max` characters, under the rule above. */
export function freeTextSchema(max: number, what: string) {
  return z
    .string({ error: `must be ${what} (a string)` })
    .trim()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(FREE_TEXT_PATTERN, { error: FREE_TEXT_ERROR });
}

export const codeSchema = z
  .string({ error: 'must be a code (a string)' })
  .regex(CODE_PATTERN, { error: 'must be a code: 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit' });

export const periodSchema = z
  .string({ error: 'must be a period written YYYY-MM' })
  .regex(PERIOD_PATTERN, { error: `must be a month from ${FIRST_PERIOD} to ${LAST_PERIOD} written YYYY-MM, e.g. 2022-06` });

export const nameSchema = freeTextSchema(NAME_MAX, 'a name').min(1, { error: 'must not be empty' });

export const basisSchema = z.enum(['ytd', 'month', 'level'], { error: 'must be one of ytd, month, level' });
export const directionSchema = z.enum(['higher', 'lower'], { error: 'must be higher or lower' });
export const metricSchema = z.enum(['yoy', 'value'], { error: 'must be yoy or value' });
/** What a ranking may rank: growth, size, or completion of the annual target (完成率). */
export const rankingMetricSchema = z.enum(['yoy', 'value', 'completion'], { error: 'must be yoy, value or completion' });
export const changeSchema = z.enum(['percent', 'points'], { error: 'must be percent or points' });
export const statusSchema = z.enum(['p', 'e', 'r', 'b'], { error: 'must be one of p (provisional), e (estimated), r (revised), b (break)' });
export const yoySourceSchema = z.enum(['reported', 'computed']).nullable();
export const reasonSchema = z.enum(['no-figure', 'no-base', 'base-not-positive', 'out-of-range']);
/** Why a peer is not ranked, completion rankings included (no-target: no annual amount to complete). */
export const rankingReasonSchema = z.enum(['no-figure', 'no-base', 'base-not-positive', 'out-of-range', 'no-target']);

export const errorDetailSchema = z.object({
  sheet: z.string().optional().describe('for a posted workbook (.xlsx): the sheet the row is on'),
  row: z
    .number()
    .int()
    .optional()
    .describe('record number from 1; 0 for a CSV header fault; for a posted workbook, the row number Excel shows (its header is row 1 when it starts the sheet)'),
  field: z.string(),
  message: z.string(),
  releaseAt: z.string().nullable().optional().describe('not_released: when the month is released (RFC 3339, UTC), null when not scheduled'),
  region: z.string().optional().describe('review_failed: the region a failed check is about'),
  expected: z.number().optional().describe("review_failed (totals): the parent's own figure"),
  actual: z.number().optional().describe("review_failed (totals): its children's sum"),
});

export const errorSchema = z
  .object({
    error: z.enum(ERROR_CODES),
    message: z.string(),
    details: z.array(errorDetailSchema).max(MAX_ERROR_DETAILS).optional().describe(`every fault found, or the first ${MAX_ERROR_DETAILS} when there were more (see detailsTotal)`),
    detailsTotal: z
      .number()
      .int()
      .optional()
      .describe(`present only when details lists the first ${MAX_ERROR_DETAILS} of more faults: how many were found in all`),
  })
  .meta({ id: 'Error' });

/** errorDetailSchema is ErrorDetail (errors.ts) as OpenAPI shows it: a field added to one and not the other fails the type check. */
type Agrees<A, B> = [A, keyof A] extends [B, keyof B] ? ([B, keyof B] extends [A, keyof A] ? true : false) : false;
true satisfies Agrees<z.infer<typeof errorDetailSchema>, ErrorDetail>;

/** Query flags arrive as text: only "true" and "false" are accepted. */
export const booleanQuerySchema = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((v) => v === 'true');

/** Peers are the children of a parent or the members of a group: exactly one. */
export const peersQuery = {
  parent: codeSchema.optional().describe('rank the direct children of this region'),
  group: codeSchema.optional().describe('rank the members of this peer group'),
};

/** At most one of parent and group; with `required`, exactly one. */
export function peerSource(required: boolean) {
  return (q: { parent?: string | undefined; group?: string | undefined }, ctx: z.RefinementCtx): void => {
    if (q.parent !== undefined && q.group !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['group'], message: 'give either parent or group, not both' });
    } else if (required && q.parent === undefined && q.group === undefined) {
      ctx.addIssue({ code: 'custom', path: ['parent'], message: 'give parent (rank its children) or group (rank its members)' });
    }
  };
}
