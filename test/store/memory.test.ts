/**
 * The trust rule of what an instance keeps (store/memory.ts), on a real
 * SQLite store behind it: kept until a write names the indicator; anything
 * else, or a marker this process did not leave (another writer, a store
 * restored from a backup), drops everything; a read under way while its
 * indicator was written is not kept.
 */
import t from 'tap';
import { consumeOwn, MEMORY_ROWS_MAX, ReadMemory, withMemory } from '../../src/store/memory.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const meta = { by: 't' };
const row = (indicator: string, region: string, value: number) => ({ indicator, region, period: '2024-01', value, yoy: null, status: null });

async function seeded(t: Parameters<typeof tempDir>[0]): Promise<{ store: Store; memory: ReadMemory }> {
  const memory = new ReadMemory();
  const store = withMemory(new SqliteStore(tempDir(t)), memory);
  t.teardown(() => store.close());
  await store.saveCatalog({
    regions: ['A', 'B'].map((code) => ({ code, name: code, parent: null, level: null })),
    indicators: ['x', 'y'].map((code) => ({ code, name: code, unit: 'u', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: false, review: false, reviewSince: null, aggregation: 'sum' }) as const),
  });
  await store.write([row('x', 'A', 1), row('y', 'A', 1)], meta);
  return { store, memory };
}

t.test('kept until a write names its indicator; a write of another leaves it', async (t) => {
  const { store, memory } = await seeded(t);
  const read = async () => (await store.slices('x', ['2024-01'], null)).map((o) => o.value);
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
  const copy = await store.slices('x', ['2024-01'], null);
  copy.pop();
  t.same(await read(), [3], 'a caller changing the array it got changes nothing kept');
});

t.test('a marker this process did not leave drops everything; so does one of its own read again (a restored backup)', async (t) => {
  const memory = new ReadMemory();
  const state = (data: string) => ({ data, catalog: '0', releases: '0', inFlightSince: null });
  memory.observed(state('m1'));
  const keep = async () => memory.remember('x', 'k', async () => [1, 2]);
  await keep();
  memory.observed(state('m1'));
  await keep();
  t.equal(memory.misses, 1, 'the same marker: kept');
  memory.wrote({ data: 'own-1', catalog: false, releases: false, indicators: ['y'] });
  memory.observed(state('own-1'));
  await keep();
  t.equal(memory.misses, 1, "this process's own write of another indicator: kept");
  memory.observed(state('elsewhere'));
  await keep();
  t.equal(memory.misses, 2, 'another writer: read again');
  memory.observed(state('own-1'));
  await keep();
  t.equal(memory.misses, 3, 'an own marker seen before, read again (restored): read again');
  // Own writes before the first state read: read first at the last of them, then an earlier one again.
  const fresh = new ReadMemory();
  fresh.wrote({ data: 'w1', catalog: false, releases: false, indicators: ['y'] });
  fresh.wrote({ data: 'w2', catalog: false, releases: false, indicators: ['y'] });
  fresh.observed(state('w2'));
  await fresh.remember('x', 'k', async () => [1]);
  fresh.observed(state('w1'));
  await fresh.remember('x', 'k', async () => [1]);
  t.equal(fresh.misses, 2, 'an own marker older than the first one read, read again: read again');
  t.notOk(consumeOwn(new Set(['a', 'b']), 'c'));
  const own = new Set(['a', 'b', 'c']);
  t.ok(consumeOwn(own, 'b'));
  t.same([...own], ['c'], 'it and the ones before it are seen');
});

t.test('a read under way while its indicator is written is not kept; bounded by figures', async (t) => {
  const memory = new ReadMemory();
  let release!: () => void;
  const slow = memory.remember('x', 'k', () => new Promise<number[]>((resolve) => (release = () => resolve([1]))));
  memory.wrote({ data: 'w', catalog: false, releases: false, indicators: ['x'] });
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
