/**
 * The past a report's sentences speak of (DOMAIN.md, How the report reads):
 * each member's run of first places in either ranking (连续3个月位居全市第一)
 * and its growth record (增速为2021年3月以来最高). The peers' figures are read
 * back a window at a time, one read a window for every member of the peer
 * set, and further back only while the months read leave something open:
 * a run still unbroken at the window's first month, or a growth higher than
 * every one read. The rules are the domain's (domain/trends.ts); months and
 * rankings are computed as the rankings of those months are.
 */
import { growthKey, growthPeriods } from '../domain/growth.ts';
import { periodRange, shiftPeriod, type Period } from '../domain/period.ts';
import { rankPeers } from '../domain/ranking.ts';
import { firstPlaceRun, growthRecord, type GrowthRecord, type MonthRank } from '../domain/trends.ts';
import type { Indicator, Observation, RankMetric } from '../domain/types.ts';
import { FigureTable } from './analytics.ts';
import type { CatalogService } from './catalog.ts';
import type { ReadView } from './read-view.ts';
import { nextTurn } from './yield.ts';

/**
 * Months read back at a time, the report's month included: two years
 * decide most runs and records in one read (a record needs only the last
 * month higher); a longer run or a record high reads the next two years.
 */
export const HISTORY_WINDOW = 24;

export interface MemberTrends {
  /** Rankings in a row at rank 1 ending this month, by metric, where the member is first now. */
  firstPlaceRuns: Partial<Record<RankMetric, number>>;
  record: GrowthRecord | null;
}

const METRICS: readonly RankMetric[] = ['value', 'yoy'];

/**
 * Runs and records of `members` at `period`. `children`: every region
 * that has been a peer (each month ranks those that existed then);
 * `firstNow`: the members at rank 1 this month, by metric (only they can
 * have a run). Records are of growth (`percent` indicators) only. Nothing
 * is read when there is nothing to tell.
 */
export async function reportTrends(
  view: ReadView,
  catalog: Pick<CatalogService, 'validAt'>,
  indicator: Indicator,
  period: Period,
  children: readonly string[],
  members: readonly string[],
  firstNow: Record<RankMetric, readonly string[]>,
): Promise<Map<string, MemberTrends>> {
  const out = new Map<string, MemberTrends>(members.map((m) => [m, { firstPlaceRuns: {}, record: null }]));
  const runners: Record<RankMetric, string[]> = { value: firstNow.value.filter((m) => out.has(m)), yoy: firstNow.yoy.filter((m) => out.has(m)) };
  const records = indicator.change === 'percent';
  if (!records && runners.value.length === 0 && runners.yoy.length === 0) return out;

  const read = new Set<Period>();
  const observations: Observation[] = [];
  const readMonths = async (months: readonly Period[]) => {
    const periods: Period[] = [];
    for (const month of months) {
      for (const p of growthPeriods(indicator, month)) {
        if (read.has(p)) continue;
        read.add(p);
        periods.push(p);
      }
    }
    if (periods.length > 0) observations.push(...(await view.slices(indicator.code, periods, children)));
  };
  // A month's ranking depends on that month's figures and their bases only, all read with it: kept across windows.
  const ranks = new Map<string, { ranked: number; rank: Map<string, number> }>();
  const rankingAt = async (by: RankMetric, month: Period, table: FigureTable) => {
    const key = `${by}|${month}`;
    let r = ranks.get(key);
    if (r === undefined) {
      // Each month ranks every peer: requests waiting are answered in between.
      await nextTurn();
      const ranking = rankPeers(indicator, month, by, catalog.validAt(children, month), table.seriesOf);
      r = { ranked: ranking.rows.length, rank: new Map(ranking.rows.map((row) => [row.region, row.rank])) };
      ranks.set(key, r);
    }
    return r;
  };

  let from = shiftPeriod(period, -(HISTORY_WINDOW - 1));
  await readMonths(periodRange(from, period));
  let complete = false;
  for (;;) {
    const table = new FigureTable(observations);
    const months = periodRange(from, period);
    let open = false;
    for (const by of METRICS) {
      if (runners[by].length === 0) continue;
      // Newest first, each runner until its run ends: months nobody was ranked in are passed over (firstPlaceRun).
      const seen = new Map<string, MonthRank[]>(runners[by].map((m) => [m, []]));
      let running = [...runners[by]];
      for (let i = months.length - 1; i >= 0 && running.length > 0; i--) {
        const month = months[i]!;
        const r = await rankingAt(by, month, table);
        running = running.filter((m) => {
          const rank = r.rank.get(m) ?? null;
          seen.get(m)!.push({ period: month, rank, ranked: r.ranked });
          return r.ranked === 0 || rank === 1;
        });
      }
      for (const [member, list] of seen) {
        const run = firstPlaceRun(list.reverse());
        out.get(member)!.firstPlaceRuns[by] = run.months;
        if (run.open && !complete) open = true;
      }
    }
    if (records) {
      for (const member of members) {
        const lookup = table.seriesOf(member);
        const points = months.map((month) => {
          const key = growthKey(indicator, month, lookup);
          return { period: month, units: typeof key === 'number' ? key : null };
        });
        const verdict = growthRecord(points, complete);
        out.get(member)!.record = verdict.record;
        if (!verdict.decided) open = true;
      }
    }
    if (!open) return out;
    // Something reaches the window's first month: read the window before the latest earlier month with a figure, or learn that there is none.
    const latest = await view.latestPeriodBefore(indicator.code, from, children);
    if (latest === null) complete = true;
    else {
      from = shiftPeriod(latest, -(HISTORY_WINDOW - 1));
      await readMonths(periodRange(from, latest));
    }
  }
}
