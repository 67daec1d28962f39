/**
 * Schema 4 of the embedded store (tokens, the access log, review
 * decisions): a file of schema 3 opens and reads, and a page of a large
 * access log is read along an index, never the whole log.
 */
import t from 'tap';
import { ACCESS_PAGE, SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema.ts';
import { tempDir } from '../helpers/tmp.ts';

const version = (store: SqliteStore) => store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get();

t.test('a data file of schema 3 opens, reads as before, and gains tokens, the access log and review decisions', async (t) => {
  t.ok(SCHEMA_VERSION >= 4);
  const dir = tempDir(t);
  let store = new SqliteStore(dir);
  await store.saveCatalog({
    regions: [{ code: 'R', name: '县', parent: null, level: null }],
    indicators: [{ code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true, review: false, reviewSince: null, aggregation: 'sum' }],
  });
  await store.write([{ indicator: 'inv', region: 'R', period: '2022-06', value: 1, yoy: 2.5, status: 'p' }], { receivedAt: new Date(1000), by: 'old' });
  await store.saveReleases([{ indicator: 'inv', period: '2022-06', setting: { releaseAt: 5000, changedAt: 900, by: 'admin' } }]);
  await store.claim('reports', '2022-07-15T01:00:00.000Z');
  // Back to schema 3 as the release before this one left it: none of the new tables.
  store.db.exec(`DROP TABLE tokens; DROP TABLE access; DROP TABLE reviews; UPDATE meta SET value = '3' WHERE key = 'schema_version';`);
  await store.close();

  store = new SqliteStore(dir);
  t.teardown(() => store.close());
  t.equal(version(store), String(SCHEMA_VERSION), 'brought up to the current schema');
  t.same(
    store.db.prepare("SELECT name FROM sqlite_master WHERE name IN ('tokens', 'access', 'reviews', 'access_at', 'access_holder') ORDER BY name").pluck().all(),
    ['access', 'access_at', 'access_holder', 'reviews', 'tokens'],
    'the new tables and indexes exist',
  );
  t.same(await store.figuresAt([{ indicator: 'inv', region: 'R', period: '2022-06' }]), [{ indicator: 'inv', region: 'R', period: '2022-06', value: 1, yoy: 2.5, status: 'p' }], 'figures read as before');
  t.same((await store.history({ indicator: 'inv', region: 'R', period: '2022-06' })).map((v) => [v.version, v.by, v.receivedAt]), [[1, 'old', 1000]]);
  t.same(await store.loadReleases(), [{ indicator: 'inv', period: '2022-06', changes: [{ releaseAt: 5000, changedAt: 900, by: 'admin' }] }], 'the calendar too');
  t.equal(await store.stateValue('reports'), '2022-07-15T01:00:00.000Z', 'and the service state');
  t.same([await store.tokens(), await store.accessLog({ limit: 10 }), await store.reviewDecisions()], [[], [], []], 'the new tables start empty');

  const token = { id: 't1', hash: 'a'.repeat(64), role: 'reader' as const, holder: 'h', scope: null, createdAt: 1, createdBy: 'admin', expiresAt: null, revokedAt: null, lastUsedAt: null };
  await store.saveToken(token);
  await store.appendAccess([{ at: 10, holder: 'h', role: 'reader', method: 'GET', path: '/x', months: [{ indicator: 'inv', period: '2022-06' }] }]);
  await store.saveReviewDecision({ indicator: 'inv', period: '2022-06', action: 'approve', at: 20, by: 'a', note: null, override: null });
  await store.close();
  store = new SqliteStore(dir);
  t.equal(version(store), String(SCHEMA_VERSION), 'opened again at the current schema, nothing to bring up');
  t.same(await store.tokens(), [token]);
  t.equal((await store.accessLog({ limit: 10 })).length, 1);
  t.equal((await store.reviewDecisions()).length, 1);
});

t.test('a page of a 1,000,000-entry access log reads along an index, not the log', async (t) => {
  const store = new SqliteStore(tempDir(t));
  t.teardown(() => store.close());
  const base = 1_700_000_000_000;
  // Three entries a millisecond, 50 holders; one entry in a thousand names `inv`.
  store.db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
    INSERT INTO access (at, holder, role, method, path, months)
    SELECT ${base} + i / 3, 'h' || (i % 50), 'preview', 'GET', '/v1/rankings',
      json_array(json_array(CASE WHEN i % 1000 = 0 THEN 'inv' ELSE 'rate' END, '2024-04')) FROM n`);
  const plan = (holder: boolean) =>
    (store.db.prepare(`EXPLAIN QUERY PLAN ${ACCESS_PAGE.replace('{{holder}}', holder ? ' AND holder = @holder' : '')}`).all({
      from: 0,
      at: 1,
      id: 1,
      any: 1,
      indicator: null,
      period: null,
      limit: 100,
      ...(holder ? { holder: 'h' } : {}),
    }) as Array<{ detail: string }>).map((r) => r.detail);
  t.match(plan(false)[0], /^SEARCH access USING INDEX access_at \(at>\? AND at<\?\)/, 'newest first along access_at');
  t.match(plan(true)[0], /^SEARCH access USING INDEX access_holder \(holder=\? AND at>\? AND at<\?\)/, 'one holder along access_holder');
  t.notOk([...plan(false), ...plan(true)].some((d) => /TEMP B-TREE|SCAN access\b/.test(d)), 'no sort and no scan of the log');

  const started = performance.now();
  const page = await store.accessLog({ limit: 100 });
  const took = performance.now() - started;
  t.same([page.length, page[0]!.id, page[0]!.at, page[99]!.id], [100, '1000000', base + 333_333, '999901'], 'the newest 100');
  t.ok(took < 250, `read at once (${took.toFixed(1)} ms)`);
  const next = await store.accessLog({ limit: 100, before: { at: page[99]!.at, id: page[99]!.id } });
  t.same([next[0]!.id, next[99]!.id], ['999900', '999801'], 'the next page starts right after it, inside a millisecond');
  const holder = await store.accessLog({ limit: 100, holder: 'h7' });
  t.ok(holder.length === 100 && holder.every((e) => e.holder === 'h7'), 'one holder');
  const inv = await store.accessLog({ limit: 5, indicator: 'inv' });
  t.same(inv.map((e) => e.id), ['999001', '998001', '997001', '996001', '995001'], 'months filtered as the index is walked');
});
