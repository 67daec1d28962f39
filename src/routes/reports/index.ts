/** Generating, listing and reading reports (API.md, Reports). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ReportFacts } from '../../domain/report.ts';
import { ApiError } from '../../errors.ts';
import { reportHtml } from '../../reports/html.ts';
import { reportMarkdown } from '../../reports/markdown.ts';
import { errorSchema } from '../../schemas/common.ts';
import { reportListQuery, reportListSchema, reportParams, reportQuery, reportSchema, runBody, runResultSchema } from '../../schemas/reports.ts';
import { previousMonth } from '../../services/reports.ts';
import type { ReportRecord } from '../../store/store.ts';

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
      return reports.run(period, regions, `manual ${request.principal.name}`);
    },
  );

  app.get(
    '/v1/reports',
    { schema: { tags: ['reports'], summary: 'every stored version, newest month first', querystring: reportListQuery, response: { 200: reportListSchema, ...errors } } },
    async (request) => {
      const region = request.query.region === undefined ? undefined : (app.services.catalog.resolveRegion(request.query.region)?.code ?? request.query.region);
      return { reports: (await app.store.reports({ ...request.query, region })).map(json) };
    },
  );

  app.get(
    '/v1/reports/:region/:file',
    {
      schema: {
        tags: ['reports'],
        summary: 'a report: JSON, or Markdown (.md) or a self-contained page (.html); the latest version unless asked',
        params: reportParams,
        querystring: reportQuery,
        response: {
          200: { description: 'the report', content: { 'application/json': { schema: reportSchema }, 'text/markdown': { schema: z.string() }, 'text/html': { schema: z.string() } } },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const [period, format = 'json'] = request.params.file.split('.') as [string, string | undefined];
      // A former code reads the current region's reports.
      const region = app.services.catalog.region(request.params.region).code;
      const report = await app.store.report(region, period, request.query.version ?? null);
      if (report === null) {
        const which = request.query.version === undefined ? 'no report' : `no version ${request.query.version}`;
        throw new ApiError('not_found', `${which} of ${region} for ${period}`, { details: [{ field: request.query.version === undefined ? 'file' : 'version', message: 'not found' }] });
      }
      const { facts, ...record } = report;
      if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(reportMarkdown(facts as ReportFacts, record, app.config.REPORT_TZ));
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(await reportHtml(facts as ReportFacts, record, app.config.REPORT_TZ));
      const versions = (await app.store.reports({ region: record.region, period })).map((r) => r.version);
      return { ...json(record), versions, facts };
    },
  );
};

export default routes;
