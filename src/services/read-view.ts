/**
 * The read side as a port: a view of the store built per request from the
 * caller's visibility (audience, instant, vintage) and scope. Every read a
 * service makes goes through one; the publication rule
 * (domain/publication.ts) is applied here and nowhere else. Ingest reads the
 * store itself: detecting a revision needs the truth.
 *
 * A privileged caller sees what the public may not, but a scoped one only
 * within its scope: a read that needs a figure outside it (a ranking of
 * the peers of its county) is answered as to the public. Whatever a view
 * hands out that the public may not see is noted (`revealed`): the
 * pre-release access log records it before the answer leaves.
 */
import { publicationTimes, visibleVersion, type Audience, type PublishedVersion, type Visibility } from '../domain/publication.ts';
import { coversIndicator, coversRegions, type Scope } from '../domain/scope.ts';
import type { Annotation } from '../domain/corrections.ts';
import type { Observation, ObservationKey, Period, Target } from '../domain/types.ts';
import { ApiError } from '../errors.ts';
import type { FigureVersions, ReportRecord, Store, StoredReport, TargetFilter } from '../store/store.ts';
import type { ReleaseCalendar } from './release-calendar.ts';

/** A month the caller may not see yet, and when it will be released (null: not known). */
export interface NotReleased {
  indicator: string;
  period: Period;
  releaseAt: number | null;
}

/** Slices a report quotes, as stored with it: `indicator|period`. */
export const quoteKey = (indicator: string, period: Period) => `${indicator}|${period}`;

export function notReleasedError(hidden: NotReleased): ApiError {
  const at = hidden.releaseAt === null ? null : new Date(hidden.releaseAt).toISOString();
  return new ApiError('not_released', at === null ? `${hidden.indicator} for ${hidden.period} is not public` : `${hidden.indicator} for ${hidden.period} is released at ${at}`, {
    details: [{ field: 'period', message: 'not released', releaseAt: at }],
  });
}

export class ReadView {
  /** Whether answers read the current figures (the fast path) or versions as of an instant. */
  private readonly current: boolean;
  /** Months (`indicator|period`) this view handed out that the public may not see. */
  readonly revealed = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly calendar: ReleaseCalendar,
    readonly visibility: Visibility,
    /** The instant the request arrived (ms). */
    readonly now: number,
    /** What a privileged caller's token covers, or null: all. */
    readonly scope: Scope | null = null,
    /** Months known settled or not, shared by the views of one version of the data and decisions. */
    private readonly settledMonths: Map<string, boolean> = new Map(),
  ) {
    this.current = visibility.vintage === 'latest' && visibility.at >= now;
  }

  /** Whether the caller sees what the public may not (somewhere: a scoped caller only within its scope). */
  get privileged(): boolean {
    return this.visibility.audience === 'privileged';
  }

  /** Whether a read of `indicator` for `regions` (null: all) is a privileged one: the caller's, and within its scope. */
  private covered(indicator: string, regions: readonly string[] | null): boolean {
    return this.privileged && coversIndicator(this.scope, indicator) && coversRegions(this.scope, regions);
  }

  private audience(indicator: string, regions: readonly string[] | null): Audience {
    return this.covered(indicator, regions) ? 'privileged' : 'public';
  }

  /** Whether the public may not see (all of) the month's latest figures: embargoed at the view's instant or now, or awaiting approval. */
  private async secret(indicator: string, period: Period): Promise<boolean> {
    return this.calendar.embargoed(indicator, period, this.visibility.at) || this.calendar.embargoed(indicator, period, this.now) || !(await this.settled(indicator, period));
  }

  /** Note the months among `periods` that carry figures and that the public may not see. */
  private async reveal(indicator: string, periods: Iterable<Period>): Promise<void> {
    if (!this.privileged) return;
    for (const period of periods) if (await this.secret(indicator, period)) this.revealed.add(quoteKey(indicator, period));
  }


  /**
   * Whether every version of a month received by now has been let out by an
   * approval (always so for a month not under review): the public's figures
   * are then the current ones, and the fast path may answer them.
   */
  private async settled(indicator: string, period: Period): Promise<boolean> {
    if (!this.calendar.underReview(indicator)) return true;
    const key = quoteKey(indicator, period);
    let settled = this.settledMonths.get(key);
    if (settled === undefined) {
      settled = !(await this.calendar.waiting(indicator, period, this.now));
      this.settledMonths.set(key, settled);
    }
    return settled;
  }

  /** The instant answered, echoed as `asOf` when the caller pinned one. */
  get asOf(): string | undefined {
    return this.visibility.pinned ? new Date(this.visibility.at).toISOString() : undefined;
  }

  /** Whether the caller may not see this month of the indicator for `regions` (null: all) at the view's instant. */
  hidden(indicator: string, period: Period, regions: readonly string[] | null = null): boolean {
    return !this.covered(indicator, regions) && this.calendar.embargoed(indicator, period, this.visibility.at);
  }

  /** The first of `periods` the caller may not see for `regions`, if any. */
  notReleased(indicator: string, periods: readonly Period[], regions: readonly string[] | null = null): NotReleased | undefined {
    for (const period of periods) {
      if (this.hidden(indicator, period, regions)) return { indicator, period, releaseAt: this.calendar.releaseAt(indicator, period, this.visibility.at) };
    }
    return undefined;
  }

  /** Throw `not_released` unless the caller may see every one of `periods` for `regions`. */
  requireReleased(indicator: string, periods: readonly Period[], regions: readonly string[] | null = null): void {
    const hidden = this.notReleased(indicator, periods, regions);
    if (hidden !== undefined) throw notReleasedError(hidden);
  }

  /** The version of each figure the caller sees, as a figure; `annotate`: with the version's reason and note. */
  private pick(figures: readonly FigureVersions[], audience: Audience, annotate = false): Array<Observation & Annotation> {
    const visibility = { ...this.visibility, audience };
    const out: Array<Observation & Annotation> = [];
    // Figures come month by month: the calendar is looked up once a month.
    let month = '';
    let changes: ReturnType<ReleaseCalendar['changesOf']>;
    let review: ReturnType<ReleaseCalendar['reviewOf']>;
    for (const f of figures) {
      if (f.period !== month || f === figures[0]) {
        month = f.period;
        changes = this.calendar.changesOf(f.indicator, f.period);
        review = this.calendar.reviewOf(f.indicator, f.period);
      }
      const v = visibleVersion(f.versions, changes, visibility, review);
      // A literal, not a spread: this runs for every figure of an as-of ranking.
      if (v === undefined) continue;
      if (annotate) out.push({ indicator: f.indicator, region: f.region, period: f.period, value: v.value!, yoy: v.yoy, status: v.status, reason: v.reason, note: v.note });
      else out.push({ indicator: f.indicator, region: f.region, period: f.period, value: v.value!, yoy: v.yoy, status: v.status });
    }
    return out;
  }

  /**
   * What `slices` answers, read from the figures' versions, each figure with
   * the reason and note of the version shown (API.md "Corrections"): for
   * listings and downloads, which carry them. The same rule picks the
   * version, so figure and note always belong together.
   */
  async annotatedSlices(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<Array<Observation & Annotation>> {
    const open = periods.filter((p) => !this.hidden(indicator, p, regions));
    if (open.length === 0) return [];
    const figures = this.pick(await this.store.versions(indicator, open, regions, this.visibility.at), this.audience(indicator, regions), true);
    if (this.privileged) await this.reveal(indicator, new Set(figures.map((o) => o.period)));
    return figures;
  }

  /**
   * The versions of these figures the caller may see, each with when it
   * became public (a privileged caller's every version received by the
   * view's instant, the public's those published by then): what a report
   * reads to note a figure corrected since it was first published.
   */
  async figureHistories(indicator: string, periods: readonly Period[], regions: readonly string[]): Promise<Array<ObservationKey & { versions: PublishedVersion[] }>> {
    const open = periods.filter((p) => !this.hidden(indicator, p, regions));
    if (open.length === 0 || regions.length === 0) return [];
    const privileged = this.covered(indicator, regions);
    const at = Math.min(this.visibility.at, this.now);
    const out: Array<ObservationKey & { versions: PublishedVersion[] }> = [];
    for (const f of await this.store.versions(indicator, open, regions, at)) {
      const versions = publicationTimes(f.versions, this.calendar.changesOf(f.indicator, f.period), at, this.calendar.reviewOf(f.indicator, f.period));
      out.push({ indicator: f.indicator, region: f.region, period: f.period, versions: privileged ? versions : versions.filter((v) => v.publishedAt !== null) });
    }
    if (privileged) await this.reveal(indicator, new Set(out.map((f) => f.period)));
    return out;
  }

  async slices(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<Observation[]> {
    const open = periods.filter((p) => !this.hidden(indicator, p, regions));
    if (open.length === 0) return [];
    const audience = this.audience(indicator, regions);
    // The current figures answer every month the caller sees as they are: a privileged caller's, or a settled month's.
    const fast: Period[] = [];
    const gated: Period[] = [];
    for (const p of open) (this.current && (audience === 'privileged' || (await this.settled(indicator, p))) ? fast : gated).push(p);
    const figures = [
      ...(fast.length === 0 ? [] : await this.store.slices(indicator, fast, regions)),
      ...(gated.length === 0 ? [] : this.pick(await this.store.versions(indicator, gated, regions, this.visibility.at), audience)),
    ];
    if (this.privileged) await this.reveal(indicator, new Set(figures.map((o) => o.period)));
    return figures;
  }

  async series(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]> {
    const audience = this.audience(indicator, [region]);
    // A reviewed indicator's public series is read as versions: any month of it may have one waiting.
    const fast = this.current && (audience === 'privileged' || !this.calendar.underReview(indicator));
    const figures = (
      fast ? await this.store.series(indicator, region, from, to) : this.pick(await this.store.seriesVersions(indicator, region, from, to, this.visibility.at), audience)
    ).filter((o) => !this.hidden(indicator, o.period, [region]));
    if (this.privileged) await this.reveal(indicator, figures.map((o) => o.period));
    return figures;
  }

  /** The latest month before `before` in which any of `regions` (all when null) has a figure the caller sees. */
  async latestPeriodBefore(indicator: string, before: Period, regions: readonly string[] | null): Promise<Period | null> {
    let bound = before;
    // As of an instant, a month whose figure has been withdrawn since may have had one then.
    const options = { withdrawn: !this.current };
    // Each step moves to an earlier month with stored figures: bounded by the months stored.
    for (;;) {
      const period = await this.store.latestPeriodBefore(indicator, bound, regions, options);
      if (period === null) return null;
      const gated = this.audience(indicator, regions) === 'public' && this.calendar.reviewOf(indicator, period) !== undefined;
      if (!this.hidden(indicator, period, regions) && ((this.current && !gated) || (await this.slices(indicator, [period], regions)).length > 0)) return period;
      bound = period;
    }
  }

  /** The versions of one figure the caller may see, each with when it became public. */
  async history(key: ObservationKey): Promise<PublishedVersion[]> {
    const versions = publicationTimes(await this.store.history(key), this.calendar.changesOf(key.indicator, key.period), this.now, this.calendar.reviewOf(key.indicator, key.period));
    if (!this.covered(key.indicator, [key.region])) return versions.filter((v) => v.publishedAt !== null);
    // A version not (yet) public is what the access log is for.
    if (versions.some((v) => v.publishedAt === null)) this.revealed.add(quoteKey(key.indicator, key.period));
    return versions;
  }

  /**
   * Months of an indicator (all when null) in which something may have
   * become public in (since, until]: batches received and release times
   * passing or moved. `until` never reaches past the view's instant.
   */
  async publicationEvents(since: number, until: number, indicator: string | null): Promise<Array<{ indicator: string; period: Period; at: number }>> {
    const end = Math.min(until, this.now);
    const out: Array<{ indicator: string; period: Period; at: number }> = [];
    if (since >= end) return out;
    const note = (i: string, period: Period, at: number) => {
      if (at > since && at <= end && (indicator === null || i === indicator)) out.push({ indicator: i, period, at });
    };
    for (const r of await this.store.receipts(since, end)) note(r.indicator, r.period, r.receivedAt);
    // An approval lets a reviewed month's waiting versions out at its instant.
    for (const d of this.calendar.approvedBetween(since, end)) note(d.indicator, d.period, d.at);
    for (const entry of this.calendar.endedBetween(since, end)) {
      for (const c of entry.changes) {
        note(entry.indicator, entry.period, c.changedAt);
        if (c.releaseAt !== null) note(entry.indicator, entry.period, c.releaseAt);
      }
    }
    return out;
  }

  /**
   * Every version of a month's figures that had become public by `until`
   * (never past the view's instant), with when: the public's record, the
   * same for every caller, since it says what was published.
   */
  async published(indicator: string, period: Period, until: number): Promise<Array<ObservationKey & PublishedVersion & { publishedAt: number }>> {
    const end = Math.min(until, this.now);
    const changes = this.calendar.changesOf(indicator, period);
    const out: Array<ObservationKey & PublishedVersion & { publishedAt: number }> = [];
    for (const figure of await this.store.versions(indicator, [period], null, end)) {
      for (const v of publicationTimes(figure.versions, changes, end, this.calendar.reviewOf(indicator, period))) {
        if (v.publishedAt !== null) out.push({ ...v, publishedAt: v.publishedAt, indicator: figure.indicator, region: figure.region, period: figure.period });
      }
    }
    return out;
  }

  /**
   * Every version of a month's figures received by now, for the caller who
   * may see them all (privileged, and within its scope for `regions`);
   * nothing for anyone else. A month with versions the public may not see
   * is noted as revealed.
   */
  async monthVersions(indicator: string, period: Period, regions: readonly string[] | null): Promise<FigureVersions[]> {
    if (!this.covered(indicator, regions)) return [];
    const figures = await this.store.versions(indicator, [period], regions, this.now);
    if (figures.length > 0) await this.reveal(indicator, [period]);
    return figures;
  }

  /** Whether answers about the indicator for `regions` are the public's and its months need approval: an empty month is then one not released. */
  waits(indicator: string, regions: readonly string[] | null): boolean {
    return this.audience(indicator, regions) === 'public' && this.calendar.underReview(indicator);
  }

  /** Annual targets: plans, public as soon as they are set. */
  async targets(filter: TargetFilter): Promise<Target[]> {
    return this.store.targets(filter);
  }

  /**
   * Why a report is not readable to this caller yet, or undefined when it
   * is (a report speaks of a region's peers: a scope of regions never
   * covers it): a quoted month embargoed, or under review and not approved
   * since the report was written (it may quote versions still waiting).
   */
  private reportHeldUntil(report: Pick<ReportRecord, 'quotes' | 'generatedAt'>): NotReleased | undefined {
    let latest: NotReleased | undefined;
    const written = report.generatedAt.getTime();
    for (const quote of report.quotes) {
      const [indicator = '', period = ''] = quote.split('|');
      let hidden = this.notReleased(indicator, [period]);
      const review = this.calendar.reviewOf(indicator, period);
      if (hidden === undefined && !this.covered(indicator, null) && review !== undefined && written >= review.since && !review.approvals.some((a) => a >= written && a <= this.visibility.at)) {
        hidden = { indicator, period, releaseAt: null };
      }
      if (hidden !== undefined && (latest === undefined || (hidden.releaseAt ?? Infinity) > (latest.releaseAt ?? Infinity))) latest = hidden;
    }
    return latest;
  }

  async reports(filter: { region?: string | undefined; period?: Period | undefined }): Promise<ReportRecord[]> {
    const all = await this.store.reports(filter);
    return this.privileged && this.scope === null ? all : all.filter((r) => this.reportHeldUntil(r) === undefined);
  }

  /** One version of a report (the latest when null); `not_released` while it quotes a month the caller may not see. */
  async report(region: string, period: Period, version: number | null): Promise<StoredReport | null> {
    const readable = await this.reports({ region, period });
    const wanted = version ?? Math.max(0, ...readable.map((r) => r.version));
    if (!readable.some((r) => r.version === wanted)) {
      const stored = await this.store.report(region, period, version);
      const held = stored === null ? undefined : this.reportHeldUntil(stored);
      if (held !== undefined) throw notReleasedError(held);
      return null;
    }
    const report = await this.store.report(region, period, wanted);
    if (report !== null && this.privileged) {
      for (const quote of report.quotes) {
        const [indicator = '', period = ''] = quote.split('|');
        if (await this.secret(indicator, period)) this.revealed.add(quote);
      }
    }
    return report;
  }
}
