/**
 * The changes feed's cursor is hostile input (issue 22): whatever a caller
 * passes as `cursor` — forged, edited, truncated, out of range, another
 * caller's, another instance's — it answers only what that caller may see
 * at the request's instant, and a cursor the service did not give is a 400
 * naming `cursor`, never a 5xx.
 */
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post, type Role } from '../helpers/app.ts';

const IND = 'industrial_investment';
const COUNTIES = ['331002', '331003', '331022', '331023'];
/** Values only the embargoed month carries: no public answer may hold them. */
const SECRET_VALUE = 98765.4321;
const SECRET_REVISION = 87654.321;
const SINCE = '2000-01-01T00:00:00Z';

/** Base64url JSON, as the cursor was before it was sealed: what an attacker writes by hand. */
const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function feed(app: FastifyInstance, role: Role | null, query: Record<string, string>) {
  const url = `/v1/observations/changes?${new URLSearchParams({ since: SINCE, ...query })}`;
  return call(app, { method: 'GET', url, headers: role === null ? {} : bearer(role) });
}

/** Nothing of the embargoed month in an answer: no value, version, count or publication time. */
function leaks(body: unknown): string[] {
  const text = JSON.stringify(body);
  const found = [];
  if (text.includes('98765') || text.includes('87654')) found.push('an embargoed value');
  if (text.includes('"2022-06"')) found.push('the embargoed month');
  const now = Date.now();
  for (const c of (body as { changes?: Array<{ publishedAt: string }> }).changes ?? []) if (Date.parse(c.publishedAt) > now) found.push(`publishedAt ${c.publishedAt} in the future`);
  return found;
}

/** Public months, then an embargoed one posted and revised ahead of its release an hour from now. */
async function publishWithEmbargo(app: FastifyInstance) {
  const rows = COUNTIES.flatMap((region, i) => ['2022-04', '2022-05'].map((period) => ({ indicator: IND, region, period, value: 10 + i })));
  t.equal((await post(app, rows)).status, 200);
  const releaseAt = new Date(Date.now() + 3_600_000).toISOString();
  await call(app, { method: 'PUT', url: '/v1/releases', headers: bearer('admin'), payload: { releases: [{ indicator: IND, period: '2022-06', releaseAt }] } });
  await post(app, COUNTIES.map((region) => ({ indicator: IND, region, period: '2022-06', value: SECRET_VALUE })));
  await post(app, [{ indicator: IND, region: '331023', period: '2022-06', value: SECRET_REVISION }]);
}

/** Every cursor of the whole feed walked page by page. */
async function cursorsOf(app: FastifyInstance, role: Role | null, query: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const r = await feed(app, role, { limit: '1', ...query, ...(cursor === null ? {} : { cursor }) });
    t.equal(r.status, 200);
    cursor = r.body.next;
    if (cursor === null) break;
    out.push(cursor);
  }
  return out;
}

forEachStore(t, (t, store) => {
  t.test('forged, replayed and foreign cursors show nothing embargoed and are refused as cursors', async (t) => {
    const app = await buildTestApp(t, { store });
    await publishWithEmbargo(app);
    const far = Date.parse('2100-01-01T00:00:00Z');
    const forged = [
      forge({ since: 0, until: far, at: 0, key: '' }),
      forge({ since: 0, until: 9e15, at: 0, key: '' }),
      forge({ since: -1e20, until: Date.now(), at: 0, key: '' }),
      forge({ since: 946684800000, until: 1e300, at: -5, key: 'x' }),
      forge({ since: 946684800000, until: far, at: 0, key: '', extra: true }),
      forge([1, 946684800000, far, 946684800000, '', null]),
      `${forge([1, 946684800000, far, 946684800000, '', null])}.${'A'.repeat(22)}`,
      forge({}),
      forge(null),
      'e30',
      '.',
      '..',
      'not a cursor',
    ];
    for (const role of [null, 'reader', 'preview'] as const) {
      for (const cursor of forged) {
        const r = await feed(app, role, { cursor });
        t.same([r.status, r.body.error, r.body.details?.[0]?.field], [400, 'validation_failed', 'cursor'], `${role ?? 'anonymous'}: ${cursor.slice(0, 40)} is refused`);
        t.same(leaks(r.body), []);
      }
    }

    // Cursors the service gave, to a privileged caller and the public, replayed by anyone.
    const given = [...(await cursorsOf(app, 'preview')), ...(await cursorsOf(app, 'admin')), ...(await cursorsOf(app, null))];
    t.ok(given.length >= 8, 'pages of one change each');
    for (const role of [null, 'reader'] as const) {
      for (const cursor of given) {
        const r = await feed(app, role, { cursor, limit: '10000' });
        t.equal(r.status, 200);
        t.same(leaks(r.body), [], `${role ?? 'anonymous'} replays a cursor`);
      }
    }
    // A cursor is bound to its query: another since or indicator is refused.
    const one = given[0]!;
    t.equal((await feed(app, null, { cursor: one, since: '2001-01-01T00:00:00Z' })).body.details[0].field, 'cursor');
    t.equal((await feed(app, null, { cursor: one, indicator: IND })).body.details[0].field, 'cursor');
    // Edited: one character of its window or of its seal changed.
    for (const at of [0, 5, one.indexOf('.') + 3]) {
      const edited = one.slice(0, at) + (one[at] === 'A' ? 'B' : 'A') + one.slice(at + 1);
      t.equal((await feed(app, null, { cursor: edited })).status, 400, `edited at ${at}`);
    }
    t.equal((await feed(app, null, { cursor: one.slice(0, -3) })).status, 400, 'truncated');

    // A cursor of another store's service means nothing here.
    const other = await buildTestApp(t, { store });
    await publishWithEmbargo(other);
    const foreign = await cursorsOf(other, null);
    t.ok(foreign.length > 0);
    t.same([(await feed(app, null, { cursor: foreign[0]! })).status, (await feed(app, null, { cursor: foreign[0]! })).body.details[0].field], [400, 'cursor']);
  });

  t.test('another instance on the same store accepts the cursors one gave', async (t) => {
    const first = await buildTestApp(t, { store });
    await publishWithEmbargo(first);
    const cursors = await cursorsOf(first, null);
    const pages = [];
    for (const cursor of cursors) pages.push((await feed(first, null, { cursor, limit: '1' })).body);
    // SQLite: the same data directory after a restart; InfluxDB: a second instance on the same database, at once.
    const env: Record<string, string> = store === 'influxdb' ? { INFLUX_DATABASE: first.config.INFLUX_DATABASE! } : { DATA_DIR: first.config.DATA_DIR };
    if (store === 'sqlite') await first.close();
    // The first holds the writer lease: the second forwards the feed (the writer's) to where it listens.
    else await first.listen({ port: 0, host: '127.0.0.1' });
    const second = await buildTestApp(t, { store, env });
    for (const [i, cursor] of cursors.entries()) {
      const r = await feed(second, null, { cursor, limit: '1' });
      t.equal(r.status, 200, 'accepted');
      t.same(r.body.changes, pages[i].changes, 'the same page');
    }
  });

  t.test('1,000 random and mutated cursors: only 200s and 400s, nothing embargoed', async (t) => {
    const app = await buildTestApp(t, { store });
    await publishWithEmbargo(app);
    const given = await cursorsOf(app, 'preview');
    const json = fc.oneof(
      fc.record({ since: fc.double(), until: fc.double(), at: fc.double(), key: fc.string() }),
      fc.tuple(fc.constantFrom(0, 1, 2), fc.double(), fc.double(), fc.double(), fc.string(), fc.option(fc.string())),
      fc.tuple(fc.constant(1), fc.integer(), fc.integer(), fc.integer(), fc.string(), fc.constant(null)),
      fc.jsonValue(),
    );
    const cursor = fc.oneof(
      fc.string({ maxLength: 200 }),
      json.map((v) => forge(v)),
      json.map((v) => `${forge(v)}.${given[0]!.split('.')[1]}`),
      fc.tuple(fc.constantFrom(...given), fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([c, at, s]) => c.slice(0, at % c.length) + s + c.slice((at % c.length) + 1)),
      fc.tuple(fc.constantFrom(...given), fc.nat()).map(([c, n]) => c.slice(0, n % c.length)),
    );
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(cursor, fc.constantFrom<Role | null>(null, 'reader', 'preview'), async (text, role) => {
        const r = await feed(app, role, { cursor: text });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status !== 200 && r.status !== 400) return false;
        if (r.status === 400 && r.body.details?.[0]?.field !== 'cursor') return false;
        return leaks(r.body).length === 0;
      }),
      { numRuns: 1000 },
    );
    t.ok((statuses.get(400) ?? 0) > 900, `refused: ${JSON.stringify([...statuses])}`);
  });

  t.test('instants at the edges of what a query may say answer 200 or 400', async (t) => {
    const app = await buildTestApp(t, { store });
    await publishWithEmbargo(app);
    for (const since of ['0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '0099-12-31T23:59:59Z', '1969-12-31T23:59:59.999Z', '9999-12-31T23:59:59Z', '2022-01-01T00:00:00+18:00']) {
      for (const until of [undefined, '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z']) {
        const r = await feed(app, null, { since, ...(until === undefined ? {} : { until }) });
        t.ok(r.status === 200 || r.status === 400, `${since} … ${until}: ${r.status}`);
        t.same(leaks(r.body), []);
      }
    }
  });
});
