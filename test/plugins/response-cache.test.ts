import t from 'tap';
import { ResponseCache } from '../../src/plugins/response-cache.ts';

t.test('bounded by bytes, least recently used dropped first', async (t) => {
  const cache = new ResponseCache(1000);
  const answer = '县'.repeat(73) + 'x'; // 220 bytes of UTF-8
  for (const key of ['a', 'b', 'c', 'd']) cache.set(key, answer, '"e"', { 'content-type': 'application/json' });
  t.ok(cache.get('a'), 'a is used, so b is now the oldest');
  cache.set('e', answer, '"e"', { 'content-type': 'application/json' });
  t.notOk(cache.get('b'), 'b was dropped to stay within 1000 bytes');
  for (const key of ['a', 'c', 'd', 'e']) t.ok(cache.get(key), `${key} kept`);
  cache.set('huge', 'x'.repeat(260), '"e"', { 'content-type': 'application/json' });
  t.notOk(cache.get('huge'), 'an answer over a quarter of the budget is not kept');
});
