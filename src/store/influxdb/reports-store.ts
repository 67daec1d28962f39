/**
 * Generated reports in InfluxDB: a point per region, month and version, its
 * facts in fields (lines.ts reportLine). Versions follow the latest stored.
 */
import { shiftPeriod } from '../../domain/period.ts';
import type { Period } from '../../domain/types.ts';
import type { ReportRecord, ReportsPort, StoredReport } from '../store.ts';
import { column } from './http.ts';
import { catalogDoc, reportKey, reportLine } from './lines.ts';
import { periodTime, statement } from './queries.ts';
import { EMPTY, FAR_FUTURE, FAR_PAST, type StoreContext } from './store-context.ts';

/** A report row of either layout (lines.ts reportKey): region, month and version, and the rest from its fields. */
function recordOf(get: (column: string) => unknown): ReportRecord {
  return {
    ...reportKey(get),
    generatedAt: new Date(Number(get('generated_at'))),
    trigger: String(get('trigger')),
    digest: String(get('digest')),
    failures: Number(get('failures')),
    // Reports stored before quotes were kept quote nothing: they were public when written.
    quotes: typeof get('quotes') === 'string' ? (JSON.parse(get('quotes') as string) as string[]) : [],
  };
}

/** The bounds of one month's reports (a report's time is its month's plus its version in seconds), or of all. */
function reportTimes(period: Period | undefined): { from: string; to: string } {
  return period === undefined ? { from: FAR_PAST, to: FAR_FUTURE } : { from: periodTime(period), to: periodTime(shiftPeriod(period, 1)) };
}

export class ReportsStore implements ReportsPort {
  constructor(private readonly context: Pick<StoreContext, 'run' | 'writer' | 'exclusive' | 'mark'>) {}

  async reports(filter: { region?: string | undefined; period?: Period | undefined }): Promise<ReportRecord[]> {
    const params: Record<string, string> = reportTimes(filter.period);
    if (filter.region !== undefined) params.region = filter.region;
    const [result = EMPTY] = await this.context.run([statement('reports', 0, params, null, filter.region === undefined ? [] : ['region'])]);
    return result.rows
      .map((row) => recordOf((name) => row[column(result, name)]))
      .sort((a, b) => (a.period !== b.period ? (a.period < b.period ? 1 : -1) : a.region !== b.region ? (a.region < b.region ? -1 : 1) : a.version - b.version));
  }

  async report(region: string, period: Period, version: number | null): Promise<StoredReport | null> {
    // Every version of the region's month, content included: a few points.
    const [result = EMPTY] = await this.context.run([statement('report', 0, { region, ...reportTimes(period) })]);
    let found: { record: ReportRecord; get: (name: string) => unknown } | undefined;
    for (const row of result.rows) {
      const get = (name: string) => (name === 'region' ? region : row[column(result, name)]);
      const record = recordOf(get);
      if (record.period !== period) continue;
      if (version === null ? found === undefined || record.version > found.record.version : record.version === version) found = { record, get };
    }
    return found === undefined ? null : { ...found.record, facts: catalogDoc(found.get) };
  }

  async saveReports(reports: ReadonlyArray<Omit<StoredReport, 'version'>>): Promise<ReportRecord[]> {
    if (reports.length === 0) return [];
    // Versions follow the latest stored; only the instance that runs reports writes them.
    const latest = new Map<string, number>();
    for (const period of new Set(reports.map((r) => r.period))) {
      for (const r of await this.reports({ period })) latest.set(`${r.region} ${r.period}`, Math.max(latest.get(`${r.region} ${r.period}`) ?? 0, r.version));
    }
    const records = reports.map(({ facts: _facts, ...r }) => {
      const key = `${r.region} ${r.period}`;
      const version = (latest.get(key) ?? 0) + 1;
      latest.set(key, version);
      return { ...r, version };
    });
    const lines = records.map((r, i) => reportLine({ ...r, generatedAt: r.generatedAt.getTime(), facts: reports[i]!.facts }));
    await this.context.exclusive(async () => {
      await this.context.writer.write(lines.length, (i) => lines[i]!);
      await this.context.mark(['data']);
    });
    return records;
  }
}
