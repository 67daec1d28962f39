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
 * tie, or null when neither leads.
 */
export function leadingRank(indicator: { rankBy: RankMetric }, ranks: BothRanks<RankLike>): { by: RankMetric; rank: number } | null {
  const main = mainStanding(indicator, ranks);
  const other = otherStanding(indicator, ranks);
  const otherBy: RankMetric = indicator.rankBy === 'yoy' ? 'value' : 'yoy';
  const candidates: Array<{ by: RankMetric; rank: number }> = [];
  if (isLeading(main)) candidates.push({ by: indicator.rankBy, rank: main.rank! });
  if (isLeading(other)) candidates.push({ by: otherBy, rank: other.rank! });
  if (candidates.length === 0) return null;
  return candidates.reduce((best, c) => (c.rank < best.rank ? c : best));
}
