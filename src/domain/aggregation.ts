/**
 * Whether a parent's figure is the sum of its children's (API.md, Review and
 * sign-off: `aggregation`; DOMAIN.md, Gaps between ranks and to the
 * average): amounts add up (investment, retail sales, revenue); rates,
 * intensities, levels and per-capita figures never do.
 */
import type { Aggregation, Indicator } from './types.ts';
import { PER_CAPITA, QUOTIENT_MARKS, RATE_UNITS } from './words/units.ts';

/** Units of a ratio: a rate (%, ‰) or a quotient (吨标准煤/万元, 元/人). */
export function isRatioUnit(unit: string): boolean {
  const u = unit.trim();
  return RATE_UNITS.includes(u) || QUOTIENT_MARKS.some((mark) => u.includes(mark));
}

/** A per-capita figure (人均可支配收入, 全体居民人均可支配收入): an amount in 元 that does not add up. */
export function isPerCapita(name: string): boolean {
  return name.includes(PER_CAPITA);
}

/**
 * The aggregation an indicator has when none is given: `sum` for a flow
 * (`ytd` or `month`) compared by `percent` growth whose unit is not a ratio
 * and that is not per capita; `none` otherwise (levels, rates, intensities
 * such as 吨标准煤/万元, 人均…).
 */
export function defaultAggregation(indicator: Pick<Indicator, 'name' | 'unit' | 'basis' | 'change'>): Aggregation {
  const flow = indicator.basis === 'ytd' || indicator.basis === 'month';
  return flow && indicator.change === 'percent' && !isRatioUnit(indicator.unit) && !isPerCapita(indicator.name) ? 'sum' : 'none';
}

/** The review and aggregation fields an indicator stored by an earlier release lacks, given as their defaults. */
export type StoredIndicator = Omit<Indicator, 'review' | 'reviewSince' | 'aggregation'> & Partial<Pick<Indicator, 'review' | 'reviewSince' | 'aggregation'>>;

/** An indicator as stored, older entries read with review off and the default aggregation. */
export function withIndicatorDefaults(stored: StoredIndicator): Indicator {
  const aggregation = stored.aggregation === 'sum' || stored.aggregation === 'none' ? stored.aggregation : defaultAggregation(stored);
  const review = stored.review === true;
  return { ...stored, review, reviewSince: review && typeof stored.reviewSince === 'number' ? stored.reviewSince : null, aggregation };
}
