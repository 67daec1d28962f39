/**
 * The write path under hostile but plausible use (issue 23), on both
 * stores: figures across the whole float range (subnormals, -0, the
 * largest doubles, NaN and infinities as text), names across Unicode
 * (noncharacters, lone surrogates, markup), revisions and withdrawals of
 * the same figures. Every answer is a 2xx or a 4xx; every version a 2xx
 * acknowledged is listed once in history and once in the changes feed; and
 * every chart of the peers renders in every format, its SVG well-formed.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore } from '../helpers/app.ts';
import { xmlFault } from '../helpers/xml.ts';

const IND = 'industrial_investment';
const PARENT = 'WP';
const PEERS = ['WP1', 'WP2', 'WP3', 'WP4'];
const PERIODS = ['2021-01', '2021-02', '2022-01', '2022-02'];
/** Runs of a sequence of operations each, fewer where each write is a round trip to influxd. */
const RUNS = { sqlite: 10, influxdb: 6 };

const edgeNumber = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(5e-324, -5e-324, 0, -0, 2.2250738585072014e-308, 1e-300, 1e15, -1e15, 999999999999999.9, 1.7976931348623157e308, -1.7976931348623157e308, 0.1, 1e-7) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.double({ min: -1e16, max: 1e16, noNaN: true }) },
);
/** JSON cannot carry NaN or Infinity: sent as text, as a spreadsheet might. */
const sentNumber = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 3, arbitrary: edgeNumber.map((n) => (Number.isFinite(n) ? n : String(n))) },
  { weight: 1, arbitrary: fc.constantFrom('NaN', 'Infinity', '1e309', '0x10', '') },
);
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('\uffff', '县\ufffe', '\ufdd0', '\ud800', '\udfff', 'a\u0000b', '<b>&amp;]]>', '\u202e县', '𠀀𪚥', '👩‍👩‍👧', ' 临海市 ', ''),
);

type Op =
  | { kind: 'post'; region: string; period: string; value: unknown; yoy: unknown }
  | { kind: 'withdraw'; region: string; period: string }
  | { kind: 'rename'; region: string; name: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('post' as const), region: fc.constantFrom(...PEERS), period: fc.constantFrom(...PERIODS), value: sentNumber, yoy: fc.option(sentNumber) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), region: fc.constantFrom(...PEERS), period: fc.constantFrom(...PERIODS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), region: fc.constantFrom(...PEERS), name: hostileText }) },
);

async function apply(app: FastifyInstance, o: Op, acknowledged: Map<string, number>): Promise<string | null> {
  const key = `${o.region}|${o.kind === 'rename' ? '' : o.period}`;
  let r;
  if (o.kind === 'post') {
    const row = { indicator: IND, region: o.region, period: o.period, value: o.value, ...(o.yoy === null ? {} : { yoy: o.yoy }) };
    r = await call(app, { method: 'POST', url: '/v1/observations', headers: bearer('writer'), payload: { observations: [row] } });
    if (r.status === 200 && r.body.created + r.body.revised === 1) acknowledged.set(key, (acknowledged.get(key) ?? 0) + 1);
  } else if (o.kind === 'withdraw') {
    r = await call(app, { method: 'DELETE', url: `/v1/observations/${IND}/${o.region}/${o.period}`, headers: bearer('writer') });
    if (r.status === 200) acknowledged.set(key, (acknowledged.get(key) ?? 0) + 1);
  } else {
    r = await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions: [{ code: o.region, name: o.name, parent: PARENT }] } });
  }
  if (r.status >= 500 || r.status < 200) return `${o.kind} ${JSON.stringify(o)} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`;
  return null;
}

/** Every chart of the peers in every format: 200 (or a 4xx that says why), SVG well-formed, PNG a PNG. */
async function chartsProblem(app: FastifyInstance): Promise<string | null> {
  const charts = [
    `/v1/charts/ranking?indicator=${IND}&period=2022-02&parent=${PARENT}`,
    `/v1/charts/ranking?indicator=${IND}&period=2022-02&parent=${PARENT}&by=value`,
    `/v1/charts/trend?indicator=${IND}&region=WP1`,
    `/v1/charts/trend?indicator=${IND}&region=WP2&measure=yoy`,
    `/v1/charts/rank-history?indicator=${IND}&parent=${PARENT}&from=2021-01&to=2022-02`,
    `/v1/charts/scorecard?region=WP3&period=2022-02`,
  ];
  for (const chart of charts) {
    for (const format of ['json', 'svg', 'png']) {
      const url = `${chart}&format=${format}`;
      const r = await app.inject({ method: 'GET', url });
      if (r.statusCode >= 500) return `${url}: ${r.statusCode} ${r.body.slice(0, 300)}`;
      if (r.statusCode !== 200) continue;
      if (format === 'svg') {
        const fault = xmlFault(r.body);
        if (fault !== null) return `${url}: not well-formed: ${fault}`;
      }
      if (format === 'png' && !r.rawPayload.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return `${url}: not a PNG`;
    }
  }
  return null;
}

forEachStore(t, (t, store) => {
  t.test('hostile values, names, revisions and withdrawals: 2xx or 4xx, every acknowledged version kept and listed once, every chart draws', async (t) => {
    const app = await buildTestApp(t, { store, env: { RATE_LIMIT_MAX: '100000000' } });
    const regions = [{ code: PARENT, name: '某市', parent: null }, ...PEERS.map((code) => ({ code, name: code, parent: PARENT }))];
    t.equal((await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions } })).status, 200);
    const since = new Date(Date.now() - 1).toISOString();
    const acknowledged = new Map<string, number>();
    // A figure posted, revised and withdrawn before the random ones: the checks below always have versions to find.
    for (const o of [
      { kind: 'post', region: 'WP1', period: '2021-01', value: 1, yoy: null },
      { kind: 'post', region: 'WP1', period: '2021-01', value: 2, yoy: null },
      { kind: 'withdraw', region: 'WP1', period: '2021-01' },
    ] as Op[]) t.equal(await apply(app, o, acknowledged), null);

    await fc.assert(
      // Steps of one to four operations sent at once: withdrawals and revisions of one figure interleave.
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 1, maxLength: 4 }), { minLength: 3, maxLength: 10 }), async (steps) => {
        for (const step of steps) {
          const problems = (await Promise.all(step.map((o) => apply(app, o, acknowledged)))).filter((p) => p !== null);
          if (problems.length > 0) throw new Error(problems.join('\n'));
        }
        const problem = await chartsProblem(app);
        if (problem !== null) throw new Error(problem);
      }),
      { numRuns: RUNS[store] },
    );

    // Every acknowledged version, once, in history and in the feed (nothing here is embargoed: all are public).
    const listed = new Map<string, number[]>();
    for (let cursor: string | null = null, page = 0; page < 100; page++) {
      const q = new URLSearchParams({ since, indicator: IND, ...(cursor === null ? {} : { cursor }) });
      const r = await call(app, { method: 'GET', url: `/v1/observations/changes?${q}` });
      t.equal(r.status, 200);
      for (const c of r.body.changes) listed.set(`${c.region}|${c.period}`, [...(listed.get(`${c.region}|${c.period}`) ?? []), c.version]);
      cursor = r.body.next;
      if (cursor === null) break;
    }
    let versions = 0;
    for (const [key, count] of acknowledged) {
      const [region, period] = key.split('|') as [string, string];
      const expected = Array.from({ length: count }, (_, i) => i + 1);
      const history = await call(app, { method: 'GET', url: `/v1/observations/history?indicator=${IND}&region=${region}&period=${period}` });
      t.same(history.body.versions.map((v: { version: number }) => v.version), expected, `${key}: every version in history, once`);
      t.ok(history.body.versions.every((v: { publishedAt: string | null }) => v.publishedAt !== null), `${key}: each was public`);
      t.same(listed.get(key) ?? [], expected, `${key}: and in the feed, once`);
      versions += count;
    }
    t.ok(versions >= 3, `${versions} versions acknowledged`);
  });
});
