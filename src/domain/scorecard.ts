/** One region's standing on one indicator: both rankings, change, 短板 flag. */
import { growthAt, type Growth, type NoGrowthReason } from './growth.ts';
import type { Period } from './period.ts';
import { rankWithChange, type RankingWithChange } from './ranking.ts';
import { weakOn } from './standing.ts';
import type { Indicator, RankMetric, SeriesLookup } from './types.ts';

export { isWeak } from './standing.ts';

export interface Standing {
  rank: number | null;
  /** How many peers were ranked on this metric. */
  ranked: number;
  previousRank: number | null;
  rankChange: number | null;
  /** Why the region is not ranked on this metric. */
  reason: NoGrowthReason | null;
}

export interface IndicatorStanding {
  growth: Growth;
  byValue: Standing;
  byYoy: Standing;
  /** Whether each rank is shared with another peer (并列). */
  tied: { byValue: boolean; byYoy: boolean };
  /** Ranked in the bottom third on the indicator's default metric. */
  weak: boolean;
  previousPeriod: Period | null;
}

/** A region's place in a ranking, or why it has none. */
export function standingOf(ranking: RankingWithChange, region: string): Standing {
  const row = ranking.rows.find((r) => r.region === region);
  const ranked = ranking.rows.length;
  if (row !== undefined) return { rank: row.rank, ranked, previousRank: row.previousRank, rankChange: row.rankChange, reason: null };
  const reason = ranking.missing.find((m) => m.region === region)?.reason ?? 'no-figure';
  return { rank: null, ranked, previousRank: null, rankChange: null, reason };
}

/** Whether the region's rank in a ranking is shared with another peer (并列). */
export function tiedIn(ranking: Pick<RankingWithChange, 'rows'>, region: string): boolean {
  const row = ranking.rows.find((r) => r.region === region);
  return row !== undefined && ranking.rows.some((r) => r.region !== region && r.rank === row.rank);
}

export function standing(
  indicator: Indicator,
  region: string,
  period: Period,
  previousPeriod: Period | null,
  peers: readonly string[],
  seriesOf: (region: string) => SeriesLookup,
  previousPeers: readonly string[] = peers,
): IndicatorStanding {
  const value = rankWithChange(indicator, period, previousPeriod, 'value', peers, seriesOf, previousPeers);
  const yoy = rankWithChange(indicator, period, previousPeriod, 'yoy', peers, seriesOf, previousPeers);
  const rankings: Record<RankMetric, Standing> = { value: standingOf(value, region), yoy: standingOf(yoy, region) };
  const ranks = { byValue: rankings.value, byYoy: rankings.yoy };
  return {
    growth: growthAt(indicator, period, seriesOf(region)),
    byValue: rankings.value,
    byYoy: rankings.yoy,
    tied: { byValue: tiedIn(value, region), byYoy: tiedIn(yoy, region) },
    weak: weakOn(indicator, ranks),
    previousPeriod,
  };
}
