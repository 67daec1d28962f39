/**
 * The one store interface: the embedded SQLite store and the InfluxDB store
 * implement it, and one conformance suite (test/store/conformance.ts) runs
 * against both. Stores read and write plain observations and the catalog;
 * growth and ranks are computed by the domain core, never in a query.
 */
import type { Annotation } from '../domain/corrections.ts';
import type { ReleaseEntry, ReleaseSetting, StoredVersion } from '../domain/publication.ts';
import type { Role } from '../roles.ts';
import type { Group, Indicator, Observation, ObservationKey, Period, Region, Target } from '../domain/types.ts';

export interface CatalogData {
  regions: Region[];
  groups: Group[];
  indicators: Indicator[];
}

export interface CatalogChanges {
  regions?: Region[];
  groups?: Group[];
  indicators?: Indicator[];
}

export interface WriteMeta {
  /**
   * When the batch was received; absent, the store stamps it as it writes
   * (so a version is readable moments after its receive time, which the
   * changes feed counts on).
   */
  receivedAt?: Date;
  /** Who posted the batch: a token holder's name or role. */
  by: string;
}

/**
 * A posted row: the figure, and why it changes (API.md "Corrections"). The
 * reason and note are kept with the version the row makes; a row that makes
 * none (identical in value, yoy and status) leaves them unstored.
 */
export type PostedRow = Observation & Annotation;

export interface WriteCounts {
  created: number;
  revised: number;
  unchanged: number;
}

/**
 * One batch being written. A store may write parts as they are added (and
 * undo them on abort) or keep them until commit; either way nothing of an
 * aborted batch is stored, and a committed one is stored whole.
 */
export interface WriteSession {
  add(rows: readonly PostedRow[]): void;
  /** Current figures at these keys as stored before this batch (for checks that compare with them). */
  figuresAt(keys: readonly ObservationKey[]): Promise<Observation[]>;
  /** Their values only: all the plausibility checks compare (a store may read less for them). */
  valuesAt(keys: readonly ObservationKey[]): Promise<Array<ObservationKey & { value: number }>>;
  commit(): Promise<WriteCounts>;
  abort(): Promise<void>;
}

/** Every stored version of one figure, oldest first (a withdrawal is a version too). */
export interface FigureVersions extends ObservationKey {
  versions: StoredVersion[];
}

/** A batch's mark on one indicator's month: it wrote versions received at `receivedAt` (ms). */
export interface SliceReceipt {
  indicator: string;
  period: Period;
  receivedAt: number;
}

/**
 * Markers of what a store holds, each changing with every committed write
 * of its kind (by any instance): answers computed while `data` is unchanged
 * may be reused; a changed `catalog` or `releases` is re-read.
 */
/** What a write this process committed changed (Store.subscribe). */
export interface Written {
  /** The data marker it left. */
  data: string;
  catalog: boolean;
  releases: boolean;
  /** The indicators whose figures it changed, when only figures changed; absent: anything may have. */
  indicators?: readonly string[];
  /** False when it changed no figure (targets, reports, tokens, templates, the catalog, the calendar, review decisions). */
  figures?: false;
}

export interface ChangeState {
  data: string;
  catalog: string;
  releases: string;
  /** A shared store's marker of writes that changed no figure (reports, targets, tokens …): moves with each. */
  other?: string;
  /**
   * A shared store's mark of each indicator whose figures were ever written:
   * the `data` marker of the last write of them. Another instance's write
   * is then known by the indicators it changed.
   */
  indicators?: ReadonlyMap<string, string>;
  /**
   * The earliest receive time (ms) of a write under way that may still
   * commit, or null: versions received from then on may not be readable yet.
   */
  inFlightSince: number | null;
}

/** One generated report, without its content. */
export interface ReportRecord {
  region: string;
  period: Period;
  /** 1 for the first report of a region and month, then 2, 3 …: earlier versions are kept. */
  version: number;
  generatedAt: Date;
  /** What made it: `schedule <slot>` or `manual <by>`. */
  trigger: string;
  /** SHA-256 of the facts it was written from: two versions from the same data share it. */
  digest: string;
  failures: number;
  /** The indicators' months it quotes (`indicator|period`): readable by the public once all are released. */
  quotes: string[];
}

export interface TargetFilter {
  indicator?: string | undefined;
  region?: string | undefined;
  year?: number | undefined;
}

export interface StoredReport extends ReportRecord {
  /** The structured facts (JSON) the texts are written from. */
  facts: unknown;
}

/** Roles a token may carry (API.md "Tokens and scopes"). */
export type TokenRole = Role;

/** What a token may touch: region codes (each with every region below it) and indicator codes; absent lists mean all. */
export interface TokenScope {
  regions?: string[];
  indicators?: string[];
}

/** A token made through the API, as kept: never the token itself, only its SHA-256 (hex). */
export interface StoredToken {
  id: string;
  hash: string;
  role: TokenRole;
  holder: string;
  scope: TokenScope | null;
  /** Times in ms. */
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** One answer a privileged caller got that carried months the public could not see yet (API.md "Pre-release access log"). */
export interface AccessEntry {
  /** ms */
  at: number;
  holder: string;
  role: string;
  method: string;
  path: string;
  months: Array<{ indicator: string; period: Period }>;
}

/** A page of the access log: newest first, entries matching every filter given, strictly older than `before`. */
export interface AccessQuery {
  holder?: string | undefined;
  /** Entries whose months include this indicator (and `period`, when given). */
  indicator?: string | undefined;
  period?: Period | undefined;
  /** ms, inclusive. */
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
  /** The position of the last entry of the previous page. */
  before?: { at: number; id: string } | undefined;
}

/** A decision on an indicator's month under review (API.md "Review and sign-off"). */
export interface ReviewDecision {
  indicator: string;
  period: Period;
  action: 'approve' | 'reopen';
  /** ms */
  at: number;
  by: string;
  note: string | null;
  /** The reason given to approve despite failing checks, or null. */
  override: string | null;
}

export type LeaseState = 'claim' | 'held' | 'released';

/** One instance's record in the writer lease (services/writer-lease.ts). */
export interface LeaseRecord {
  /** The instance: random per process. */
  holder: string;
  /** Where it takes forwarded writes; '' until it listens. */
  url: string;
  state: LeaseState;
  /** ms, the holder's clock: rewritten at every renewal. */
  renewedAt: number;
  /** ms: when it claimed or took the lease. */
  since: number;
}

/** Where instances sharing a store agree on the one that writes. */
export interface LeasePort {
  /** Every instance's record. */
  leases(): Promise<LeaseRecord[]>;
  /** Write (or rewrite) this instance's record, acknowledged. */
  putLease(record: LeaseRecord): Promise<void>;
}

/** What changed, who may write, and the connection itself. */
export interface ChangesPort {
  readonly kind: 'sqlite' | 'influxdb';
  /**
   * Whether other processes may write to the same data: then `changes()`
   * asks the store (a query), and callers bound how often they ask.
   */
  readonly shared: boolean;
  /** A shared store's writer lease; absent where one process writes (SQLite). */
  readonly lease?: LeasePort;
  /** What has changed: known at once by a store with one writer, read from the store otherwise. */
  changes(): ChangeState | Promise<ChangeState>;
  /**
   * Call `listener` after every write this process commits, with the state
   * it left (the catalog and calendar markers as far as this process knows).
   */
  subscribe(listener: (written: Written) => void): void;
  /** Throws StoreUnavailableError when the store cannot serve requests. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Regions, groups and indicators. */
export interface CatalogPort {
  loadCatalog(): Promise<CatalogData>;
  /** Upsert every entry given, all or nothing; entries not given are kept. */
  saveCatalog(changes: CatalogChanges): Promise<void>;
}

/** Figures and their versions: posted, read, as of an instant, withdrawn. */
export interface FiguresPort {
  /**
   * Start storing a batch that arrives in parts as it is validated. A row
   * identical (value, yoy, status) to the current figure is unchanged, its
   * reason and note left unstored; a differing one is a revision that keeps
   * the earlier version. Every version keeps its row's reason and note. Rows name
   * catalogued indicators and regions, and no key twice in one batch. With
   * `dryRun`, the commit counts without storing.
   */
  beginWrite(meta: WriteMeta, options?: { dryRun?: boolean }): WriteSession;
  /** A whole batch at once: begin, add, commit. */
  write(rows: readonly PostedRow[], meta: WriteMeta, options?: { dryRun?: boolean }): Promise<WriteCounts>;

  /** Current figures for these keys; keys without a figure (or withdrawn) are left out. */
  figuresAt(keys: readonly ObservationKey[]): Promise<Observation[]>;
  /**
   * Current figures of one indicator at these periods, for these regions
   * (all regions when `regions` is null).
   */
  slices(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<Observation[]>;
  /** One region's figures between two periods inclusive (open ends when null), oldest first. */
  series(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]>;
  /**
   * The latest period before `before` in which the indicator has any
   * current figure, for any of `regions` when given; with `withdrawn`, also
   * one whose current version is a withdrawal (a figure once there).
   */
  latestPeriodBefore(indicator: string, before: Period, regions: readonly string[] | null, options?: { withdrawn?: boolean }): Promise<Period | null>;
  /** Every version of one figure, oldest first; the last is current (or a withdrawal). */
  history(key: ObservationKey): Promise<StoredVersion[]>;
  /**
   * Every version received by `until` (ms; null: all) of the figures of one
   * indicator at these periods, for these regions (all when null).
   */
  versions(indicator: string, periods: readonly Period[], regions: readonly string[] | null, until: number | null): Promise<FigureVersions[]>;
  /** Every version received by `until` of one region's figures between two periods inclusive. */
  seriesVersions(indicator: string, region: string, from: Period | null, to: Period | null, until: number | null): Promise<FigureVersions[]>;
  /**
   * Withdraw the current figure at `key` (posted in error) as a new
   * version, with why (`annotation`: its reason and note, null when not
   * given); answers its number, or null when there is no current figure.
   */
  withdraw(key: ObservationKey, meta: WriteMeta, annotation?: Annotation): Promise<number | null>;
  /** The slices batches wrote versions to, received in (since, until] (ms), oldest first. */
  receipts(since: number, until: number): Promise<SliceReceipt[]>;
}

/** The release calendar. */
export interface CalendarPort {
  /** The release calendar: every setting of every month that has one. */
  loadReleases(): Promise<ReleaseEntry[]>;
  /** Record one more setting of each month's release time, all or nothing. */
  saveReleases(settings: ReadonlyArray<{ indicator: string; period: Period; setting: ReleaseSetting }>): Promise<void>;
}

/** Generated reports, every version kept. */
export interface ReportsPort {
  /** Store reports, each as the next version of its region and month. */
  saveReports(reports: ReadonlyArray<Omit<StoredReport, 'version'>>): Promise<ReportRecord[]>;
  /** Every stored version, newest month first, then region, then version. */
  reports(filter: { region?: string | undefined; period?: Period | undefined }): Promise<ReportRecord[]>;
  /** One version of a report, or the latest when `version` is null. */
  report(region: string, period: Period, version: number | null): Promise<StoredReport | null>;
}

/** Annual targets. */
export interface TargetsPort {
  /** Upsert annual targets keyed by (indicator, region, year, kind), all or nothing. */
  saveTargets(targets: readonly Target[]): Promise<void>;
  /** Targets matching every filter given, ordered by indicator, region, year, kind. */
  targets(filter: TargetFilter): Promise<Target[]>;
}

/** The service's own durable facts (schedule slots, secrets). */
export interface StatePort {
  /**
   * Record `slot` under `key` if it is later than the one recorded; answers
   * whether it was. A schedule slot is claimed once, across restarts.
   */
  claim(key: string, slot: string): Promise<boolean>;
  /** The value recorded under `key` by `claim`, or null when none is. */
  stateValue(key: string): Promise<string | null>;
}

/** Tokens made through the API. */
export interface TokensPort {
  /** Keep a new token; like a catalog write, every instance learns of it (the `catalog` marker changes). */
  saveToken(token: StoredToken): Promise<void>;
  /** Mark a token revoked at `at`; false when there is no such token or it was revoked already. The `catalog` marker changes. */
  revokeToken(id: string, at: number): Promise<boolean>;
  /** Every token kept, revoked ones included, oldest first. */
  tokens(): Promise<StoredToken[]>;
  /** Record when tokens were last used (later times only); no marker changes. */
  touchTokens(uses: ReadonlyArray<{ id: string; lastUsedAt: number }>): Promise<void>;
}

/** What a report template is: a Word document, or a Liquid text template for Markdown or HTML. */
export type TemplateKind = 'docx' | 'markdown' | 'html';
export interface TemplateInfo {
  name: string;            // [a-z0-9][a-z0-9_-]{0,63}, checked by the caller
  kind: TemplateKind;
  size: number;            // bytes.length
  sha256: string;          // hex of bytes, computed by the caller
  savedAt: Date;
  savedBy: string;         // token holder
  tags: string[];          // the template's tags, as the caller found them
}
export interface StoredTemplate extends TemplateInfo { bytes: Buffer }
/** Report templates staff upload (at most 5 MB each, binary or text): kept byte for byte. */
export interface TemplatesPort {
  /** Keep a template, replacing the one of that name and kind; every instance learns of it (as tokens: the catalog marker changes). */
  saveTemplate(template: StoredTemplate): Promise<void>;
  /** Every template kept, ordered by name then kind, without their bytes. */
  templates(): Promise<TemplateInfo[]>;
  /** One template with its bytes, or null. */
  template(name: string, kind: TemplateKind): Promise<StoredTemplate | null>;
  /** Remove the templates of that name (of that kind only, when given); answers how many were removed. */
  deleteTemplates(name: string, kind: TemplateKind | null): Promise<number>;
}

/** The pre-release access log. */
export interface AccessLogPort {
  /** Append entries to the pre-release access log; resolves only once they are stored. */
  appendAccess(entries: readonly AccessEntry[]): Promise<void>;
  /** A page of the access log, newest first; each entry with an id unique in the log (its position with `at`). */
  accessLog(query: AccessQuery): Promise<Array<AccessEntry & { id: string }>>;
}

/** Review decisions. */
export interface ReviewPort {
  /** Record a review decision; the `releases` marker changes (what the public sees may). */
  saveReviewDecision(decision: ReviewDecision): Promise<void>;
  /** Every review decision, in the order made. */
  reviewDecisions(): Promise<ReviewDecision[]>;
}

/**
 * The store: the ports above together, which both adapters implement. A
 * service that needs only some takes only those (TokenService: TokensPort).
 */
export interface Store
  extends ChangesPort,
    CatalogPort,
    FiguresPort,
    CalendarPort,
    ReportsPort,
    TargetsPort,
    StatePort,
    TokensPort,
    AccessLogPort,
    ReviewPort,
    TemplatesPort {}
