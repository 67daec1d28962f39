/**
 * Two instances on one InfluxDB, as real processes: the second forwards its
 * writes to the first (WRITER_URL). What is written through either is seen
 * through both within a second, also in cached answers and their ETags;
 * concurrent revisions through both never lose a version.
 */
import t, { type Test } from 'tap';
import { TOKENS } from '../helpers/app.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { send, ServiceProcess } from '../helpers/service.ts';

const IND = 'industrial_investment';
const FIGURE = `/v1/observations/history?indicator=${IND}&region=331023&period=2022-06`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll until `check` holds, at most `ms`: answers how long it took, or -1. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const t0 = Date.now();
  for (let i = 0; i < 1000; i++) {
    if (await check()) return Date.now() - t0;
    if (Date.now() - t0 > ms) return -1;
    await sleep(20);
  }
  return -1;
}

async function pair(t: Test) {
  const influxd = await sharedInfluxd(t);
  const env = { STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: freshDatabase(), INFLUX_API: 'v1' };
  const writer = await ServiceProcess.start(t, env);
  const other = await ServiceProcess.start(t, { ...env, WRITER_URL: writer.url });
  return { writer, other };
}

t.test('a revision and a catalog change through either instance reach the other within a second, cached answers and ETags included', async (t) => {
  const { writer, other } = await pair(t);
  const post = (url: string, value: number) =>
    send(url, 'POST', '/v1/observations', { observations: [{ indicator: IND, region: '331023', period: '2022-06', value }, { indicator: IND, region: '331023', period: '2021-06', value: 10 }] }, TOKENS.writer);
  t.equal((await post(other.url, 20)).status, 200, 'a post through the forwarding instance');
  const series = `/v1/series?indicator=${IND}&region=331023`;
  // Both instances answer, and keep the answer.
  const first = [await send(writer.url, 'GET', series, undefined, TOKENS.reader), await send(other.url, 'GET', series, undefined, TOKENS.reader)];
  t.same(first.map((a) => a.body.points.at(-1).value), [20, 20]);
  t.equal(first[0]!.headers.etag, first[1]!.headers.etag, 'the same ETag on both instances');
  t.equal((await send(other.url, 'GET', series, undefined, TOKENS.reader)).headers.etag, first[1]!.headers.etag, 'asked again: the same');

  for (const [through, seenBy] of [
    [writer, other],
    [other, writer],
  ] as const) {
    const value = through === writer ? 21 : 22;
    t.equal((await post(through.url, value)).status, 200);
    const lag = await within(1000, async () => (await send(seenBy.url, 'GET', series, undefined, TOKENS.reader)).body.points.at(-1).value === value);
    t.ok(lag >= 0, `a revision through one instance is seen through the other in ${lag} ms`);
    const [a, b] = [await send(writer.url, 'GET', series, undefined, TOKENS.reader), await send(other.url, 'GET', series, undefined, TOKENS.reader)];
    t.equal(a.headers.etag, b.headers.etag, 'and both give the new ETag');
    t.not(a.headers.etag, first[0]!.headers.etag);
    t.equal((await send(seenBy.url, 'GET', series, undefined, TOKENS.reader, false)).status, 200);
    const conditional = await fetch(`${seenBy.url}${series}`, { headers: { 'if-none-match': String(first[0]!.headers.etag) } });
    t.equal(conditional.status, 200, 'an old ETag is not matched any more');
  }

  const region = { regions: [{ code: 'NEW9', name: '新设区', parent: '331000' }] };
  t.equal((await send(other.url, 'PUT', '/v1/regions', region)).status, 200, 'a catalog change through the forwarding instance');
  for (const instance of [writer, other]) {
    const lag = await within(1000, async () => (await send(instance.url, 'GET', '/v1/regions', undefined, TOKENS.reader)).body.regions.some((r: { code: string }) => r.code === 'NEW9'));
    t.ok(lag >= 0, `the new region is listed by ${instance === writer ? 'the writer' : 'the other'} in ${lag} ms`);
  }
  t.equal((await send(writer.url, 'POST', '/v1/observations', { observations: [{ indicator: IND, region: 'NEW9', period: '2022-06', value: 1 }] }, TOKENS.writer)).status, 200, 'and takes figures');
});

t.test('a month set for release through one instance is hidden by both, and appears on both when its time passes, with no write', async (t) => {
  const { writer, other } = await pair(t);
  // Far enough ahead for the requests before it on a slow machine (they take milliseconds here).
  const releaseAt = Date.now() + 4_000;
  const calendar = { releases: [{ indicator: IND, period: '2022-06', releaseAt: new Date(releaseAt).toISOString() }] };
  t.equal((await send(other.url, 'PUT', '/v1/releases', calendar)).status, 200, 'the calendar set through the forwarding instance');
  const figures = { observations: [{ indicator: IND, region: '331023', period: '2022-06', value: 31415.9 }, { indicator: IND, region: '331023', period: '2021-06', value: 10 }] };
  t.equal((await send(writer.url, 'POST', '/v1/observations', figures, TOKENS.writer)).status, 200);
  const series = `/v1/series?indicator=${IND}&region=331023`;
  const shows = async (url: string) => (await send(url, 'GET', series, undefined, TOKENS.reader)).body.points.some((p: { period: string }) => p.period === '2022-06');
  // Asked twice before the release, so each instance keeps its answer.
  for (const instance of [writer, other]) {
    t.notOk(await shows(instance.url), 'hidden from a reader');
    t.notOk(await shows(instance.url), 'asked again, still hidden');
    t.equal((await send(instance.url, 'GET', series, undefined, TOKENS.preview)).body.points.at(-1).value, 31415.9, 'seen with preview');
  }
  t.ok(Date.now() < releaseAt, 'all asked before the release time');
  await sleep(Math.max(0, releaseAt - Date.now()));
  for (const instance of [writer, other]) {
    const lag = await within(1000, () => shows(instance.url));
    t.ok(lag >= 0, `${instance === writer ? 'the writer' : 'the other'} shows the month ${lag} ms after its release time`);
  }
});

t.test('concurrent revisions through both instances never lose a version', async (t) => {
  const { writer, other } = await pair(t);
  const N = 40;
  const answers = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      send(i % 2 === 0 ? writer.url : other.url, 'POST', '/v1/observations', { observations: [{ indicator: IND, region: '331023', period: '2022-06', value: 100 + i }] }, TOKENS.writer),
    ),
  );
  t.same(answers.map((a) => a.status), Array(N).fill(200), 'every post acknowledged');
  const created = answers.reduce((n, a) => n + a.body.created, 0);
  const revised = answers.reduce((n, a) => n + a.body.revised, 0);
  t.same([created, revised], [1, N - 1], 'one created the figure, every other revised it');
  const history = (await send(other.url, 'GET', FIGURE, undefined, TOKENS.reader)).body.versions;
  t.equal(history.length, N, 'every acknowledged version is in the history');
  t.same(history.map((v: { version: number }) => v.version), Array.from({ length: N }, (_, i) => i + 1), 'numbered 1 to N, none twice');
  t.same(new Set(history.map((v: { value: number }) => v.value)).size, N, 'each posted value once');
});

t.test('the forwarding instance says so when the writer is down, and takes writes again when it is back', async (t) => {
  const influxd = await sharedInfluxd(t);
  const env = { STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: freshDatabase(), INFLUX_API: 'v1' };
  const writer = await ServiceProcess.start(t, env);
  const other = await ServiceProcess.start(t, { ...env, WRITER_URL: 'http://127.0.0.1:9' });
  const refused = await send(other.url, 'POST', '/v1/observations', { observations: [{ indicator: IND, region: '331023', period: '2022-06', value: 1 }] }, TOKENS.writer);
  t.equal(refused.status, 503);
  t.equal(refused.body.error, 'not_ready');
  t.ok(refused.headers['retry-after'], 'with Retry-After');
  t.equal((await send(other.url, 'GET', '/v1/regions', undefined, TOKENS.reader)).status, 200, 'reads go on');
  t.equal((await send(writer.url, 'GET', FIGURE, undefined, TOKENS.reader)).body.versions.length, 0, 'nothing was written');
});

t.test('answers cached before InfluxDB stopped are not served as current after it comes back restored from an older state', async (t) => {
  const { Influxd } = await import('../helpers/influxd.ts');
  const { cpSync, rmSync } = await import('node:fs');
  const influxd = await Influxd.create();
  t.teardown(() => influxd.destroy());
  const service = await ServiceProcess.start(t, { STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'restored', INFLUX_API: 'v1' });
  const post = (value: number) => send(service.url, 'POST', '/v1/observations', { observations: [{ indicator: IND, region: '331023', period: '2022-06', value }] }, TOKENS.writer);
  const latest = async () => {
    const a = await send(service.url, 'GET', `/v1/series?indicator=${IND}&region=331023`, undefined, TOKENS.reader);
    return { status: a.status, value: a.status === 200 ? a.body.points.at(-1)?.value : null, etag: a.headers.etag };
  };
  t.equal((await post(10)).status, 200);
  // A backup of this state: influxd stopped, its directories copied.
  await influxd.stop();
  const parts = ['meta', 'data', 'wal'];
  for (const part of parts) cpSync(`${influxd.dir}/${part}`, `${influxd.dir}/backup-${part}`, { recursive: true });
  await influxd.start();
  t.equal((await post(20)).status, 200, 'a revision after the backup');
  const cached = await latest();
  t.same([cached.status, cached.value], [200, 20]);
  t.equal((await latest()).etag, cached.etag, 'kept and answered again');

  await influxd.stop('SIGKILL');
  await sleep(400);
  const down = await latest();
  t.equal(down.status, 503, 'while InfluxDB is down, the kept answer is not given as current');
  for (const part of parts) {
    rmSync(`${influxd.dir}/${part}`, { recursive: true, force: true });
    cpSync(`${influxd.dir}/backup-${part}`, `${influxd.dir}/${part}`, { recursive: true });
  }
  await influxd.start();
  const lag = await within(10_000, async () => (await latest()).status === 200);
  t.ok(lag >= 0, `answers again once InfluxDB is back (${lag} ms)`);
  const after = await latest();
  t.same([after.status, after.value], [200, 10], 'what the restored InfluxDB holds, not the answer kept before');
  t.not(after.etag, cached.etag);
  t.equal((await post(20)).body.revised, 1, 'and the revision posted again is a revision of the restored figure');
});

/** Two instances started the plain way (no WRITER_URL) on one database: the writer lease decides. */
async function plainPair(t: Test) {
  const influxd = await sharedInfluxd(t);
  const env = { STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: freshDatabase(), INFLUX_API: 'v1', LOG_LEVEL: 'info' };
  const first = await ServiceProcess.start(t, env);
  const second = await ServiceProcess.start(t, env);
  return { env, first, second };
}

t.test('two instances started the plain way: 20 revisions of one figure at once through both keep every acknowledged version', async (t) => {
  const { first, second } = await plainPair(t);
  t.ok(first.lines.some((l) => l.includes('holds the writer lease')), 'the first says it writes');
  const N = 20;
  const answers = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      send(i % 2 === 0 ? first.url : second.url, 'POST', '/v1/observations', { observations: [{ indicator: IND, region: '331023', period: '2022-06', value: 100 + i }] }, TOKENS.writer),
    ),
  );
  const acked = answers.map((a, i) => ({ a, value: 100 + i })).filter(({ a }) => a.status === 200);
  for (const a of answers) if (a.status !== 200) t.same([a.status, a.body.error], [503, 'not_ready'], 'anything not taken is a clear 503');
  t.equal(acked.length, N, 'here every post is taken: the second forwards to the first');
  t.ok(second.lines.some((l) => l.includes('writes are forwarded to it')), 'the second says it forwards');
  const history = (await send(second.url, 'GET', FIGURE, undefined, TOKENS.reader)).body.versions;
  t.equal(history.length, acked.length, 'every acknowledged version is in the history');
  t.same(history.map((v: { version: number }) => v.version), Array.from({ length: history.length }, (_, i) => i + 1), 'numbered 1 to N, none twice');
  t.same(new Set(history.map((v: { value: number }) => v.value)), new Set(acked.map((x) => x.value)), 'each acknowledged value once');
  // A client cannot write past the writer by saying its request was forwarded.
  const sneaked = await fetch(`${second.url}/v1/observations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/json', 'x-indicators-forwarded': '1' },
    body: JSON.stringify({ observations: [{ indicator: IND, region: '331023', period: '2022-06', value: 1 }] }),
  });
  t.equal(sneaked.status, 503, 'an instance that does not write refuses a request marked forwarded');
  t.match(await sneaked.json(), { error: 'not_ready', details: [{ field: 'writer', message: first.url }] }, 'naming the writer');
});

t.test('the writer killed while the other forwards: 503s with Retry-After, no acknowledged row lost, writes resume once the lease lapses; the restarted one forwards', async (t) => {
  const { env, first, second } = await plainPair(t);
  const acked = new Map<string, number>();
  let refused = 0;
  let retryAfter = true;
  let killedAt = 0;
  let resumedAt = 0;
  const period = (i: number) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  // Bounded: at most 600 posts, about 20 a second, until writes resumed after the kill.
  for (let i = 0; i < 600 && resumedAt === 0; i++) {
    if (i === 20) {
      await first.kill('SIGKILL');
      killedAt = Date.now();
    }
    const answer = await send(second.url, 'POST', '/v1/observations', { observations: [{ indicator: IND, region: '331023', period: period(i), value: i }] }, TOKENS.writer);
    if (answer.status === 200) {
      acked.set(period(i), i);
      if (killedAt > 0) resumedAt = Date.now();
    } else {
      t.same([answer.status, answer.body?.error], [503, 'not_ready'], `post ${i}: a clear 503`);
      retryAfter &&= Number(answer.headers['retry-after']) > 0;
      refused++;
    }
    await sleep(50);
  }
  t.ok(refused > 0, `${refused} posts refused while no instance wrote`);
  t.ok(retryAfter, 'each with Retry-After');
  t.ok(resumedAt > 0, `writes resumed ${resumedAt - killedAt} ms after the writer was killed`);
  t.ok(resumedAt - killedAt < 20_000, 'within seconds of the lease lapsing');
  t.ok(second.lines.some((l) => l.includes('holds the writer lease')), 'the second says it took over');

  const restarted = await ServiceProcess.start(t, env);
  const through = await send(restarted.url, 'POST', '/v1/observations', { observations: [{ indicator: IND, region: '331023', period: '1999-12', value: -1 }] }, TOKENS.writer);
  t.equal(through.status, 200, 'the restarted instance forwards to the one that now writes');
  acked.set('1999-12', -1);
  const points = (await send(restarted.url, 'GET', `/v1/series?indicator=${IND}&region=331023`, undefined, TOKENS.reader)).body.points as Array<{ period: string; value: number }>;
  const stored = new Map(points.map((p) => [p.period, p.value]));
  t.same([...acked].filter(([p, v]) => stored.get(p) !== v), [], `all ${acked.size} acknowledged rows are stored`);
});
