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

t.test('target lines in the seed\'s register', async (t) => {
  const { progressSentence, gapAboveText, averageText } = await import('../../src/domain/progress-phrasing.ts');
  const ytd = { name: '工业性投资', unit: '亿元', basis: 'ytd' as const, direction: 'higher' as const };
  const line = (period: string, value: number, targets: { value: number | null; growth: number | null }, growthWords: string | null = null, ind = ytd) =>
    progressSentence(ind, period.endsWith('-06') ? '1-6月' : period.endsWith('-10') ? '1-10月' : '1-3月', period, progressOf(ind, period, value, 9.1, targets), growthWords);
  t.equal(line('2022-06', 31.38, { value: 60, growth: null }), '1-6月,工业性投资完成年度目标的52.3%,超序时进度2.3个百分点,实现时间过半、任务过半');
  t.equal(line('2022-10', 629.0, { value: 647.4, growth: null }), '1-10月,工业性投资完成年度目标的97.2%,超序时进度13.8个百分点', 'DOMAIN.md: 13.8, not 13.9');
  t.equal(line('2022-03', 15, { value: 60, growth: null }), '1-3月,工业性投资完成年度目标的25.0%,与序时进度持平');
  t.equal(line('2022-06', 27, { value: 60, growth: null }), '1-6月,工业性投资完成年度目标的45.0%,低于序时进度5.0个百分点', 'behind: no 时间过半');
  t.equal(line('2022-03', 12, { value: null, growth: 8 }, '同比增长9.1%'), '1-3月,工业性投资同比增长9.1%,高于年度目标1.1个百分点', 'a growth target, never prorated');
  t.equal(line('2022-03', 12, { value: null, growth: null }), null, 'no target, no line');
  t.equal(gapAboveText({ unit: '亿元', decimals: 2 }, 'value', { rank: 4, names: ['永定区'], gap: 15.86 }), '与第四位永定区相差15.86亿元');
  t.equal(gapAboveText({ unit: '亿元', decimals: 2 }, 'yoy', { rank: 3, names: ['临海市'], gap: 0.5 }), '与第三位临海市相差0.5个百分点');
  t.equal(averageText('全市', 1.8, { yoy: 7.3, source: 'parent' }), '高于全市平均1.8个百分点');
  t.equal(averageText('全市', -0.4, { yoy: 7.3, source: 'aggregate' }), '低于全市平均(各地合计推算)0.4个百分点');
});
