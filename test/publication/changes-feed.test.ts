/**
 * The changes feed (API.md "As of an instant"): every version that became
 * public in a window, oldest first, paged without duplicates or gaps while
 * writes go on, releases included.
 */
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';

const IND = 'industrial_investment';
const REGIONS = Array.from({ length: 1000 }, (_, i) => `F${String(i).padStart(4, '0')}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

forEachStore(t, (t, store) => {
  t.test('10,000 versions in pages of 1,000: none twice, none missed, while writes go on', async (t) => {
    const app = await buildTestApp(t, { store });
    const put = await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions: REGIONS.map((code) => ({ code, name: code, parent: '331000' })) } });
    t.equal(put.status, 200);
    const since = new Date(Date.now() - 1).toISOString();
    // 8,000 first versions over eight months, 1,000 revisions, and 1,000 figures of a month released later.
    const months = ['2022-01', '2022-02', '2022-03', '2022-04', '2022-05', '2022-06', '2022-07', '2022-08'];
    for (const period of months) t.equal((await post(app, REGIONS.map((region, i) => ({ indicator: IND, region, period, value: i + 1 })))).status, 200);
    await post(app, REGIONS.map((region, i) => ({ indicator: IND, region, period: '2022-03', value: i + 1.5 })));
    const releaseAt = Date.now() + 800;
    await call(app, { method: 'PUT', url: '/v1/releases', headers: bearer('admin'), payload: { releases: [{ indicator: IND, period: '2022-09', releaseAt: new Date(releaseAt).toISOString() }] } });
    await post(app, REGIONS.map((region, i) => ({ indicator: IND, region, period: '2022-09', value: i + 2 })));
    await sleep(Math.max(releaseAt - Date.now(), 0) + 100);

    const seen = new Set<string>();
    let previous = '';
    let cursor: string | null = null;
    let until = '';
    let pages = 0;
    // Writes go on while the pages are read: none of them may enter this window.
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing && n < 50; n++) await post(app, REGIONS.slice(0, 50).map((region) => ({ indicator: IND, region, period: '2022-10', value: n })));
    })();
    for (; pages < 20; pages++) {
      const q = new URLSearchParams({ since, limit: '1000', ...(cursor === null ? {} : { cursor }) });
      const page = await call(app, { method: 'GET', url: `/v1/observations/changes?${q}` });
      t.equal(page.status, 200, JSON.stringify(page.body).slice(0, 300));
      if (until === '') until = page.body.until;
      t.equal(page.body.until, until, 'every page keeps the window of the first');
      for (const c of page.body.changes) {
        const key = `${c.indicator}|${c.region}|${c.period}|${c.version}`;
        t.notOk(seen.has(key), `${key} once`);
        seen.add(key);
        const order = `${c.publishedAt}|${c.indicator}|${c.period}|${c.region}|${String(c.version).padStart(10, '0')}`;
        if (order <= previous) t.fail(`out of order: ${order} after ${previous}`);
        previous = order;
      }
      cursor = page.body.next;
      if (cursor === null) break;
      await sleep(5);
    }
    writing = false;
    await writer;
    t.equal(seen.size, 10_000, 'every version of the window, once');
    t.equal(pages + 1, 10, 'in ten pages');
    for (const region of ['F0000', 'F0999']) {
      t.ok(seen.has(`${IND}|${region}|2022-03|1`) && seen.has(`${IND}|${region}|2022-03|2`), 'first versions and revisions');
      t.ok(seen.has(`${IND}|${region}|2022-09|1`), 'figures that became public when their release time passed');
      t.notOk(seen.has(`${IND}|${region}|2022-10|1`), 'nothing written after the window');
    }
    const released = await call(app, { method: 'GET', url: `/v1/observations/changes?${new URLSearchParams({ since, until, indicator: IND, limit: '10000' })}` });
    const september = released.body.changes.filter((c: { period: string }) => c.period === '2022-09');
    t.equal(september.length, 1000);
    t.ok(september.every((c: { publishedAt: string }) => c.publishedAt === new Date(releaseAt).toISOString()), 'published at the release time');

    // The next poll starts where the window ended and finds the writes that went on.
    const next = await call(app, { method: 'GET', url: `/v1/observations/changes?${new URLSearchParams({ since: until })}` });
    t.ok(next.body.changes.length > 0 && next.body.changes.every((c: { period: string }) => c.period === '2022-10'), 'the next window holds the later writes');

    const bad = await call(app, { method: 'GET', url: `/v1/observations/changes?${new URLSearchParams({ since, cursor: 'nonsense' })}` });
    t.same([bad.status, bad.body.details[0].field], [400, 'cursor']);
    const future = await call(app, { method: 'GET', url: `/v1/observations/changes?${new URLSearchParams({ since, until: new Date(Date.now() + 60_000).toISOString() })}` });
    t.same([future.status, future.body.details[0].field], [400, 'until']);
    t.equal((await call(app, { method: 'GET', url: '/v1/observations/changes' })).body.details[0].field, 'since');
  });
});
