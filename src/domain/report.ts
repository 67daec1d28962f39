/**
 * The monthly comparison report as facts and the sentences county staff
 * write by hand (seed report): "1-6月,工业性投资同比增速122.4%、全市第一",
 * "数字经济核心产业增加值2.27亿元,同比增长17.3%、全市第四", "1-6月份网络零售额
 * 121.43亿元,全市第一". Pure: standings in, facts and text out.
 */
import { correctionNoteText } from './corrections.ts';
import type { Growth, NoGrowthReason } from './growth.ts';
import type { Average } from './gaps.ts';
import { parentScope } from './level.ts';
import { averageText, gapAboveText, progressSentence } from './progress-phrasing.ts';
import type { Progress } from './progress.ts';
import { periodLabel, yearOf, type Period } from './period.ts';
import { namesUpTo } from './peers-shown.ts';
import { changeText, figureText, ordinal, rankMove, STATUS_WORDS } from './phrasing.ts';
import { formatFixed, round } from './rounding.ts';
import type { Standing } from './scorecard.ts';
import { mainStanding, placement, type Placement } from './standing.ts';
import { STREAK_MIN_MONTHS, type GrowthMovement, type GrowthRecord } from './trends.ts';
import { YOY_DECIMALS, type ChangeKind, type Indicator, type RankMetric, type Status } from './types.ts';
import { movementText, recordText, streakText } from './words/trends.ts';

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
}

/** The sections in reading order, with their headings and what to say when one is empty. */
export const SECTION_TITLES: ReadonlyArray<[keyof ReportSections, string, string]> = [
  ['headlines', '领先指标', '本期无位居前三的指标。'],
  ['weak', '短板指标', '本期无处于后三分之一的指标。'],
  ['up', '进位指标', '本期无进位指标。'],
  ['down', '退位指标', '本期无退位指标。'],
  ['progress', '目标进度', '本期无设定年度目标的指标。'],
  ['gaps', '数据缺口', '本期数据齐全。'],
];

const REASON_TEXT: Record<NoGrowthReason, string> = {
  'no-figure': '本期无数据',
  'no-base': '上年同期无数据,不计算同比',
  'base-not-positive': '上年同期数为零或负数,不计算增速',
  'out-of-range': '上年同期数过小,增速无法计算',
};

/** 全市 for a city's counties, 全省 for a province's cities (level synonyms and GB/T 2260 codes: level.ts), a group by its name. */
export function scopeWord(parent: { code: string; name: string; level: string | null } | null, group: { name: string } | null): string {
  if (group !== null) return `${group.name}中`;
  return parent === null ? '' : parentScope(parent);
}

/** The period compared with, as a report names it: 1-5月, 上年1-12月, 2020年1-12月. */
export function previousLabel(indicator: Indicator, period: Period, previous: Period): string {
  const label = periodLabel(previous, indicator.basis);
  const years = yearOf(period) - yearOf(previous);
  if (years === 0) return label;
  if (years === 1) return `上年${label}`;
  return `${yearOf(previous)}年${label}`;
}

type Phrased = Pick<Indicator, 'unit' | 'direction' | 'change'>;

/** A lower-is-better figure that fell: its growth rank is a rank of falls (降幅). */
const fell = (indicator: Phrased, yoy: number | null) => indicator.direction === 'lower' && yoy !== null && yoy < 0;

/**
 * The word naming a metric when a line quotes both ranks (总量全省第十一、
 * 增速全省第二): 总量 for sizes, 水平 for rates and lower-is-better levels,
 * 增速 for growth, 变化 for a rate's change in points, 降幅 for a
 * lower-is-better fall.
 */
export function rankMetricWord(indicator: Phrased, by: RankMetric, yoy: number | null): string {
  if (by === 'value') return indicator.unit.trim() === '%' || indicator.direction === 'lower' ? '水平' : '总量';
  if (fell(indicator, yoy)) return '降幅';
  return indicator.change === 'points' ? '变化' : '增速';
}

/**
 * 全市第一, 全市并列第三. Lower-is-better ranks read by how good they are,
 * as reports write them: the smallest level is 全市最低, a fall is ranked
 * as a fall (降幅全市第二), any other place is 全市第七 (never 第七低).
 * `named` puts the metric's word first, for a line quoting both ranks.
 */
export function rankText(indicator: Phrased, by: RankMetric, fact: RankFact, scope: string, yoy: number | null = null, named = false): string {
  if (fact.rank === null) return `未参与${scope.replace(/中$/, '')}排名`;
  const word = named || fell(indicator, yoy) ? rankMetricWord(indicator, by, yoy) : '';
  const place = indicator.direction === 'lower' && by === 'value' && fact.rank === 1 ? `${fact.tied ? '并列' : ''}最低` : ordinal(fact.rank, fact.tied);
  return `${word}${scope}${place}`;
}

/** 同比增速122.4%, 同比增长17.3%, 同比下降6.4%, 同比提高0.3个百分点, 同比由负转正. */
export function growthPhrase(indicator: Indicator, f: { yoy: number | null; reason: NoGrowthReason | null; signChange: Growth['signChange'] }): string {
  if (f.yoy === null) {
    if (f.signChange === 'negative-to-positive') return '同比由负转正';
    return REASON_TEXT[f.reason ?? 'no-base'];
  }
  const abs = formatFixed(Math.abs(f.yoy), YOY_DECIMALS);
  // Lower is better (能耗, 失业率): a rise is 上升, a fall 下降, whatever the report quotes.
  const lower = indicator.direction === 'lower';
  if (indicator.change === 'points') {
    if (abs === formatFixed(0, YOY_DECIMALS)) return '与上年同期持平';
    return `同比${f.yoy > 0 ? (lower ? '上升' : '提高') : '下降'}${abs}个百分点`;
  }
  const turned = f.signChange === 'positive-to-negative' ? '(由正转负)' : '';
  if (!indicator.reportValue && !lower) return `同比增速${changeText(indicator, f.yoy)}${turned}`;
  return `同比${f.yoy < 0 ? '下降' : lower ? '上升' : '增长'}${abs}%${turned}`;
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
  let sentence: string;
  if (figure === undefined) sentence = `${label},${indicator.name}${REASON_TEXT['no-figure']}`;
  else if (indicator.rankBy === 'value') {
    const suffix = indicator.basis === 'level' ? '' : '份';
    const both = byYoy.rank !== null
      ? `${rankText(indicator, 'value', byValue, scope, growth.yoy, true)}、${rankText(indicator, 'yoy', byYoy, scope, growth.yoy, true)}`
      : ranked;
    sentence = `${label}${suffix}${indicator.name}${valueText},${both}`;
  } else {
    const growthWords = growthPhrase(indicator, growth);
    const rank = growth.yoy === null ? '未参与增速排名' : ranked;
    sentence = indicator.reportValue || growth.yoy === null
      ? `${label},${indicator.name}${valueText},${growthWords}、${rank}`
      : `${label},${indicator.name}${growthWords}、${rank}`;
    if (byValue.rank !== null) sentence += `,${rankText(indicator, 'value', byValue, scope, growth.yoy, true)}`;
  }
  // Against the whole area's growth (高于全市平均1.8个百分点), where both exist.
  const average = input.average ?? null;
  const vsAverage = input.vsAverage ?? null;
  if (figure !== undefined && average !== null && vsAverage !== null) sentence += `,${averageText(scope.replace(/中$/, ''), vsAverage, average)}`;
  // Runs of first places (连续3个月位居全市第一), each in a ranking the region is first in now, named as the line names that rank.
  const streaks: Array<{ by: RankMetric; months: number }> = [];
  if (figure !== undefined) {
    for (const by of [indicator.rankBy, indicator.rankBy === 'yoy' ? 'value' : 'yoy'] as const) {
      const months = input.firstPlaceRuns?.[by] ?? 0;
      if (months < STREAK_MIN_MONTHS || (by === 'yoy' ? byYoy : byValue).rank !== 1) continue;
      streaks.push({ by, months });
      const named = (byYoy.rank !== null && byValue.rank !== null) || by !== indicator.rankBy;
      const lowest = indicator.direction === 'lower' && by === 'value';
      sentence += `,${streakText(months, scope, named ? rankMetricWord(indicator, by, growth.yoy) : '', lowest)}`;
    }
  }
  // Against its own past: the month before's growth, then a record.
  const movement = figure === undefined || input.movement == null ? null : { ...input.movement, label: previousLabel(indicator, period, input.movement.period) };
  if (movement !== null) sentence += `,${movementText(movement.label, movement.change)}`;
  const record = figure === undefined || growth.yoy === null || indicator.change !== 'percent' ? null : (input.record ?? null);
  if (record !== null) sentence += `,${recordText(record)}`;
  const placed = placement(indicator, { byValue, byYoy });

  const progress = input.progress ?? null;
  const progressLine = progress === null || figure === undefined ? null : progressSentence(indicator, label, period, progress, growth.yoy === null ? null : growthPhrase(indicator, growth), valueText);
  const above = input.above ?? null;
  const correctionNote = correctionNoteText((input.corrections ?? []).map((c) => ({ ...c, label: previousLabel(indicator, period, c.period) })));

  let moveSentence: string | null = null;
  if (main.rank !== null && main.rankChange !== null && prevLabel !== null) {
    moveSentence =
      main.rankChange === 0
        ? `${indicator.name}位次与${prevLabel}持平,${ranked}`
        : `${indicator.name}较${prevLabel}${rankMove(main.rankChange)},现居${ranked}`;
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
    if (f.value === null && f.dataGap !== false) gaps.push(`${f.name}:本期无数据`);
    // Peers missing beside others ranked; when nobody has a figure, the line above says it.
    if (f.missingPeers.length > 0 && f.peers.length > 0) gaps.push(`${f.name}:${namesUpTo(f.missingPeers.map((m) => m.name), f.missingPeersTotal)}未参与排名(${[...new Set(f.missingPeers.map((m) => REASON_TEXT[m.reason]))].join(';')})`);
    if (f.status !== null) gaps.push(`${f.name}:本期数为${STATUS_WORDS[f.status]}`);
  }
  for (const failure of failures) gaps.push(`${failure.indicator ?? '报告'}:生成失败(${failure.message})`);
  return {
    headlines: leading.map((x) => x.f.sentence),
    weak: placed.filter((x) => x.place?.section === 'weak').map(({ f }) => `${f.sentence}${f.gapText ? `,${f.gapText}` : ''}(短板,需向前进位)`),
    up: indicators.filter((f) => (main(f).rankChange ?? 0) > 0).map((f) => f.moveSentence!),
    down: indicators.filter((f) => (main(f).rankChange ?? 0) < 0).map((f) => f.moveSentence!),
    progress: indicators.flatMap((f) => (f.progressSentence == null ? [] : [f.progressSentence])),
    gaps,
  };
}
