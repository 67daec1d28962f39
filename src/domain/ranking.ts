/**
 * Ranking among peers (位次) as DOMAIN.md defines it: by growth or by size,
 * direction-aware, compared at published precision, ties sharing a rank with
 * the next rank skipped (standard competition ranking 1, 2, 2, 4), regions
 * without a figure listed with a reason, and the change against the latest
 * earlier ranking over the same peers and metric.
 */
import { growthAt, growthKey, type Growth, type NoGrowthReason } from './growth.ts';
import type { Period } from './period.ts';
import { roundUnits } from './rounding.ts';
import type { Direction, Indicator, RankMetric, SeriesLookup } from './types.ts';

export interface Keyed {
  region: string;
  /** The figure at published precision, in integer units. */
  key: number;
}

/**
 * Standard competition ranks of keyed entries: best first, equal keys share
 * a rank and the next one skips. Ties are listed by region code.
 */
export function competitionRanks<T extends Keyed>(entries: readonly T[], direction: Direction): Array<{ entry: T; rank: number }> {
  const sign = direction === 'higher' ? -1 : 1;
  const sorted = [...entries].sort((a, b) => (a.key !== b.key ? (a.key < b.key ? -sign : sign) : a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  const out: Array<{ entry: T; rank: number }> = new Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i]!;
    const before = i > 0 ? out[i - 1]! : undefined;
    out[i] = { entry, rank: before !== undefined && before.entry.key === entry.key ? before.rank : i + 1 };
  }
  return out;
}

export interface RankedRow extends Keyed {
  rank: number;
  growth: Growth;
}

export interface MissingPeer {
  region: string;
  reason: NoGrowthReason;
}

export interface PeerRanking {
  rows: RankedRow[];
  missing: MissingPeer[];
}

/** The ranking key of one region's growth result, or why it has none. */
function keyOf(indicator: Indicator, by: RankMetric, growth: Growth): number | NoGrowthReason {
  if (growth.figure === undefined) return 'no-figure';
  if (by === 'value') return roundUnits(growth.figure.value, indicator.decimals);
  return growth.yoyUnits ?? growth.reason ?? 'no-base';
}

/** Rank `peers` on `by` at `period`; `seriesOf` gives each peer's figures. */
export function rankPeers(
  indicator: Indicator,
  period: Period,
  by: RankMetric,
  peers: readonly string[],
  seriesOf: (region: string) => SeriesLookup,
): PeerRanking {
  const keyed: Array<Keyed & { growth: Growth }> = [];
  const missing: MissingPeer[] = [];
  for (const region of peers) {
    const growth = growthAt(indicator, period, seriesOf(region));
    const key = keyOf(indicator, by, growth);
    if (typeof key === 'number') keyed.push({ region, key, growth });
    else missing.push({ region, reason: key });
  }
  missing.sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  const rows = competitionRanks(keyed, indicator.direction).map(({ entry, rank }): RankedRow => ({ region: entry.region, key: entry.key, rank, growth: entry.growth }));
  return { rows, missing };
}

export interface RankingRowWithChange extends RankedRow {
  previousRank: number | null;
  /** previousRank - rank: positive means moved up (前移). */
  rankChange: number | null;
}

export interface RankingWithChange {
  rows: RankingRowWithChange[];
  missing: MissingPeer[];
  previousPeriod: Period | null;
}

/**
 * A ranking and its change against `previousPeriod` (the latest earlier
 * period in which any peer has a figure), ranked with the same metric over
 * the peers of that month (`previousPeers`: the same peers unless regions
 * came or went, DOMAIN.md Regions change).
 */
export function rankWithChange(
  indicator: Indicator,
  period: Period,
  previousPeriod: Period | null,
  by: RankMetric,
  peers: readonly string[],
  seriesOf: (region: string) => SeriesLookup,
  previousPeers: readonly string[] = peers,
): RankingWithChange {
  const current = rankPeers(indicator, period, by, peers, seriesOf);
  const previousRanks = new Map<string, number>();
  if (previousPeriod !== null) {
    const keyed: Keyed[] = [];
    for (const region of previousPeers) {
      const lookup = seriesOf(region);
      let key: number | NoGrowthReason;
      if (by === 'yoy') key = growthKey(indicator, previousPeriod, lookup);
      else {
        const figure = lookup(previousPeriod);
        key = figure === undefined ? 'no-figure' : roundUnits(figure.value, indicator.decimals);
      }
      if (typeof key === 'number') keyed.push({ region, key });
    }
    for (const { entry, rank } of competitionRanks(keyed, indicator.direction)) previousRanks.set(entry.region, rank);
  }
  const rows = current.rows.map((row): RankingRowWithChange => {
    const previousRank = previousRanks.get(row.region) ?? null;
    return { region: row.region, key: row.key, rank: row.rank, growth: row.growth, previousRank, rankChange: previousRank === null ? null : previousRank - row.rank };
  });
  return { rows, missing: current.missing, previousPeriod };
}
