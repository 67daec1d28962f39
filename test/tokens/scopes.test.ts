/**
 * Scopes (API.md "Tokens and scopes"): a county office's writer posts and
 * withdraws its own county's figures only (a row outside is a 403 naming
 * it, and nothing of the batch is stored, dry runs alike); a scoped
 * preview sees unpublished figures only inside its scope and is the
 * public outside it.
 */
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';
import { workbook, XLSX_TYPE } from '../helpers/workbook.ts';

const IND = 'industrial_investment';
const OTHER_IND = 'manufacturing_investment';
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

type App = Awaited<ReturnType<typeof buildTestApp>>;

async function token(app: App, body: object): Promise<string> {
  const r = await call(app, { method: 'POST', url: '/v1/tokens', headers: bearer('admin'), payload: body });
  if (r.status !== 201) throw new Error(`no token: ${JSON.stringify(r.body)}`);
  return r.body.token;
}

forEachStore(t, (t, store) => {
  t.test('a scoped writer posts and withdraws inside its scope only, all or nothing', async (t) => {
    const app = await buildTestApp(t, { store });
    // 玉环 changed its code: figures under the former one are the current region's, and in a scope naming it.
    t.equal((await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions: [{ code: '331083', name: '玉环市', parent: '331000', formerCodes: ['331021'] }] } })).status, 200);
    const county = await token(app, { role: 'writer', holder: 'tiantai', scope: { regions: ['331023'], indicators: [IND] } });
    const city = await token(app, { role: 'writer', holder: 'taizhou', scope: { regions: ['331000'] } });

    t.equal((await post(app, [{ indicator: IND, region: '331023', period: '2022-06', value: 5 }], '', undefined, county)).status, 200, 'its own county');
    t.equal((await post(app, [{ indicator: IND, region: '331021', period: '2022-06', value: 7 }], '', undefined, city)).status, 200, 'a city office: a former code of one of its counties');
    t.equal((await post(app, [{ indicator: OTHER_IND, region: '331002', period: '2022-06', value: 7 }], '', undefined, city)).status, 200, 'and any indicator');

    // One row outside among 50,000 (the city's figures over the centuries): a 403 naming that row, nothing stored, as a dry run too.
    const cityRegions = ['331000', '331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];
    const rows: Array<{ indicator: string; region: string; period: string; value: number }> = [];
    for (let i = 0; rows.length < 49_999; i++) {
      const month = Math.floor(i / (cityRegions.length * 2));
      rows.push({ indicator: i % 2 === 0 ? IND : OTHER_IND, region: cityRegions[Math.floor(i / 2) % cityRegions.length]!, period: `${1800 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`, value: i + 1 });
    }
    rows.splice(4_321, 0, { indicator: IND, region: '330000', period: '2022-06', value: 1 });
    const csv = ['indicator,region,period,value', ...rows.map((r) => `${r.indicator},${r.region},${r.period},${r.value}`)].join('\n');
    for (const query of ['', '?dryRun=true']) {
      const r = await call(app, { method: 'POST', url: `/v1/observations${query}`, headers: { ...auth(city), 'content-type': 'text/csv' }, payload: csv });
      t.equal(r.status, 403, `the CSV ${query}`);
      t.same(r.body.details, [{ row: 4_322, field: 'region', message: `${IND} / 330000 is outside this token's scope` }], 'that row, by its record number');
    }
    const outOfIndicator = await post(app, [{ indicator: OTHER_IND, region: '331023', period: '2022-06', value: 1 }], '', undefined, county);
    t.same([outOfIndicator.status, outOfIndicator.body.details[0].field], [403, 'indicator']);
    const sheet = workbook({ name: '6月', rows: [['指标', '地区', '时期', '数值'], [IND, '331023', '2022-05', 3], [IND, '331024', '2022-05', 4]] });
    const xlsx = await call(app, { method: 'POST', url: '/v1/observations', headers: { ...auth(county), 'content-type': XLSX_TYPE }, payload: sheet });
    t.equal(xlsx.status, 403, 'a workbook');
    t.match(xlsx.body.details, [{ sheet: '6月', row: 3, field: 'region' }], 'the row Excel shows');
    const stored = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}`, headers: bearer('admin') });
    t.same(stored.body.observations.map((o: { region: string; period: string }) => `${o.region} ${o.period}`), ['331023 2022-06', '331083 2022-06'], 'nothing of the refused batches stored');

    const withdraw = (who: string, region: string) => call(app, { method: 'DELETE', url: `/v1/observations/${IND}/${region}/2022-06`, headers: auth(who) });
    t.equal((await withdraw(county, '331083')).status, 403, 'another county’s figure is not its to withdraw');
    t.equal((await withdraw(county, '331023')).status, 200, 'its own is');
    t.equal((await withdraw(city, '331021')).status, 200, 'by a former code, inside the city');
  });

  t.test('a scoped preview sees unpublished figures inside its scope only, and is the public outside it', async (t) => {
    const app = await buildTestApp(t, { store });
    const rows = ['331002', '331022', '331023'].flatMap((region, i) => [
      { indicator: IND, region, period: '2021-06', value: 10 + i },
      { indicator: IND, region, period: '2022-05', value: 20 + i },
    ]);
    t.equal((await post(app, rows)).status, 200);
    const releaseAt = new Date(Date.now() + 3_600_000).toISOString();
    await call(app, { method: 'PUT', url: '/v1/releases', headers: bearer('admin'), payload: { releases: [{ indicator: IND, period: '2022-06', releaseAt }] } });
    await post(app, [
      { indicator: IND, region: '331023', period: '2022-06', value: 77777.1 },
      { indicator: IND, region: '331022', period: '2022-06', value: 88888.2 },
    ]);
    t.equal((await call(app, { method: 'PUT', url: '/v1/groups', headers: bearer('admin'), payload: { groups: [{ code: 'mine', name: '本县', members: ['331023'] }] } })).status, 200);
    const preview = await token(app, { role: 'preview', holder: 'tiantai-preview', scope: { regions: ['331023'] } });
    const get = (url: string, who: Record<string, string> = auth(preview)) => call(app, { method: 'GET', url, headers: who });

    const own = await get(`/v1/series?indicator=${IND}&region=331023`);
    t.ok(own.response.body.includes('77777.1'), 'its own county’s embargoed figure');
    const other = await get(`/v1/series?indicator=${IND}&region=331022`);
    t.equal(other.status, 200);
    t.notOk(other.response.body.includes('88888'), 'not another county’s');
    t.same(other.body, (await get(`/v1/series?indicator=${IND}&region=331022`, {})).body, 'which it sees as the public does');
    const ranking = await get(`/v1/rankings?indicator=${IND}&period=2022-06&parent=331000&by=value`);
    t.same([ranking.status, ranking.body.error], [404, 'not_released'], 'a ranking that needs other counties’ figures: as to the public');
    const alone = await get(`/v1/rankings?indicator=${IND}&period=2022-06&group=mine&by=value`);
    t.equal(alone.status, 200, 'a group of its own county only is inside its scope');
    t.equal(alone.body.rows[0].value, 77777.1);
    const history = await get(`/v1/observations/history?indicator=${IND}&region=331022&period=2022-06`);
    t.same(history.body.versions, [], 'no unpublished version of another county');
    const list = await get(`/v1/observations?indicator=${IND}&format=csv`);
    t.notOk(list.response.body.includes('88888'), 'nor in a download');
    const scorecard = await get('/v1/scorecard?region=331023&period=2022-06');
    t.same(scorecard.body.notReleased, [{ indicator: IND, releaseAt }], 'its scorecard among all counties: as the public’s');
  });
});
