/** Small builders for domain tests. */
import type { Basis, ChangeKind, Direction, Figure, Indicator, RankMetric, SeriesLookup } from '../../src/domain/types.ts';

export function indicator(overrides: Partial<Indicator> & { basis?: Basis; change?: ChangeKind; direction?: Direction; rankBy?: RankMetric } = {}): Indicator {
  return { code: 'x', name: 'X', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true, ...overrides };
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
