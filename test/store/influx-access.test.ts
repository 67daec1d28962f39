/**
 * Tokens, the access log and review decisions in InfluxDB beyond the
 * conformance suite: their points carry no tag (nothing grows a tag's
 * values), a page of the access log is read in bounded chunks, and an
 * append that influxd does not acknowledge rejects as unavailable.
 */
import t from 'tap';
import { StoreUnavailableError } from '../../src/errors.ts';
import { accessLine, accessNanos, nanoTime, reviewLine, tokenFieldLine, tokenLine } from '../../src/store/influxdb/access-lines.ts';
import type { InfluxHttp, ParamValue, Result } from '../../src/store/influxdb/http.ts';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';
import type { AccessEntry } from '../../src/store/store.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';

const quiet = { warn() {}, info() {} };
const entry = (at: number, holder: string, indicator = 'rate'): AccessEntry => ({ at, holder, role: 'preview', method: 'GET', path: '/v1/x', months: [{ indicator, period: '2024-04' }] });

t.test('points without tags, at their millisecond plus an offset in nanoseconds', async (t) => {
  const at = Date.parse('2024-05-01T08:00:00.123Z');
  const access = accessLine(entry(at, 'a b,c=d "e"'), 42);
  t.match(access, /^access at=1714550400123i,chunks=1i,holder="a b,c=d \\"e\\"",/, 'no tag: holder, codes and months are fields');
  t.match(access, / 1714550400123000042$/, 'time: the millisecond and the offset');
  t.equal(accessNanos({ at, id: '1714550400123000042' }), 1_714_550_400_123_000_042n, 'an id is its time');
  t.equal(accessNanos({ at: at + 1, id: '1714550400123000042' }), null, 'not an id of another millisecond');
  t.equal(accessNanos({ at, id: '7' }), null);
  t.equal(nanoTime(1_714_550_400_123_000_042n), '2024-05-01T08:00:00.123000042Z');
  const token = { id: 'x', hash: 'h', role: 'admin' as const, holder: 'h', scope: null, createdAt: at, createdBy: 'a', expiresAt: null, revokedAt: null, lastUsedAt: null };
  t.match(tokenLine(token, 7), /^token created_at=/, 'a token: no tag');
  t.equal(tokenFieldLine({ createdAt: at, nonce: 7 }, 'revoked_at', 5), 'token revoked_at=5i 1714550400123000007', 'a revocation: one field at the token’s time');
  t.match(reviewLine({ indicator: 'inv', period: '2024-04', action: 'approve', at, by: 'b', note: 'a\nb', override: null }, 3000), /^review action="approve",at=.*note="\\"a\\\\nb\\"",override="null",period="2024-04",seq=3000i 1714550400123003000$/);
});

t.test('a page of the access log reads bounded chunks, newest first', async (t) => {
  const influxd = await sharedInfluxd(t);
  const store = await InfluxStore.connect({ url: influxd.url, token: undefined, database: freshDatabase(), org: undefined, api: 'v1', timeoutMs: 10_000 }, quiet);
  t.teardown(() => store.close());
  const base = Date.parse('2024-05-01T00:00:00Z');
  // 3,000 entries, three a millisecond; one in 500 names `inv`.
  const entries = Array.from({ length: 3000 }, (_, i) => entry(base + Math.floor(i / 3), `h${i % 7}`, i % 500 === 0 ? 'inv' : 'rate'));
  await store.appendAccess(entries);

  const asked: Array<{ text: string; params: Record<string, ParamValue>; rows: number }> = [];
  const http = (store as unknown as { http: InfluxHttp }).http;
  const query = http.query.bind(http);
  http.query = async (statements: readonly string[], params: Record<string, ParamValue>): Promise<Result[]> => {
    const results = await query(statements, params);
    statements.forEach((text, i) => asked.push({ text, params, rows: results[i]?.rows.length ?? 0 }));
    return results;
  };

  const page = await store.accessLog({ limit: 100 });
  t.equal(page.length, 100);
  t.same(page.map((e) => e.at), entries.slice(-100).map((e) => e.at).reverse(), 'the newest 100');
  t.equal(asked.length, 1, 'one query');
  t.match(asked[0]!.text, /ORDER BY time DESC\s+LIMIT 128$/, 'newest first, limited to a chunk');
  t.ok(asked[0]!.rows <= 128);

  asked.length = 0;
  const last = page[99]!;
  const next = await store.accessLog({ limit: 100, before: { at: last.at, id: last.id } });
  t.same(next.map((e) => e.at), entries.slice(-200, -100).map((e) => e.at).reverse(), 'the next page');
  t.equal(asked.length, 1);
  t.equal(asked[0]!.params.before_0, nanoTime(BigInt(last.id)), 'bounded by the last entry read, in nanoseconds');

  asked.length = 0;
  const inv = await store.accessLog({ limit: 3, indicator: 'inv' });
  t.same(inv.map((e) => e.at), [base + 833, base + 666, base + 500], 'months filtered as chunks are read');
  t.same(asked.map((a) => [/LIMIT (\d+)$/.exec(a.text)?.[1], a.rows]), [['16', 16], ['1024', 1024], ['1024', 1024]], 'a chunk of 16, then of 1024 until the page is full');

  asked.length = 0;
  t.same(await store.accessLog({ limit: 100, indicator: 'none' }), [], 'nothing matches');
  t.same(asked.map((a) => [/LIMIT (\d+)$/.exec(a.text)?.[1], a.rows]), [['128', 128], ['1024', 1024], ['1024', 1024], ['1024', 3000 - 128 - 2048]], 'the whole log in bounded chunks');

  asked.length = 0;
  t.same((await store.accessLog({ limit: 1000, holder: 'h3' })).map((e) => e.at), entries.filter((e) => e.holder === 'h3').map((e) => e.at).reverse(), 'by holder: every one');
  t.ok(asked.every((a) => /"holder" = \$holder_0/.test(a.text) && /LIMIT 1024$/.test(a.text)), 'the holder filtered by influxd, bound');
});

t.test('an append influxd does not acknowledge rejects as unavailable (the caller answers 503)', async (t) => {
  const influxd = await sharedInfluxd(t);
  const store = await InfluxStore.connect({ url: influxd.url, token: undefined, database: freshDatabase(), org: undefined, api: 'v1', timeoutMs: 2_000 }, quiet);
  t.teardown(() => store.close());
  await store.appendAccess([entry(1000, 'a')]);
  await influxd.stop();
  try {
    const error = await store.appendAccess([entry(2000, 'b')]).then(
      () => null,
      (e: unknown) => e,
    );
    t.ok(error instanceof StoreUnavailableError, `rejected: ${(error as Error | null)?.message}`);
  } finally {
    await influxd.start();
  }
  t.same((await store.accessLog({ limit: 10 })).map((e) => e.holder), ['a'], 'nothing of it stored');
});
