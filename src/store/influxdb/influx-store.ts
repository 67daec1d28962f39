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
 * This class writes figures and holds the write lock and the change marker;
 * figures are read by figure-reads.ts, and the catalog, calendar, reports,
 * targets, state, tokens, access log, review decisions and templates are
 * kept by modules of their own (catalog-store.ts … templates-store.ts),
 * given what they use of it (store-context.ts). It keeps nothing of what it
 * read between calls: behind the memory layer (store/memory/), the slices
 * that layer keeps are lent to it, and that layer decides when they are
 * trusted. What it does keep is how to write (which series and receipt
 * lanes exist, the locks of writes under way).
 */
import type { Annotation } from '../../domain/corrections.ts';
import type { ReleaseEntry, ReleaseSetting, StoredVersion } from '../../domain/publication.ts';
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
import { plain } from './figures.ts';
import { column, type InfluxConnection, type InfluxHttp, type ParamValue, type Result, StorageLimitError } from './http.ts';
import { type Bookkeeping, FigureLines, type StoredFigure } from './lines.ts';
import { LineWriter, WRITE_CHUNK_LINES, type WriteLog } from './line-writer.ts';
import { markerLines, markerState, uniqueMark, type MarkerKind } from './publication-lines.ts';
import { ReceiveClock } from '../receive-clock.ts';
import { KeyedLock } from './keyed-lock.ts';
import { SliceMemory } from '../memory/slices.ts';
import { monthsOf } from '../memory/trust.ts';
import { type CurrentFigures, current, FigureReads, REGION_FILTER_MAX, SeriesIndex } from './figure-reads.ts';
import { receiptCount, receiptLines, type ReceiptSlice, receiptSlices, sliceKey } from './receipts.ts';
import { KnownSeries } from './known-series.ts';
import { periodTime, secondsToPeriod, statement, type Statement } from './queries.ts';
import { ReportsStore } from './reports-store.ts';
import { ReviewStore } from './review-store.ts';
import { StateStore } from './state-store.ts';
import { EMPTY, getter, type StoreContext } from './store-context.ts';
import { TargetsStore } from './targets-store.ts';
import { TemplatesStore } from './templates-store.ts';
import { TokensStore } from './tokens-store.ts';
import { leaseLine, leaseRecords } from './lease-lines.ts';

export { STARTUP_WAIT_MS } from './connect.ts';

/** Statements sent in one /query request. */
const STATEMENTS_PER_REQUEST = 200;
/**
 * The first points of the series a batch starts go to InfluxDB in one
 * request of up to this many lines (some 10 MB, under influxd's 25 MB body
 * limit): influxd takes or refuses a request's new tag values and series
 * together, so a refusal leaves none of them.
 */
const FRESH_SERIES_LINES = 50_000;

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
  /** Slices the memory layer keeps and lends (memory/index.ts); bare, nothing is kept. */
  private memory = new SliceMemory(null);
  /** Figures are read through it, with the slices kept. */
  private readonly reads: FigureReads;
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
    this.reads = new FigureReads((statements) => this.run(statements), () => this.memory, this.knownSeries);
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

  /** Behind the memory layer: read and compare through the slices it keeps. */
  keepSlicesIn(slices: SliceMemory): void {
    this.memory = slices;
  }

  subscribe(listener: (written: Written) => void): void {
    this.listeners.push(listener);
  }

  async changes(): Promise<ChangeState> {
    let result: Result;
    let marks: Result;
    try {
      [result = EMPTY, marks = EMPTY] = await this.run([statement('marker', 0, {}), statement('indicator-marks', 1, {})]);
    } catch (error) {
      // InfluxDB may come back with other data (restored from a backup): nothing known stays.
      this.forget();
      throw error;
    }
    const row = result.rows[0];
    const [indicator, data] = [column(marks, 'indicator'), column(marks, 'data')];
    const state = markerState(row === undefined ? undefined : getter(result, row), new Map(marks.rows.map((r) => [String(r[indicator]), String(r[data] ?? '')])));
    // Writes under way are this instance's own: one instance writes (the others forward to it).
    let since: number | null = null;
    for (const at of this.inFlight) if (since === null || at < since) since = at;
    return { ...state, inFlightSince: since };
  }

  /** Forget what this instance knows of InfluxDB's contents: it may have changed under it. */
  private forget(): void {
    this.memory.lost();
    this.knownSeries.clear();
    this.knownLanes.clear();
  }

  /** After a committed write: a new marker, then this instance's listeners. */
  private async mark(kinds: readonly MarkerKind[], indicators?: readonly string[]): Promise<void> {
    const data = uniqueMark();
    this.memory.expect(data);
    const lines = markerLines(kinds, data, indicators);
    await this.writer.write(lines.length, (i) => lines[i]!);
    const catalog = kinds.includes('catalog');
    // Every figure write names its indicators; reports, targets, the calendar and review decisions change none.
    const figures = indicators === undefined && !catalog ? { figures: false as const } : {};
    const written: Written = { data, catalog, releases: kinds.includes('releases'), ...(indicators === undefined ? {} : { indicators }), ...figures };
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
    const index = new SeriesIndex(this.reads);
    return {
      add: (part) => {
        rows.push(...part);
      },
      figuresAt: async (keys) => (await this.reads.current(keys, index)).all().filter(current).map(plain),
      valuesAt: (keys) => this.reads.valuesAt(keys, index),
      abort: async () => {
        rows.length = 0;
      },
      // Series created by a batch committed since this one looked are seen afresh.
      commit: () =>
        this.stamped(meta, options.dryRun === true, rows, async (at) => {
          const counts = await this.commitBatch(rows, await this.reads.current(rows), at, meta.by, options.dryRun === true);
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
    const written = monthsOf(keys);
    const indicators = new Set(written.map((m) => m.indicator));
    const release = await this.slicesLock.acquire(written.map((m) => sliceKey(m.indicator, m.period)));
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
    await this.reads.fillFromReceipts(superseded);
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

  figuresAt(keys: readonly ObservationKey[]): Promise<Observation[]> {
    return this.reads.figuresAt(keys);
  }

  slices(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<Observation[]> {
    return this.reads.slices(indicator, periods, regions);
  }

  series(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]> {
    return this.reads.series(indicator, region, from, to);
  }

  latestPeriodBefore(indicator: string, before: Period, regions: readonly string[] | null, options: { withdrawn?: boolean } = {}): Promise<Period | null> {
    return this.reads.latestPeriodBefore(indicator, before, regions, options);
  }

  history(key: ObservationKey): Promise<StoredVersion[]> {
    return this.reads.history(key);
  }

  versions(indicator: string, periods: readonly Period[], regions: readonly string[] | null, until: number | null): Promise<FigureVersions[]> {
    return this.reads.versions(indicator, periods, regions, until);
  }

  seriesVersions(indicator: string, region: string, from: Period | null, to: Period | null, until: number | null): Promise<FigureVersions[]> {
    return this.reads.seriesVersions(indicator, region, from, to, until);
  }

  /** Regions with any figure of each indicator, from InfluxDB's index. */
  regionsWithFigures(indicators: readonly string[]): Promise<Map<string, Set<string>>> {
    return this.reads.regionsWithFigures(indicators);
  }

  async withdraw(key: ObservationKey, meta: WriteMeta, annotation: Annotation = {}): Promise<number | null> {
    const why = { reason: annotation.reason ?? null, note: annotation.note ?? null };
    return this.stamped(meta, false, [key], async (receivedAt) => {
      const stored = (await this.reads.currentPoints(key.indicator, [key.period], [key.region]))[0];
      if (stored === undefined || stored.withdrawn === true) return { result: null, changed: false };
      await this.reads.fillFromReceipts([stored]);
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
