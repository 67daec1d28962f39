import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ADMIN_TOKEN_FILE } from '../../src/store/data-dir.ts';
import { tempDir } from '../helpers/tmp.ts';

t.test('without API_TOKENS the first start creates an owner-only admin token and logs where, not what', async (t) => {
  const dir = tempDir(t);
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => { lines.push(chunk.toString()); done(); } });
  const config = loadConfig({ DATA_DIR: dir, PUBLIC_READ: 'false' });
  const app = await buildApp({ config, logger: { level: 'info', stream } });
  const file = join(dir, ADMIN_TOKEN_FILE);
  const token = readFileSync(file, 'utf8').trim();
  t.equal(statSync(file).mode & 0o777, 0o600, 'readable by its owner only');
  t.ok(token.length >= 32, 'a long random token');
  t.ok(lines.some((l) => l.includes(file)), 'the log says where it is');
  t.notOk(lines.some((l) => l.includes(token)), 'the log never shows it');

  const payload = { observations: [{ indicator: 'industrial_investment', region: '331023', period: '2022-06', value: 1 }] };
  t.equal((await app.inject({ method: 'POST', url: '/v1/observations', payload })).statusCode, 401, 'writes never go unauthenticated');
  const ok = await app.inject({ method: 'POST', url: '/v1/observations', payload, headers: { authorization: `Bearer ${token}` } });
  t.equal(ok.statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200, '/docs never needs a token');
  t.notOk(lines.some((l) => l.includes(token)), 'not even in request logs');
  await app.close();

  const again = await buildApp({ config, logger: false });
  t.teardown(() => again.close());
  t.equal(readFileSync(file, 'utf8').trim(), token, 'a restart reuses it');
  const h = await again.inject({ method: 'GET', url: '/v1/observations/history?indicator=industrial_investment&region=331023&period=2022-06', headers: { authorization: `Bearer ${token}` } });
  t.equal(h.json().versions.length, 1, 'and the data');
});
