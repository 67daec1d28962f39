/** Observations in and out (API.md, Observations). */
import { z } from 'zod';
import { type Annotation, NOTE_MAX, REASONS, type Reason } from '../domain/corrections.ts';
import { PERIOD_PATTERN } from '../domain/period.ts';
import { CODE_PATTERN, type Observation, type Status } from '../domain/types.ts';
import { booleanQuerySchema, codeSchema, FREE_TEXT_PATTERN, freeTextSchema, periodSchema, statusSchema } from './common.ts';

const finite = { error: 'must be a finite number' };

/**
 * No published figure comes near these (China's GDP in 元 is about 1.3e14),
 * and below them sums, differences and growth of two figures stay finite and
 * decimal rounding stays exact enough to rank.
 */
export const MAX_ABS_VALUE = 1e15;
/** A reported growth rate, in percent or points. */
export const MAX_ABS_YOY = 1e9;
function bounded(max: number) {
  const range = { error: `must be a number between -${max.toExponential()} and ${max.toExponential()}` };
  return z.number(finite).min(-max, range).max(max, range);
}

/** Why a version changes a figure (API.md "Corrections"). */
export const correctionReasonSchema = z
  .enum(REASONS as [Reason, ...Reason[]], { error: `must be one of ${REASONS.join(', ')} (routine new source data, an error fixed, a reclassification)` })
  .describe('why it changes the figure: revision (routine: new source data), correction (an error fixed), reclassification');
/** A note on why, as every free text is kept (common.ts); blank reads as none. */
export const noteSchema = freeTextSchema(NOTE_MAX, 'a note').describe(`why, in words: at most ${NOTE_MAX} characters, kept with the version`);

export const observationSchema = z
  .object({
    indicator: codeSchema,
    region: codeSchema,
    period: periodSchema,
    value: bounded(MAX_ABS_VALUE),
    yoy: bounded(MAX_ABS_YOY).nullable().optional().describe('officially published growth in percent, or change in points for rates'),
    status: statusSchema.nullable().optional(),
    reason: correctionReasonSchema.nullable().optional(),
    note: noteSchema.nullable().optional(),
  })
  .strict()
  .meta({ id: 'Observation' });

export type ObservationInput = z.infer<typeof observationSchema>;

const OBSERVATION_KEYS = new Set(Object.keys(observationSchema.shape));
const STATUSES = new Set<unknown>(statusSchema.options);
const KNOWN_REASONS = new Set<unknown>(REASONS);
const within = (x: unknown, max: number): x is number => typeof x === 'number' && x >= -max && x <= max;

/**
 * A parsed row's reason and note as stored: present only when given (a row
 * without them is the plain figure, as before), a blank note as none.
 */
export function annotated<T extends object>(row: T, reason: Reason | null | undefined, note: string | null | undefined): T & Annotation {
  const text = note === undefined || note === null || note === '' ? null : note;
  if ((reason === undefined || reason === null) && text === null) return row;
  return { ...row, reason: reason ?? null, note: text };
}

/**
 * observationSchema's verdict on a well-formed row, with growth and status
 * defaulted to null, without zod's cost (a fifth of the service's CPU in a
 * 50,000-row post). It answers a row only where the schema accepts the same
 * row and gives the same figure (test/schemas/observation-fast.test.ts
 * checks this against zod), and undefined otherwise: the caller then asks
 * the schema for its verdict and its messages. The rules are the schema's
 * own parts: its keys, patterns, bounds and statuses.
 */
export function observationFast(data: unknown): (Observation & Annotation) | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  for (const key in data) if (!Object.hasOwn(data, key) || !OBSERVATION_KEYS.has(key)) return undefined;
  const { indicator, region, period, value, yoy, status, reason, note } = data as Record<string, unknown>;
  if (typeof indicator !== 'string' || !CODE_PATTERN.test(indicator) || typeof region !== 'string' || !CODE_PATTERN.test(region)) return undefined;
  if (typeof period !== 'string' || !PERIOD_PATTERN.test(period) || !within(value, MAX_ABS_VALUE)) return undefined;
  if (!(yoy === undefined || yoy === null || within(yoy, MAX_ABS_YOY)) || !(status === undefined || status === null || STATUSES.has(status))) return undefined;
  const figure = { indicator, region, period, value, yoy: (yoy as number | null | undefined) ?? null, status: (status as Status | null | undefined) ?? null };
  if ((reason === undefined || reason === null) && (note === undefined || note === null)) return figure;
  if (!(reason === undefined || reason === null || KNOWN_REASONS.has(reason))) return undefined;
  // The note schema's own steps: trimmed (String.prototype.trim, as zod's), then its length and characters.
  let text: string | null = null;
  if (note !== undefined && note !== null) {
    if (typeof note !== 'string') return undefined;
    text = note.trim();
    if (text.length > NOTE_MAX || !FREE_TEXT_PATTERN.test(text)) return undefined;
  }
  return annotated(figure, reason as Reason | null | undefined, text);
}

/** A withdrawal's optional JSON body: why the figure is withdrawn (API.md "Corrections"); checked by the ingest service. */
export const withdrawBody = z
  .object({ reason: correctionReasonSchema.nullable().optional(), note: noteSchema.nullable().optional() })
  .strict()
  .describe('optional: why the figure is withdrawn, kept with the withdrawal');

/** The documented body; rows are validated one by one by the ingest service so every bad row is reported. */
export const observationsBody = z
  .object({ observations: z.array(observationSchema) })
  .describe('JSON body; text/csv is also accepted: header indicator,region,period,value[,yoy][,status][,reason][,note], UTF-8 (BOM optional) or GB18030/GBK; and an .xlsx workbook (see the description)');

/** Excel's own limit on a sheet's name. */
const SHEET_NAME_MAX = 31;

export const ingestQuery = z.object({
  dryRun: booleanQuerySchema.optional().describe('validate and count without storing'),
  sheet: z
    .string()
    .min(1, { error: 'must name a sheet' })
    .max(SHEET_NAME_MAX, { error: `an Excel sheet name has at most ${SHEET_NAME_MAX} characters` })
    .optional()
    .describe('for an .xlsx body: the sheet to read (default the first); an unknown name is a 400 listing the sheets'),
});

export const warningSchema = z.object({
  sheet: z.string().optional().describe('for a posted workbook: the sheet the row is on'),
  row: z.number().int().describe('as in error details: the record number, or the row Excel shows for a workbook'),
  field: z.string(),
  message: z.string(),
});

export const ingestResultSchema = z
  .object({
    accepted: z.number().int(),
    created: z.number().int(),
    revised: z.number().int(),
    unchanged: z.number().int(),
    dryRun: z.boolean(),
    warnings: z.array(warningSchema),
  })
  .meta({ id: 'IngestResult' });

export const historyQuery = z.object({ indicator: codeSchema, region: codeSchema, period: periodSchema });

export const versionSchema = z.object({
  version: z.number().int().describe('1 for the first version, then 2, 3 …'),
  action: z.enum(['I', 'D']).describe('I: a figure; D: a withdrawal (the figure was posted in error)'),
  value: z.number().nullable().describe('null for a withdrawal'),
  yoy: z.number().nullable(),
  status: statusSchema.nullable(),
  receivedAt: z.string().describe('RFC 3339 time the version was received'),
  publishedAt: z.string().nullable().describe('when it first became public (its receipt, or the end of its month’s embargo); null while unpublished'),
  by: z.string().describe('who posted it: the token holder name or role'),
  reason: correctionReasonSchema.nullable().describe('why it changed the figure, as posted; null when not given'),
  note: z.string().nullable().describe('the note posted with it; null when none'),
});

export const historyResultSchema = z.object({
  indicator: z.string(),
  region: z.string(),
  period: z.string(),
  versions: z.array(versionSchema),
});
