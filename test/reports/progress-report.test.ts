/**
 * Report texts with targets, checked line by line (issue 13): a county
 * ahead of time progress (时间过半、任务过半), one behind, one over 100%
 * (提前完成全年目标), one lower-is-better against its ceiling, growth against
 * a growth target, the whole city's growth, the gap to the rank above; in
 * the JSON facts, the Markdown and the HTML, on both stores.
 */
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';
import { SEED_FIGURES } from '../fixtures/seed-report.ts';

const TARGETS = [
  { indicator: 'industrial_investment', region: '331023', year: 2022, kind: 'value', value: 60 },
  { indicator: 'industrial_investment', region: '331023', year: 2022, kind: 'growth', value: 100 },
  { indicator: 'industrial_investment', region: '331002', year: 2022, kind: 'value', value: 50 },
  { indicator: 'industrial_investment', region: '331004', year: 2022, kind: 'value', value: 25 },
  { indicator: 'energy_intensity', region: '331023', year: 2022, kind: 'growth', value: -3 },
  { indicator: 'energy_intensity', region: '331002', year: 2022, kind: 'growth', value: -3 },
  { indicator: 'unemployment_rate', region: '331023', year: 2022, kind: 'value', value: 5.5 },
];


forEachStore(t, (t, store) => {
  t.test('target lines, county by county', async (t) => {
    const app = await buildTestApp(t, { store });
    t.equal((await post(app, SEED_FIGURES)).status, 200);
    t.equal((await post(app, [
      { indicator: 'energy_intensity', region: '331023', period: '2022-06', value: 0.3 },
      { indicator: 'energy_intensity', region: '331023', period: '2021-06', value: 0.33 },
      { indicator: 'energy_intensity', region: '331002', period: '2022-06', value: 0.5 },
      { indicator: 'energy_intensity', region: '331002', period: '2021-06', value: 0.49 },
      // The city's own figure: the average the counties are compared with.
      { indicator: 'industrial_investment', region: '331000', period: '2022-06', value: 210, yoy: 38.5 },
    ])).status, 200);
    t.equal((await call(app, { method: 'PUT', url: '/v1/targets', headers: bearer('admin'), payload: { targets: TARGETS } })).status, 200);
    await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331023', '331002', '331004'], 'manual test', new Date('2022-07-15T01:00:00Z'));
    const facts = async (region: string) => (await call(app, { method: 'GET', url: `/v1/reports/${region}/2022-06` })).body.facts;

    const tiantai = await facts('331023');
    t.same(tiantai.sections.progress, [
      '1-6月,工业性投资完成年度目标的57.6%,超序时进度7.6个百分点,实现时间过半、任务过半;同比增速122.4%,高于年度目标22.4个百分点',
      '1-6月,单位GDP能耗同比下降9.1%,好于控制目标6.1个百分点',
      '6月末城镇调查失业率4.5%,好于控制目标1.0个百分点',
    ], 'ahead of time progress; growth against its target; a lower-is-better ceiling; a level within its ceiling');
    t.equal(tiantai.indicators[0].sentence, '1-6月,工业性投资同比增速122.4%、全市第一,总量全市第一,高于全市平均83.9个百分点,增速较1-5月提高2.4个百分点', "the city's own growth (38.5%); then against 1-5月");
    t.same(tiantai.indicators[0].progress, { target: { kind: 'value', value: 60 }, completion: 57.6, gap: 7.6, growthTarget: 100, growthGap: 22.4, timeProgress: 50 });

    const jiaojiang = await facts('331002');
    t.same(jiaojiang.sections.progress, [
      '1-6月,工业性投资完成年度目标的40.2%,低于序时进度9.8个百分点',
      '1-6月,单位GDP能耗同比上升2.0%,未达到控制目标,相差5.0个百分点',
    ], 'behind time progress; a lower-is-better indicator short of its ceiling');

    const luqiao = await facts('331004');
    t.same(luqiao.sections.progress, ['1-6月,工业性投资完成年度目标的121.6%,超序时进度71.6个百分点,提前完成全年目标'], 'over 100%');
    t.ok(luqiao.sections.headlines.some((s: string) => s.startsWith('1-6月,工业性投资同比增速57.3%、全市第三')), 'its line');

    const md = (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.md' })).response.body as string;
    const section = md.slice(md.indexOf('## 目标进度'), md.indexOf('## 数据缺口')).trim().split('\n');
    t.same(section, ['## 目标进度', '', ...tiantai.sections.progress.map((s: string) => `- ${s}`)], 'the Markdown section, line by line');
    const html = (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.html' })).response.body as string;
    t.ok(html.includes('<h2>目标进度</h2>'), 'the HTML section');
    for (const line of tiantai.sections.progress) t.ok(html.includes(`<li>${line}</li>`), `the page says: ${line}`);
  });
});
