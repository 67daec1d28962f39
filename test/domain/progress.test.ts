/** Targets and time progress, gaps between ranks, the area's average: fixture tables through the domain functions. */
import t from 'tap';
import { areaAverage, rankGaps, vsAverage } from '../../src/domain/gaps.ts';
import { growthAt } from '../../src/domain/growth.ts';
import { PROGRESS_DECIMALS, progressOf, timeProgress } from '../../src/domain/progress.ts';
import { round } from '../../src/domain/rounding.ts';
import { GAP_CASES, PROGRESS_CASES, TIME_PROGRESS } from '../fixtures/progress.ts';
import { indicator, lookupOf } from '../helpers/domain.ts';

t.test('time progress: months elapsed / 12', async (t) => {
  for (const [period, want] of TIME_PROGRESS) t.equal(round(timeProgress(period), PROGRESS_DECIMALS), want, period);
});

t.test('completion and gaps, case by case', async (t) => {
  for (const c of PROGRESS_CASES) {
    const p = progressOf({ basis: c.basis, direction: c.direction }, c.period, c.value, c.yoy, c.targets);
    t.equal(p.target?.kind ?? null, c.want.kind, `${c.why}: target kind`);
    t.equal(p.completion, c.want.completion, `${c.why}: completion`);
    t.equal(p.gap, c.want.gap, `${c.why}: gap`);
    if (c.want.growthGap !== undefined) t.equal(p.growthGap, c.want.growthGap, `${c.why}: growth gap`);
  }
});

t.test('gaps between ranks', async (t) => {
  for (const c of GAP_CASES) {
    t.same(rankGaps(c.keys.map((key) => ({ key })), c.decimals).map((g) => [g.gapAbove, g.gapBelow]), c.want, c.why);
  }
});

t.test('the area average: the parent\'s own growth, else the peers\' sums', async (t) => {
  const ind = indicator();
  const g = (figures: Record<string, [number, number?] | number>) => growthAt(ind, '2022-06', lookupOf(figures));
  t.same(areaAverage(ind, g({ '2022-06': [500, 7.5], '2021-06': 480 }), []), { yoy: 7.5, source: 'parent' }, 'reported by the parent');
  t.same(areaAverage(ind, g({ '2022-06': 550, '2021-06': 500 }), []), { yoy: 10, source: 'parent' }, 'computed from the parent\'s figures');
  const peers = [g({ '2022-06': 120, '2021-06': 100 }), g({ '2022-06': 60, '2021-06': 50 }), g({ '2022-06': 999 })];
  t.same(areaAverage(ind, null, peers), { yoy: 20, source: 'aggregate' }, 'summed over peers with both years (180/150), never the mean of rates');
  t.same(areaAverage(ind, g({ '2022-06': 500 }), peers), { yoy: 20, source: 'aggregate' }, 'a parent figure without a base gives no growth: the sums');
  t.equal(areaAverage(indicator({ change: 'points', unit: '%' }), null, peers), null, 'points: only the parent\'s own');
  t.equal(areaAverage(ind, null, [g({ '2022-06': 5 })]), null, 'no peer with a base');
  t.equal(vsAverage(9.15, { yoy: 7.34, source: 'parent' }), 1.9, 'each at 0.1 first: 9.2 − 7.3');
  t.equal(vsAverage(5.1, { yoy: 6.9, source: 'aggregate' }), -1.8);
  t.equal(vsAverage(null, { yoy: 6.9, source: 'aggregate' }), null);
});
