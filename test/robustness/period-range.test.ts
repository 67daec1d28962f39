/**
 * The months the service accepts (1800-01 to 2199-12) are the months it
 * can compute with and store on both stores. A month at either end is
 * posted, stored and read back like any other; the month before 1800-01
 * or the year before 1800-06 holds no figure (no base), never a fault;
 * a month outside the range is a 400 naming the row and field.
 */
import * as XLSX from '@e965/xlsx';
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';

const IND = 'industrial_investment';
const TIANTAI = '331023';
const SANMEN = '331022';
const row = (period: string, over: Record<string, unknown> = {}) => ({ indicator: IND, region: TIANTAI, period, value: 10, ...over });

/** Every month at the edges of the range, each alone (one such row once failed a whole batch). */
const EDGES = ['1800-01', '1800-02', '1800-06', '1800-12', '1801-01', '2199-01', '2199-11', '2199-12'];

forEachStore(t, (t, store) => {
  t.test('each month at an edge posts, with and without a reported growth, alone and in a batch', async (t) => {
    const app = await buildTestApp(t, { store });
    for (const period of EDGES) {
      for (const query of ['?dryRun=true', '']) {
        const r = await post(app, [row(period, { yoy: 5.5 })], query);
        t.equal(r.status, 200, `${period} with yoy ${query}: ${JSON.stringify(r.body).slice(0, 200)}`);
      }
      const r = await post(app, [row(period, { region: SANMEN, value: 20 })]);
      t.equal(r.status, 200, `${period} without yoy: ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    // A batch with the edges and an ordinary month: one edge row no longer fails the rest.
    const batch = [...EDGES.map((period) => row(period, { region: '331002', value: 30, yoy: 1 })), row('2022-06', { region: '331002', value: 30 })];
    const r = await post(app, batch);
    t.same([r.status, r.body.accepted], [200, batch.length], 'the whole batch');
  });

  t.test('the edges read back: series, rankings, history, downloads', async (t) => {
    const app = await buildTestApp(t, { store });
    // 1801-06 grows on 1800-06: the year before an edge month is a base like any other.
    const rows = [...EDGES.map((period) => row(period)), row('1801-06', { value: 11 }), ...EDGES.map((period) => row(period, { region: SANMEN, value: 20, yoy: -2 }))];
    t.equal((await post(app, rows)).status, 200);

    const series = await call(app, { method: 'GET', url: `/v1/series?indicator=${IND}&region=${TIANTAI}` });
    t.equal(series.status, 200);
    t.same(series.body.points.map((p: { period: string }) => p.period), [...EDGES.slice(0, 5), '1801-06', ...EDGES.slice(5)].sort(), 'every month, oldest first');
    const at = (period: string) => series.body.points.find((p: { period: string }) => p.period === period);
    t.same([at('1800-01').yoy, at('1800-01').yoySource, at('1800-01').monthValue], [null, null, 10], '1800-01: no base, its own month');
    t.same([at('1800-06').yoyComputed, at('1801-06').yoyComputed, at('1801-06').yoySource], [null, 10, 'computed'], 'no base before the range; 1801-06 on 1800-06');
    const bounded = await call(app, { method: 'GET', url: `/v1/series?indicator=${IND}&region=${TIANTAI}&from=1800-01&to=1800-06` });
    t.same(bounded.body.points.map((p: { period: string }) => p.period), ['1800-01', '1800-02', '1800-06'], 'from the first month');

    for (const period of ['1800-01', '1800-06', '1800-12', '2199-12']) {
      for (const by of ['yoy', 'value']) {
        const r = await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=${period}&parent=331000&by=${by}` });
        t.equal(r.status, 200, `ranking ${period} by ${by}`);
        t.ok(r.body.rows.some((x: { region: string }) => x.region === SANMEN), `${period} by ${by}: Sanmen ranked (reported growth)`);
        const tiantai = [...r.body.rows, ...r.body.missing].find((x: { region: string }) => x.region === TIANTAI);
        if (by === 'yoy') t.equal(tiantai.reason, 'no-base', `${period}: Tiantai has no base`);
      }
      const history = await call(app, { method: 'GET', url: `/v1/observations/history?indicator=${IND}&region=${SANMEN}&period=${period}` });
      t.same([history.status, history.body.versions.map((v: { value: number; yoy: number }) => [v.value, v.yoy])], [200, [[20, -2]]], `history of ${period}`);
      t.equal((await call(app, { method: 'GET', url: `/v1/scorecard?region=${TIANTAI}&period=${period}` })).status, 200, `scorecard ${period}`);
    }
    const first = await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=1800-01&parent=331000` });
    t.equal(first.body.previousPeriod, null, 'nothing before the first month');

    const list = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}&region=${TIANTAI}` });
    t.equal(list.status, 200);
    t.same(list.body.observations.map((o: { period: string }) => o.period).sort(), [...EDGES, '1801-06'].sort(), 'the JSON list');
    const csv = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}&region=${TIANTAI}&format=csv` });
    t.equal(csv.status, 200);
    const periods = csv.response.body.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((line: string) => line.split(',')[2]);
    t.same(periods.sort(), [...EDGES, '1801-06'].sort(), 'the CSV');
    const xlsx = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}&region=${TIANTAI}&format=xlsx` });
    t.equal(xlsx.status, 200);
    const book = XLSX.read(xlsx.response.rawPayload);
    const sheet = XLSX.utils.sheet_to_json<Record<string, unknown>>(book.Sheets[book.SheetNames[0]!]!);
    t.same(sheet.map((r) => r.period).sort(), [...EDGES, '1801-06'].sort(), 'the workbook');
    const sdmx = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}&region=${TIANTAI}&format=sdmx-csv` });
    t.equal(sdmx.status, 200);
    t.ok(sdmx.response.body.includes(',1800-01,') && sdmx.response.body.includes(',2199-12,'), 'SDMX-CSV');
    const ranged = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}&region=${TIANTAI}&from=2199-01&to=2199-12` });
    t.same(ranged.body.observations.map((o: { period: string }) => o.period).sort(), ['2199-01', '2199-11', '2199-12'], 'to the last month');

    for (const chart of [`trend?indicator=${IND}&region=${TIANTAI}&to=1800-06`, `trend?indicator=${IND}&region=${TIANTAI}&from=2199-01&to=2199-12`, `rank-history?indicator=${IND}&parent=331000&from=1800-01&to=1800-12`, `ranking?indicator=${IND}&period=1800-01&parent=331000`]) {
      t.equal((await call(app, { method: 'GET', url: `/v1/charts/${chart}` })).status, 200, chart);
    }
    const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '1800-01', regions: [TIANTAI] } });
    t.equal(run.status, 200, 'a report on the first month');
    t.equal((await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/1800-01.md` })).status, 200);
  });

  t.test('a month just outside the range is a 400 naming the row and field, and nothing is stored', async (t) => {
    const app = await buildTestApp(t, { store });
    for (const period of ['1799-12', '2200-01', '1799-06', '0022-06', '9999-12']) {
      const r = await post(app, [row('2022-06'), row(period)]);
      t.equal(r.status, 400, period);
      t.same(r.body.details.map((d: { row: number; field: string }) => [d.row, d.field]), [[2, 'period']], `${period}: row 2, period`);
      t.match(r.body.details[0].message, /1800-01 to 2199-12/);
    }
    t.same((await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}` })).body.observations, [], 'nothing stored');
    for (const url of [
      `/v1/series?indicator=${IND}&region=${TIANTAI}&from=1799-12`,
      `/v1/rankings?indicator=${IND}&period=2200-01&parent=331000`,
      `/v1/observations/history?indicator=${IND}&region=${TIANTAI}&period=1799-12`,
      `/v1/observations?indicator=${IND}&to=2200-01`,
      `/v1/reports/${TIANTAI}/2200-01.docx`,
      `/v1/reports/${TIANTAI}/1000-01`,
    ]) {
      const r = await call(app, { method: 'GET', url });
      t.equal(r.status, 400, url);
    }
  });
});
