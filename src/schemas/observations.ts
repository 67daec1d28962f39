/** Observations in and out (API.md, Observations). */
import { z } from 'zod';
import { booleanQuerySchema, codeSchema, periodSchema, statusSchema } from './common.ts';

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

export const observationSchema = z
  .object({
    indicator: codeSchema,
    region: codeSchema,
    period: periodSchema,
    value: bounded(MAX_ABS_VALUE),
    yoy: bounded(MAX_ABS_YOY).nullable().optional().describe('officially published growth in percent, or change in points for rates'),
    status: statusSchema.nullable().optional(),
  })
  .strict()
  .meta({ id: 'Observation' });

export type ObservationInput = z.infer<typeof observationSchema>;

/** The documented body; rows are validated one by one by the ingest service so every bad row is reported. */
export const observationsBody = z
  .object({ observations: z.array(observationSchema) })
  .describe('JSON body; text/csv is also accepted: header indicator,region,period,value[,yoy][,status], UTF-8 (BOM optional) or GB18030/GBK');

export const ingestQuery = z.object({
  dryRun: booleanQuerySchema.optional().describe('validate and count without storing'),
});

export const warningSchema = z.object({ row: z.number().int(), field: z.string(), message: z.string() });

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
  value: z.number(),
  yoy: z.number().nullable(),
  status: statusSchema.nullable(),
  receivedAt: z.string().describe('ISO 8601 time the version was received'),
  by: z.string().describe('who posted it: the token holder name or role'),
});

export const historyResultSchema = z.object({
  indicator: z.string(),
  region: z.string(),
  period: z.string(),
  versions: z.array(versionSchema),
});
