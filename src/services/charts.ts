/**
 * Chart data from the analytics results, in the words and precision a
 * county report prints: the builders under charts/ turn it into Vega-Lite.
 */
import type { TopLevelSpec } from 'vega-lite';
import { DEFAULT_TOP, progressChart, rankHistoryChart, rankingChart, scorecardCells, scorecardChart, trendChart, type RankPoint } from '../../charts/index.ts';
import { parentScope } from '../domain/level.ts';
import { periodIndex, shiftPeriod, yearOf, type Period } from '../domain/period.ts';
import { missingNote, NAMED_MISSING, topRows } from '../domain/peers-shown.ts';
import { peerFigure, tiedRanks } from '../domain/report.ts';
import { round } from '../domain/rounding.ts';
import { YOY_DECIMALS, type RankMetric } from '../domain/types.ts';
import {
  axisTitle,
  completionRankingTitle,
  historyShownNote,
  NO_DATA,
  NO_RANKING_IN_RANGE,
  noTargetNote,
  notReleasedNote,
  progressTitle,
  rankHistoryTitle,
  rankingTitle,
  SCORECARD_NOTE,
  scorecardTitle,
  subtitleLine,
  trendTitle,
} from '../domain/words/charts.ts';
import { averageLabel } from '../domain/words/gaps.ts';
import { monthTitle, periodLabel, rangeText } from '../domain/words/periods.ts';
import { timeProgressLabel } from '../domain/words/progress.ts';
import { metricName, metricRankName, rankCell } from '../domain/words/ranks.ts';
import { countedPeers, peerSetName } from '../domain/words/scope.ts';
import { STATUS_LEGEND, STATUS_MARKS, YOY_SOURCE_WORDS } from '../domain/words/status.ts';
import { changeText, completionText, figureText } from '../domain/words/units.ts';
import { ApiError } from '../errors.ts';
import type { AnalyticsService } from './analytics.ts';
import type { CatalogService, Peers } from './catalog.ts';
import type { ProgressService } from './progress.ts';
import type { ReadView } from './read-view.ts';

/** The longest month range a trend or rank-history chart covers. */
export const MAX_CHART_MONTHS = 120;
function tooLong(from: Period, to: Period): void {
  if (periodIndex(to) - periodIndex(from) + 1 > MAX_CHART_MONTHS) {
    throw new ApiError('validation_failed', `a chart covers at most ${MAX_CHART_MONTHS} months`, { details: [{ field: 'from', message: `more than ${MAX_CHART_MONTHS} months before to` }] });
  }
}

export class ChartService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly analytics: AnalyticsService,
    private readonly progressService: ProgressService,
  ) {}

  private scope(peers: Pick<Peers, 'parent' | 'group'>): string {
    const groupName = peers.group === null ? null : (this.catalog.groups().find((g) => g.code === peers.group)?.name ?? peers.group);
    return peerSetName({ parentName: peers.parent === null ? null : this.catalog.regionName(peers.parent), groupName });
  }

  private highlight(code: string | undefined, peers: readonly string[]): string | null {
    if (code === undefined) return null;
    const current = this.catalog.region(code, 'highlight').code;
    if (!peers.includes(current)) throw new ApiError('validation_failed', `highlight: ${code} is not among the peers`, { details: [{ field: 'highlight', message: 'not among the peers' }] });
    return current;
  }

  async ranking(view: ReadView, q: { indicator: string; period: Period; parent?: string; group?: string; by?: RankMetric | 'completion'; highlight?: string; top?: number }): Promise<TopLevelSpec> {
    if (q.by === 'completion') return this.completionRanking(view, q);
    const r = await this.analytics.ranking(view, { ...q, by: q.by });
    const indicator = this.catalog.indicator(q.indicator);
    const peers = this.catalog.peers(q);
    const highlight = this.highlight(q.highlight, peers.codes);
    const top = q.top ?? DEFAULT_TOP;
    const tied = tiedRanks(r.rows.map((row) => row.rank));
    const { shown, notes } = topRows(r.rows, top, highlight, r.ranked);
    const bars = shown.map((row) => peerFigure(indicator, r.by, { ...row, yoy: row.yoy! }, tied));
    return rankingChart({
      title: rankingTitle(indicator, q.period, r.by),
      subtitle: [subtitleLine([periodLabel(q.period, indicator.basis, true), countedPeers(this.scope(peers), r.peers), metricRankName(r.by)])],
      axisTitle: axisTitle(indicator, r.by),
      bars,
      ranked: r.ranked,
      highlight,
      notes: [...notes, ...missingNote(r.missing)],
      // The whole area's growth across the bars (DOMAIN.md: the parent's own, else the peers' sums, said so).
      rule: r.average === null || peers.parent === null ? null : { value: r.average.yoy, label: averageLabel(indicator, parentScope(this.catalog.region(peers.parent)), r.average) },
    });
  }

  /** Bars of completion (完成率) in rank order, time progress across them. */
  private async completionRanking(view: ReadView, q: { indicator: string; period: Period; parent?: string; group?: string; highlight?: string; top?: number }): Promise<TopLevelSpec> {
    const r = await this.progressService.completionRanking(view, q);
    const indicator = this.catalog.indicator(q.indicator);
    const peers = this.catalog.peers(q);
    const highlight = this.highlight(q.highlight, peers.codes);
    const top = q.top ?? DEFAULT_TOP;
    const tied = tiedRanks(r.rows.map((row) => row.rank));
    const { shown, notes } = topRows(r.rows, top, highlight, r.ranked);
    const bars = shown.map((row) => ({ region: row.region, name: row.name, rank: row.rank, tied: tied.has(row.rank), metric: row.completion, text: completionText(row.completion) }));
    return progressChart({
      title: completionRankingTitle(periodLabel(q.period, indicator.basis), indicator.name),
      subtitle: [subtitleLine([periodLabel(q.period, indicator.basis, true), countedPeers(this.scope(peers), r.peers), metricRankName('completion')])],
      bars,
      ranked: r.ranked,
      timeProgress: r.timeProgress,
      timeProgressLabel: timeProgressLabel(r.timeProgress),
      highlight,
      notes: [...notes, ...missingNote(r.missing)],
    });
  }

  /** GET /v1/charts/progress: completion against time progress, for one region or its peers. */
  async progress(view: ReadView, q: { indicator: string; period: Period; parent?: string; group?: string; region?: string; highlight?: string }): Promise<TopLevelSpec> {
    const p = await this.progressService.progress(view, q);
    const indicator = this.catalog.indicator(q.indicator);
    const codes = p.rows.map((row) => row.region);
    const highlight = q.region !== undefined ? p.rows[0]?.region ?? null : this.highlight(q.highlight, codes);
    const withCompletion = p.rows.filter((row) => row.completion !== null && row.rank !== null);
    const tied = tiedRanks(withCompletion.map((row) => row.rank!));
    const without = p.rows.filter((row) => row.completion === null).map((row) => row.name);
    const scope = q.region !== undefined ? this.catalog.regionName(p.rows[0]!.region) : this.scope(this.catalog.peers(q));
    return progressChart({
      title: progressTitle(periodLabel(q.period, indicator.basis), indicator.name),
      subtitle: [subtitleLine([periodLabel(q.period, indicator.basis, true), scope, timeProgressLabel(p.timeProgress)])],
      bars: withCompletion.map((row) => ({ region: row.region, name: row.name, rank: row.rank!, tied: tied.has(row.rank!), metric: row.completion!, text: completionText(row.completion!) })),
      ranked: withCompletion.length,
      timeProgress: p.timeProgress,
      timeProgressLabel: timeProgressLabel(p.timeProgress),
      highlight,
      notes: without.length === 0 ? [] : [noTargetNote(without.slice(0, NAMED_MISSING), without.length)],
    });
  }

  async trend(view: ReadView, q: { indicator: string; region: string; from?: Period; to?: Period; measure?: 'value' | 'yoy' }): Promise<TopLevelSpec> {
    if (q.from !== undefined && q.to !== undefined) tooLong(q.from, q.to);
    const indicator = this.catalog.indicator(q.indicator);
    const region = this.catalog.region(q.region);
    const series = await this.analytics.series(view, q);
    const measure = q.measure ?? 'value';
    // Without from, the latest MAX_CHART_MONTHS months with figures.
    const kept = series.points.slice(-MAX_CHART_MONTHS);
    const points = kept
      .filter((p) => measure === 'value' || p.yoy !== null)
      .map((p) => ({
        period: p.period,
        label: periodLabel(p.period, indicator.basis, true),
        metric: measure === 'value' ? round(p.value, indicator.decimals) : round(p.yoy!, YOY_DECIMALS),
        text: measure === 'value' ? figureText(indicator, p.value) : changeText(indicator, p.yoy!),
        source: measure === 'yoy' ? YOY_SOURCE_WORDS[p.yoySource === 'reported' ? 'reported' : 'computed'] : null,
        flag: p.status === null ? null : STATUS_MARKS[p.status],
      }));
    const range = points.length === 0 ? NO_DATA : rangeText(points[0]!.label, points.at(-1)!.label);
    const flags = points.some((p) => p.flag !== null) ? [STATUS_LEGEND] : [];
    return trendChart({
      title: trendTitle(region.name, indicator.name, measure === 'yoy' ? metricName(indicator, 'yoy') : ''),
      subtitle: [range, ...flags],
      axisTitle: axisTitle(indicator, measure === 'yoy' ? 'yoy' : 'value'),
      points,
    });
  }

  async rankHistory(view: ReadView, q: { indicator: string; parent?: string; group?: string; from?: Period; to?: Period; by?: RankMetric; highlight?: string; top?: number }): Promise<TopLevelSpec> {
    const indicator = this.catalog.indicator(q.indicator);
    const peers = this.catalog.peers(q);
    const highlight = this.highlight(q.highlight, peers.codes);
    const to = q.to ?? (await this.analytics.latestPeriod(view, indicator.code)) ?? '2000-01';
    const from = q.from ?? shiftPeriod(to, -11);
    if (from > to) throw new ApiError('validation_failed', 'from must not be after to', { details: [{ field: 'from', message: 'after to' }] });
    tooLong(from, to);
    const history = await this.analytics.rankHistory(view, { ...q, from, to });
    const top = q.top ?? Math.min(DEFAULT_TOP, 10);
    // The peers shown: the top ones in the last month that has a ranking, and the highlighted region.
    const last = [...history.months].reverse().find((m) => m.ranking.rows.length > 0);
    const shown = new Set((last?.ranking.rows ?? []).filter((r) => r.rank <= top).map((r) => r.region));
    if (highlight !== null) shown.add(highlight);
    const points: RankPoint[] = [];
    // Months of different years would share a label such as 1-6月: name the year when the range spans several.
    const withYear = yearOf(from) !== yearOf(to);
    for (const { period, ranking } of history.months) {
      // Each month's rank as a table cell writes it (并列3/9): of how many were ranked that month.
      const tied = tiedRanks(ranking.rows.map((row) => row.rank));
      for (const row of ranking.rows) {
        if (shown.has(row.region)) {
          points.push({
            period,
            label: periodLabel(period, indicator.basis, withYear),
            region: row.region,
            name: this.catalog.regionName(row.region),
            rank: row.rank,
            rankText: rankCell(row.rank, ranking.rows.length, tied.has(row.rank)),
          });
        }
      }
    }
    const maxRank = points.reduce((m, p) => Math.max(m, p.rank), 1);
    const ranked = last?.ranking.rows.length ?? 0;
    return rankHistoryChart({
      title: rankHistoryTitle(indicator, history.by),
      subtitle: [subtitleLine([rangeText(periodLabel(from, indicator.basis, true), periodLabel(to, indicator.basis, true)), countedPeers(this.scope(peers), peers.codes.length)])],
      points,
      highlight,
      maxRank,
      notes: ranked > shown.size ? [historyShownNote(top, highlight !== null)] : points.length === 0 ? [NO_RANKING_IN_RANGE] : [],
    });
  }

  async scorecard(view: ReadView, q: { region: string; period: Period; parent?: string; group?: string }): Promise<TopLevelSpec> {
    const s = await this.analytics.scorecardWithTies(view, q);
    // Ranks as report tables write them (并列3/9): each rank with whether it is shared.
    const rows = s.indicators.map((row, i) => ({
      ...row,
      byValue: { ...row.byValue, tied: s.ties[i]!.byValue },
      byYoy: { ...row.byYoy, tied: s.ties[i]!.byYoy },
    }));
    const cells = scorecardCells(rows);
    const scope = this.scope(s);
    return scorecardChart({
      title: scorecardTitle(s.name),
      subtitle: [
        subtitleLine([monthTitle(s.period), countedPeers(scope, s.peers), SCORECARD_NOTE]),
        ...(s.notReleased.length > 0 ? [notReleasedNote(s.notReleased.map((n) => this.catalog.findIndicator(n.indicator)?.name ?? n.indicator))] : []),
      ],
      cells,
    });
  }
}
