/** Calendar months written `YYYY-MM` (SDMX style); their official labels (1-6月) are words: words/periods.ts. */

export type Period = string;
export type Basis = 'ytd' | 'month' | 'level';

/**
 * The months accepted, FIRST_PERIOD to LAST_PERIOD: statistics need no more,
 * a stray `0022-06` is a typo, and InfluxDB stores only times between 1677
 * and 2262. Every accepted month can be stored and read on both stores.
 */
export const PERIOD_PATTERN = /^(1[89]\d\d|2[01]\d\d)-(0[1-9]|1[0-2])$/;
/** PERIOD_PATTERN without its anchors, for patterns that hold a period (a report's file name). */
export const PERIOD_SOURCE = PERIOD_PATTERN.source.slice(1, -1);
export const FIRST_PERIOD = '1800-01';
export const LAST_PERIOD = '2199-12';

/**
 * Any month written YYYY-MM. Arithmetic takes these: the month before
 * 1800-01, or the year before 1800-06, is a month like any other that holds
 * no figure (no base), never a fault.
 */
const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A month the service accepts, stores and answers. */
export function isPeriod(text: string): boolean {
  return PERIOD_PATTERN.test(text);
}

// Periods recur across every row of a batch; parsing each once keeps a
// 50,000-row batch from parsing the same two dozen strings 200,000 times.
// Months are at most 10,000 years of them, so the caches stay bounded.
const indexCache = new Map<string, number>();
const textCache: string[] = [];

/** Months since year 0: consecutive months differ by one. */
export function periodIndex(period: Period): number {
  const cached = indexCache.get(period);
  if (cached !== undefined) return cached;
  const match = MONTH_PATTERN.exec(period);
  if (!match) throw new RangeError(`not a period (YYYY-MM): ${period}`);
  const index = Number(match[1]) * 12 + Number(match[2]) - 1;
  indexCache.set(period, index);
  return index;
}

const FIRST_INDEX = periodIndex(FIRST_PERIOD);
const LAST_INDEX = periodIndex(LAST_PERIOD);

/** Whether the month `periodIndex` gave is one the service accepts (and so one a store may hold). */
export function isAcceptedIndex(index: number): boolean {
  return index >= FIRST_INDEX && index <= LAST_INDEX;
}

export function periodFromIndex(index: number): Period {
  const cached = textCache[index];
  if (cached !== undefined) return cached;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  if (index >= 0 && index < 120_000) textCache[index] = text;
  return text;
}

export function shiftPeriod(period: Period, months: number): Period {
  return periodFromIndex(periodIndex(period) + months);
}

export function yearOf(period: Period): number {
  return Number(period.slice(0, 4));
}

export function monthOf(period: Period): number {
  return Number(period.slice(5, 7));
}

/** The same month a year earlier. */
export function yearAgo(period: Period): Period {
  return `${String(yearOf(period) - 1).padStart(4, '0')}${period.slice(4)}`;
}

export function januaryOf(period: Period): Period {
  return `${period.slice(0, 4)}-01`;
}

/** Periods from `from` to `to` inclusive, oldest first. */
export function periodRange(from: Period, to: Period): Period[] {
  const out: Period[] = [];
  for (let i = periodIndex(from); i <= periodIndex(to); i++) out.push(periodFromIndex(i));
  return out;
}
