/** Series, rankings and scorecards (API.md). */
import { z } from 'zod';
import { API_DOCS } from '../domain/words/api-docs.ts';
import { rankingFormats } from '../formats/resources.ts';
import {
  codeSchema,
  directionSchema,
  metricSchema,
  peerSource,
  peersQuery,
  periodSchema,
  rankingMetricSchema,
  rankingReasonSchema,
  reasonSchema,
  statusSchema,
  yoySourceSchema,
} from './common.ts';
import { asOfField, pinQuery } from './publication.ts';

export const seriesQuery = z
  .object({
    indicator: codeSchema,
    region: codeSchema,
    from: periodSchema.optional().describe('first month, inclusive'),
    to: periodSchema.optional().describe('last month, inclusive'),
    ...pinQuery,
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
    }
  });

export const seriesPointSchema = z.object({
  period: z.string(),
  value: z.number(),
  yoy: z.number().nullable(),
  yoySource: yoySourceSchema,
  yoyComputed: z.number().nullable(),
  monthValue: z.number().nullable().describe('the month alone: derived from year-to-date figures'),
  status: statusSchema.nullable(),
});

export const seriesResultSchema = z.object({
  indicator: z.string(),
  region: z.string(),
  ...asOfField,
  points: z.array(seriesPointSchema),
});

export const rankingsQuery = z
  .object({
    indicator: codeSchema,
    period: periodSchema,
    ...peersQuery,
    by: rankingMetricSchema.optional().describe(API_DOCS.rankingBy),
    ...pinQuery,
    format: rankingFormats.formatParam(),
  })
  .superRefine(peerSource(true));

export const rankingRowSchema = z.object({
  region: z.string(),
  name: z.string(),
  value: z.number(),
  yoy: z.number().nullable(),
  yoySource: yoySourceSchema,
  yoyComputed: z.number().nullable(),
  status: statusSchema.nullable(),
  rank: z.number().int(),
  previousRank: z.number().int().nullable(),
  rankChange: z.number().int().nullable().describe(API_DOCS.rankChange),
  gapAbove: z.number().nullable().describe('behind the next better distinct figure, at published precision; null at the top'),
  gapBelow: z.number().nullable().describe('ahead of the next worse distinct figure, at published precision; null at the bottom'),
  vsAverage: z.number().nullable().describe('growth at 0.1 minus the average at 0.1, in points; null without an average'),
  completion: z.number().optional().describe('by=completion: year-to-date value / annual target × 100, at 0.1'),
  target: z.number().optional().describe('by=completion: the annual amount'),
});

export const averageSchema = z
  .object({ yoy: z.number(), source: z.enum(['parent', 'aggregate']).describe("parent: the parent's own growth; aggregate: the growth of the peers' summed values") })
  .nullable()
  .describe('the whole area\'s growth, for rankings by growth among a parent\'s children');

export const missingSchema = z.object({ region: z.string(), name: z.string(), reason: rankingReasonSchema });

export const rankingResultSchema = z
  .object({
    indicator: z.string(),
    period: z.string(),
    ...asOfField,
    by: rankingMetricSchema,
    direction: directionSchema,
    peers: z.number().int(),
    ranked: z.number().int(),
    previousPeriod: z.string().nullable(),
    average: averageSchema,
    timeProgress: z.number().optional().describe(API_DOCS.rankingTimeProgress),
    rows: z.array(rankingRowSchema),
    missing: z.array(missingSchema),
  })
  .meta({ id: 'Ranking' });

export const scorecardQuery = z
  .object({ region: codeSchema, period: periodSchema, ...peersQuery, ...pinQuery })
  .superRefine(peerSource(false));

const standingSchema = z.object({
  rank: z.number().int().nullable(),
  ranked: z.number().int().describe('how many peers were ranked'),
  previousRank: z.number().int().nullable(),
  rankChange: z.number().int().nullable(),
  reason: reasonSchema.nullable(),
});

export const scorecardRowSchema = z.object({
  indicator: z.string(),
  name: z.string(),
  unit: z.string(),
  rankBy: metricSchema,
  value: z.number().nullable(),
  yoy: z.number().nullable(),
  yoySource: yoySourceSchema,
  yoyComputed: z.number().nullable(),
  status: statusSchema.nullable(),
  byValue: standingSchema.describe(API_DOCS.byValue),
  byYoy: standingSchema.describe(API_DOCS.byYoy),
  rank: z.number().int().nullable().describe('rank on the default metric (rankBy)'),
  ranked: z.number().int(),
  rankChange: z.number().int().nullable(),
  weak: z.boolean().describe(API_DOCS.weak),
  previousPeriod: z.string().nullable(),
});

export const scorecardResultSchema = z
  .object({
    region: z.string(),
    name: z.string(),
    period: z.string(),
    ...asOfField,
    parent: z.string().nullable(),
    group: z.string().nullable(),
    peers: z.number().int(),
    indicators: z.array(scorecardRowSchema),
    notReleased: z
      .array(z.object({ indicator: z.string(), releaseAt: z.string().nullable() }))
      .describe('indicators left out: their month is not released yet for this caller'),
  })
  .meta({ id: 'Scorecard' });
