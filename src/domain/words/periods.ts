/**
 * Months in words (DOMAIN.md, Periods and bases): the official label of a
 * period on its basis (1-6月 year-to-date, 6月 the month alone, 6月末 a level
 * at the end of the month, 1-2月 the first cumulative figure of a year), a
 * month as a title (2022年6月), the month compared with (1-5月, 上年1-12月,
 * 2020年1-12月), a range (1-2月 至 1-6月), and months typed as text in a
 * workbook (2022年6月).
 */
import { monthOf, yearOf, type Basis, type Period } from '../period.ts';
import type { Indicator } from '../types.ts';

/**
 * The official label of a period on a basis: "1-6月" for year-to-date,
 * "6月" for the month alone, "6月末" for an end-of-month level. January's
 * cumulative figure is "1月"; `withYear` prefixes "2022年".
 */
export function periodLabel(period: Period, basis: Basis, withYear = false): string {
  const month = monthOf(period);
  let label: string;
  if (basis === 'ytd') label = month === 1 ? '1月' : `1-${month}月`;
  else if (basis === 'level') label = `${month}月末`;
  else label = `${month}月`;
  return withYear ? `${yearOf(period)}年${label}` : label;
}

/** 2022年6月: the month a report or scorecard covers, whatever the basis. */
export function monthTitle(period: Period): string {
  return `${yearOf(period)}年${monthOf(period)}月`;
}

/** The period compared with, as a report names it: 1-5月 (the same year), 上年1-12月 (the year before), 2020年1-12月 (earlier). */
export function previousLabel(indicator: Pick<Indicator, 'basis'>, period: Period, previous: Period): string {
  const label = periodLabel(previous, indicator.basis);
  const years = yearOf(period) - yearOf(previous);
  if (years === 0) return label;
  if (years === 1) return `上年${label}`;
  return `${yearOf(previous)}年${label}`;
}

/** A range of months, both ends labelled: 2022年1-2月 至 2022年1-6月. */
export function rangeText(from: string, to: string): string {
  return `${from} 至 ${to}`;
}

/** Months typed as text in a workbook: 2022-06, 2022-6, 2022/6, 2022年6月 (groups 2, 3 or 4 hold the month). */
export const MONTH_TEXT = /^(\d{4})(?:-(\d{1,2})|\/(\d{1,2})|\s*年\s*(\d{1,2})\s*月)$/;
