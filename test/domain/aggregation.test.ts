/** Whether figures add up, and the area average that depends on it: fixture tables through the domain functions. */
import t from 'tap';
import { defaultAggregation, withIndicatorDefaults } from '../../src/domain/aggregation.ts';
import { areaAverage } from '../../src/domain/gaps.ts';
import { growthAt } from '../../src/domain/growth.ts';
import { round } from '../../src/domain/rounding.ts';
import { AVERAGE_CASES, DEFAULT_AGGREGATION_CASES, type Figures } from '../fixtures/aggregation.ts';
import { indicator, lookupOf } from '../helpers/domain.ts';

t.test('the default aggregation, case by case', async (t) => {
  for (const c of DEFAULT_AGGREGATION_CASES) t.equal(defaultAggregation(c), c.want, c.why);
});

t.test('an indicator stored without review or aggregation reads with their defaults', async (t) => {
  const { review: _r, reviewSince: _s, aggregation: _a, ...earlier } = indicator({ name: '单位GDP能耗', unit: '吨标准煤/万元' });
  t.same(withIndicatorDefaults(earlier), { ...earlier, review: false, reviewSince: null, aggregation: 'none' }, 'an intensity: none');
  t.same(withIndicatorDefaults({ ...earlier, unit: '亿元', name: '投资' }).aggregation, 'sum', 'an amount: sum');
  t.same(withIndicatorDefaults({ ...earlier, review: true, reviewSince: 5, aggregation: 'sum' }), { ...earlier, review: true, reviewSince: 5, aggregation: 'sum' }, 'what is stored is kept');
});

t.test('the area average: the parent\'s own growth, else the peers\' sums only for figures that add up', async (t) => {
  for (const c of AVERAGE_CASES) {
    const ind = indicator(c.indicator);
    const growth = (figures: Figures) => growthAt(ind, '2022-06', lookupOf(figures));
    const average = areaAverage(ind, c.parent === null ? null : growth(c.parent), c.peers.map(growth));
    t.same(average === null ? null : { yoy: round(average.yoy, 1), source: average.source }, c.want, c.why);
  }
});
