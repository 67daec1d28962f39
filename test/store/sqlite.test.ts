import t from 'tap';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';
import { storeConformance } from './conformance.ts';
import { withMemory } from '../../src/store/memory/index.ts';

const dirs = new WeakMap<Store, string>();

for (const memory of [false, true]) {
  // The store bare, and behind the memory layer as the service runs it (store/index.ts).
  const wrap = (store: Store) => (memory ? withMemory(store) : store);
  t.test(memory ? 'conformance behind the memory layer' : 'conformance, the store bare', async (t) => {
    storeConformance(t, {
      async open() {
        const dir = tempDir(t);
        const store = wrap(new SqliteStore(dir));
        dirs.set(store, dir);
        return store;
      },
      async reopen(store) {
        const dir = dirs.get(store)!;
        await store.close();
        const again = wrap(new SqliteStore(dir));
        dirs.set(again, dir);
        return again;
      },
      async earlierIndicators(store, indicators) {
        await store.saveCatalog({ indicators: indicators.map((i) => ({ ...i, review: false, reviewSince: null, aggregation: 'none' as const })) });
        // Back to schema 4 as the release before this one left it: the indicators without review, its start or aggregation.
        (store as SqliteStore).db.exec(`ALTER TABLE indicators DROP COLUMN review; ALTER TABLE indicators DROP COLUMN review_since; ALTER TABLE indicators DROP COLUMN aggregation;
          UPDATE meta SET value = '4' WHERE key = 'schema_version';`);
        return this.reopen(store);
      },
    });
  });
}

t.test('WAL journal and full sync on the file', async (t) => {
  const store = new SqliteStore(tempDir(t));
  t.teardown(() => store.close());
  t.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(store.db.pragma('synchronous', { simple: true }), 2, 'FULL');
});

t.test('a newer schema is refused, not mangled', async (t) => {
  const dir = tempDir(t);
  const store = new SqliteStore(dir);
  store.db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
  await store.close();
  t.throws(() => new SqliteStore(dir), /newer version/);
});

t.test('a data file of schema 1 is brought up to date without losing anything', async (t) => {
  const { default: Database } = await import('better-sqlite3');
  const { join } = await import('node:path');
  const { SQLITE_FILE } = await import('../../src/store/sqlite/sqlite-store.ts');
  const dir = tempDir(t);
  const old = new Database(join(dir, SQLITE_FILE));
  old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO meta VALUES ('schema_version', '1');
    CREATE TABLE indicators (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, unit TEXT NOT NULL, basis TEXT NOT NULL,
      direction TEXT NOT NULL, decimals INTEGER NOT NULL, rank_by TEXT NOT NULL, change TEXT NOT NULL);
    INSERT INTO indicators (code, name, unit, basis, direction, decimals, rank_by, change) VALUES ('inv', '投资', '亿元', 'ytd', 'higher', 2, 'yoy', 'percent');`);
  old.close();
  const store = new SqliteStore(dir);
  t.teardown(() => store.close());
  t.same((await store.loadCatalog()).indicators, [
    { code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true, review: false, reviewSince: null, aggregation: 'sum' },
  ]);
  t.equal(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), String(SCHEMA_VERSION));
  t.same(store.db.prepare('SELECT count(*) FROM reports').pluck().get(), 0, 'the new tables exist');
});

t.test('a data file of schema 2 gains withdrawals, receipts, releases and report quotes, and its revisions still archive', async (t) => {
  const dir = tempDir(t);
  let store = new SqliteStore(dir);
  await store.saveCatalog({
    regions: [{ code: 'R', name: '县', parent: null, level: null }],
    indicators: [{ code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true, review: false, reviewSince: null, aggregation: 'sum' }],
  });
  await store.write([{ indicator: 'inv', region: 'R', period: '2022-06', value: 1, yoy: null, status: null }], { receivedAt: new Date(1000), by: 'old' });
  // Back to schema 2 as an earlier release left it: no withdrawn, receipts, releases or quotes; the old trigger.
  store.db.exec(`DROP INDEX observations_withdrawn; DROP TRIGGER keep_revision_v6; DROP TABLE receipts; DROP TABLE releases;
    ALTER TABLE observations DROP COLUMN withdrawn; ALTER TABLE revisions DROP COLUMN withdrawn; ALTER TABLE reports DROP COLUMN quotes;
    ALTER TABLE observations DROP COLUMN reason; ALTER TABLE observations DROP COLUMN note; ALTER TABLE revisions DROP COLUMN reason; ALTER TABLE revisions DROP COLUMN note;
    CREATE TRIGGER keep_revision AFTER UPDATE ON observations BEGIN
      INSERT INTO revisions (indicator, region, period, version, value, yoy, status, received_at, by)
      VALUES (OLD.indicator, OLD.region, OLD.period, OLD.version, OLD.value, OLD.yoy, OLD.status, OLD.received_at, OLD.by);
    END;
    UPDATE meta SET value = '2' WHERE key = 'schema_version';`);
  await store.close();
  store = new SqliteStore(dir);
  t.teardown(() => store.close());
  t.equal(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), String(SCHEMA_VERSION));
  t.same(store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all(), ['keep_revision_v6'], 'one trigger, the new one');
  const key = { indicator: 'inv', region: 'R', period: '2022-06' };
  await store.write([{ ...key, value: 2, yoy: null, status: null }], { receivedAt: new Date(2000), by: 'new' });
  t.equal(await store.withdraw(key, { receivedAt: new Date(3000), by: 'w' }), 3);
  t.same((await store.history(key)).map((v) => [v.version, v.value, v.withdrawn, v.by]), [[1, 1, false, 'old'], [2, 2, false, 'new'], [3, null, true, 'w']]);
});

t.test('a data file of schema 2 gains the columns of regions that change and the targets table', async (t) => {
  const { default: Database } = await import('better-sqlite3');
  const { join } = await import('node:path');
  const { SQLITE_FILE } = await import('../../src/store/sqlite/sqlite-store.ts');
  const dir = tempDir(t);
  const old = new Database(join(dir, SQLITE_FILE));
  old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO meta VALUES ('schema_version', '2');
    CREATE TABLE regions (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, parent TEXT, level TEXT);
    INSERT INTO regions (code, name, parent, level) VALUES ('331000', '台州市', NULL, 'prefecture'), ('331083', '玉环市', '331000', 'county');`);
  old.close();
  const store = new SqliteStore(dir);
  t.teardown(() => store.close());
  t.same((await store.loadCatalog()).regions.find((r) => r.code === '331083'), { code: '331083', name: '玉环市', parent: '331000', level: 'county' }, 'kept as it was');
  await store.saveCatalog({ regions: [{ code: '331083', name: '玉环市', parent: '331000', level: 'county', formerCodes: ['331021'], validFrom: '2017-05' }] });
  t.same((await store.loadCatalog()).regions.find((r) => r.code === '331083'), { code: '331083', name: '玉环市', parent: '331000', level: 'county', formerCodes: ['331021'], validFrom: '2017-05' });
  t.same(await store.targets({}), [], 'the targets table exists');
  t.equal(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), String(SCHEMA_VERSION));
});

t.test('schema 5: a start cut short after adding the indicators\' columns gives them the default aggregation again', async (t) => {
  const dir = tempDir(t);
  let store = new SqliteStore(dir);
  const income = { code: 'income', name: '城镇常住居民人均可支配收入', unit: '元', basis: 'ytd' as const, direction: 'higher' as const, decimals: 0, rankBy: 'yoy' as const, change: 'percent' as const, reportValue: true };
  const retail = { code: 'retail', name: '社会消费品零售总额', unit: '亿元', basis: 'month' as const, direction: 'higher' as const, decimals: 2, rankBy: 'yoy' as const, change: 'percent' as const, reportValue: true };
  const stock = { code: 'loans', name: '贷款余额', unit: '亿元', basis: 'level' as const, direction: 'higher' as const, decimals: 2, rankBy: 'yoy' as const, change: 'percent' as const, reportValue: true };
  const off = { review: false, reviewSince: null, aggregation: 'none' as const };
  await store.saveCatalog({ indicators: [{ ...income, ...off }, { ...retail, ...off }, { ...stock, ...off }] });
  // The columns were added with their column defaults, then the start stopped before the version was written.
  store.db.exec("UPDATE meta SET value = '4' WHERE key = 'schema_version'");
  await store.close();
  store = new SqliteStore(dir);
  t.teardown(() => store.close());
  t.same(
    (await store.loadCatalog()).indicators.map((i) => [i.code, i.aggregation, i.review, i.reviewSince]),
    [['income', 'none', false, null], ['retail', 'sum', false, null], ['loans', 'none', false, null]],
    'a per-capita figure and a level do not add up; a monthly amount does',
  );
  t.equal(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), String(SCHEMA_VERSION));
});

t.test('schema 6: a data file of schema 5 gains every version\'s reason and note, read as none, and its trigger archives them', async (t) => {
  const dir = tempDir(t);
  let store = new SqliteStore(dir);
  await store.saveCatalog({
    regions: [{ code: 'R', name: '县', parent: null, level: null }],
    indicators: [{ code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true, review: false, reviewSince: null, aggregation: 'sum' }],
  });
  const key = { indicator: 'inv', region: 'R', period: '2022-06' };
  await store.write([{ ...key, value: 1, yoy: null, status: null }], { receivedAt: new Date(1000), by: 'old' });
  await store.write([{ ...key, value: 2, yoy: null, status: null }], { receivedAt: new Date(2000), by: 'old' });
  // Back to schema 5 as the release before this one left it: no reason or note, the version 3 trigger.
  store.db.exec(`DROP TRIGGER keep_revision_v6;
    ALTER TABLE observations DROP COLUMN reason; ALTER TABLE observations DROP COLUMN note; ALTER TABLE revisions DROP COLUMN reason; ALTER TABLE revisions DROP COLUMN note;
    CREATE TRIGGER keep_revision_v3 AFTER UPDATE ON observations BEGIN
      INSERT INTO revisions (indicator, region, period, version, value, yoy, status, received_at, by, withdrawn)
      VALUES (OLD.indicator, OLD.region, OLD.period, OLD.version, OLD.value, OLD.yoy, OLD.status, OLD.received_at, OLD.by, OLD.withdrawn);
    END;
    UPDATE meta SET value = '5' WHERE key = 'schema_version';`);
  await store.close();
  store = new SqliteStore(dir);
  t.teardown(() => store.close());
  t.equal(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), String(SCHEMA_VERSION));
  t.same(store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all(), ['keep_revision_v6'], 'the trigger that copies them, alone');
  t.same((await store.history(key)).map((v) => [v.version, v.value, v.reason, v.note]), [[1, 1, null, null], [2, 2, null, null]], 'versions stored before read as none given');
  await store.write([{ ...key, value: 3, yoy: null, status: null, reason: 'correction', note: '录入错误' }], { receivedAt: new Date(3000), by: 'new' });
  t.equal(await store.withdraw(key, { receivedAt: new Date(4000), by: 'w' }, { reason: 'reclassification', note: null }), 4);
  t.same(
    (await store.history(key)).map((v) => [v.version, v.value, v.reason, v.note]),
    [[1, 1, null, null], [2, 2, null, null], [3, 3, 'correction', '录入错误'], [4, null, 'reclassification', null]],
    'a version archived by the trigger keeps its reason and note',
  );
});
