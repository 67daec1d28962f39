/**
 * The slices the memory layer keeps for InfluxDB (memory/slices.ts) and
 * how that adapter's writes take turns (keyed-lock.ts): valid only while
 * trust.ts says so, never filled by a read that overlapped its own write.
 */
import t from 'tap';
import { KeyedLock } from '../../src/store/influxdb/keyed-lock.ts';
import type { StoredFigure } from '../../src/store/influxdb/lines.ts';
import { FIGURE_SLICES_FIGURES_MAX, SliceMemory } from '../../src/store/memory/slices.ts';
import { Trust } from '../../src/store/memory/trust.ts';

const state = (data: string) => ({ data, catalog: '0', releases: '0', inFlightSince: null });
/** Slices kept under a trust that has read the marker M1. */
function kept(): SliceMemory & { trust: Trust } {
  const trust = new Trust(250);
  trust.observed(state('M1'));
  return new SliceMemory(trust) as SliceMemory & { trust: Trust };
}

const point = (region: string, value: number, extra: Partial<StoredFigure> = {}): StoredFigure => ({
  indicator: 'i',
  region,
  period: '2022-06',
  value,
  yoy: null,
  status: null,
  version: 1,
  receivedAt: 5,
  by: 'x',
  ...extra,
});

t.test('a slice read whole answers points, values and figures; a write of this instance updates it', async (t) => {
  const m = kept();
  m.putWhole('i', '2022-06', [point('A', 1), point('B', 2, { withdrawn: true, version: 3 }), point('C', 3, { yoy: 1.5, status: 'p' })], m.readStamp());
  const whole = m.wholeSlice('i', '2022-06')!;
  t.same(whole('C'), point('C', 3, { yoy: 1.5, status: 'p', receipted: false, withdrawn: false, reason: null, note: null }), 'every field comes back');
  t.equal(whole('B')?.withdrawn, true, 'a withdrawal is a point');
  t.equal(whole('Z'), undefined);
  t.equal(m.valuesOf('i', '2022-06')!('B'), undefined, 'a withdrawn figure has no value');
  t.same(m.currentFigures('i', '2022-06')!.map((f) => [f.region, f.value]), [['A', 1], ['C', 3]], 'current figures leave withdrawals out');
  const first = m.currentFigures('i', '2022-06');
  t.equal(m.currentFigures('i', '2022-06'), first, 'the same array until a write');
  m.wrote([{ indicator: 'i', region: 'B', period: '2022-06', value: 9, yoy: null, status: null }, { indicator: 'i', region: 'D', period: '2022-06', value: 4, yoy: 2, status: null }], [4, 1], 7, 'y');
  t.same(m.currentFigures('i', '2022-06')!.map((f) => [f.region, f.value]), [['A', 1], ['B', 9], ['C', 3], ['D', 4]], 'posted again and a new region');
  t.same([whole('B')?.version, whole('B')?.receivedAt, whole('B')?.by, whole('D')?.yoy], [4, 7, 'y', 2]);
  t.equal(m.wholeSlice('i', '2022-07'), undefined, 'a month never read is not known');
});

t.test('a slice kept whole keeps each current version\'s reason and note, and a write replaces them', async (t) => {
  const m = kept();
  m.putWhole('i', '2022-06', [point('A', 1, { reason: 'correction', note: '录入错误;d=1' }), point('B', 2, { reason: 'revision' })], m.readStamp());
  const whole = m.wholeSlice('i', '2022-06')!;
  t.same([whole('A')?.reason, whole('A')?.note, whole('B')?.reason, whole('B')?.note], ['correction', '录入错误;d=1', 'revision', null]);
  m.wrote([{ indicator: 'i', region: 'A', period: '2022-06', value: 3, yoy: null, status: null }, { indicator: 'i', region: 'C', period: '2022-06', value: 4, yoy: null, status: null, reason: 'reclassification', note: '划转' }], [2, 1], 7, 'y');
  t.same([whole('A')?.reason, whole('A')?.note, whole('C')?.reason, whole('C')?.note], [null, null, 'reclassification', '划转'], 'a version without them has none; the slice grew for a new region and kept them');
});

t.test('valid while the marker is one it knows: its own, in any order; another is a reason to forget everything', async (t) => {
  const m = kept();
  m.putValues('i', '2022-05', [{ region: 'A', value: 1 }], m.readStamp());
  m.expect('M2');
  m.expect('M3');
  m.trust.observed(state('M2'));
  t.ok(m.valuesOf('i', '2022-05'), 'a marker of its own, read before its write was told');
  m.trust.wrote({ data: 'M2', catalog: false, releases: false, indicators: ['j'] });
  m.trust.observed(state('M3'));
  t.ok(m.valuesOf('i', '2022-05'), 'writes of its own may land in any order');
  m.trust.observed(state('FOREIGN'));
  t.equal(m.valuesOf('i', '2022-05'), undefined, 'another instance wrote: nothing known stays');
  m.putValues('i', '2022-05', [{ region: 'A', value: 1 }], m.readStamp());
  t.ok(m.valuesOf('i', '2022-05'));
  m.trust.observed(state('M2'));
  t.equal(m.valuesOf('i', '2022-05'), undefined, 'and its own old markers no longer vouch (a store restored to an older state)');
  m.putValues('i', '2022-05', [{ region: 'A', value: 1 }], m.readStamp());
  m.lost();
  t.equal(m.valuesOf('i', '2022-05'), undefined, 'a write cut short: nothing known stays');
});

t.test('a read that overlapped a write of this instance to the same month is not kept', async (t) => {
  const m = kept();
  const stamp = m.readStamp();
  const done = m.beginWrite([{ indicator: 'i', period: '2022-06' }]);
  m.putWhole('i', '2022-06', [point('A', 1)], stamp);
  t.equal(m.wholeSlice('i', '2022-06'), undefined, 'during the write');
  m.putWhole('i', '2022-05', [point('A', 1, { period: '2022-05' })], stamp);
  t.ok(m.wholeSlice('i', '2022-05'), 'another month is kept');
  done();
  m.putWhole('i', '2022-06', [point('A', 1)], stamp);
  t.equal(m.wholeSlice('i', '2022-06'), undefined, 'begun before the write, answered after it');
  m.putWhole('i', '2022-06', [point('A', 1)], m.readStamp());
  t.ok(m.wholeSlice('i', '2022-06'), 'a read begun after it is kept');
});

t.test('an indicator known whole takes new months as they are written', async (t) => {
  const m = kept();
  m.putIndicator('i', new Map([['2022-05', [point('A', 1, { period: '2022-05' })]]]), m.readStamp());
  t.same([...m.monthsOf('i')!], ['2022-05']);
  m.wrote([{ indicator: 'i', region: 'A', period: '2022-06', value: 2, yoy: null, status: null }], [1], 9, 'x');
  t.same([...m.monthsOf('i')!].sort(), ['2022-05', '2022-06'], 'the new month is known whole');
  t.same(m.currentFigures('i', '2022-06')!.map((f) => f.value), [2]);
  m.trust.unknown();
  t.equal(m.monthsOf('i'), undefined, 'the state could not be read: nothing known stays');
});

t.test('writes to different months go side by side; to one month, one at a time, in order', async (t) => {
  const lock = new KeyedLock();
  const order: string[] = [];
  const a = await lock.acquire(['i|2022-06', 'i|2022-07']);
  let bHeld = false;
  const b = lock.acquire(['i|2022-07']).then((release) => {
    bHeld = true;
    order.push('b');
    return release;
  });
  const c = await lock.acquire(['j|2022-06']);
  order.push('c');
  t.notOk(bHeld, 'b waits for a month a holds');
  c();
  order.push('a');
  a();
  (await b)();
  t.same(order, ['c', 'a', 'b'], 'c did not wait; b ran after a');
  t.ok(lock.idle);
});

t.test('a read begun while a write of this instance to its month was under way is not kept, even when it ends after the write', async (t) => {
  const m = kept();
  const done = m.beginWrite([{ indicator: 'i', period: '2022-06' }]);
  const stamp = m.readStamp();
  done();
  m.putWhole('i', '2022-06', [point('A', 1)], stamp);
  m.putVersions('i', '2022-06', [], stamp);
  t.equal(m.wholeSlice('i', '2022-06'), undefined, 'it may have seen half the write');
  t.equal(m.versionsOf('i', '2022-06'), undefined);
});

t.test('a whole month pushed out of memory leaves its values: next year it is the growth base', async (t) => {
  const m = kept();
  const big = Array.from({ length: 3000 }, (_, i) => point(`R${i}`, i + 0.5));
  // More whole months than are kept: the first goes, its values stay.
  for (let month = 1; month <= 400; month++) m.putWhole('i', `20${String(10 + Math.floor(month / 12)).padStart(2, '0')}-${String((month % 12) + 1).padStart(2, '0')}`, big, m.readStamp());
  const first = '2010-02';
  t.equal(m.wholeSlice('i', first), undefined, 'no longer known whole');
  t.equal(m.valuesOf('i', first)?.('R7'), 7.5, 'its values are');
});

t.test("a slice's versions cut at an instant: the versions received by then, whole figures shared, kept until a write", async (t) => {
  const m = kept();
  const v = (version: number, receivedAt: number) => ({ version, value: version, yoy: null, status: null, receivedAt, by: 'x', withdrawn: false, reason: null, note: null });
  const figures = [
    { indicator: 'i', region: 'A', period: '2022-06', versions: [v(1, 10), v(2, 20), v(3, 30)] },
    { indicator: 'i', region: 'B', period: '2022-06', versions: [v(1, 10)] },
    { indicator: 'i', region: 'C', period: '2022-06', versions: [v(1, 40)] },
  ];
  t.equal(m.versionsUntil('i', '2022-06', 25), undefined, 'nothing before the slice is known');
  m.putVersions('i', '2022-06', figures, m.readStamp());
  const cut = m.versionsUntil('i', '2022-06', 25)!;
  t.same(
    cut.map((f) => [f.region, f.versions.map((x) => x.version)]),
    [
      ['A', [1, 2]],
      ['B', [1]],
    ],
    'versions received by the instant; a figure with none left out',
  );
  t.equal(cut[1], figures[1], 'a figure received whole by then is not copied');
  t.equal(cut[0]!.versions[0], figures[0]!.versions[0], 'nor are its version records');
  t.equal(m.versionsUntil('i', '2022-06', 25), cut, 'asked again, the same cut');
  t.equal(m.versionsUntil('i', '2022-06', 100)!.length, 3, 'another instant, another cut');
  t.same(figures[0]!.versions.length, 3, 'the slice itself is untouched');
  m.beginWrite([{ indicator: 'i', period: '2022-06' }])();
  t.equal(m.versionsUntil('i', '2022-06', 25), undefined, 'a write to the month drops the slice and its cuts');
});

t.test('cuts count against the versions kept: older slices are pushed out, never the one asked', async (t) => {
  const m = kept();
  const slice = (period: string) =>
    Array.from({ length: 50_000 }, (_, r) => ({
      indicator: 'i',
      region: `R${r}`,
      period,
      versions: [1, 2, 3].map((version) => ({ version, value: version, yoy: null, status: null, receivedAt: version * 10, by: 'x', withdrawn: false, reason: null, note: null })),
    }));
  // Four slices of 150,000 versions fill what is kept; a cut of the last needs room.
  const months = ['2022-01', '2022-02', '2022-03', '2022-04'];
  for (const p of months) m.putVersions('i', p, slice(p), m.readStamp());
  t.ok(months.every((p) => m.versionsOf('i', p) !== undefined), 'all four kept');
  t.equal(m.versionsUntil('i', '2022-04', 25)!.length, 50_000);
  t.equal(m.versionsOf('i', '2022-01'), undefined, 'the least recently used slice made room for the cut');
  t.ok(m.versionsOf('i', '2022-04') !== undefined, 'the slice asked stays');
});

t.test('figures alone (SQLite): answered as figures, never as points to compare with; bounded; dropped by the months written', async (t) => {
  const m = kept();
  const figures = [{ indicator: 'i', region: 'A', period: '2022-06', value: 1, yoy: null, status: null }];
  m.putFigures('i', '2022-06', figures, m.readStamp());
  t.equal(m.currentFigures('i', '2022-06'), figures, 'the same array, no copy');
  t.ok(m.holds('i', '2022-06'));
  t.equal(m.wholeSlice('i', '2022-06'), undefined, 'no bookkeeping: never a point to compare a write with');
  m.dropSlices([{ indicator: 'i', period: '2022-06' }]);
  t.equal(m.currentFigures('i', '2022-06'), undefined, 'a month this instance wrote goes');
  const big = Array.from({ length: FIGURE_SLICES_FIGURES_MAX / 4 }, (_, r) => ({ indicator: 'i', region: `R${r}`, period: '2022-01', value: r, yoy: null, status: null }));
  for (let month = 1; month <= 6; month++) m.putFigures('i', `2022-0${month}`, big, m.readStamp());
  t.equal(m.currentFigures('i', '2022-01'), undefined, 'the least recently used go once the figures kept pass the bound');
  t.ok(m.holds('i', '2022-06') && m.holds('i', '2022-03'));
  const bare = new SliceMemory(null);
  bare.putFigures('i', '2022-06', figures, bare.readStamp());
  t.equal(bare.currentFigures('i', '2022-06'), undefined, 'bare (no memory layer): nothing is kept');
});

t.test('another instance wrote an indicator: every month kept of it goes, the others stay; a read under way is not kept', async (t) => {
  const m = kept();
  m.putWhole('i', '2022-06', [point('A', 1)], m.readStamp());
  m.putWhole('j', '2022-06', [point('A', 1, { indicator: 'j' })], m.readStamp());
  const stamp = m.readStamp();
  m.trust.observed({ ...state('M1'), indicators: new Map([['i', 'M1'], ['j', 'M1']]) });
  m.trust.observed({ ...state('M9'), indicators: new Map([['i', 'M9'], ['j', 'M1']]) });
  t.equal(m.wholeSlice('i', '2022-06'), undefined, 'i goes');
  t.ok(m.wholeSlice('j', '2022-06'), 'j stays');
  m.putWhole('i', '2022-05', [point('A', 1, { period: '2022-05' })], stamp);
  t.equal(m.wholeSlice('i', '2022-05'), undefined, 'a read of i begun before its marks moved is not kept');
  m.putWhole('j', '2022-05', [point('A', 1, { indicator: 'j', period: '2022-05' })], stamp);
  t.ok(m.wholeSlice('j', '2022-05'), "one of j's is");
});

t.test('a write compares with kept months only once the state was read within the check interval', async (t) => {
  let now = 0;
  const trust = new Trust(250, () => now);
  let checks = 0;
  const m = new SliceMemory(trust, async () => {
    checks++;
    trust.observed(state('M1'));
  });
  await m.fresh();
  t.equal(checks, 1, 'never read: read');
  now = 100;
  await m.fresh();
  t.equal(checks, 1, 'read 100 ms ago: trusted');
  now = 400;
  await m.fresh();
  t.equal(checks, 2, 'read 300 ms ago: read again');
});
