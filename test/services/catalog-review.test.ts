/**
 * When review began (reviewSince), on the catalog service's clock: set when a
 * PUT turns review on, kept while it stays on, cleared when it goes off.
 */
import t from 'tap';
import type { IndicatorInput } from '../../src/schemas/catalog.ts';
import { CatalogService } from '../../src/services/catalog.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { tempDir } from '../helpers/tmp.ts';

t.test('reviewSince follows review on the service\'s clock', async (t) => {
  const store = new SqliteStore(tempDir(t));
  t.teardown(() => store.close());
  let now = 1_000;
  const catalog = new CatalogService(store, () => now);
  await catalog.reload();
  const entry = (code: string, more: Partial<IndicatorInput> = {}): IndicatorInput => ({ code, name: code, unit: '亿元', basis: 'ytd', direction: 'higher', ...more });
  const since = (code: string) => [catalog.indicator(code).review, catalog.indicator(code).reviewSince];

  await catalog.upsertIndicators([entry('a', { review: true }), entry('b'), entry('c', { review: false })]);
  t.same([since('a'), since('b'), since('c')], [[true, 1_000], [false, null], [false, null]], 'a new indicator with review on: now; off or omitted: null');

  now = 2_000;
  await catalog.upsertIndicators([entry('a', { review: true, decimals: 1 }), entry('b', { review: true })]);
  t.same([since('a'), since('b')], [[true, 1_000], [true, 2_000]], 'staying on keeps when it began; turned on: now');

  now = 3_000;
  await catalog.upsertIndicators([entry('a')]);
  t.same(since('a'), [false, null], 'an entry sent without review replaces the stored one: off, null');
  t.same(since('b'), [true, 2_000], 'an entry not sent is kept');

  now = 4_000;
  await catalog.upsertIndicators([entry('a', { review: true })]);
  t.same(since('a'), [true, 4_000], 'turned on again: the new instant');

  const again = new CatalogService(store, () => 5_000);
  await again.reload();
  t.same([again.indicator('a').reviewSince, again.indicator('b').reviewSince], [4_000, 2_000], 'as stored');
});
