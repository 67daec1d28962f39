/** The release calendar's routes and withdrawals (API.md "Release calendar and embargo", Observations). */
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';

const IND = 'industrial_investment';

forEachStore(t, (t, store) => {
  t.test('releases: set, moved, ended, every setting kept with when and by whom', async (t) => {
    const app = await buildTestApp(t, { store });
    const put = (releases: unknown[], role: 'admin' | 'writer' | 'reader' | 'preview' = 'admin') =>
      call(app, { method: 'PUT', url: '/v1/releases', headers: bearer(role), payload: { releases } });
    t.same((await put([{ indicator: IND, period: '2022-06', releaseAt: '2099-07-15T10:00:00+08:00' }])).body, { upserted: 1 });
    t.same((await put([{ indicator: IND, period: '2022-06', releaseAt: '2099-07-16T10:00:00+08:00' }])).body, { upserted: 1 }, 'a PUT moves it');
    let list = (await call(app, { method: 'GET', url: '/v1/releases' })).body.releases;
    t.equal(list.length, 1);
    t.same([list[0].releaseAt, list[0].released], ['2099-07-16T02:00:00.000Z', false], 'in UTC, and not yet released');
    t.same(list[0].changes.map((c: { releaseAt: string; by: string }) => [c.releaseAt, c.by]), [['2099-07-15T02:00:00.000Z', 'admin'], ['2099-07-16T02:00:00.000Z', 'admin']]);
    const ended = await call(app, { method: 'DELETE', url: `/v1/releases/${IND}/2022-06`, headers: bearer('admin') });
    t.equal(ended.status, 200);
    t.same([ended.body.releases[0].releaseAt, ended.body.releases[0].released], [null, true], 'ended now: public on receipt');
    list = (await call(app, { method: 'GET', url: `/v1/releases?indicator=${IND}&from=2022-01&to=2022-12` })).body.releases;
    t.equal(list[0].changes.length, 3, 'the ending is a setting too');
    t.same((await call(app, { method: 'GET', url: '/v1/releases?from=2023-01' })).body.releases, [], 'months filter');

    // Refused, naming the field, and nothing stored.
    const noOffset = await put([{ indicator: IND, period: '2022-07', releaseAt: '2099-07-15T10:00:00' }]);
    t.same([noOffset.status, noOffset.body.details[0].field], [400, 'releases.0.releaseAt'], 'a time without an offset');
    const unknown = await put([{ indicator: 'no_such', period: '2022-07', releaseAt: '2099-07-15T10:00:00Z' }]);
    t.same([unknown.status, unknown.body.details[0].field], [400, 'indicator']);
    const twice = await put([
      { indicator: IND, period: '2022-07', releaseAt: '2099-07-15T10:00:00Z' },
      { indicator: IND, period: '2022-07', releaseAt: '2099-07-16T10:00:00Z' },
    ]);
    t.same([twice.status, twice.body.details[0].row], [400, 2], 'a month twice in one request');
    t.equal((await put([{ indicator: IND, period: '2022-08', releaseAt: '2099-07-15T10:00:00Z' }], 'writer')).status, 403, 'admin only');
    t.equal((await put([{ indicator: IND, period: '2022-08', releaseAt: '2099-07-15T10:00:00Z' }], 'preview')).status, 403, 'preview reads, never writes');
    t.equal((await call(app, { method: 'DELETE', url: `/v1/releases/${IND}/2022-09`, headers: bearer('admin') })).status, 404, 'no release to end');
    t.equal((await call(app, { method: 'GET', url: '/v1/releases' })).body.releases.length, 1, 'nothing of the refused requests stored');
  });

  t.test('a withdrawal is a version: gone from reads, kept in history and as of before it, listed as D', async (t) => {
    const app = await buildTestApp(t, { store });
    const since = new Date(Date.now() - 1000).toISOString();
    await post(app, [
      { indicator: IND, region: '331023', period: '2021-06', value: 10 },
      { indicator: IND, region: '331023', period: '2022-06', value: 15 },
      { indicator: IND, region: '331022', period: '2021-06', value: 10 },
      { indicator: IND, region: '331022', period: '2022-06', value: 11 },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = new Date().toISOString();
    const del = (role: 'writer' | 'reader' | 'admin', period = '2022-06') => call(app, { method: 'DELETE', url: `/v1/observations/${IND}/331023/${period}`, headers: bearer(role) });
    t.equal((await del('reader')).status, 403);
    t.same((await del('writer')).body, { withdrawn: true, version: 2 });
    t.equal((await del('writer')).status, 404, 'nothing current to withdraw');
    t.equal((await del('admin', '2019-01')).status, 404);
    t.equal((await call(app, { method: 'DELETE', url: `/v1/observations/${IND}/331023/2022-13`, headers: bearer('writer') })).body.details[0].field, 'period');
    const ranking = await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=2022-06&parent=331000` });
    t.same(ranking.body.rows.map((r: { region: string }) => r.region), ['331022'], 'rankings no longer see it');
    t.ok(ranking.body.missing.some((m: { region: string; reason: string }) => m.region === '331023' && m.reason === 'no-figure'));
    const history = await call(app, { method: 'GET', url: `/v1/observations/history?indicator=${IND}&region=331023&period=2022-06` });
    t.same(history.body.versions.map((v: { version: number; action: string; value: number | null; by: string }) => [v.version, v.action, v.value, v.by]), [
      [1, 'I', 15, 'alice'],
      [2, 'D', null, 'alice'],
    ]);
    const asOf = await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=2022-06&parent=331000&asOf=${before}` });
    t.same(asOf.body.rows.map((r: { region: string }) => r.region), ['331023', '331022'], 'as of before the withdrawal it still answers');
    const feed = await call(app, { method: 'GET', url: `/v1/observations/changes?since=${since}` });
    const mine = feed.body.changes.filter((c: { region: string; period: string }) => c.region === '331023' && c.period === '2022-06');
    t.same(mine.map((c: { version: number; action: string; value: number | null }) => [c.version, c.action, c.value]), [
      [1, 'I', 15],
      [2, 'D', null],
    ]);
    t.same((await post(app, [{ indicator: IND, region: '331023', period: '2022-06', value: 15.5 }])).body.created, 1, 'posting it again creates it anew');
    t.equal((await call(app, { method: 'GET', url: `/v1/observations/history?indicator=${IND}&region=331023&period=2022-06` })).body.versions.at(-1).version, 3);
  });
});
