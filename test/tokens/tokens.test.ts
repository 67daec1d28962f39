/**
 * Tokens managed through the API (API.md "Tokens and scopes"): made by an
 * admin, shown once, kept as hashes, revoked and expired at once on every
 * instance; what a writer may not do with them; no token or hash in an
 * answer or a log line.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import t from 'tap';
import { loggerOptions } from '../../src/logging.ts';
import { bearer, buildTestApp, call, forEachStore, post, TOKENS } from '../helpers/app.ts';

const IND = 'industrial_investment';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

type App = Awaited<ReturnType<typeof buildTestApp>>;

async function make(app: App, body: object) {
  return call(app, { method: 'POST', url: '/v1/tokens', headers: bearer('admin'), payload: body });
}

forEachStore(t, (t, store) => {
  t.test('made, shown once, used, listed without secrets, revoked, expired', async (t) => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _enc, done) => {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await buildTestApp(t, { store, logger: loggerOptions('info', sink) });
    const made = await make(app, { role: 'writer', holder: 'tiantai-office', scope: { regions: ['331023'], indicators: [IND] } });
    t.equal(made.status, 201);
    const token: string = made.body.token;
    t.ok(token.length >= 32, `a token of ${token.length} characters`);
    t.same(made.body.scope, { regions: ['331023'], indicators: [IND] });
    const hash = createHash('sha256').update(token).digest('hex');

    t.equal((await post(app, [{ indicator: IND, region: '331023', period: '2022-06', value: 1 }], '', undefined, token)).status, 200, 'the new token posts');
    t.equal((await call(app, { method: 'GET', url: '/v1/regions', headers: auth(token) })).status, 200, 'and reads');

    const list = await call(app, { method: 'GET', url: '/v1/tokens', headers: bearer('admin') });
    t.equal(list.status, 200);
    t.match(list.body.tokens, [{ id: made.body.id, role: 'writer', holder: 'tiantai-office', createdBy: 'admin', revokedAt: null }]);
    t.notOk(list.response.body.includes(token) || list.response.body.includes(hash), 'the list holds neither the token nor its hash');

    const history = await call(app, { method: 'GET', url: `/v1/observations/history?indicator=${IND}&region=331023&period=2022-06`, headers: bearer('admin') });
    t.equal(history.body.versions[0].by, 'tiantai-office', 'what it posts is by its holder');

    t.equal((await call(app, { method: 'DELETE', url: `/v1/tokens/${made.body.id}`, headers: bearer('admin') })).status, 204);
    t.equal((await call(app, { method: 'GET', url: '/v1/regions', headers: auth(token) })).status, 401, 'revoked: 401 at once');
    t.equal((await call(app, { method: 'DELETE', url: `/v1/tokens/${made.body.id}`, headers: bearer('admin') })).status, 404, 'revoked already');
    t.equal((await call(app, { method: 'DELETE', url: '/v1/tokens/nosuchtoken', headers: bearer('admin') })).status, 404);
    t.ok((await call(app, { method: 'GET', url: '/v1/tokens', headers: bearer('admin') })).body.tokens[0].revokedAt !== null, 'listed as revoked');

    const soon = await make(app, { role: 'reader', holder: 'visitor', expiresAt: new Date(Date.now() + 1_000).toISOString() });
    t.equal(soon.status, 201);
    t.equal((await call(app, { method: 'GET', url: '/v1/regions', headers: auth(soon.body.token) })).status, 200);
    await sleep(1_100);
    t.equal((await call(app, { method: 'GET', url: '/v1/regions', headers: auth(soon.body.token) })).status, 401, 'expired: 401');

    // A token in the query string is never looked at.
    const reader = (await make(app, { role: 'writer', holder: 'q' })).body.token;
    const viaQuery = await call(app, { method: 'POST', url: `/v1/observations?access_token=${reader}&token=${reader}`, payload: { observations: [] } });
    t.ok(viaQuery.status === 400 || viaQuery.status === 401, `a token in the query string: ${viaQuery.status}`);
    t.not(viaQuery.status, 200);

    const logged = lines.join('');
    for (const secret of [token, hash, soon.body.token, reader]) t.notOk(logged.includes(secret), 'no token or hash in a log line');
  });

  t.test('who may make tokens, and what a scope may name', async (t) => {
    const app = await buildTestApp(t, { store });
    for (const role of ['writer', 'preview', 'reader'] as const) {
      t.equal((await call(app, { method: 'POST', url: '/v1/tokens', headers: bearer(role), payload: { role: 'admin', holder: 'x' } })).status, 403, `${role} makes no token`);
      t.equal((await call(app, { method: 'GET', url: '/v1/tokens', headers: bearer(role) })).status, 403);
      t.equal((await call(app, { method: 'GET', url: '/v1/access-log', headers: bearer(role) })).status, 403, `${role} reads no access log`);
    }
    // A scoped writer cannot widen its scope: it cannot make tokens at all.
    const scoped = (await make(app, { role: 'writer', holder: 'county', scope: { regions: ['331023'] } })).body.token;
    t.equal((await call(app, { method: 'POST', url: '/v1/tokens', headers: auth(scoped), payload: { role: 'writer', holder: 'county', scope: { regions: ['331000'] } } })).status, 403);

    const cases: Array<[string, object, string]> = [
      ['10,000 codes', { role: 'writer', holder: 'a', scope: { regions: Array.from({ length: 10_000 }, (_, i) => `R${i}`) } }, 'scope.regions'],
      ['a malformed code', { role: 'writer', holder: 'a', scope: { regions: ['33 10 23'] } }, 'scope.regions.0'],
      ['an unknown region', { role: 'writer', holder: 'a', scope: { regions: ['331023', '999999'] } }, 'scope.regions.1'],
      ['an unknown indicator', { role: 'writer', holder: 'a', scope: { indicators: ['no_such'] } }, 'scope.indicators.0'],
      ['an empty list', { role: 'writer', holder: 'a', scope: { regions: [] } }, 'scope.regions'],
      ['an unknown scope key', { role: 'writer', holder: 'a', scope: { towns: ['x'] } }, 'scope'],
      ['a scoped admin', { role: 'admin', holder: 'a', scope: { regions: ['331023'] } }, 'scope'],
      ['an unknown role', { role: 'root', holder: 'a' }, 'role'],
      ['a holder that is not a code', { role: 'reader', holder: '县 办' }, 'holder'],
      ['an expiry in the past', { role: 'reader', holder: 'a', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      ['an expiry without an offset', { role: 'reader', holder: 'a', expiresAt: '2030-01-01T00:00:00' }, 'expiresAt'],
    ];
    for (const [why, body, field] of cases) {
      const r = await make(app, body);
      t.equal(r.status, 400, why);
      t.ok(r.body.details.some((d: { field: string }) => d.field.startsWith(field)), `${why}: names ${field} (${JSON.stringify(r.body.details[0])})`);
    }
    t.equal((await call(app, { method: 'GET', url: '/v1/tokens', headers: bearer('admin') })).body.tokens.length, 1, 'nothing of the refused ones kept');
    t.equal((await call(app, { method: 'GET', url: '/v1/regions', headers: auth(`rit_${'x'.repeat(43)}`) })).status, 401, 'an unknown token');
  });
});

t.test('influxdb: a token made or revoked through one instance is honoured by another within a second', async (t) => {
  const first = await buildTestApp(t, { store: 'influxdb' });
  const second = await buildTestApp(t, { store: 'influxdb', env: { INFLUX_DATABASE: first.config.INFLUX_DATABASE! } });
  const made = await make(first, { role: 'reader', holder: 'elsewhere' });
  const within = async (check: () => Promise<boolean>) => {
    const started = Date.now();
    for (let i = 0; i < 100; i++) {
      if (await check()) return Date.now() - started;
      await sleep(20);
    }
    return Infinity;
  };
  const accepted = await within(async () => (await call(second, { method: 'GET', url: '/v1/regions', headers: auth(made.body.token) })).status === 200);
  t.ok(accepted < 1_000, `accepted by the other instance after ${accepted} ms`);
  t.equal((await call(first, { method: 'DELETE', url: `/v1/tokens/${made.body.id}`, headers: bearer('admin') })).status, 204);
  const refused = await within(async () => (await call(second, { method: 'GET', url: '/v1/regions', headers: auth(made.body.token) })).status === 401);
  t.ok(refused < 1_000, `refused by the other instance after ${refused} ms`);
  t.equal((await call(second, { method: 'GET', url: '/v1/regions', headers: { authorization: `Bearer ${TOKENS.reader}` } })).status, 200, 'bootstrap tokens as before');
});

t.test('the OpenAPI document lists every token and access-log route with the roles that may call it', async (t) => {
  const app = await buildTestApp(t);
  const doc = (await call(app, { method: 'GET', url: '/docs/json' })).body;
  const op = (path: string, method: string) => doc.paths[path]?.[method];
  for (const [path, method] of [
    ['/v1/tokens', 'post'],
    ['/v1/tokens', 'get'],
    ['/v1/tokens/{id}', 'delete'],
    ['/v1/access-log', 'get'],
  ] as const) {
    t.same(op(path, method)?.['x-roles'], ['admin'], `${method} ${path}: admin`);
    t.match(op(path, method)?.description, /Who may call it: roles: admin\./);
  }
  t.same(op('/v1/observations', 'post')['x-roles'], ['admin', 'writer']);
  t.same(op('/v1/observations', 'get')['x-roles'], [], 'reads: any token, or none');
});

t.test('a body the route may go without is documented as optional', async (t) => {
  const app = await buildTestApp(t);
  const doc = (await call(app, { method: 'GET', url: '/docs/json' })).body;
  t.equal(doc.paths['/v1/observations/{indicator}/{region}/{period}'].delete.requestBody.required, false, "a withdrawal's reason and note");
  t.equal(doc.paths['/v1/tokens'].post.requestBody.required, true);
  t.notOk(JSON.stringify(doc).includes('x-optional-body'), 'the marker does not stay in the document');
});
