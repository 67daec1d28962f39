/**
 * Issue 23, item 6: a catalog that blocks everything. A 20,000-deep chain
 * of parents in one PUT held the service for over a minute (every region's
 * chain walked on its own); the tree is now bounded at MAX_REGION_DEPTH
 * levels and checked in one pass. A flat catalog of 100,000 regions stays
 * quick too.
 */
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { MAX_REGION_DEPTH } from '../../src/domain/hierarchy.ts';
import { MAX_ERROR_DETAILS } from '../../src/errors.ts';
import { bearer, buildTestApp, call, forEachStore } from '../helpers/app.ts';

const put = (app: FastifyInstance, regions: unknown[]) => call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions } });
const chain = (prefix: string, n: number, top: string | null = null) =>
  Array.from({ length: n }, (_, i) => ({ code: `${prefix}${i}`, name: `${prefix}${i}`, parent: i === 0 ? top : `${prefix}${i - 1}` }));

/** The longest the event loop stood still while `work` ran (a timer asks every 5 ms). */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number; ms: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  const start = performance.now();
  try {
    const result = await work();
    const end = performance.now();
    stallMs = Math.max(stallMs, end - last);
    return { result, stallMs, ms: end - start };
  } finally {
    clearInterval(timer);
  }
}

t.test('the limit is a catalog of at most 32 levels', async (t) => {
  t.equal(MAX_REGION_DEPTH, 32);
});

forEachStore(t, (t, store) => {
  t.test('a 20,000-deep chain is refused at once, naming the rows, the field and the limit', async (t) => {
    const app = await buildTestApp(t, { store });
    const regions = chain('R', 20_000);
    // /healthz asked while the PUT is being checked: it must not wait for it.
    const health = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      const started = performance.now();
      const answer = await call(app, { method: 'GET', url: '/healthz' });
      return { status: answer.status, ms: performance.now() - started };
    })();
    const { result: r, ms, stallMs } = await longestStall(() => put(app, regions));
    t.equal(r.status, 400, 'refused');
    t.equal(r.body.error, 'validation_failed');
    t.same(r.body.details[0], {
      row: 33,
      field: 'parent',
      message: `parent R31 puts R32 at level 33: a catalog has at most ${MAX_REGION_DEPTH} levels (a region without a parent is level 1)`,
    }, 'the first region past the limit, by row and field, with the limit');
    t.equal(r.body.details.length, MAX_ERROR_DETAILS, 'the first 1,000 rows past the limit');
    t.equal(r.body.detailsTotal, 20_000 - MAX_REGION_DEPTH, 'and how many there were');
    t.ok(ms < 10_000, `answered in ${Math.round(ms)} ms (it took 33 to 68 s)`);
    t.ok(stallMs < 5_000, `the event loop stood still at most ${Math.round(stallMs)} ms`);
    const healthz = await health;
    t.equal(healthz.status, 200);
    t.ok(healthz.ms < 5_000, `/healthz answered in ${Math.round(healthz.ms)} ms meanwhile`);
    t.equal((await call(app, { method: 'GET', url: '/v1/regions' })).body.regions.length, 11, 'nothing stored');
  });

  t.test('32 levels are taken; a 33rd, in this batch or later, is refused', async (t) => {
    const app = await buildTestApp(t, { store });
    t.same((await put(app, chain('L', MAX_REGION_DEPTH))).body, { upserted: MAX_REGION_DEPTH });
    const r = await put(app, [{ code: 'Lx', name: 'deeper', parent: `L${MAX_REGION_DEPTH - 1}` }]);
    t.equal(r.status, 400);
    t.same(r.body.details, [{ row: 1, field: 'parent', message: `parent L31 puts Lx at level 33: a catalog has at most ${MAX_REGION_DEPTH} levels (a region without a parent is level 1)` }]);
    // Under the default catalog's counties (level 3), 29 more levels fit.
    t.equal((await put(app, chain('K', 29, '331023'))).status, 200, 'a county may have 29 levels below it');
    t.equal((await put(app, [{ code: 'K29', name: 'K29', parent: 'K28' }])).status, 400, 'not 30');
  });

  t.test('a batch that moves stored regions below the limit is refused at the row that moves them', async (t) => {
    const app = await buildTestApp(t, { store });
    t.equal((await put(app, chain('D', 20))).status, 200);
    t.equal((await put(app, chain('E', 20))).status, 200);
    const before = (await call(app, { method: 'GET', url: '/v1/regions' })).body;
    const r = await put(app, [{ code: 'X', name: 'X' }, { code: 'E0', name: 'E0', parent: 'D19' }]);
    t.equal(r.status, 400);
    t.same(r.body.details.map((d: any) => [d.row, d.field]), [[2, 'parent']], 'one detail, for the row that moves E0');
    t.match(r.body.details[0].message, /^parent D19 puts E12, stored below E0, at level 33: a catalog has at most 32 levels/);
    t.same((await call(app, { method: 'GET', url: '/v1/regions' })).body, before, 'nothing stored');
    // Moving the same subtree higher is fine.
    t.equal((await put(app, [{ code: 'E0', name: 'E0', parent: 'D5' }])).status, 200, 'E19 at level 26');
  });

  t.test('cycles, however long, are found in one pass', async (t) => {
    const app = await buildTestApp(t, { store });
    const ring = chain('C', 20_000, 'C19999');
    const { result: r, ms } = await longestStall(() => put(app, ring));
    t.equal(r.status, 400);
    t.same(r.body.details[0], { row: 1, field: 'parent', message: 'parent C19999 makes a cycle: C0 would be its own ancestor' });
    t.equal(r.body.detailsTotal, 20_000, 'every region of the ring');
    t.ok(ms < 10_000, `answered in ${Math.round(ms)} ms`);

    const below = await put(app, [
      { code: 'A', name: 'A', parent: 'B' },
      { code: 'B', name: 'B', parent: 'A' },
      { code: 'U', name: 'U', parent: 'A' },
      { code: 'V', name: 'V', parent: 'U' },
    ]);
    t.same(
      below.body.details.map((d: any) => [d.row, d.message]),
      [
        [1, 'parent B makes a cycle: A would be its own ancestor'],
        [2, 'parent A makes a cycle: B would be its own ancestor'],
        [3, 'parent A is in a cycle: U would have no top region'],
        [4, 'parent U is in a cycle: V would have no top region'],
      ],
      'regions below a cycle are named as such',
    );
    // A stored region turned into a cycle by the batch.
    t.equal((await put(app, chain('S', 3))).status, 200);
    const closing = await put(app, [{ code: 'S0', name: 'S0', parent: 'S2' }]);
    t.same(closing.body.details, [{ row: 1, field: 'parent', message: 'parent S2 makes a cycle: S0 would be its own ancestor' }]);
  });

  t.test('a flat catalog of 60,000 regions under one parent stays quick', async (t) => {
    const app = await buildTestApp(t, { store });
    let slowest = 0;
    let stalled = 0;
    // At most 20,000 entries a request (MAX_CATALOG_BATCH): three of them.
    for (let batch = 0; batch < 3; batch++) {
      const regions = Array.from({ length: 20_000 }, (_, i) => ({ code: `F${batch * 20_000 + i}`, name: `F${i}`, parent: '330000' }));
      const { result: r, ms, stallMs } = await longestStall(() => put(app, regions));
      t.same(r.body, { upserted: 20_000 }, `batch ${batch + 1}`);
      slowest = Math.max(slowest, ms);
      stalled = Math.max(stalled, stallMs);
    }
    t.ok(slowest < 60_000, `the slowest PUT took ${Math.round(slowest)} ms`);
    t.ok(stalled < 5_000, `the event loop stood still at most ${Math.round(stalled)} ms`);
    const { result: regions, ms } = await longestStall(() => call(app, { method: 'GET', url: '/v1/regions' }));
    t.equal(regions.body.regions.length, 60_011);
    t.ok(ms < 10_000, `listed in ${Math.round(ms)} ms`);
    const health = await longestStall(() => call(app, { method: 'GET', url: '/healthz' }));
    t.ok(health.ms < 1_000, '/healthz at once afterwards');
  });
});
