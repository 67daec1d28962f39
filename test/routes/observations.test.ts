import t from 'tap';
import iconv from 'iconv-lite';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';

forEachStore(t, (t, store) => {
  const TIANTAI = '331023';
  const SANMEN = '331022';
  const row = (over: Record<string, unknown> = {}) => ({ indicator: 'industrial_investment', region: TIANTAI, period: '2022-06', value: 34.58, ...over });
  const slice = async (app: Awaited<ReturnType<typeof buildTestApp>>, period = '2022-06') =>
    (await app.store.slices('industrial_investment', [period], null)).map((o) => [o.region, o.value, o.yoy, o.status]).sort();

  t.test('JSON: created, unchanged, revised, and the versions', async (t) => {
    const app = await buildTestApp(t, { store });
    let r = await post(app, [row({ yoy: 122.4, status: 'p' }), row({ region: SANMEN, value: 27.85 })]);
    t.equal(r.status, 200);
    t.same(r.body, { accepted: 2, created: 2, revised: 0, unchanged: 0, dryRun: false, warnings: [] });
    r = await post(app, [row({ yoy: 122.4, status: 'p' }), row({ region: SANMEN, value: 27.85 })]);
    t.same([r.body.created, r.body.revised, r.body.unchanged], [0, 0, 2], 'identical rows are unchanged');
    r = await post(app, [row({ value: 34.61, yoy: 122.4, status: 'r' })]);
    t.same([r.body.created, r.body.revised, r.body.unchanged], [0, 1, 0], 'a changed figure is a revision');
    r = await post(app, [row({ value: 34.61, status: 'r' })]);
    t.equal(r.body.revised, 1, 'a row without yoy withdraws the reported growth');

    const h = await call(app, { method: 'GET', url: `/v1/observations/history?indicator=industrial_investment&region=${TIANTAI}&period=2022-06` });
    t.equal(h.status, 200);
    t.same(
      h.body.versions.map((v: any) => [v.value, v.yoy, v.status, v.by]),
      [
        [34.58, 122.4, 'p', 'alice'],
        [34.61, 122.4, 'r', 'alice'],
        [34.61, null, 'r', 'alice'],
      ],
      'oldest first, by the token holder, the last is current',
    );
    t.ok(h.body.versions.every((v: any) => !Number.isNaN(Date.parse(v.receivedAt))), 'receive times');
    const s = await call(app, { method: 'GET', url: `/v1/series?indicator=industrial_investment&region=${TIANTAI}` });
    t.same(s.body.points.map((p: any) => [p.period, p.value, p.status]), [['2022-06', 34.61, 'r']], 'the series shows the current figure');
  });

  t.test('dry run validates and counts without storing', async (t) => {
    const app = await buildTestApp(t, { store });
    await post(app, [row()]);
    const r = await post(app, [row({ value: 35 }), row({ region: SANMEN })], '?dryRun=true');
    t.same(r.body, { accepted: 2, created: 1, revised: 1, unchanged: 0, dryRun: true, warnings: [] });
    t.same(await slice(app), [[TIANTAI, 34.58, null, null]], 'nothing stored');
    const bad = await call(app, { method: 'POST', url: '/v1/observations?dryRun=yes', headers: bearer('writer'), payload: { observations: [] } });
    t.equal(bad.status, 400);
    t.equal(bad.body.details[0].field, 'dryRun');
  });

  t.test('plausibility warnings come back with accepted and dry-run batches', async (t) => {
    const app = await buildTestApp(t, { store });
    await post(app, [row({ period: '2021-06', value: 100 }), row({ period: '2022-05', value: 130 })]);
    for (const query of ['?dryRun=true', '']) {
      const r = await post(app, [row({ period: '2022-06', value: 120, yoy: 35.0 })], query);
      t.equal(r.status, 200);
      t.same(r.body.warnings.map((w: any) => [w.row, w.field]), [[1, 'value'], [1, 'yoy']], `falling ytd and a growth 15 points off ${query}`);
      t.match(r.body.warnings[0].message, /1-5月/);
    }
  });

  t.test('an empty batch is a 200 with zero counts', async (t) => {
    const app = await buildTestApp(t, { store });
    const r = await post(app, []);
    t.same(r.body, { accepted: 0, created: 0, revised: 0, unchanged: 0, dryRun: false, warnings: [] });
  });

  t.test('every bad row is reported and nothing is stored', async (t) => {
    const app = await buildTestApp(t, { store });
    await post(app, [row()]);
    const rows = [
      row({ value: 1 }), // 1: fine on its own
      row({ indicator: 'no_such_indicator', period: '2022-05' }), // 2
      row({ region: '999999', period: '2022-05' }), // 3
      row({ period: '2022-13' }), // 4
      row({ period: '22-06' }), // 5
      row({ value: 'abc', period: '2022-04' }), // 6
      row({ period: '2022-03', value: null }), // 7
      row({ value: 1 }), // 8: duplicates row 1
      row({ status: 'x', period: '2022-02' }), // 9
      row({ region: 'bad code!', period: '2022-05' }), // 10
      { indicator: 'industrial_investment', region: TIANTAI, period: '2022-01' }, // 11: no value
      row({ extra: 1, period: '2021-12' }), // 12
      'not an object', // 13
      row({ yoy: '12%', period: '2021-11' }), // 14
    ];
    const r = await post(app, rows);
    t.equal(r.status, 400);
    t.equal(r.body.error, 'validation_failed');
    const got = r.body.details.map((d: any) => [d.row, d.field]);
    t.same(got, [
      [2, 'indicator'],
      [3, 'region'],
      [4, 'period'],
      [5, 'period'],
      [6, 'value'],
      [7, 'value'],
      [8, 'period'],
      [9, 'status'],
      [10, 'region'],
      [11, 'value'],
      [12, 'extra'],
      [13, 'row'],
      [14, 'yoy'],
    ]);
    t.match(r.body.details.find((d: any) => d.row === 8).message, /also in row 1/);
    t.match(r.body.message, /13 of 14 rows/);
    t.same(await slice(app), [[TIANTAI, 34.58, null, null]], 'the good row 1 was not stored either');
  });

  t.test('malformed bodies, content types and sizes', async (t) => {
    const app = await buildTestApp(t, { store, env: { MAX_BODY_MB: '1' } });
    const send = (payload: string | Buffer, type: string) =>
      call(app, { method: 'POST', url: '/v1/observations', headers: { ...bearer('writer'), 'content-type': type }, payload });
    let r = await send('{"observations": [', 'application/json');
    t.same([r.status, r.body.error], [400, 'bad_request'], 'malformed JSON');
    r = await send('{"rows": []}', 'application/json');
    t.same([r.status, r.body.error, r.body.details[0].field], [400, 'validation_failed', 'observations'], 'wrong shape');
    r = await send('{"observations": {}}', 'application/json');
    t.same([r.status, r.body.details[0].field], [400, 'observations'], 'observations not an array');
    r = await send('[1,2]', 'application/json');
    t.equal(r.status, 400, 'an array body');
    r = await send('indicator,region', 'application/xml');
    t.same([r.status, r.body.error], [415, 'unsupported_media_type']);
    r = await send(Buffer.alloc(2 * 1024 * 1024, 0x20), 'application/json');
    t.same([r.status, r.body.error], [413, 'payload_too_large'], 'over the body limit');
    r = await send('indicator,region,period,value\n"unterminated,331023,2022-06,1\n', 'text/csv');
    t.same([r.status, r.body.error], [400, 'bad_request'], 'broken CSV quoting');
    r = await send('indicator,region,period,value\nindustrial_investment,331023,2022-06,1,extra\n', 'text/csv');
    t.equal(r.status, 400, 'a record with too many cells');
    r = await send(Buffer.from([0x69, 0x6e, 0xff, 0xfe, 0x0a]), 'text/csv; charset=utf-8');
    t.same([r.status, r.body.error], [400, 'bad_request'], 'invalid UTF-8 declared as UTF-8');
    r = await send('a,b', 'text/csv; charset=klingon');
    t.equal(r.status, 415, 'an unknown charset');
    t.same(await slice(app), [], 'nothing stored by any of them');
  });

  t.test('more rows than the limit is a 413', async (t) => {
    const app = await buildTestApp(t, { store, env: { MAX_ROWS: '50000' } });
    const rows = Array.from({ length: 50_001 }, (_, i) => row({ period: `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}` }));
    const r = await post(app, rows);
    t.same([r.status, r.body.error], [413, 'payload_too_large']);
  });

  t.test('50,000 rows in one request, stored in one go', async (t) => {
    const app = await buildTestApp(t, { store });
    const regions = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];
    const indicators = ['industrial_investment', 'manufacturing_investment', 'fixed_asset_investment', 'retail_sales', 'fiscal_revenue'];
    const rows = [];
    for (let i = 0; rows.length < 50_000; i++) {
      const month = i % 1112;
      rows.push({
        indicator: indicators[Math.floor(i / 1112 / 9) % 5],
        region: regions[Math.floor(i / 1112) % 9],
        period: `${1900 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`,
        value: 1000 + i,
      });
    }
    const r = await post(app, rows);
    t.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    t.same([r.body.accepted, r.body.created], [50_000, 50_000]);
    t.equal((await app.store.series('retail_sales', '331023', null, null)).length, 1112);
  });

  t.test('CSV: UTF-8 with and without BOM, GB18030, tabs, Chinese headers', async (t) => {
    const app = await buildTestApp(t, { store });
    const csv = 'indicator,region,period,value,yoy,status\r\nindustrial_investment,331023,2022-06,34.58,122.4,p\r\nindustrial_investment,331022,2022-06,"1,027.85",,\r\n,,,,,\r\n';
    const send = (payload: Buffer, type = 'text/csv') =>
      call(app, { method: 'POST', url: '/v1/observations', headers: { ...bearer('writer'), 'content-type': type }, payload });
    let r = await send(Buffer.from(csv, 'utf8'));
    t.same([r.status, r.body.created], [200, 2], 'UTF-8; a trailing record of empty cells (as Excel leaves) is skipped');
    t.same(await slice(app), [
      ['331022', 1027.85, null, null],
      [TIANTAI, 34.58, 122.4, 'p'],
    ], 'thousands separators and empty yoy/status');
    r = await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')]));
    t.same([r.status, r.body.unchanged], [200, 2], 'UTF-8 with BOM reads the same');

    const chinese = '指标,地区,时期,数值,同比\nindustrial_investment,331023,2022-05,30.1,118.2%\n';
    r = await send(iconv.encode(chinese, 'gbk'));
    t.same([r.status, r.body.created], [200, 1], 'GBK detected without a charset, Chinese headers, 118.2%');
    r = await send(iconv.encode(chinese.replace('2022-05', '2022-04'), 'gb18030'), 'text/csv; charset=GB18030');
    t.same([r.status, r.body.created], [200, 1], 'GB18030 declared');
    const tsv = iconv.encode('indicator\tregion\tperiod\tvalue\nindustrial_investment\t331023\t2022-03\t20\n', 'utf-16le');
    r = await send(Buffer.concat([Buffer.from([0xff, 0xfe]), tsv]));
    t.same([r.status, r.body.created], [200, 1], "Excel's Unicode text: UTF-16 with BOM, tab-separated");

    r = await send(Buffer.from('indicator,region,period\nindustrial_investment,331023,2022-06\n'));
    t.same([r.status, r.body.details[0].row, r.body.details[0].field], [400, 0, 'value'], 'a missing column is a header fault, row 0');
    r = await send(Buffer.from('indicator,region,period,value,colour\n'));
    t.same([r.status, r.body.details[0].row, r.body.details[0].field], [400, 0, 'colour'], 'an unknown column');
    r = await send(Buffer.from('indicator,region,period,value\nindustrial_investment,331023,2022-06,abc\nindustrial_investment,331023,2022-13,1\n'));
    t.same(r.body.details.map((d: any) => [d.row, d.field]), [[1, 'value'], [2, 'period']], 'records count from 1 after the header');
    r = await send(Buffer.from(''));
    t.same([r.status, r.body.accepted], [200, 0], 'an empty CSV body is an empty batch');
  });

  t.test('writes need a writer or admin token', async (t) => {
    const app = await buildTestApp(t, { store });
    let r = await call(app, { method: 'POST', url: '/v1/observations', payload: { observations: [row()] } });
    t.same([r.status, r.body.error], [401, 'unauthorized'], 'no token');
    r = await post(app, [row()], '', 'reader');
    t.same([r.status, r.body.error], [403, 'forbidden'], 'reader');
    r = await call(app, { method: 'POST', url: '/v1/observations', headers: { authorization: 'Bearer wrong-token-0123456789' }, payload: { observations: [row()] } });
    t.equal(r.status, 401, 'a bad token');
    t.same(await slice(app), [], 'nothing stored');
    r = await post(app, [row()], '', 'admin');
    t.equal(r.status, 200, 'admin');
    const h = await call(app, { method: 'GET', url: `/v1/observations/history?indicator=industrial_investment&region=${TIANTAI}&period=2022-06` });
    t.equal(h.body.versions[0].by, 'admin', 'by names the role when the token has no holder name');
  });

  t.test('history: bad and unknown parameters', async (t) => {
    const app = await buildTestApp(t, { store });
    let r = await call(app, { method: 'GET', url: '/v1/observations/history?indicator=industrial_investment&region=331023&period=2022-13' });
    t.same([r.status, r.body.details[0].field], [400, 'period']);
    r = await call(app, { method: 'GET', url: '/v1/observations/history?indicator=nope&region=331023&period=2022-06' });
    t.same([r.status, r.body.error, r.body.details[0].field], [404, 'not_found', 'indicator']);
    r = await call(app, { method: 'GET', url: '/v1/observations/history?indicator=industrial_investment&region=331023&period=2022-06' });
    t.same([r.status, r.body.versions], [200, []], 'a figure never posted has no versions');
  });
});
