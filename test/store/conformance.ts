/**
 * The store conformance suite: every store runs it (sqlite.test.ts,
 * influxdb.test.ts). A store change starts here.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import type { Indicator, Observation, Region } from '../../src/domain/types.ts';
import type { Reason } from '../../src/domain/corrections.ts';
import type { StoredVersion } from '../../src/domain/publication.ts';
import type { AccessEntry, PostedRow, ReviewDecision, Store, StoredTemplate, StoredToken, TemplateInfo, TemplateKind } from '../../src/store/store.ts';

export interface StoreHarness {
  /** A new, empty store. */
  open(): Promise<Store>;
  /** The same data opened again, as after a restart (the old one is closed first). */
  reopen(store: Store): Promise<Store>;
  /**
   * Every indicator stored as a release before review and aggregation left
   * it (without `review`, `reviewSince`, `aggregation`), then the data opened
   * again as after an upgrade (the old one is closed first).
   */
  earlierIndicators(store: Store, indicators: readonly EarlierIndicator[]): Promise<Store>;
}

/** An indicator as releases before review and aggregation stored it. */
export type EarlierIndicator = Omit<Indicator, 'review' | 'reviewSince' | 'aggregation'>;

const REGIONS: Region[] = [
  { code: 'P', name: '省', parent: null, level: 'province' },
  { code: 'C', name: '市', parent: 'P', level: 'prefecture' },
  ...Array.from({ length: 40 }, (_, i) => ({ code: `K${String(i).padStart(2, '0')}`, name: `县${i}`, parent: 'C', level: 'county' })),
  { code: 'odd.code-_1', name: "名字 with 'quotes' and \\ backslash", parent: 'C', level: null },
];
const INDICATORS: Indicator[] = [
  { code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: false, review: false, reviewSince: null, aggregation: 'sum' },
  { code: 'rate', name: '失业率', unit: '%', basis: 'level', direction: 'lower', decimals: 1, rankBy: 'value', change: 'points', reportValue: true, review: false, reviewSince: null, aggregation: 'none' },
];
const meta = (by = 'tester', at = '2024-03-01T00:00:00.000Z') => ({ by, receivedAt: new Date(at) });
const obs = (region: string, period: string, value: number, yoy: number | null = null, status: Observation['status'] = null, indicator = 'inv'): Observation => ({
  indicator,
  region,
  period,
  value,
  yoy,
  status,
});
const sortKey = (o: Observation) => `${o.indicator}|${o.period}|${o.region}`;
const sorted = (list: Observation[]) => [...list].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));

/** A template as a caller stores it: size and digest of the bytes, the rest as given. */
const template = (name: string, kind: TemplateKind, bytes: Buffer, more: Partial<TemplateInfo> = {}): StoredTemplate => ({
  name,
  kind,
  size: bytes.length,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  savedAt: new Date('2024-05-01T08:00:00.123Z'),
  savedBy: 'editor',
  tags: [],
  bytes,
  ...more,
});
const infoOf = ({ bytes: _bytes, ...info }: StoredTemplate): TemplateInfo => info;
/** Random bytes that are no text: a zip's signature, NUL bytes, and sequences UTF-8 refuses. */
const binary = (length: number): Buffer => {
  const bytes = randomBytes(length);
  Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe, 0xc3, 0x28, 0x80, 0xed, 0xa0, 0x80, 0xf8, 0x00]).copy(bytes);
  bytes[length - 1] = 0x00;
  return bytes;
};

async function seeded(h: StoreHarness): Promise<Store> {
  const store = await h.open();
  await store.saveCatalog({ regions: REGIONS, indicators: INDICATORS, groups: [{ code: 'G', name: '组', members: ['K01', 'K03'] }] });
  return store;
}

export function storeConformance(t: Test, h: StoreHarness): void {
  t.test('catalog round trip and merge by code', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    let catalog = await store.loadCatalog();
    t.equal(catalog.regions.length, REGIONS.length);
    t.same(catalog.regions.find((r) => r.code === 'odd.code-_1'), REGIONS.at(-1), 'names keep quotes and backslashes');
    t.same(catalog.indicators, INDICATORS, 'indicators in the order given, every field kept');
    t.same(catalog.groups, [{ code: 'G', name: '组', members: ['K01', 'K03'] }]);
    await store.saveCatalog({ regions: [{ code: 'K01', name: '改名', parent: 'C', level: 'county' }] });
    catalog = await store.loadCatalog();
    t.equal(catalog.regions.length, REGIONS.length, 'entries not sent are kept');
    t.equal(catalog.regions.find((r) => r.code === 'K01')?.name, '改名', 'a sent entry replaces the stored one');
    const changed: Region = { code: 'K02', name: '改市', parent: 'C', level: 'county', formerCodes: ['OLD2', 'OLDER2'], validFrom: '2017-05', validTo: '2030-12' };
    await store.saveCatalog({ regions: [changed] });
    t.same((await store.loadCatalog()).regions.find((r) => r.code === 'K02'), changed, 'former codes and validity kept');
    await store.saveCatalog({ regions: [{ code: 'K02', name: '改市', parent: 'C', level: 'county' }] });
    t.same((await store.loadCatalog()).regions.find((r) => r.code === 'K02'), { code: 'K02', name: '改市', parent: 'C', level: 'county' }, 'and dropped when not sent again');
  });

  t.test('indicators keep review, when it began and their aggregation; those of an earlier release read with the defaults', async (t) => {
    let store = await seeded(h);
    const since = Date.parse('2024-05-01T08:00:00.123Z');
    const given: Indicator[] = [
      { ...INDICATORS[0]!, review: true, reviewSince: since, aggregation: 'none' },
      { code: 'income', name: '全体居民人均可支配收入', unit: '元', basis: 'ytd', direction: 'higher', decimals: 0, rankBy: 'yoy', change: 'percent', reportValue: true, review: false, reviewSince: null, aggregation: 'none' },
      { code: 'energy', name: '单位GDP能耗', unit: '吨标准煤/万元', basis: 'ytd', direction: 'lower', decimals: 3, rankBy: 'yoy', change: 'percent', reportValue: true, review: true, reviewSince: since + 1, aggregation: 'sum' },
    ];
    await store.saveCatalog({ indicators: given });
    const stored = [given[0]!, INDICATORS[1]!, given[1]!, given[2]!];
    t.same((await store.loadCatalog()).indicators, stored, 'every field as given, even where the default rule says otherwise');
    store = await h.reopen(store);
    t.same((await store.loadCatalog()).indicators, stored, 'kept across a restart');
    await store.saveCatalog({ indicators: [{ ...given[0]!, review: false, reviewSince: null }] });
    t.same((await store.loadCatalog()).indicators[0], { ...given[0]!, review: false, reviewSince: null }, 'review turned off');

    const earlier: EarlierIndicator[] = stored.map(({ review: _r, reviewSince: _s, aggregation: _a, ...rest }) => rest);
    store = await h.earlierIndicators(store, earlier);
    t.teardown(() => store.close());
    t.same(
      (await store.loadCatalog()).indicators,
      earlier.map((i, n) => ({ ...i, review: false, reviewSince: null, aggregation: n === 0 ? 'sum' : 'none' })),
      'review off; aggregation by the default rule: an amount sums, a rate, a per-capita figure and an intensity do not',
    );
  });

  t.test('created, unchanged, revised; every version kept', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    t.same(await store.write([obs('K01', '2022-06', 10.5, 12.3, 'p'), obs('K02', '2022-06', 7)], meta('a', '2024-03-01T00:00:00Z')), {
      created: 2,
      revised: 0,
      unchanged: 0,
    });
    t.same(await store.write([obs('K01', '2022-06', 10.5, 12.3, 'p'), obs('K02', '2022-06', 7)], meta('b', '2024-03-02T00:00:00Z')), {
      created: 0,
      revised: 0,
      unchanged: 2,
    }, 'an identical row is unchanged');
    t.same(await store.write([obs('K01', '2022-06', 10.6, 12.3, 'p')], meta('c', '2024-03-03T00:00:00Z')), { created: 0, revised: 1, unchanged: 0 }, 'value');
    t.same(await store.write([obs('K01', '2022-06', 10.6, null, 'p')], meta('d', '2024-03-04T00:00:00Z')), { created: 0, revised: 1, unchanged: 0 }, 'a row without yoy withdraws it');
    t.same(await store.write([obs('K01', '2022-06', 10.6, null, 'r')], meta('e', '2024-03-05T00:00:00Z')), { created: 0, revised: 1, unchanged: 0 }, 'status');
    const history = await store.history({ indicator: 'inv', region: 'K01', period: '2022-06' });
    t.same(
      history.map((v) => [v.value, v.yoy, v.status, v.by, new Date(v.receivedAt).toISOString()]),
      [
        [10.5, 12.3, 'p', 'a', '2024-03-01T00:00:00.000Z'],
        [10.6, 12.3, 'p', 'c', '2024-03-03T00:00:00.000Z'],
        [10.6, null, 'p', 'd', '2024-03-04T00:00:00.000Z'],
        [10.6, null, 'r', 'e', '2024-03-05T00:00:00.000Z'],
      ],
      'oldest first, the unchanged post adds no version, the last is current',
    );
    t.same(history.map((v) => [v.version, v.withdrawn]), [[1, false], [2, false], [3, false], [4, false]], 'numbered in order');
    t.same(await store.figuresAt([{ indicator: 'inv', region: 'K01', period: '2022-06' }]), [obs('K01', '2022-06', 10.6, null, 'r')]);
    t.same(await store.history({ indicator: 'inv', region: 'K09', period: '2022-06' }), [], 'no versions of a figure never posted');
  });

  t.test('a withdrawn status and growth stay withdrawn, from the first version on', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    await store.write([obs('K01', '2022-06', 1, 2, 'p'), obs('K02', '2022-06', 1, null, 'e')], meta('a', '2024-03-01T00:00:00Z'));
    t.same(await store.write([obs('K01', '2022-06', 1), obs('K02', '2022-06', 1, 4)], meta('b', '2024-03-02T00:00:00Z')), { created: 0, revised: 2, unchanged: 0 });
    t.same(sorted(await store.figuresAt(['K01', 'K02'].map((region) => ({ indicator: 'inv', region, period: '2022-06' })))), [obs('K01', '2022-06', 1), obs('K02', '2022-06', 1, 4)]);
    t.same(
      (await store.history({ indicator: 'inv', region: 'K01', period: '2022-06' })).map((v) => [v.yoy, v.status, v.by]),
      [
        [2, 'p', 'a'],
        [null, null, 'b'],
      ],
    );
    t.same(await store.write([obs('K01', '2022-06', 1), obs('K02', '2022-06', 1, 4)], meta('c')), { created: 0, revised: 0, unchanged: 2 }, 'read back equal');
  });

  t.test('a dry run counts and stores nothing', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    await store.write([obs('K01', '2022-06', 1)], meta());
    const counts = await store.write([obs('K01', '2022-06', 2), obs('K02', '2022-06', 3), obs('K03', '2022-06', 4)], meta(), { dryRun: true });
    t.same(counts, { created: 2, revised: 1, unchanged: 0 });
    t.same(await store.slices('inv', ['2022-06'], null), [obs('K01', '2022-06', 1)], 'nothing stored');
    t.equal((await store.history({ indicator: 'inv', region: 'K01', period: '2022-06' })).length, 1, 'no version added');
  });

  t.test('reads: points, slices, series, latest earlier period', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    const rows: Observation[] = [];
    for (let k = 0; k < 40; k++) {
      const region = `K${String(k).padStart(2, '0')}`;
      for (const period of ['2021-06', '2022-02', '2022-05', '2022-06']) {
        if (k % 10 === 9 && period === '2022-05') continue; // a few gaps
        rows.push(obs(region, period, k * 1000 + Number(period.slice(5)) + 0.25, k % 2 === 0 ? k / 10 : null, k === 3 ? 'e' : null));
      }
      rows.push(obs(region, '2022-06', 4 + k / 10, null, null, 'rate'));
    }
    rows.push(obs('odd.code-_1', '2022-06', -0.001));
    t.same(await store.write(rows, meta()), { created: rows.length, revised: 0, unchanged: 0 });

    const want = (f: (o: Observation) => boolean) => sorted(rows.filter(f));
    t.same(sorted(await store.slices('inv', ['2022-06'], null)), want((o) => o.indicator === 'inv' && o.period === '2022-06'), 'a whole slice');
    t.same(
      sorted(await store.slices('inv', ['2022-06', '2021-06'], ['K01', 'K02', 'nope'])),
      want((o) => o.indicator === 'inv' && ['2022-06', '2021-06'].includes(o.period) && ['K01', 'K02'].includes(o.region)),
      'a few regions (point lookups)',
    );
    const many = Array.from({ length: 30 }, (_, i) => `K${String(i).padStart(2, '0')}`);
    t.same(
      sorted(await store.slices('inv', ['2022-05'], many)),
      want((o) => o.indicator === 'inv' && o.period === '2022-05' && many.includes(o.region)),
      'many regions (a scan), gaps left out',
    );
    t.same(await store.slices('inv', ['2030-01'], null), [], 'an empty slice');
    t.same(await store.slices('unknown', ['2022-06'], null), [], 'an unknown indicator');

    const keys = [
      { indicator: 'inv', region: 'K05', period: '2022-06' },
      { indicator: 'inv', region: 'K09', period: '2022-05' },
      { indicator: 'rate', region: 'K05', period: '2022-06' },
      { indicator: 'inv', region: 'odd.code-_1', period: '2022-06' },
    ];
    t.same(
      sorted(await store.figuresAt(keys)),
      want((o) => keys.some((k) => k.indicator === o.indicator && k.region === o.region && k.period === o.period)),
      'figures at keys, missing ones left out',
    );

    t.same(await store.series('inv', 'K04', null, null), want((o) => o.indicator === 'inv' && o.region === 'K04'), 'a whole series, oldest first');
    t.same(
      await store.series('inv', 'K04', '2022-02', '2022-05'),
      want((o) => o.indicator === 'inv' && o.region === 'K04' && o.period >= '2022-02' && o.period <= '2022-05'),
      'a range, inclusive',
    );
    t.same(await store.series('inv', 'K04', '2023-01', null), []);

    t.equal(await store.latestPeriodBefore('inv', '2022-06', null), '2022-05');
    t.equal(await store.latestPeriodBefore('inv', '2022-06', ['K09', 'K19']), '2022-02', 'only the peers count: they skipped 2022-05');
    t.equal(await store.latestPeriodBefore('inv', '2022-06', many), '2022-05');
    t.equal(await store.latestPeriodBefore('inv', '2021-06', null), null);
    t.equal(await store.latestPeriodBefore('rate', '2022-06', null), null);
    t.equal(await store.latestPeriodBefore('inv', '2022-06', []), null);
    const large = [...Array.from({ length: 250 }, (_, i) => `none${i}`), 'K09'];
    t.equal(await store.latestPeriodBefore('inv', '2022-06', large), '2022-02', 'a large peer set skips periods none of them has');
  });

  t.test('reads see every acknowledged write, repeated reads included', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    await store.write([obs('K01', '2022-06', 1), obs('K02', '2022-06', 2)], meta());
    t.same(sorted(await store.slices('inv', ['2022-06'], null)), [obs('K01', '2022-06', 1), obs('K02', '2022-06', 2)]);
    t.same(sorted(await store.slices('inv', ['2022-06'], null)), [obs('K01', '2022-06', 1), obs('K02', '2022-06', 2)], 'read again');
    await store.write([obs('K01', '2022-06', 5), obs('K03', '2022-06', 3)], meta());
    t.same(sorted(await store.slices('inv', ['2022-06'], null)), [obs('K01', '2022-06', 5), obs('K02', '2022-06', 2), obs('K03', '2022-06', 3)], 'a revision and a new figure show at once');
    await store.write([obs('K01', '2022-06', 9)], meta(), { dryRun: true });
    t.equal((await store.slices('inv', ['2022-06'], null)).find((o) => o.region === 'K01')?.value, 5, 'a dry run shows nowhere');
    await store.saveCatalog({ regions: [{ code: 'K99', name: '新', parent: 'C', level: null }] });
    await store.write([obs('K99', '2022-06', 7)], meta());
    t.equal((await store.slices('inv', ['2022-06'], null)).length, 4, 'a region added later is read too');
  });

  t.test('extreme values survive exactly', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    const values = [0, -0.5, 1e15, 123456789.123456, 0.000001, -987654.321, 2.675];
    const rows = values.map((v, i) => obs(`K${String(i).padStart(2, '0')}`, '2022-06', v, i % 2 === 0 ? -99.9 : 1234.5));
    await store.write(rows, meta());
    t.same(sorted(await store.slices('inv', ['2022-06'], null)), sorted(rows));
    t.same(await store.write(rows, meta()), { created: 0, revised: 0, unchanged: rows.length }, 'read back equal: no spurious revisions');
  });

  t.test('reports: every version kept, the latest served, listed by month and region', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    const report = (region: string, period: string, n: number) => ({
      region,
      period,
      generatedAt: new Date(Date.UTC(2024, 0, n)),
      trigger: `manual t${n}`,
      digest: `d${n}`,
      failures: n % 2,
      quotes: [`inv|2022-0${n}`],
      facts: { text: `第${n}稿 "quoted" \\ ${'长'.repeat(n === 3 ? 40_000 : 10)}`, n },
    });
    const first = await store.saveReports([report('K01', '2022-06', 1), report('K02', '2022-06', 2)]);
    t.same(first.map((r) => [r.region, r.version]), [['K01', 1], ['K02', 1]]);
    const second = await store.saveReports([report('K01', '2022-06', 3), report('K01', '2022-05', 4)]);
    t.same(second.map((r) => [r.region, r.period, r.version]), [['K01', '2022-06', 2], ['K01', '2022-05', 1]]);
    t.same(
      (await store.reports({})).map((r) => [r.period, r.region, r.version]),
      [['2022-06', 'K01', 1], ['2022-06', 'K01', 2], ['2022-06', 'K02', 1], ['2022-05', 'K01', 1]],
      'newest month first',
    );
    t.same((await store.reports({ region: 'K01', period: '2022-06' })).map((r) => r.version), [1, 2]);
    const latest = await store.report('K01', '2022-06', null);
    t.same([latest?.version, latest?.trigger, latest?.digest, latest?.failures, latest?.generatedAt.toISOString()], [2, 'manual t3', 'd3', 1, '2024-01-03T00:00:00.000Z']);
    t.same(latest?.quotes, ['inv|2022-03'], 'the months a report quotes are kept with it');
    t.equal((latest?.facts as { text: string }).text.length, 40_000 + 15, 'large content (beyond a 64 KB field) survives whole');
    t.same((await store.report('K01', '2022-06', 1))?.facts, report('K01', '2022-06', 1).facts, 'an earlier version stays readable');
    t.equal(await store.report('K03', '2022-06', null), null);
    t.equal(await store.report('K01', '2022-06', 9), null);
  });

  t.test('a schedule slot is claimed once', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    t.equal(await store.claim('reports', '2022-07-15T01:00:00.000Z'), true);
    t.equal(await store.claim('reports', '2022-07-15T01:00:00.000Z'), false, 'not twice');
    t.equal(await store.claim('reports', '2022-06-15T01:00:00.000Z'), false, 'not an earlier one');
    t.equal(await store.claim('reports', '2022-08-15T01:00:00.000Z'), true, 'a later one');
    t.equal(await store.claim('other', '2022-06-15T01:00:00.000Z'), true, 'keys are apart');
  });

  t.test('targets: upsert by indicator, region, year and kind; filtered reads; kept across a restart', async (t) => {
    let store = await seeded(h);
    t.same(await store.targets({}), [], 'none at first');
    await store.saveTargets([
      { indicator: 'inv', region: 'K01', year: 2022, kind: 'value', value: 60 },
      { indicator: 'inv', region: 'K01', year: 2022, kind: 'growth', value: 8 },
      { indicator: 'inv', region: 'K02', year: 2022, kind: 'value', value: 647.4 },
      { indicator: 'inv', region: 'K01', year: 2023, kind: 'value', value: 66.5 },
      { indicator: 'rate', region: 'K01', year: 2022, kind: 'value', value: 5.5 },
    ]);
    await store.saveTargets([{ indicator: 'inv', region: 'K01', year: 2022, kind: 'value', value: 61.25 }]);
    const all = await store.targets({});
    t.equal(all.length, 5, 'a second PUT of a key replaces it');
    t.same(all[0], { indicator: 'inv', region: 'K01', year: 2022, kind: 'growth', value: 8 }, 'ordered by indicator, region, year, kind');
    t.same(
      (await store.targets({ indicator: 'inv', year: 2022 })).map((x) => [x.region, x.kind, x.value]),
      [['K01', 'growth', 8], ['K01', 'value', 61.25], ['K02', 'value', 647.4]],
      'by indicator and year',
    );
    t.same((await store.targets({ region: 'K01', year: 2023 })).map((x) => x.value), [66.5], 'by region and year');
    t.same(await store.targets({ indicator: 'rate', region: 'K02' }), [], 'nothing matches');
    store = await h.reopen(store);
    t.teardown(() => store.close());
    t.equal((await store.targets({})).length, 5, 'kept across a restart');
  });

  t.test('a restart loses nothing', async (t) => {
    let store = await seeded(h);
    await store.write([obs('K01', '2022-06', 10), obs('K02', '2022-06', 20)], meta('a', '2024-03-01T00:00:00Z'));
    await store.write([obs('K01', '2022-06', 11)], meta('b', '2024-03-02T00:00:00Z'));
    await store.claim('reports', '2022-07-15T01:00:00.000Z');
    store = await h.reopen(store);
    t.teardown(() => store.close());
    t.equal(await store.claim('reports', '2022-07-15T01:00:00.000Z'), false, 'a claimed slot stays claimed');
    t.equal((await store.loadCatalog()).regions.length, REGIONS.length, 'catalog');
    t.same(sorted(await store.slices('inv', ['2022-06'], null)), [obs('K01', '2022-06', 11), obs('K02', '2022-06', 20)], 'figures');
    t.same((await store.history({ indicator: 'inv', region: 'K01', period: '2022-06' })).map((v) => [v.value, v.by]), [[10, 'a'], [11, 'b']], 'history');
    t.same(await store.write([obs('K01', '2022-06', 11)], meta()), { created: 0, revised: 0, unchanged: 1 }, 'still current after reopening');
  });

  t.test('a withdrawal is a version: current reads skip it, history keeps it, posting again numbers on', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    const key = { indicator: 'inv', region: 'K01', period: '2022-06' };
    await store.write([obs('K01', '2022-05', 4), obs('K01', '2022-06', 5, 1.5, 'p'), obs('K02', '2022-06', 6)], meta('a', '2024-03-01T00:00:00Z'));
    t.equal(await store.withdraw(key, meta('w', '2024-03-02T00:00:00Z')), 2, 'the withdrawal is version 2');
    t.equal(await store.withdraw(key, meta('w', '2024-03-02T00:00:01Z')), null, 'nothing current to withdraw twice');
    t.equal(await store.withdraw({ ...key, period: '2022-07' }, meta('w')), null, 'nor a figure never posted');
    t.same(sorted(await store.slices('inv', ['2022-06'], null)), [obs('K02', '2022-06', 6)], 'slices skip it');
    t.same(await store.figuresAt([key]), [], 'points skip it');
    t.same(await store.series('inv', 'K01', null, null), [obs('K01', '2022-05', 4)], 'series skip it');
    t.equal(await store.latestPeriodBefore('inv', '2022-07', ['K01']), '2022-05', 'the month of a withdrawn figure is no latest month for it');
    t.equal(await store.latestPeriodBefore('inv', '2022-07', null), '2022-06', 'others still have figures that month');
    t.same(
      (await store.history(key)).map((v) => [v.version, v.value, v.yoy, v.status, v.withdrawn, v.by]),
      [
        [1, 5, 1.5, 'p', false, 'a'],
        [2, null, null, null, true, 'w'],
      ],
    );
    t.same(await store.write([obs('K01', '2022-06', 5, 1.5, 'p')], meta('b', '2024-03-03T00:00:00Z')), { created: 1, revised: 0, unchanged: 0 }, 'posted again: created');
    t.same((await store.history(key)).map((v) => [v.version, v.withdrawn, v.by]), [[1, false, 'a'], [2, true, 'w'], [3, false, 'b']]);
    t.same(await store.figuresAt([key]), [obs('K01', '2022-06', 5, 1.5, 'p')]);
  });

  t.test('versions as of an instant: every version received by then', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    await store.write([obs('K01', '2022-06', 1), obs('K02', '2022-06', 2), obs('K01', '2022-05', 0.5)], meta('a', '2024-03-01T00:00:00Z'));
    await store.write([obs('K01', '2022-06', 1.1)], meta('b', '2024-03-02T00:00:00Z'));
    await store.withdraw({ indicator: 'inv', region: 'K02', period: '2022-06' }, meta('c', '2024-03-03T00:00:00Z'));
    const at = (iso: string) => Date.parse(iso);
    const shape = (list: Awaited<ReturnType<Store['versions']>>) =>
      list.map((f) => [f.region, f.period, f.versions.map((v) => [v.version, v.value, v.withdrawn, v.receivedAt])]).sort((a, b) => (String(a[0]) + a[1] < String(b[0]) + b[1] ? -1 : 1));
    t.same(shape(await store.versions('inv', ['2022-06'], null, null)), [
      ['K01', '2022-06', [[1, 1, false, at('2024-03-01T00:00:00Z')], [2, 1.1, false, at('2024-03-02T00:00:00Z')]]],
      ['K02', '2022-06', [[1, 2, false, at('2024-03-01T00:00:00Z')], [2, null, true, at('2024-03-03T00:00:00Z')]]],
    ]);
    t.same(shape(await store.versions('inv', ['2022-06'], ['K01'], at('2024-03-01T12:00:00Z'))), [['K01', '2022-06', [[1, 1, false, at('2024-03-01T00:00:00Z')]]]], 'until');
    t.same(shape(await store.versions('inv', ['2022-06'], null, at('2024-02-01T00:00:00Z'))), [], 'before anything');
    t.same(shape(await store.seriesVersions('inv', 'K01', '2022-01', '2022-12', at('2024-03-02T00:00:00Z'))), [
      ['K01', '2022-05', [[1, 0.5, false, at('2024-03-01T00:00:00Z')]]],
      ['K01', '2022-06', [[1, 1, false, at('2024-03-01T00:00:00Z')], [2, 1.1, false, at('2024-03-02T00:00:00Z')]]],
    ]);
    t.same(
      (await store.receipts(at('2024-02-01T00:00:00Z'), at('2024-03-05T00:00:00Z'))).map((r) => [r.indicator, r.period, r.receivedAt]),
      [
        ['inv', '2022-05', at('2024-03-01T00:00:00Z')],
        ['inv', '2022-06', at('2024-03-01T00:00:00Z')],
        ['inv', '2022-06', at('2024-03-02T00:00:00Z')],
        ['inv', '2022-06', at('2024-03-03T00:00:00Z')],
      ],
      'receipts of batches that wrote versions, oldest first',
    );
    await store.write([obs('K01', '2022-06', 1.1)], meta('d', '2024-03-04T00:00:00Z'));
    t.same(await store.receipts(at('2024-03-03T00:00:00Z'), at('2024-03-05T00:00:00Z')), [], 'an unchanged post writes no version and no receipt');
  });

  t.test('the release calendar keeps every setting, and survives a restart', async (t) => {
    let store = await seeded(h);
    const before = await store.changes();
    await store.saveReleases([
      { indicator: 'inv', period: '2022-06', setting: { releaseAt: Date.parse('2022-07-15T02:00:00Z'), changedAt: 1000, by: 'admin' } },
      { indicator: 'rate', period: '2022-06', setting: { releaseAt: Date.parse('2022-07-16T02:00:00Z'), changedAt: 1000, by: 'admin' } },
    ]);
    await store.saveReleases([{ indicator: 'inv', period: '2022-06', setting: { releaseAt: null, changedAt: 2000, by: 'boss' } }]);
    const after = await store.changes();
    t.not(after.releases, before.releases, 'the marker says the calendar changed');
    t.not(after.data, before.data);
    store = await h.reopen(store);
    t.teardown(() => store.close());
    const entries = (await store.loadReleases()).sort((a, b) => (a.indicator < b.indicator ? -1 : 1));
    t.same(entries, [
      {
        indicator: 'inv',
        period: '2022-06',
        changes: [
          { releaseAt: Date.parse('2022-07-15T02:00:00Z'), changedAt: 1000, by: 'admin' },
          { releaseAt: null, changedAt: 2000, by: 'boss' },
        ],
      },
      { indicator: 'rate', period: '2022-06', changes: [{ releaseAt: Date.parse('2022-07-16T02:00:00Z'), changedAt: 1000, by: 'admin' }] },
    ]);
  });

  t.test('the change marker moves with every committed write, and only then', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    const a = await store.changes();
    await store.write([obs('K01', '2022-06', 1)], meta());
    const b = await store.changes();
    t.not(b.data, a.data, 'figures');
    t.equal(b.catalog, a.catalog, 'not the catalog');
    await store.write([obs('K01', '2022-06', 1)], meta(), { dryRun: true });
    t.equal((await store.changes()).data, b.data, 'a dry run changes nothing');
    await store.saveCatalog({ regions: [{ code: 'K01', name: '又改名', parent: 'C', level: 'county' }] });
    const c = await store.changes();
    t.not(c.catalog, b.catalog, 'the catalog');
    t.not(c.data, b.data);
    t.equal(c.inFlightSince, null, 'no write under way');
  });

  t.test('receive times the store stamps itself strictly increase: no version is superseded in the instant it arrived', async (t) => {
    const store = await seeded(h);
    t.teardown(() => store.close());
    for (let i = 0; i < 20; i++) await store.write([obs('K01', '2022-06', i)], { by: 'fast' });
    const times = (await store.history({ indicator: 'inv', region: 'K01', period: '2022-06' })).map((v) => v.receivedAt);
    t.equal(times.length, 20);
    t.ok(times.every((at, i) => i === 0 || at > times[i - 1]!), 'each later than the one before, even within a millisecond');
  });

  t.test('tokens: kept whole, oldest first, scopes as given; revoked once; last use only later; kept across a restart', async (t) => {
    let store = await seeded(h);
    const token = (id: string, createdAt: number, scope: StoredToken['scope'], more: Partial<StoredToken> = {}): StoredToken => ({
      id,
      hash: `${id.replace(/[^a-f0-9]/g, '')}${'0123456789abcdef'.repeat(4)}`.slice(0, 64),
      role: 'reader',
      holder: `holder of ${id}`,
      scope,
      createdAt,
      createdBy: 'admin',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      ...more,
    });
    const given = [
      token('tok-b', Date.parse('2024-05-01T00:00:02Z'), null, { role: 'admin', holder: '张三 "quoted" \\ back\nline', createdBy: '管理员' }),
      token('tok-a', Date.parse('2024-05-01T00:00:02Z'), {}, { role: 'writer', expiresAt: Date.parse('2030-01-01T00:00:00Z') }),
      token('tok-c', Date.parse('2024-05-01T00:00:01Z'), { regions: ['P', 'K01'] }),
      token('tok-d', Date.parse('2024-05-01T00:00:03Z'), { indicators: ['inv'] }, { role: 'preview', revokedAt: Date.parse('2024-05-02T00:00:00Z'), lastUsedAt: Date.parse('2024-05-01T12:00:00Z') }),
      token('tok-e', Date.parse('2024-05-01T00:00:03.001Z'), { regions: ['C'], indicators: ['rate', 'inv'] }, { role: 'approver' }),
    ];
    t.same(await store.tokens(), [], 'none at first');
    const before = await store.changes();
    for (const x of given) await store.saveToken(x);
    const saved = await store.changes();
    t.not(saved.catalog, before.catalog, 'saving a token moves the catalog marker');
    t.equal(saved.releases, before.releases, 'not the calendar marker');
    const byId = (id: string) => given.find((x) => x.id === id)!;
    t.same(await store.tokens(), ['tok-c', 'tok-a', 'tok-b', 'tok-d', 'tok-e'].map(byId), 'every field kept; oldest first, then by id');
    const kept = await store.tokens();
    t.equal(kept.find((x) => x.id === 'tok-b')!.scope, null, 'no scope stays null');
    t.same(Object.keys(kept.find((x) => x.id === 'tok-a')!.scope!), [], 'an empty scope stays empty');
    t.same(kept.find((x) => x.id === 'tok-c')!.scope, { regions: ['P', 'K01'] }, 'regions only');
    t.same(kept.find((x) => x.id === 'tok-d')!.scope, { indicators: ['inv'] }, 'indicators only');

    await t.rejects(store.saveToken({ ...byId('tok-a'), hash: 'f'.repeat(64) }), 'an id kept already is refused');
    t.equal((await store.tokens()).find((x) => x.id === 'tok-a')!.hash, byId('tok-a').hash, 'and the kept token is unchanged');

    const revokedAt = Date.parse('2024-05-03T00:00:00Z');
    const a = await store.changes();
    t.equal(await store.revokeToken('tok-a', revokedAt), true, 'revoked');
    const b = await store.changes();
    t.not(b.catalog, a.catalog, 'revoking moves the catalog marker');
    t.equal(await store.revokeToken('tok-a', revokedAt + 1000), false, 'not twice');
    t.equal(await store.revokeToken('tok-d', revokedAt), false, 'nor a token saved revoked');
    t.equal(await store.revokeToken('nope', revokedAt), false, 'nor an unknown one');
    t.equal((await store.changes()).catalog, b.catalog, 'a revocation that revoked nothing moves no marker');
    let tokens = await store.tokens();
    t.equal(tokens.find((x) => x.id === 'tok-a')!.revokedAt, revokedAt, 'the first revocation time is kept');
    t.equal(tokens.find((x) => x.id === 'tok-d')!.revokedAt, byId('tok-d').revokedAt);
    t.same(tokens.find((x) => x.id === 'tok-a'), { ...byId('tok-a'), revokedAt }, 'nothing else changed');

    const c = await store.changes();
    const used = Date.parse('2024-05-04T00:00:00Z');
    await store.touchTokens([
      { id: 'tok-b', lastUsedAt: used },
      { id: 'nope', lastUsedAt: used },
      { id: 'tok-d', lastUsedAt: Date.parse('2024-05-01T06:00:00Z') },
      { id: 'tok-c', lastUsedAt: used + 5 },
      { id: 'tok-c', lastUsedAt: used + 9 },
      { id: 'tok-c', lastUsedAt: used + 7 },
    ]);
    await store.touchTokens([{ id: 'tok-b', lastUsedAt: used - 1000 }]);
    await store.touchTokens([]);
    const d = await store.changes();
    t.same([d.data, d.catalog, d.releases], [c.data, c.catalog, c.releases], 'touching moves no marker');
    tokens = await store.tokens();
    t.same(
      tokens.map((x) => [x.id, x.lastUsedAt]),
      [
        ['tok-c', used + 9],
        ['tok-a', null],
        ['tok-b', used],
        ['tok-d', byId('tok-d').lastUsedAt],
        ['tok-e', null],
      ],
      'the latest use kept, an earlier one ignored, unknown ids ignored',
    );
    t.same(tokens.find((x) => x.id === 'tok-b'), { ...byId('tok-b'), lastUsedAt: used }, 'nothing else changed');

    store = await h.reopen(store);
    t.teardown(() => store.close());
    t.same(await store.tokens(), tokens, 'kept across a restart');
  });

  t.test('the access log: newest first, pages without gaps or repeats, filters and bounds, months exactly', async (t) => {
    let store = await seeded(h);
    const base = Date.parse('2024-05-01T08:00:00Z');
    const entry = (at: number, holder: string, months: Array<[string, string]>, more: Partial<AccessEntry> = {}): AccessEntry => ({
      at,
      holder,
      role: 'preview',
      method: 'GET',
      path: `/v1/rankings?indicator=${months[0]?.[0] ?? ''}&period=${months[0]?.[1] ?? ''}`,
      months: months.map(([indicator, period]) => ({ indicator, period })),
      ...more,
    });
    // Many months in one answer (a download): more JSON than one string field of a point takes whole.
    const many: Array<[string, string]> = Array.from({ length: 1200 }, (_, i) => [i % 2 === 0 ? 'inv' : 'rate', `${1900 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`]);
    const early = entry(base - 3_600_000, 'alice', [['inv', '2024-03']]);
    const fillers = Array.from({ length: 40 }, (_, i) => entry(base - 1_000_000 + i * 1000, 'filler', [['rate', '2024-01']]));
    const sameMs = [
      entry(base + 1000, 'bob', [['inv', '2024-04'], ['rate', '2024-03']]),
      entry(base + 1000, 'alice', [['rate', '2024-04']], { role: 'admin', method: 'POST', path: '/v1/exports' }),
      entry(base + 1000, 'bob', many, { role: 'writer', path: '/v1/exports/all.xlsx' }),
    ];
    const others = [
      entry(base, 'alice', [['inv', '2024-04']]),
      entry(base + 2000, 'carol "q" \\ 名', [['inv', '2024-03'], ['rate', '2024-04']], { path: '/v1/series?region=odd.code-_1&note="x"' }),
      entry(base - 5000, 'alice', [['rate', '2024-03']]),
    ];
    const later = entry(base + 1000, 'dave', [['inv', '2024-04']]);
    await store.appendAccess([early]);
    await store.appendAccess(fillers);
    await store.appendAccess(sameMs);
    await store.appendAccess(others);
    await store.appendAccess([later]);
    await store.appendAccess([]);
    const given = [early, ...fillers, ...sameMs, ...others, later];

    const full = await store.accessLog({ limit: 1000 });
    t.equal(full.length, given.length, 'every entry kept: none of one millisecond overwrote another');
    t.equal(new Set(full.map((e) => e.id)).size, full.length, 'ids unique');
    t.equal(full.filter((e) => e.at === base + 1000).length, 4, 'four entries in one millisecond, from two appends');
    t.ok(full.every((e, i) => i === 0 || e.at <= full[i - 1]!.at), 'newest first');
    const plain = ({ id: _id, ...e }: AccessEntry & { id: string }) => e;
    const key = (e: AccessEntry) => JSON.stringify(e);
    t.same(full.map(plain).map(key).sort(), given.map(key).sort(), 'every field and month kept exactly');
    t.same(full.find((e) => e.path === '/v1/exports/all.xlsx')!.months, many.map(([indicator, period]) => ({ indicator, period })), 'a long list of months whole, in order');

    const walk = async (query: { holder?: string; indicator?: string; period?: string; from?: number; to?: number }, size: number) => {
      const out: Array<AccessEntry & { id: string }> = [];
      let before: { at: number; id: string } | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await store.accessLog({ ...query, limit: size, before });
        t.ok(page.length <= size, 'a page holds at most its limit');
        out.push(...page);
        if (page.length < size) return out;
        const last = page[page.length - 1]!;
        before = { at: last.at, id: last.id };
      }
      t.fail('the walk ends');
      return out;
    };
    t.same(await walk({}, 2), full, 'pages of 2 walk everything newest first, no gap, no repeat');
    t.same(await walk({}, 4), full, 'pages of 4 too (one ends inside the millisecond of four)');
    t.same(await store.accessLog({ limit: 3 }), full.slice(0, 3), 'the first page');

    const check = async (what: string, query: { holder?: string; indicator?: string; period?: string; from?: number; to?: number }, want: (e: AccessEntry) => boolean) => {
      const expected = full.filter(want);
      t.ok(expected.length > 0 || what.includes('nothing'), `${what}: the case has entries`);
      t.same(await store.accessLog({ ...query, limit: 1000 }), expected, what);
      t.same(await walk(query, 2), expected, `${what}, in pages of 2`);
    };
    const has = (e: AccessEntry, indicator?: string, period?: string) =>
      e.months.some((m) => (indicator === undefined || m.indicator === indicator) && (period === undefined || m.period === period));
    await check('by holder', { holder: 'alice' }, (e) => e.holder === 'alice');
    await check('by a holder with quotes', { holder: 'carol "q" \\ 名' }, (e) => e.holder === 'carol "q" \\ 名');
    await check('by holder, nothing', { holder: 'ALICE' }, () => false);
    await check('by indicator (found past many entries without it)', { indicator: 'inv' }, (e) => has(e, 'inv'));
    await check('by indicator and period: one month with both', { indicator: 'inv', period: '2024-04' }, (e) => has(e, 'inv', '2024-04'));
    t.notOk(has(others[1]!, 'inv', '2024-04'), 'an entry with inv in another month and 2024-04 of another indicator does not count');
    await check('by period alone', { period: '2024-04' }, (e) => has(e, undefined, '2024-04'));
    await check('by indicator, nothing', { indicator: 'nope' }, () => false);
    await check('from and to, inclusive: one millisecond', { from: base + 1000, to: base + 1000 }, (e) => e.at === base + 1000);
    await check('from only', { from: base }, (e) => e.at >= base);
    await check('to only', { to: base - 5000 }, (e) => e.at <= base - 5000);
    await check('every filter at once', { holder: 'bob', indicator: 'rate', period: '2024-03', from: base, to: base + 2000 }, (e) => e.holder === 'bob' && has(e, 'rate', '2024-03') && e.at >= base && e.at <= base + 2000);
    t.same(await store.accessLog({ limit: 10, from: base + 3000 }), [], 'nothing after the last');
    t.same(await store.accessLog({ limit: 10, to: base - 7_200_000 }), [], 'nothing before the first');

    store = await h.reopen(store);
    t.teardown(() => store.close());
    t.same(await store.accessLog({ limit: 1000 }), full, 'kept across a restart, ids too');
    const more = entry(base + 1000, 'erin', [['inv', '2024-04']]);
    await store.appendAccess([more]);
    const again = await store.accessLog({ limit: 1000, from: base + 1000, to: base + 1000 });
    t.equal(again.length, 5, 'an entry appended after a restart in the same millisecond overwrites none');
    t.equal(new Set(again.map((e) => e.id)).size, 5);
  });

  t.test('review decisions: every one kept in the order made, every field exact; the calendar marker moves', async (t) => {
    let store = await seeded(h);
    t.same(await store.reviewDecisions(), [], 'none at first');
    const decision = (d: Partial<ReviewDecision>): ReviewDecision => ({ indicator: 'inv', period: '2024-04', action: 'approve', at: 2000, by: 'approver', note: null, override: null, ...d });
    const made = [
      decision({}),
      decision({ action: 'reopen', at: 1000, by: '审核员', note: '数据有误，\n重新核对 "引号" \\ 反斜杠\ttab' }),
      decision({ indicator: 'rate', at: 2000, by: 'boss', note: '', override: '检查未通过但已核实：见\n附件 "A"' }),
      decision({ indicator: 'rate', at: 2000, note: null, override: 'x' }),
      decision({ period: '2024-05', at: 3000, note: '{"json": true}', override: 'null' }),
    ];
    const before = await store.changes();
    await store.saveReviewDecision(made[0]!);
    const after = await store.changes();
    t.not(after.releases, before.releases, 'a decision moves the calendar marker');
    t.equal(after.catalog, before.catalog, 'not the catalog marker');
    for (const d of made.slice(1)) await store.saveReviewDecision(d);
    const order = [made[1], made[0], made[2], made[3], made[4]];
    t.same(await store.reviewDecisions(), order, 'by time, then in the order made; null and text kept apart');
    store = await h.reopen(store);
    t.teardown(() => store.close());
    t.same(await store.reviewDecisions(), order, 'kept across a restart');
  });

  t.test('reasons and notes: kept with first versions, revisions and withdrawals; a row identical but for them is unchanged', async (t) => {
    let store = await seeded(h);
    const key = { indicator: 'inv', region: 'K01', period: '2022-06' };
    // Everything a line, a meta string or a query could trip on.
    const note = '录入错误;d=1 见"附件" = A\n第二行 \\ 50%3B \'引号\' 😀';
    const why = (o: Observation, reason: Reason | null, text: string | null): PostedRow => ({ ...o, reason, note: text });
    t.same(
      await store.write([why(obs('K01', '2022-06', 10, 1.5), 'revision', '初次上报'), obs('K02', '2022-06', 7), why(obs('K03', '2022-06', 8), null, note)], meta('a', '2024-03-01T00:00:00Z')),
      { created: 3, revised: 0, unchanged: 0 },
    );
    t.same(await store.write([why(obs('K01', '2022-06', 10, 1.5), 'correction', '只改原因')], meta('b', '2024-03-02T00:00:00Z')), { created: 0, revised: 0, unchanged: 1 }, 'a new reason and note alone make no version');
    t.same(await store.write([why(obs('K01', '2022-06', 11, 1.5), 'correction', note)], meta('c', '2024-03-03T00:00:00Z')), { created: 0, revised: 1, unchanged: 0 });
    t.same(await store.write([obs('K01', '2022-06', 12, 1.5)], meta('d', '2024-03-04T00:00:00Z')), { created: 0, revised: 1, unchanged: 0 }, 'a revision without them');
    t.equal(await store.withdraw(key, meta('w', '2024-03-05T00:00:00Z'), { reason: 'reclassification', note: '划入K02' }), 4);
    t.equal(await store.withdraw({ ...key, region: 'K02' }, meta('w', '2024-03-05T00:00:01Z')), 2, 'a withdrawal without them');
    const expected = [
      [1, 10, false, 'revision', '初次上报'],
      [2, 11, false, 'correction', note],
      [3, 12, false, null, null],
      [4, null, true, 'reclassification', '划入K02'],
    ];
    const shape = (versions: readonly StoredVersion[]) => versions.map((v) => [v.version, v.value, v.withdrawn, v.reason, v.note]);
    t.same(shape(await store.history(key)), expected, 'history: each version its own');
    t.same(shape(await store.history({ ...key, region: 'K02' })), [[1, 7, false, null, null], [2, null, true, null, null]], 'none given: null');
    t.same(shape(await store.history({ ...key, region: 'K03' })), [[1, 8, false, null, note]], 'a first version with a note alone');
    const versions = async (until: string | null) =>
      Object.fromEntries((await store.versions('inv', ['2022-06'], null, until === null ? null : Date.parse(until))).map((f) => [f.region, shape(f.versions)]));
    t.same((await versions(null)).K01, expected, 'versions of a slice');
    t.same((await versions('2024-03-03T12:00:00Z')).K01, expected.slice(0, 2), 'as of an instant');
    t.same((await store.seriesVersions('inv', 'K03', null, null, null)).map((f) => shape(f.versions)), [[[1, 8, false, null, note]]], 'versions of a series');
    t.same(sorted(await store.slices('inv', ['2022-06'], null)), [obs('K03', '2022-06', 8)], 'current reads are the plain figures');
    t.same(await store.write([why(obs('K01', '2022-06', 12, 1.5), 'correction', '重报')], meta('e', '2024-03-06T00:00:00Z')), { created: 1, revised: 0, unchanged: 0 }, 'posted again after a withdrawal');
    store = await h.reopen(store);
    t.teardown(() => store.close());
    t.same(shape(await store.history(key)), [...expected, [5, 12, false, 'correction', '重报']], 'kept across a restart');
    t.same(shape(await store.history({ ...key, region: 'K03' })), [[1, 8, false, null, note]]);
  });

  t.test('report templates: kept byte for byte, listed by name then kind without bytes, replaced by name and kind, deleted by name or kind', async (t) => {
    let store = await seeded(h);
    t.same(await store.templates(), [], 'none at first');
    t.equal(await store.template('weekly', 'docx'), null, 'a missing one is null');

    const docx = binary(100_000);
    const chinese = Buffer.from('# {{ region.name }} 月度报告\n\n{% for i in indicators %}- {{ i.name }}：{{ i.value }} 亿元 😀\n{% endfor %}\n"引号" \\ 反斜杠\r\n', 'utf8');
    const saved = [
      template('weekly', 'docx', docx, { tags: ['月报', 'region.name', 'a "quoted" \\ tag'], savedBy: '张三 "editor" \\', savedAt: new Date('2024-05-02T03:04:05.678Z') }),
      template('weekly', 'markdown', chinese, { tags: ['indicators', 'i.name', 'i.value'] }),
      template('weekly', 'html', Buffer.from('<h1>{{ title }}</h1>\n', 'utf8')),
      template('a0', 'docx', binary(3)),
      template('a_b', 'html', Buffer.from('<p>x</p>', 'utf8')),
      template('a-b', 'markdown', Buffer.alloc(0), { sha256: createHash('sha256').digest('hex') }),
    ];
    const copies = saved.map((x) => Buffer.from(x.bytes));
    const before = await store.changes();
    await store.saveTemplate(saved[0]!);
    const after = await store.changes();
    t.not(after.catalog, before.catalog, 'saving a template moves the catalog marker');
    t.equal(after.releases, before.releases, 'not the calendar marker');
    for (const x of saved.slice(1)) await store.saveTemplate(x);
    t.ok(saved.every((x, i) => x.bytes.equals(copies[i]!) && x.bytes.length === copies[i]!.length), "the caller's buffers are left as they were");

    const order = ['a-b markdown', 'a0 docx', 'a_b html', 'weekly docx', 'weekly html', 'weekly markdown'];
    const byKey = (key: string) => saved.find((x) => `${x.name} ${x.kind}` === key)!;
    let list = await store.templates();
    t.same(list.map((x) => `${x.name} ${x.kind}`), order, 'by name, then kind, as code units order them');
    t.same(list, order.map((key) => infoOf(byKey(key))), 'every field kept: size, digest, when and by whom, tags in the order given');
    t.ok(list.every((x) => !('bytes' in x)), 'a listing carries no bytes');
    t.ok(list[3]!.savedAt instanceof Date && list[3]!.savedAt.getTime() === Date.parse('2024-05-02T03:04:05.678Z'), 'savedAt a Date, to the millisecond');

    for (const x of saved) {
      const got = await store.template(x.name, x.kind);
      t.ok(got !== null && Buffer.isBuffer(got.bytes) && got.bytes.equals(x.bytes), `${x.name} ${x.kind}: the bytes exactly (${x.bytes.length})`);
      t.same(got === null ? null : infoOf(got), infoOf(x), `${x.name} ${x.kind}: and what it is`);
    }
    t.equal((await store.template('weekly', 'markdown'))!.bytes.toString('utf8'), chinese.toString('utf8'), 'Chinese text reads back as written');
    t.equal(await store.template('a0', 'html'), null, 'a name kept in another kind only: null');
    t.equal(await store.template('nope', 'docx'), null);

    // Smaller, then larger again: nothing of an earlier version shows through.
    const smaller = template('weekly', 'docx', binary(40_000), { savedAt: new Date('2024-06-01T00:00:00.001Z'), savedBy: 'second', tags: ['新'] });
    await store.saveTemplate(smaller);
    const replaced = await store.changes();
    t.not(replaced.catalog, after.catalog, 'replacing moves the catalog marker');
    list = await store.templates();
    t.same(list.map((x) => `${x.name} ${x.kind}`), order, 'one template per name and kind');
    t.same(list.find((x) => x.name === 'weekly' && x.kind === 'docx'), infoOf(smaller), 'the newest one listed');
    t.ok((await store.template('weekly', 'docx'))!.bytes.equals(smaller.bytes), 'and read: the newest bytes');
    const larger = template('weekly', 'docx', binary(90_001), { savedBy: 'third' });
    await store.saveTemplate(larger);
    t.ok((await store.template('weekly', 'docx'))!.bytes.equals(larger.bytes), 'replaced again, larger');
    t.same(infoOf((await store.template('weekly', 'docx'))!), infoOf(larger));
    t.ok((await store.template('weekly', 'markdown'))!.bytes.equals(chinese), 'other kinds of the name untouched');

    const c = await store.changes();
    t.equal(await store.deleteTemplates('weekly', 'html'), 1, 'one kind of a name');
    const d = await store.changes();
    t.not(d.catalog, c.catalog, 'deleting moves the catalog marker');
    t.equal(await store.template('weekly', 'html'), null, 'gone');
    t.same((await store.templates()).map((x) => `${x.name} ${x.kind}`), ['a-b markdown', 'a0 docx', 'a_b html', 'weekly docx', 'weekly markdown'], 'the others kept');
    t.equal(await store.deleteTemplates('weekly', 'html'), 0, 'not twice');
    t.equal(await store.deleteTemplates('nope', null), 0, 'a name never kept: 0');
    t.equal(await store.deleteTemplates('a0', 'markdown'), 0, 'a kind the name is not kept in: 0');
    t.equal(await store.deleteTemplates('a', null), 0, 'names are whole: no prefix matches');
    t.equal((await store.changes()).catalog, d.catalog, 'removing nothing moves no marker');
    t.equal(await store.deleteTemplates('weekly', null), 2, 'every kind of a name');
    t.same((await store.templates()).map((x) => `${x.name} ${x.kind}`), ['a-b markdown', 'a0 docx', 'a_b html']);
    t.same([await store.template('weekly', 'docx'), await store.template('weekly', 'markdown')], [null, null]);

    const again = template('weekly', 'html', Buffer.from('<h2>再次保存</h2>', 'utf8'), { savedBy: 'fourth' });
    await store.saveTemplate(again);
    t.ok((await store.template('weekly', 'html'))!.bytes.equals(again.bytes), 'saved again after a delete: readable');
    t.same((await store.templates()).map((x) => `${x.name} ${x.kind}`), ['a-b markdown', 'a0 docx', 'a_b html', 'weekly html'], 'and the deleted kinds stay deleted');

    store = await h.reopen(store);
    t.teardown(() => store.close());
    t.same((await store.templates()).map((x) => `${x.name} ${x.kind}`), ['a-b markdown', 'a0 docx', 'a_b html', 'weekly html'], 'kept across a restart');
    t.same(infoOf((await store.template('weekly', 'html'))!), infoOf(again));
    t.ok((await store.template('a0', 'docx'))!.bytes.equals(saved[3]!.bytes));
    t.same([await store.template('weekly', 'docx'), await store.template('weekly', 'markdown')], [null, null], 'the deleted ones do not come back');
  });

  t.test('report templates: 5 MB of binary bytes round-trip exactly, replaced by 5 MB more', async (t) => {
    let store = await seeded(h);
    const first = template('big', 'docx', binary(5 * 1024 * 1024));
    await store.saveTemplate(first);
    let got = await store.template('big', 'docx');
    t.ok(got !== null && got.bytes.equals(first.bytes), '5 MB exactly');
    t.same(got === null ? null : infoOf(got), infoOf(first));
    const second = template('big', 'docx', binary(5 * 1024 * 1024), { savedBy: 'again' });
    await store.saveTemplate(second);
    store = await h.reopen(store);
    t.teardown(() => store.close());
    got = await store.template('big', 'docx');
    t.ok(got !== null && got.bytes.equals(second.bytes), 'replaced: the new 5 MB exactly, after a restart');
    t.same(await store.templates(), [infoOf(second)]);
  });
}
