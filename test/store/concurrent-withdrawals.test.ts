/**
 * Revisions and withdrawals of one figure fired at once (issue 23, item 3):
 * every acknowledged version is kept once, receive times grow with the
 * version number, and every version is published and in the changes feed.
 * A version received "before" its predecessor would be superseded at once
 * (domain/publication.ts) and vanish from the public history and the feed.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { publicationTimes, type StoredVersion } from '../../src/domain/publication.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';
import { tempDir } from '../helpers/tmp.ts';
import { allocateRows } from '../../src/store/sqlite/encoding.ts';
import { periodToInt, prepareDatabase, WRITER_CACHE_KIB } from '../../src/store/sqlite/schema.ts';
import { Writer } from '../../src/store/sqlite/writer.ts';

const IND = 'industrial_investment';
const REGION = '331002';
const PERIOD = '2022-06';
const FIGURE = { indicator: IND, region: REGION, period: PERIOD };
const REVISIONS = 50;
const WITHDRAWALS = 50;
/**
 * How the 100 requests are fired, all before any is answered: in one
 * synchronous loop (every withdrawal reaches the store before any batch has
 * been parsed, so most find nothing current), or one event-loop turn or a
 * millisecond apart (batches and withdrawals reach the writer interleaved,
 * as over a network).
 */
const FIRINGS = {
  'at once': null,
  'one turn apart': () => new Promise<void>((resolve) => setImmediate(resolve)),
  'a millisecond apart': () => new Promise<void>((resolve) => setTimeout(resolve, 1)),
} as const;
const q = new URLSearchParams({ indicator: IND, region: REGION, period: PERIOD });

interface HistoryVersion {
  version: number;
  action: 'I' | 'D';
  value: number | null;
  receivedAt: string;
  publishedAt: string | null;
}

/** Until the wall clock has passed `at` (ms): a receive time stamped ahead of it is not yet a publication. */
async function passed(at: number): Promise<void> {
  while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, 5));
}

forEachStore(t, (t, store) => {
  for (const [firing, turn] of Object.entries(FIRINGS)) {
    t.test(`50 revisions and 50 withdrawals of one figure, fired ${firing}: every acknowledged version kept, published and fed`, async (t) => {
      const app = await buildTestApp(t, { store });
      const since = new Date(Date.now() - 1000).toISOString();
      const first = await post(app, [{ ...FIGURE, value: 1 }]);
      t.equal(first.status, 200);
      t.equal(first.body.created, 1);

      // Interleaved: a withdrawal, then a revision (re-posting the figure if withdrawn), and so on; each value differs.
      const calls = [];
      for (let i = 0; i < REVISIONS + WITHDRAWALS; i++) {
        calls.push(
          i % 2 === 0
            ? call(app, { method: 'DELETE', url: `/v1/observations/${IND}/${REGION}/${PERIOD}`, headers: bearer('writer') }).then((r) => ({ kind: 'D' as const, ...r }))
            : post(app, [{ ...FIGURE, value: 1000 + i }]).then((r) => ({ kind: 'I' as const, ...r })),
        );
        if (turn !== null) await turn();
      }
      const answers = await Promise.all(calls);

      const withdrawals: number[] = [];
      const odd: unknown[] = [];
      let posted = 0;
      for (const a of answers) {
        if (a.kind === 'D' && a.status === 200 && a.body.withdrawn === true && Number.isInteger(a.body.version)) withdrawals.push(a.body.version as number);
        else if (a.kind === 'D' && a.status === 404) continue; // nothing current to withdraw at its turn
        else if (a.kind === 'I' && a.status === 200 && a.body.unchanged === 0 && a.body.created + a.body.revised === 1) posted++;
        else odd.push({ kind: a.kind, status: a.status, body: a.body });
      }
      t.same(odd, [], 'each withdrawal 200 {withdrawn, version} or 404; each revision a 200 storing one new version');
      t.ok(withdrawals.length > 0, `withdrawals acknowledged: ${withdrawals.length}`);
      t.equal(new Set(withdrawals).size, withdrawals.length, 'no two withdrawals answered the same version');
      const total = 1 + posted + withdrawals.length;

      const privileged = await call(app, { method: 'GET', url: `/v1/observations/history?${q}`, headers: bearer('admin') });
      t.equal(privileged.status, 200);
      const versions = privileged.body.versions as HistoryVersion[];
      t.same(
        versions.map((v) => v.version),
        Array.from({ length: total }, (_, i) => i + 1),
        'every version once, numbered 1.. in order: the first post, each revision and each acknowledged withdrawal',
      );
      t.same(
        versions.filter((v) => v.action === 'D').map((v) => v.version).sort((a, b) => a - b),
        [...withdrawals].sort((a, b) => a - b),
        'the withdrawals in history are exactly the acknowledged ones',
      );
      const backwards = versions.slice(1).filter((v, i) => Date.parse(v.receivedAt) <= Date.parse(versions[i]!.receivedAt));
      t.same(
        backwards.map((v) => v.version),
        [],
        'receive times strictly increase with the version number',
      );

      // Receive times may run a few ms ahead of the wall clock (strictly increasing stamps): read once they are past.
      await passed(Math.max(...versions.map((v) => Date.parse(v.receivedAt))));

      // Nothing is embargoed: every figure is public on receipt, so every withdrawal withdraws a public figure and is public too.
      const again = await call(app, { method: 'GET', url: `/v1/observations/history?${q}`, headers: bearer('admin') });
      const unpublished = (again.body.versions as HistoryVersion[]).filter((v) => v.publishedAt === null).map((v) => `${v.version}${v.action}`);
      t.same(unpublished, [], 'every version has a publication time (privileged history)');

      const open = await call(app, { method: 'GET', url: `/v1/observations/history?${q}` });
      t.equal(open.status, 200);
      const publicVersions = open.body.versions as HistoryVersion[];
      t.same(
        publicVersions.map((v) => v.version),
        Array.from({ length: total }, (_, i) => i + 1),
        'the public history lists every version once, withdrawals included',
      );
      t.ok(
        publicVersions.every((v) => v.publishedAt !== null),
        'each with a publication time',
      );

      const feed = await call(app, { method: 'GET', url: `/v1/observations/changes?since=${since}` });
      t.equal(feed.status, 200);
      t.equal(feed.body.next, null, 'one page');
      const changes = (feed.body.changes as Array<{ indicator: string; region: string; period: string; version: number; action: string }>).filter(
        (c) => c.indicator === IND && c.region === REGION && c.period === PERIOD,
      );
      t.same(
        changes.map((c) => c.version).sort((a, b) => a - b),
        Array.from({ length: total }, (_, i) => i + 1),
        'the changes feed lists every public version once',
      );
      t.same(
        changes.filter((c) => c.action === 'D').map((c) => c.version).sort((a, b) => a - b),
        [...withdrawals].sort((a, b) => a - b),
        'its withdrawals are the acknowledged ones',
      );
    });
  }
});

/**
 * Deterministic, on the SQLite store itself: a withdrawal that waits for the
 * writer, then a batch queued behind it. The batch gets the later version,
 * so it must get the later receive time, whenever each was asked for.
 */
t.test('sqlite: a batch queued behind a withdrawal is received after it', async (t) => {
  const store = new SqliteStore(tempDir(t));
  t.teardown(() => store.close());
  await store.saveCatalog({
    regions: [{ code: 'R', name: '区', parent: null, level: 'province' }],
    indicators: [{ code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: false, review: false, reviewSince: null, aggregation: 'sum' }],
    groups: [],
  });
  const key = { indicator: 'inv', region: 'R', period: '2022-06' };
  const row = (value: number) => ({ ...key, value, yoy: null, status: null });
  t.same(await store.write([row(1)], { by: 'a' }), { created: 1, revised: 0, unchanged: 0 });

  // A holds the writer; the withdrawal queues next; then B is begun (and, on the old code, stamped) behind it.
  const a = store.beginWrite({ by: 'a' });
  a.add([row(2)]);
  const withdrawal = store.withdraw(key, { by: 'w' });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const b = store.beginWrite({ by: 'b' });
  b.add([row(3)]);
  await new Promise((resolve) => setTimeout(resolve, 5));
  t.same(await a.commit(), { created: 0, revised: 1, unchanged: 0 });
  t.equal(await withdrawal, 3, 'the withdrawal is version 3');
  t.same(await b.commit(), { created: 1, revised: 0, unchanged: 0 }, 'B posts the figure again');

  const history: StoredVersion[] = await store.history(key);
  t.same(history.map((v) => [v.version, v.by, v.withdrawn]), [[1, 'a', false], [2, 'a', false], [3, 'w', true], [4, 'b', false]]);
  for (let i = 1; i < history.length; i++) {
    t.ok(history[i]!.receivedAt > history[i - 1]!.receivedAt, `version ${i + 1} is received after version ${i}`);
  }
  const published = publicationTimes(history, undefined, Number.POSITIVE_INFINITY);
  t.same(published.filter((v) => v.publishedAt === null).map((v) => v.version), [], 'every version, the withdrawal included, is published');
});

/** The writer's clock on its own: a wall clock that stands still or steps back never makes a later version received earlier. */
t.test('sqlite writer: receive times stamped in its transactions strictly increase with the version', async (t) => {
  const db = new Database(join(tempDir(t), 'writer.sqlite'));
  t.teardown(() => db.close());
  prepareDatabase(db, WRITER_CACHE_KIB);
  let now = 10_000;
  const writer = new Writer(db, () => now);
  writer.saveCatalog({
    regions: [{ code: 'R', name: '区', parent: null, level: 'province' }],
    indicators: [{ code: 'inv', name: '投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: false, review: false, reviewSince: null, aggregation: 'sum' }],
  });
  const indicator = db.prepare("SELECT id FROM indicators WHERE code = 'inv'").pluck().get() as number;
  const region = db.prepare("SELECT id FROM regions WHERE code = 'R'").pluck().get() as number;
  const period = periodToInt('2022-06');
  const batch = (value: number, given: number | null = null) => {
    const stamped = writer.begin(given, 'b', false);
    const rows = allocateRows(1);
    rows.indicator[0] = indicator;
    rows.period[0] = period;
    rows.region[0] = region;
    rows.value[0] = value;
    rows.yoy[0] = Number.NaN;
    writer.insert(rows);
    writer.commit();
    return stamped;
  };

  t.equal(batch(1), 10_000, 'stamped now');
  now = 9_000; // the wall clock steps back
  t.equal(writer.withdraw(indicator, period, region, null, 'w'), 2);
  t.equal(batch(2), 10_002, 'after the withdrawal, whatever the wall clock says');
  t.equal(writer.withdraw(indicator, period, region, null, 'w'), 4);
  t.equal(writer.withdraw(indicator, period, region, null, 'w'), null, 'nothing current: no version');
  t.equal(batch(3), 10_005, 'a withdrawal that numbered nothing still used its stamp; later ones stay after it');
  now = 20_000;
  t.equal(batch(4), 20_000, 'now again once the wall clock is ahead');
  t.equal(batch(5, 1_234), 1_234, "a caller's receive time is kept as given");

  const stored = db
    .prepare('SELECT version, received_at, withdrawn FROM revisions UNION ALL SELECT version, received_at, withdrawn FROM observations ORDER BY version')
    .raw()
    .all() as Array<[number, number, number]>;
  t.same(stored, [
    [1, 10_000, 0],
    [2, 10_001, 1],
    [3, 10_002, 0],
    [4, 10_003, 1],
    [5, 10_005, 0],
    [6, 20_000, 0],
    [7, 1_234, 0],
  ]);
});
