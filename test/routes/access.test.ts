/**
 * Every write endpoint, every kind of caller: no token and a bad token are
 * 401, a role without the right is 403, the right role is 200, and a refused
 * request changes nothing. What is stored names its poster, never the token.
 */
import t from 'tap';
import { TOKENS, bearer, buildTestApp, call } from '../helpers/app.ts';

type Caller = 'none' | 'bad' | 'basic' | 'reader' | 'writer' | 'admin';
const CALLERS: readonly Caller[] = ['none', 'bad', 'basic', 'reader', 'writer', 'admin'];

function headersOf(caller: Caller): Record<string, string> {
  switch (caller) {
    case 'none':
      return {};
    case 'bad':
      return { authorization: 'Bearer this-is-not-a-token-anyone-holds' };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`admin:${TOKENS.admin}`).toString('base64')}` };
    default:
      return bearer(caller);
  }
}

interface WriteEndpoint {
  method: 'POST' | 'PUT';
  url: string;
  payload: object;
  /** The roles allowed; everyone else is refused. */
  allowed: readonly Caller[];
  /** What a refused request would have changed, read back after it. */
  probe: string;
}

const ENDPOINTS: readonly WriteEndpoint[] = [
  {
    method: 'POST',
    url: '/v1/observations',
    payload: { observations: [{ indicator: 'industrial_investment', region: '331023', period: '2031-06', value: 12.5 }] },
    allowed: ['writer', 'admin'],
    probe: '/v1/observations/history?indicator=industrial_investment&region=331023&period=2031-06',
  },
  { method: 'PUT', url: '/v1/regions', payload: { regions: [{ code: 'X9', name: '新区', parent: '331000' }] }, allowed: ['admin'], probe: '/v1/regions' },
  { method: 'PUT', url: '/v1/groups', payload: { groups: [{ code: 'g9', name: '新组', members: ['331023'] }] }, allowed: ['admin'], probe: '/v1/groups' },
  {
    method: 'PUT',
    url: '/v1/indicators',
    payload: { indicators: [{ code: 'new_one', name: '新指标', unit: '亿元', basis: 'ytd', direction: 'higher' }] },
    allowed: ['admin'],
    probe: '/v1/indicators',
  },
  { method: 'POST', url: '/v1/reports/run', payload: { period: '2022-06', regions: ['331023'] }, allowed: ['admin'], probe: '/v1/reports?region=331023' },
];

const expected = (e: WriteEndpoint, caller: Caller) =>
  e.allowed.includes(caller) ? 200 : caller === 'reader' || caller === 'writer' ? 403 : 401;

for (const publicRead of ['true', 'false']) {
  t.test(`write endpoints with PUBLIC_READ=${publicRead}`, async (t) => {
    const app = await buildTestApp(t, { demo: true, env: { PUBLIC_READ: publicRead } });
    for (const e of ENDPOINTS) {
      for (const caller of CALLERS) {
        const label = `${e.method} ${e.url} as ${caller}`;
        const before = await call(app, { method: 'GET', url: e.probe, headers: bearer('reader') });
        const r = await call(app, { method: e.method, url: e.url, headers: headersOf(caller), payload: e.payload });
        const want = expected(e, caller);
        t.equal(r.status, want, label);
        if (want === 200) continue;
        t.equal(r.body.error, want === 401 ? 'unauthorized' : 'forbidden', `${label}: the error code`);
        t.equal(r.body.details?.[0]?.field, 'authorization', `${label}: names the header`);
        t.match(r.body.message, want === 401 ? /token/ : new RegExp(`the ${caller} role may not`), `${label}: says why`);
        const after = await call(app, { method: 'GET', url: e.probe, headers: bearer('reader') });
        t.same([after.status, after.body], [before.status, before.body], `${label}: nothing changed`);
      }
    }
  });
}

t.test('reads: a token is needed only when PUBLIC_READ is false; any role may read', async (t) => {
  const closed = await buildTestApp(t, { env: { PUBLIC_READ: 'false' } });
  const open = await buildTestApp(t, { env: { PUBLIC_READ: 'true' } });
  for (const url of ['/v1/regions', '/v1/indicators', '/v1/reports', '/']) {
    t.equal((await call(closed, { method: 'GET', url })).status, 401, `${url} closed without a token`);
    for (const role of ['reader', 'writer', 'admin'] as const) {
      t.equal((await call(closed, { method: 'GET', url, headers: bearer(role) })).status, 200, `${url} closed as ${role}`);
    }
    t.equal((await call(open, { method: 'GET', url })).status, 200, `${url} open without a token`);
    t.equal((await call(open, { method: 'GET', url, headers: headersOf('bad') })).status, 401, `${url} open, with a bad token`);
  }
  for (const url of ['/healthz', '/readyz', '/docs/json', '/assets/app.js']) {
    t.equal((await call(closed, { method: 'GET', url })).status, 200, `${url} is public`);
  }
});

t.test('each stored version names who posted it, never the token', async (t) => {
  const app = await buildTestApp(t);
  const url = '/v1/observations/history?indicator=industrial_investment&region=331023&period=2031-06';
  for (const [role, value] of [['writer', 1.5], ['admin', 2.5]] as const) {
    const r = await call(app, {
      method: 'POST',
      url: '/v1/observations',
      headers: bearer(role),
      payload: { observations: [{ indicator: 'industrial_investment', region: '331023', period: '2031-06', value }] },
    });
    t.equal(r.status, 200);
  }
  const h = await call(app, { method: 'GET', url });
  t.same(h.body.versions.map((v: any) => [v.value, v.by]), [[1.5, 'alice'], [2.5, 'admin']], 'the holder name, or the role when unnamed');
  for (const token of Object.values(TOKENS)) t.notOk(h.response.body.includes(token), 'no token in the history');
});

t.test('tokens are refused however they are mangled', async (t) => {
  const app = await buildTestApp(t, { env: { PUBLIC_READ: 'false' } });
  const variants = [
    TOKENS.admin.slice(0, -1),
    `${TOKENS.admin}x`,
    TOKENS.admin.toUpperCase(),
    ` ${TOKENS.admin.slice(1)}`,
    `${TOKENS.admin}\u0000`,
    '',
  ];
  for (const v of variants) {
    const r = await call(app, { method: 'GET', url: '/v1/regions', headers: { authorization: `Bearer ${v}` } });
    t.equal(r.status, 401, JSON.stringify(v));
  }
  const ok = await call(app, { method: 'GET', url: '/v1/regions', headers: { authorization: `bearer   ${TOKENS.admin}` } });
  t.equal(ok.status, 200, 'the scheme is case-insensitive, as RFC 7235 says');
});
