/**
 * Runs and records in a report, read back past the first window of months
 * (services/report-trends.ts): a growth first for 38 rankings in a row
 * (Januaries passed over, 1-2月 being one period), highest since a month
 * 25 months back, and highest since statistics began.
 */
import t from 'tap';
import { periodRange } from '../../src/domain/period.ts';
import { HISTORY_WINDOW } from '../../src/services/report-trends.ts';
import { buildTestApp, call, post } from '../helpers/app.ts';

const TIANTAI = '331023';
const OTHERS = ['331002', '331003'];

/** Year-to-date months from `from` to `to`, Januaries left out (published with February as 1-2月). */
const ytdMonths = (from: string, to: string) => periodRange(from, to).filter((p) => !p.endsWith('-01'));

function rows(indicator: string, months: readonly string[], yoyOf: (region: string, period: string) => number) {
  return [TIANTAI, ...OTHERS].flatMap((region, i) => months.map((period) => ({ indicator, region, period, value: region === TIANTAI ? 10 : 20 + i, yoy: yoyOf(region, period) })));
}

t.test('runs and records read back past the first window', async (t) => {
  const app = await buildTestApp(t);
  const long = ytdMonths('2019-02', '2022-06');
  const peak = '2020-05';
  t.ok(periodRange(peak, '2022-06').length > HISTORY_WINDOW, 'the peak lies before the first window of months read');
  const r = await post(app, [
    // First by growth every month since 2019: 35.0 at the peak, 30.0 now, lower in between.
    ...rows('industrial_investment', long, (region, period) => (region !== TIANTAI ? 5 : period === peak ? 35 : period === '2022-06' ? 30 : period === '2022-05' ? 27.5 : 12)),
    // Highest since its first growth, 2021-02: seventeen months.
    ...rows('manufacturing_investment', ytdMonths('2021-02', '2022-06'), (region, period) => (region !== TIANTAI ? 5 : period === '2022-06' ? 50 : 10)),
    // Highest of eleven months only: too short to say 有统计以来.
    ...rows('fixed_asset_investment', ytdMonths('2021-08', '2022-06'), (region, period) => (region !== TIANTAI ? 5 : period === '2022-06' ? 50 : 10)),
  ]);
  t.equal(r.status, 200, 'figures taken');
  await app.services.reports.run(app.services.views.privileged(), '2022-06', [TIANTAI], 'manual test', new Date('2022-07-15T01:00:00Z'));
  const facts = (await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06` })).body.facts;
  const f = (code: string) => facts.indicators.find((x: { indicator: string }) => x.indicator === code);

  const investment = f('industrial_investment');
  t.equal(long.length, 38, '38 rankings from 1-2月 2019 to 1-6月 2022');
  t.equal(
    investment.sentence,
    // (The figures stay flat, so the peers' sums grow by 0.0%.)
    '1-6月,工业性投资同比增速30.0%、全市第一,总量全市第三,高于全市平均(各地合计推算)30.0个百分点,增速连续38个月位居全市第一,增速较1-5月提高2.5个百分点,增速为2020年5月以来最高',
    'the run and the record, both beyond the first two years read',
  );
  t.same(investment.streaks, [{ by: 'yoy', months: 38 }]);
  t.same(investment.record, { since: '2020-05' });
  t.same(investment.movement, { period: '2022-05', change: 2.5, label: '1-5月' });
  t.ok(facts.sections.headlines.includes(investment.sentence), 'leading on growth, though last by size');
  t.notOk(facts.sections.weak.some((w: string) => w.startsWith(investment.sentence)), 'and not weak');

  t.match(f('manufacturing_investment').sentence, /增速为有统计以来最高$/, 'highest of a series seventeen months long');
  t.notMatch(f('fixed_asset_investment').sentence, /以来最高/, 'eleven months: nothing said');
  t.match(f('fixed_asset_investment').sentence, /增速连续10个月位居全市第一/, 'its run, from 1-8月 2021');
});
