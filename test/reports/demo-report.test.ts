/**
 * The demo report of 天台县 1-6月 2022 (and of its eight peers) read end to
 * end through the API (DOMAIN.md, How the report reads; Gaps between ranks
 * and to the average): each indicator in one of 领先指标 / 短板指标 at most,
 * no average summed from the peers for an intensity or a rate, the growth
 * against 1-5月, and a run of first places as the rankings show it.
 */
import t from 'tap';
import { roundUnits, unitsToNumber } from '../../src/domain/rounding.ts';
import { movementText } from '../../src/domain/words/trends.ts';
import { buildTestApp, call } from '../helpers/app.ts';

const TIANTAI = '331023';
const COUNTIES = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];

interface Facts {
  indicators: Array<{ indicator: string; name: string; sentence: string; weak: boolean; placement: { section: string | null } | null }>;
  sections: { headlines: string[]; weak: string[] };
}

t.test('the demo report of 天台县 1-6月 2022', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const run = await app.services.reports.run(app.services.views.privileged(), '2022-06', COUNTIES, 'manual test', new Date('2022-07-15T01:00:00Z'));
  t.equal(run.failures.length, 0, 'every county reported');
  const factsOf = async (region: string): Promise<Facts> => (await call(app, { method: 'GET', url: `/v1/reports/${region}/2022-06` })).body.facts;
  const facts = await factsOf(TIANTAI);
  const f = (code: string) => facts.indicators.find((x) => x.indicator === code)!;
  const leads = (s: string) => facts.sections.headlines.includes(s);
  const weak = (s: string) => facts.sections.weak.some((w) => w.startsWith(s));

  t.test('城镇调查失业率: in one section only', async (t) => {
    const rate = f('unemployment_rate');
    t.match(rate.sentence, /水平全市第八、降幅全市并列第一/, 'eighth by level, first by its fall, both quoted');
    t.equal(Number(leads(rate.sentence)) + Number(weak(rate.sentence)), 1, 'listed exactly once among 领先指标 / 短板指标');
    t.ok(leads(rate.sentence), 'leading, by the stronger rank');
    t.notOk(rate.weak, 'the facts do not call it weak');
    const md = (await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06.md` })).response.body as string;
    const row = md.split('\n').find((line) => line.startsWith('| 城镇调查失业率 |'))!;
    t.notMatch(row, /短板/, 'nor does its table row');
  });

  t.test('no indicator of any county in both sections', async (t) => {
    for (const region of COUNTIES) {
      const other = await factsOf(region);
      for (const x of other.indicators) {
        const inLead = other.sections.headlines.includes(x.sentence);
        const inWeak = other.sections.weak.some((w) => w.startsWith(x.sentence));
        t.notOk(inLead && inWeak, `${region} ${x.name}: not both`);
        t.equal(inWeak, x.weak, `${region} ${x.name}: weak in the facts as in the section`);
        t.equal(inLead ? 'leading' : inWeak ? 'weak' : null, x.placement?.section ?? null, `${region} ${x.name}: its placement`);
      }
    }
  });

  t.test('单位GDP能耗: no average summed from the peers, in the report or the ranking', async (t) => {
    const energy = f('energy_intensity');
    t.notMatch(energy.sentence, /各地合计推算/, 'no 各地合计推算');
    t.notMatch(energy.sentence, /全市平均/, 'the city posts no figure of it: no average at all');
    const ranking = (await call(app, { method: 'GET', url: '/v1/rankings?indicator=energy_intensity&period=2022-06&parent=331000&by=yoy' })).body;
    t.equal(ranking.average, null, 'the ranking: average null');
    t.ok(ranking.rows.every((r: { vsAverage: number | null }) => r.vsAverage === null), 'every vsAverage null');
    const chart = JSON.stringify((await call(app, { method: 'GET', url: '/v1/charts/ranking?indicator=energy_intensity&period=2022-06&parent=331000&by=yoy' })).body);
    t.notMatch(chart, /各地合计推算|全市平均/, 'the chart draws no average line');
    const rate = (await call(app, { method: 'GET', url: '/v1/rankings?indicator=unemployment_rate&period=2022-06&parent=331000&by=yoy' })).body;
    t.equal(rate.average, null, 'a rate: no average either');
    const amount = (await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2022-06&parent=331000' })).body;
    t.equal(amount.average.source, 'parent', 'an amount: the city\'s own growth');
    t.match(f('industrial_investment').sentence, /高于全市平均\d/, 'said without 各地合计推算');
  });

  t.test('growth against 1-5月: the two published growths at 0.1 apart', async (t) => {
    const yoyAt = async (period: string) =>
      (await call(app, { method: 'GET', url: `/v1/rankings?indicator=industrial_investment&period=${period}&parent=331000` })).body.rows.find((r: { region: string }) => r.region === TIANTAI).yoy as number;
    const change = unitsToNumber(roundUnits(await yoyAt('2022-06'), 1) - roundUnits(await yoyAt('2022-05'), 1), 1);
    t.ok(f('industrial_investment').sentence.includes(movementText('1-5月', change)), `工业性投资: ${movementText('1-5月', change)}`);
    t.notMatch(f('unemployment_rate').sentence, /增速较|增速与/, 'a level: no movement of a year-to-date growth');
  });

  t.test('a run of first places, as the monthly rankings show it', async (t) => {
    const rankAt = async (period: string) => {
      const r = (await call(app, { method: 'GET', url: `/v1/rankings?indicator=industrial_investment&period=${period}&parent=331000` })).body;
      return { rank: r.rows.find((row: { region: string }) => row.region === TIANTAI)?.rank ?? null, ranked: r.ranked as number };
    };
    let months = 0;
    // Back from 1-6月 to the demo's first year: months nobody was ranked in (2022-01; 2021, without a base) are passed over.
    const periods = ['2022', '2021'].flatMap((y) => Array.from({ length: 12 }, (_, i) => `${y}-${String(12 - i).padStart(2, '0')}`)).filter((p) => p <= '2022-06');
    for (const period of periods) {
      const { rank, ranked } = await rankAt(period);
      if (ranked === 0) continue;
      if (rank !== 1) break;
      months++;
    }
    t.ok(months >= 3, `first ${months} months in a row`);
    t.ok(f('industrial_investment').sentence.includes(`增速连续${months}个月位居全市第一`), f('industrial_investment').sentence);
  });
});

t.test('templates/example-report.json is the demo report as the service writes it now (scripts/build-example-report.ts rewrites it)', async (t) => {
  const { exampleReportJson } = await import('../../scripts/build-example-report.ts');
  const { readFileSync } = await import('node:fs');
  const { EXAMPLE_REPORT_FILE } = await import('../../src/templates/example.ts');
  t.equal(readFileSync(EXAMPLE_REPORT_FILE, 'utf8'), await exampleReportJson(), 'the example templates are tried on, and the fields documentation quotes, is current');
});
