/** Generating, listing and reading reports (API.md, Reports). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReportFacts } from '../../domain/report.ts';
import { draftSuffix } from '../../domain/words/report-layout.ts';
import { ApiError } from '../../errors.ts';
import { DOCX_TYPE } from '../../formats/media.ts';
import { DEFAULT_PNG_SCALE } from '../../formats/png.ts';
import { chooseFormat, sendAs, varyAccept } from '../../formats/reply.ts';
import { reportFormats } from '../../formats/resources.ts';
import { errorSchema } from '../../schemas/common.ts';
import { reportListQuery, reportListSchema, reportParams, reportQuery, reportSchema, runBody, runResultSchema } from '../../schemas/reports.ts';
import { previousMonth } from '../../services/reports.ts';
import type { ReportRecord, TemplateKind } from '../../store/store.ts';
import { viewOf } from '../view.ts';

const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema };
const json = (r: ReportRecord) => ({ ...r, generatedAt: r.generatedAt.toISOString() });

const routes: FastifyPluginAsyncZod = async (app) => {
  const reports = app.services.reports;

  app.post(
    '/v1/reports/run',
    { config: { access: 'admin' }, schema: { tags: ['reports'], summary: 'generate reports now', body: runBody, response: { 200: runResultSchema, ...errors } } },
    async (request) => {
      const period = request.body?.period ?? previousMonth(new Date(), app.config.REPORT_TZ);
      const regions = request.body?.regions ?? reports.regionsToReportIn(period);
      for (const code of regions) app.services.catalog.region(code, 'regions');
      const template = request.body?.template;
      if (template !== undefined) await app.services.reportTemplates.mustExist(template, 'template');
      return reports.run(app.services.views.privileged(), period, regions, `manual ${request.principal.holder}`, new Date(), template);
    },
  );

  app.get(
    '/v1/reports',
    { schema: { tags: ['reports'], summary: 'every stored version, newest month first', querystring: reportListQuery, response: { 200: reportListSchema, ...errors } } },
    async (request) => {
      // A former code lists the current region's reports.
      const region = request.query.region === undefined ? undefined : (app.services.catalog.resolveRegion(request.query.region)?.code ?? request.query.region);
      return { reports: (await viewOf(app, request).reports({ ...request.query, region })).map(json) };
    },
  );

  app.get(
    '/v1/reports/:region/:file',
    {
      // Tagged, not kept: a new version of a report does not change the store's generation.
      config: { etag: true },
      onRequest: varyAccept,
      schema: {
        tags: ['reports'],
        summary: 'a report: JSON, Markdown (.md), a self-contained page (.html) or a Word document (.docx); the latest version unless asked',
        params: reportParams,
        querystring: reportQuery,
        response: {
          200: {
            description: 'the report',
            content: {
              'application/json': { schema: reportSchema },
              'text/markdown': { schema: z.string() },
              'text/html': { schema: z.string() },
              [DOCX_TYPE]: { schema: z.string().describe('Word document: from a Word template (template=): headings, the indicator table, the charts as PNG images') },
            },
          },
          406: errorSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const [period, extension] = request.params.file.split('.') as [string, string | undefined];
      const format = chooseFormat(request, reportFormats, extension);
      // A former code reads the current region's reports.
      const region = app.services.catalog.region(request.params.region).code;
      const view = viewOf(app, request);
      const report = await view.report(region, period, request.query.version ?? null);
      if (report === null) {
        const which = request.query.version === undefined ? 'no report' : `no version ${request.query.version}`;
        throw new ApiError('not_found', `${which} of ${region} for ${period}`, { details: [{ field: request.query.version === undefined ? 'file' : 'version', message: 'not found' }] });
      }
      const { facts, ...record } = report;
      const input = { facts: facts as ReportFacts, record, versions: async () => (await view.reports({ region: record.region, period })).map((r) => r.version) };
      const recorded = (facts as { template?: unknown }).template;
      const context = {
        timeZone: app.config.REPORT_TZ,
        template: (kind: TemplateKind) => app.services.reportTemplates.forReport(kind, request.query.template, typeof recorded === 'string' ? recorded : undefined),
        render: app.services.render,
        drawn: app.services.drawnReports,
        fontFiles: [...app.config.CJK_FONT_FILES],
        scale: DEFAULT_PNG_SCALE,
        warn: (warnings: string[]) => request.log.warn({ warnings }, 'report chart rendered with warnings'),
      };
      const ascii = `report-${record.region}-${period}${request.query.version === undefined ? '' : `-v${record.version}`}`;
      return sendAs(reply, reportFormats, format, input, context, { name: `${(facts as ReportFacts).title}${request.query.version === undefined ? '' : draftSuffix(record.version)}`, ascii });
    },
  );
};

export default routes;
