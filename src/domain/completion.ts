/**
 * Completion rates ranked (完成率全市第一): peers with an amount target on a
 * year-to-date indicator, ranked by completion at 0.1 in the indicator's
 * direction, ties sharing a rank; peers without one missing as `no-target`.
 * The previous ranking uses the targets of its own year.
 */
import { growthAt, type Growth, type NoGrowthReason } from './growth.ts';
import { yearOf, type Period } from './period.ts';
import { progressOf, type Progress, type TargetPair } from './progress.ts';
import { competitionRanks, type Keyed } from './ranking.ts';
import type { Indicator, SeriesLookup } from './types.ts';

export type CompletionMissingReason = NoGrowthReason | 'no-target';

export interface CompletionRow extends Keyed {
  rank: number;
  growth: Growth;
  progress: Progress;
  previousRank: number | null;
  rankChange: number | null;
}

export interface CompletionRanking {
  rows: CompletionRow[];
  missing: Array<{ region: string; reason: CompletionMissingReason }>;
  previousPeriod: Period | null;
}

type Entry = Keyed & { growth: Growth; progress: Progress };

function rankAt(
  indicator: Indicator,
  period: Period,
  peers: readonly string[],
  seriesOf: (region: string) => SeriesLookup,
  targetsOf: (region: string, year: number) => TargetPair,
): { entries: Array<{ entry: Entry; rank: number }>; missing: CompletionRanking['missing'] } {
  const keyed: Entry[] = [];
  const missing: CompletionRanking['missing'] = [];
  for (const region of peers) {
    const targets = targetsOf(region, yearOf(period));
    if (targets.value === null || indicator.basis !== 'ytd') {
      missing.push({ region, reason: 'no-target' });
      continue;
    }
    const growth = growthAt(indicator, period, seriesOf(region));
    const progress = progressOf(indicator, period, growth.figure?.value ?? null, growth.yoy, targets);
    if (progress.completionUnits === null) missing.push({ region, reason: 'no-figure' });
    else keyed.push({ region, key: progress.completionUnits, growth, progress });
  }
  missing.sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  return { entries: competitionRanks(keyed, indicator.direction), missing };
}

export function rankCompletion(
  indicator: Indicator,
  period: Period,
  previousPeriod: Period | null,
  peers: readonly string[],
  seriesOf: (region: string) => SeriesLookup,
  targetsOf: (region: string, year: number) => TargetPair,
  previousPeers: readonly string[] = peers,
): CompletionRanking {
  const current = rankAt(indicator, period, peers, seriesOf, targetsOf);
  const previous = new Map<string, number>();
  if (previousPeriod !== null) for (const { entry, rank } of rankAt(indicator, previousPeriod, previousPeers, seriesOf, targetsOf).entries) previous.set(entry.region, rank);
  return {
    rows: current.entries.map(({ entry, rank }) => {
      const previousRank = previous.get(entry.region) ?? null;
      return { ...entry, rank, previousRank, rankChange: previousRank === null ? null : previousRank - rank };
    }),
    missing: current.missing,
    previousPeriod,
  };
}
