/**
 * The pre-release access log (API.md "Pre-release access log"): every
 * answer to a privileged caller that carries figures of a month the public
 * may not see, in every format, is recorded before it is sent; public
 * answers and reads of public months record nothing; an answer that could
 * not be recorded is a 503, never an unrecorded answer.
 */
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post, type Role } from '../helpers/app.ts';
import { Influxd } from '../helpers/influxd.ts';

const IND = 'industrial_investment';
const PARENT = '331000';
const COUNTIES = ['331002', '331022', '331023'];

type App = Awaited<ReturnType<typeof buildTestApp>>;

/** Public months, and June 2022 posted ahead of its release an hour from now. */
async function embargo(app: App): Promise<void> {
  const rows = COUNTIES.flatMap((region, i) => ['2021-05', '2021-06', '2022-05'].map((period) => ({ indicator: IND, region, period, value: 10 + i })));
  await post(app, rows);
  await call(app, { method: 'PUT', url: '/v1/releases', headers: bearer('admin'), payload: { releases: [{ indicator: IND, period: '2022-06', releaseAt: new Date(Date.now() + 3_600_000).toISOString() }] } });
  await post(app, COUNTIES.map((region, i) => ({ indicator: IND, region, period: '2022-06', value: 20 + i })));
}

const log = async (app: App, query = '') => (await call(app, { method: 'GET', url: `/v1/access-log${query}`, headers: bearer('admin') })).body;

/** Every read of the embargoed month a privileged caller may make, in every format. */
const SECRET_READS = [
  `/v1/rankings?indicator=${IND}&period=2022-06&parent=${PARENT}`,
  `/v1/rankings?indicator=${IND}&period=2022-06&parent=${PARENT}&format=csv`,
  `/v1/rankings?indicator=${IND}&period=2022-06&parent=${PARENT}&by=value&format=xlsx`,
  `/v1/observations?indicator=${IND}`,
  `/v1/observations?indicator=${IND}&format=csv`,
  `/v1/observations?indicator=${IND}&format=xlsx`,
  `/v1/observations?indicator=${IND}&format=sdmx-csv`,
  `/v1/series?indicator=${IND}&region=331023`,
  `/v1/observations/history?indicator=${IND}&region=331023&period=2022-06`,
  `/v1/scorecard?region=331023&period=2022-06`,
  `/v1/charts/ranking?indicator=${IND}&period=2022-06&parent=${PARENT}`,
  `/v1/charts/ranking?indicator=${IND}&period=2022-06&parent=${PARENT}&format=svg`,
  `/v1/charts/trend?indicator=${IND}&region=331023&format=png`,
  `/v1/charts/scorecard?region=331023&period=2022-06`,
  `/v1/progress?indicator=${IND}&period=2022-06&parent=${PARENT}`,
  `/v1/reports/331023/2022-06`,
  `/v1/reports/331023/2022-06.md`,
  `/v1/reports/331023/2022-06.html`,
  `/v1/reports/331023/2022-06.docx`,
];

/** Reads that carry nothing of the embargoed month. */
const PUBLIC_READS = [`/v1/rankings?indicator=${IND}&period=2022-05&parent=${PARENT}`, `/v1/series?indicator=${IND}&region=331023&to=2022-05`, '/v1/regions', '/v1/releases'];

forEachStore(t, (t, store) => {
  t.test('each privileged answer carrying the embargoed month is one entry; nothing else is', async (t) => {
    const app = await buildTestApp(t, { store });
    await embargo(app);
    t.equal((await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-06', regions: ['331023'] } })).status, 200);
    for (const role of [null, 'reader'] as const) {
      for (const url of [...SECRET_READS, ...PUBLIC_READS]) await call(app, { method: 'GET', url, headers: role === null ? {} : bearer(role) });
    }
    for (const role of ['preview', 'writer', 'admin'] as const) for (const url of PUBLIC_READS) await call(app, { method: 'GET', url, headers: bearer(role) });
    t.same((await log(app)).entries, [], 'the public and public months leave nothing');

    for (const [i, url] of SECRET_READS.entries()) {
      const role: Role = i % 3 === 0 ? 'writer' : 'preview';
      const r = await call(app, { method: 'GET', url, headers: bearer(role) });
      t.equal(r.status, 200, url);
      const [newest, ...rest] = (await log(app)).entries;
      t.equal(rest.length, i, `${url}: one entry more`);
      t.match(newest, { holder: role === 'writer' ? 'alice' : role, role, method: 'GET', path: url }, `${url}: who, how, what`);
      t.ok(newest.months.some((m: { indicator: string; period: string }) => m.indicator === IND && m.period === '2022-06'), `${url}: the month`);
    }
  });

  t.test('the log pages newest first, filters, and downloads', async (t) => {
    const app = await buildTestApp(t, { store });
    await embargo(app);
    const from = new Date().toISOString();
    for (let i = 0; i < 7; i++) await call(app, { method: 'GET', url: `/v1/series?indicator=${IND}&region=331023`, headers: bearer(i < 5 ? 'preview' : 'writer') });
    const seen: string[] = [];
    let cursor: string | null = null;
    let previous = '9999';
    for (let page = 0; page < 10; page++) {
      const body = await log(app, `?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      for (const e of body.entries) {
        t.ok(e.at <= previous, 'newest first');
        previous = e.at;
        seen.push(`${e.at} ${e.holder} ${e.path}`);
      }
      cursor = body.next;
      if (cursor === null) break;
    }
    t.equal(seen.length, 7, 'every entry once');
    t.equal((await log(app, '?holder=alice')).entries.length, 2, 'by holder');
    t.equal((await log(app, `?indicator=${IND}&period=2022-06`)).entries.length, 7, 'by month');
    t.equal((await log(app, `?indicator=${IND}&period=2022-05`)).entries.length, 0);
    t.equal((await log(app, `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date().toISOString())}`)).entries.length, 7, 'between instants');
    t.equal((await log(app, '?to=2000-01-01T00:00:00Z')).entries.length, 0);
    const csv = await call(app, { method: 'GET', url: '/v1/access-log?format=csv', headers: bearer('admin') });
    t.equal(csv.status, 200);
    t.equal(csv.response.body.trim().split('\n').length, 8, 'a header and a row an entry');
    t.match(csv.response.body, `${IND} 2022-06`);
    const xlsx = await call(app, { method: 'GET', url: '/v1/access-log?format=xlsx', headers: bearer('admin') });
    t.equal(xlsx.status, 200);
    t.equal(xlsx.response.rawPayload.subarray(0, 2).toString(), 'PK');
    t.equal((await call(app, { method: 'GET', url: '/v1/access-log?cursor=nonsense', headers: bearer('admin') })).status, 400);
    t.same((await log(app)).entries.filter((e: { path: string }) => e.path.startsWith('/v1/access-log')), [], 'reading the log is not itself logged');
  });
});

t.test('influxdb: during an outage a privileged answer of an embargoed month is a 503, never an unrecorded answer', async (t) => {
  const influxd = await Influxd.create();
  t.teardown(() => influxd.destroy());
  const app = await buildTestApp(t, { store: 'influxdb', env: { INFLUX_URL: influxd.url } });
  await embargo(app);
  const url = `/v1/series?indicator=${IND}&region=331023`;
  let answered = 0;
  const read = async () => {
    const r = await call(app, { method: 'GET', url, headers: bearer('preview') });
    if (r.status === 200) answered++;
    return r.status;
  };
  t.equal(await read(), 200, 'answered, and so recorded');
  await influxd.stop();
  const during = [];
  for (let i = 0; i < 5; i++) during.push(await read());
  t.ok(during.every((s) => s === 503), `during the outage: ${during}`);
  await influxd.start();
  let after = 0;
  for (let i = 0; i < 100 && after !== 200; i++) {
    after = await read();
    if (after !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.equal(after, 200, 'answered again once influxd is back');
  t.equal((await log(app)).entries.length, answered, 'every answer sent is in the log');
});
