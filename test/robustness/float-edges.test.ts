/**
 * Figures at the edges of a double: subnormal (5e-324), -0, the largest
 * accepted (±1e15), and targets anywhere up to ±1.7976931348623157e308.
 * Ratios over a subnormal overflow to Infinity, and sums or differences near
 * the largest double too; none may turn a post, a warning, a growth or an
 * answer into a 500. Figures beyond the accepted bounds are a 400.
 */
import * as XLSX from '@e965/xlsx';
import t from 'tap';
import { rankGaps } from '../../src/domain/gaps.ts';
import { growthAt, growthKey, monthValue } from '../../src/domain/growth.ts';
import { plausibilityWarnings } from '../../src/domain/plausibility.ts';
import { progressOf } from '../../src/domain/progress.ts';
import { formatFixed, round } from '../../src/domain/rounding.ts';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';
import { indicator, lookupOf } from '../helpers/domain.ts';

const MAX = Number.MAX_VALUE;
const MIN = Number.MIN_VALUE;
const IND = 'industrial_investment';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const COUNTIES = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];

t.test('the domain rules take any finite double', async (t) => {
  for (const x of [MAX, -MAX, MIN, -MIN, -0, 1e308, 1.5e308]) {
    for (const decimals of [0, 1, 3]) t.doesNotThrow(() => formatFixed(x, decimals), `formatFixed(${x}, ${decimals})`);
    t.equal(round(x, 1) + 0, Math.abs(x) < 1 ? 0 : x, `round(${x}, 1): the figure itself, or 0`);
  }
  t.equal(formatFixed(MIN, 2), '0.00');
  t.equal(formatFixed(-0, 1), '0.0');
  t.equal(formatFixed(MAX, 0), String(17976931348623157n * 10n ** 292n), 'the largest double, every digit');
  t.same([formatFixed(Infinity, 1), formatFixed(-Infinity, 1), formatFixed(NaN, 1)], ['∞', '-∞', 'NaN'], 'what arithmetic on finite figures may give');

  const points = indicator({ basis: 'level', change: 'points', unit: '%' });
  const percent = indicator({ basis: 'ytd' });
  for (const [ind, current, base] of [[points, MAX, -MAX], [points, -MAX, MAX], [percent, 1e15, MIN], [percent, MAX, 1e-10]] as const) {
    const figures = { '2022-06': current, '2021-06': base };
    const g = growthAt(ind, '2022-06', lookupOf(figures));
    t.same([g.yoy, g.yoyComputed, g.yoyUnits, g.reason], [null, null, null, 'out-of-range'], `${current} on ${base}: no growth, out of range`);
    t.equal(growthKey(ind, '2022-06', lookupOf(figures)), 'out-of-range', `${current} on ${base}: the ranking key agrees`);
    t.doesNotThrow(() => plausibilityWarnings(ind, '2022-06', lookupOf({ ...figures, '2022-05': base, '2022-06': [current, 5] })));
  }
  t.equal(monthValue(percent, '2022-02', lookupOf({ '2022-01': -MAX, '2022-02': MAX })), null, 'a month value past the largest double is unknown');
  const warnings = plausibilityWarnings(percent, '2022-02', lookupOf({ '2022-01': MIN, '2022-02': 3 }));
  t.same(warnings.map((w) => w.field), ['value'], 'a subnormal January: the February is flagged');
  t.match(warnings[0]!.message, /is ∞ times the 1月 figure 5e-324/);

  const p = progressOf(percent, '2022-06', 1e15, MAX / 2, { value: 6.7e-292, growth: -MAX });
  t.same([p.completion, p.completionUnits, p.gap, p.growthGap], [null, null, null, null], 'completion and gaps past the largest double are not answered');
  t.same(rankGaps([{ key: MAX }, { key: -MAX }], 1), [{ gapAbove: null, gapBelow: null }, { gapAbove: null, gapBelow: null }], 'rank gaps across the whole double range');
});

forEachStore(t, (t, store) => {
  t.test('a subnormal January, then its February: 200 with a warning, whichever way it comes', async (t) => {
    const app = await buildTestApp(t, { store });
    const jan = (region: string) => ({ indicator: IND, region, period: '2022-01', value: MIN });
    const feb = (region: string, value = 3) => ({ indicator: IND, region, period: '2022-02', value });
    t.equal((await post(app, [jan('331023')])).status, 200, 'January accepted');
    for (const query of ['?dryRun=true', '']) {
      const r = await post(app, [feb('331023')], query);
      t.equal(r.status, 200, `February ${query}: ${JSON.stringify(r.body).slice(0, 200)}`);
      t.same(r.body.warnings.map((w: { row: number; field: string }) => [w.row, w.field]), [[1, 'value']], `February ${query}: flagged`);
      t.match(r.body.warnings[0].message, /∞ times/);
    }
    const both = await post(app, [jan('331022'), feb('331022')]);
    t.same([both.status, both.body.created], [200, 2], 'both months in one batch');
    t.equal((await post(app, [feb('331023', 4), feb('331022', 5)])).status, 200, 'a later batch with those Februaries');
    const series = await call(app, { method: 'GET', url: `/v1/series?indicator=${IND}&region=331023` });
    t.same(series.body.points.map((p: { value: number; monthValue: number }) => [p.value, p.monthValue]), [[MIN, MIN], [4, 4]], 'stored as sent');
  });

  t.test('figures and growth beyond the accepted bounds are a 400 naming the row and field', async (t) => {
    const app = await buildTestApp(t, { store });
    for (const [field, bad] of [['value', 1e308], ['value', -1e308], ['value', MAX], ['value', 1.000000000000001e15], ['yoy', 1e308], ['yoy', -MAX]] as const) {
      const r = await post(app, [{ indicator: IND, region: '331023', period: '2022-06', value: 1 }, { indicator: IND, region: '331022', period: '2022-06', value: 1, [field]: bad }]);
      t.equal(r.status, 400, `${field} ${bad}`);
      t.same(r.body.details.map((d: { row: number; field: string }) => [d.row, d.field]), [[2, field]], `${field} ${bad}: row 2, ${field}`);
    }
    const csv = await call(app, { method: 'POST', url: '/v1/observations', headers: { ...bearer('writer'), 'content-type': 'text/csv' }, payload: `indicator,region,period,value\n${IND},331023,2022-06,1e308\n` });
    t.same([csv.status, csv.body.details?.map((d: { row: number; field: string }) => [d.row, d.field])], [400, [[1, 'value']]], 'as CSV too');
    t.same((await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}` })).body.observations, [], 'nothing stored');
  });

  t.test('figures and targets at the edges: every answer is a 200, downloads post back unchanged', async (t) => {
    const app = await buildTestApp(t, { store });
    const put = (path: string, payload: object) => call(app, { method: 'PUT', url: `/v1/${path}`, headers: bearer('admin'), payload });
    t.equal((await put('indicators', { indicators: [{ code: 'pts', name: '比率', unit: '%', basis: 'level', direction: 'higher', decimals: 1 }, { code: 'mon', name: '当月', unit: '亿元', basis: 'month', direction: 'lower', decimals: 6 }] })).status, 200);
    const edge = [MIN, -MIN, 1e15, -1e15, -0, 1e-290, 0, 1e-300, 7];
    // Each county goes through the edge values month by month; these few are
    // set for the cases asserted below: completion over vanishing amounts,
    // and a growth of about 1e307% beside the parent's -1e307%.
    const pinned: Record<string, number> = { '331002|2022-06': 1e15, '331003|2022-06': 1e15, '331004|2022-06': 1e15, '331022|2022-06': 1e15, '331081|2021-06': 1e-290, '331081|2022-06': 1e15 };
    const rows: object[] = [];
    for (const ind of [IND, 'pts', 'mon']) {
      COUNTIES.forEach((region, i) => {
        for (const [k, period] of ['2021-01', '2021-02', '2021-06', '2022-01', '2022-02', '2022-05', '2022-06'].entries()) {
          rows.push({ indicator: ind, region, period, value: (ind === IND ? pinned[`${region}|${period}`] : undefined) ?? edge[(i + k) % edge.length] });
        }
      });
      // The parent shrinks from almost nothing to -1e15 (growth about -1e307%), the peers' average.
      rows.push({ indicator: ind, region: '331000', period: '2021-06', value: 1e-290 }, { indicator: ind, region: '331000', period: '2022-06', value: -1e15 });
    }
    rows.push({ indicator: IND, region: '331081', period: '2022-07', value: 1e15, yoy: MIN }, { indicator: IND, region: '331082', period: '2022-07', value: MIN, yoy: -1e9 });
    const r = await post(app, rows);
    t.equal(r.status, 200, `posted: ${JSON.stringify(r.body).slice(0, 200)}`);
    const targets = [
      { region: '331002', kind: 'value', value: MIN },
      { region: '331003', kind: 'value', value: MAX },
      { region: '331004', kind: 'value', value: 6.7e-292 },
      { region: '331022', kind: 'value', value: 1e-300 },
      { region: '331023', kind: 'growth', value: -MAX },
      { region: '331024', kind: 'growth', value: MAX },
    ];
    t.equal((await put('targets', { targets: targets.flatMap((x) => [IND, 'pts'].map((indicator) => ({ ...x, indicator, year: 2022 }))) })).status, 200);

    const urls: string[] = [];
    for (const ind of [IND, 'pts', 'mon']) {
      for (const by of ['yoy', 'value', ...(ind === IND ? ['completion'] : [])]) {
        for (const f of ['', '&format=csv', '&format=xlsx']) urls.push(`/v1/rankings?indicator=${ind}&period=2022-06&parent=331000&by=${by}${f}`);
        for (const f of ['', '&format=svg', '&format=png']) urls.push(`/v1/charts/ranking?indicator=${ind}&period=2022-06&parent=331000&by=${by}${f}`);
      }
      for (const f of ['', '&format=csv', '&format=xlsx']) urls.push(`/v1/progress?indicator=${ind}&period=2022-06&parent=331000${f}`, `/v1/observations?indicator=${ind}${f}`);
      urls.push(`/v1/observations?indicator=${ind}&format=sdmx-csv`, `/v1/rankings?indicator=${ind}&period=2022-02&parent=331000`);
      for (const f of ['', '&format=svg', '&format=png']) urls.push(`/v1/charts/progress?indicator=${ind}&period=2022-06&parent=331000${f}`, `/v1/charts/rank-history?indicator=${ind}&parent=331000&from=2022-01&to=2022-06${f}`);
      for (const region of COUNTIES) urls.push(`/v1/series?indicator=${ind}&region=${region}`, `/v1/charts/trend?indicator=${ind}&region=${region}&measure=yoy&format=svg`);
    }
    for (const region of ['331023', '331024', '331081']) {
      urls.push(`/v1/scorecard?region=${region}&period=2022-06`);
      for (const f of ['', '&format=svg', '&format=png']) urls.push(`/v1/charts/scorecard?region=${region}&period=2022-06${f}`);
    }
    const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-06', regions: ['331023', '331024', '331081'] } });
    t.same([run.status, run.body.failures], [200, []], 'reports generated, no indicator lost to a fault');
    for (const region of ['331023', '331024', '331081']) for (const f of ['', '.md', '.html', '.docx']) urls.push(`/v1/reports/${region}/2022-06${f}`);
    // Drawing (PNG, xlsx, Word) is the same whatever the store; InfluxDB answers the figures' formats only.
    const drawn = /format=(png|xlsx)|\.docx$/;
    const failed: string[] = [];
    for (const url of urls.filter((u) => store === 'sqlite' || !drawn.test(u))) {
      const answer = await call(app, { method: 'GET', url, headers: bearer('admin') });
      if (answer.status !== 200) failed.push(`${answer.status} ${url}`);
    }
    t.same(failed, [], `${urls.length} answers, all 200`);

    const ranking = (await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=2022-06&parent=331000` })).body;
    const reasons = Object.fromEntries(ranking.missing.map((m: { region: string; reason: string }) => [m.region, m.reason]));
    t.ok(Object.values(reasons).includes('out-of-range'), `a subnormal base gives out-of-range: ${JSON.stringify(reasons)}`);
    t.ok(ranking.average.yoy < -1e306, `the parent's growth is the average: ${ranking.average.yoy}`);
    const huge = ranking.rows.find((row: { region: string }) => row.region === '331081');
    t.ok(huge.yoy > 1e306, `331081 grows by about 1e307%: ${huge.yoy}`);
    t.equal(huge.vsAverage, null, 'so far above the average that no double says how far');
    const progress = (await call(app, { method: 'GET', url: `/v1/progress?indicator=${IND}&period=2022-06&parent=331000` })).body;
    const completion = Object.fromEntries(progress.rows.map((row: { region: string; completion: number | null }) => [row.region, row.completion]));
    t.same([completion['331002'], completion['331004'], completion['331022']], [null, null, null], 'no completion over a vanishing amount');
    t.same(progress.rows.filter((row: { region: string }) => ['331002', '331004', '331022'].includes(row.region)).map((row: { gap: number | null }) => row.gap), [null, null, null], 'nor a gap');
    t.equal(typeof completion['331003'], 'number', 'a figure over the largest double completes almost nothing');

    const csv = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}&format=csv` });
    const back = await call(app, { method: 'POST', url: '/v1/observations', headers: { ...bearer('writer'), 'content-type': 'text/csv; charset=utf-8' }, payload: csv.response.rawPayload });
    const count = (await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}` })).body.observations.length;
    t.same([back.status, back.body.unchanged, back.body.revised], [200, count, 0], 'the CSV download posts back unchanged');
    const xlsx = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}&format=xlsx` });
    const sheet = XLSX.read(xlsx.response.rawPayload).Sheets;
    t.ok(Object.keys(sheet).length === 1, 'one sheet');
    const xlsxBack = await call(app, { method: 'POST', url: '/v1/observations', headers: { ...bearer('writer'), 'content-type': XLSX_TYPE }, payload: xlsx.response.rawPayload });
    t.same([xlsxBack.status, xlsxBack.body.revised], [200, 0], 'the workbook posts back without a revision');
  });
});
