/**
 * Writes templates/example-report.json: the demo's report of 天台县 for
 * 1-6月 2022, as the service writes it, the example templates are checked
 * against and GET /v1/report-templates/fields quotes. Run after a change to
 * the report's wording: npx tsx scripts/build-example-report.ts
 * (test/reports/demo-report.test.ts fails while the file is behind).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { loadDemo } from '../src/services/demo.ts';
import { EXAMPLE_REPORT_FILE } from '../src/templates/example.ts';

/** The example's region, month and time, as the demo report test has them. */
export const EXAMPLE = { region: '331023', period: '2022-06', at: new Date('2022-07-15T01:00:00Z'), trigger: 'manual example' } as const;

export async function exampleReportJson(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'example-report-'));
  const app = await buildApp({ config: loadConfig({ DATA_DIR: dir, LOG_LEVEL: 'silent', REPORTS_ENABLED: 'false' }), logger: false });
  try {
    await loadDemo(app.services.ingest);
    const run = await app.services.reports.run(app.services.views.privileged(), EXAMPLE.period, [EXAMPLE.region], EXAMPLE.trigger, EXAMPLE.at);
    if (run.reports.length !== 1) throw new Error(`no example report: ${JSON.stringify(run.failures)}`);
    const { facts, ...record } = (await app.store.report(EXAMPLE.region, EXAMPLE.period, null))!;
    return `${JSON.stringify({ record: { ...record, generatedAt: record.generatedAt.toISOString() }, facts }, null, 1)}\n`;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(EXAMPLE_REPORT_FILE, await exampleReportJson());
  console.log('wrote templates/example-report.json');
}
