/** Small builders for domain tests. */
import { defaultAggregation } from '../../src/domain/aggregation.ts';
import type { Basis, ChangeKind, Direction, Figure, Indicator, RankMetric, SeriesLookup } from '../../src/domain/types.ts';

/** Review off; aggregation by the default rule over the fields given, unless given. */
export function indicator(overrides: Partial<Indicator> & { basis?: Basis; change?: ChangeKind; direction?: Direction; rankBy?: RankMetric } = {}): Indicator {
  const fields = { code: 'x', name: 'X', unit: '亿元', basis: 'ytd' as Basis, direction: 'higher' as Direction, decimals: 2, rankBy: 'yoy' as RankMetric, change: 'percent' as ChangeKind, reportValue: true, ...overrides };
  return { review: false, reviewSince: null, aggregation: defaultAggregation(fields), ...fields };
}

/** A lookup over period → [value, yoy?, status?]. */
export function lookupOf(figures: Record<string, [number, number?] | number>): SeriesLookup {
  return (period) => {
    const f = figures[period];
    if (f === undefined) return undefined;
    const [value, yoy] = typeof f === 'number' ? [f, undefined] : f;
    return { value, yoy: yoy ?? null, status: null } satisfies Figure;
  };
}
