/** Reports (API.md, Reports). */
import { z } from 'zod';
import { TEMPLATE_NAME_PATTERN } from '../domain/types.ts';
import { FIRST_PERIOD, LAST_PERIOD, PERIOD_SOURCE } from '../domain/period.ts';
import { reportFormats } from '../formats/resources.ts';
import { codeSchema, periodSchema } from './common.ts';

export const MAX_REPORT_REGIONS = 10_000;

/** A report template's name (API.md, Report templates). */
export const templateNameSchema = z.string().regex(TEMPLATE_NAME_PATTERN, { error: 'must be a template name: lowercase letters, digits, - and _, at most 64' });

export const runBody = z
  .object({
    period: periodSchema.optional().describe('default: the month before this one, in REPORT_TZ'),
    regions: z.array(codeSchema).max(MAX_REPORT_REGIONS).optional().describe('default: REPORT_REGIONS, else every region with a parent'),
    template: templateNameSchema.optional().describe('the template these reports are drawn with from now on (default: REPORT_TEMPLATE, else the built-in one)'),
  })
  .strict()
  .optional();

export const runResultSchema = z.object({
  period: z.string(),
  reports: z.array(z.object({ region: z.string(), version: z.number().int(), failures: z.number().int() })),
  failures: z.array(z.object({ region: z.string(), indicator: z.string().nullable(), message: z.string() })),
});

export const reportRecordSchema = z.object({
  region: z.string(),
  period: z.string(),
  version: z.number().int(),
  generatedAt: z.string(),
  trigger: z.string(),
  digest: z.string(),
  failures: z.number().int(),
  quotes: z.array(z.string()).describe('the indicators’ months it states figures of (indicator|YYYY-MM): the public reads it once all are released'),
});

export const reportListQuery = z.object({ region: codeSchema.optional(), period: periodSchema.optional() });
export const reportListSchema = z.object({ reports: z.array(reportRecordSchema) });

const extensions = reportFormats.extensions();
/** `2022-06`, or with a format's extension: `2022-06.md`, `2022-06.docx`… */
export const reportParams = z.object({
  region: codeSchema,
  file: z
    .string()
    .regex(new RegExp(`^${PERIOD_SOURCE}(\\.(${extensions.join('|')}))?$`), {
      error: `must be a month from ${FIRST_PERIOD} to ${LAST_PERIOD} written YYYY-MM, optionally followed by ${extensions.map((e) => `.${e}`).join(', ')}`,
    })
    .describe(`the month, with ${extensions.map((e) => `.${e}`).join(', ')} for those formats (or ?format=, or Accept)`),
});

export const reportQuery = z.object({
  format: reportFormats.formatParam(),
  version: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, { error: 'must be a version number from 1' })
    .transform(Number)
    .optional()
    .describe('an earlier version; default the latest'),
  template: templateNameSchema.optional().describe('draw with this template (GET /v1/report-templates); default: the one the report was run with, else REPORT_TEMPLATE, else the built-in one'),
});

export const reportSchema = reportRecordSchema.extend({
  versions: z.array(z.number().int()).describe('every version of this report, oldest first'),
  facts: z.unknown().describe('the structured facts the texts are written from'),
});
