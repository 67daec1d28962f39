/**
 * The embedded store: one SQLite file under DATA_DIR, WAL, one transaction
 * per batch. Reads run here; every write runs on the writer thread.
 */
import { reportJson } from '../report-json.ts';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Annotation } from '../../domain/corrections.ts';
import type { ReleaseEntry, ReleaseSetting, StoredVersion } from '../../domain/publication.ts';
import type { Group, Indicator, Observation, ObservationKey, Period, Region, Status, Target } from '../../domain/types.ts';
import { StoreUnavailableError } from '../../errors.ts';
import type {
  AccessEntry,
  AccessQuery,
  CatalogChanges,
  CatalogData,
  ChangeState,
  FigureVersions,
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
  TokenRole,
  WriteCounts,
  WriteMeta,
  WriteSession,
  Written,
} from '../store.ts';
import { privateDir, privateSqliteFile } from '../data-dir.ts';
import { allocateRows, encodeReason, encodeStatus, type EncodedRows } from './encoding.ts';
import { intToPeriod, periodToInt, prepareDatabase, READER_CACHE_KIB } from './schema.ts';
import { VersionReads } from './version-reads.ts';
import { targetReader } from './targets.ts';
import { WriterClient } from './writer-client.ts';
import { sliceIndicator, slicePeriod } from './writer.ts';
import { SliceMemory } from '../memory/slices.ts';

export const SQLITE_FILE = 'indicators.sqlite';
/**
 * Reading a whole (indicator, period) slice beats point lookups once the
 * keys wanted are more than this fraction of all regions.
 */
const SLICE_SCAN_FRACTION = 1 / 8;
/**
 * Figures read for an ingest's plausibility checks between two turns of the
 * event loop: these reads are synchronous, a 50,000-row post asks for about
 * 150,000, and a thousand take a few milliseconds.
 */
const KEYS_PER_TURN = 1024;
/** Region sets up to this size find their latest period by one index probe each. */
const PROBE_REGIONS_MAX = 200;

type Row = [region: number, value: number, yoy: number | null, status: Status | null];

interface ReportRowOut {
  region: string;
  period: string;
  version: number;
  generated_at: number;
  trigger: string;
  digest: string;
  failures: number;
  quotes: string;
}

type TokenRowOut = [
  id: string,
  hash: string,
  role: string,
  holder: string,
  scope: string | null,
  createdAt: number,
  createdBy: string,
  expiresAt: number | null,
  revokedAt: number | null,
  lastUsedAt: number | null,
];
type AccessRowOut = [id: number, at: number, holder: string, role: string, method: string, path: string, months: string];
type TemplateRowOut = [name: string, kind: TemplateKind, size: number, sha256: string, savedAt: number, savedBy: string, tags: string, bytes?: Buffer];

const templateInfoOf = ([name, kind, size, sha256, savedAt, savedBy, tags]: TemplateRowOut): TemplateInfo => ({
  name,
  kind,
  size,
  sha256,
  savedAt: new Date(savedAt),
  savedBy,
  tags: JSON.parse(tags) as string[],
});

/**
 * A page of the access log: along access_at (or access_holder) backwards
 * from a position (at, id), exclusive; months filtered on each entry read
 * until the page is full. {{holder}} is empty or the holder's equality.
 */
export const ACCESS_PAGE = `SELECT id, at, holder, role, method, path, months FROM access
  WHERE at >= @from AND (at, id) < (@at, @id){{holder}}
    AND (@any OR EXISTS (SELECT 1 FROM json_each(access.months) m
      WHERE (@indicator IS NULL OR m.value ->> 0 = @indicator) AND (@period IS NULL OR m.value ->> 1 = @period)))
  ORDER BY at DESC, id DESC LIMIT @limit`;

const recordOf = (r: ReportRowOut): ReportRecord => ({
  region: r.region,
  period: r.period,
  version: r.version,
  generatedAt: new Date(r.generated_at),
  trigger: r.trigger,
  digest: r.digest,
  failures: r.failures,
  quotes: JSON.parse(r.quotes) as string[],
});

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  /** This process is the file's only writer, so it knows every change as it commits. */
  readonly shared = false;
  private readonly generations = { data: 0, catalog: 0, releases: 0 };
  private readonly listeners: Array<(written: Written) => void> = [];
  /**
   * Writes begun and not yet committed or aborted, each with a time its
   * receive time is no earlier than: the caller's, or when it was asked for
   * (the writer stamps it later, as its transaction begins).
   */
  private readonly inFlight = new Map<number, number>();
  readonly db: Database.Database;
  private readonly regionIds = new Map<string, number>();
  private readonly regionCodes = new Map<number, string>();
  private readonly indicatorIds = new Map<string, number>();
  private readonly indicatorCodes = new Map<number, string>();
  /**
   * Whole slices the memory layer keeps and lends (memory/index.ts); bare,
   * nothing is kept. Figures are never mutated once read, so kept ones are
   * handed out as they are.
   */
  private memory = new SliceMemory(null);
  private readonly statements;
  private readonly versionReads: VersionReads;

  private readonly writer: WriterClient;
  private readonly readTargets: (filter: TargetFilter) => Target[];

  /** Open (creating if needed) the store file in `dataDir`: the folder 0700, the file and SQLite's own beside it 0600. */
  constructor(dataDir: string) {
    privateDir(dataDir);
    const file = join(dataDir, SQLITE_FILE);
    privateSqliteFile(file);
    this.db = new Database(file);
    prepareDatabase(this.db, READER_CACHE_KIB);
    this.writer = new WriterClient(file);
    const db = this.db;
    this.statements = {
      // A withdrawn figure keeps its row (withdrawn = 1) so that its versions go on: current reads skip it.
      point: db.prepare('SELECT region, value, yoy, status FROM observations WHERE indicator = ? AND period = ? AND region = ? AND withdrawn = 0').raw(),
      // The same lookups for several months and regions at once (JSON arrays of their ids): one statement, each pair by the key.
      points: db
        .prepare(
          'SELECT period, region, value, yoy, status FROM observations WHERE indicator = ? AND period IN (SELECT value FROM json_each(?)) AND region IN (SELECT value FROM json_each(?)) AND withdrawn = 0',
        )
        .raw(),
      // A whole slice as one JSON text: SQLite builds it in C and one JSON.parse reads it,
      // about twice as fast as materialising thousands of rows through the driver.
      sliceJson: db
        .prepare('SELECT json_group_array(json_array(region, value, yoy, status)) FROM observations WHERE indicator = ? AND period = ? AND withdrawn = 0')
        .pluck(),
      sliceCount: db.prepare('SELECT COUNT(*) FROM observations WHERE indicator = ? AND period = ?').pluck(),
      sliceRegions: db.prepare('SELECT region FROM observations WHERE indicator = ? AND period = ? AND withdrawn <= ?').pluck(),
      series: db
        .prepare(
          `SELECT period, value, yoy, status FROM observations
           WHERE indicator = ? AND region = ? AND period BETWEEN ? AND ? AND withdrawn = 0 ORDER BY period`,
        )
        .raw(),
      latest: db.prepare('SELECT MAX(period) FROM observations WHERE indicator = ? AND period < ? AND withdrawn <= ?').pluck(),
      latestOf: db.prepare('SELECT MAX(period) FROM observations WHERE indicator = ? AND region = ? AND period < ? AND withdrawn <= ?').pluck(),
      releases: db.prepare('SELECT indicator, period, changed_at, release_at, by FROM releases ORDER BY indicator, period, seq').raw(),
      reports: db.prepare(
        `SELECT region, period, version, generated_at, trigger, digest, failures, quotes FROM reports
         WHERE (@region IS NULL OR region = @region) AND (@period IS NULL OR period = @period) ORDER BY period DESC, region, version`,
      ),
      report: db.prepare(
        `SELECT region, period, version, generated_at, trigger, digest, failures, quotes, facts FROM reports
         WHERE region = @region AND period = @period AND (@version IS NULL OR version = @version) ORDER BY version DESC LIMIT 1`,
      ),
      tokens: db
        .prepare('SELECT id, hash, role, holder, scope, created_at, created_by, expires_at, revoked_at, last_used_at FROM tokens ORDER BY created_at, id')
        .raw(),
      accessPage: db.prepare(ACCESS_PAGE.replace('{{holder}}', '')).raw(),
      accessPageOf: db.prepare(ACCESS_PAGE.replace('{{holder}}', ' AND holder = @holder')).raw(),
      reviews: db.prepare('SELECT indicator, period, action, at, by, note, override FROM reviews ORDER BY at, seq'),
      // Columns before the bytes only: a listing reads no overflow page.
      templates: db.prepare('SELECT name, kind, size, sha256, saved_at, saved_by, tags FROM templates ORDER BY name, kind').raw(),
      template: db.prepare('SELECT name, kind, size, sha256, saved_at, saved_by, tags, bytes FROM templates WHERE name = ? AND kind = ?').raw(),
    };
    this.readTargets = targetReader(db);
    this.loadIds();
    this.versionReads = new VersionReads(db, {
      indicator: (code) => this.indicatorIds.get(code),
      region: (code) => this.regionIds.get(code),
      regionCode: (id) => this.regionCodes.get(id),
    });
  }

  /** Behind the memory layer: whole slices read are kept there; this instance's writes drop what they touch. */
  keepSlicesIn(slices: SliceMemory): void {
    this.memory = slices;
  }

  subscribe(listener: (written: Written) => void): void {
    this.listeners.push(listener);
  }

  /** After a committed write: the next generation of what it changed, then the listeners (figures of `indicators` only, when given). */
  private bump(kinds: { catalog?: boolean; releases?: boolean; figures?: false }, indicators?: readonly string[]): void {
    const g = this.generations;
    g.data++;
    if (kinds.catalog === true) g.catalog++;
    if (kinds.releases === true) g.releases++;
    const written: Written = { data: String(g.data), catalog: kinds.catalog === true, releases: kinds.releases === true, ...(indicators === undefined ? {} : { indicators }), ...(kinds.figures === false ? { figures: false as const } : {}) };
    for (const listener of this.listeners) listener(written);
  }

  changes(): ChangeState {
    const g = this.generations;
    let inFlightSince: number | null = null;
    for (const at of this.inFlight.values()) if (inFlightSince === null || at < inFlightSince) inFlightSince = at;
    return { data: String(g.data), catalog: String(g.catalog), releases: String(g.releases), inFlightSince };
  }

  private loadIds(): void {
    for (const { id, code } of this.db.prepare('SELECT id, code FROM regions').all() as Array<{ id: number; code: string }>) {
      this.regionIds.set(code, id);
      this.regionCodes.set(id, code);
    }
    for (const { id, code } of this.db.prepare('SELECT id, code FROM indicators').all() as Array<{ id: number; code: string }>) {
      this.indicatorIds.set(code, id);
      this.indicatorCodes.set(id, code);
    }
  }

  async ping(): Promise<void> {
    if (!this.db.open) throw new StoreUnavailableError('the SQLite store is closed');
    if (!this.writer.alive) throw new StoreUnavailableError('the SQLite writer stopped; restart the service');
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.writer.close();
    if (this.db.open) this.db.close();
  }

  async loadCatalog(): Promise<CatalogData> {
    const rows = this.db.prepare('SELECT code, name, parent, level, former_codes, valid_from, valid_to FROM regions ORDER BY code').all() as Array<
      Pick<Region, 'code' | 'name' | 'parent' | 'level'> & { former_codes: string | null; valid_from: string | null; valid_to: string | null }
    >;
    // Fields of regions that change are present only when set, as they were given.
    const regions = rows.map(({ former_codes: formerCodes, valid_from: validFrom, valid_to: validTo, ...r }): Region => ({
      ...r,
      ...(formerCodes === null ? {} : { formerCodes: JSON.parse(formerCodes) as string[] }),
      ...(validFrom === null ? {} : { validFrom }),
      ...(validTo === null ? {} : { validTo }),
    }));
    const groups = (this.db.prepare('SELECT code, name, members FROM groups ORDER BY code').all() as Array<{ code: string; name: string; members: string }>).map(
      (g): Group => ({ code: g.code, name: g.name, members: JSON.parse(g.members) as string[] }),
    );
    const indicators = (
      this.db
        .prepare(
          `SELECT code, name, unit, basis, direction, decimals, rank_by AS rankBy, change, report_value AS reportValue,
             review, review_since AS reviewSince, aggregation FROM indicators ORDER BY id`,
        )
        .all() as Array<Omit<Indicator, 'reportValue' | 'review'> & { reportValue: number; review: number }>
    ).map((i): Indicator => ({ ...i, reportValue: i.reportValue === 1, review: i.review === 1, reviewSince: i.review === 1 ? i.reviewSince : null }));
    return { regions, groups, indicators };
  }

  async saveCatalog(changes: CatalogChanges): Promise<void> {
    await this.exclusive({ type: 'catalog', id: this.writer.newId(), changes });
    this.loadIds();
    this.bump({ catalog: true });
  }

  beginWrite(meta: WriteMeta, options: { dryRun?: boolean } = {}): WriteSession {
    const writer = this.writer;
    const id = writer.newId();
    // Stamped by the writer once the batch's turn comes, not here: a write queued ahead of it (a withdrawal) is numbered first, so it must be received first.
    const given = meta.receivedAt?.getTime() ?? null;
    if (options.dryRun !== true) this.inFlight.set(id, given ?? Date.now());
    let waiting: EncodedRows[] | null = [];
    const start = (release: () => void) => {
      writer.post({ type: 'begin', id, receivedAt: given, by: meta.by, dryRun: options.dryRun === true });
      for (const rows of waiting!) writer.post({ type: 'rows', id, rows });
      waiting = null;
      return release;
    };
    // With no write under way the batch starts now; otherwise its parts wait here, then follow its begin in order.
    const lock = writer.acquire();
    const acquired = lock.now !== null ? Promise.resolve(start(lock.now)) : lock.later.then(start);
    const finish = async (type: 'commit' | 'abort') => {
      const release = await acquired;
      try {
        const { counts, slices } = await writer.request({ type, id });
        this.changed(slices);
        return counts;
      } finally {
        this.inFlight.delete(id);
        release();
      }
    };
    return {
      add: (rows) => {
        if (rows.length === 0) return;
        const encoded = this.encode(rows);
        if (waiting !== null) waiting.push(encoded);
        else writer.post({ type: 'rows', id, rows: encoded });
      },
      // Reads see committed data only: this batch's open transaction is invisible until it commits.
      figuresAt: (keys) => this.figuresAt(keys),
      valuesAt: (keys) => this.figuresAt(keys),
      commit: () => finish('commit'),
      abort: async () => {
        await finish('abort');
      },
    };
  }

  async write(rows: readonly PostedRow[], meta: WriteMeta, options: { dryRun?: boolean } = {}): Promise<WriteCounts> {
    const session = this.beginWrite(meta, options);
    session.add(rows);
    return session.commit();
  }

  private changed(slices: readonly number[]): void {
    if (slices.length === 0) return;
    const indicators = new Set<string>();
    const months: Array<{ indicator: string; period: Period }> = [];
    for (const slice of slices) {
      const indicator = this.indicatorCodes.get(sliceIndicator(slice)) ?? '';
      indicators.add(indicator);
      months.push({ indicator, period: intToPeriod(slicePeriod(slice)) });
    }
    // Before the listeners: what they are told of is gone from what is kept.
    this.memory.dropSlices(months);
    // A slice of an indicator this instance has no code for (none: the catalog is loaded first) changes everything.
    this.bump({}, indicators.has('') ? undefined : [...indicators]);
  }

  async withdraw(key: ObservationKey, meta: WriteMeta, annotation: Annotation = {}): Promise<number | null> {
    const indicator = this.indicatorIds.get(key.indicator);
    const region = this.regionIds.get(key.region);
    if (indicator === undefined || region === undefined) return null;
    const release = await this.writer.acquire().later;
    const id = this.writer.newId();
    // Stamped by the writer, in the transaction that numbers the withdrawal.
    const given = meta.receivedAt?.getTime() ?? null;
    this.inFlight.set(id, given ?? Date.now());
    try {
      const answer = await this.writer.request({
        type: 'withdraw',
        id,
        indicator,
        region,
        period: periodToInt(key.period),
        receivedAt: given,
        by: meta.by,
        reason: annotation.reason ?? null,
        note: annotation.note ?? null,
      });
      this.changed(answer.slices);
      return (answer.result as number | null) ?? null;
    } finally {
      this.inFlight.delete(id);
      release();
    }
  }

  async versions(indicator: string, periods: readonly Period[], regions: readonly string[] | null, until: number | null): Promise<FigureVersions[]> {
    const scanAbove = this.regionIds.size * SLICE_SCAN_FRACTION;
    return [...new Set(periods)].flatMap((period) => this.versionReads.slice(indicator, period, regions, until, scanAbove));
  }

  async seriesVersions(indicator: string, region: string, from: Period | null, to: Period | null, until: number | null): Promise<FigureVersions[]> {
    return this.versionReads.series(indicator, region, from, to, until);
  }

  async receipts(since: number, until: number): Promise<SliceReceipt[]> {
    return this.versionReads.receipts(since, until);
  }

  async loadReleases(): Promise<ReleaseEntry[]> {
    const out = new Map<string, ReleaseEntry>();
    for (const [indicator, period, changedAt, releaseAt, by] of this.statements.releases.all() as Array<[string, string, number, number | null, string]>) {
      const key = `${indicator}\u0000${period}`;
      let entry = out.get(key);
      if (entry === undefined) out.set(key, (entry = { indicator, period, changes: [] }));
      entry.changes.push({ releaseAt, changedAt, by });
    }
    return [...out.values()];
  }

  async saveReleases(settings: ReadonlyArray<{ indicator: string; period: Period; setting: ReleaseSetting }>): Promise<void> {
    if (settings.length === 0) return;
    await this.exclusive({ type: 'releases', id: this.writer.newId(), releases: settings.map((s) => ({ indicator: s.indicator, period: s.period, ...s.setting })) });
    this.bump({ releases: true, figures: false });
  }

  private encode(rows: readonly PostedRow[]): EncodedRows {
    const out = allocateRows(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      out.indicator[i] = this.indicatorId(row.indicator);
      out.period[i] = periodToInt(row.period);
      out.region[i] = this.regionId(row.region);
      out.value[i] = row.value;
      out.yoy[i] = row.yoy ?? Number.NaN;
      out.status[i] = encodeStatus(row.status);
      out.reason[i] = encodeReason(row.reason);
      const note = row.note ?? null;
      if (note !== null) (out.notes ??= new Array<string | null>(rows.length).fill(null))[i] = note;
    }
    return out;
  }

  private indicatorId(code: string): number {
    const id = this.indicatorIds.get(code);
    if (id === undefined) throw new Error(`indicator ${code} is not in the catalog`);
    return id;
  }

  private regionId(code: string): number {
    const id = this.regionIds.get(code);
    if (id === undefined) throw new Error(`region ${code} is not in the catalog`);
    return id;
  }

  private observation(indicator: string, period: Period, row: Row): Observation {
    return { indicator, region: this.regionCodes.get(row[0])!, period, value: row[1], yoy: row[2], status: row[3] };
  }

  /** Rows of one slice, wanted regions only: a scan or point lookups, whichever reads less. */
  /** Every figure of a slice, from the slices the memory layer keeps when `cached`, and kept there once read. */
  private sliceFigures(indicator: string, indicatorId: number, period: Period, cached: boolean): readonly Observation[] {
    const p = periodToInt(period);
    const known = cached ? this.memory.currentFigures(indicator, period) : undefined;
    if (known !== undefined) return known;
    const stamp = this.memory.readStamp();
    const figures = (JSON.parse(this.statements.sliceJson.get(indicatorId, p) as string) as Row[]).map((row) => this.observation(indicator, period, row));
    if (cached) this.memory.putFigures(indicator, period, figures, stamp);
    return figures;
  }

  /** Figures of one slice, wanted regions only: a scan or point lookups, whichever reads less. */
  private readSlice(indicator: string, period: Period, regions: ReadonlySet<string> | null, out: Observation[], cached: boolean): void {
    const indicatorId = this.indicatorIds.get(indicator);
    if (indicatorId === undefined) return;
    if (regions === null || this.scans(indicatorId, periodToInt(period), regions.size, cached)) {
      for (const figure of this.sliceFigures(indicator, indicatorId, period, cached)) {
        if (regions === null || regions.has(figure.region)) out.push(figure);
      }
      return;
    }
    const p = periodToInt(period);
    for (const code of regions) {
      const id = this.regionIds.get(code);
      const row = id === undefined ? undefined : (this.statements.point.get(indicatorId, p, id) as Row | undefined);
      if (row !== undefined) out.push(this.observation(indicator, period, row));
    }
  }

  /**
   * Whether reading `wanted` regions of a slice is cheaper as one scan of
   * the slice than as a lookup each: a slice kept in memory always is; a
   * few regions are compared with the catalog, more with the slice's own
   * size (a 3,000-peer ranking in a 100,000-region catalog took 12,000
   * lookups, four times a scan of its months).
   */
  private scans(indicatorId: number, period: number, wanted: number, cached: boolean): boolean {
    if (cached && this.memory.holds(this.indicatorCodes.get(indicatorId) ?? '', intToPeriod(period))) return true;
    if (wanted <= PROBE_REGIONS_MAX) return wanted >= this.regionIds.size * SLICE_SCAN_FRACTION;
    return wanted >= (this.statements.sliceCount.get(indicatorId, period) as number) * SLICE_SCAN_FRACTION;
  }

  private idsOf(regions: readonly string[]): number[] {
    const ids: number[] = [];
    for (const code of regions) {
      const id = this.regionIds.get(code);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }

  async figuresAt(keys: readonly ObservationKey[]): Promise<Observation[]> {
    const bySlice = new Map<string, { indicator: string; period: Period; regions: string[] }>();
    for (const [i, key] of keys.entries()) {
      if (i > 0 && i % KEYS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const sliceKey = `${key.indicator}\u0000${key.period}`;
      let slice = bySlice.get(sliceKey);
      if (slice === undefined) bySlice.set(sliceKey, (slice = { indicator: key.indicator, period: key.period, regions: [] }));
      slice.regions.push(key.region);
    }
    const out: Observation[] = [];
    let since = 0;
    for (const slice of bySlice.values()) {
      this.readSlice(slice.indicator, slice.period, new Set(slice.regions), out, false);
      since += slice.regions.length;
      if (since >= KEYS_PER_TURN) {
        since = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    return out;
  }

  async slices(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<Observation[]> {
    const wanted = regions === null ? null : new Set(regions);
    const out: Observation[] = [];
    const indicatorId = this.indicatorIds.get(indicator);
    // Months of a few regions not kept whole: looked up together below, not a statement a month and region
    // (a report run reads two years of a peer set's months: 7 million lookups for 3,000 regions).
    const probed: Period[] = [];
    for (const period of new Set(periods)) {
      if (wanted !== null && indicatorId !== undefined && periods.length > 1 && !this.scans(indicatorId, periodToInt(period), wanted.size, true)) probed.push(period);
      else this.readSlice(indicator, period, wanted, out, true);
    }
    if (probed.length > 0) this.readPoints(indicator, indicatorId!, probed, wanted!, out);
    return out;
  }

  /** The figures of `wanted` regions in `periods`, in that order of months, then of regions: one statement for all. */
  private readPoints(indicator: string, indicatorId: number, periods: readonly Period[], wanted: ReadonlySet<string>, out: Observation[]): void {
    const ids = this.idsOf([...wanted]);
    if (ids.length === 0) return;
    const found = new Map<string, Row>();
    for (const [period, ...row] of this.statements.points.all(indicatorId, JSON.stringify(periods.map(periodToInt)), JSON.stringify(ids)) as Array<[number, ...Row]>) {
      found.set(`${period} ${row[0]}`, row);
    }
    if (found.size === 0) return;
    for (const period of periods) {
      const p = periodToInt(period);
      for (const id of ids) {
        const row = found.get(`${p} ${id}`);
        if (row !== undefined) out.push(this.observation(indicator, period, row));
      }
    }
  }

  async series(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]> {
    const indicatorId = this.indicatorIds.get(indicator);
    const regionId = this.regionIds.get(region);
    if (indicatorId === undefined || regionId === undefined) return [];
    const rows = this.statements.series.all(
      indicatorId,
      regionId,
      from === null ? 0 : periodToInt(from),
      to === null ? 999_912 : periodToInt(to),
    ) as Array<[number, number, number | null, Status | null]>;
    return rows.map(([p, value, yoy, status]) => ({ indicator, region, period: intToPeriod(p), value, yoy, status }));
  }

  async latestPeriodBefore(indicator: string, before: Period, regions: readonly string[] | null, options: { withdrawn?: boolean } = {}): Promise<Period | null> {
    const indicatorId = this.indicatorIds.get(indicator);
    if (indicatorId === undefined) return null;
    const withdrawn = options.withdrawn === true ? 1 : 0;
    if (regions !== null && regions.length <= PROBE_REGIONS_MAX) {
      let best: number | null = null;
      for (const id of this.idsOf(regions)) {
        const p = this.statements.latestOf.get(indicatorId, id, periodToInt(before), withdrawn) as number | null;
        if (p !== null && (best === null || p > best)) best = p;
      }
      return best === null ? null : intToPeriod(best);
    }
    const wanted = regions === null ? null : new Set(this.idsOf(regions));
    let bound = periodToInt(before);
    // Each step moves to an earlier period that has figures: bounded by the periods stored.
    for (;;) {
      const p = this.statements.latest.get(indicatorId, bound, withdrawn) as number | null;
      if (p === null) return null;
      if (wanted === null) return intToPeriod(p);
      for (const region of this.statements.sliceRegions.iterate(indicatorId, p, withdrawn) as IterableIterator<number>) {
        // Usually the first region read is a peer: stop there.
        if (wanted.has(region)) return intToPeriod(p);
      }
      bound = p;
    }
  }

  /** Writes go through the writer thread, one at a time like batches. */
  private async exclusive(message: Parameters<WriterClient['request']>[0]): Promise<unknown> {
    const release = await this.writer.acquire().later;
    try {
      return (await this.writer.request(message)).result;
    } finally {
      release();
    }
  }

  async saveTargets(targets: readonly Target[]): Promise<void> {
    if (targets.length === 0) return;
    await this.exclusive({ type: 'targets', id: this.writer.newId(), targets: [...targets] });
    this.bump({ figures: false });
  }

  async targets(filter: TargetFilter): Promise<Target[]> {
    return this.readTargets(filter);
  }

  async saveReports(reports: ReadonlyArray<Omit<StoredReport, 'version'>>): Promise<ReportRecord[]> {
    if (reports.length === 0) return [];
    const rows = reports.map((r) => ({
      region: r.region,
      period: r.period,
      generatedAt: r.generatedAt.getTime(),
      trigger: r.trigger,
      digest: r.digest,
      failures: r.failures,
      facts: reportJson(r.facts),
      quotes: JSON.stringify(r.quotes),
    }));
    const versions = (await this.exclusive({ type: 'reports', id: this.writer.newId(), reports: rows })) as number[];
    this.bump({ figures: false });
    return reports.map(({ facts: _facts, ...r }, i) => ({ ...r, version: versions[i]! }));
  }

  async reports(filter: { region?: string | undefined; period?: Period | undefined }): Promise<ReportRecord[]> {
    return (this.statements.reports.all({ region: filter.region ?? null, period: filter.period ?? null }) as ReportRowOut[]).map(recordOf);
  }

  async report(region: string, period: Period, version: number | null): Promise<StoredReport | null> {
    const row = this.statements.report.get({ region, period, version }) as (ReportRowOut & { facts: string }) | undefined;
    return row === undefined ? null : { ...recordOf(row), facts: JSON.parse(row.facts) as unknown };
  }

  async claim(key: string, slot: string): Promise<boolean> {
    return (await this.exclusive({ type: 'claim', id: this.writer.newId(), key, slot })) as boolean;
  }

  async stateValue(key: string): Promise<string | null> {
    const row = this.db.prepare('SELECT value FROM state WHERE key = ?').pluck().get(key) as string | undefined;
    return row ?? null;
  }

  async history(key: ObservationKey): Promise<StoredVersion[]> {
    return this.versionReads.slice(key.indicator, key.period, [key.region], null, Number.POSITIVE_INFINITY)[0]?.versions ?? [];
  }

  /** Like a catalog save: every reader of the `catalog` marker reloads. */
  async saveToken(token: StoredToken): Promise<void> {
    const { id, hash, role, holder, scope, createdAt, createdBy, expiresAt, revokedAt, lastUsedAt } = token;
    const kept = { id, hash, role, holder, scope, createdAt, createdBy, expiresAt, revokedAt, lastUsedAt };
    await this.exclusive({ type: 'save-token', id: this.writer.newId(), token: kept });
    this.bump({ catalog: true });
  }

  async revokeToken(id: string, at: number): Promise<boolean> {
    const revoked = (await this.exclusive({ type: 'revoke-token', id: this.writer.newId(), token: id, at })) as boolean;
    if (revoked) {
      this.bump({ catalog: true });
    }
    return revoked;
  }

  async tokens(): Promise<StoredToken[]> {
    return (this.statements.tokens.all() as TokenRowOut[]).map(([id, hash, role, holder, scope, createdAt, createdBy, expiresAt, revokedAt, lastUsedAt]) => ({
      id,
      hash,
      role: role as TokenRole,
      holder,
      scope: scope === null ? null : (JSON.parse(scope) as StoredToken['scope']),
      createdAt,
      createdBy,
      expiresAt,
      revokedAt,
      lastUsedAt,
    }));
  }

  /** One transaction; no marker moves. */
  async touchTokens(uses: ReadonlyArray<{ id: string; lastUsedAt: number }>): Promise<void> {
    if (uses.length === 0) return;
    await this.exclusive({ type: 'touch-tokens', id: this.writer.newId(), uses: uses.map((u) => ({ id: u.id, lastUsedAt: u.lastUsedAt })) });
  }

  /** In one transaction of the writer; resolves after its commit. */
  async appendAccess(entries: readonly AccessEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((e) => ({
      at: e.at,
      holder: e.holder,
      role: e.role,
      method: e.method,
      path: e.path,
      months: JSON.stringify(e.months.map((m) => [m.indicator, m.period])),
    }));
    await this.exclusive({ type: 'access', id: this.writer.newId(), entries: rows });
  }

  async accessLog(query: AccessQuery): Promise<Array<AccessEntry & { id: string }>> {
    const limit = Math.floor(query.limit);
    if (!(limit > 0)) return [];
    // The position to read back from, exclusive: after `to`, and no later than the previous page's last entry (ids start at 1).
    let position = { at: query.to === undefined ? Number.MAX_SAFE_INTEGER : Math.floor(query.to) + 1, id: 0 };
    if (query.before !== undefined) {
      const b = { at: query.before.at, id: /^\d{1,15}$/.test(query.before.id) ? Number(query.before.id) : 0 };
      if (b.at < position.at || (b.at === position.at && b.id < position.id)) position = b;
    }
    const any = query.indicator === undefined && query.period === undefined;
    const params = {
      from: query.from ?? Number.MIN_SAFE_INTEGER,
      at: position.at,
      id: position.id,
      any: any ? 1 : 0,
      indicator: query.indicator ?? null,
      period: query.period ?? null,
      limit,
    };
    const rows = (query.holder === undefined ? this.statements.accessPage.all(params) : this.statements.accessPageOf.all({ ...params, holder: query.holder })) as AccessRowOut[];
    return rows.map(([id, at, holder, role, method, path, months]) => ({
      at,
      holder,
      role,
      method,
      path,
      months: (JSON.parse(months) as Array<[string, Period]>).map(([indicator, period]) => ({ indicator, period })),
      id: String(id),
    }));
  }

  /** Like a calendar save: the `releases` marker moves. */
  async saveReviewDecision(decision: ReviewDecision): Promise<void> {
    const { indicator, period, action, at, by, note, override } = decision;
    await this.exclusive({ type: 'review', id: this.writer.newId(), decision: { indicator, period, action, at, by, note, override } });
    this.bump({ releases: true, figures: false });
  }

  async reviewDecisions(): Promise<ReviewDecision[]> {
    return this.statements.reviews.all() as ReviewDecision[];
  }

  /** Like a token: every reader of the `catalog` marker learns of it. The bytes are copied before the call returns: the caller's buffer is never kept or moved. */
  async saveTemplate(template: StoredTemplate): Promise<void> {
    const { name, kind, size, sha256, savedAt, savedBy, tags, bytes } = template;
    const row = { name, kind, size, sha256, savedAt: savedAt.getTime(), savedBy, tags: JSON.stringify(tags), bytes: new Uint8Array(bytes) };
    await this.exclusive({ type: 'save-template', id: this.writer.newId(), template: row });
    this.bump({ catalog: true });
  }

  async templates(): Promise<TemplateInfo[]> {
    return (this.statements.templates.all() as TemplateRowOut[]).map(templateInfoOf);
  }

  async template(name: string, kind: TemplateKind): Promise<StoredTemplate | null> {
    const row = this.statements.template.get(name, kind) as TemplateRowOut | undefined;
    if (row === undefined) return null;
    // A BLOB reads as a Buffer of its own (an empty one too).
    return { ...templateInfoOf(row), bytes: row[7]! };
  }

  /** The `catalog` marker changes when any was removed. */
  async deleteTemplates(name: string, kind: TemplateKind | null): Promise<number> {
    const removed = (await this.exclusive({ type: 'delete-templates', id: this.writer.newId(), name, kind })) as number;
    if (removed > 0) this.bump({ catalog: true });
    return removed;
  }
}
