/**
 * The trust rule of what an instance keeps (store/memory/trust.ts), on a real
 * SQLite store behind it: kept until a write names the indicator; anything
 * else, or a marker this process did not leave (another writer, a store
 * restored from a backup), drops everything; a read under way while its
 * indicator was written is not kept.
 */
import t from 'tap';
import { AnswerMemory, MEMORY_ROWS_MAX, Trust, trustOf, withMemory } from '../../src/store/memory/index.ts';
import { consumeOwn } from '../../src/store/memory/trust.ts';

const answerMemory = () => new AnswerMemory(new Trust(250));
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const meta = { by: 't' };
const row = (indicator: string, region: string, value: number) => ({ indicator, region, period: '2024-01', value, yoy: null, status: null });

async function seeded(t: Parameters<typeof tempDir>[0]): Promise<{ store: Store; memory: AnswerMemory }> {
  const memory = answerMemory();
  const store = withMemory(new SqliteStore(tempDir(t)), { answers: memory });
  t.teardown(() => store.close());
  await store.saveCatalog({
    regions: ['A', 'B'].map((code) => ({ code, name: code, parent: null, level: null })),
    indicators: ['x', 'y'].map((code) => ({ code, name: code, unit: 'u', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: false, review: false, reviewSince: null, aggregation: 'sum' }) as const),
  });
  await store.write([row('x', 'A', 1), row('y', 'A', 1)], meta);
  return { store, memory };
}

t.test('an answer is kept until a write names its indicator; a write of another leaves it', async (t) => {
  const { store, memory } = await seeded(t);
  const read = async () => (await store.series('x', 'A', null, null)).map((o) => o.value);
  t.same(await read(), [1]);
  const misses = memory.misses;
  t.same(await read(), [1]);
  t.equal(memory.misses, misses, 'asked again: from memory');
  await store.write([row('y', 'A', 2)], meta);
  t.same(await read(), [1]);
  t.equal(memory.misses, misses, 'another indicator written: still from memory');
  await store.write([row('x', 'A', 3)], meta);
  t.same(await read(), [3], 'its own indicator written: read again, the new figure');
  t.equal(memory.misses, misses + 1);
  const copy = await store.series('x', 'A', null, null);
  copy.pop();
  t.same(await read(), [3], 'a caller changing the array it got changes nothing kept');
});

t.test('a month read whole is kept until this process writes that month; a foreign marker drops it', async (t) => {
  const { store } = await seeded(t);
  await store.write([{ ...row('x', 'A', 5), period: '2024-02' }], meta);
  const read = async (period: string) => (await store.slices('x', [period], null)).map((o) => o.value);
  t.same([await read('2024-01'), await read('2024-02')], [[1], [5]]);
  // Behind the store's back (as another program would): what is kept answers, not the file.
  (store as SqliteStore).db.exec("UPDATE observations SET value = 100, version = version + 1 WHERE indicator = (SELECT id FROM indicators WHERE code = 'x')");
  t.same([await read('2024-01'), await read('2024-02')], [[1], [5]], 'both months from memory');
  await store.write([{ ...row('x', 'A', 6), period: '2024-02' }], meta);
  t.same([await read('2024-01'), await read('2024-02')], [[1], [6]], 'the month written is read again; the other month of the indicator stays');
  const trust = trustOf(store)!;
  store.changes();
  t.same(await read('2024-01'), [1], 'the state read: its own marker, still from memory');
  trust.observed({ data: 'elsewhere', catalog: '0', releases: '0', inFlightSince: null });
  t.same(await read('2024-01'), [100], 'a marker this process did not leave: read again');
});

t.test('a marker this process did not leave drops everything; so does one of its own read again (a restored backup)', async (t) => {
  const memory = answerMemory();
  const state = (data: string) => ({ data, catalog: '0', releases: '0', inFlightSince: null });
  memory.trust.observed(state('m1'));
  const keep = async () => memory.remember('x', 'k', async () => [1, 2]);
  await keep();
  memory.trust.observed(state('m1'));
  await keep();
  t.equal(memory.misses, 1, 'the same marker: kept');
  memory.trust.wrote({ data: 'own-1', catalog: false, releases: false, indicators: ['y'] });
  memory.trust.observed(state('own-1'));
  await keep();
  t.equal(memory.misses, 1, "this process's own write of another indicator: kept");
  memory.trust.observed(state('elsewhere'));
  await keep();
  t.equal(memory.misses, 2, 'another writer: read again');
  memory.trust.observed(state('own-1'));
  await keep();
  t.equal(memory.misses, 3, 'an own marker seen before, read again (restored): read again');
  // Own writes before the first state read: read first at the last of them, then an earlier one again.
  const fresh = answerMemory();
  fresh.trust.wrote({ data: 'w1', catalog: false, releases: false, indicators: ['y'] });
  fresh.trust.wrote({ data: 'w2', catalog: false, releases: false, indicators: ['y'] });
  fresh.trust.observed(state('w2'));
  await fresh.remember('x', 'k', async () => [1]);
  fresh.trust.observed(state('w1'));
  await fresh.remember('x', 'k', async () => [1]);
  t.equal(fresh.misses, 2, 'an own marker older than the first one read, read again: read again');
  t.notOk(consumeOwn(new Set(['a', 'b']), 'c'));
  const own = new Set(['a', 'b', 'c']);
  t.ok(consumeOwn(own, 'b'));
  t.same([...own], ['c'], 'it and the ones before it are seen');
});

t.test('a read under way while its indicator is written is not kept; bounded by figures', async (t) => {
  const memory = answerMemory();
  let release!: () => void;
  const slow = memory.remember('x', 'k', () => new Promise<number[]>((resolve) => (release = () => resolve([1]))));
  memory.trust.wrote({ data: 'w', catalog: false, releases: false, indicators: ['x'] });
  release();
  t.same(await slow, [1]);
  await memory.remember('x', 'k', async () => [2]);
  t.equal(memory.misses, 2, 'asked again: read again');
  const big = Array.from({ length: Math.floor(MEMORY_ROWS_MAX / 5) }, (_, i) => i);
  for (let i = 0; i < 8; i++) await memory.remember('x', `big${i}`, async () => big);
  let kept = 0;
  for (let i = 0; i < 8; i++) {
    const before = memory.misses;
    await memory.remember('x', `big${i}`, async () => big);
    if (memory.misses === before) kept++;
  }
  t.ok(kept <= 5, `at most ${MEMORY_ROWS_MAX} figures kept (${kept} of 8 answers)`);
});
