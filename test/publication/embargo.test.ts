/**
 * Embargo (API.md "Release calendar and embargo"): nothing of an embargoed
 * month reaches anonymous callers or reader tokens through any read, in any
 * format, header or cached answer; privileged callers see it, privately.
 */
import type { FastifyInstance } from 'fastify';
import { strFromU8, unzipSync } from 'fflate';
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post, type Role } from '../helpers/app.ts';

const IND = 'industrial_investment';
const PARENT = '331000';
const COUNTIES = ['331002', '331003', '331022', '331023'];
/** Figures no public answer may carry while the month is embargoed. */
const SECRET_VALUE = 98765.4321;
const SECRET_YOY = 4321.9;
const SECRETS = ['98765', '4321.9', '4,321.9'];

function publicFigures() {
  const rows = [];
  for (const [i, region] of COUNTIES.entries()) {
    for (const period of ['2021-05', '2021-06', '2021-07', '2022-05', '2022-07']) rows.push({ indicator: IND, region, period, value: 10 + i + Number(period.slice(5)) / 10 });
  }
  return rows;
}

const embargoed = () => [
  { indicator: IND, region: '331023', period: '2022-06', value: SECRET_VALUE },
  { indicator: IND, region: '331022', period: '2022-06', value: 12, yoy: SECRET_YOY },
  { indicator: IND, region: '331002', period: '2022-06', value: 11 },
];

/** Every read endpoint and format a dashboard or a mirror may use. */
const READS = [
  `/v1/series?indicator=${IND}&region=331023`,
  `/v1/series?indicator=${IND}&region=331022&from=2022-01&to=2022-12`,
  `/v1/rankings?indicator=${IND}&period=2022-06&parent=${PARENT}`,
  `/v1/rankings?indicator=${IND}&period=2022-06&parent=${PARENT}&by=value`,
  `/v1/rankings?indicator=${IND}&period=2022-07&parent=${PARENT}`,
  `/v1/rankings?indicator=${IND}&period=2022-07&parent=${PARENT}&by=value`,
  `/v1/scorecard?region=331023&period=2022-06`,
  `/v1/scorecard?region=331023&period=2022-07`,
  `/v1/charts/ranking?indicator=${IND}&period=2022-06&parent=${PARENT}`,
  `/v1/charts/ranking?indicator=${IND}&period=2022-07&parent=${PARENT}&by=value&format=svg`,
  `/v1/charts/trend?indicator=${IND}&region=331023`,
  `/v1/charts/trend?indicator=${IND}&region=331022&measure=yoy&format=svg`,
  `/v1/charts/rank-history?indicator=${IND}&parent=${PARENT}&from=2022-01&to=2022-12`,
  `/v1/charts/rank-history?indicator=${IND}&parent=${PARENT}&from=2022-01&to=2022-12&by=value&format=svg`,
  `/v1/charts/scorecard?region=331023&period=2022-06`,
  `/v1/charts/scorecard?region=331023&period=2022-06&format=svg`,
  `/v1/observations/history?indicator=${IND}&region=331023&period=2022-06`,
  `/v1/observations?indicator=${IND}`,
  `/v1/observations?indicator=${IND}&region=331023&from=2022-06&to=2022-06`,
  `/v1/observations/changes?since=2000-01-01T00:00:00Z`,
  `/v1/reports`,
  `/v1/reports?period=2022-06`,
  `/v1/reports/331023/2022-06`,
  `/v1/reports/331023/2022-06.md`,
  `/v1/reports/331023/2022-06.html`,
  `/v1/releases`,
  // Every other format of the same answers.
  `/v1/rankings?indicator=${IND}&period=2022-07&parent=${PARENT}&format=csv`,
  `/v1/rankings?indicator=${IND}&period=2022-07&parent=${PARENT}&by=value&format=xlsx`,
  `/v1/rankings?indicator=${IND}&period=2022-06&parent=${PARENT}&format=xlsx`,
  `/v1/charts/trend?indicator=${IND}&region=331023&format=png`,
  `/v1/charts/ranking?indicator=${IND}&period=2022-06&parent=${PARENT}&format=png`,
  `/v1/observations?indicator=${IND}&format=csv`,
  `/v1/observations?indicator=${IND}&format=xlsx`,
  `/v1/observations?indicator=${IND}&format=sdmx-csv`,
  `/v1/reports/331023/2022-06.docx`,
  // Targets and progress: completion is computed from the month's figures.
  `/v1/progress?indicator=${IND}&period=2022-06&parent=${PARENT}`,
  `/v1/progress?indicator=${IND}&period=2022-06&region=331023&format=csv`,
  `/v1/rankings?indicator=${IND}&period=2022-06&parent=${PARENT}&by=completion`,
  `/v1/charts/progress?indicator=${IND}&period=2022-06&parent=${PARENT}&format=svg`,
  `/v1/charts/ranking?indicator=${IND}&period=2022-06&parent=${PARENT}&by=completion`,
  `/v1/progress?indicator=${IND}&period=2022-07&parent=${PARENT}`,
];

/** An answer's text, zipped formats (xlsx, docx) unpacked: a leak inside a workbook counts. */
function textOf(body: Buffer, type: string): string {
  if (!/spreadsheetml|wordprocessingml/.test(type)) return body.toString('utf8');
  return Object.values(unzipSync(new Uint8Array(body))).map((bytes) => strFromU8(bytes)).join('\n');
}

/** A role's bootstrap token, none (null), or a token of the caller's own (`{ token }`). */
async function sweep(app: FastifyInstance, role: Role | null | { token: string }) {
  const out = [];
  const headers = role === null ? {} : typeof role === 'string' ? bearer(role) : { authorization: `Bearer ${role.token}` };
  for (const url of READS) {
    const r = await call(app, { method: 'GET', url, headers });
    const text = textOf(r.response.rawPayload, String(r.response.headers['content-type'] ?? ''));
    out.push({ url, status: r.status, text: `${JSON.stringify(r.response.headers)}\n${text}`, body: r.body, headers: r.response.headers });
  }
  return out;
}

const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

forEachStore(t, (t, store) => {
  t.test('an embargoed month shows through nothing public, in any format or header', async (t) => {
    const app = await buildTestApp(t, { store });
    t.equal((await post(app, publicFigures())).status, 200);
    const targets = COUNTIES.map((region) => ({ indicator: IND, region, year: 2022, kind: 'value', value: 50 }));
    t.equal((await call(app, { method: 'PUT', url: '/v1/targets', headers: bearer('admin'), payload: { targets } })).status, 200);
    const releaseAt = new Date(Date.now() + 3_600_000).toISOString();
    const put = await call(app, { method: 'PUT', url: '/v1/releases', headers: bearer('admin'), payload: { releases: [{ indicator: IND, period: '2022-06', releaseAt }] } });
    t.same(put.body, { upserted: 1 });
    // What the public sees before the embargoed figures arrive: answers must not change when they do.
    const before = await sweep(app, null);
    t.equal((await post(app, embargoed())).status, 200, 'the bureau posts ahead of release');
    const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-06', regions: ['331023'] } });
    t.equal(run.status, 200, 'the report is generated before release');

    const preview = await sweep(app, 'preview');
    for (const role of [null, 'reader'] as const) {
      const seen = await sweep(app, role);
      for (const r of seen) {
        t.same(leaks(r.text), [], `${role ?? 'anonymous'}: ${r.url} (${r.status})`);
        t.ok(r.status < 500, `${r.url} answers ${r.status}`);
      }
      const byUrl = new Map(seen.map((r) => [r.url, r]));
      const ranking = byUrl.get(READS[2]!)!;
      t.equal(ranking.status, 404);
      t.same(ranking.body.error, 'not_released');
      t.same(ranking.body.details, [{ field: 'period', message: 'not released', releaseAt }], 'the release time is said');
      t.equal(byUrl.get(READS[8]!)!.status, 404, 'the ranking chart too');
      t.equal(byUrl.get(READS[22]!)!.status, 404, 'the report quoting the month');
      for (const url of READS.filter((u) => (u.includes('progress') || u.includes('completion')) && u.includes('2022-06'))) t.equal(byUrl.get(url)!.status, 404, `${url}: not released`);
      t.equal(byUrl.get(READS.at(-1)!)!.status, 200, 'progress of a released month');
      t.same(byUrl.get(READS[20]!)!.body.reports, [], 'nor is it listed');
      t.same(byUrl.get(READS[16]!)!.body.versions, [], 'history: no version was public');
      t.same(byUrl.get(READS[6]!)!.body.notReleased, [{ indicator: IND, releaseAt }], 'the scorecard names what it leaves out');
      t.equal(byUrl.get(READS[4]!)!.body.previousPeriod, '2022-05', 'the next month ranks against the last released one');
      // ETags and bodies of answers that need nothing of the month are as they were.
      for (const [i, r] of seen.entries()) {
        if (READS[i]!.startsWith('/v1/reports') || READS[i]!.startsWith('/v1/releases') || READS[i]!.includes('changes')) continue;
        t.equal(r.headers.etag, before[i]!.headers.etag, `${READS[i]}: the same entity as before the embargoed figures came`);
      }
      t.notOk(seen.some((r) => r.headers['cache-control'] === 'private, no-store'), 'public answers are public');
    }
    for (const r of preview) t.equal(r.headers['cache-control'], 'private, no-store', `preview: ${r.url} is private`);
    const previewBody = preview.map((r) => r.text).join('\n');
    t.ok(previewBody.includes('98765.4321'), 'preview sees the embargoed value');
    t.ok(previewBody.includes('4321.9'), 'and the embargoed growth');
    t.equal(preview[2]!.status, 200, 'preview ranks the month');
    t.equal(preview[22]!.status, 200, 'preview reads the report');
    t.ok(preview.find((r) => r.url.endsWith('.docx'))!.text.includes('98765'), 'preview reads it in Word too (the zip is unpacked, so the check can see inside)');
    t.ok(preview.find((r) => r.url === `/v1/observations?indicator=${IND}&format=xlsx`)!.text.includes('98765'), 'and the workbook');
    for (const role of ['admin', 'writer'] as const) {
      const r = await call(app, { method: 'GET', url: READS[2]!, headers: bearer(role) });
      t.equal(r.status, 200, `${role} sees everything`);
    }
    // Right after privileged answers, the public still sees nothing: no cache hands them on.
    for (const r of await sweep(app, null)) t.same(leaks(r.text), [], `anonymous after preview: ${r.url}`);
    // A preview scoped to a county whose embargoed figure is no secret: sees nothing of the others' (API.md "Tokens and scopes").
    const scoped = await call(app, { method: 'POST', url: '/v1/tokens', headers: bearer('admin'), payload: { role: 'preview', holder: 'jiaojiang', scope: { regions: ['331002'] } } });
    t.equal(scoped.status, 201);
    for (const r of await sweep(app, { token: scoped.body.token })) {
      t.same(leaks(r.text), [], `a scoped preview: ${r.url} (${r.status})`);
      t.ok(r.status < 500, `${r.url} answers ${r.status}`);
    }
    // The feed's cursors a privileged caller was given, replayed by the public: still only what the public sees.
    const cursors: string[] = [];
    for (let page = 0, cursor: string | null = null; page < 100; page++) {
      const q: Record<string, string> = { since: '2000-01-01T00:00:00Z', limit: '1', ...(cursor === null ? {} : { cursor }) };
      const r = await call(app, { method: 'GET', url: `/v1/observations/changes?${new URLSearchParams(q)}`, headers: bearer('preview') });
      cursor = r.body.next;
      if (cursor === null) break;
      cursors.push(cursor);
    }
    t.ok(cursors.length > 10, 'the preview walked the feed a change a page');
    for (const role of [null, 'reader'] as const) {
      for (const cursor of cursors) {
        const q = new URLSearchParams({ since: '2000-01-01T00:00:00Z', cursor });
        const r = await call(app, { method: 'GET', url: `/v1/observations/changes?${q}`, headers: role === null ? {} : bearer(role) });
        t.equal(r.status, 200);
        t.same(leaks(JSON.stringify(r.body)), [], `${role ?? 'anonymous'} replays a preview's cursor`);
        t.notOk(r.body.changes.some((c: { period: string }) => c.period === '2022-06'), 'nothing of the embargoed month');
      }
    }
  });

  t.test('a month appears once its release time passes, with no write, also in answers cached before', async (t) => {
    const app = await buildTestApp(t, { store });
    await post(app, publicFigures());
    const releaseAt = Date.now() + 1_500;
    await call(app, { method: 'PUT', url: '/v1/releases', headers: bearer('admin'), payload: { releases: [{ indicator: IND, period: '2022-06', releaseAt: new Date(releaseAt).toISOString() }] } });
    await post(app, embargoed());
    const series = `/v1/series?indicator=${IND}&region=331023`;
    const early = await call(app, { method: 'GET', url: series });
    t.notOk(early.response.body.includes('98765'), 'hidden before');
    t.equal((await call(app, { method: 'GET', url: series })).response.body, early.response.body, 'and cached');
    t.equal((await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=2022-06&parent=${PARENT}` })).status, 404);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, releaseAt - Date.now()) + 50));
    const late = await call(app, { method: 'GET', url: series });
    t.ok(late.response.body.includes('98765.4321'), 'the cached answer gave way at the release time');
    t.not(late.response.headers.etag, early.response.headers.etag);
    const ranking = await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=2022-06&parent=${PARENT}&by=value` });
    t.equal(ranking.status, 200);
    t.equal(ranking.body.rows[0].value, SECRET_VALUE);
    const history = await call(app, { method: 'GET', url: `/v1/observations/history?indicator=${IND}&region=331023&period=2022-06` });
    t.equal(history.body.versions.length, 1);
    t.equal(history.body.versions[0].publishedAt, new Date(releaseAt).toISOString(), 'published at the release time, not at receipt');
    const released = await call(app, { method: 'GET', url: `/v1/releases?indicator=${IND}` });
    t.equal(released.body.releases[0].released, true);
  });
});
