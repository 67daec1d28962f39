/**
 * Completion rates ranked (完成率全市第一): peers with an amount target on a
 * year-to-date indicator, ranked by completion at 0.1 in the indicator's
 * direction, ties sharing a rank; peers without one missing as `no-target`.
 * The previous ranking uses the targets of its own year.
 */
import { growthAt, type Growth, type NoGrowthReason } from './growth.ts';
import { yearOf, type Period } from './period.ts';
import { completionOf, PROGRESS_DECIMALS, progressOf, type Progress, type TargetPair } from './progress.ts';
import { roundUnits } from './rounding.ts';
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
  const year = yearOf(period);
  for (const region of peers) {
    const targets = targetsOf(region, year);
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

/** The previous month's ranks need only the key: the figure over the amount, no growth. */
function previousRanks(
  indicator: Indicator,
  period: Period,
  peers: readonly string[],
  seriesOf: (region: string) => SeriesLookup,
  targetsOf: (region: string, year: number) => TargetPair,
): Array<{ entry: Keyed; rank: number }> {
  if (indicator.basis !== 'ytd') return [];
  const year = yearOf(period);
  const keyed: Keyed[] = [];
  for (const region of peers) {
    const amount = targetsOf(region, year).value;
    const figure = amount === null ? undefined : seriesOf(region)(period);
    if (figure === undefined) continue;
    const completion = completionOf(figure.value, amount!);
    if (!Number.isFinite(completion)) continue;
    // As progressOf: a completion whose units of 0.1 overflow is not ranked.
    const key = roundUnits(completion, PROGRESS_DECIMALS);
    if (Number.isFinite(key)) keyed.push({ region, key });
  }
  return competitionRanks(keyed, indicator.direction);
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
  if (previousPeriod !== null) for (const { entry, rank } of previousRanks(indicator, previousPeriod, previousPeers, seriesOf, targetsOf)) previous.set(entry.region, rank);
  return {
    rows: current.entries.map(({ entry, rank }): CompletionRow => {
      const previousRank = previous.get(entry.region) ?? null;
      return { region: entry.region, key: entry.key, growth: entry.growth, progress: entry.progress, rank, previousRank, rankChange: previousRank === null ? null : previousRank - rank };
    }),
    missing: current.missing,
    previousPeriod,
  };
}
