/**
 * Issue 23, item 9: pre-release figures readable by any local user.
 * DATA_DIR was made 0755 and the SQLite files 0644 (with the usual umask;
 * 0777 and 0666 with none). Now the folder is 0700 and the service's files
 * 0600 whatever the umask, SQLite's WAL and shared-memory files included,
 * and a folder or file found looser is tightened, and the log says so.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ADMIN_TOKEN_FILE, DATA_DIR_MODE, DATA_FILE_MODE } from '../../src/store/data-dir.ts';
import { SQLITE_FILE, SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { send, ServiceProcess } from '../helpers/service.ts';
import { tempDir } from '../helpers/tmp.ts';

const modeOf = (path: string) => statSync(path).mode & 0o7777;
const octal = (mode: number) => `0${mode.toString(8)}`;

/** Runs `body` with no umask at all: the modes asked for are the only protection. */
async function withoutUmask<T>(body: () => Promise<T>): Promise<T> {
  const saved = process.umask(0);
  try {
    return await body();
  } finally {
    process.umask(saved);
  }
}

function checkModes(t: Test, dir: string, files: string[]): void {
  t.equal(octal(modeOf(dir)), octal(DATA_DIR_MODE), `${dir} is 0700`);
  for (const name of files) {
    const path = join(dir, name);
    t.ok(existsSync(path), `${name} exists`);
    t.equal(octal(modeOf(path)), octal(DATA_FILE_MODE), `${name} is 0600`);
  }
}

t.test('the modes', async (t) => {
  t.same([DATA_DIR_MODE, DATA_FILE_MODE], [0o700, 0o600]);
});

t.test('the SQLite store makes its folder 0700 and its files 0600, WAL and shared memory included, whatever the umask', async (t) => {
  const dir = join(tempDir(t), 'nested', 'data');
  await withoutUmask(async () => {
    const store = new SqliteStore(dir);
    t.teardown(() => store.close());
    await store.saveCatalog({ regions: [{ code: 'X', name: 'X', parent: null, level: null }] });
    // The WAL and its shared-memory index exist while the store is open.
    checkModes(t, dir, [SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`]);
    t.equal(octal(modeOf(join(dir, '..'))), octal(DATA_DIR_MODE), 'a missing parent folder is made 0700 too');
  });
});

t.test('an existing folder and files found looser are tightened', async (t) => {
  const dir = tempDir(t);
  chmodSync(dir, 0o755);
  for (const suffix of ['', '-wal', '-shm']) writeFileSync(join(dir, `${SQLITE_FILE}${suffix}`), '');
  for (const suffix of ['', '-wal', '-shm']) chmodSync(join(dir, `${SQLITE_FILE}${suffix}`), 0o644);
  const store = new SqliteStore(dir);
  t.teardown(() => store.close());
  await store.saveCatalog({ regions: [{ code: 'X', name: 'X', parent: null, level: null }] });
  checkModes(t, dir, [SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`]);
});

t.test('the service as a process: DATA_DIR, its store and the generated admin token are the owner\'s only; the log says what was tightened', async (t) => {
  const dir = join(tempDir(t), 'data');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  // Started with no umask, and API_TOKENS unset: the service writes its own admin token.
  const service = await withoutUmask(() => ServiceProcess.start(t, { DATA_DIR: dir, API_TOKENS: '' }));
  const token = readFileSync(join(dir, ADMIN_TOKEN_FILE), 'utf8').trim();
  const r = await send(service.url, 'PUT', '/v1/regions', { regions: [{ code: 'X', name: 'X' }] }, token);
  t.equal(r.status, 200, 'a write, so that the WAL is in use');
  checkModes(t, dir, [ADMIN_TOKEN_FILE, SQLITE_FILE, `${SQLITE_FILE}-wal`, `${SQLITE_FILE}-shm`]);
  t.ok(
    service.lines.some((line) => line.includes('"level":40') && line.includes(`${dir} was open to other users (0755): made 0700`)),
    'the log says the folder was tightened',
  );
  await service.kill('SIGTERM');
  // Loosened while it was stopped: the next start tightens them again.
  chmodSync(dir, 0o750);
  chmodSync(join(dir, SQLITE_FILE), 0o640);
  chmodSync(join(dir, ADMIN_TOKEN_FILE), 0o644);
  const again = await ServiceProcess.start(t, { DATA_DIR: dir, API_TOKENS: '' });
  checkModes(t, dir, [ADMIN_TOKEN_FILE, SQLITE_FILE]);
  t.ok(again.lines.some((line) => line.includes(`${join(dir, ADMIN_TOKEN_FILE)} was open to other users (0644): made 0600`)), 'the token file named');
  t.ok(again.lines.some((line) => line.includes(`${join(dir, SQLITE_FILE)} was open to other users (0640): made 0600`)), 'the store file named');
});

t.test('with InfluxDB, DATA_DIR holds only the generated admin token: 0700 and 0600 too', async (t) => {
  const dir = join(tempDir(t), 'influx-data');
  const config = loadConfig({
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    REPORTS_ENABLED: 'false',
    STORE: 'influxdb',
    INFLUX_URL: (await sharedInfluxd(t)).url,
    INFLUX_DATABASE: freshDatabase(),
    INFLUX_API: 'v1',
  });
  const app = await withoutUmask(() => buildApp({ config, logger: false }));
  t.teardown(() => app.close());
  checkModes(t, dir, [ADMIN_TOKEN_FILE]);
});
