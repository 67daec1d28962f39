import t from 'tap';
import { growthAt, growthKey, growthPeriods, monthValue } from '../../src/domain/growth.ts';
import { unitsToNumber } from '../../src/domain/rounding.ts';
import { GROWTH_CASES, MONTH_VALUE_CASES } from '../fixtures/growth.ts';
import { indicator, lookupOf } from '../helpers/domain.ts';

t.test('growth rules, row by row', async (t) => {
  for (const c of GROWTH_CASES) {
    const ind = indicator({ basis: c.basis, change: c.change, unit: c.change === 'points' ? '%' : '亿元' });
    const g = growthAt(ind, c.period, lookupOf(c.figures));
    t.equal(g.yoy, c.expected.yoy, `${c.why}: yoy`);
    t.equal(g.yoySource, c.expected.yoySource, `${c.why}: source`);
    t.equal(g.yoyComputed, c.expected.yoyComputed, `${c.why}: computed`);
    t.equal(g.reason, c.expected.reason, `${c.why}: reason`);
    if (c.expected.signChange !== undefined) t.equal(g.signChange, c.expected.signChange, `${c.why}: sign change`);
    if (c.expected.rounded !== undefined) {
      t.equal(g.yoyUnits === null ? null : unitsToNumber(g.yoyUnits, 1).toFixed(1), c.expected.rounded, `${c.why}: rank key`);
    }
    // Every period the rule read must be one growthPeriods announces, so stores fetch enough.
    const read = new Set<string>();
    growthAt(ind, c.period, (p) => {
      read.add(p);
      return lookupOf(c.figures)(p);
    });
    const announced = new Set(growthPeriods(ind, c.period));
    for (const p of read) t.ok(announced.has(p), `${c.why}: ${p} is announced`);
  }
});

t.test('month values from year-to-date figures', async (t) => {
  for (const c of MONTH_VALUE_CASES) {
    const ind = indicator({ basis: c.basis });
    const figures = Object.fromEntries(Object.entries(c.figures).map(([p, v]) => [p, [v] as [number]]));
    t.equal(monthValue(ind, c.period, lookupOf(figures)), c.expected, c.why);
  }
});

t.test('growthKey agrees with growthAt on every rule', async (t) => {
  for (const c of GROWTH_CASES) {
    const ind = indicator({ basis: c.basis, change: c.change, unit: c.change === 'points' ? '%' : '亿元' });
    const g = growthAt(ind, c.period, lookupOf(c.figures));
    t.equal(growthKey(ind, c.period, lookupOf(c.figures)), g.yoyUnits ?? g.reason, c.why);
  }
});
