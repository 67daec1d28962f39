/**
 * The monthly comparison report as facts and the sentences county staff
 * write by hand (seed report): "1-6月,工业性投资同比增速122.4%、全市第一",
 * "数字经济核心产业增加值2.27亿元,同比增长17.3%、全市第四", "1-6月份网络零售额
 * 121.43亿元,全市第一". Pure: standings in, facts and text out.
 */
import type { Growth, NoGrowthReason } from './growth.ts';
import type { Average } from './gaps.ts';
import { parentScope } from './level.ts';
import type { Progress } from './progress.ts';
import type { Period } from './period.ts';
import { namesUpTo } from './peers-shown.ts';
import { round } from './rounding.ts';
import type { Standing } from './scorecard.ts';
import { mainStanding, placement, type Placement } from './standing.ts';
import { STREAK_MIN_MONTHS, type GrowthMovement, type GrowthRecord } from './trends.ts';
import { YOY_DECIMALS, type ChangeKind, type Indicator, type RankMetric, type Status } from './types.ts';
import { correctionNoteText } from './words/corrections.ts';
import { averageText, gapAboveText } from './words/gaps.ts';
import { growthPhrase } from './words/growth.ts';
import { periodLabel, previousLabel } from './words/periods.ts';
import { progressSentence } from './words/progress.ts';
import { NOT_RANKED_BY_GROWTH, rankMetricWord, rankText } from './words/ranks.ts';
import { SECTION_TITLES as SECTIONS } from './words/report-layout.ts';
import {
  failureGap,
  growthSentence,
  moveSentence as moveWords,
  noFigureGap,
  noFigureSentence,
  sizeSentence,
  statusGap,
  unrankedGap,
  weakLine,
  withClauses,
} from './words/report.ts';
import { bareScope, groupScope } from './words/scope.ts';
import { movementText, recordText, streakText } from './words/trends.ts';
import { changeText, figureText } from './words/units.ts';

// The words of the report, defined in the words module, still importable from here.
export { growthPhrase } from './words/growth.ts';
export { previousLabel } from './words/periods.ts';
export { rankMetricWord, rankText } from './words/ranks.ts';

export interface RankFact {
  rank: number | null;
  ranked: number;
  tied: boolean;
  previousRank: number | null;
  rankChange: number | null;
  reason: NoGrowthReason | null;
}

export interface PeerFigure {
  region: string;
  name: string;
  rank: number;
  tied: boolean;
  /** The ranked figure at published precision, and as printed. */
  metric: number;
  text: string;
}

/** Ranks held by more than one peer. */
export function tiedRanks(ranks: Iterable<number>): Set<number> {
  const seen = new Set<number>();
  const tied = new Set<number>();
  for (const rank of ranks) (seen.has(rank) ? tied : seen).add(rank);
  return tied;
}

/** A ranked peer as a report prints it and a ranking chart draws it. */
export function peerFigure(
  indicator: Indicator,
  by: RankMetric,
  peer: { region: string; name: string; rank: number; value: number; yoy: number },
  tied: ReadonlySet<number>,
): PeerFigure {
  return {
    region: peer.region,
    name: peer.name,
    rank: peer.rank,
    tied: tied.has(peer.rank),
    metric: by === 'yoy' ? round(peer.yoy, YOY_DECIMALS) : round(peer.value, indicator.decimals),
    text: by === 'yoy' ? changeText(indicator, peer.yoy) : figureText(indicator, peer.value),
  };
}

export interface IndicatorFacts {
  indicator: string;
  name: string;
  unit: string;
  rankBy: RankMetric;
  direction: Indicator['direction'];
  /** How growth compares (absent in reports stored before it was kept: read by the unit then). */
  change?: ChangeKind;
  /** 1-6月, 6月, 6月末. */
  label: string;
  value: number | null;
  valueText: string | null;
  status: Status | null;
  yoy: number | null;
  yoyText: string | null;
  yoySource: Growth['yoySource'];
  /** Why there is no growth figure. */
  reason: NoGrowthReason | null;
  signChange: Growth['signChange'];
  byYoy: RankFact;
  byValue: RankFact;
  /**
   * Listed among 短板指标: its placement is in the bottom third (in reports
   * stored before placements: bottom third on the default metric).
   */
  weak: boolean;
  /**
   * The one section the indicator is listed in and the rank that puts it
   * there: the stronger of the ranks its line quotes (standing.ts). Absent
   * in reports stored before it; null without any rank.
   */
  placement?: Placement | null;
  /** 增速较1-5月提高2.1个百分点: a year-to-date growth against the month before, that month labelled (absent in reports stored before; null: none said). */
  movement?: (GrowthMovement & { label: string }) | null;
  /** 连续3个月位居全市第一: runs of first places said, by ranking (absent in reports stored before; empty: none). */
  streaks?: Array<{ by: RankMetric; months: number }>;
  /** 增速为2021年3月以来最高 / 为有统计以来最高 (absent in reports stored before; null: none said). */
  record?: GrowthRecord | null;
  /**
   * No figure while some peer has one this month, or the region had one at
   * the previous ranking: a 数据缺口. An indicator nobody reports is none.
   * Absent in reports stored before the rule: read as a gap.
   */
  dataGap?: boolean;
  previousPeriod: Period | null;
  previousLabel: string | null;
  sentence: string;
  /** 工业性投资较1-5月前移2位,现居全市第一; null without a previous rank. */
  moveSentence: string | null;
  /** Completion and gaps against the region's annual targets (absent in reports stored before targets). */
  progress?: (Omit<Progress, 'completionUnits'> & { timeProgress: number }) | null;
  /** 完成年度目标的52.3%,超序时进度2.3个百分点 …; null without a target. */
  progressSentence?: string | null;
  /** 与第三位临海市相差0.5个百分点, on the default metric; null at the top. */
  gapText?: string | null;
  /** The whole area's growth and the region's growth against it, in points. */
  average?: Average | null;
  vsAverage?: number | null;
  /** Peers on the indicator's default metric the report's chart draws: the top ones and the region (every peer in reports stored before). */
  peers: PeerFigure[];
  /** Peers ranked in all (absent in reports stored before: then `peers` are all of them). */
  rankedPeers?: number;
  /** Peers that could not be ranked: the first few named (all in reports stored before)… */
  missingPeers: Array<{ name: string; reason: NoGrowthReason }>;
  /** … and how many in all. */
  missingPeersTotal?: number;
  /**
   * 注:1-5月数据已更正(原因:…): the region's quoted figures corrected since
   * first published (DOMAIN.md "Review before release"), said under the
   * indicator's line. Present only when there is one (reports stored
   * before, and reports of figures never corrected, have none).
   */
  correctionNote?: string;
}

export interface ReportSections {
  /** 位居第一 and 前三: indicators placed as leading (standing.ts placement), best place first. */
  headlines: string[];
  /** 目标进度: completion, time progress, growth against targets (absent in reports stored before targets). */
  progress?: string[];
  /** 短板: indicators placed in the bottom third; never one of the headlines. */
  weak: string[];
  /** 进位 and 退位 since the previous ranking. */
  up: string[];
  down: string[];
  /** 数据缺口: figures missing, peers missing, provisional figures, failures. */
  gaps: string[];
}

export interface ReportFacts {
  region: { code: string; name: string };
  period: Period;
  title: string;
  /** 全市, 全省, or a group's name. */
  scope: string;
  peerScope: string;
  peerCount: number;
  indicators: IndicatorFacts[];
  sections: ReportSections;
  failures: Array<{ indicator: string | null; message: string }>;
  /** The report template the run was asked to draw with (REPORT_TEMPLATE for the schedule's), where not the default. */
  template?: string;
}

/** The sections in reading order, with their headings and what to say when one is empty (words: words/report-layout.ts). */
export const SECTION_TITLES: ReadonlyArray<[keyof ReportSections, string, string]> = SECTIONS;

/** 全市 for a city's counties, 全省 for a province's cities (level synonyms and GB/T 2260 codes: level.ts), a group by its name (山区26县中). */
export function scopeWord(parent: { code: string; name: string; level: string | null } | null, group: { name: string } | null): string {
  if (group !== null) return groupScope(group.name);
  return parent === null ? '' : parentScope(parent);
}

export interface StandingInput {
  indicator: Indicator;
  period: Period;
  growth: Growth;
  byValue: Standing;
  byYoy: Standing;
  previousPeriod: Period | null;
  tiedByValue: boolean;
  tiedByYoy: boolean;
  /** The peers a chart draws, as the report keeps them, and how many were ranked. */
  peers: PeerFigure[];
  rankedPeers: number;
  /** The first peers that could not be ranked, and how many. */
  missingPeers: Array<{ name: string; reason: NoGrowthReason }>;
  missingPeersTotal: number;
  /** Peers other than the region with a figure this month. */
  peersReporting: number;
  /** Whether the region had a figure at the previous ranking's month. */
  hadBefore: boolean;
  /** Progress against the region's targets, when it has any. */
  progress?: Progress | null;
  timeProgress?: number;
  /** The next better place on the default metric, names resolved. */
  above?: { rank: number; names: string[]; gap: number } | null;
  /** The whole area's growth, and the region's against it. */
  average?: Average | null;
  vsAverage?: number | null;
  /** The quoted months whose figure of the region was corrected since first published, in the order to name them, with the correction's note. */
  corrections?: ReadonlyArray<{ period: Period; note: string | null }>;
  /** The growth against the month before's (trends.ts growthMovement). */
  movement?: GrowthMovement | null;
  /** Runs of first places ending this month, by ranking (trends.ts firstPlaceRun): said from STREAK_MIN_MONTHS on. */
  firstPlaceRuns?: Partial<Record<RankMetric, number>>;
  /** A growth record (trends.ts growthRecord). */
  record?: GrowthRecord | null;
}

/** A missing figure is a 数据缺口 only when a peer has one this month or the region had one before (DOMAIN.md, Phrasing). */
export function isDataGap(hasFigure: boolean, peersReporting: number, hadBefore: boolean): boolean {
  return !hasFigure && (peersReporting > 0 || hadBefore);
}

export function indicatorFacts(input: StandingInput, scope: string): IndicatorFacts {
  const { indicator, period, growth } = input;
  const label = periodLabel(period, indicator.basis);
  const fact = (s: Standing, tied: boolean): RankFact => ({
    rank: s.rank,
    ranked: s.ranked,
    tied,
    previousRank: s.previousRank,
    rankChange: s.rankChange,
    reason: s.reason,
  });
  const byYoy = fact(input.byYoy, input.tiedByYoy);
  const byValue = fact(input.byValue, input.tiedByValue);
  const main = mainStanding(indicator, { byValue, byYoy });
  const figure = growth.figure;
  const valueText = figure === undefined ? null : figureText(indicator, figure.value);
  const prevLabel = input.previousPeriod === null ? null : previousLabel(indicator, period, input.previousPeriod);
  const ranked = rankText(indicator, indicator.rankBy, main, scope, growth.yoy);

  // Both ranks where both exist (总量全省第十一、增速全省第二). The seed's
  // growth-first form stays whole (同比增速122.4%、全市第一) and the size rank
  // follows it, named; a size-ranked line names both, size first.
  let head: string;
  const clauses: string[] = [];
  if (figure === undefined) head = noFigureSentence(label, indicator.name);
  else if (indicator.rankBy === 'value') {
    const both = byYoy.rank !== null
      ? [rankText(indicator, 'value', byValue, scope, growth.yoy, true), rankText(indicator, 'yoy', byYoy, scope, growth.yoy, true)]
      : [ranked];
    head = sizeSentence(indicator, label, valueText!, both);
  } else {
    const rank = growth.yoy === null ? NOT_RANKED_BY_GROWTH : ranked;
    head = growthSentence(label, indicator.name, indicator.reportValue || growth.yoy === null ? valueText : null, growthPhrase(indicator, growth), rank);
    if (byValue.rank !== null) clauses.push(rankText(indicator, 'value', byValue, scope, growth.yoy, true));
  }
  // Against the whole area's growth (高于全市平均1.8个百分点), where both exist.
  const average = input.average ?? null;
  const vsAverage = input.vsAverage ?? null;
  if (figure !== undefined && average !== null && vsAverage !== null) clauses.push(averageText(bareScope(scope), vsAverage, average));
  // Runs of first places (连续3个月位居全市第一), each in a ranking the region is first in now, named as the line names that rank.
  const streaks: Array<{ by: RankMetric; months: number }> = [];
  if (figure !== undefined) {
    for (const by of [indicator.rankBy, indicator.rankBy === 'yoy' ? 'value' : 'yoy'] as const) {
      const months = input.firstPlaceRuns?.[by] ?? 0;
      if (months < STREAK_MIN_MONTHS || (by === 'yoy' ? byYoy : byValue).rank !== 1) continue;
      streaks.push({ by, months });
      const named = (byYoy.rank !== null && byValue.rank !== null) || by !== indicator.rankBy;
      const lowest = indicator.direction === 'lower' && by === 'value';
      clauses.push(streakText(months, scope, named ? rankMetricWord(indicator, by, growth.yoy) : '', lowest));
    }
  }
  // Against its own past: the month before's growth, then a record.
  const movement = figure === undefined || input.movement == null ? null : { ...input.movement, label: previousLabel(indicator, period, input.movement.period) };
  if (movement !== null) clauses.push(movementText(movement.label, movement.change));
  const record = figure === undefined || growth.yoy === null || indicator.change !== 'percent' ? null : (input.record ?? null);
  if (record !== null) clauses.push(recordText(record));
  const sentence = withClauses(head, clauses);
  const placed = placement(indicator, { byValue, byYoy });

  const progress = input.progress ?? null;
  const progressLine = progress === null || figure === undefined ? null : progressSentence(indicator, label, period, progress, growth.yoy === null ? null : growthPhrase(indicator, growth), valueText);
  const above = input.above ?? null;
  const correctionNote = correctionNoteText((input.corrections ?? []).map((c) => ({ ...c, label: previousLabel(indicator, period, c.period) })));

  let moveSentence: string | null = null;
  if (main.rank !== null && main.rankChange !== null && prevLabel !== null) {
    moveSentence = moveWords(indicator.name, prevLabel, main.rankChange, ranked);
  }

  return {
    indicator: indicator.code,
    name: indicator.name,
    unit: indicator.unit,
    rankBy: indicator.rankBy,
    direction: indicator.direction,
    change: indicator.change,
    label,
    value: figure?.value ?? null,
    valueText,
    status: figure?.status ?? null,
    yoy: growth.yoy,
    yoyText: growth.yoy === null ? null : changeText(indicator, growth.yoy),
    yoySource: growth.yoySource,
    reason: growth.yoy === null ? (figure === undefined ? 'no-figure' : growth.reason) : null,
    signChange: growth.signChange,
    byYoy,
    byValue,
    weak: placed?.section === 'weak',
    placement: placed,
    movement,
    streaks,
    record,
    dataGap: isDataGap(figure !== undefined, input.peersReporting, input.hadBefore),
    progress: progress === null ? null : { target: progress.target, completion: progress.completion, gap: progress.gap, growthTarget: progress.growthTarget, growthGap: progress.growthGap, timeProgress: input.timeProgress ?? 0 },
    progressSentence: progressLine,
    gapText: above === null ? null : gapAboveText(indicator, indicator.rankBy, above),
    average,
    vsAverage,
    previousPeriod: input.previousPeriod,
    previousLabel: prevLabel,
    sentence,
    moveSentence,
    peers: input.peers,
    rankedPeers: input.rankedPeers,
    missingPeers: input.missingPeers,
    missingPeersTotal: input.missingPeersTotal,
    // Only when there is one: the facts of reports without corrections (and their digests) stay as they were.
    ...(correctionNote === null ? {} : { correctionNote }),
  };
}

/** The sections, in the order a report reads them. */
export function sectionsOf(indicators: readonly IndicatorFacts[], failures: ReportFacts['failures']): ReportSections {
  const main = (f: IndicatorFacts) => mainStanding(f, f);
  // One place each (standing.ts placement): leading ones best place first, weak ones in the indicators' order.
  const placed = indicators.map((f) => ({ f, place: placement(f, f) }));
  const leading = placed.filter((x) => x.place?.section === 'leading').sort((a, b) => a.place!.rank - b.place!.rank);
  const gaps: string[] = [];
  for (const f of indicators) {
    if (f.value === null && f.dataGap !== false) gaps.push(noFigureGap(f.name));
    // Peers missing beside others ranked; when nobody has a figure, the line above says it.
    if (f.missingPeers.length > 0 && f.peers.length > 0) gaps.push(unrankedGap(f.name, namesUpTo(f.missingPeers.map((m) => m.name), f.missingPeersTotal), f.missingPeers.map((m) => m.reason)));
    if (f.status !== null) gaps.push(statusGap(f.name, f.status));
  }
  for (const failure of failures) gaps.push(failureGap(failure.indicator, failure.message));
  return {
    headlines: leading.map((x) => x.f.sentence),
    weak: placed.filter((x) => x.place?.section === 'weak').map(({ f }) => weakLine(f.sentence, f.gapText)),
    up: indicators.filter((f) => (main(f).rankChange ?? 0) > 0).map((f) => f.moveSentence!),
    down: indicators.filter((f) => (main(f).rankChange ?? 0) < 0).map((f) => f.moveSentence!),
    progress: indicators.flatMap((f) => (f.progressSentence == null ? [] : [f.progressSentence])),
    gaps,
  };
}
