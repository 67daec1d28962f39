/** A figure against its own past (trends.ts) and its words (words/trends.ts): fixture tables through the domain functions. */
import t from 'tap';
import { growthKey } from '../../src/domain/growth.ts';
import { rankMetricWord } from '../../src/domain/report.ts';
import { roundUnits } from '../../src/domain/rounding.ts';
import { firstPlaceRun, growthMovement, growthRecord, ytdMonthBefore } from '../../src/domain/trends.ts';
import { YOY_DECIMALS } from '../../src/domain/types.ts';
import { movementText, recordText, streakText } from '../../src/domain/words/trends.ts';
import { MOVEMENT_CASES, RECORD_CASES, RUN_CASES, STREAK_TEXT_CASES } from '../fixtures/trends.ts';
import { indicator, lookupOf } from '../helpers/domain.ts';

t.test('the year-to-date month before: 1-2月 is one period', async (t) => {
  t.equal(ytdMonthBefore('2022-06'), '2022-05');
  t.equal(ytdMonthBefore('2022-03'), '2022-02', 'the month before 1-3月 is 1-2月');
  t.equal(ytdMonthBefore('2022-02'), null, '1-2月: none within the year');
  t.equal(ytdMonthBefore('2022-01'), null, 'January: none');
  t.equal(ytdMonthBefore('2022-12'), '2022-11');
});

t.test('growth against the month before, case by case', async (t) => {
  for (const c of MOVEMENT_CASES) {
    const ind = indicator({ basis: c.basis, change: c.change, unit: c.change === 'points' ? '%' : '亿元' });
    const lookup = lookupOf(c.figures);
    const movement = growthMovement(ind, c.period, (p) => {
      const key = growthKey(ind, p, lookup);
      return typeof key === 'number' ? key : null;
    });
    const label = (p: string) => (p.endsWith('-02') ? '1-2月' : `1-${Number(p.slice(5))}月`);
    t.same(movement === null ? null : { period: movement.period, change: movement.change, text: movementText(label(movement.period), movement.change) }, c.want, c.why);
  }
});

t.test('runs of first places, case by case', async (t) => {
  for (const c of RUN_CASES) t.same(firstPlaceRun(c.months.map(([period, rank, ranked]) => ({ period, rank, ranked }))), c.want, c.why);
});

t.test('a run in words, case by case', async (t) => {
  for (const c of STREAK_TEXT_CASES) {
    const word = c.named ? rankMetricWord({ unit: c.unit, direction: c.direction, change: c.change }, c.by, c.yoy) : '';
    t.equal(streakText(c.months, '全市', word, c.direction === 'lower' && c.by === 'value'), c.text, c.why);
  }
});

t.test('growth records, case by case', async (t) => {
  for (const c of RECORD_CASES) {
    const verdict = growthRecord(c.points.map(([period, yoy]) => ({ period, units: yoy === null ? null : roundUnits(yoy, YOY_DECIMALS) })), c.complete);
    const got = !verdict.decided ? 'undecided' : verdict.record === null ? null : { since: verdict.record.since, text: recordText(verdict.record) };
    t.same(got, c.want, c.why);
  }
});
