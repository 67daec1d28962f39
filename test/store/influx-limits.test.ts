/**
 * influxd's limits on new tag values and series (`max-values-per-tag`,
 * `max-series-per-database`) refuse for good: a real influxd started with
 * small limits. A refusal is a 507 naming the limit, not a 503 to repeat;
 * a refused batch leaves nothing visible; the catalog, which keeps codes out
 * of tags, still takes entries; data written in the earlier layout reads.
 */
import { HttpError, Point } from '@influxdata/influxdb-client';
import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { StoreUnavailableError } from '../../src/errors.ts';
import { InfluxWriteError, limitRefusal, StorageLimitError } from '../../src/store/influxdb/http.ts';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';
import { LineWriter } from '../../src/store/influxdb/line-writer.ts';
import { bearer, buildTestApp, call, post } from '../helpers/app.ts';
import { forwarder, freshDatabase, Influxd } from '../helpers/influxd.ts';

const VALUES_PER_TAG = 200;
const SERIES_PER_DATABASE = 1_000;
const TAIZHOU = '331000';
const IND = 'industrial_investment';
const quiet = { warn() {}, info() {} };

// One influxd with small limits for the file (the shared one has influxd's defaults).
let limited: Promise<Influxd> | null = null;
function limitedInfluxd(t: Test): Promise<Influxd> {
  if (limited === null) {
    limited = Influxd.create({ maxValuesPerTag: VALUES_PER_TAG, maxSeriesPerDatabase: SERIES_PER_DATABASE });
    let root = t;
    while (root.parent !== undefined && root.parent !== null) root = root.parent as Test;
    root.teardown(async () => (await limited!).destroy());
  }
  return limited;
}

async function limitedApp(t: Test, options: { database?: string; api?: 'v1' | 'v2' } = {}): Promise<FastifyInstance> {
  const influxd = await limitedInfluxd(t);
  const api = options.api ?? 'v1';
  const url = api === 'v1' ? influxd.url : await forwarder(t, influxd.url);
  return buildTestApp(t, { env: { STORE: 'influxdb', INFLUX_URL: url, INFLUX_DATABASE: options.database ?? freshDatabase(), INFLUX_API: api } });
}

const code = (prefix: string, i: number) => `${prefix}${String(i).padStart(3, '0')}`;
const regions = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ code: code(prefix, from + i), name: `区${prefix}${from + i}`, parent: TAIZHOU }));
const figures = (indicator: string, prefix: string, from: number, to: number, period: string, value = 1) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ indicator, region: code(prefix, from + i), period, value: value + from + i }));
const putRegions = (app: FastifyInstance, list: unknown[]) => call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions: list } });

async function influxql(influxd: Influxd, database: string, q: string): Promise<unknown[][]> {
  const answer = await fetch(`${influxd.url}/query?db=${database}&epoch=s&q=${encodeURIComponent(q)}`);
  const json = (await answer.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
  return (json.results[0]?.series ?? []).flatMap((s) => s.values);
}

t.test('influxd refuses new region tag values: 507 naming the limit, nothing of the batch visible, until the limit is raised', async (t) => {
  const influxd = await limitedInfluxd(t);
  const database = freshDatabase();
  let app = await limitedApp(t, { database });
  t.equal((await putRegions(app, regions('L', 1, 260))).status, 200, '260 regions');
  const first = await post(app, figures(IND, 'L', 1, VALUES_PER_TAG, '2022-01'));
  t.same([first.status, first.body.created], [200, VALUES_PER_TAG], `figures for ${VALUES_PER_TAG} regions: the region tag of "observation" is at the limit`);

  const more = await putRegions(app, regions('M', 1, 40));
  t.equal(more.status, 200, `the catalog takes more regions past the limit (codes are not tags): ${more.body.message ?? ''}`);
  t.ok((await call(app, { method: 'GET', url: '/v1/regions' })).body.regions.some((r: any) => r.code === 'M040'), 'and lists them');
  t.same(await influxql(influxd, database, 'SHOW TAG KEYS FROM "catalog"'), [['kind']], 'the catalog has one tag, its kind');

  // 200 figures of regions influxd knows, 9 of regions it would need new tag values for.
  const batch = [...figures(IND, 'L', 1, VALUES_PER_TAG, '2022-02', 1000), ...figures(IND, 'L', VALUES_PER_TAG + 1, VALUES_PER_TAG + 9, '2022-02', 1000)];
  const refused = await post(app, batch);
  t.equal(refused.status, 507, 'insufficient storage, not 503');
  t.equal(refused.body.error, 'insufficient_storage');
  t.match(refused.body.message, /max-values-per-tag limit \(200\) is reached/, 'names the limit');
  t.match(refused.body.message, /measurement "observation" has 200 values of tag "region"/, 'and where');
  t.match(refused.body.message, /raise max-values-per-tag in the \[data\] section of influxdb\.conf .*0 removes the limit.* restart influxd/, 'and how to raise it');
  t.match(refused.body.message, /Nothing of this batch was stored/, 'and what the batch left');
  t.same(refused.body.details, [{ field: 'max-values-per-tag', message: 'measurement "observation", tag "region": 200 values of at most 200' }]);
  t.equal(refused.response.headers['retry-after'], undefined, 'no Retry-After: repeating cannot help');

  const again = await post(app, batch);
  t.same([again.status, again.body.error, again.body.message], [507, 'insufficient_storage', refused.body.message], 'a repeat answers the same');

  const keys = batch.map(({ indicator, region, period }) => ({ indicator, region, period }));
  t.same(await app.store.figuresAt(keys), [], 'no figure of the refused batch is readable');
  const series = await call(app, { method: 'GET', url: `/v1/series?indicator=${IND}&region=L001` });
  t.same([series.status, series.body.points.map((p: any) => p.period)], [200, ['2022-01']], 'reads answer 200 with what was there before');
  t.same(await app.store.history({ indicator: IND, region: 'L001', period: '2022-02' }), [], 'no version of it either');
  t.same(await influxql(influxd, database, 'SELECT count("value") FROM "observation"'), [[0, VALUES_PER_TAG]], 'influxd holds only the earlier figures');
  t.same(await influxql(influxd, database, 'SHOW TAG VALUES FROM "receipt" WITH KEY = "lane"'), [['lane', '0']], 'the refused batch reuses its receipt lane: no new tag value per repeat');

  const revised = await post(app, [{ indicator: IND, region: 'L001', period: '2022-01', value: 5 }]);
  t.same([revised.status, revised.body.revised], [200, 1], 'figures of known regions are still revised');

  // One instance writes (the writer lease): the first steps aside for one that writes through /api/v2/write.
  await app.close();
  const v2 = await limitedApp(t, { database, api: 'v2' });
  const throughV2 = await post(v2, batch);
  t.same([throughV2.status, throughV2.body.error], [507, 'insufficient_storage'], 'the same through /api/v2/write (the client library)');
  t.match(throughV2.body.message, /max-values-per-tag limit \(200\)/);
  await v2.close();
  app = await limitedApp(t, { database });

  await influxd.stop();
  try {
    const down = await post(app, batch);
    t.same([down.status, down.body.error], [503, 'not_ready'], 'influxd stopped: 503, a fault a repeat cures');
    t.ok(Number(down.response.headers['retry-after']) > 0, 'with Retry-After');
  } finally {
    await influxd.start();
  }

  // The administrator raises the limit: the same request completes the batch.
  await influxd.stop();
  influxd.configure({ maxValuesPerTag: 0, maxSeriesPerDatabase: SERIES_PER_DATABASE });
  try {
    await influxd.start();
    const done = await post(app, batch);
    t.same([done.status, done.body.created], [200, VALUES_PER_TAG + 9], `the repeat after the limit is raised stores the batch (${done.body.message ?? ''})`);
    t.equal((await app.store.figuresAt(keys)).length, batch.length, 'every figure readable');
    t.same(
      (await app.store.history({ indicator: IND, region: 'L205', period: '2022-02' })).map((v) => [v.value, v.by]),
      [[1205, 'alice']],
      'with its receipt',
    );
  } finally {
    await influxd.stop();
    influxd.configure({ maxValuesPerTag: VALUES_PER_TAG, maxSeriesPerDatabase: SERIES_PER_DATABASE });
    await influxd.start();
  }
});

t.test('influxd refuses new series past max-series-per-database: 507 naming it, nothing of the batch visible', async (t) => {
  await limitedInfluxd(t);
  const database = freshDatabase();
  const app = await limitedApp(t, { database });
  t.equal((await putRegions(app, regions('S', 1, 150))).status, 200);
  const indicators = ['industrial_investment', 'manufacturing_investment', 'fixed_asset_investment', 'retail_sales', 'fiscal_revenue', 'industrial_value_added'];
  const filled = await post(app, indicators.flatMap((i) => figures(i, 'S', 1, 150, '2022-01')));
  t.same([filled.status, filled.body.created], [200, 900], '900 series of figures');
  // 150 figures in series that exist, 150 that would start series past 1,000.
  const batch = [...figures(IND, 'S', 1, 150, '2022-02', 50), ...figures('housing_sales_area', 'S', 1, 150, '2022-01')];
  const refused = await post(app, batch);
  t.same([refused.status, refused.body.error], [507, 'insufficient_storage']);
  t.match(refused.body.message, /max-series-per-database limit \(1000\) is reached/);
  t.match(refused.body.message, /raise max-series-per-database in the \[data\] section of influxdb\.conf/);
  t.match(refused.body.message, /Nothing of this batch was stored/);
  t.equal(refused.response.headers['retry-after'], undefined);
  t.same(await app.store.figuresAt(batch), [], 'nothing of it readable');
  t.same((await call(app, { method: 'GET', url: `/v1/series?indicator=${IND}&region=S001` })).body.points.map((p: any) => p.period), ['2022-01']);
  t.same((await post(app, batch)).status, 507, 'a repeat answers the same');
  const known = await post(app, figures(IND, 'S', 1, 150, '2022-02', 50));
  t.same([known.status, known.body.created], [200, 150], 'a batch in existing series is stored');
});

t.test('a database written by the earlier layout reads, and takes catalog entries past the limit its code tags reached', async (t) => {
  const influxd = await limitedInfluxd(t);
  const database = freshDatabase();
  const store = await InfluxStore.connect({ url: influxd.url, token: undefined, database, org: undefined, api: 'v1', timeoutMs: 10_000 }, quiet);
  t.teardown(() => store.close());
  const write = async (lines: string[]) => {
    // Written by something else, which says so with a new change marker (README).
    const marker = `change data="raw-${Math.random().toString(36).slice(2)}",catalog="raw-${Math.random().toString(36).slice(2)}" 0`;
    const answer = await fetch(`${influxd.url}/write?db=${database}&precision=s`, { method: 'POST', body: [...lines, marker].join('\n') });
    t.equal(answer.status, 204, `raw write: ${answer.status === 204 ? '' : await answer.text()}`);
  };
  const withDoc = (point: Point, doc: unknown) => point.stringField('doc0', JSON.stringify(doc)).intField('chunks', 1);
  // The earlier layout: a catalog entry's code in a tag, at time 0 ...
  const oldEntry = (kind: string, doc: { code: string }, seq: number) =>
    withDoc(new Point('catalog').tag('kind', kind).tag('code', doc.code).intField('seq', seq).timestamp('0'), doc).toLineProtocol()!;
  const oldRegions = Array.from({ length: VALUES_PER_TAG + 10 }, (_, i) => ({ code: code('OLD', i), name: `旧${i}`, parent: null, level: null }));
  const indicator = (code: string, name: string) => ({ code, name, unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent' });
  await write([
    ...oldRegions.map((r) => oldEntry('region', r, 0)),
    oldEntry('group', { code: 'G1', name: '组', members: ['OLD000'] } as { code: string }, 0),
    oldEntry('indicator', indicator('second', '第二'), 2),
    oldEntry('indicator', indicator('first', '第一'), 1),
  ]);
  // ... a report's month and version in tags at the month's time.
  const JUNE = 1_654_041_600;
  const oldReport = (version: number) =>
    withDoc(
      new Point('report')
        .tag('region', 'OLD000')
        .tag('period', '2022-06')
        .tag('version', String(version))
        .intField('generated_at', 1000 * version)
        .stringField('trigger', `manual v${version}`)
        .stringField('digest', `d${version}`)
        .intField('failures', 0)
        .stringField('quotes', '[]')
        .timestamp(String(JUNE)),
      { version },
    ).toLineProtocol()!;
  await write([oldReport(1), oldReport(2)]);
  await store.changes();

  let catalog = await store.loadCatalog();
  t.equal(catalog.regions.length, oldRegions.length, 'regions of the earlier layout read');
  t.same(catalog.groups, [{ code: 'G1', name: '组', members: ['OLD000'] }]);
  t.same(catalog.indicators.map((i) => i.code), ['first', 'second'], 'indicators in their order');

  // The code tag of "catalog" holds more values than influxd now allows: entries go in slots.
  await store.saveCatalog({ regions: [{ code: 'NEW1', name: '新区', parent: 'OLD000', level: null }, { code: 'OLD005', name: '改名', parent: null, level: null }] });
  await store.saveCatalog({ indicators: [indicator('third', '第三') as never, indicator('first', '第一改') as never] });
  catalog = await store.loadCatalog();
  t.equal(catalog.regions.length, oldRegions.length + 1, 'a new region; a renamed one once');
  t.equal(catalog.regions.find((r) => r.code === 'OLD005')?.name, '改名', 'the entry saved later wins over the earlier layout');
  t.equal(catalog.regions.find((r) => r.code === 'NEW1')?.parent, 'OLD000');
  t.same(catalog.indicators.map((i) => [i.code, i.name]), [['first', '第一改'], ['second', '第二'], ['third', '第三']], 'order kept across layouts');
  await store.saveCatalog({ regions: [{ code: 'NEW1', name: '新区改', parent: 'OLD000', level: null }] });
  t.same(
    (await store.loadCatalog()).regions.filter((r) => r.code.startsWith('NEW')).map((r) => r.name),
    ['新区改'],
    'an entry saved again replaces itself in its slot',
  );
  t.same(
    await influxql(influxd, database, 'SELECT "id" FROM "catalog" WHERE "kind" = \'region\''),
    [[1, 'NEW1'], [2, 'OLD005']],
    'one point per code of a kind, at its slot',
  );

  const listed = await store.reports({ region: 'OLD000', period: '2022-06' });
  t.same(listed.map((r) => [r.period, r.version, r.trigger]), [['2022-06', 1, 'manual v1'], ['2022-06', 2, 'manual v2']], 'reports of the earlier layout list');
  t.same((await store.report('OLD000', '2022-06', null))?.facts, { version: 2 }, 'the latest serves');
  t.same((await store.report('OLD000', '2022-06', 1))?.facts, { version: 1 });
  const [third] = await store.saveReports([{ region: 'OLD000', period: '2022-06', generatedAt: new Date(3000), trigger: 'manual v3', digest: 'd3', failures: 0, quotes: ['x|2022-05'], facts: { version: 3 } }]);
  t.equal(third?.version, 3, 'versions go on from the earlier layout');
  t.same((await store.reports({})).map((r) => r.version), [1, 2, 3]);
  t.same((await store.report('OLD000', '2022-06', null))?.quotes, ['x|2022-05']);
  t.same((await store.report('OLD000', '2022-06', 3))?.facts, { version: 3 });
  t.equal(await store.report('OLD000', '2022-07', null), null, 'another month has none');
  t.same(await influxql(influxd, database, 'SHOW TAG VALUES FROM "report" WITH KEY = "version"'), [['version', '1'], ['version', '2']], 'new reports add no version tag');

  // A receipt of the earlier layout (a batch code in a tag) dates its figures.
  await write([
    new Point('receipt').tag('indicator', 'first').tag('batch', 'lk3x-0a1b2c').intField('at', 1234).stringField('by', 'old').intField('parts', 1).stringField('regions0', 'OLD000').timestamp(String(JUNE)).toLineProtocol()!,
    `observation,indicator=first,region=OLD000 value=7 ${JUNE}`,
  ]);
  await store.changes();
  t.same((await store.history({ indicator: 'first', region: 'OLD000', period: '2022-06' })).map((v) => [v.value, v.by, v.receivedAt]), [[7, 'old', 1234]]);
  await store.write([{ indicator: 'first', region: 'OLD000', period: '2022-06', value: 8, yoy: null, status: null }], { by: 'new', receivedAt: new Date(5678) });
  t.same(
    (await store.history({ indicator: 'first', region: 'OLD000', period: '2022-06' })).map((v) => [v.value, v.by, v.receivedAt]),
    [[7, 'old', 1234], [8, 'new', 5678]],
    'and a revision keeps it',
  );
  t.same(await influxql(influxd, database, 'SHOW TAG VALUES FROM "receipt" WITH KEY = "lane"'), [['lane', '1']], 'the receipt after it takes the next lane of its month');
});

t.test("influxd's words for a limit are a 507; other refusals are not", async (t) => {
  const values = 'partial write: max-values-per-tag limit exceeded (100000/100000): measurement="observation" tag="region" value="X1" dropped=9';
  const error = limitRefusal(values);
  t.ok(error instanceof StorageLimitError);
  t.same([error?.statusCode, error?.code, error?.limit, error?.dropped], [507, 'insufficient_storage', 'max-values-per-tag', 9]);
  t.match(error?.message, /limit \(100000\) is reached: measurement "observation" has 100000 values of tag "region" and a new one \("X1"\) is refused/);
  const series = limitRefusal('partial write: max-series-per-database limit exceeded: (1000000) dropped=4783');
  t.same([series?.limit, series?.dropped], ['max-series-per-database', 4783]);
  t.match(series?.message, /max-series-per-database limit \(1000000\)/);
  t.equal(limitRefusal('partial write: field type conflict: input field "value" on measurement "observation" is type string, already exists as type float dropped=1'), null);
  t.equal(limitRefusal('timeout'), null);

  // Through the client library (INFLUX_API v2 and v3): InfluxDB 1.8 answers {"error": …}, 2.x and 3.x {"message": …}.
  const v1 = LineWriter.failure(new HttpError(400, 'Bad Request', JSON.stringify({ error: values }), undefined, 'application/json'));
  t.ok(v1 instanceof StorageLimitError, 'a 1.x answer through /api/v2/write');
  t.notOk(v1 instanceof StoreUnavailableError, 'never a 503');
  const v2 = LineWriter.failure(new HttpError(400, 'Bad Request', JSON.stringify({ code: 'invalid', message: values }), undefined, 'application/json'));
  t.ok(v2 instanceof StorageLimitError, 'a message in 2.x form');
  const other = LineWriter.failure(new HttpError(400, 'Bad Request', JSON.stringify({ code: 'invalid', message: 'unable to parse line' }), undefined, 'application/json'));
  t.ok(other instanceof InfluxWriteError, 'anything else stays as it was');
  const busy = LineWriter.failure(new HttpError(503, 'Service Unavailable', 'busy', '7'));
  t.ok(busy instanceof InfluxWriteError && busy.retriable, 'overload: retried, then 503');
});
