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

  /** Whether the public may not see the month, at the view's instant or now. */
  private secret(indicator: string, period: Period): boolean {
    return this.calendar.embargoed(indicator, period, this.visibility.at) || this.calendar.embargoed(indicator, period, this.now);
  }

  /** Note the months among `periods` that carry figures and that the public may not see. */
  private reveal(indicator: string, periods: Iterable<Period>): void {
    if (!this.privileged) return;
    for (const period of periods) if (this.secret(indicator, period)) this.revealed.add(quoteKey(indicator, period));
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

  private pick(figures: readonly FigureVersions[], audience: Audience): Observation[] {
    const visibility = { ...this.visibility, audience };
    const out: Observation[] = [];
    // Figures come month by month: the calendar is looked up once a month.
    let month = '';
    let changes: ReturnType<ReleaseCalendar['changesOf']>;
    for (const f of figures) {
      if (f.period !== month || f === figures[0]) {
        month = f.period;
        changes = this.calendar.changesOf(f.indicator, f.period);
      }
      const v = visibleVersion(f.versions, changes, visibility);
      // A literal, not a spread: this runs for every figure of an as-of ranking.
      if (v !== undefined) out.push({ indicator: f.indicator, region: f.region, period: f.period, value: v.value!, yoy: v.yoy, status: v.status });
    }
    return out;
  }

  async slices(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<Observation[]> {
    const open = periods.filter((p) => !this.hidden(indicator, p, regions));
    if (open.length === 0) return [];
    const figures = this.current
      ? await this.store.slices(indicator, open, regions)
      : this.pick(await this.store.versions(indicator, open, regions, this.visibility.at), this.audience(indicator, regions));
    if (this.privileged) this.reveal(indicator, new Set(figures.map((o) => o.period)));
    return figures;
  }

  async series(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]> {
    const figures = (
      this.current
        ? await this.store.series(indicator, region, from, to)
        : this.pick(await this.store.seriesVersions(indicator, region, from, to, this.visibility.at), this.audience(indicator, [region]))
    ).filter((o) => !this.hidden(indicator, o.period, [region]));
    if (this.privileged) this.reveal(indicator, figures.map((o) => o.period));
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
      if (!this.hidden(indicator, period, regions) && (this.current || (await this.slices(indicator, [period], regions)).length > 0)) return period;
      bound = period;
    }
  }

  /** The versions of one figure the caller may see, each with when it became public. */
  async history(key: ObservationKey): Promise<PublishedVersion[]> {
    const versions = publicationTimes(await this.store.history(key), this.calendar.changesOf(key.indicator, key.period), this.now);
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
      for (const v of publicationTimes(figure.versions, changes, end)) {
        if (v.publishedAt !== null) out.push({ ...v, publishedAt: v.publishedAt, indicator: figure.indicator, region: figure.region, period: figure.period });
      }
    }
    return out;
  }

  /** Annual targets: plans, public as soon as they are set. */
  async targets(filter: TargetFilter): Promise<Target[]> {
    return this.store.targets(filter);
  }

  /** When a report becomes readable to this caller: undefined when it is now (a report speaks of a region's peers: a scope of regions never covers it). */
  private reportHeldUntil(quotes: readonly string[]): NotReleased | undefined {
    let latest: NotReleased | undefined;
    for (const quote of quotes) {
      const [indicator = '', period = ''] = quote.split('|');
      const hidden = this.notReleased(indicator, [period]);
      if (hidden !== undefined && (latest === undefined || (hidden.releaseAt ?? Infinity) > (latest.releaseAt ?? Infinity))) latest = hidden;
    }
    return latest;
  }

  async reports(filter: { region?: string | undefined; period?: Period | undefined }): Promise<ReportRecord[]> {
    const all = await this.store.reports(filter);
    return this.privileged && this.scope === null ? all : all.filter((r) => this.reportHeldUntil(r.quotes) === undefined);
  }

  /** One version of a report (the latest when null); `not_released` while it quotes a month the caller may not see. */
  async report(region: string, period: Period, version: number | null): Promise<StoredReport | null> {
    const readable = await this.reports({ region, period });
    const wanted = version ?? Math.max(0, ...readable.map((r) => r.version));
    if (!readable.some((r) => r.version === wanted)) {
      const stored = await this.store.report(region, period, version);
      const held = stored === null ? undefined : this.reportHeldUntil(stored.quotes);
      if (held !== undefined) throw notReleasedError(held);
      return null;
    }
    const report = await this.store.report(region, period, wanted);
    if (report !== null) for (const quote of report.quotes) if (this.privileged && this.secretQuote(quote)) this.revealed.add(quote);
    return report;
  }

  private secretQuote(quote: string): boolean {
    const [indicator = '', period = ''] = quote.split('|');
    return this.secret(indicator, period);
  }
}
