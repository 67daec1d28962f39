/**
 * Progress against annual targets (API.md, Targets and progress): one
 * region's or its peers' completion, time progress and gaps, and rankings by
 * completion. Figures come through the analytics service, targets from the
 * store; the rules are the domain's (progress.ts, completion.ts).
 */
import { rankCompletion } from '../domain/completion.ts';
import { growthAt, growthPeriods } from '../domain/growth.ts';
import { yearOf, type Period } from '../domain/period.ts';
import { PROGRESS_DECIMALS, progressOf, targetIndex, timeProgress, type TargetPair } from '../domain/progress.ts';
import { competitionRanks } from '../domain/ranking.ts';
import { rankGaps } from '../domain/gaps.ts';
import { round } from '../domain/rounding.ts';
import type { Indicator, Target } from '../domain/types.ts';
import { ApiError } from '../errors.ts';
import type { AnalyticsService } from './analytics.ts';
import type { ReadView } from './read-view.ts';
import { nextTurn } from './yield.ts';
import type { CatalogService, Peers } from './catalog.ts';

/** Targets of one indicator by region and year. */
export class TargetTable {
  private readonly lookup: ReturnType<typeof targetIndex>;

  constructor(
    private readonly indicator: string,
    targets: readonly Target[],
  ) {
    this.lookup = targetIndex(targets);
  }

  of = (region: string, year: number): TargetPair => this.lookup(this.indicator, region, year);
}

export interface ProgressQuery {
  indicator: string;
  period: Period;
  parent?: string | undefined;
  group?: string | undefined;
  region?: string | undefined;
}

export class ProgressService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly analytics: AnalyticsService,
  ) {}

  /** Targets of `indicator` for the years of these periods. */
  async targetTable(view: ReadView, indicator: Indicator, periods: ReadonlyArray<Period | null>): Promise<TargetTable> {
    const years = [...new Set(periods.filter((p): p is Period => p !== null).map(yearOf))];
    const lists = await Promise.all(years.map((year) => view.targets({ indicator: indicator.code, year })));
    return new TargetTable(indicator.code, lists.flat());
  }

  private peersOf(q: ProgressQuery): Peers & { codes: string[] } {
    if (q.region !== undefined) {
      if (q.parent !== undefined || q.group !== undefined) {
        throw new ApiError('bad_request', 'give one of region, parent or group', { details: [{ field: 'region', message: 'not with parent or group' }] });
      }
      return { codes: [this.catalog.region(q.region).code], parent: null, group: null };
    }
    const peers = this.catalog.peers(q);
    return { ...peers, codes: this.catalog.validAt(peers.codes, q.period) };
  }

  async progress(view: ReadView, q: ProgressQuery) {
    const indicator = this.catalog.indicator(q.indicator);
    const peers = this.peersOf(q);
    view.requireReleased(indicator.code, growthPeriods(indicator, q.period), peers.codes);
    await nextTurn();
    const [{ seriesOf }, targets] = await Promise.all([this.analytics.figuresFor(view, indicator, q.period, peers.codes), this.targetTable(view, indicator, [q.period])]);
    const year = yearOf(q.period);
    const rows = peers.codes.map((region) => {
      const growth = growthAt(indicator, q.period, seriesOf(region));
      const value = growth.figure?.value ?? null;
      return { region, value, yoy: growth.yoy, progress: progressOf(indicator, q.period, value, growth.yoy, targets.of(region, year)) };
    });
    const ranked = competitionRanks(
      rows.filter((r) => r.progress.completionUnits !== null).map((r) => ({ region: r.region, key: r.progress.completionUnits! })),
      indicator.direction,
    );
    const rankOf = new Map(ranked.map(({ entry, rank }) => [entry.region, rank]));
    const order = (r: { region: string }) => rankOf.get(r.region) ?? Number.MAX_SAFE_INTEGER;
    rows.sort((a, b) => order(a) - order(b) || (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
    return {
      indicator: indicator.code,
      period: q.period,
      ...(view.asOf === undefined ? {} : { asOf: view.asOf }),
      timeProgress: round(timeProgress(q.period), PROGRESS_DECIMALS),
      rows: rows.map((r) => ({
        region: r.region,
        name: this.catalog.regionName(r.region),
        value: r.value,
        yoy: r.yoy,
        target: r.progress.target,
        completion: r.progress.completion,
        gap: r.progress.gap,
        rank: rankOf.get(r.region) ?? null,
        growthTarget: r.progress.growthTarget,
        growthGap: r.progress.growthGap,
      })),
    };
  }

  /** /v1/rankings?by=completion: the ranking's shape, ranked by completion at 0.1. */
  async completionRanking(view: ReadView, q: { indicator: string; period: Period; parent?: string | undefined; group?: string | undefined }) {
    const indicator = this.catalog.indicator(q.indicator);
    const peers = this.catalog.peers(q);
    view.requireReleased(indicator.code, [q.period], peers.codes);
    await nextTurn();
    const { previousPeriod, seriesOf } = await this.analytics.figuresFor(view, indicator, q.period, peers.codes);
    const targets = await this.targetTable(view, indicator, [q.period, previousPeriod]);
    const current = this.catalog.validAt(peers.codes, q.period);
    const previousPeers = previousPeriod === null ? current : this.catalog.validAt(peers.codes, previousPeriod);
    const result = rankCompletion(indicator, q.period, previousPeriod, current, seriesOf, targets.of, previousPeers);
    const gaps = rankGaps(result.rows, PROGRESS_DECIMALS);
    return {
      indicator: indicator.code,
      period: q.period,
      ...(view.asOf === undefined ? {} : { asOf: view.asOf }),
      by: 'completion' as const,
      direction: indicator.direction,
      peers: current.length,
      ranked: result.rows.length,
      previousPeriod,
      average: null,
      timeProgress: round(timeProgress(q.period), PROGRESS_DECIMALS),
      rows: result.rows.map((r, i) => ({
        ...this.analytics.rankingRow(r, gaps[i]!),
        vsAverage: null,
        completion: r.progress.completion!,
        target: r.progress.target!.value,
      })),
      missing: result.missing.map((m) => ({ region: m.region, name: this.catalog.regionName(m.region), reason: m.reason })),
    };
  }
}
