/**
 * Which rank counts: the one rule for a region's standing on an indicator,
 * used by the scorecard, the report's sentences and sections, its Markdown
 * and HTML, and the charts.
 *
 * - The **main standing** is the rank on the indicator's default metric
 *   (`rankBy`): its rank change is the one phrased (前移2位), and a weak
 *   indicator (短板) is weak on it.
 * - Reports quote **both** ranks where both exist (总量全省第十一、增速全省第二),
 *   and a strong rank on **either** metric counts as leading (DOMAIN.md,
 *   Phrasing): 丽水's income, last by size and second by growth, leads.
 * - A report lists an indicator in **one** of 领先指标 / 短板指标 at most, by
 *   its **placement**: the stronger of the ranks its line quotes (DOMAIN.md,
 *   How the report reads). 城镇调查失业率 eighth by level and first by its
 *   fall leads; it is not also weak.
 */
import type { RankMetric } from './types.ts';

/** 前三: a place in the first three is a leading one, as the seed's 领先指标 reads. */
export const LEADING_RANK = 3;

export interface RankLike {
  rank: number | null;
  ranked: number;
}

export interface BothRanks<S> {
  byValue: S;
  byYoy: S;
}

/** The standing on the indicator's default metric. */
export function mainStanding<S>(indicator: { rankBy: RankMetric }, ranks: BothRanks<S>): S {
  return indicator.rankBy === 'yoy' ? ranks.byYoy : ranks.byValue;
}

/** The standing on the other metric, the one quoted second. */
export function otherStanding<S>(indicator: { rankBy: RankMetric }, ranks: BothRanks<S>): S {
  return indicator.rankBy === 'yoy' ? ranks.byValue : ranks.byYoy;
}

/**
 * Weak (短板): ranked in the bottom third, rank above floor(2n/3) of n
 * ranked. A region ranked alone is not weak: it is also first.
 */
export function isWeak(rank: number, ranked: number): boolean {
  return ranked > 1 && rank > Math.floor((2 * ranked) / 3);
}

/** Weak on the indicator's default metric (DOMAIN.md, Weak indicators). */
export function weakOn(indicator: { rankBy: RankMetric }, ranks: BothRanks<RankLike>): boolean {
  const main = mainStanding(indicator, ranks);
  return main.rank !== null && isWeak(main.rank, main.ranked);
}

/**
 * A strong place on one metric: in the first three, and not also in the
 * bottom third (with few peers ranked, third can be both: it reads as a
 * weakness).
 */
export function isLeading(s: RankLike): boolean {
  return s.rank !== null && s.rank <= LEADING_RANK && !isWeak(s.rank, s.ranked);
}

/**
 * The best leading rank on either metric, the default metric first on a
 * tie, or null when neither leads: the placement of a leading indicator.
 */
export function leadingRank(indicator: { rankBy: RankMetric }, ranks: BothRanks<RankLike>): { by: RankMetric; rank: number } | null {
  const place = placement(indicator, ranks);
  return place?.section === 'leading' ? { by: place.by, rank: place.rank } : null;
}

export type ReportSection = 'leading' | 'weak';

/** Where a report lists an indicator, and the rank that puts it there. */
export interface Placement {
  by: RankMetric;
  rank: number;
  /** 领先指标, 短板指标, or neither (a middling place). */
  section: ReportSection | null;
}

/** A leading place before a middling one before one in the bottom third. */
function strength(s: RankLike & { rank: number }): number {
  if (isLeading(s)) return 0;
  return isWeak(s.rank, s.ranked) ? 2 : 1;
}

/**
 * An indicator's one place among a report's sections (DOMAIN.md, How the
 * report reads): its main standing is the rank it is ranked by, or, where
 * its line quotes both ranks (every rank it has), the stronger of the two:
 * a leading place before a middling one before one in the bottom third,
 * then the better place, then the default metric. Leading when that
 * standing is in the first three (and not also the bottom third), weak
 * when it is in the bottom third: never both. Null without any rank.
 */
export function placement(indicator: { rankBy: RankMetric }, ranks: BothRanks<RankLike>): Placement | null {
  const otherBy: RankMetric = indicator.rankBy === 'yoy' ? 'value' : 'yoy';
  let best: { by: RankMetric; s: RankLike & { rank: number }; strength: number } | null = null;
  for (const [by, s] of [[indicator.rankBy, mainStanding(indicator, ranks)], [otherBy, otherStanding(indicator, ranks)]] as const) {
    if (s.rank === null) continue;
    const ranked = { rank: s.rank, ranked: s.ranked };
    const candidate = { by, s: ranked, strength: strength(ranked) };
    if (best === null || candidate.strength < best.strength || (candidate.strength === best.strength && candidate.s.rank < best.s.rank)) best = candidate;
  }
  if (best === null) return null;
  return { by: best.by, rank: best.s.rank, section: best.strength === 0 ? 'leading' : best.strength === 2 ? 'weak' : null };
}
