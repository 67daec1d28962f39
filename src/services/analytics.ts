/** Series, rankings and scorecards: the store's plain figures through the domain core. */
import { areaAverage, rankGaps, versusAverage, type Average, type RankGaps } from '../domain/gaps.ts';
import { growthAt, growthPeriods, monthValue, type Growth } from '../domain/growth.ts';
import { periodRange, shiftPeriod, type Period } from '../domain/period.ts';
import { rankPeers, rankWithChange } from '../domain/ranking.ts';
import { standing } from '../domain/scorecard.ts';
import { mainStanding } from '../domain/standing.ts';
import { YOY_DECIMALS, type Figure, type Indicator, type Observation, type RankMetric, type SeriesLookup } from '../domain/types.ts';
import { iso } from '../domain/instant.ts';
import { ApiError } from '../errors.ts';
import { nextTurn } from './yield.ts';
import type { CatalogService, Peers } from './catalog.ts';
import { notReleasedError, type ReadView } from './read-view.ts';

/** An upper bound of every period: the latest month before it is the latest there is. */
const LAST_PERIOD_BOUND = '2200-01';

/** Figures by period then region: a ranking reads a few whole periods. */
export class FigureTable {
  private readonly byPeriod = new Map<Period, Map<string, Figure>>();

  constructor(observations: readonly Observation[]) {
    for (const o of observations) {
      let slice = this.byPeriod.get(o.period);
      if (slice === undefined) this.byPeriod.set(o.period, (slice = new Map()));
      slice.set(o.region, o);
    }
  }

  seriesOf = (region: string): SeriesLookup => (period) => this.byPeriod.get(period)?.get(region);

  has(period: Period): boolean {
    return (this.byPeriod.get(period)?.size ?? 0) > 0;
  }
}

export interface RankingQuery {
  indicator: string;
  period: Period;
  parent?: string | undefined;
  group?: string | undefined;
  by?: RankMetric | undefined;
}

/** The instant an answer is as of, when the caller pinned one (API.md: echoed in every answer). */
const pinned = (view: ReadView) => (view.asOf === undefined ? {} : { asOf: view.asOf });

export class AnalyticsService {
  constructor(private readonly catalog: CatalogService) {}

  async series(view: ReadView, q: { indicator: string; region: string; from?: Period | undefined; to?: Period | undefined }) {
    const indicator = this.catalog.indicator(q.indicator);
    // A former code reads the current region's series, and the answer names the current code.
    const region = this.catalog.region(q.region).code;
    // Growth at `from` reads up to 13 months back (a February's previous January).
    const readFrom = q.from === undefined ? null : shiftPeriod(q.from, -13);
    const observations = await view.series(indicator.code, region, readFrom, q.to ?? null);
    const lookup = new FigureTable(observations).seriesOf(region);
    const points = observations
      .filter((o) => q.from === undefined || o.period >= q.from)
      .map((o) => {
        const g = growthAt(indicator, o.period, lookup);
        return {
          period: o.period,
          value: o.value,
          yoy: g.yoy,
          yoySource: g.yoySource,
          yoyComputed: g.yoyComputed,
          monthValue: monthValue(indicator, o.period, lookup),
          status: o.status,
        };
      });
    return { indicator: indicator.code, region, ...pinned(view), points };
  }

  /**
   * Figures of `peers` for a ranking at `period` and the one it is compared
   * with: the latest earlier month in which any peer has a figure. The month
   * before is read together with `period`: when a peer has a figure then,
   * no month can lie between, and one read serves both rankings. Otherwise
   * (1-2月 after last December, gaps) the store finds the month.
   */
  private async peerFigures(view: ReadView, indicator: Indicator, period: Period, peers: readonly string[]): Promise<{ previousPeriod: Period | null; table: FigureTable }> {
    const read = (periods: Period[]) => view.slices(indicator.code, periods, peers);
    const before = shiftPeriod(period, -1);
    const figures = await read([...new Set([...growthPeriods(indicator, period), ...growthPeriods(indicator, before)])]);
    if (figures.some((o) => o.period === before)) return { previousPeriod: before, table: new FigureTable(figures) };
    const previousPeriod = await view.latestPeriodBefore(indicator.code, period, peers);
    if (previousPeriod !== null) figures.push(...(await read(growthPeriods(indicator, previousPeriod))));
    return { previousPeriod, table: new FigureTable(figures) };
  }

  /** Figures of the peers at `period` and at the period compared with, for rankings built elsewhere (completion). */
  async figuresFor(view: ReadView, indicator: Indicator, period: Period, peers: readonly string[]): Promise<{ previousPeriod: Period | null; seriesOf: (region: string) => SeriesLookup }> {
    const { previousPeriod, table } = await this.peerFigures(view, indicator, period, peers);
    return { previousPeriod, seriesOf: table.seriesOf };
  }

  /** The parent's own growth at `period` (reported, else computed), or null without a parent. */
  async parentGrowth(view: ReadView, indicator: Indicator, period: Period, parent: string | null): Promise<Growth | null> {
    if (parent === null) return null;
    const table = new FigureTable(await view.slices(indicator.code, growthPeriods(indicator, period), [parent]));
    return growthAt(indicator, period, table.seriesOf(parent));
  }

  /**
   * The whole area's growth for a ranking by growth among a parent's
   * children (a group has none): the parent's own, else the peers' sums.
   */
  private async averageOf(view: ReadView, indicator: Indicator, period: Period, by: RankMetric, parent: string | null, peerGrowths: () => Growth[]): Promise<Average | null> {
    if (by !== 'yoy' || parent === null) return null;
    return areaAverage(indicator, await this.parentGrowth(view, indicator, period, parent), peerGrowths());
  }

  /**
   * Refuse a ranking of a month the caller may not see (the month, or its
   * growth base for a growth ranking); pinned to an instant, also a month
   * with no figure public then.
   */
  private requireReleased(view: ReadView, indicator: Indicator, period: Period, by: RankMetric, peers: readonly string[], table: FigureTable | null): void {
    view.requireReleased(indicator.code, by === 'yoy' ? growthPeriods(indicator, period) : [period], peers);
    // Pinned to an instant, or a month under review that no approval has let out yet: a month with nothing public is not released.
    if (table !== null && (view.asOf !== undefined || view.waits(indicator.code, peers)) && !table.has(period)) throw notReleasedError({ indicator: indicator.code, period, releaseAt: null });
  }

  /** A ranking row's common fields, whatever it is ranked by (growth, value, completion). */
  rankingRow(r: { region: string; growth: Growth; rank: number; previousRank: number | null; rankChange: number | null }, gap: RankGaps) {
    return {
      region: r.region,
      name: this.catalog.regionName(r.region),
      value: r.growth.figure!.value,
      yoy: r.growth.yoy,
      yoySource: r.growth.yoySource,
      yoyComputed: r.growth.yoyComputed,
      status: r.growth.figure!.status,
      rank: r.rank,
      previousRank: r.previousRank,
      rankChange: r.rankChange,
      gapAbove: gap.gapAbove,
      gapBelow: gap.gapBelow,
    };
  }

  async ranking(view: ReadView, q: RankingQuery) {
    const indicator = this.catalog.indicator(q.indicator);
    const peers = this.catalog.peers(q);
    // Thousands of peers take tens of milliseconds: one ranking at a time, the loop polled in between.
    await nextTurn();
    const by = q.by ?? indicator.rankBy;
    this.requireReleased(view, indicator, q.period, by, peers.codes, null);
    const { previousPeriod, table } = await this.peerFigures(view, indicator, q.period, peers.codes);
    this.requireReleased(view, indicator, q.period, by, peers.codes, table);
    // Peers of each month: a region is ranked only in the months it exists.
    const current = this.catalog.validAt(peers.codes, q.period);
    const previousPeers = previousPeriod === null ? current : this.catalog.validAt(peers.codes, previousPeriod);
    const result = rankWithChange(indicator, q.period, previousPeriod, by, current, table.seriesOf, previousPeers);
    const gaps = rankGaps(result.rows, by === 'yoy' ? YOY_DECIMALS : indicator.decimals);
    // Ranked peers carry their growth; only the missing ones are computed again.
    const peerGrowths = () => [...result.rows.map((r) => r.growth), ...result.missing.map((m) => growthAt(indicator, q.period, table.seriesOf(m.region)))];
    const average = await this.averageOf(view, indicator, q.period, by, peers.parent, peerGrowths);
    const vsAverage = versusAverage(average);
    return {
      indicator: indicator.code,
      period: q.period,
      ...pinned(view),
      by,
      direction: indicator.direction,
      peers: current.length,
      ranked: result.rows.length,
      previousPeriod,
      average,
      rows: result.rows.map((r, i) => ({ ...this.rankingRow(r, gaps[i]!), vsAverage: vsAverage(r.growth.yoyUnits) })),
      missing: result.missing.map((m) => ({ region: m.region, name: this.catalog.regionName(m.region), reason: m.reason })),
    };
  }

  /**
   * Both rankings of the peers at `period`, each with its change, and each
   * peer's growth: what a report says of every peer, computed once.
   */
  async peerRankings(view: ReadView, indicator: Indicator, period: Period, peers: readonly string[]) {
    const { previousPeriod, table } = await this.peerFigures(view, indicator, period, peers);
    const current = this.catalog.validAt(peers, period);
    const previousPeers = previousPeriod === null ? current : this.catalog.validAt(peers, previousPeriod);
    return {
      previousPeriod,
      byValue: rankWithChange(indicator, period, previousPeriod, 'value', current, table.seriesOf, previousPeers),
      byYoy: rankWithChange(indicator, period, previousPeriod, 'yoy', current, table.seriesOf, previousPeers),
      growthOf: (region: string) => growthAt(indicator, period, table.seriesOf(region)),
      figureAt: (region: string, at: Period) => table.seriesOf(region)(at),
    };
  }

  /** The latest month with any figure of the indicator, or null. */
  async latestPeriod(view: ReadView, indicator: string): Promise<Period | null> {
    return view.latestPeriodBefore(this.catalog.indicator(indicator).code, LAST_PERIOD_BOUND, null);
  }

  /**
   * Ranks of the peers month by month from `from` to `to`: one read of every
   * month the rankings need, then the domain core ranks each month.
   */
  async rankHistory(view: ReadView, q: { indicator: string; parent?: string | undefined; group?: string | undefined; by?: RankMetric | undefined; from: Period; to: Period }) {
    const indicator = this.catalog.indicator(q.indicator);
    const peers = this.catalog.peers(q);
    const by = q.by ?? indicator.rankBy;
    // Months the caller may not see are left out, not shown unranked.
    const months = periodRange(q.from, q.to).filter((month) => view.notReleased(indicator.code, by === 'yoy' ? growthPeriods(indicator, month) : [month], peers.codes) === undefined);
    const needed = new Set<Period>();
    for (const month of months) for (const p of growthPeriods(indicator, month)) needed.add(p);
    const table = new FigureTable(await view.slices(indicator.code, [...needed], peers.codes));
    const ranked = [];
    for (const period of months) {
      // A month's ranking of every peer at a time: requests waiting are answered in between.
      await nextTurn();
      ranked.push({ period, ranking: rankPeers(indicator, period, by, this.catalog.validAt(peers.codes, period), table.seriesOf) });
    }
    return { indicator, by, peers, months: ranked };
  }

  /** Peers for a scorecard: as given, else the region's parent's children. */
  private scorecardPeers(region: string, q: { parent?: string | undefined; group?: string | undefined }): Peers {
    if (q.parent !== undefined || q.group !== undefined) {
      const peers = this.catalog.peers(q);
      if (!peers.codes.includes(region)) {
        const where = q.group !== undefined ? `a member of group ${q.group}` : `a child of ${q.parent}`;
        throw new ApiError('validation_failed', `region ${region} is not ${where}`, { details: [{ field: 'region', message: `not ${where}` }] });
      }
      return peers;
    }
    const parent = this.catalog.region(region).parent;
    if (parent === null) {
      throw new ApiError('validation_failed', `region ${region} has no parent: name its peers with parent or group`, {
        details: [{ field: 'parent', message: 'required for a region without a parent' }],
      });
    }
    return this.catalog.peers({ parent });
  }

  /** One indicator's line of a region's scorecard: its figure and its standing among the peers on both metrics; and whether each rank is shared (并列), for the scorecard chart. */
  private async scorecardRow(view: ReadView, indicator: Indicator, region: string, period: Period, peers: Peers) {
    const { previousPeriod, table } = await this.peerFigures(view, indicator, period, peers.codes);
    const previousPeers = previousPeriod === null ? peers.codes : this.catalog.validAt(peers.codes, previousPeriod);
    const s = standing(indicator, region, period, previousPeriod, this.catalog.validAt(peers.codes, period), table.seriesOf, previousPeers);
    const main = mainStanding(indicator, s);
    const row = {
      indicator: indicator.code,
      name: indicator.name,
      unit: indicator.unit,
      rankBy: indicator.rankBy,
      value: s.growth.figure?.value ?? null,
      yoy: s.growth.yoy,
      yoySource: s.growth.yoySource,
      yoyComputed: s.growth.yoyComputed,
      status: s.growth.figure?.status ?? null,
      byValue: s.byValue,
      byYoy: s.byYoy,
      rank: main.rank,
      ranked: main.ranked,
      rankChange: main.rankChange,
      weak: s.weak,
      previousPeriod,
    };
    return { row, tied: s.tied };
  }

  /** GET /v1/scorecard: a region's standing on every indicator. */
  async scorecard(view: ReadView, q: { region: string; period: Period; parent?: string | undefined; group?: string | undefined }) {
    const { ties: _ties, ...card } = await this.scorecardWithTies(view, q);
    return card;
  }

  /** The scorecard, and whether each row's ranks are shared (并列), in the rows' order: the scorecard chart writes a tie as report tables do (并列3/9). */
  async scorecardWithTies(view: ReadView, q: { region: string; period: Period; parent?: string | undefined; group?: string | undefined }) {
    const region = this.catalog.region(q.region);
    const peers = this.scorecardPeers(region.code, q);
    const notReleased: Array<{ indicator: string; releaseAt: string | null }> = [];
    const shown = this.catalog.indicators().filter((indicator) => {
      const hidden = view.notReleased(indicator.code, growthPeriods(indicator, q.period), peers.codes);
      if (hidden !== undefined) notReleased.push({ indicator: indicator.code, releaseAt: hidden.releaseAt === null ? null : iso(hidden.releaseAt) });
      return hidden === undefined;
    });
    const indicators = [];
    const ties = [];
    for (const indicator of shown) {
      // Each indicator ranks every peer: requests waiting are answered in between.
      await nextTurn();
      const { row, tied } = await this.scorecardRow(view, indicator, region.code, q.period, peers);
      indicators.push(row);
      ties.push(tied);
    }
    return {
      region: region.code,
      name: region.name,
      period: q.period,
      ...pinned(view),
      parent: peers.parent,
      group: peers.group,
      peers: peers.codes.length,
      indicators,
      notReleased,
      ties,
    };
  }

  async history(view: ReadView, q: { indicator: string; region: string; period: Period }) {
    this.catalog.indicator(q.indicator);
    const region = this.catalog.region(q.region).code;
    const versions = await view.history({ ...q, region });
    return {
      indicator: q.indicator,
      region,
      period: q.period,
      versions: versions.map((v) => ({
        version: v.version,
        action: v.withdrawn ? ('D' as const) : ('I' as const),
        value: v.value,
        yoy: v.yoy,
        status: v.status,
        receivedAt: iso(v.receivedAt),
        publishedAt: v.publishedAt === null ? null : iso(v.publishedAt),
        by: v.by,
        reason: v.reason,
        note: v.note,
      })),
    };
  }
}
