/**
 * The production store: InfluxDB 1.x, 2.x or 3.x, read with InfluxQL and
 * bound parameters, written as line protocol (schema in lines.ts). The
 * catalog lives in the same database, so every instance of the service sees
 * the same one.
 *
 * InfluxDB has no transactions. A write is made idempotent instead: each
 * row is compared with the current figure; a revision first stores the
 * superseded version under its own version number (a point that a repeat
 * rewrites identically), then the new current figure; first versions are
 * listed in their batch's receipt (receipts.ts) before they are written. A
 * request cut short leaves part of its batch; repeating it completes the
 * batch without a duplicate version.
 */
import type { Group, Indicator, Observation, ObservationKey, Period, Region, Target } from '../../domain/types.ts';
import { StoreUnavailableError } from '../../errors.ts';
import type { CatalogChanges, CatalogData, ReportRecord, Store, StoredReport, TargetFilter, Version, WriteCounts, WriteMeta, WriteSession } from '../store.ts';
import { column, InfluxHttp, type InfluxConnection, type ParamValue, type Result } from './http.ts';
import { catalogDoc, catalogLine, FigureLines, figureOf, reportLine, stateLine, type StoredFigure } from './lines.ts';
import { LineWriter, type WriteLog } from './line-writer.ts';
import { type Receipt, receiptFor, receiptLines, receiptOf, sliceKey } from './receipts.ts';
import { identifier, periodTime, queryText, secondsToPeriod, statement, type Statement } from './queries.ts';
import { targetLine, targetsOf, targetsStatement } from './targets.ts';

/**
 * Region sets up to this size are filtered in the query; larger ones read the
 * whole month (InfluxDB 1.x slows sharply on long OR chains).
 */
const REGION_FILTER_MAX = 64;
/**
 * Reading a month for every region costs about as much as this many
 * one-series range statements: below it, figures are fetched series by series.
 */
const SERIES_PER_SLICE = 200;
/** Statements sent in one /query request. */
const STATEMENTS_PER_REQUEST = 200;
/** How long a start waits for InfluxDB to answer before giving up. */
export const STARTUP_WAIT_MS = 30_000;
const FAR_PAST = '1677-09-22T00:00:00Z';
const FAR_FUTURE = '2262-04-10T00:00:00Z';
const EMPTY: Result = { columns: [], rows: [] };

const keyOf = (indicator: string, region: string, period: Period) => `${indicator}\u0000${region}\u0000${period}`;

/** Figures of a current-slice, current-series or revisions answer. */
function figuresOf(result: Result, indicator: string, fixed: { period?: Period; region?: string }): StoredFigure[] {
  const [time, region, value, yoy, status, meta] = ['time', 'region', 'value', 'yoy', 'status', 'meta'].map((c) => column(result, c)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return result.rows.map((row) => ({
    indicator,
    region: fixed.region ?? String(row[region]),
    period: fixed.period ?? secondsToPeriod(Number(row[time])),
    ...figureOf(row[value], row[yoy], row[status], row[meta]),
  }));
}

const receiptsOf = (result: Result): Receipt[] => result.rows.map((row) => receiptOf((name) => row[column(result, name)]));

/** A first version's receive time and poster, from its batch's receipt (none found: the epoch, nobody). */
function stamp(f: StoredFigure, receipts: readonly Receipt[]): void {
  const receipt = receiptFor(receipts, f.region);
  f.receivedAt = receipt?.at ?? 0;
  f.by = receipt?.by ?? '';
  f.receipted = false;
}

const plain = ({ indicator, region, period, value, yoy, status }: StoredFigure): Observation => ({ indicator, region, period, value, yoy, status });

/** Which regions have figures of an indicator, asked of InfluxDB once per batch. */
class SeriesIndex {
  private readonly asked = new Map<string, Promise<Set<string>>>();

  constructor(private readonly store: InfluxStore) {}

  async regionsOf(indicators: readonly string[]): Promise<Map<string, Set<string>>> {
    const missing = indicators.filter((i) => !this.asked.has(i));
    if (missing.length > 0) {
      const answer = this.store.regionsWithFigures(missing);
      for (const i of missing) this.asked.set(i, answer.then((m) => m.get(i) ?? new Set<string>()));
    }
    return new Map(await Promise.all(indicators.map(async (i) => [i, await this.asked.get(i)!] as const)));
  }
}

export class InfluxStore implements Store {
  readonly kind = 'influxdb' as const;
  /** Other instances may write to the same InfluxDB: this one cannot know when data changes. */
  readonly generation = null;
  private readonly writer: LineWriter;
  /** Writes of this instance, one at a time: two revisions of one figure must not race. */
  private lock: Promise<void> = Promise.resolve();

  private constructor(
    private readonly http: InfluxHttp,
    log: WriteLog,
  ) {
    this.writer = new LineWriter(http, log);
  }

  /**
   * Connect, waiting up to STARTUP_WAIT_MS for InfluxDB; on 1.x create the
   * database when missing, on 2.x/3.x fail unless the bucket exists.
   */
  static async connect(connection: InfluxConnection, log: WriteLog & { info(details: object, message: string): void }): Promise<InfluxStore> {
    const http = new InfluxHttp(connection);
    const deadline = Date.now() + STARTUP_WAIT_MS;
    for (;;) {
      try {
        await http.ping();
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          http.close();
          throw new StoreUnavailableError(`InfluxDB at ${connection.url} did not answer within ${STARTUP_WAIT_MS / 1000} s`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    try {
      const [databases = EMPTY] = await http.query([queryText('database-exists')], {});
      // 1.x and 2.x name the column "name"; 3.x may name it otherwise: any value will do.
      const exists = databases.rows.some((row) => row.includes(connection.database));
      if (!exists && connection.api !== 'v1') {
        throw new StoreUnavailableError(
          `InfluxDB has no bucket or database "${connection.database}": create it with a shard-group duration of about ten years` +
            (connection.api === 'v2' ? ' and a DBRP mapping for InfluxQL (see the README)' : ''),
        );
      }
      if (!exists) {
        await http.query([queryText('create-database').replace('{{database}}', identifier(connection.database))], {});
        log.info({ database: connection.database }, 'created the InfluxDB database with 10-year shards');
      }
    } catch (error) {
      http.close();
      throw error;
    }
    return new InfluxStore(http, log);
  }

  async ping(): Promise<void> {
    await this.http.ping();
  }

  async close(): Promise<void> {
    await this.lock;
    this.http.close();
  }

  private async run(statements: readonly Statement[]): Promise<Result[]> {
    const out: Result[] = [];
    for (let i = 0; i < statements.length; i += STATEMENTS_PER_REQUEST) {
      const part = statements.slice(i, i + STATEMENTS_PER_REQUEST);
      const params: Record<string, ParamValue> = {};
      for (const s of part) Object.assign(params, s.params);
      out.push(...(await this.http.query(part.map((s) => s.text), params)));
    }
    return out;
  }

  private async catalogRows(): Promise<Array<(name: string) => unknown>> {
    const [result = EMPTY] = await this.http.query([queryText('catalog')], {});
    return result.rows.map((row) => (name: string) => row[column(result, name)]);
  }

  async loadCatalog(): Promise<CatalogData> {
    const regions: Region[] = [];
    const groups: Group[] = [];
    const indicators: Array<Indicator & { seq: number }> = [];
    for (const get of await this.catalogRows()) {
      const doc = catalogDoc(get);
      if (get('kind') === 'region') regions.push(doc as Region);
      else if (get('kind') === 'group') groups.push(doc as Group);
      else if (get('kind') === 'indicator') indicators.push({ ...(doc as Indicator), seq: Number(get('seq')) });
    }
    const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
    indicators.sort((a, b) => a.seq - b.seq || byCode(a, b));
    return {
      regions: regions.sort(byCode),
      groups: groups.sort(byCode),
      indicators: indicators.map(({ seq: _seq, ...indicator }) => indicator),
    };
  }

  async saveCatalog(changes: CatalogChanges): Promise<void> {
    const lines: string[] = [];
    for (const r of changes.regions ?? []) lines.push(catalogLine('region', r.code, 0, r));
    for (const g of changes.groups ?? []) lines.push(catalogLine('group', g.code, 0, g));
    if ((changes.indicators ?? []).length > 0) {
      // Indicators keep the order they were first given in.
      const seqOf = new Map(
        (await this.catalogRows()).filter((get) => get('kind') === 'indicator').map((get) => [String(get('code')), Number(get('seq'))]),
      );
      let next = Math.max(0, ...seqOf.values()) + 1;
      for (const i of changes.indicators ?? []) lines.push(catalogLine('indicator', i.code, seqOf.get(i.code) ?? next++, i));
    }
    await this.writer.write(lines.length, (i) => lines[i]!);
  }

  /**
   * Current figures (with their bookkeeping) at these keys, keyed by
   * indicator/region/period. Per indicator, few series over many months are
   * read series by series; many regions in few months, month by month.
   */
  private async current(keys: ReadonlyArray<ObservationKey>, known?: SeriesIndex): Promise<Map<string, StoredFigure>> {
    // Series that do not exist hold no figure: the index says which do, without reading any point.
    const existing = await (known ?? new SeriesIndex(this)).regionsOf([...new Set(keys.map((k) => k.indicator))]);
    const byIndicator = new Map<string, { series: Map<string, { from: Period; to: Period }>; slices: Map<Period, Set<string>> }>();
    for (const k of keys) {
      if (existing.get(k.indicator)?.has(k.region) !== true) continue;
      let i = byIndicator.get(k.indicator);
      if (i === undefined) byIndicator.set(k.indicator, (i = { series: new Map(), slices: new Map() }));
      const range = i.series.get(k.region);
      if (range === undefined) i.series.set(k.region, { from: k.period, to: k.period });
      else {
        if (k.period < range.from) range.from = k.period;
        if (k.period > range.to) range.to = k.period;
      }
      let slice = i.slices.get(k.period);
      if (slice === undefined) i.slices.set(k.period, (slice = new Set()));
      slice.add(k.region);
    }
    const statements: Statement[] = [];
    const readers: Array<(result: Result) => StoredFigure[]> = [];
    for (const [indicator, i] of byIndicator) {
      if (i.series.size <= SERIES_PER_SLICE * i.slices.size) {
        for (const [region, range] of i.series) {
          statements.push(statement('current-series', statements.length, { indicator, region, from: periodTime(range.from), to: periodTime(range.to) }));
          readers.push((result) => figuresOf(result, indicator, { region }));
        }
      } else {
        for (const [period, regions] of i.slices) {
          const filter = regions.size <= REGION_FILTER_MAX ? [...regions] : null;
          statements.push(statement('current-slice', statements.length, { indicator, time: periodTime(period) }, filter));
          readers.push((result) => figuresOf(result, indicator, { period }));
        }
      }
    }
    const out = new Map<string, StoredFigure>();
    if (statements.length === 0) return out;
    const wanted = new Set<string>();
    for (const k of keys) if (existing.get(k.indicator)?.has(k.region) === true) wanted.add(keyOf(k.indicator, k.region, k.period));
    (await this.run(statements)).forEach((result, n) => {
      for (const f of readers[n]!(result)) {
        const key = keyOf(f.indicator, f.region, f.period);
        if (wanted.has(key)) out.set(key, f);
      }
    });
    return out;
  }

  /** Regions with any figure of each indicator, from InfluxDB's index. */
  async regionsWithFigures(indicators: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    (await this.run(indicators.map((indicator, n) => statement('regions-with-figures', n, { indicator })))).forEach((result, n) => {
      const value = column(result, 'value');
      out.set(indicators[n]!, new Set(result.rows.map((row) => String(row[value]))));
    });
    return out;
  }

  /**
   * A batch is kept until its commit (InfluxDB cannot undo a write), then
   * compared with the current figures and written while holding this
   * instance's write lock, so two revisions of one figure never race. The
   * next batch is parsed and validated meanwhile.
   */
  beginWrite(meta: WriteMeta, options: { dryRun?: boolean } = {}): WriteSession {
    const rows: Observation[] = [];
    // What this batch asks of InfluxDB's index before and at its commit is asked once.
    const index = new SeriesIndex(this);
    return {
      add: (part) => {
        rows.push(...part);
      },
      figuresAt: async (keys) => (keys.length === 0 ? [] : [...(await this.current(keys, index)).values()].map(plain)),
      abort: async () => {
        rows.length = 0;
      },
      commit: async () => {
        let release!: () => void;
        const previous = this.lock;
        this.lock = new Promise<void>((resolve) => (release = resolve));
        try {
          await previous;
          // Series created by a batch committed since this one looked are seen afresh.
          return await this.commitBatch(rows, await this.current(rows), meta, options.dryRun === true);
        } finally {
          release();
        }
      },
    };
  }

  async write(rows: readonly Observation[], meta: WriteMeta, options: { dryRun?: boolean } = {}): Promise<WriteCounts> {
    const session = this.beginWrite(meta, options);
    session.add(rows);
    return session.commit();
  }

  private async commitBatch(rows: readonly Observation[], stored: ReadonlyMap<string, StoredFigure>, meta: WriteMeta, dryRun: boolean): Promise<WriteCounts> {
    const counts: WriteCounts = { created: 0, revised: 0, unchanged: 0 };
    if (rows.length === 0) return counts;
    const receivedAt = meta.receivedAt.getTime();
    const superseded: StoredFigure[] = [];
    // Parallel arrays, not an object per row: a 50,000-row batch is held until its last chunk is sent.
    const changed: Observation[] = [];
    const versions: number[] = [];
    for (const row of rows) {
      const before = stored.size === 0 ? undefined : stored.get(keyOf(row.indicator, row.region, row.period));
      if (before !== undefined && before.value === row.value && before.yoy === row.yoy && before.status === row.status) {
        counts.unchanged++;
        continue;
      }
      if (before === undefined) counts.created++;
      else {
        counts.revised++;
        superseded.push(before);
      }
      changed.push(row);
      versions.push((before?.version ?? 0) + 1);
    }
    if (dryRun) return counts;
    // The superseded copy of a first version keeps when and by whom its batch created it.
    await this.fillFromReceipts(superseded);
    const receipts = receiptLines(changed, versions, receivedAt, meta.by);
    // Receipts and superseded versions first: once a new current figure is visible, its bookkeeping is.
    const revisionLines = new FigureLines('observation_revision');
    await this.writer.write(receipts.length + superseded.length, (i) => {
      if (i < receipts.length) return receipts[i]!;
      const figure = superseded[i - receipts.length]!;
      return revisionLines.line(figure, figure);
    });
    const currentLines = new FigureLines('observation');
    const bookkeeping = { version: 0, receivedAt, by: meta.by };
    await this.writer.write(changed.length, (i) => {
      bookkeeping.version = versions[i]!;
      return currentLines.line(changed[i]!, bookkeeping);
    });
    return counts;
  }

  /** Receipts of the batches that created figures of these indicators and months. */
  private async receipts(slices: ReadonlyArray<{ indicator: string; period: Period }>): Promise<Map<string, Receipt[]>> {
    const out = new Map<string, Receipt[]>();
    (await this.run(slices.map(({ indicator, period }, n) => statement('receipts', n, { indicator, time: periodTime(period) })))).forEach((result, n) => {
      const { indicator, period } = slices[n]!;
      out.set(sliceKey(indicator, period), receiptsOf(result));
    });
    return out;
  }

  /** Receive time and poster of first versions, from their receipts. */
  private async fillFromReceipts(figures: StoredFigure[]): Promise<void> {
    const open = figures.filter((f) => f.receipted === true);
    if (open.length === 0) return;
    const slices = new Map<string, { indicator: string; period: Period }>();
    for (const f of open) slices.set(sliceKey(f.indicator, f.period), { indicator: f.indicator, period: f.period });
    const found = await this.receipts([...slices.values()]);
    for (const f of open) stamp(f, found.get(sliceKey(f.indicator, f.period)) ?? []);
  }

  async figuresAt(keys: readonly ObservationKey[]): Promise<Observation[]> {
    if (keys.length === 0) return [];
    return [...(await this.current(keys)).values()].map(plain);
  }

  async slices(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<Observation[]> {
    if (regions !== null && regions.length === 0) return [];
    const list = [...new Set(periods)];
    const filter = regions !== null && regions.length <= REGION_FILTER_MAX ? [...regions] : null;
    const results = await this.run(list.map((period, n) => statement('current-slice', n, { indicator, time: periodTime(period) }, filter)));
    const wanted = regions === null || filter !== null ? null : new Set(regions);
    const out: Observation[] = [];
    results.forEach((result, n) => {
      for (const f of figuresOf(result, indicator, { period: list[n]! })) if (wanted === null || wanted.has(f.region)) out.push(plain(f));
    });
    return out;
  }

  async series(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]> {
    const [result = EMPTY] = await this.run([
      statement('current-series', 0, { indicator, region, from: from === null ? FAR_PAST : periodTime(from), to: to === null ? FAR_FUTURE : periodTime(to) }),
    ]);
    return figuresOf(result, indicator, { region }).map(plain);
  }

  async latestPeriodBefore(indicator: string, before: Period, regions: readonly string[] | null): Promise<Period | null> {
    if (regions !== null && regions.length === 0) return null;
    const filter = regions !== null && regions.length <= REGION_FILTER_MAX ? [...regions] : null;
    const wanted = regions === null ? null : new Set(regions);
    let bound = periodTime(before);
    // Each step moves to an earlier month with figures: bounded by the months stored.
    for (;;) {
      const [result = EMPTY] = await this.run([statement('latest-before', 0, { indicator, before: bound }, filter)]);
      const row = result.rows[0];
      if (row === undefined) return null;
      const period = secondsToPeriod(Number(row[column(result, 'time')]));
      if (wanted === null || filter !== null) return period;
      const slice = await this.slices(indicator, [period], null);
      if (slice.some((o) => wanted.has(o.region))) return period;
      bound = periodTime(period);
    }
  }

  async history(key: ObservationKey): Promise<Version[]> {
    const time = periodTime(key.period);
    const [currentResult = EMPTY, revisionResult = EMPTY, receiptResult = EMPTY] = await this.run([
      statement('current-slice', 0, { indicator: key.indicator, time }, [key.region]),
      statement('revisions', 1, { indicator: key.indicator, region: key.region, time }),
      statement('receipts', 2, { indicator: key.indicator, time }),
    ]);
    const current = figuresOf(currentResult, key.indicator, { period: key.period })[0];
    if (current === undefined) return [];
    if (current.receipted === true) stamp(current, receiptsOf(receiptResult));
    // A revision point of a version not (yet) superseded is left from a write cut short: not history.
    const earlier = figuresOf(revisionResult, key.indicator, { period: key.period, region: key.region }).filter((v) => v.version < current.version);
    return [...earlier.sort((a, b) => a.version - b.version), current].map((v) => ({
      value: v.value,
      yoy: v.yoy,
      status: v.status,
      receivedAt: new Date(v.receivedAt),
      by: v.by,
    }));
  }

  private static recordOf(get: (column: string) => unknown): ReportRecord {
    return {
      region: String(get('region')),
      period: String(get('period')),
      version: Number(get('version')),
      generatedAt: new Date(Number(get('generated_at'))),
      trigger: String(get('trigger')),
      digest: String(get('digest')),
      failures: Number(get('failures')),
    };
  }

  async reports(filter: { region?: string | undefined; period?: Period | undefined }): Promise<ReportRecord[]> {
    const params: Record<string, string> = {};
    if (filter.region !== undefined) params.region = filter.region;
    if (filter.period !== undefined) params.period = filter.period;
    const [result = EMPTY] = await this.run([statement('reports', 0, params, null, Object.keys(params))]);
    return result.rows
      .map((row) => InfluxStore.recordOf((name) => row[column(result, name)]))
      .sort((a, b) => (a.period !== b.period ? (a.period < b.period ? 1 : -1) : a.region !== b.region ? (a.region < b.region ? -1 : 1) : a.version - b.version));
  }

  async report(region: string, period: Period, version: number | null): Promise<StoredReport | null> {
    const wanted = version ?? Math.max(0, ...(await this.reports({ region, period })).map((r) => r.version));
    if (wanted === 0) return null;
    const [result = EMPTY] = await this.run([statement('report', 0, { region, period, version: String(wanted) })]);
    const row = result.rows[0];
    if (row === undefined) return null;
    const get = (name: string) => row[column(result, name)];
    return { ...InfluxStore.recordOf((name) => (name === 'region' ? region : name === 'period' ? period : name === 'version' ? wanted : get(name))), facts: catalogDoc(get) };
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
    await this.writer.write(lines.length, (i) => lines[i]!);
    return records;
  }

  async saveTargets(targets: readonly Target[]): Promise<void> {
    await this.writer.write(targets.length, (i) => targetLine(targets[i]!));
  }

  async targets(filter: TargetFilter): Promise<Target[]> {
    const [result = EMPTY] = await this.run([targetsStatement(filter)]);
    return targetsOf(result);
  }

  async claim(key: string, slot: string): Promise<boolean> {
    const [result = EMPTY] = await this.run([statement('state', 0, { key })]);
    const current = result.rows[0]?.[column(result, 'value')];
    if (typeof current === 'string' && current >= slot) return false;
    await this.writer.write(1, () => stateLine(key, slot));
    return true;
  }
}
