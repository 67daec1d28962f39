import t from 'tap';
import { etagOf, ResponseCache } from '../../src/plugins/response-cache.ts';

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

t.test('binary answers are kept byte for byte, tagged from their bytes', async (t) => {
  const cache = new ResponseCache(10_000);
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  cache.set('png', bytes, etagOf(bytes), { 'content-type': 'image/png' });
  const hit = cache.get('png')!;
  t.ok(Buffer.from(hit.payload, 'latin1').equals(bytes), 'every byte, 0x00 to 0xff, as it was');
  t.equal(hit.bytes, 256);
  t.ok(hit.headers.includes('content-length') && hit.headers[hit.headers.indexOf('content-length') + 1] === 256, 'its length in bytes');
  t.equal(etagOf('天台县'), etagOf(Buffer.from('天台县', 'utf8')), 'a text is tagged by its UTF-8 bytes, as bytes are');
});
