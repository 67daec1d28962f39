/**
 * The writer lease against a real InfluxDB: instances taking it at once,
 * one releasing it, one dying, one whose renewals fail. Short periods here;
 * the service's own are LEASE_TTL_MS and LEASE_RENEW_MS.
 */
import t, { type Test } from 'tap';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';
import type { LeasePort, LeaseRecord } from '../../src/store/store.ts';
import { WriterLease, type WriteRoute } from '../../src/services/writer-lease.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';

const TTL = 600;
const RENEW = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Said {
  level: string;
  message: string;
}

function logger(said: Said[]) {
  const at = (level: string) => (_details: object, message: string) => void said.push({ level, message });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

async function store(t: Test): Promise<InfluxStore> {
  const influxd = await sharedInfluxd(t);
  const s = await InfluxStore.connect({ url: influxd.url, token: undefined, org: undefined, database: freshDatabase(), api: 'v1', timeoutMs: 10_000 }, { warn: () => {}, info: () => {} });
  t.teardown(() => s.close());
  return s;
}

function lease(t: Test, port: LeasePort, name: string, said: Said[] = []): WriterLease {
  const l = new WriterLease(port, logger(said), { ttlMs: TTL, renewMs: RENEW, holder: name });
  t.teardown(() => l.stop());
  return l;
}

const kinds = (routes: WriteRoute[]) => routes.map((r) => r.kind).sort();

t.test('five instances starting at once: exactly one writes, the others forward to its URL', async (t) => {
  const s = await store(t);
  const all = ['a', 'b', 'c', 'd', 'e'].map((name) => lease(t, s.lease, name));
  await Promise.all(all.map((l, i) => l.advertise(`http://127.0.0.1:${4000 + i}`)));
  await Promise.all(all.map((l) => l.start()));
  // Two may have yielded to each other in a round, and one may have followed an instance that then
  // yielded (its writes then answer 503 there: never written twice): within a few rounds all agree.
  const agreed = async () => {
    const routes = await Promise.all(all.map((l) => l.route()));
    const writer = all.findIndex((l) => l.holding());
    return routes.every((r) => r.kind === 'self' || (r.kind === 'forward' && r.url === `http://127.0.0.1:${4000 + writer}`));
  };
  for (let i = 0; i < 50 && !(await agreed()); i++) {
    t.ok(all.filter((l) => l.holding()).length <= 1, 'never two writers');
    await sleep(RENEW / 2);
  }
  const routes = await Promise.all(all.map((l) => l.route()));
  t.same(kinds(routes), ['forward', 'forward', 'forward', 'forward', 'self'], 'one writer, four forwarding');
  const writer = all.findIndex((l) => l.holding());
  for (const r of routes) if (r.kind === 'forward') t.equal(r.url, `http://127.0.0.1:${4000 + writer}`, 'to the writer’s URL');
  // Over several renewals it stays so: never two writers at any moment looked at.
  for (let i = 0; i < 10; i++) {
    await sleep(RENEW / 2);
    t.equal(all.filter((l) => l.holding()).length, 1, `round ${i}: one writer`);
  }
});

t.test('a writer that stops releases the lease and another takes it within a round', async (t) => {
  const s = await store(t);
  const said: Said[] = [];
  const first = lease(t, s.lease, 'first');
  await first.advertise('http://127.0.0.1:4100');
  await first.start();
  const second = lease(t, s.lease, 'second', said);
  await second.advertise('http://127.0.0.1:4101');
  await second.start();
  t.same([first.holding(), second.holding()], [true, false]);
  t.same(await second.route(), { kind: 'forward', url: 'http://127.0.0.1:4100', holder: 'first' });
  await first.stop();
  const t0 = Date.now();
  for (let i = 0; i < 100 && !second.holding(); i++) await sleep(10);
  t.ok(second.holding(), `the second writes ${Date.now() - t0} ms after the first released`);
  t.ok(Date.now() - t0 < TTL, 'without waiting for the lease to lapse');
  t.ok(said.some((s) => s.level === 'info' && /holds the writer lease/.test(s.message)), 'and says so');
});

t.test('a writer that dies (no release) is replaced once its renewals stop for the lease period, not before', async (t) => {
  const s = await store(t);
  // A holder that renewed once and died: its record stays `held`.
  await s.lease.putLease({ holder: 'dead', url: 'http://127.0.0.1:9', state: 'held', since: 1, renewedAt: Date.now() });
  const said: Said[] = [];
  const next = lease(t, s.lease, 'next', said);
  const t0 = Date.now();
  await next.advertise('http://127.0.0.1:4200');
  await next.start();
  t.same(await next.route(), { kind: 'forward', url: 'http://127.0.0.1:9', holder: 'dead' }, 'first taken as alive: its record is new to this instance');
  for (let i = 0; i < 100 && !next.holding(); i++) await sleep(20);
  const waited = Date.now() - t0;
  t.ok(next.holding(), `replaced after ${waited} ms`);
  t.ok(waited >= TTL, 'not before its renewals stopped for the lease period');
  t.ok(waited < TTL + 4 * RENEW, 'and within a couple of rounds after');
  const records = await s.lease.leases();
  t.same(records.find((r) => r.holder === 'next')?.state, 'held', 'the record says so');
});

t.test('a restarted instance at the address of a dead writer does not wait for it', async (t) => {
  const s = await store(t);
  await s.lease.putLease({ holder: 'old-life', url: 'http://127.0.0.1:4300', state: 'held', since: 1, renewedAt: Date.now() });
  const l = lease(t, s.lease, 'new-life');
  await l.advertise('http://127.0.0.1:4300');
  await l.start();
  t.ok(l.holding(), 'the record at its own address is its previous process');
});

t.test('a writer that sees an earlier live holder yields; one whose renewals fail stops writing until they succeed', async (t) => {
  const s = await store(t);
  const said: Said[] = [];
  let failing = false;
  const flaky: LeasePort = {
    leases: () => (failing ? Promise.reject(new Error('InfluxDB away')) : s.lease.leases()),
    putLease: (r: LeaseRecord) => (failing ? Promise.reject(new Error('InfluxDB away')) : s.lease.putLease(r)),
  };
  const l = lease(t, flaky, 'flaky', said);
  await l.advertise('http://127.0.0.1:4400');
  await l.start();
  t.ok(l.holding());
  failing = true;
  for (let i = 0; i < 100 && l.holding(); i++) await sleep(20);
  const refused = await l.route();
  t.equal(refused.kind, 'refuse', 'writes refused once renewals failed for the lease period');
  t.match(refused, { message: /could not renew/ });
  t.ok(said.some((x) => x.level === 'warn'), 'the failures logged');
  failing = false;
  for (let i = 0; i < 100 && !l.holding(); i++) await sleep(20);
  t.same(await l.route(), { kind: 'self' }, 'and taken again once InfluxDB answers');

  // Another instance's `held` record that took the lease earlier, renewed: the writer yields to it.
  const other = { holder: 'aaa-earlier', url: 'http://127.0.0.1:4401', state: 'held' as const, since: 1 };
  const renew = setInterval(() => void s.lease.putLease({ ...other, renewedAt: Date.now() }).catch(() => {}), RENEW / 2);
  t.teardown(() => clearInterval(renew));
  for (let i = 0; i < 100 && l.holding(); i++) await sleep(20);
  t.same(await l.route(), { kind: 'forward', url: 'http://127.0.0.1:4401', holder: 'aaa-earlier' }, 'yielded to the earlier holder');
  t.ok(said.some((x) => x.level === 'error' && /held the writer lease too/.test(x.message)), 'logged as an error');
  clearInterval(renew);
});
