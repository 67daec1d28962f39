import t from 'tap';
import { isPeriod, periodIndex, periodRange, shiftPeriod, yearAgo } from '../../src/domain/period.ts';
import { periodLabel } from '../../src/domain/words/periods.ts';

t.test('periods are YYYY-MM months', async (t) => {
  for (const ok of ['2022-06', '1999-12', '2022-01', '1800-01', '2199-12']) t.ok(isPeriod(ok), ok);
  for (const bad of ['2022-13', '22-06', '2022-6', '2022-00', '2022/06', '2022-06-01', '0999-01', '1799-12', '2200-01', '9999-01', ' 2022-06', '']) t.notOk(isPeriod(bad), JSON.stringify(bad));
});

t.test('arithmetic across year boundaries', async (t) => {
  t.equal(shiftPeriod('2022-01', -1), '2021-12');
  t.equal(shiftPeriod('2021-12', 1), '2022-01');
  t.equal(shiftPeriod('2022-06', -12), '2021-06');
  t.equal(yearAgo('2022-02'), '2021-02');
  t.equal(periodIndex('2022-01') - periodIndex('2021-12'), 1);
  t.same(periodRange('2021-11', '2022-02'), ['2021-11', '2021-12', '2022-01', '2022-02']);
  t.throws(() => periodIndex('2022-13'));
});

t.test('official labels', async (t) => {
  t.equal(periodLabel('2022-06', 'ytd'), '1-6月');
  t.equal(periodLabel('2022-02', 'ytd'), '1-2月');
  t.equal(periodLabel('2022-01', 'ytd'), '1月');
  t.equal(periodLabel('2021-12', 'ytd', true), '2021年1-12月');
  t.equal(periodLabel('2022-06', 'month'), '6月');
  t.equal(periodLabel('2022-06', 'level'), '6月末');
});
