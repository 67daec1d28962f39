/**
 * For random sequences of posts, revisions, withdrawals, release settings
 * and (for an indicator under review, turned on at a random instant)
 * approvals, what a caller sees at any instant equals a simple model
 * computed straight from the operations: the read view over a real store
 * (SQLite, and InfluxDB with fewer runs), behind the memory layer as the
 * service runs it (its kept answers and slices are paths too) and SQLite
 * bare, against a few lines of arithmetic. Both of the view's ways are checked: versions as of an
 * instant, and the current figures (its fast path, taken for a view of
 * the present), the latter after every operation, at every instant until
 * the next, through Views as requests reach it (its memory of settled
 * months included).
 */
import fc from 'fast-check';
import t, { type Test } from 'tap';
import type { Visibility } from '../../src/domain/publication.ts';
import type { Observation } from '../../src/domain/types.ts';
import { ReadView } from '../../src/services/read-view.ts';
import { ChangeWatcher } from '../../src/services/change-watcher.ts';
import { ReleaseCalendar } from '../../src/services/release-calendar.ts';
import { Views } from '../../src/services/views.ts';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { withMemory } from '../../src/store/memory/index.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { tempDir } from '../helpers/tmp.ts';

const REGIONS = ['A', 'B', 'C'];
const PERIODS = ['2022-05', '2022-06'];

type Op =
  | { kind: 'post'; region: string; period: string; value: number }
  | { kind: 'withdraw'; region: string; period: string }
  | { kind: 'release'; period: string; releaseIn: number | null }
  | { kind: 'approve'; period: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('post' as const), region: fc.constantFrom(...REGIONS), period: fc.constantFrom(...PERIODS), value: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), region: fc.constantFrom(...REGIONS), period: fc.constantFrom(...PERIODS) }),
  fc.record({ kind: fc.constant('release' as const), period: fc.constantFrom(...PERIODS), releaseIn: fc.option(fc.integer({ min: -30, max: 60 }), { nil: null }) }),
  fc.record({ kind: fc.constant('approve' as const), period: fc.constantFrom(...PERIODS) }),
);

/** Review off, or on from an instant into the history (versions received before it are public on receipt). */
const reviewFrom = fc.option(fc.integer({ min: 0, max: 100 }), { nil: null });

/** The model: what was applied, at which instant. */
interface Applied {
  at: number;
  op: Op;
}

function modelSees(history: readonly Applied[], audience: Visibility['audience'], at: number, since: number | null): string[] {
  const out: string[] = [];
  for (const period of PERIODS) {
    // When a version received at `r` reaches the public: at once, or at the month's first approval from then on.
    const gate = (r: number) => {
      if (since === null || r < since) return r;
      return history.find((a) => a.op.kind === 'approve' && a.op.period === period && a.at >= r)?.at ?? Number.POSITIVE_INFINITY;
    };
    // The release time in force: the last setting made by then.
    let releaseAt: number | null = null;
    for (const a of history) if (a.at <= at && a.op.kind === 'release' && a.op.period === period) releaseAt = a.op.releaseIn === null ? null : a.at + a.op.releaseIn;
    if (audience === 'public' && releaseAt !== null && at < releaseAt) continue;
    for (const region of REGIONS) {
      let value: number | null = null;
      for (const a of history) {
        if (a.at > at || (a.op.kind !== 'post' && a.op.kind !== 'withdraw') || a.op.region !== region || a.op.period !== period) continue;
        if (audience === 'public' && gate(a.at) > at) continue;
        value = a.op.kind === 'post' ? a.op.value : null;
      }
      if (value !== null) out.push(`${period}|${region}|${value}`);
    }
  }
  return out.sort();
}

const seen = (list: readonly Observation[]) => list.map((o) => `${o.period}|${o.region}|${o.value}`).sort();

async function check(t: Test, open: () => Promise<Store>, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), reviewFrom, async (ops, reviewAfter) => {
      const store = await open();
      try {
        const since = reviewAfter === null ? null : 1_000_000 + reviewAfter;
        const indicator = { code: 'i', name: 'i', unit: 'u', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true, review: since !== null, reviewSince: since, aggregation: 'sum' } as const;
        await store.saveCatalog({ regions: REGIONS.map((code) => ({ code, name: code, parent: null, level: null })), indicators: [indicator] });
        const calendar = new ReleaseCalendar(store, (code) => (code === 'i' ? indicator : undefined));
        // The present as requests see it: through Views (the fast path, and the memory of settled months
        // shared by the views of one version), at a clock this test moves.
        let clock = 0;
        const watcher = new ChangeWatcher(store, { catalog: async () => {}, releases: () => calendar.reload(), failed: (error) => { throw error; } }, 0, () => clock);
        const views = new Views(store, calendar, watcher, 'Asia/Shanghai', () => clock);
        const history: Applied[] = [];
        const present = async (at: number) => {
          clock = at;
          await watcher.fresh();
          for (const [audience, role] of [['public', 'reader'], ['privileged', 'admin']] as const) {
            const view = views.forPrincipal({ role, scope: null });
            const got = seen(await view.slices('i', PERIODS, null));
            const want = modelSees(history, audience, at, since);
            if (JSON.stringify(got) !== JSON.stringify(want)) {
              throw new Error(`${audience} at ${at} (the present): saw ${JSON.stringify(got)}, the model ${JSON.stringify(want)}; review from ${since}; ops ${JSON.stringify(history)}`);
            }
          }
        };
        let now = 1_000_000;
        for (const o of ops) {
          now += 10;
          if (o.kind === 'post') {
            await store.write([{ indicator: 'i', region: o.region, period: o.period, value: o.value, yoy: null, status: null }], { receivedAt: new Date(now), by: 'p' });
            history.push({ at: now, op: o });
          } else if (o.kind === 'withdraw') {
            if ((await store.withdraw({ indicator: 'i', region: o.region, period: o.period }, { receivedAt: new Date(now), by: 'p' })) !== null) history.push({ at: now, op: o });
          } else if (o.kind === 'release') {
            await calendar.set([{ indicator: 'i', period: o.period, setting: { changedAt: now, releaseAt: o.releaseIn === null ? null : now + o.releaseIn, by: 'a' } }]);
            history.push({ at: now, op: o });
          } else {
            await calendar.decide({ indicator: 'i', period: o.period, action: 'approve', at: now, by: 'a', note: null, override: null });
            history.push({ at: now, op: o });
          }
          // Every instant until the next operation, as the present then.
          for (const at of [now, now + 5]) await present(at);
        }
        for (let at = now + 10; at <= now + 70; at += 5) await present(at);
        await calendar.reload();
        // Every instant where something happened, and the ones between.
        for (let at = 1_000_000; at <= now + 70; at += 5) {
          for (const audience of ['public', 'privileged'] as const) {
            const want = modelSees(history, audience, at, since);
            // As of the instant (versions), and, from the last write on, as the present (the current figures where they answer).
            const views = [new ReadView(store, calendar, { audience, at, pinned: true, vintage: 'latest' }, now + 100)];
            if (at >= now) views.push(new ReadView(store, calendar, { audience, at, pinned: false, vintage: 'latest' }, at));
            for (const view of views) {
              const got = seen(await view.slices('i', PERIODS, null));
              if (JSON.stringify(got) !== JSON.stringify(want)) {
                throw new Error(`${audience} at ${at}${view.asOf === undefined ? ' (now)' : ''}: saw ${JSON.stringify(got)}, the model ${JSON.stringify(want)}; review from ${since}; ops ${JSON.stringify(history)}`);
              }
            }
          }
        }
      } finally {
        await store.close();
      }
    }),
    { numRuns: runs },
  );
  t.pass(`${runs} random histories agree with the model`);
}

// Behind the memory layer, as the service runs each store (store/index.ts): its kept answers and slices are paths the model checks too.
t.test('SQLite: the public answer at any instant is the model’s', async (t) => {
  await check(t, async () => withMemory(new SqliteStore(tempDir(t))), 40);
});

t.test('SQLite bare: the same', async (t) => {
  await check(t, async () => new SqliteStore(tempDir(t)), 10);
});

t.test('InfluxDB: the same', async (t) => {
  const influxd = await sharedInfluxd(t);
  const quiet = { warn() {}, info() {} };
  await check(t, async () => withMemory(await InfluxStore.connect({ url: influxd.url, token: undefined, database: freshDatabase(), org: undefined, api: 'v1', timeoutMs: 10_000 }, quiet)), 12);
});
