/**
 * Issue 23, item 8: unlimited token guessing. 1,250 requests with invalid
 * tokens from one address were all answered 401, never 429. Now an address
 * has AUTH_FAILURES_MAX failures a window; after them no token from it is
 * looked at (a valid one neither) until the window ends, while other
 * addresses, and requests without a token, go on as before.
 */
import Fastify from 'fastify';
import t from 'tap';
import authPlugin, { AUTH_FAILURE_WINDOW_SECONDS, AUTH_FAILURES_MAX } from '../../src/plugins/auth.ts';
import errorsPlugin from '../../src/plugins/errors.ts';
import { addressKey, FixedWindows } from '../../src/plugins/rate-limit.ts';
import { bearer, buildTestApp, call, TOKENS } from '../helpers/app.ts';

const BAD = { authorization: 'Bearer not-the-token-0123456789abcdef' };

t.test('the limit', async (t) => {
  t.same([AUTH_FAILURES_MAX, AUTH_FAILURE_WINDOW_SECONDS], [20, 60]);
});

t.test('an address that keeps guessing is held off; nobody else is', async (t) => {
  const app = await buildTestApp(t);
  const from = (remoteAddress: string, headers: Record<string, string> = BAD, url = '/v1/regions') => call(app, { method: 'GET', url, headers, remoteAddress });

  const statuses: number[] = [];
  for (let i = 0; i < 1_250; i++) statuses.push((await from('10.0.0.1')).status);
  t.equal(statuses.filter((s) => s === 401).length, AUTH_FAILURES_MAX, 'the first 20 are told the token is wrong');
  t.equal(statuses.filter((s) => s === 429).length, 1_250 - AUTH_FAILURES_MAX, 'the rest are told to wait');
  t.same(statuses.slice(AUTH_FAILURES_MAX - 1, AUTH_FAILURES_MAX + 1), [401, 429], 'from the 21st on');

  const held = await from('10.0.0.1');
  t.equal(held.body.error, 'rate_limited');
  t.same(held.body.details, [{ field: 'authorization', message: 'too many invalid tokens from this address' }]);
  const wait = Number(held.response.headers['retry-after']);
  t.ok(wait >= 1 && wait <= AUTH_FAILURE_WINDOW_SECONDS, `Retry-After: ${wait}`);

  t.equal((await from('10.0.0.1', bearer('admin'))).status, 429, 'a valid token from that address is not looked at either (no oracle for a right guess)');
  t.equal((await from('10.0.0.1', bearer('admin'), '/v1/regions')).body.error, 'rate_limited');
  t.equal((await from('10.0.0.1', {})).status, 200, 'a public read without a token still answers');
  t.equal((await from('10.0.0.1', BAD, '/healthz')).status, 200, '/healthz never looks at tokens');

  t.equal((await from('10.0.0.2', bearer('admin'))).status, 200, 'another address is not locked out');
  t.equal((await from('10.0.0.2')).status, 401, 'and has its own count');

  // Without TRUST_PROXY, X-Forwarded-For is the caller's to write: it does not name whose count it is.
  for (let i = 0; i < AUTH_FAILURES_MAX + 5; i++) await from('10.0.0.9', { ...BAD, 'x-forwarded-for': '10.0.0.3' });
  t.equal((await from('10.0.0.3', bearer('admin'))).status, 200, 'nobody can lock out an address by naming it');
  t.equal((await from('10.0.0.9', bearer('admin'))).status, 429, 'the sender is held off itself');

  // A malformed header is a failed authentication too.
  for (let i = 0; i < AUTH_FAILURES_MAX; i++) t.equal((await from('10.0.0.4', { authorization: 'Basic abc' })).status, 401);
  t.equal((await from('10.0.0.4', { authorization: 'Basic abc' })).status, 429);

  // A valid token does not wipe the count: one token of any role would otherwise reset a guesser's tries.
  for (let i = 0; i < AUTH_FAILURES_MAX - 1; i++) await from('10.0.0.5');
  t.equal((await from('10.0.0.5', bearer('reader'))).status, 200);
  t.equal((await from('10.0.0.5')).status, 401, 'the 20th failure');
  t.equal((await from('10.0.0.5', bearer('reader'))).status, 429, 'then held off');
});

t.test('an IPv6 client is counted by its /64', async (t) => {
  t.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
  t.equal(addressKey('2001:0db8:0000:0000:ffff::2'), '2001:db8:0:0::/64');
  t.equal(addressKey('2001:db8:0:1::1'), '2001:db8:0:1::/64');
  t.equal(addressKey('::ffff:10.1.2.3'), '10.1.2.3', 'an IPv4 address in IPv6 form is the IPv4 address');
  t.equal(addressKey('10.1.2.3'), '10.1.2.3');

  const app = await buildTestApp(t);
  for (let i = 0; i < AUTH_FAILURES_MAX; i++) {
    await call(app, { method: 'GET', url: '/v1/regions', headers: BAD, remoteAddress: `2001:db8::${(i + 1).toString(16)}` });
  }
  t.equal((await call(app, { method: 'GET', url: '/v1/regions', headers: BAD, remoteAddress: '2001:db8::ffff' })).status, 429, 'stepping through a /64 does not help');
  t.equal((await call(app, { method: 'GET', url: '/v1/regions', headers: bearer('reader'), remoteAddress: '2001:db8:0:1::1' })).status, 200, 'the next /64 is another client');
});

t.test('the window ends: the address may try again', async (t) => {
  let now = 1_000_000;
  const app = Fastify({ logger: false });
  await app.register(errorsPlugin);
  const reader = { role: 'reader' as const, holder: 'reader', scope: null, tokenId: null };
  await app.register(authPlugin, { tokens: { principalOf: (token) => (token === TOKENS.reader ? reader : undefined) }, publicRead: true, now: () => now });
  app.get('/x', async () => ({ ok: true }));
  await app.ready();
  t.teardown(() => app.close());
  const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/x', headers, remoteAddress: '10.9.9.9' });
  for (let i = 0; i < AUTH_FAILURES_MAX; i++) t.equal((await get(BAD)).statusCode, 401);
  let held = await get(bearer('reader'));
  t.equal(held.statusCode, 429);
  t.equal(held.headers['retry-after'], String(AUTH_FAILURE_WINDOW_SECONDS), 'the whole window is left');
  now += 45_000;
  held = await get(bearer('reader'));
  t.equal(held.headers['retry-after'], '15', 'then what is left of it');
  now += 15_000;
  t.equal((await get(bearer('reader'))).statusCode, 200, 'a new window: the valid token is taken');
  t.equal((await get(BAD)).statusCode, 401, 'and a wrong one counted afresh');
});

t.test('peek tells without counting', async (t) => {
  const now = 0;
  const windows = new FixedWindows(2, 60_000, 100, () => now);
  t.same(windows.peek('a'), { allowed: true, remaining: 2, resetMs: 60_000 });
  windows.hit('a');
  windows.hit('a');
  t.same(windows.peek('a'), { allowed: false, remaining: 0, resetMs: 60_000 });
  t.same(windows.peek('a'), { allowed: false, remaining: 0, resetMs: 60_000 }, 'asking again counts nothing');
  t.equal(windows.size, 1, 'peeking at an unknown caller keeps nothing');
});
