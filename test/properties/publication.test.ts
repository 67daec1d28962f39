/**
 * For random sequences of posts, revisions, withdrawals and release
 * settings, what a caller sees at any instant equals a simple model
 * computed straight from the operations: the read view over a real store
 * (SQLite, and InfluxDB with fewer runs) against a few lines of arithmetic.
 */
import fc from 'fast-check';
import t, { type Test } from 'tap';
import type { Visibility } from '../../src/domain/publication.ts';
import type { Observation } from '../../src/domain/types.ts';
import { ReadView } from '../../src/services/read-view.ts';
import { ReleaseCalendar } from '../../src/services/release-calendar.ts';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { tempDir } from '../helpers/tmp.ts';

const REGIONS = ['A', 'B', 'C'];
const PERIODS = ['2022-05', '2022-06'];

type Op =
  | { kind: 'post'; region: string; period: string; value: number }
  | { kind: 'withdraw'; region: string; period: string }
  | { kind: 'release'; period: string; releaseIn: number | null };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('post' as const), region: fc.constantFrom(...REGIONS), period: fc.constantFrom(...PERIODS), value: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), region: fc.constantFrom(...REGIONS), period: fc.constantFrom(...PERIODS) }),
  fc.record({ kind: fc.constant('release' as const), period: fc.constantFrom(...PERIODS), releaseIn: fc.option(fc.integer({ min: -30, max: 60 }), { nil: null }) }),
);

/** The model: what was applied, at which instant. */
interface Applied {
  at: number;
  op: Op;
}

function modelSees(history: readonly Applied[], audience: Visibility['audience'], at: number): string[] {
  const out: string[] = [];
  for (const period of PERIODS) {
    // The release time in force: the last setting made by then.
    let releaseAt: number | null = null;
    for (const a of history) if (a.at <= at && a.op.kind === 'release' && a.op.period === period) releaseAt = a.op.releaseIn === null ? null : a.at + a.op.releaseIn;
    if (audience === 'public' && releaseAt !== null && at < releaseAt) continue;
    for (const region of REGIONS) {
      let value: number | null = null;
      for (const a of history) {
        if (a.at > at || a.op.kind === 'release' || a.op.region !== region || a.op.period !== period) continue;
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
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
      const store = await open();
      try {
        await store.saveCatalog({
          regions: REGIONS.map((code) => ({ code, name: code, parent: null, level: null })),
          indicators: [{ code: 'i', name: 'i', unit: 'u', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true }],
        });
        const calendar = new ReleaseCalendar(store);
        const history: Applied[] = [];
        let now = 1_000_000;
        for (const o of ops) {
          now += 10;
          if (o.kind === 'post') {
            await store.write([{ indicator: 'i', region: o.region, period: o.period, value: o.value, yoy: null, status: null }], { receivedAt: new Date(now), by: 'p' });
            history.push({ at: now, op: o });
          } else if (o.kind === 'withdraw') {
            if ((await store.withdraw({ indicator: 'i', region: o.region, period: o.period }, { receivedAt: new Date(now), by: 'p' })) !== null) history.push({ at: now, op: o });
          } else {
            await calendar.set([{ indicator: 'i', period: o.period, setting: { changedAt: now, releaseAt: o.releaseIn === null ? null : now + o.releaseIn, by: 'a' } }]);
            history.push({ at: now, op: o });
          }
        }
        await calendar.reload();
        // Every instant where something happened, and the ones between.
        for (let at = 1_000_000; at <= now + 70; at += 5) {
          for (const audience of ['public', 'privileged'] as const) {
            const view = new ReadView(store, calendar, { audience, at, pinned: true, vintage: 'latest' }, now + 100);
            const got = seen(await view.slices('i', PERIODS, null));
            const want = modelSees(history, audience, at);
            if (JSON.stringify(got) !== JSON.stringify(want)) {
              throw new Error(`${audience} at ${at}: saw ${JSON.stringify(got)}, the model ${JSON.stringify(want)}; ops ${JSON.stringify(history)}`);
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

t.test('SQLite: the public answer at any instant is the model’s', async (t) => {
  await check(t, async () => new SqliteStore(tempDir(t)), 40);
});

t.test('InfluxDB: the same', async (t) => {
  const influxd = await sharedInfluxd(t);
  const quiet = { warn() {}, info() {} };
  await check(t, () => InfluxStore.connect({ url: influxd.url, token: undefined, database: freshDatabase(), org: undefined, api: 'v1', timeoutMs: 10_000 }, quiet), 12);
});
