/**
 * Generating the monthly comparison report: rankings per peer set computed
 * once and shared by every member, facts and sentences from the domain core,
 * every version stored. A failing indicator or region is recorded in the
 * report and the run goes on.
 */
import { reportJson } from '../store/report-json.ts';
import { createHash } from 'node:crypto';
import { correctionSincePublished } from '../domain/corrections.ts';
import { growthKey, growthPeriods, type NoGrowthReason } from '../domain/growth.ts';
import { areaAverage, placesAbove, vsAverage } from '../domain/gaps.ts';
import { NAMED_MISSING, REPORT_CHART_TOP, topRows } from '../domain/peers-shown.ts';
import { periodFromIndex, periodIndex, yearOf, type Period } from '../domain/period.ts';
import { PROGRESS_DECIMALS, progressOf, targetIndex, timeProgress, type TargetPair } from '../domain/progress.ts';
import { round } from '../domain/rounding.ts';
import type { RankingWithChange } from '../domain/ranking.ts';
import { indicatorFacts, peerFigure, scopeWord, sectionsOf, tiedRanks, type IndicatorFacts, type PeerFigure, type ReportFacts } from '../domain/report.ts';
import { validIn } from '../domain/regions.ts';
import { standingOf, tiedIn } from '../domain/scorecard.ts';
import { mainStanding } from '../domain/standing.ts';
import { growthMovement } from '../domain/trends.ts';
import { YOY_DECIMALS, type Indicator, type RankMetric } from '../domain/types.ts';
import { reportTitle } from '../domain/words/report.ts';
import { peerSetText } from '../domain/words/scope.ts';
import type { FiguresPort, ReportRecord, ReportsPort } from '../store/store.ts';
import type { AnalyticsService } from './analytics.ts';
import { MAX_PEERS, type CatalogService } from './catalog.ts';
import { nextTurn } from './yield.ts';
import { quoteKey, type ReadView } from './read-view.ts';
import { reportTrends } from './report-trends.ts';

/** Reports stored in one write: enough to amortise it, few enough to keep memory flat at 3,000 regions. */
const SAVE_EVERY = 25;

export interface RunResult {
  period: Period;
  reports: Array<Pick<ReportRecord, 'region' | 'version' | 'failures'>>;
  failures: Array<{ region: string; indicator: string | null; message: string }>;
}

/** The month before the one `now` falls in, in `timeZone`: reports on 15 July cover June. */
export function previousMonth(now: Date, timeZone: string): Period {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now);
  const year = parts.find((p) => p.type === 'year')!.value;
  const month = parts.find((p) => p.type === 'month')!.value;
  return periodFromIndex(periodIndex(`${year}-${month}`) - 1);
}

function peerFigures(indicator: Indicator, ranking: RankingWithChange, by: RankMetric, name: (code: string) => string): PeerFigure[] {
  const tied = tiedRanks(ranking.rows.map((row) => row.rank));
  return ranking.rows.map((row) =>
    peerFigure(indicator, by, { region: row.region, name: name(row.region), rank: row.rank, value: row.growth.figure!.value, yoy: row.growth.yoy! }, tied),
  );
}

/** SHA-256 of the facts: two versions made from the same figures share it. */
export function digestOf(facts: ReportFacts): string {
  return createHash('sha256').update(reportJson(facts)).digest('hex');
}

/** The first peers other than `member` that could not be ranked: what a report names of them. */
function missingOthers<M extends { region: string }>(missing: readonly M[], member: string): M[] {
  const out: M[] = [];
  for (const m of missing) {
    if (out.length === NAMED_MISSING) break;
    if (m.region !== member) out.push(m);
  }
  return out;
}

/**
 * The months of a region's figures a report quotes (API.md "Corrections"),
 * in the order a note names them: the month, the previous ranking's, then
 * their growth bases.
 */
export function quotedMonths(indicator: Indicator, period: Period, previous: Period | null): Period[] {
  const first = previous === null ? [period] : [period, previous];
  const bases = [...growthPeriods(indicator, period), ...(previous === null ? [] : growthPeriods(indicator, previous))];
  return [...new Set([...first, ...bases])];
}

export class ReportService {
  constructor(
    private readonly store: ReportsPort & FiguresPort,
    private readonly catalog: CatalogService,
    private readonly analytics: AnalyticsService,
    private readonly defaultRegions: readonly string[] | null,
  ) {}

  /** The regions reported on by default: REPORT_REGIONS, else every region with a parent. */
  regionsToReport(): string[] {
    return this.defaultRegions !== null ? [...this.defaultRegions] : this.catalog.regions().filter((r) => r.parent !== null).map((r) => r.code);
  }

  /** The regions reported on by default in `period`: those that exist then. */
  regionsToReportIn(period: Period): string[] {
    return this.regionsToReport().filter((code) => {
      const region = this.catalog.resolveRegion(code);
      return region === undefined || validIn(region, period);
    });
  }

  /**
   * Every indicator's month a report states a figure of (its month, the
   * previous ranking's, and their growth bases): the public may read the
   * report once all of them are released.
   */
  private quotesOf(facts: ReportFacts): string[] {
    const quotes = new Set<string>();
    for (const f of facts.indicators) {
      const indicator = this.catalog.findIndicator(f.indicator);
      if (indicator === undefined) continue;
      // The month a growth's movement is against is the previous ranking's whenever the region has a figure then; quoted all the same.
      const months = [facts.period, ...(f.previousPeriod === null ? [] : [f.previousPeriod]), ...(f.movement == null ? [] : [f.movement.period])];
      for (const p of months) for (const q of growthPeriods(indicator, p)) quotes.add(quoteKey(indicator.code, q));
    }
    return [...quotes].sort();
  }

  /** Reports written from what `view` sees (the schedule and staff see every figure, released or not). */
  async run(view: ReadView, period: Period, regions: readonly string[], trigger: string, now = new Date(), template?: string): Promise<RunResult> {
    const result: RunResult = { period, reports: [], failures: [] };
    // Sets: a national run groups thousands of regions under one parent (an array searched and copied per region was quadratic).
    const byParent = new Map<string, Set<string>>();
    for (const code of regions) {
      // A former code names the current region: its report is filed under the current code.
      const region = this.catalog.resolveRegion(code);
      if (region === undefined || region.parent === null) {
        result.failures.push({ region: code, indicator: null, message: region === undefined ? 'no such region' : 'a region without a parent has no peers' });
        continue;
      }
      if (!validIn(region, period)) {
        result.failures.push({ region: region.code, indicator: null, message: `the region does not exist in ${period}` });
        continue;
      }
      let members = byParent.get(region.parent);
      if (members === undefined) byParent.set(region.parent, (members = new Set()));
      members.add(region.code);
    }
    // Every target of the year, read once for the run: a national run asks for each region and indicator.
    const targets = targetIndex(await view.targets({ year: yearOf(period) }));
    let pending: ReportFacts[] = [];
    const flush = async () => {
      const saved = await this.store.saveReports(
        pending.map((facts) => ({
          region: facts.region.code,
          period,
          generatedAt: now,
          trigger,
          digest: digestOf(facts),
          failures: facts.failures.length,
          quotes: this.quotesOf(facts),
          // The template the run was asked to draw with, kept beside the facts (not in their digest): the report's own from then on.
          facts: template === undefined ? facts : { ...facts, template },
        })),
      );
      for (const r of saved) result.reports.push({ region: r.region, version: r.version, failures: r.failures });
      pending = [];
    };
    for (const [parent, members] of byParent) {
      const peers = this.catalog.childrenOf(parent).length;
      if (peers > MAX_PEERS) {
        for (const region of members) result.failures.push({ region, indicator: null, message: `${parent} has ${peers} regions: reports compare at most ${MAX_PEERS} peers` });
        continue;
      }
      for (const facts of await this.factsOf(view, parent, [...members], period, targets)) {
        for (const f of facts.failures) result.failures.push({ region: facts.region.code, ...f });
        pending.push(facts);
      }
      if (pending.length >= SAVE_EVERY) await flush();
    }
    if (pending.length > 0) await flush();
    return result;
  }

  /**
   * The members' quoted figures corrected since first published, as the
   * view sees their versions: by member, the months in `months`' order,
   * each with the correction's note. One read of versions for all members.
   */
  private async correctionsOf(view: ReadView, indicator: Indicator, months: readonly Period[], members: readonly string[]): Promise<Map<string, Array<{ period: Period; note: string | null }>>> {
    const out = new Map<string, Array<{ period: Period; note: string | null }>>();
    const order = new Map(months.map((m, i) => [m, i]));
    for (const f of await view.figureHistories(indicator.code, months, members)) {
      const correction = correctionSincePublished(f.versions);
      if (correction === undefined) continue;
      let list = out.get(f.region);
      if (list === undefined) out.set(f.region, (list = []));
      list.push({ period: f.period, note: correction.note });
    }
    for (const list of out.values()) list.sort((a, b) => order.get(a.period)! - order.get(b.period)!);
    return out;
  }

  /** Facts for the members of one peer set: each indicator ranked once for all of them. */
  private async factsOf(
    view: ReadView,
    parentCode: string,
    members: readonly string[],
    period: Period,
    targets: (indicator: string, region: string, year: number) => TargetPair,
  ): Promise<ReportFacts[]> {
    const parent = this.catalog.region(parentCode);
    const children = this.catalog.childrenOf(parentCode);
    const peers = this.catalog.validAt(children, period);
    const scope = scopeWord(parent, null);
    const perRegion = new Map<string, { indicators: IndicatorFacts[]; failures: ReportFacts['failures'] }>(members.map((m) => [m, { indicators: [], failures: [] }]));
    const name = (code: string) => this.catalog.regionName(code);
    for (const indicator of this.catalog.indicators()) {
      // Each indicator ranks thousands of peers: requests are answered in between.
      await nextTurn();
      try {
        const r = await this.analytics.peerRankings(view, indicator, period, peers);
        const main = mainStanding(indicator, r);
        const reporting = new Set(r.byValue.rows.map((row) => row.region));
        const figures = peerFigures(indicator, main, indicator.rankBy, name);
        const missing = main.missing.map((m) => ({ region: m.region, name: name(m.region), reason: m.reason as NoGrowthReason }));
        const missingSet = new Set(missing.map((m) => m.region));
        const above = placesAbove(main.rows, indicator.rankBy === 'yoy' ? YOY_DECIMALS : indicator.decimals);
        const average = areaAverage(indicator, await this.analytics.parentGrowth(view, indicator, period, parentCode), peers.map(r.growthOf));
        const corrections = await this.correctionsOf(view, indicator, quotedMonths(indicator, period, r.previousPeriod), members);
        const firstNow = (ranking: typeof r.byValue) => ranking.rows.filter((row) => row.rank === 1).map((row) => row.region);
        const trends = await reportTrends(view, this.catalog, indicator, period, children, members, { value: firstNow(r.byValue), yoy: firstNow(r.byYoy) });
        for (const member of members) {
          const byValue = standingOf(r.byValue, member);
          const byYoy = standingOf(r.byYoy, member);
          const growth = r.growthOf(member);
          const pair = targets(indicator.code, member, yearOf(period));
          const place = above.get(member);
          const trend = trends.get(member);
          const figureOf = (at: Period) => r.figureAt(member, at);
          perRegion.get(member)!.indicators.push(
            indicatorFacts(
              {
                indicator,
                period,
                growth,
                byValue,
                byYoy,
                previousPeriod: r.previousPeriod,
                tiedByValue: tiedIn(r.byValue, member),
                tiedByYoy: tiedIn(r.byYoy, member),
                // What the report's chart draws, not every peer: a report of each of 3,000 peers kept all 3,000.
                peers: topRows(figures, REPORT_CHART_TOP, member, figures.length).shown,
                rankedPeers: figures.length,
                // The region's own missing figure is said of the region itself.
                missingPeers: missingOthers(missing, member),
                missingPeersTotal: missing.length - (missingSet.has(member) ? 1 : 0),
                peersReporting: reporting.size - (reporting.has(member) ? 1 : 0),
                hadBefore: r.previousPeriod !== null && r.figureAt(member, r.previousPeriod) !== undefined,
                progress: pair.value === null && pair.growth === null ? null : progressOf(indicator, period, growth.figure?.value ?? null, growth.yoy, pair),
                timeProgress: round(timeProgress(period), PROGRESS_DECIMALS),
                above: place === undefined ? null : { rank: place.rank, names: place.regions.map(name), gap: place.gap },
                average,
                vsAverage: vsAverage(growth.yoy, average),
                corrections: corrections.get(member) ?? [],
                movement: growthMovement(indicator, period, (at) => {
                  const key = growthKey(indicator, at, figureOf);
                  return typeof key === 'number' ? key : null;
                }),
                firstPlaceRuns: trend?.firstPlaceRuns ?? {},
                record: trend?.record ?? null,
              },
              scope,
            ),
          );
        }
      } catch (error) {
        for (const member of members) perRegion.get(member)!.failures.push({ indicator: indicator.code, message: (error as Error).message });
      }
    }
    return members.map((code) => {
      const { indicators, failures } = perRegion.get(code)!;
      return {
        region: { code, name: name(code) },
        period,
        title: reportTitle(name(code), period),
        scope,
        peerScope: peerSetText({ parentName: parent.name, groupName: null }, peers.length),
        peerCount: peers.length,
        indicators,
        sections: sectionsOf(indicators, failures),
        failures,
      };
    });
  }
}
