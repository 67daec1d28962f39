import t from 'tap';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';
import { storeConformance } from './conformance.ts';

const dirs = new WeakMap<Store, string>();

storeConformance(t, {
  async open() {
    const dir = tempDir(t);
    const store = new SqliteStore(dir);
    dirs.set(store, dir);
    return store;
  },
  async reopen(store) {
    const dir = dirs.get(store)!;
    await store.close();
    const again = new SqliteStore(dir);
    dirs.set(again, dir);
    return again;
  },
});

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
    { code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true },
  ]);
  t.equal(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), '4');
  t.same(store.db.prepare('SELECT count(*) FROM reports').pluck().get(), 0, 'the new tables exist');
});

t.test('a data file of schema 2 gains withdrawals, receipts, releases and report quotes, and its revisions still archive', async (t) => {
  const dir = tempDir(t);
  let store = new SqliteStore(dir);
  await store.saveCatalog({
    regions: [{ code: 'R', name: '县', parent: null, level: null }],
    indicators: [{ code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true }],
  });
  await store.write([{ indicator: 'inv', region: 'R', period: '2022-06', value: 1, yoy: null, status: null }], { receivedAt: new Date(1000), by: 'old' });
  // Back to schema 2 as an earlier release left it: no withdrawn, receipts, releases or quotes; the old trigger.
  store.db.exec(`DROP INDEX observations_withdrawn; DROP TRIGGER keep_revision_v3; DROP TABLE receipts; DROP TABLE releases;
    ALTER TABLE observations DROP COLUMN withdrawn; ALTER TABLE revisions DROP COLUMN withdrawn; ALTER TABLE reports DROP COLUMN quotes;
    CREATE TRIGGER keep_revision AFTER UPDATE ON observations BEGIN
      INSERT INTO revisions (indicator, region, period, version, value, yoy, status, received_at, by)
      VALUES (OLD.indicator, OLD.region, OLD.period, OLD.version, OLD.value, OLD.yoy, OLD.status, OLD.received_at, OLD.by);
    END;
    UPDATE meta SET value = '2' WHERE key = 'schema_version';`);
  await store.close();
  store = new SqliteStore(dir);
  t.teardown(() => store.close());
  t.equal(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), '4');
  t.same(store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all(), ['keep_revision_v3'], 'one trigger, the new one');
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
  t.equal(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), '4');
});
