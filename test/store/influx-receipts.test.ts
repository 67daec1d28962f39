/**
 * First versions without bookkeeping of their own, read with their batch's
 * receipt; points written before receipts existed, read as they were.
 * On a real influxd.
 */
import t, { type Test } from 'tap';
import type { Observation } from '../../src/domain/types.ts';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';
import { receiptLine } from '../../src/store/influxdb/receipts.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';

const quiet = { warn() {}, info() {} };
const JUNE = 1_654_041_600; // 2022-06-01T00:00:00Z
const meta = (by: string, at: number) => ({ by, receivedAt: new Date(at) });
const obs = (region: string, value: number, yoy: number | null = null, status: Observation['status'] = null, period = '2022-06'): Observation => ({
  indicator: 'inv',
  region,
  period,
  value,
  yoy,
  status,
});

async function open(t: Test) {
  const influxd = await sharedInfluxd(t);
  const database = freshDatabase();
  const store = await InfluxStore.connect({ url: influxd.url, token: undefined, database, org: undefined, api: 'v1', timeoutMs: 10_000 }, quiet);
  t.teardown(() => store.close());
  // Written by something other than the service, which says so as README asks: a new change marker.
  const write = async (lines: string[]) => {
    const marker = `change data="raw-${Math.random().toString(36).slice(2)}" 0`;
    const answer = await fetch(`${influxd.url}/write?db=${database}&precision=s`, { method: 'POST', body: [...lines, marker].join('\n') });
    t.equal(answer.status, 204, 'raw write');
    await store.changes();
  };
  const select = async (q: string) => {
    const answer = await fetch(`${influxd.url}/query?db=${database}&epoch=s&q=${encodeURIComponent(q)}`);
    const json = (await answer.json()) as { results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }> };
    const series = json.results[0]?.series?.[0];
    return (series?.values ?? []).map((row) => Object.fromEntries(series!.columns.map((c, i) => [c, row[i]])));
  };
  const history = async (region: string, period = '2022-06') =>
    (await store.history({ indicator: 'inv', region, period })).map((v) => [v.value, v.yoy, v.status, v.by, v.receivedAt]);
  return { store, write, select, history };
}

t.test('a batch lists its first versions in one receipt per month; they carry no bookkeeping', async (t) => {
  const { store, select, history } = await open(t);
  await store.write([obs('A', 1, 5, 'p'), obs('B', 2), obs('A', 3, null, null, '2022-07')], meta('alice', 1000));
  const points = await select('SELECT * FROM "observation"');
  t.same(
    points.map((p) => [p.region, p.value, p.yoy, p.status, p.meta]),
    [
      ['A', 1, 5, 'p', null],
      ['B', 2, null, null, null],
      ['A', 3, null, null, null],
    ],
    'bare figures: value, growth and status only as posted',
  );
  const receipts = await select('SELECT "at", "by", "parts", "regions0", "indicator" FROM "receipt"');
  t.same(
    receipts.map((r) => [r.time, r.at, r.by, r.parts, r.regions0, r.indicator]),
    [
      [JUNE, 1000, 'alice', 1, 'A,B', 'inv'],
      [JUNE + 30 * 86_400, 1000, 'alice', 1, 'A', 'inv'],
    ],
  );
  t.same(await history('A'), [[1, 5, 'p', 'alice', 1000]], 'history from the receipt');
  t.same(await history('A', '2022-07'), [[3, null, null, 'alice', 1000]]);

  await store.write([obs('A', 1, 5, 'p'), obs('B', 2.5)], meta('bob', 2000));
  t.same(
    (await select('SELECT "at", "regions0" FROM "receipt" WHERE "at" = 2000')).map((r) => [r.time, r.regions0]),
    [[JUNE, '']],
    'a revision is noted for the changes feed, listing no first version; an unchanged row adds nothing',
  );
  t.equal((await select('SELECT * FROM "receipt"')).length, 3);
  await store.write([obs('B', 2.75, 1)], meta('carol', 3000));
  t.same(await history('B'), [
    [2, null, null, 'alice', 1000],
    [2.5, null, null, 'bob', 2000],
    [2.75, 1, null, 'carol', 3000],
  ], 'the superseded first version keeps its receipt');
});

t.test('a receipt lists any number of regions, over several fields', async (t) => {
  const { store, select, history } = await open(t);
  const regions = Array.from({ length: 2_000 }, (_, i) => `R${String(i).padStart(60, '0')}`);
  await store.write(regions.map((region, i) => obs(region, i)), meta('bulk', 1000));
  const [receipt] = await select('SELECT * FROM "receipt"');
  t.equal(receipt!.parts, 3, '2,000 codes of 61 characters: three fields under 64 KB');
  t.ok(String(receipt!.regions2).length < 65_536 && String(receipt!.regions0).length < 65_536);
  t.same(await history(regions[1_999]!), [[1_999, null, null, 'bulk', 1000]], 'a region in the last field');
  t.same(await history(regions[900]!), [[900, null, null, 'bulk', 1000]]);
});

t.test('a receipt left by a write cut short does not name the figure of a later batch', async (t) => {
  const { store, write, history } = await open(t);
  // A batch listed A and B, then failed before writing B; a repeat wrote B, a later batch C.
  await store.write([obs('A', 1)], meta('first', 1000));
  await write([receiptLine('inv', '2022-06', 'zzz-cut', 1000, 'first', ['A', 'B', 'C'])]);
  await store.write([obs('B', 2)], meta('repeat', 2000));
  await store.write([obs('C', 3)], meta('later', 3000));
  t.same(await history('A'), [[1, null, null, 'first', 1000]]);
  t.same(await history('B'), [[2, null, null, 'repeat', 2000]]);
  t.same(await history('C'), [[3, null, null, 'later', 3000]]);
  // Same receive time: the batch code decides, the same way every time.
  await write([receiptLine('inv', '2022-07', 'b', 5000, 'second', ['D']), receiptLine('inv', '2022-07', 'a', 5000, 'first', ['D'])]);
  await write([`observation,indicator=inv,region=D value=4 ${JUNE + 30 * 86_400}`]);
  t.same(await history('D', '2022-07'), [[4, null, null, 'second', 5000]]);
  await write([`observation,indicator=inv,region=E value=5 ${JUNE}`]);
  t.same(await history('E'), [[5, null, null, '', 0]], 'a figure written by something else: no receipt, the epoch');
});

t.test('points written before receipts and the status field read as before, and revise cleanly', async (t) => {
  const { store, write, history } = await open(t);
  await write([
    `observation,indicator=inv,region=A meta="v=2;t=2000;b=old;s=p;y=1",value=10,yoy=3 ${JUNE}`,
    `observation_revision,indicator=inv,region=A,version=1 meta="v=1;t=1000;b=older;s=e",value=9 ${JUNE}`,
    `observation,indicator=inv,region=B meta="v=1;t=1500;b=old",value=7,yoy=1 ${JUNE}`,
  ]);
  t.same(await history('A'), [
    [9, null, 'e', 'older', 1000],
    [10, 3, 'p', 'old', 2000],
  ]);
  t.same(await history('B'), [[7, null, null, 'old', 1500]], 'a stale yoy without y=1 stays withdrawn');
  t.same(await store.write([obs('A', 10, 3, 'p'), obs('B', 7)], meta('new', 3000)), { created: 0, revised: 0, unchanged: 2 });
  t.same(await store.write([obs('A', 11)], meta('new', 4000)), { created: 0, revised: 1, unchanged: 0 });
  t.same(await history('A'), [
    [9, null, 'e', 'older', 1000],
    [10, 3, 'p', 'old', 2000],
    [11, null, null, 'new', 4000],
  ], 'status and growth withdrawn by the new version');
  t.same(await store.figuresAt([{ indicator: 'inv', region: 'A', period: '2022-06' }]), [obs('A', 11)]);
  t.same(await store.write([obs('A', 11)], meta('again', 5000)), { created: 0, revised: 0, unchanged: 1 }, 'read back equal');
});
