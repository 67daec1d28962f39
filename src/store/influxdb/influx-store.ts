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
 *
 * Other instances may write to the same database: every committed write
 * ends by rewriting the change marker (publication-lines.ts), which every
 * instance reads to know whether what it holds is still current.
 *
 * This class keeps the figures (writes, slices, series, versions) and the
 * write lock and change marker; the catalog, calendar, reports, targets,
 * state, tokens, access log, review decisions and templates are kept by
 * modules of their own (catalog-store.ts … templates-store.ts), given what
 * they use of it (store-context.ts).
 */
import type { Annotation } from '../../domain/corrections.ts';
import type { ReleaseEntry, ReleaseSetting, StoredVersion } from '../../domain/publication.ts';
import { periodRange, shiftPeriod } from '../../domain/period.ts';
import type { Observation, ObservationKey, Period, Target } from '../../domain/types.ts';
import type {
  AccessEntry,
  AccessQuery,
  CatalogChanges,
  CatalogData,
  ChangeState,
  FigureVersions,
  LeasePort,
  Written,
  PostedRow,
  ReportRecord,
  ReviewDecision,
  SliceReceipt,
  Store,
  StoredReport,
  StoredTemplate,
  StoredToken,
  TargetFilter,
  TemplateInfo,
  TemplateKind,
  WriteCounts,
  WriteMeta,
  WriteSession,
} from '../store.ts';
import { AccessLogStore } from './access-log-store.ts';
import { CalendarStore } from './calendar-store.ts';
import { CatalogStore } from './catalog-store.ts';
import { openInflux } from './connect.ts';
import { figuresOf, keyOf, plain, receiptsOf, stamp, versionsOf } from './figures.ts';
import { column, type InfluxConnection, type InfluxHttp, type ParamValue, type Result, StorageLimitError } from './http.ts';
import { type Bookkeeping, FigureLines, type StoredFigure } from './lines.ts';
import { LineWriter, WRITE_CHUNK_LINES, type WriteLog } from './line-writer.ts';
import { markerLine, markerState, uniqueMark, type MarkerKind } from './publication-lines.ts';
import { ReceiveClock } from '../receive-clock.ts';
import { KeyedLock } from './keyed-lock.ts';
import { cutAt, SliceMemory } from './slice-memory.ts';
import { type Receipt, receiptCount, receiptLines, type ReceiptSlice, receiptSlices, sliceKey } from './receipts.ts';
import { KnownSeries } from './known-series.ts';
import { periodTime, secondsToPeriod, statement, type Statement } from './queries.ts';
import { ReportsStore } from './reports-store.ts';
import { ReviewStore } from './review-store.ts';
import { StateStore } from './state-store.ts';
import { EMPTY, FAR_FUTURE, FAR_PAST, getter, type StoreContext } from './store-context.ts';
import { TargetsStore } from './targets-store.ts';
import { TemplatesStore } from './templates-store.ts';
import { TokensStore } from './tokens-store.ts';
import { leaseLine, leaseRecords } from './lease-lines.ts';

export { STARTUP_WAIT_MS } from './connect.ts';

/**
 * Region sets up to this size are filtered in the query; larger ones read the
 * whole month (InfluxDB 1.x slows sharply on long OR chains).
 */
const REGION_FILTER_MAX = 64;
/**
 * An indicator with figures for at most this many regions is read a whole
 * month at a time even for a few peers, and the month kept: it costs little
 * more than the peers' points, and the next ask costs nothing.
 */
const WHOLE_READ_REGIONS = 500;
/**
 * Reading a month for every region costs about as much as this many
 * one-series range statements: below it, figures are fetched series by series.
 */
const SERIES_PER_SLICE = 200;
/**
 * Months read after one whose values are wanted: in a month-by-month load
 * they hold nothing yet, an empty month costs InfluxDB about as much to read
 * as a full one, and once read empty the next months need no reading.
 */
const VALUES_READ_AHEAD = 3;
/**
 * How long a read of the change marker vouches for what this instance
 * knows when a write compares with it: the service reads the marker at
 * least this often (CHANGE_CHECK_MS), and only one instance writes.
 */
const MEMORY_TRUST_MS = 250;
/** Statements sent in one /query request. */
const STATEMENTS_PER_REQUEST = 200;
/**
 * The first points of the series a batch starts go to InfluxDB in one
 * request of up to this many lines (some 10 MB, under influxd's 25 MB body
 * limit): influxd takes or refuses a request's new tag values and series
 * together, so a refusal leaves none of them.
 */
const FRESH_SERIES_LINES = 50_000;
const current = (f: StoredFigure) => f.withdrawn !== true;

/** Current points (withdrawals included) at the keys a batch asked about. */
interface CurrentFigures {
  get(indicator: string, region: string, period: Period): StoredFigure | undefined;
  /** Every one found, in the order of the keys. */
  all(): StoredFigure[];
}

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
  /** Other instances may write to the same InfluxDB: what changed is read from the change marker. */
  readonly shared = true;
  private readonly writer: LineWriter;
  /** Catalog, calendar, report and target writes of this instance, one at a time. */
  private lock: Promise<void> = Promise.resolve();
  /** Figure writes of this instance hold the months they write: two revisions of one figure never race. */
  private readonly slicesLock = new KeyedLock();
  private readonly clock = new ReceiveClock();
  /** Receive times of this instance's writes under way. */
  private readonly inFlight = new Set<number>();
  private readonly listeners: Array<(written: Written) => void> = [];
  /** Slices this instance read or wrote, kept while the change marker says nobody else wrote. */
  private readonly memory = new SliceMemory();
  /** Series of `observation` (indicator, region) this instance knows exist. */
  private readonly knownSeries = new KnownSeries();
  /** Series of `receipt` (indicator, lane) this instance knows exist. */
  private readonly knownLanes = new KnownSeries();
  /** Lanes of receipts written by a batch that influxd then refused whole, by month: no figure names them, so the next receipt there reuses the lane. */
  private readonly spareLanes = new Map<string, number>();
  /** The other ports, each kept by a module of its own given a StoreContext. */
  private readonly catalogStore: CatalogStore;
  private readonly calendarStore: CalendarStore;
  private readonly reportsStore: ReportsStore;
  private readonly targetsStore: TargetsStore;
  private readonly stateStore: StateStore;
  private readonly tokensStore: TokensStore;
  private readonly accessLogStore: AccessLogStore;
  private readonly reviewStore: ReviewStore;
  private readonly templatesStore: TemplatesStore;

  readonly lease: LeasePort;

  private constructor(
    private readonly http: InfluxHttp,
    private readonly log: WriteLog,
  ) {
    this.writer = new LineWriter(http, log);
    // Outside the write lock: a renewal never waits behind a national batch.
    this.lease = {
      leases: async () => {
        const [result = EMPTY] = await this.run([statement('leases', 0, {})]);
        return leaseRecords(result.rows.map((row) => getter(result, row)));
      },
      putLease: (record) => this.writer.write(1, () => leaseLine(record)),
    };
    // What the modules keeping the rest of the store use of it: reads, the writer, the write lock, the marker.
    const context: StoreContext = {
      http,
      run: (statements) => this.run(statements),
      writer: this.writer,
      log,
      exclusive: (write) => this.exclusive(write),
      mark: (kinds, indicators) => this.mark(kinds, indicators),
      writes: this.writes,
    };
    this.catalogStore = new CatalogStore(context);
    this.calendarStore = new CalendarStore(context);
    this.reportsStore = new ReportsStore(context);
    this.targetsStore = new TargetsStore(context);
    this.stateStore = new StateStore(context);
    this.tokensStore = new TokensStore(context);
    this.accessLogStore = new AccessLogStore(context);
    this.reviewStore = new ReviewStore(context);
    this.templatesStore = new TemplatesStore(context);
  }

  /**
   * Connect, waiting up to STARTUP_WAIT_MS for InfluxDB; on 1.x create the
   * database when missing, on 2.x/3.x fail unless the bucket exists.
   */
  static async connect(connection: InfluxConnection, log: WriteLog & { info(details: object, message: string): void }): Promise<InfluxStore> {
    return new InfluxStore(await openInflux(connection, log), log);
  }

  async ping(): Promise<void> {
    await this.http.ping();
  }

  async close(): Promise<void> {
    await this.lock;
    // Figure writes under way finish first.
    await Promise.allSettled(this.writes);
    this.http.close();
  }

  subscribe(listener: (written: Written) => void): void {
    this.listeners.push(listener);
  }

  async changes(): Promise<ChangeState> {
    let result: Result;
    try {
      [result = EMPTY] = await this.run([statement('marker', 0, {})]);
    } catch (error) {
      // InfluxDB may come back with other data (restored from a backup): nothing known stays.
      this.forget();
      throw error;
    }
    const row = result.rows[0];
    const state = markerState(row === undefined ? undefined : getter(result, row));
    // What this instance knows of slices is as current as this answer: kept if nobody else wrote.
    this.memory.validate(state.data);
    // Writes under way are this instance's own: one instance writes (the others forward to it).
    let since: number | null = null;
    for (const at of this.inFlight) if (since === null || at < since) since = at;
    return { ...state, inFlightSince: since };
  }

  /** Forget what this instance knows of InfluxDB's contents: it may have changed under it. */
  private forget(): void {
    this.memory.clear();
    this.knownSeries.clear();
    this.knownLanes.clear();
  }

  /** After a committed write: a new marker, then this instance's listeners. */
  private async mark(kinds: readonly MarkerKind[], indicators?: readonly string[]): Promise<void> {
    const data = uniqueMark();
    this.memory.expect(data);
    await this.writer.write(1, () => markerLine(kinds, data));
    // What this instance knew before its own write stays valid: it took the write in.
    this.memory.adopt(data);
    const written: Written = { data, catalog: kinds.includes('catalog'), releases: kinds.includes('releases'), ...(indicators === undefined ? {} : { indicators }) };
    for (const listener of this.listeners) listener(written);
  }

  /** Run `write` holding this instance's write lock. */
  private async exclusive<T>(write: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const previous = this.lock;
    this.lock = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      return await write();
    } finally {
      release();
    }
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

  loadCatalog(): Promise<CatalogData> {
    return this.catalogStore.loadCatalog();
  }

  saveCatalog(changes: CatalogChanges): Promise<void> {
    return this.catalogStore.saveCatalog(changes);
  }

  /**
   * Keep what this instance knows of slices only while nobody else has
   * written since: the marker is read unless it was read moments ago (the
   * service reads it every CHANGE_CHECK_MS; only one instance writes).
   */
  private async checkMemory(): Promise<void> {
    if (this.memory.validatedWithin(MEMORY_TRUST_MS)) return;
    await this.changes();
  }

  /**
   * Keys grouped by indicator: each read month by month (many regions in
   * few months: whole slices, which this instance may already know) or
   * series by series (few series over many months).
   */
  private async plan(keys: ReadonlyArray<ObservationKey>) {
    const byIndicator = new Map<string, { series: Map<string, { from: Period; to: Period }>; slices: Map<Period, Set<string>> }>();
    for (const k of keys) {
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
    const out = [];
    for (const [indicator, i] of byIndicator) {
      // A small indicator is read whole months at a time, and they are known from then on.
      const bySlice = i.series.size > SERIES_PER_SLICE * i.slices.size || (await this.regionCount(indicator)) <= WHOLE_READ_REGIONS;
      out.push({ indicator, ...i, bySlice });
    }
    return out;
  }

  /**
   * Current figures (with their bookkeeping, withdrawals included) at these
   * keys, keyed by indicator/region/period.
   */
  private async current(keys: ReadonlyArray<ObservationKey>, known?: SeriesIndex): Promise<CurrentFigures> {
    const slices = new Map<string, ((region: string) => StoredFigure | undefined) | null>();
    const read = new Map<string, StoredFigure>();
    // Rows come month by month: the last month asked about is usually the next one's.
    let lastIndicator = '';
    let lastPeriod = '';
    let lastWhole: ((region: string) => StoredFigure | undefined) | null | undefined;
    const lookup: CurrentFigures = {
      get: (indicator, region, period) => {
        if (indicator !== lastIndicator || period !== lastPeriod) {
          lastIndicator = indicator;
          lastPeriod = period;
          lastWhole = slices.get(sliceKey(indicator, period));
        }
        return lastWhole ? lastWhole(region) : read.get(keyOf(indicator, region, period));
      },
      all: () => {
        const out: StoredFigure[] = [];
        for (const k of keys) {
          const f = lookup.get(k.indicator, k.region, k.period);
          if (f !== undefined) out.push(f);
        }
        return out;
      },
    };
    if (keys.length === 0) return lookup;
    await this.checkMemory();
    // Slices this instance knows answer first; the rest are read. Keys come month by month or
    // series by series, so the last slice looked up is usually the next one's.
    const rest: ObservationKey[] = [];
    let indicator = '';
    let period = '';
    let whole: ((region: string) => StoredFigure | undefined) | null = null;
    for (const k of keys) {
      if (k.indicator !== indicator || k.period !== period) {
        indicator = k.indicator;
        period = k.period;
        const key = sliceKey(indicator, period);
        whole = slices.get(key) ?? this.memory.wholeSlice(indicator, period) ?? null;
        slices.set(key, whole);
      }
      if (whole === null) rest.push(k);
    }
    lastIndicator = '';
    if (rest.length === 0) return lookup;
    const plan = await this.plan(rest);
    const stamp = this.memory.readStamp();
    const statements: Statement[] = [];
    const readers: Array<(result: Result) => void> = [];
    const keep = (points: readonly StoredFigure[]) => {
      for (const f of points) read.set(keyOf(f.indicator, f.region, f.period), f);
    };
    const bySeries = plan.filter((p) => !p.bySlice);
    // Series that do not exist hold no figure: the index says which do, without reading any point.
    const existing = bySeries.length === 0 ? new Map<string, Set<string>>() : await (known ?? new SeriesIndex(this)).regionsOf(bySeries.map((p) => p.indicator));
    for (const { indicator, series, slices: months, bySlice } of plan) {
      if (bySlice) {
        for (const period of months.keys()) {
          statements.push(statement('current-slice', statements.length, { indicator, time: periodTime(period) }));
          readers.push((result) => {
            const points = figuresOf(result, indicator, { period });
            this.memory.putWhole(indicator, period, points, stamp);
            keep(points);
          });
        }
        continue;
      }
      for (const [region, range] of series) {
        if (existing.get(indicator)?.has(region) !== true) continue;
        statements.push(statement('current-series', statements.length, { indicator, region, from: periodTime(range.from), to: periodTime(range.to) }));
        readers.push((result) => keep(figuresOf(result, indicator, { region })));
      }
    }
    (await this.run(statements)).forEach((result, n) => readers[n]!(result));
    return lookup;
  }

  /** Values at these keys (current figures only): whole slices' values, known or read with the value field alone. */
  private async valuesAt(keys: ReadonlyArray<ObservationKey>, known: SeriesIndex): Promise<Array<ObservationKey & { value: number }>> {
    if (keys.length === 0) return [];
    // Values for warnings only: what this instance knows as of its last look at the marker will do.
    const out: Array<ObservationKey & { value: number }> = [];
    const rest: ObservationKey[] = [];
    let indicator = '';
    let period = '';
    let valueOf: ((region: string) => number | undefined) | undefined;
    for (const k of keys) {
      if (k.indicator !== indicator || k.period !== period) {
        indicator = k.indicator;
        period = k.period;
        valueOf = this.memory.valuesOf(indicator, period);
      }
      if (valueOf === undefined) rest.push(k);
      else {
        const value = valueOf(k.region);
        if (value !== undefined) out.push({ indicator: k.indicator, region: k.region, period: k.period, value });
      }
    }
    if (rest.length === 0) return out;
    const plan = await this.plan(rest);
    const bySeries = new Set(plan.filter((p) => !p.bySlice).map((p) => p.indicator));
    const seriesKeys = rest.filter((k) => bySeries.has(k.indicator));
    for (const f of (await this.current(seriesKeys, known)).all()) if (current(f)) out.push({ indicator: f.indicator, region: f.region, period: f.period, value: f.value });
    const statements: Statement[] = [];
    const readers: Array<(result: Result) => void> = [];
    const stamp = this.memory.readStamp();
    for (const { indicator, slices, bySlice } of plan) {
      if (!bySlice) continue;
      for (const [period, regions] of slices) {
        const months = periodRange(period, shiftPeriod(period, VALUES_READ_AHEAD));
        statements.push(statement('values-range', statements.length, { indicator, from: periodTime(period), to: periodTime(months.at(-1)!) }));
        readers.push((result) => {
          const [time, region, value, meta] = ['time', 'region', 'value', 'meta'].map((c) => column(result, c)) as [number, number, number, number];
          const byMonth = new Map<Period, Array<{ region: string; value: number; withdrawn: boolean }>>(months.map((m) => [m, []]));
          for (const row of result.rows) {
            byMonth.get(secondsToPeriod(Number(row[time])))?.push({ region: String(row[region]), value: Number(row[value]), withdrawn: String(row[meta] ?? '').includes(';d=1') });
          }
          for (const [month, points] of byMonth) {
            const figures = points.filter((p) => !p.withdrawn);
            // A month with no point at all is known whole: there is nothing in it to revise.
            if (points.length === 0) this.memory.putWhole(indicator, month, [], stamp);
            else if (month === period || this.memory.valuesOf(indicator, month) === undefined) this.memory.putValues(indicator, month, figures, stamp);
          }
          const byRegion = new Map(byMonth.get(period)!.filter((p) => !p.withdrawn).map((f) => [f.region, f.value]));
          for (const r of regions) {
            const v = byRegion.get(r);
            if (v !== undefined) out.push({ indicator, region: r, period, value: v });
          }
        });
      }
    }
    (await this.run(statements)).forEach((result, n) => readers[n]!(result));
    return out;
  }

  /**
   * The months of a small indicator (figures for at most WHOLE_READ_REGIONS
   * regions), held whole in memory after one read of everything it has;
   * undefined for a large one.
   */
  private async wholeIndicator(indicator: string): Promise<ReadonlySet<Period> | undefined> {
    const known = this.memory.monthsOf(indicator);
    if (known !== undefined) return known;
    if ((await this.regionCount(indicator)) > WHOLE_READ_REGIONS) return undefined;
    const stamp = this.memory.readStamp();
    const [result = EMPTY] = await this.run([statement('indicator-all', 0, { indicator })]);
    const byMonth = new Map<Period, StoredFigure[]>();
    for (const f of figuresOf(result, indicator, {})) {
      const list = byMonth.get(f.period);
      if (list === undefined) byMonth.set(f.period, [f]);
      else list.push(f);
    }
    this.memory.putIndicator(indicator, byMonth, stamp);
    return this.memory.monthsOf(indicator);
  }

  /** How many regions have figures of an indicator: known, or asked of InfluxDB's index. */
  private async regionCount(indicator: string): Promise<number> {
    const known = this.memory.regionCountOf(indicator);
    if (known !== undefined) return known;
    const count = (await this.regionsWithFigures([indicator])).get(indicator)?.size ?? 0;
    this.memory.putRegionCount(indicator, count);
    return count;
  }

  /** Regions with any figure of each indicator, from InfluxDB's index. */
  async regionsWithFigures(indicators: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    (await this.run(indicators.map((indicator, n) => statement('regions-with-figures', n, { indicator })))).forEach((result, n) => {
      const value = column(result, 'value');
      const regions = new Set(result.rows.map((row) => String(row[value])));
      out.set(indicators[n]!, regions);
      this.knownSeries.addAll(indicators[n]!, regions);
    });
    return out;
  }

  /**
   * The rows that start a series of `observation` (the first row of each
   * indicator and region with no point yet): those whose first versions
   * name a pair this instance does not know to exist are asked of the index.
   */
  private async freshSeries(changed: readonly Observation[], versions: readonly number[]): Promise<number[]> {
    const unknown = new Map<string, Map<string, number>>();
    changed.forEach((row, i) => {
      if (versions[i] !== 1 || this.knownSeries.has(row.indicator, row.region)) return;
      let regions = unknown.get(row.indicator);
      if (regions === undefined) unknown.set(row.indicator, (regions = new Map()));
      if (!regions.has(row.region)) regions.set(row.region, i);
    });
    if (unknown.size === 0) return [];
    const asked = [...unknown];
    // A few regions are asked about by name; many, by reading the indicator's whole list (long OR chains are slow).
    const results = await this.run(asked.map(([indicator, regions], n) => statement('regions-with-figures', n, { indicator }, regions.size <= REGION_FILTER_MAX ? [...regions.keys()] : null)));
    const fresh: number[] = [];
    asked.forEach(([indicator, regions], n) => {
      const result = results[n] ?? EMPTY;
      const value = column(result, 'value');
      const existing = new Set(result.rows.map((row) => String(row[value])));
      this.knownSeries.addAll(indicator, existing);
      for (const [region, i] of regions) if (!existing.has(region)) fresh.push(i);
    });
    return fresh.sort((a, b) => a - b);
  }

  /** The lane of each receipt: how many receipts its month holds, or a lane a refused batch left unused there. */
  private async lanesFor(slices: readonly ReceiptSlice[]): Promise<number[]> {
    if (slices.length === 0) return [];
    const results = await this.run(slices.map((s, n) => statement('receipt-lanes', n, { indicator: s.indicator, time: periodTime(s.period) })));
    return slices.map((s, n) => {
      const key = sliceKey(s.indicator, s.period);
      const spare = this.spareLanes.get(key);
      this.spareLanes.delete(key);
      return spare ?? receiptCount(results[n] ?? EMPTY);
    });
  }

  /** After influxd refused a write whole before any figure: the receipts it wrote name nothing, their lanes are free again. */
  private spare(slices: readonly ReceiptSlice[], lanes: readonly number[]): void {
    slices.forEach((s, i) => this.spareLanes.set(sliceKey(s.indicator, s.period), lanes[i]!));
  }

  /**
   * A batch is kept until its commit (InfluxDB cannot undo a write), then
   * compared with the current figures and written while holding this
   * instance's write lock, so two revisions of one figure never race. The
   * next batch is parsed and validated meanwhile.
   */
  beginWrite(meta: WriteMeta, options: { dryRun?: boolean } = {}): WriteSession {
    const rows: PostedRow[] = [];
    // What this batch asks of InfluxDB's index before and at its commit is asked once.
    const index = new SeriesIndex(this);
    return {
      add: (part) => {
        rows.push(...part);
      },
      figuresAt: async (keys) => (await this.current(keys, index)).all().filter(current).map(plain),
      valuesAt: (keys) => this.valuesAt(keys, index),
      abort: async () => {
        rows.length = 0;
      },
      // Series created by a batch committed since this one looked are seen afresh.
      commit: () =>
        this.stamped(meta, options.dryRun === true, rows, async (at) => {
          const counts = await this.commitBatch(rows, await this.current(rows), at, meta.by, options.dryRun === true);
          return { result: counts, changed: counts.created + counts.revised > 0 };
        }),
    };
  }

  /** Figure writes and access-log appends under way: closing waits for them. */
  private readonly writes = new Set<Promise<unknown>>();

  /**
   * Run a write to these figures' months holding them, stamped with its
   * receive time: the caller's, or now, once earlier writes to the same
   * months are done; while it runs, this instance's changes feed ends before
   * it. The change marker is written after the months are released.
   */
  private stamped<T>(meta: WriteMeta, dryRun: boolean, keys: readonly ObservationKey[], write: (receivedAt: number) => Promise<{ result: T; changed: boolean }>): Promise<T> {
    const running = this.holding(meta, dryRun, keys, write);
    this.writes.add(running);
    void running.catch(() => {}).finally(() => this.writes.delete(running));
    return running;
  }

  private async holding<T>(meta: WriteMeta, dryRun: boolean, keys: readonly ObservationKey[], write: (receivedAt: number) => Promise<{ result: T; changed: boolean }>): Promise<T> {
    const months = new Set<string>();
    const indicators = new Set<string>();
    let indicator = '';
    let period = '';
    for (const k of keys) {
      if (k.indicator === indicator && k.period === period) continue;
      indicator = k.indicator;
      period = k.period;
      months.add(sliceKey(indicator, period));
      indicators.add(indicator);
    }
    const release = await this.slicesLock.acquire(months);
    const receivedAt = this.clock.stamp(meta.receivedAt);
    let outcome: { result: T; changed: boolean };
    try {
      if (!dryRun) this.inFlight.add(receivedAt);
      outcome = await write(receivedAt);
    } finally {
      this.inFlight.delete(receivedAt);
      release();
    }
    if (!dryRun && outcome.changed) await this.mark(['data'], [...indicators]);
    return outcome.result;
  }

  async write(rows: readonly PostedRow[], meta: WriteMeta, options: { dryRun?: boolean } = {}): Promise<WriteCounts> {
    const session = this.beginWrite(meta, options);
    session.add(rows);
    return session.commit();
  }

  private async commitBatch(rows: readonly PostedRow[], stored: CurrentFigures, receivedAt: number, by: string, dryRun: boolean): Promise<WriteCounts> {
    const counts: WriteCounts = { created: 0, revised: 0, unchanged: 0 };
    if (rows.length === 0) return counts;
    const superseded: StoredFigure[] = [];
    // Parallel arrays, not an object per row: a 50,000-row batch is held until its last chunk is sent.
    const changed: PostedRow[] = [];
    const versions: number[] = [];
    for (const row of rows) {
      const before = stored.get(row.indicator, row.region, row.period);
      // Identical in value, yoy and status: unchanged, whatever reason or note the row gives.
      if (before !== undefined && before.withdrawn !== true && before.value === row.value && before.yoy === row.yoy && before.status === row.status) {
        counts.unchanged++;
        continue;
      }
      // Posted again after a withdrawal: created anew, its versions numbered on.
      if (before === undefined || before.withdrawn === true) counts.created++;
      else counts.revised++;
      if (before !== undefined) superseded.push(before);
      changed.push(row);
      versions.push((before?.version ?? 0) + 1);
    }
    if (dryRun) return counts;
    const done = this.memory.beginWrite(changed);
    try {
      await this.writeBatch(changed, versions, superseded, receivedAt, by);
    } finally {
      done();
    }
    return counts;
  }

  /**
   * Receipts and superseded copies first (nothing a reader sees), then the
   * first point of every series the batch starts, in one request, then the
   * rest. influxd refuses new tag values and series past its limits for
   * good, taking the request's other points: with new series written first,
   * a refusal leaves no figure of the batch visible, and once they are in,
   * no later point can be refused for them.
   */
  private async writeBatch(changed: readonly PostedRow[], versions: readonly number[], superseded: StoredFigure[], receivedAt: number, by: string): Promise<void> {
    // The superseded copy of a first version keeps when and by whom its batch created it.
    await this.fillFromReceipts(superseded);
    const slices = receiptSlices(changed, versions);
    const [lanes, fresh] = await Promise.all([this.lanesFor(slices), this.freshSeries(changed, versions)]);
    const receipts = receiptLines(slices, lanes, receivedAt, by);
    const revisionLines = new FigureLines('observation_revision');
    const bookkeeping: Bookkeeping = { version: 0, receivedAt, by, reason: null, note: null };
    const before = receipts.length + superseded.length;
    const lineAt = (i: number) => {
      if (i < receipts.length) return receipts[i]!;
      if (i < before) {
        const figure = superseded[i - receipts.length]!;
        return revisionLines.line(figure, figure);
      }
      const row = changed[i - before]!;
      bookkeeping.version = versions[i - before]!;
      bookkeeping.reason = row.reason ?? null;
      bookkeeping.note = row.note ?? null;
      return currentLines.line(row, bookkeeping);
    };
    const currentLines = new FigureLines('observation');
    // Every point in a series known to exist: nothing in the request can be refused by a limit.
    const known = fresh.length === 0 && superseded.length === 0 && slices.every((s, i) => this.knownLanes.has(s.indicator, String(lanes[i])));
    let stage: 'bookkeeping' | 'fresh' | 'figures' = 'bookkeeping';
    try {
      if (known && before + changed.length <= WRITE_CHUNK_LINES) {
        // One request: InfluxDB takes a request's points for a shard as one, and a figure's
        // receipt and first version share its month's shard.
        stage = 'figures';
        await this.writer.write(before + changed.length, lineAt);
      } else {
        // Receipts and superseded versions first: once a new current figure is visible, its bookkeeping is.
        await this.writer.write(before, lineAt);
        if (fresh.length > 0) {
          stage = 'fresh';
          await this.writer.write(fresh.length, (i) => lineAt(before + fresh[i]!), FRESH_SERIES_LINES);
        }
        stage = 'figures';
        if (fresh.length === 0) await this.writer.write(changed.length, (i) => lineAt(before + i));
        else {
          const taken = new Set(fresh);
          const rest: number[] = [];
          for (let i = 0; i < changed.length; i++) if (!taken.has(i)) rest.push(i);
          await this.writer.write(rest.length, (i) => lineAt(before + rest[i]!));
        }
      }
    } catch (error) {
      // Cut short: which points landed is not known.
      this.forget();
      if (!(error instanceof StorageLimitError)) throw error;
      if (stage === 'bookkeeping' || (stage === 'fresh' && error.dropped === fresh.length && fresh.length <= FRESH_SERIES_LINES)) {
        this.spare(slices, lanes);
        throw error.withOutcome('Nothing of this batch was stored: every figure is as it was before it.');
      }
      throw error.withOutcome('Part of this batch may be stored; repeating the request once the limit is raised completes it.');
    }
    this.memory.wrote(changed, versions, receivedAt, by);
    changed.forEach((row, i) => {
      if (versions[i] === 1) this.knownSeries.add(row.indicator, row.region);
    });
    slices.forEach((s, i) => this.knownLanes.add(s.indicator, String(lanes[i])));
  }

  /** Receipts of the batches that wrote figures of these indicators and months. */
  private async receiptsFor(slices: ReadonlyArray<{ indicator: string; period: Period }>): Promise<Map<string, Receipt[]>> {
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
    const found = await this.receiptsFor([...slices.values()]);
    for (const f of open) stamp(f, found.get(sliceKey(f.indicator, f.period)) ?? []);
  }

  async figuresAt(keys: readonly ObservationKey[]): Promise<Observation[]> {
    if (keys.length === 0) return [];
    return (await this.current(keys)).all().filter(current).map(plain);
  }

  /** Current points (withdrawals included) of one indicator in these months, for these regions. */
  private async currentPoints(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<StoredFigure[]> {
    if (regions !== null && regions.length === 0) return [];
    const list = [...new Set(periods)];
    const filter = regions !== null && regions.length <= REGION_FILTER_MAX ? [...regions] : null;
    const results = await this.run(list.map((period, n) => statement('current-slice', n, { indicator, time: periodTime(period) }, filter)));
    const wanted = regions === null || filter !== null ? null : new Set(regions);
    const out: StoredFigure[] = [];
    results.forEach((result, n) => {
      for (const f of figuresOf(result, indicator, { period: list[n]! })) if (wanted === null || wanted.has(f.region)) out.push(f);
    });
    return out;
  }

  /**
   * Current figures of one indicator at these periods: from the slices this
   * instance knows (valid while the change marker says nobody else wrote,
   * checked at most every CHANGE_CHECK_MS, as answers are), else read —
   * whole when most regions are wanted, and then known from then on.
   */
  async slices(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<Observation[]> {
    if (regions !== null && regions.length === 0) return [];
    const wanted = regions === null ? null : new Set(regions);
    const out: Observation[] = [];
    const take = (figures: readonly Observation[]) => {
      for (const f of figures) if (wanted === null || wanted.has(f.region)) out.push(f);
    };
    const unknown: Period[] = [];
    for (const period of new Set(periods)) {
      const known = this.memory.currentFigures(indicator, period);
      if (known !== undefined) take(known);
      else unknown.push(period);
    }
    if (unknown.length === 0) return out;
    // A small indicator is read whole once; a month it does not have is empty.
    const months = await this.wholeIndicator(indicator);
    if (months !== undefined) {
      for (const period of unknown) {
        const known = months.has(period) ? this.memory.currentFigures(indicator, period) : [];
        if (known !== undefined) take(known);
      }
      return out;
    }
    const stamp = this.memory.readStamp();
    if (regions !== null && regions.length <= REGION_FILTER_MAX && (await this.regionCount(indicator)) > WHOLE_READ_REGIONS) {
      for (const f of await this.currentPoints(indicator, unknown, regions)) if (current(f)) out.push(plain(f));
      return out;
    }
    const points = await this.currentPoints(indicator, unknown, null);
    const byPeriod = new Map<Period, StoredFigure[]>(unknown.map((p) => [p, []]));
    for (const f of points) byPeriod.get(f.period)?.push(f);
    for (const [period, list] of byPeriod) this.memory.putWhole(indicator, period, list, stamp);
    for (const f of points) if (current(f) && (wanted === null || wanted.has(f.region))) out.push(plain(f));
    return out;
  }

  /**
   * A read's answer, remembered until this instance writes to the indicator
   * or the change marker says another did: series and versions of one
   * region are asked again and again by dashboards, between writes.
   */
  private async remembered<T>(indicator: string, key: string, read: () => Promise<T>): Promise<T> {
    const known = this.memory.answerOf<T>(indicator, key);
    if (known !== undefined) return known;
    const stamp = this.memory.readStamp();
    const answer = await read();
    this.memory.putAnswer(indicator, key, answer, stamp);
    return answer;
  }

  async series(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]> {
    const months = await this.wholeIndicator(indicator);
    if (months === undefined) return this.remembered(indicator, `series|${region}|${from}|${to}`, () => this.readSeries(indicator, region, from, to));
    const out: Observation[] = [];
    for (const period of [...months].sort()) {
      if ((from !== null && period < from) || (to !== null && period > to)) continue;
      const f = this.memory.wholeSlice(indicator, period)?.(region);
      if (f !== undefined && current(f)) out.push(plain(f));
    }
    return out;
  }

  private async readSeries(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]> {
    const [result = EMPTY] = await this.run([
      statement('current-series', 0, { indicator, region, from: from === null ? FAR_PAST : periodTime(from), to: to === null ? FAR_FUTURE : periodTime(to) }),
    ]);
    return figuresOf(result, indicator, { region }).filter(current).map(plain);
  }

  async latestPeriodBefore(indicator: string, before: Period, regions: readonly string[] | null, options: { withdrawn?: boolean } = {}): Promise<Period | null> {
    if (regions !== null && regions.length === 0) return null;
    const months = await this.wholeIndicator(indicator);
    if (months !== undefined) {
      const wanted = regions === null ? null : new Set(regions);
      for (const period of [...months].filter((p) => p < before).sort().reverse()) {
        if (options.withdrawn === true) {
          // Any point counts, a withdrawal included: a figure was there once.
          const whole = this.memory.wholeSlice(indicator, period);
          if (regions === null || regions.some((r) => whole?.(r) !== undefined)) return period;
          continue;
        }
        if ((this.memory.currentFigures(indicator, period) ?? []).some((f) => wanted === null || wanted.has(f.region))) return period;
      }
      return null;
    }
    const key = `${before}|${options.withdrawn === true ? 1 : 0}|${regions === null ? '*' : regions.join(',')}`;
    return this.remembered(indicator, `latest|${key}`, () => this.findLatestBefore(indicator, before, regions, options));
  }

  private async findLatestBefore(indicator: string, before: Period, regions: readonly string[] | null, options: { withdrawn?: boolean }): Promise<Period | null> {
    const filter = regions !== null && regions.length <= REGION_FILTER_MAX ? [...regions] : null;
    let bound = periodTime(before);
    // Each step moves to an earlier month with figures: bounded by the months stored.
    for (;;) {
      const [result = EMPTY] = await this.run([statement('latest-before', 0, { indicator, before: bound }, filter)]);
      const row = result.rows[0];
      if (row === undefined) return null;
      const period = secondsToPeriod(Number(row[column(result, 'time')]));
      const withdrawn = options.withdrawn !== true && String(row[column(result, 'meta')] ?? '').includes(';d=1');
      if (regions === null && !withdrawn) return period;
      if (filter !== null && !withdrawn) return period;
      // A wider peer set, or a withdrawn point: is any wanted figure of that month current?
      const points = await this.currentPoints(indicator, [period], regions);
      if (points.some((f) => options.withdrawn === true || current(f))) return period;
      bound = periodTime(period);
    }
  }

  async history(key: ObservationKey): Promise<StoredVersion[]> {
    const known = this.memory.historyOf<StoredVersion[]>(key.indicator, key.period, key.region);
    if (known !== undefined) return known;
    const stamp = this.memory.readStamp();
    const versions = (await this.versions(key.indicator, [key.period], [key.region], null))[0]?.versions ?? [];
    this.memory.putHistory(key.indicator, key.period, key.region, versions, stamp);
    return versions;
  }

  /**
   * Every version received by `until` of one indicator's figures at these
   * periods: whole months are kept (as-of rankings ask for the same months
   * again and again) until a write touches them.
   */
  async versions(indicator: string, periods: readonly Period[], regions: readonly string[] | null, until: number | null): Promise<FigureVersions[]> {
    if (regions !== null && regions.length === 0) return [];
    const wanted = regions === null ? null : new Set(regions);
    const out: FigureVersions[] = [];
    const unknown: Period[] = [];
    const take = (figures: readonly FigureVersions[]) => {
      for (const f of figures) if (wanted === null || wanted.has(f.region)) out.push(f);
    };
    const known = (period: Period) => (until === null ? this.memory.versionsOf(indicator, period) : this.memory.versionsUntil(indicator, period, until));
    for (const period of new Set(periods)) {
      const figures = known(period);
      if (figures !== undefined) take(figures);
      else unknown.push(period);
    }
    if (unknown.length === 0) return out;
    // Whole months for many regions (as-of rankings); a figure's own versions (history) are read alone, as history keeps them.
    const whole = regions === null || regions.length > REGION_FILTER_MAX;
    const stamp = this.memory.readStamp();
    const read = await this.readVersions(indicator, unknown, whole ? null : regions);
    for (const [period, figures] of read) {
      if (whole) this.memory.putVersions(indicator, period, figures, stamp);
      // Kept, the slice is cut from memory (and the cut kept with it); else here.
      take((whole ? known(period) : undefined) ?? (until === null ? figures : cutAt(figures, until)));
    }
    return out;
  }

  /** Every version of the figures of these months (for these regions, or all), month by month. */
  private async readVersions(indicator: string, list: readonly Period[], regions: readonly string[] | null): Promise<Map<Period, FigureVersions[]>> {
    const filter = regions === null ? null : [...regions];
    const statements: Statement[] = [];
    for (const period of list) {
      const time = periodTime(period);
      statements.push(
        statement('current-slice', statements.length, { indicator, time }, filter),
        statement('revisions-slice', statements.length + 1, { indicator, time }, filter),
        statement('receipts', statements.length + 2, { indicator, time }),
      );
    }
    const results = await this.run(statements);
    const out = new Map<Period, FigureVersions[]>();
    list.forEach((period, i) => {
      const points = figuresOf(results[3 * i] ?? EMPTY, indicator, { period });
      const revisions = figuresOf(results[3 * i + 1] ?? EMPTY, indicator, { period });
      const receipts = receiptsOf(results[3 * i + 2] ?? EMPTY);
      out.set(period, versionsOf(points, revisions, () => receipts, null));
    });
    return out;
  }

  async seriesVersions(indicator: string, region: string, from: Period | null, to: Period | null, until: number | null): Promise<FigureVersions[]> {
    const range = { indicator, region, from: from === null ? FAR_PAST : periodTime(from), to: to === null ? FAR_FUTURE : periodTime(to) };
    const [currentResult = EMPTY, revisionResult = EMPTY] = await this.run([statement('current-series', 0, range), statement('revisions-series', 1, range)]);
    const points = figuresOf(currentResult, indicator, { region });
    const revisions = figuresOf(revisionResult, indicator, { region });
    const receipts = await this.receiptsFor([...new Set(points.filter((p) => p.receipted === true).map((p) => p.period))].map((period) => ({ indicator, period })));
    return versionsOf(points, revisions, (period) => receipts.get(sliceKey(indicator, period)) ?? [], until).sort((a, b) => (a.period < b.period ? -1 : 1));
  }

  async withdraw(key: ObservationKey, meta: WriteMeta, annotation: Annotation = {}): Promise<number | null> {
    const why = { reason: annotation.reason ?? null, note: annotation.note ?? null };
    return this.stamped(meta, false, [key], async (receivedAt) => {
      const stored = (await this.currentPoints(key.indicator, [key.period], [key.region]))[0];
      if (stored === undefined || stored.withdrawn === true) return { result: null, changed: false };
      await this.fillFromReceipts([stored]);
      const version = stored.version + 1;
      // The superseded version first, then a receipt (for the changes feed), then the withdrawal.
      const slices = receiptSlices([key as Observation], [version]);
      const lanes = await this.lanesFor(slices);
      const [receipt = ''] = receiptLines(slices, lanes, receivedAt, meta.by);
      const done = this.memory.beginWrite([key]);
      let withdrawing = false;
      try {
        await this.writer.write(2, (i) => (i === 0 ? new FigureLines('observation_revision').line(stored, stored) : receipt));
        withdrawing = true;
        await this.writer.write(1, () => new FigureLines('observation').line(stored, { version, receivedAt, by: meta.by, withdrawn: true, ...why }));
      } catch (error) {
        this.forget();
        if (error instanceof StorageLimitError && !withdrawing) {
          this.spare(slices, lanes);
          throw error.withOutcome('The figure was not withdrawn.');
        }
        throw error;
      } finally {
        done();
      }
      this.memory.wrote([{ ...stored, ...why }], [version], receivedAt, meta.by, true);
      return { result: version, changed: true };
    });
  }

  async receipts(since: number, until: number): Promise<SliceReceipt[]> {
    const [result = EMPTY] = await this.run([statement('receipts-between', 0, { since, until })]);
    const [time, indicator, at] = ['time', 'indicator', 'at'].map((c) => column(result, c)) as [number, number, number];
    return result.rows
      .map((row) => ({ indicator: String(row[indicator]), period: secondsToPeriod(Number(row[time])), receivedAt: Number(row[at]) }))
      .sort((a, b) => a.receivedAt - b.receivedAt || (a.indicator < b.indicator ? -1 : a.indicator > b.indicator ? 1 : a.period < b.period ? -1 : 1));
  }

  loadReleases(): Promise<ReleaseEntry[]> {
    return this.calendarStore.loadReleases();
  }

  saveReleases(settings: ReadonlyArray<{ indicator: string; period: Period; setting: ReleaseSetting }>): Promise<void> {
    return this.calendarStore.saveReleases(settings);
  }

  reports(filter: { region?: string | undefined; period?: Period | undefined }): Promise<ReportRecord[]> {
    return this.reportsStore.reports(filter);
  }

  report(region: string, period: Period, version: number | null): Promise<StoredReport | null> {
    return this.reportsStore.report(region, period, version);
  }

  saveReports(reports: ReadonlyArray<Omit<StoredReport, 'version'>>): Promise<ReportRecord[]> {
    return this.reportsStore.saveReports(reports);
  }

  saveTargets(targets: readonly Target[]): Promise<void> {
    return this.targetsStore.saveTargets(targets);
  }

  targets(filter: TargetFilter): Promise<Target[]> {
    return this.targetsStore.targets(filter);
  }

  stateValue(key: string): Promise<string | null> {
    return this.stateStore.stateValue(key);
  }

  claim(key: string, slot: string): Promise<boolean> {
    return this.stateStore.claim(key, slot);
  }

  saveToken(token: StoredToken): Promise<void> {
    return this.tokensStore.saveToken(token);
  }

  revokeToken(id: string, at: number): Promise<boolean> {
    return this.tokensStore.revokeToken(id, at);
  }

  tokens(): Promise<StoredToken[]> {
    return this.tokensStore.tokens();
  }

  touchTokens(uses: ReadonlyArray<{ id: string; lastUsedAt: number }>): Promise<void> {
    return this.tokensStore.touchTokens(uses);
  }

  appendAccess(entries: readonly AccessEntry[]): Promise<void> {
    return this.accessLogStore.appendAccess(entries);
  }

  accessLog(query: AccessQuery): Promise<Array<AccessEntry & { id: string }>> {
    return this.accessLogStore.accessLog(query);
  }

  saveReviewDecision(decision: ReviewDecision): Promise<void> {
    return this.reviewStore.saveReviewDecision(decision);
  }

  reviewDecisions(): Promise<ReviewDecision[]> {
    return this.reviewStore.reviewDecisions();
  }

  saveTemplate(template: StoredTemplate): Promise<void> {
    return this.templatesStore.saveTemplate(template);
  }

  templates(): Promise<TemplateInfo[]> {
    return this.templatesStore.templates();
  }

  template(name: string, kind: TemplateKind): Promise<StoredTemplate | null> {
    return this.templatesStore.template(name, kind);
  }

  deleteTemplates(name: string, kind: TemplateKind | null): Promise<number> {
    return this.templatesStore.deleteTemplates(name, kind);
  }
}
