/**
 * Expensive answers are bounded (issue 23 items 5 and 10): an answer
 * compares at most MAX_PEERS peers (a larger parent or group is a 400
 * naming it, answered at once), a report's ranking chart draws the top
 * ones and the region reported on, never every peer, and a stored report
 * is drawn once per version however many ask for it at once.
 */
import { strFromU8, unzipSync } from 'fflate';
import t from 'tap';
import { MAX_PEERS } from '../../src/services/catalog.ts';
import { REPORT_CHART_TOP } from '../../src/domain/peers-shown.ts';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';

const IND = 'industrial_investment';

forEachStore(t, (t, store) => {
  t.test(`a parent or group of more than ${MAX_PEERS} peers is refused at once, naming it`, async (t) => {
    const app = await buildTestApp(t, { store });
    const regions = [{ code: 'BIG', name: '大市', parent: null }, ...Array.from({ length: MAX_PEERS + 1 }, (_, i) => ({ code: `B${i}`, name: `县${i}`, parent: 'BIG' }))];
    t.equal((await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions } })).status, 200);
    const members = regions.slice(1).map((r) => r.code);
    t.equal((await call(app, { method: 'PUT', url: '/v1/groups', headers: bearer('admin'), payload: { groups: [{ code: 'ALL', name: '全部', members }] } })).status, 200);
    await post(app, [{ indicator: IND, region: 'B1', period: '2022-06', value: 1 }]);
    const urls = [
      `/v1/rankings?indicator=${IND}&period=2022-06&parent=BIG`,
      `/v1/rankings?indicator=${IND}&period=2022-06&parent=BIG&format=xlsx`,
      `/v1/rankings?indicator=${IND}&period=2022-06&parent=BIG&by=completion`,
      `/v1/progress?indicator=${IND}&period=2022-06&parent=BIG&format=csv`,
      `/v1/scorecard?region=B1&period=2022-06`,
      `/v1/charts/ranking?indicator=${IND}&period=2022-06&parent=BIG&format=svg`,
      `/v1/charts/rank-history?indicator=${IND}&parent=BIG&from=2022-01&to=2022-06`,
      `/v1/charts/scorecard?region=B1&period=2022-06`,
    ];
    for (const url of urls) {
      const started = Date.now();
      const r = await call(app, { method: 'GET', url });
      t.same([r.status, r.body.details?.[0]?.field], [400, 'parent'], url);
      t.ok(Date.now() - started < 2_000, `${url} answered at once`);
    }
    const group = await call(app, { method: 'GET', url: `/v1/rankings?indicator=${IND}&period=2022-06&group=ALL` });
    t.same([group.status, group.body.details[0].field], [400, 'group']);
    t.match(group.body.message, String(MAX_PEERS));
    // Listing a parent's children pages through them: no bound there.
    const list = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}&parent=BIG` });
    t.equal(list.status, 200);
    // The schedule says why it wrote no report for them.
    const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-06', regions: ['B1'] } });
    t.equal(run.status, 200);
    t.match(run.body.failures, [{ region: 'B1', message: /at most 5000 peers/ }]);
  });

  t.test('a report draws its ranking charts for the top peers and the region, once per version', async (t) => {
    const app = await buildTestApp(t, { store });
    const peers = 60;
    const regions = [{ code: 'PX', name: '某市', parent: null as string | null }, ...Array.from({ length: peers }, (_, i) => ({ code: `P${String(i).padStart(2, '0')}`, name: `第${i}县`, parent: 'PX' }))];
    t.equal((await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions } })).status, 200);
    // The region reported on ranks last; a third of the peers have no figure this month.
    const rows = regions.slice(1).flatMap((r, i) => [
      { indicator: IND, region: r.code, period: '2021-06', value: 100 },
      ...(i % 3 === 1 ? [] : [{ indicator: IND, region: r.code, period: '2022-06', value: r.code === 'P59' ? 1 : 200 - i }]),
    ]);
    t.equal((await post(app, rows)).status, 200);
    const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-06', regions: ['P59'] } });
    t.equal(run.status, 200);

    const json = await call(app, { method: 'GET', url: '/v1/reports/P59/2022-06' });
    const facts = json.body.facts.indicators.find((f: { indicator: string }) => f.indicator === IND);
    t.equal(facts.peers.length, REPORT_CHART_TOP + 1, 'the report keeps what its chart draws: the top ones and the region');
    t.ok(facts.peers.some((p: { region: string }) => p.region === 'P59'));
    t.equal(facts.rankedPeers, 40, 'and how many were ranked');
    t.equal(facts.missingPeersTotal, 20);
    t.ok(facts.missingPeers.length <= 12, 'the unranked: a few named, and how many');

    const html = await call(app, { method: 'GET', url: '/v1/reports/P59/2022-06.html' });
    t.equal(html.status, 200);
    t.match(html.body, `仅显示前${REPORT_CHART_TOP}名及所选地区,共40个地区有排名`);
    t.match(html.body, /未排名:[^<]*等20个/);
    t.notMatch(html.body, '第30县', 'a peer ranked just beyond the top is not drawn');
    t.match(html.body, '第29县', 'the twentieth is');

    const before = app.services.render.started;
    const docs = await Promise.all([1, 2, 3].map(() => app.inject({ method: 'GET', url: '/v1/reports/P59/2022-06.docx' })));
    t.same(docs.map((d) => d.statusCode), [200, 200, 200]);
    t.ok(docs.every((d) => d.rawPayload.equals(docs[0]!.rawPayload)), 'the same document to each');
    t.equal(app.services.render.started - before, 1, 'drawn once for three requests');
    const again = await app.inject({ method: 'GET', url: '/v1/reports/P59/2022-06.docx' });
    t.equal(again.statusCode, 200);
    t.equal(app.services.render.started - before, 1, 'and not again for the next');
    const text = Object.entries(unzipSync(new Uint8Array(docs[0]!.rawPayload)))
      .filter(([name]) => name.endsWith('.xml'))
      .map(([, bytes]) => strFromU8(bytes))
      .join('\n');
    t.match(text, '等20个地区未参与排名', 'the gaps section names a few and counts the rest');
  });
});
