/**
 * Review before release (API.md "Review and sign-off"; DOMAIN.md "Review
 * before release"): a reviewed month reaches the public only once someone
 * other than its poster approves it; the sheet's checks (totals within
 * 0.1%, completeness, plausibility, lateness); the four-eyes rule; an
 * override reason kept; a version posted after an approval invisible to
 * the public until the next, in every format, as of an instant and in the
 * changes feed.
 */
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';

const IND = 'industrial_investment';
const CITY = '331000';
const COUNTIES = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function token(app: FastifyInstance, role: string, holder: string, scope?: object): Promise<string> {
  const r = await call(app, { method: 'POST', url: '/v1/tokens', headers: bearer('admin'), payload: { role, holder, ...(scope === undefined ? {} : { scope }) } });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body.token;
}

/** Review on for the indicator (an amount: its children add up). */
async function reviewOn(app: FastifyInstance) {
  const indicators = (await call(app, { method: 'GET', url: '/v1/indicators' })).body.indicators;
  const ind = indicators.find((i: { code: string }) => i.code === IND);
  const { reviewSince: _s, ...input } = ind;
  const r = await call(app, { method: 'PUT', url: '/v1/indicators', headers: bearer('admin'), payload: { indicators: [{ ...input, review: true, aggregation: 'sum' }] } });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
}

/** Nine counties of 10..18 and the city's own figure `off` relatively away from their sum. */
function month(period: string, off: number) {
  const counties = COUNTIES.map((region, i) => ({ indicator: IND, region, period, value: 10 + i }));
  const sum = counties.reduce((s, r) => s + r.value, 0);
  return [...counties, { indicator: IND, region: CITY, period, value: sum * (1 + off) }];
}

const approve = (app: FastifyInstance, who: string, body: object) => call(app, { method: 'POST', url: '/v1/review/approve', headers: auth(who), payload: body });
const sheet = (app: FastifyInstance, who: string, period: string) => call(app, { method: 'GET', url: `/v1/review?indicator=${IND}&period=${period}&parent=${CITY}`, headers: auth(who) });

forEachStore(t, (t, store) => {
  t.test('totals: 0.2% off is one error with expected and actual, 0.05% is none; four eyes; the override kept', async (t) => {
    const app = await buildTestApp(t, { store });
    await reviewOn(app);
    const bureau = await token(app, 'writer', 'bureau-a');
    const bureauApprover = await token(app, 'approver', 'bureau-a');
    const city = await token(app, 'approver', 'city-review');
    t.equal((await post(app, [...month('2021-06', 0), ...month('2022-06', 0.002)], '', undefined, bureau)).status, 200);

    const open = await sheet(app, city, '2022-06');
    t.equal(open.status, 200);
    t.equal(open.body.state, 'open');
    t.equal(open.body.pending, 10, 'every version since no approval');
    const totals = open.body.checks.filter((c: { check: string }) => c.check === 'totals');
    t.equal(totals.length, 1, 'one totals error');
    t.match(totals[0], { severity: 'error', region: CITY, expected: 126 * 1.002, actual: 126 });
    t.equal(open.body.counts.errors, 1);

    t.same((await call(app, { method: 'GET', url: `/v1/series?indicator=${IND}&region=331023` })).body.points, [], 'nothing public before approval');
    t.equal((await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=2022-06&parent=${CITY}` })).status, 404, 'a ranking of it: not released');

    const own = await approve(app, bureauApprover, { indicator: IND, period: '2022-06', override: 'city figure includes 市本级 unallocated' });
    t.same([own.status, own.body.error], [409, 'four_eyes'], 'its poster may not approve it, whatever token it uses');
    const failed = await approve(app, city, { indicator: IND, period: '2022-06' });
    t.same([failed.status, failed.body.error], [409, 'review_failed']);
    t.match(failed.body.details, [{ field: 'totals', region: CITY, expected: 126 * 1.002, actual: 126 }]);
    const short = await approve(app, city, { indicator: IND, period: '2022-06', override: 'too short' });
    t.same([short.status, short.body.details[0].field], [400, 'override'], 'an override under ten characters');
    const before = Date.now();
    const ok = await approve(app, city, { indicator: IND, period: '2022-06', override: '市本级 figures not allocated to a county', note: 'checked against 联网直报' });
    t.equal(ok.status, 200);
    t.match(ok.body, { state: 'approved', by: 'city-review' });
    t.ok(Date.parse(ok.body.publishedAt) >= before, 'public from the approval instant');
    const history = await call(app, { method: 'GET', url: `/v1/observations/history?indicator=${IND}&region=331023&period=2022-06` });
    t.equal(history.body.versions[0].publishedAt, ok.body.at, "publishedAt is the approval's instant");
    const approved = await sheet(app, city, '2022-06');
    t.match(approved.body, { state: 'approved', pending: 0, approvals: [{ by: 'city-review', note: 'checked against 联网直报', override: '市本级 figures not allocated to a county' }] });

    // Within 0.05%: no error, approved without an override (the 2021 month was posted by bureau-a too).
    await post(app, month('2021-05', 0.0005), '', undefined, bureau);
    const fine = await sheet(app, city, '2021-05');
    t.same(fine.body.checks.filter((c: { check: string }) => c.check === 'totals'), [], '0.05% off: within tolerance');
    t.equal((await approve(app, city, { indicator: IND, period: '2021-05' })).status, 200);
  });

  t.test('a version posted after an approval waits for the next, in every format, as of and in the feed', async (t) => {
    const app = await buildTestApp(t, { store });
    await reviewOn(app);
    const approver = await token(app, 'approver', 'city-review');
    const since = new Date(Date.now() - 1).toISOString();
    await post(app, [...month('2021-06', 0), ...month('2022-06', 0)]);
    await approve(app, approver, { indicator: IND, period: '2021-06' });
    const first = await approve(app, approver, { indicator: IND, period: '2022-06' });
    t.equal(first.status, 200);
    await sleep(5);
    const revised = 77777.5;
    await post(app, [{ indicator: IND, region: '331023', period: '2022-06', value: revised }]);
    const afterRevision = new Date().toISOString();
    const reads = [
      `/v1/series?indicator=${IND}&region=331023`,
      `/v1/rankings?indicator=${IND}&period=2022-06&parent=${CITY}&by=value`,
      `/v1/rankings?indicator=${IND}&period=2022-06&parent=${CITY}&format=csv`,
      `/v1/observations?indicator=${IND}&format=csv`,
      `/v1/observations?indicator=${IND}&format=sdmx-csv`,
      `/v1/scorecard?region=331023&period=2022-06`,
      `/v1/charts/ranking?indicator=${IND}&period=2022-06&parent=${CITY}&by=value&format=svg`,
      `/v1/observations/history?indicator=${IND}&region=331023&period=2022-06`,
      `/v1/observations/changes?since=${encodeURIComponent(since)}`,
      `/v1/series?indicator=${IND}&region=331023&asOf=${encodeURIComponent(afterRevision)}`,
      `/v1/rankings?indicator=${IND}&period=2022-06&parent=${CITY}&by=value&vintage=first`,
    ];
    for (const url of reads) {
      const r = await call(app, { method: 'GET', url });
      t.equal(r.status, 200, url);
      t.notOk(r.response.body.includes('77777'), `the public: ${url}`);
    }
    const preview = await call(app, { method: 'GET', url: reads[0]!, headers: bearer('preview') });
    t.ok(preview.response.body.includes('77777.5'), 'a privileged caller sees it');
    const pending = await sheet(app, approver, '2022-06');
    t.equal(pending.body.pending, 1);
    t.equal((await call(app, { method: 'POST', url: '/v1/review/reopen', headers: auth(approver), payload: { indicator: IND, period: '2022-06', reason: '天台 revised its figure' } })).body.state, 'open');
    t.notOk((await call(app, { method: 'GET', url: reads[0]! })).response.body.includes('77777'), 'reopened: what was public stays, nothing new');

    const refused = await approve(app, approver, { indicator: IND, period: '2022-06', note: 'the revision checked' });
    t.same([refused.status, refused.body.error], [409, 'review_failed'], "天台's revision no longer adds up to the city's figure");
    const second = await approve(app, approver, { indicator: IND, period: '2022-06', note: 'the revision checked', override: 'the city total is revised next week' });
    t.equal(second.status, 200, 'approving again publishes what waited');
    const now = await call(app, { method: 'GET', url: reads[0]! });
    t.ok(now.response.body.includes('77777.5'));
    const feed = await call(app, { method: 'GET', url: reads[8]! });
    const change = feed.body.changes.find((c: { region: string; period: string; version: number }) => c.region === '331023' && c.period === '2022-06' && c.version === 2);
    t.equal(change?.publishedAt, second.body.at, 'the feed lists it when the approval made it public');
    const asOfBetween = await call(app, { method: 'GET', url: reads[9]! });
    t.notOk(asOfBetween.response.body.includes('77777'), 'as of before the second approval: still the first');
  });

  t.test('bad input and edges', async (t) => {
    const app = await buildTestApp(t, { store });
    const approver = await token(app, 'approver', 'city-review');
    await post(app, month('2022-06', 0));
    const notReviewed = await approve(app, approver, { indicator: IND, period: '2022-06' });
    t.same([notReviewed.status, notReviewed.body.error], [409, 'nothing_to_approve'], 'an indicator not under review');
    // Turning review on keeps what was public public.
    await reviewOn(app);
    const series = await call(app, { method: 'GET', url: `/v1/series?indicator=${IND}&region=331023` });
    t.equal(series.body.points.length, 1, 'a month public before review stays public');
    const empty = await approve(app, approver, { indicator: IND, period: '2023-01' });
    t.same([empty.status, empty.body.error], [409, 'nothing_to_approve'], 'a month with no figure');
    t.equal((await approve(app, approver, { indicator: IND, period: '2022-06', note: 'x'.repeat(501) })).status, 400, 'a note over 500 characters');
    t.equal((await call(app, { method: 'POST', url: '/v1/review/approve', headers: bearer('writer'), payload: { indicator: IND, period: '2022-06' } })).status, 403, 'a writer approves nothing');
    t.equal((await call(app, { method: 'GET', url: `/v1/review?indicator=${IND}&period=2022-06`, headers: bearer('reader') })).status, 403, 'a reader reads no sheet');
    t.equal((await call(app, { method: 'GET', url: `/v1/review?indicator=${IND}&period=2022-06` })).status, 401);
    const scoped = await token(app, 'approver', 'other-approver', { indicators: ['manufacturing_investment'] });
    t.equal((await approve(app, scoped, { indicator: IND, period: '2022-06' })).status, 403, "an approver's indicators bound what it approves");
    // A parent without a figure of its own: a warning, never a fault.
    await post(app, COUNTIES.map((region, i) => ({ indicator: IND, region, period: '2022-07', value: 5 + i })));
    const noParent = await sheet(app, approver, '2022-07');
    t.equal(noParent.status, 200);
    t.match(noParent.body.checks.filter((c: { check: string }) => c.check === 'totals'), [{ severity: 'warning', region: CITY }]);
    const late = await call(app, { method: 'PUT', url: '/v1/releases', headers: bearer('admin'), payload: { releases: [{ indicator: IND, period: '2022-07', releaseAt: new Date(Date.now() - 1000).toISOString() }] } });
    t.equal(late.status, 200);
    const releases = await call(app, { method: 'GET', url: `/v1/releases?indicator=${IND}` });
    t.match(releases.body.releases, [{ period: '2022-07', released: true, awaitingApproval: true }], 'a release time passed on a month still waiting');
    t.ok((await sheet(app, approver, '2022-07')).body.checks.some((c: { check: string }) => c.check === 'late'), 'and the sheet says it is late');
    t.equal((await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=2022-07&parent=${CITY}` })).status, 404, 'released nothing');
  });
});
