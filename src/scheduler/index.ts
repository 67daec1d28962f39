/**
 * Wiring the report schedule into the app: started when the app is ready
 * (after catching up a missed slot), stopped before it closes. Only an
 * instance with REPORTS_ENABLED runs it.
 */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_TEMPLATE } from '../domain/types.ts';
import { previousMonth } from '../services/reports.ts';
import { ReportScheduler } from './report-scheduler.ts';

/** `writes`: whether this instance is the one that writes now (an instance that forwards claims no slot). */
export function scheduleReports(app: FastifyInstance, writes: () => Promise<boolean> = async () => true): ReportScheduler {
  const { config, services, store } = app;
  const scheduler = new ReportScheduler({
    cron: config.REPORT_CRON,
    timeZone: config.REPORT_TZ,
    claim: async (key, slot) => (await writes()) && (await store.claim(key, slot)),
    run: async (slot) => {
      const period = previousMonth(slot, config.REPORT_TZ);
      // Generated from every figure, released or not: staff read it ahead of release with a preview token.
      // Drawn with REPORT_TEMPLATE, recorded with the reports: a template uploaded under that name before the run is the one its reports use.
      const template = config.REPORT_TEMPLATE === DEFAULT_TEMPLATE ? undefined : config.REPORT_TEMPLATE;
      const result = await services.reports.run(services.views.privileged(), period, services.reports.regionsToReportIn(period), `schedule ${slot.toISOString()}`, new Date(), template);
      app.log.info({ period: result.period, reports: result.reports.length, failures: result.failures.length }, 'scheduled reports done');
    },
    log: app.log,
  });
  app.addHook('onReady', async () => {
    // The catch-up may take a while at national scale: the service answers meanwhile.
    void scheduler
      .catchUp()
      .catch((error: unknown) => app.log.error({ err: error }, 'catching up the report schedule failed'))
      .finally(() => scheduler.start());
  });
  app.addHook('preClose', async () => scheduler.stop());
  return scheduler;
}
