/**
 * What a report says of a region's figure against its own past (DOMAIN.md,
 * How the report reads): the movement of a year-to-date growth against
 * the month before (增速较1-5月提高2.1个百分点), a run of first places in one
 * ranking (连续3个月位居全市第一), and a growth record (增速为2021年3月以来最高,
 * 为有统计以来最高). Pure: months and ranks in, facts out; the words are in
 * words/trends.ts.
 */
import { monthOf, periodIndex, shiftPeriod, type Period } from './period.ts';
import { unitsToNumber } from './rounding.ts';
import { YOY_DECIMALS, type Indicator } from './types.ts';

/** A run of first places is said from three months on (连续3个月位居全市第一). */
export const STREAK_MIN_MONTHS = 3;
/** "X以来最高" is said only when X lies at least six months back: a high over the last few months is no news. */
export const RECORD_MIN_MONTHS_BACK = 6;
/** "为有统计以来最高" is said only of a growth series at least twelve months long. */
export const RECORD_MIN_SERIES_MONTHS = 12;

/**
 * The year-to-date period before `period` in the same year, as published:
 * the month before, except that 1-2月 is one period (the first cumulative
 * figure of the year is at February): the month before 1-3月 is 1-2月, and
 * 1-2月 (or a January published alone) has none within the year.
 */
export function ytdMonthBefore(period: Period): Period | null {
  return monthOf(period) <= 2 ? null : shiftPeriod(period, -1);
}

export interface GrowthMovement {
  /** The month compared with. */
  period: Period;
  /** This month's published growth less that month's, both at 0.1: in points, at 0.1. */
  change: number;
}

/**
 * The movement of a year-to-date growth against the month before
 * (增速较1-5月提高2.1个百分点), or null: only for `ytd` indicators compared by
 * growth (`percent`), with a growth figure in both months. `growthUnits`
 * gives the region's growth in a month at published precision, in units of
 * 0.1 (the ranking key), or null without one.
 */
export function growthMovement(indicator: Pick<Indicator, 'basis' | 'change'>, period: Period, growthUnits: (period: Period) => number | null): GrowthMovement | null {
  if (indicator.basis !== 'ytd' || indicator.change !== 'percent') return null;
  const before = ytdMonthBefore(period);
  if (before === null) return null;
  const now = growthUnits(period);
  const then = now === null ? null : growthUnits(before);
  if (now === null || then === null) return null;
  const units = now - then;
  return Number.isFinite(units) ? { period: before, change: unitsToNumber(units, YOY_DECIMALS) } : null;
}

export interface MonthRank {
  period: Period;
  /** The region's rank that month, null when it was not ranked. */
  rank: number | null;
  /** How many peers were ranked that month: none means nothing was published, and the month is passed over. */
  ranked: number;
}

export interface FirstPlaceRun {
  /** Rankings in a row at rank 1 (tied or not), ending with the last month given. */
  months: number;
  /** The run reaches the first month given: earlier months may lengthen it. */
  open: boolean;
}

/**
 * The run of first places in one ranking ending with the last of `months`
 * (oldest first): each month the ranking was published counts, a month in
 * which nobody was ranked (January of a year-to-date indicator, published
 * with February as 1-2月) is passed over, so 1-2月 follows last year's
 * 1-12月 as the rank change does. A month ranked without the region ends
 * the run. None unless the region is first in the last month.
 */
export function firstPlaceRun(months: readonly MonthRank[]): FirstPlaceRun {
  const last = months.at(-1);
  if (last === undefined || last.rank !== 1) return { months: 0, open: false };
  let count = 0;
  for (let i = months.length - 1; i >= 0; i--) {
    const m = months[i]!;
    if (m.ranked === 0) continue;
    if (m.rank !== 1) return { months: count, open: false };
    count++;
  }
  return { months: count, open: true };
}

/** A growth record: the highest since `since` (the last month higher), or since statistics began (`since` null). */
export interface GrowthRecord {
  since: Period | null;
}

export interface GrowthRecordVerdict {
  record: GrowthRecord | null;
  /** False when the months given cannot tell: no month was higher and the series may reach further back. */
  decided: boolean;
}

/**
 * Whether the last growth of `points` (oldest first, each month's growth
 * at published precision in units of 0.1, null without one) is a record:
 * "为X以来最高" when X is the latest earlier month with a higher growth and
 * lies at least RECORD_MIN_MONTHS_BACK months back (an equal growth is not
 * higher); "为有统计以来最高" when no earlier month was higher and the growth
 * series, from its first month to this one, is at least
 * RECORD_MIN_SERIES_MONTHS long. `complete`: `points` begin where the
 * series does (else, with no higher month among them, undecided).
 */
export function growthRecord(points: ReadonlyArray<{ period: Period; units: number | null }>, complete: boolean): GrowthRecordVerdict {
  const last = points.at(-1);
  if (last === undefined || last.units === null) return { record: null, decided: true };
  const at = periodIndex(last.period);
  let first: Period = last.period;
  for (let i = points.length - 2; i >= 0; i--) {
    const p = points[i]!;
    if (p.units === null) continue;
    if (p.units > last.units) return { record: at - periodIndex(p.period) >= RECORD_MIN_MONTHS_BACK ? { since: p.period } : null, decided: true };
    first = p.period;
  }
  if (!complete) return { record: null, decided: false };
  return { record: at - periodIndex(first) + 1 >= RECORD_MIN_SERIES_MONTHS ? { since: null } : null, decided: true };
}
