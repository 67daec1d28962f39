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
