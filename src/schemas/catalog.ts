/** Catalog entries: regions, peer groups, indicators (API.md, Catalog). */
import { z } from 'zod';
import { API_DOCS } from '../domain/words/api-docs.ts';
import {
  basisSchema,
  changeSchema,
  codeSchema,
  directionSchema,
  freeTextSchema,
  metricSchema,
  nameSchema,
  periodSchema,
} from './common.ts';

/** A region's earlier codes: a handful in practice (a county renamed twice); more is a mistake. */
export const MAX_FORMER_CODES = 16;

/** The most decimals a published value carries; beyond it a float's digits are noise. */
export const MAX_DECIMALS = 6;
/** Published values default to two decimals (亿元 to 0.01). */
export const DEFAULT_DECIMALS = 2;
/** A catalog batch larger than this is a mistake, not a catalog. */
export const MAX_CATALOG_BATCH = 20_000;

/** Whether a parent's figure is the sum of its children's (API.md, Review and sign-off). */
export const aggregationSchema = z.enum(['sum', 'none'], { error: 'must be sum or none' });

const levelSchema = freeTextSchema(32, 'a level').min(1, { error: 'must not be empty' });

export const regionSchema = z
  .object({
    code: codeSchema,
    name: nameSchema,
    parent: codeSchema.nullable().optional().describe(API_DOCS.regionParent),
    level: levelSchema
      .nullable()
      .optional()
      .describe(API_DOCS.regionLevel),
    formerCodes: z.array(codeSchema).max(MAX_FORMER_CODES).optional().describe('earlier codes of the same territory: figures posted and reads under them mean this region'),
    validFrom: periodSchema.optional().describe('first month the region is a peer (inclusive)'),
    validTo: periodSchema.optional().describe('last month the region is a peer (inclusive)'),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.validFrom !== undefined && r.validTo !== undefined && r.validFrom > r.validTo) ctx.addIssue({ code: 'custom', path: ['validFrom'], message: 'must not be after validTo' });
    if (r.formerCodes?.includes(r.code)) ctx.addIssue({ code: 'custom', path: ['formerCodes'], message: 'a region\'s own code is not a former one' });
  })
  .meta({ id: 'Region' });

export const groupSchema = z
  .object({
    code: codeSchema,
    name: nameSchema,
    members: z.array(codeSchema).max(MAX_CATALOG_BATCH).describe('region codes ranked together'),
  })
  .strict()
  .meta({ id: 'Group' });

export const indicatorSchema = z
  .object({
    code: codeSchema,
    name: nameSchema,
    unit: freeTextSchema(32, 'a unit').describe(API_DOCS.unit),
    basis: basisSchema.describe(API_DOCS.basis),
    direction: directionSchema.describe('lower: the smallest figure ranks first'),
    decimals: z.number().int().min(0).max(MAX_DECIMALS).optional().describe(`published precision of the value, default ${DEFAULT_DECIMALS}`),
    rankBy: metricSchema.optional().describe('default ranking metric, default yoy'),
    change: changeSchema.optional().describe('percent growth or points difference; default points when unit is %'),
    reportValue: z.boolean({ error: 'must be true or false' }).optional().describe('reports quote the figure beside its growth (default true) or the growth alone'),
    review: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .describe('figures become public only once someone other than their poster has approved the month (default false: public on receipt)'),
    aggregation: aggregationSchema
      .optional()
      .describe(API_DOCS.aggregation),
  })
  .strict()
  .meta({ id: 'Indicator' });

const batchLimit = { error: `at most ${MAX_CATALOG_BATCH} entries a request` };
export const regionsBody = z.object({ regions: z.array(regionSchema).max(MAX_CATALOG_BATCH, batchLimit) }).strict();
export const groupsBody = z.object({ groups: z.array(groupSchema).max(MAX_CATALOG_BATCH, batchLimit) }).strict();
export const indicatorsBody = z.object({ indicators: z.array(indicatorSchema).max(MAX_CATALOG_BATCH, batchLimit) }).strict();

export const upsertedSchema = z.object({ upserted: z.number().int() });

export const storedRegionSchema = z.object({
  code: z.string(),
  name: z.string(),
  parent: z.string().nullable(),
  level: z.string().nullable(),
  formerCodes: z.array(z.string()).optional(),
  validFrom: z.string().optional(),
  validTo: z.string().optional(),
});
export const storedIndicatorSchema = z.object({
  code: z.string(),
  name: z.string(),
  unit: z.string(),
  basis: basisSchema,
  direction: directionSchema,
  decimals: z.number().int(),
  rankBy: metricSchema,
  change: changeSchema,
  reportValue: z.boolean(),
  review: z.boolean(),
  reviewSince: z.string().nullable().describe('when review was last turned on (RFC 3339), null while it is off'),
  aggregation: aggregationSchema,
});

export type RegionInput = z.infer<typeof regionSchema>;
export type GroupInput = z.infer<typeof groupSchema>;
export type IndicatorInput = z.infer<typeof indicatorSchema>;
