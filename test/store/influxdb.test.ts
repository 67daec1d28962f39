import t from 'tap';
import type { Indicator } from '../../src/domain/types.ts';
import type { InfluxApi } from '../../src/store/influxdb/http.ts';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';
import type { StoredFigure } from '../../src/store/influxdb/lines.ts';
import type { Store } from '../../src/store/store.ts';
import { forwarder, freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { storeConformance } from './conformance.ts';
import { withMemory } from '../../src/store/memory/index.ts';

const quiet = { warn() {}, info() {} };

for (const [api, memory] of [['v1', false], ['v2', false], ['v3', false], ['v1', true]] as Array<[InfluxApi, boolean]>) {
  t.test(`conformance on a real influxd, INFLUX_API=${api}${memory ? ', behind the memory layer' : ''}`, async (t) => {
    const influxd = await sharedInfluxd(t);
    // 1.6.7 has no /api/v2/write (nor 3.x's query endpoint): a forwarder maps them onto the same server.
    const url = api === 'v1' ? influxd.url : await forwarder(t, influxd.url, { v3query: api === 'v3' });
    const databases = new WeakMap<Store, string>();
    const connect = async (database: string) => {
      const bare = await InfluxStore.connect({ url, token: undefined, database, org: 'org', api, timeoutMs: 10_000 }, quiet);
      const store = memory ? withMemory(bare) : bare;
      databases.set(store, database);
      return store;
    };
    if (api !== 'v1') {
      // 2.x and 3.x buckets are made by their administrators: the store only checks.
      const bootstrap = await InfluxStore.connect({ url: influxd.url, token: undefined, database: 'unused', org: undefined, api: 'v1', timeoutMs: 10_000 }, quiet);
      await bootstrap.close();
    }
    storeConformance(t, {
      async open() {
        const database = freshDatabase();
        if (api !== 'v1') await (await connect0(influxd.url, database)).close();
        return connect(database);
      },
      async reopen(store) {
        await store.close();
        return connect(databases.get(store)!);
      },
      async earlierIndicators(store, indicators) {
        // The JSON docs an earlier release wrote: the indicator as it was, without the fields it did not know.
        await store.saveCatalog({ indicators: indicators as unknown as Indicator[] });
        await store.close();
        return connect(databases.get(store)!);
      },
    });
  });
}

async function connect0(url: string, database: string): Promise<Store> {
  return InfluxStore.connect({ url, token: undefined, database, org: undefined, api: 'v1', timeoutMs: 10_000 }, quiet);
}

t.test('2.x and 3.x modes refuse to start without the bucket, naming it', async (t) => {
  const influxd = await sharedInfluxd(t);
  const url = await forwarder(t, influxd.url);
  await t.rejects(
    InfluxStore.connect({ url, token: undefined, database: 'no_such_bucket', org: 'org', api: 'v2', timeoutMs: 10_000 }, quiet),
    /no bucket or database "no_such_bucket".*shard-group duration/,
  );
});

t.test('1.x mode creates the database with ten-year shards', async (t) => {
  const influxd = await sharedInfluxd(t);
  const database = freshDatabase();
  const store = await connect0(influxd.url, database);
  t.teardown(() => store.close());
  const answer = await fetch(`${influxd.url}/query?db=${database}&q=${encodeURIComponent('SHOW RETENTION POLICIES')}`);
  const json = (await answer.json()) as { results: Array<{ series: Array<{ values: unknown[][] }> }> };
  t.equal(json.results[0]!.series[0]!.values[0]![2], '87360h0m0s', 'shard group duration 520 weeks');
});

t.test('lines of figures are what Point itself writes', async (t) => {
  const { FigureLines } = await import('../../src/store/influxdb/lines.ts');
  const { Point } = await import('@influxdata/influxdb-client');
  const figure = { indicator: 'a.b-c_1', region: 'R-9.x', period: '2022-06', value: 1234.5, yoy: -3.25, status: 'p' as const, version: 3, receivedAt: 1_700_000_000_123, by: 'alice' };
  for (const measurement of ['observation', 'observation_revision'] as const) {
    const point = new Point(measurement)
      .tag('indicator', figure.indicator)
      .tag('region', figure.region)
      .floatField('value', figure.value)
      .floatField('yoy', figure.yoy)
      .stringField('status', 'p')
      .stringField('meta', 'v=3;t=1700000000123;b=alice;y=1')
      .timestamp('1654041600');
    if (measurement === 'observation_revision') point.tag('version', '3');
    t.equal(new FigureLines(measurement).line(figure, figure), point.toLineProtocol(), measurement);
  }
  const lines = new FigureLines('observation');
  const own = (lines: InstanceType<typeof FigureLines>, f: StoredFigure) => lines.line(f, f);
  t.equal(own(lines, { ...figure, yoy: null, value: 3 }), 'observation,indicator=a.b-c_1,region=R-9.x meta="v=3;t=1700000000123;b=alice",status="p",value=3 1654041600', 'no yoy, an integral value');
  t.equal(
    own(lines, { ...figure, status: null }),
    'observation,indicator=a.b-c_1,region=R-9.x meta="v=3;t=1700000000123;b=alice;y=1",status="",value=1234.5,yoy=-3.25 1654041600',
    'a later version without status clears the one before',
  );
  t.equal(
    own(new FigureLines('observation_revision'), { ...figure, status: null }),
    'observation_revision,indicator=a.b-c_1,region=R-9.x,version=3 meta="v=3;t=1700000000123;b=alice;y=1",value=1234.5,yoy=-3.25 1654041600',
    'a superseded version without status has none',
  );
  t.equal(own(lines, { ...figure, version: 1 }), 'observation,indicator=a.b-c_1,region=R-9.x status="p",value=1234.5,yoy=-3.25 1654041600', 'a first version: the bare figure');
  t.equal(own(lines, { ...figure, version: 1, status: null, yoy: null, value: -0.5 }), 'observation,indicator=a.b-c_1,region=R-9.x value=-0.5 1654041600', 'a first version without growth or status');
  t.throws(() => own(lines, { ...figure, value: Number.NaN }), 'a non-finite figure is refused, as Point refuses it');
});

t.test('figures read back from either form of point', async (t) => {
  const { figureOf } = await import('../../src/store/influxdb/lines.ts');
  t.same(figureOf(5, 1.5, null, null), { value: 5, yoy: 1.5, status: null, version: 1, receivedAt: Number.NaN, by: '', receipted: true, withdrawn: false, reason: null, note: null }, 'first version: bookkeeping from its receipt');
  t.same(figureOf(5, null, 'e', undefined), { value: 5, yoy: null, status: 'e', version: 1, receivedAt: Number.NaN, by: '', receipted: true, withdrawn: false, reason: null, note: null });
  t.same(figureOf(5, 1.5, '', 'v=2;t=7;b=x'), { value: 5, yoy: null, status: null, version: 2, receivedAt: 7, by: 'x', receipted: false, withdrawn: false, reason: null, note: null }, 'stale yoy and status cleared');
  t.same(figureOf(5, 1.5, null, 'v=4;t=7;b=x;s=r;y=1'), { value: 5, yoy: 1.5, status: 'r', version: 4, receivedAt: 7, by: 'x', receipted: false, withdrawn: false, reason: null, note: null }, 'a point written before the status field');
  t.same(figureOf(5, 1.5, '', 'v=5;t=8;b=w;y=1;d=1'), { value: 5, yoy: 1.5, status: null, version: 5, receivedAt: 8, by: 'w', receipted: false, withdrawn: true, reason: null, note: null }, 'a withdrawal');
  t.same(figureOf(5, 1.5, 'b', 'v=4;t=7;b=x;s=r;y=1'), { value: 5, yoy: 1.5, status: 'b', version: 4, receivedAt: 7, by: 'x', receipted: false, withdrawn: false, reason: null, note: null }, 'the status field wins');
});

t.test('quotes and backslashes in a holder name are escaped as Point escapes them', async (t) => {
  const { FigureLines } = await import('../../src/store/influxdb/lines.ts');
  const { Point } = await import('@influxdata/influxdb-client');
  const figure = { indicator: 'i', region: 'r', period: '2022-06', value: 1, yoy: null, status: null, version: 2, receivedAt: 5, by: 'a"b\\c' };
  const expected = new Point('observation')
    .tag('indicator', 'i')
    .tag('region', 'r')
    .floatField('value', 1)
    .stringField('status', '')
    .stringField('meta', 'v=2;t=5;b=a"b\\c')
    .timestamp('1654041600');
  t.equal(new FigureLines('observation').line(figure, figure), expected.toLineProtocol());
});

t.test('reasons and notes: in meta, escaped so no note ends a part or a line; a first version without them stays bare', async (t) => {
  const { FigureLines, figureOf, noteFromMeta, noteToMeta } = await import('../../src/store/influxdb/lines.ts');
  const { Point } = await import('@influxdata/influxdb-client');
  const note = '录入错误;d=1 见"附件" = A\n第二行\r\\ 50%3B 😀';
  t.equal(noteToMeta(note), '录入错误%3Bd=1 见"附件" = A%0A第二行%0D\\ 50%253B 😀', 'only %, ;, CR and LF escaped');
  t.equal(noteFromMeta(noteToMeta(note)), note, 'and read back exactly');
  const figure = { indicator: 'i', region: 'r', period: '2022-06', value: 1, yoy: null, status: null, version: 2, receivedAt: 5, by: 'x', reason: 'correction' as const, note };
  const expected = new Point('observation')
    .tag('indicator', 'i')
    .tag('region', 'r')
    .floatField('value', 1)
    .stringField('status', '')
    .stringField('meta', `v=2;t=5;b=x;r=correction;n=${noteToMeta(note)}`)
    .timestamp('1654041600');
  const line = new FigureLines('observation').line(figure, figure);
  t.equal(line, expected.toLineProtocol(), 'quotes and backslashes as Point escapes them');
  t.notMatch(line, /[\r\n]/, 'one line');
  const meta = `v=2;t=5;b=x;r=correction;n=${noteToMeta(note)}`;
  t.same(figureOf(1, null, '', meta), { value: 1, yoy: null, status: null, version: 2, receivedAt: 5, by: 'x', receipted: false, withdrawn: false, reason: 'correction', note }, 'read back: not a withdrawal, whatever the note says');
  t.same(figureOf(1, null, '', 'v=3;t=5;b=x;d=1;r=revision'), { value: 1, yoy: null, status: null, version: 3, receivedAt: 5, by: 'x', receipted: false, withdrawn: true, reason: 'revision', note: null }, 'a withdrawal with a reason');
  t.same(figureOf(1, null, '', 'v=3;t=5;b=x;r=unheard-of'), { value: 1, yoy: null, status: null, version: 3, receivedAt: 5, by: 'x', receipted: false, withdrawn: false, reason: null, note: null }, 'a reason this release does not know reads as none');

  const first = { ...figure, version: 1, reason: null, note: null };
  t.equal(new FigureLines('observation').line(first, first), 'observation,indicator=i,region=r value=1 1654041600', 'a first version without them: the bare figure, as before');
  const annotated = { ...first, reason: 'revision' as const };
  t.equal(new FigureLines('observation').line(annotated, annotated), 'observation,indicator=i,region=r meta="v=1;t=5;b=x;r=revision",status="",value=1 1654041600', 'a first version with one carries its own bookkeeping');
  t.same(figureOf(1, null, '', 'v=1;t=5;b=x;r=revision'), { value: 1, yoy: null, status: null, version: 1, receivedAt: 5, by: 'x', receipted: false, withdrawn: false, reason: 'revision', note: null }, 'and reads without its receipt');
});
