/** Chart endpoints (API.md, Charts): the same peers and periods as the analytics, plus presentation options. */
import { z } from 'zod';
import { chartFormats } from '../formats/resources.ts';
import { DEFAULT_PNG_SCALE, MAX_PNG_SCALE, MIN_PNG_SCALE } from '../formats/png.ts';
import { codeSchema, metricSchema, peerSource, peersQuery, periodSchema, rankingMetricSchema } from './common.ts';
import { pinQuery } from './publication.ts';
import { onePeerSource } from './progress.ts';

export const MAX_TOP = 500;

const top = z
  .string()
  .regex(/^\d+$/, { error: 'must be a whole number' })
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_TOP, { error: `must be from 1 to ${MAX_TOP}` })
  .optional()
  .describe('how many peers to show (the highlighted region is always shown)');

const format = chartFormats.formatParam();
const scale = z
  .string()
  .regex(/^\d+(\.\d+)?$/, { error: 'must be a number' })
  .transform(Number)
  .refine((n) => n >= MIN_PNG_SCALE && n <= MAX_PNG_SCALE, { error: `must be from ${MIN_PNG_SCALE} to ${MAX_PNG_SCALE}` })
  .optional()
  .describe(`PNG pixels per chart pixel, ${MIN_PNG_SCALE} to ${MAX_PNG_SCALE}; default ${DEFAULT_PNG_SCALE} (sharp in a document)`);
const highlight = codeSchema.optional().describe('region drawn in its own colour');

function fromNotAfterTo(q: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx): void {
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
}

export const rankingChartQuery = z
  .object({ indicator: codeSchema, period: periodSchema, ...peersQuery, by: rankingMetricSchema.optional(), highlight, top, format, scale, ...pinQuery })
  .superRefine(peerSource(true));

/** The progress chart: the progress query, with the chart's options. */
export const progressChartQuery = z
  .object({ indicator: codeSchema, period: periodSchema, ...peersQuery, region: codeSchema.optional().describe('one region (instead of parent or group)'), highlight, format, scale, ...pinQuery })
  .superRefine(onePeerSource);
export const trendChartQuery = z
  .object({
    indicator: codeSchema,
    region: codeSchema,
    from: periodSchema.optional(),
    to: periodSchema.optional(),
    measure: z.enum(['value', 'yoy'], { error: 'must be value or yoy' }).optional().describe('value (default) or yoy'),
    format,
    scale,
    ...pinQuery,
  })
  .superRefine(fromNotAfterTo);

export const rankHistoryChartQuery = z
  .object({
    indicator: codeSchema,
    ...peersQuery,
    from: periodSchema.optional().describe('default: 11 months before to'),
    to: periodSchema.optional().describe('default: the latest month with figures'),
    by: metricSchema.optional(),
    highlight,
    top,
    format,
    scale,
    ...pinQuery,
  })
  .superRefine((q, ctx) => {
    peerSource(true)(q, ctx);
    fromNotAfterTo(q, ctx);
  });

export const scorecardChartQuery = z.object({ region: codeSchema, period: periodSchema, ...peersQuery, format, scale, ...pinQuery }).superRefine(peerSource(false));

export const chartSpecSchema = z.record(z.string(), z.unknown()).describe('a Vega-Lite TopLevelSpec with its data inline').meta({ id: 'VegaLiteSpec' });
