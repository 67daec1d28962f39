/**
 * Abuse limits and headers: rate limits per token and per address, body size,
 * request timeout, security headers, CORS for the configured dashboards only,
 * and credentials kept out of the log (read back from the log itself).
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { loggerOptions } from '../../src/logging.ts';
import { TOKENS, bearer, buildTestApp, call } from '../helpers/app.ts';
import { tempDir } from '../helpers/tmp.ts';

const LIMIT = 5;

t.test('rate limits: per token, per address without one, with Retry-After', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_MAX: String(LIMIT), RATE_LIMIT_WINDOW_SECONDS: '60' } });
  const get = (headers: Record<string, string>, remoteAddress = '10.0.0.1') => call(app, { method: 'GET', url: '/v1/regions', headers, remoteAddress });

  for (let i = 0; i < LIMIT; i++) {
    const r = await get(bearer('reader'));
    t.equal(r.status, 200, `reader request ${i + 1}`);
    t.equal(r.response.headers['x-ratelimit-remaining'], String(LIMIT - i - 1), 'the remaining allowance is told');
  }
  const over = await get(bearer('reader'));
  t.equal(over.status, 429, 'one more is refused');
  t.equal(over.body.error, 'rate_limited');
  t.match(over.body.message, /at most 5 every 60 s/);
  const retryAfter = Number(over.response.headers['retry-after']);
  t.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter} s`);

  t.equal((await get(bearer('reader'), '10.0.0.2')).status, 429, 'a token is limited wherever it comes from');
  t.equal((await get(bearer('writer'))).status, 200, 'another token from the same address has its own allowance');
  t.equal((await get({})).status, 200, 'so does the address without a token');

  for (let i = 1; i < LIMIT; i++) await get({}, '10.0.0.3');
  t.equal((await get({}, '10.0.0.3')).status, 200, 'the fifth anonymous request from 10.0.0.3');
  t.equal((await get({}, '10.0.0.3')).status, 429, 'the sixth is refused');
  t.equal((await get({}, '10.0.0.4')).status, 200, 'another address is not');

  const write = await call(app, {
    method: 'POST',
    url: '/v1/observations',
    headers: bearer('reader'),
    payload: { observations: [{ indicator: 'industrial_investment', region: '331023', period: '2031-01', value: 1 }] },
  });
  t.equal(write.status, 403, 'a refused token is told it lacks the right before it is counted');
  for (const url of ['/healthz', '/readyz']) {
    for (let i = 0; i < LIMIT + 2; i++) await call(app, { method: 'GET', url, remoteAddress: '10.0.0.3' });
    t.equal((await call(app, { method: 'GET', url, remoteAddress: '10.0.0.3' })).status, 200, `${url} is never limited: orchestrators poll it`);
  }
});

t.test('answers from the response cache, and 304s, count against the limit too', async (t) => {
  const app = await buildTestApp(t, { demo: true, env: { RATE_LIMIT_MAX: String(LIMIT) } });
  const url = '/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000';
  const first = await call(app, { method: 'GET', url, remoteAddress: '10.0.1.1' });
  t.equal(first.status, 200);
  const etag = String(first.response.headers.etag);
  for (let i = 1; i < LIMIT; i++) {
    const r = await call(app, { method: 'GET', url, remoteAddress: '10.0.1.1', headers: i % 2 === 0 ? { 'if-none-match': etag } : {} });
    t.equal(r.status, i % 2 === 0 ? 304 : 200, `request ${i + 1}: from the cache`);
    t.equal(r.response.headers['x-ratelimit-remaining'], String(LIMIT - i - 1), 'and counted');
  }
  t.equal((await call(app, { method: 'GET', url, remoteAddress: '10.0.1.1' })).status, 429, 'the cache does not get round the limit');
  t.equal((await call(app, { method: 'GET', url, remoteAddress: '10.0.1.1', headers: { 'if-none-match': etag } })).status, 429, 'nor does a conditional request');
});

t.test('a writer over its limit posts nothing', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '1' } });
  const postOne = (period: string) =>
    call(app, {
      method: 'POST',
      url: '/v1/observations',
      headers: bearer('writer'),
      payload: { observations: [{ indicator: 'industrial_investment', region: '331023', period, value: 1 }] },
    });
  t.equal((await postOne('2031-01')).status, 200);
  t.equal((await postOne('2031-02')).status, 429);
  const h = await call(app, { method: 'GET', url: '/v1/observations/history?indicator=industrial_investment&region=331023&period=2031-02', headers: bearer('admin') });
  t.same(h.body.versions, [], 'the refused batch is not stored');
});

t.test('the window resets', async (t) => {
  const app = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '1' } });
  const get = () => call(app, { method: 'GET', url: '/v1/regions' });
  await get();
  await get();
  t.equal((await get()).status, 429);
  // Bounded wait: the window is one second.
  let status = 429;
  for (let i = 0; i < 30 && status === 429; i++) {
    await new Promise((r) => setTimeout(r, 100));
    status = (await get()).status;
  }
  t.equal(status, 200, 'allowed again after the window');
});

t.test('body size: 413 in the error shape, nothing stored', async (t) => {
  const app = await buildTestApp(t, { env: { MAX_BODY_MB: '1' } });
  const row = { indicator: 'industrial_investment', region: '331023', period: '2031-03', value: 1 };
  const observations = Array.from({ length: 20_000 }, () => row);
  const r = await call(app, { method: 'POST', url: '/v1/observations', headers: bearer('writer'), payload: { observations } });
  t.equal(r.status, 413);
  t.equal(r.body.error, 'payload_too_large');
  t.equal(r.body.details[0].field, 'body');
  const h = await call(app, { method: 'GET', url: '/v1/observations/history?indicator=industrial_investment&region=331023&period=2031-03' });
  t.same(h.body.versions, []);
  const csv = `indicator,region,period,value\n${'industrial_investment,331023,2031-03,1\n'.repeat(40_000)}`;
  const c = await call(app, { method: 'POST', url: '/v1/observations', headers: { ...bearer('writer'), 'content-type': 'text/csv' }, payload: csv });
  t.equal(c.status, 413, 'CSV too');
});

t.test('request timeout is configured on the server', async (t) => {
  const app = await buildTestApp(t, { env: { REQUEST_TIMEOUT_SECONDS: '7' } });
  t.equal(app.server.requestTimeout, 7000, 'a stalled upload is cut off');
});

t.test('security headers on the page and the API', async (t) => {
  const app = await buildTestApp(t);
  const page = await call(app, { method: 'GET', url: '/' });
  const csp = String(page.response.headers['content-security-policy']);
  t.match(csp, /default-src 'self'/);
  t.match(csp, /script-src 'self' 'unsafe-eval'/, 'scripts only from the service (Vega compiles expressions)');
  t.notMatch(csp, /script-src[^;]*'unsafe-inline'/, 'no inline scripts');
  t.match(csp, /frame-ancestors 'none'/, 'not framed');
  t.match(csp, /object-src 'none'/);
  t.equal(page.response.headers['x-content-type-options'], 'nosniff');
  t.equal(page.response.headers['x-frame-options'], 'SAMEORIGIN');
  t.equal(page.response.headers['referrer-policy'], 'no-referrer');
  t.ok(page.response.headers['strict-transport-security'], 'HSTS for deployments behind TLS');
  t.notOk(page.response.headers['x-powered-by']);
  const api = await call(app, { method: 'GET', url: '/v1/regions' });
  t.equal(api.response.headers['x-content-type-options'], 'nosniff', 'the API too');
  t.equal(api.response.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'", 'JSON may load nothing and be framed nowhere');
  t.ok(api.response.headers['strict-transport-security']);
  const refused = await call(app, { method: 'GET', url: '/v1/rankings?indicator=nope' });
  t.equal(refused.response.headers['x-content-type-options'], 'nosniff', 'errors too');
  const svg = await call(app, { method: 'GET', url: '/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&format=svg' });
  t.match(String(svg.response.headers['content-type']), /svg/);
  t.match(String(svg.response.headers['content-security-policy']), /script-src 'self'/, 'an SVG is a document: the full policy');
});

t.test('CORS: only the configured dashboard origins', async (t) => {
  const origin = 'https://dash.example.gov.cn';
  const app = await buildTestApp(t, { env: { CORS_ORIGINS: `${origin}, https://other.example.gov.cn` } });
  const preflight = (from: string) =>
    call(app, {
      method: 'OPTIONS',
      url: '/v1/observations',
      headers: { origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
  let r = await preflight(origin);
  t.equal(r.status, 204);
  t.equal(r.response.headers['access-control-allow-origin'], origin);
  t.match(String(r.response.headers['access-control-allow-headers']), /authorization/);
  t.match(String(r.response.headers['access-control-allow-methods']), /POST/);
  r = await preflight('https://evil.example.com');
  t.notOk(r.response.headers['access-control-allow-origin'], 'another origin gets no allowance');

  r = await call(app, { method: 'GET', url: '/v1/regions', headers: { origin } });
  t.equal(r.response.headers['access-control-allow-origin'], origin);
  t.match(String(r.response.headers['access-control-expose-headers']), /etag/);
  t.match(String(r.response.headers['access-control-expose-headers']), /content-disposition/, 'a download keeps its file name across origins');
  r = await call(app, { method: 'GET', url: '/v1/regions', headers: { origin: 'https://evil.example.com' } });
  t.equal(r.status, 200, 'a same-origin-less read still answers (browsers enforce CORS)');
  t.notOk(r.response.headers['access-control-allow-origin']);

  const closed = await buildTestApp(t);
  r = await call(closed, { method: 'GET', url: '/v1/regions', headers: { origin } });
  t.notOk(r.response.headers['access-control-allow-origin'], 'without CORS_ORIGINS no origin is allowed');
});

t.test('bad CORS_ORIGINS or limits fail at start, naming the variable', async (t) => {
  t.throws(() => loadConfig({ CORS_ORIGINS: 'dash.example.gov.cn' }), /CORS_ORIGINS/);
  t.throws(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' }), /CORS_ORIGINS/);
  t.throws(() => loadConfig({ RATE_LIMIT_MAX: '0' }), /RATE_LIMIT_MAX/);
  t.throws(() => loadConfig({ RATE_LIMIT_WINDOW_SECONDS: 'soon' }), /RATE_LIMIT_WINDOW_SECONDS/);
  t.throws(() => loadConfig({ REQUEST_TIMEOUT_SECONDS: '0' }), /REQUEST_TIMEOUT_SECONDS/);
});

t.test('the log never shows a token: read back from the log', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => { lines.push(chunk.toString()); done(); } });
  const config = loadConfig({
    DATA_DIR: tempDir(t),
    API_TOKENS: `admin:${TOKENS.admin},writer:alice:${TOKENS.writer}`,
    REPORTS_ENABLED: 'false',
    LOG_LEVEL: 'info',
  });
  const app = await buildApp({ config, logger: loggerOptions('info', { write: (line: string) => stream.write(line) }) });
  t.teardown(() => app.close());
  await app.inject({ method: 'GET', url: '/v1/regions', headers: { ...bearer('admin'), 'user-agent': 'bureau-uploader/1.0' } });
  await app.inject({ method: 'POST', url: '/v1/observations', headers: bearer('writer'), payload: { observations: [{ indicator: 'nope' }] } });
  await app.inject({ method: 'GET', url: '/v1/regions', headers: { authorization: 'Bearer wrong-token-but-secret-still', cookie: 'session=abc123' } });
  const text = lines.join('');
  const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.req !== undefined);
  t.equal(requests.length, 3, 'each request is logged');
  t.equal(requests[0].req.headers['user-agent'], 'bureau-uploader/1.0', 'with its headers');
  t.equal(requests[0].req.headers.authorization, '[redacted]', 'but the credential is redacted');
  t.equal(requests[2].req.headers.cookie, '[redacted]');
  for (const secret of [...Object.values(TOKENS), 'wrong-token-but-secret-still', 'abc123']) t.notOk(text.includes(secret), 'not in any line');
  const stillThere = await app.inject({ method: 'GET', url: '/v1/regions', headers: bearer('admin') });
  t.equal(stillThere.statusCode, 200, 'redaction does not touch the live request');
});

t.test('behind a trusted proxy, the client address comes from X-Forwarded-For', async (t) => {
  for (const trust of ['true', '1', '127.0.0.1/8']) {
    const app = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '1', TRUST_PROXY: trust } });
    const get = (client: string) => call(app, { method: 'GET', url: '/v1/regions', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client } });
    t.equal((await get('203.0.113.7')).status, 200, `${trust}: the first client`);
    t.equal((await get('203.0.113.7')).status, 429, `${trust}: limited`);
    t.equal((await get('203.0.113.8')).status, 200, `${trust}: another client behind the same proxy is not`);
  }
  const untrusting = await buildTestApp(t, { env: { RATE_LIMIT_MAX: '1' } });
  const get = (client: string) => call(untrusting, { method: 'GET', url: '/v1/regions', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client } });
  t.equal((await get('203.0.113.7')).status, 200);
  t.equal((await get('203.0.113.8')).status, 429, 'by default a forged X-Forwarded-For buys nothing');
  t.throws(() => loadConfig({ TRUST_PROXY: 'the proxy' }), /TRUST_PROXY/);
});

t.test('an answer from the response cache carries the same headers as the first, and its own CORS and limits', async (t) => {
  const origin = 'https://dash.example.gov.cn';
  const other = 'https://other.example.gov.cn';
  const app = await buildTestApp(t, { demo: true, env: { CORS_ORIGINS: `${origin}, ${other}`, RATE_LIMIT_MAX: '10' } });
  const url = '/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000';
  const first = await call(app, { method: 'GET', url, headers: { origin }, remoteAddress: '10.0.2.1' });
  await call(app, { method: 'GET', url, remoteAddress: '10.0.2.2' });
  const again = await call(app, { method: 'GET', url, headers: { origin: other }, remoteAddress: '10.0.2.2' });
  const stranger = await call(app, { method: 'GET', url, headers: { origin: 'https://evil.example.com' } });
  t.equal(again.status, 200);
  t.same(again.body, first.body, 'the same chart');
  const own = new Set(['date', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'access-control-allow-origin']);
  const rest = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => !own.has(k)).sort(([a], [b]) => a.localeCompare(b)));
  t.same(rest(again.response.headers), rest(first.response.headers), 'every other header as the first answer had it');
  t.ok(first.response.headers['content-security-policy'] && first.response.headers.etag && first.response.headers['content-length'], 'security headers, the tag and the length among them');
  t.equal(first.response.headers['access-control-allow-origin'], origin);
  t.equal(again.response.headers['access-control-allow-origin'], other, "the second caller's origin, not the first's");
  t.notOk(stranger.response.headers['access-control-allow-origin'], 'an origin not configured gets no allowance from the cache either');
  t.equal(again.response.headers['x-ratelimit-remaining'], '8', "each caller's own allowance");
  t.equal(Number(again.response.headers['content-length']), Buffer.byteLength(again.response.payload), 'the length of what was sent');

  const svgs = [];
  for (let i = 0; i < 2; i++) svgs.push(await call(app, { method: 'GET', url: `${url}&format=svg`, remoteAddress: '10.0.2.3' }));
  t.equal(svgs[1]!.response.payload, svgs[0]!.response.payload, 'an SVG from the cache: the same bytes, CJK labels and all');
  t.match(svgs[1]!.response.payload, /全市|台州|亿元|%/, 'with its Chinese text intact');
  t.match(String(svgs[1]!.response.headers['content-type']), /^image\/svg\+xml/);
  t.match(String(svgs[1]!.response.headers['content-security-policy']), /script-src 'self'/, 'and the full policy of a document');
});
