/**
 * Another instance's writes known by what they changed (the per-indicator
 * change marks, publication-lines.ts; the rule in memory/trust.ts): on a
 * real influxd, two instances behind the memory layer on one database. A
 * figure kept by one stays while the other writes another indicator, and
 * goes once the other writes its own.
 */
import t, { type Test } from 'tap';
import type { Observation } from '../../src/domain/types.ts';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';
import { AnswerMemory, Trust, trustOf, withMemory } from '../../src/store/memory/index.ts';
import type { Store } from '../../src/store/store.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';

const quiet = { warn() {}, info() {} };
const meta = { by: 't' };
const obs = (indicator: string, region: string, value: number, period = '2024-01'): Observation => ({ indicator, region, period, value, yoy: null, status: null });
const indicator = (code: string) => ({ code, name: code, unit: 'u', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: false, review: false, reviewSince: null, aggregation: 'sum' }) as const;

async function twoInstances(t: Test) {
  const influxd = await sharedInfluxd(t);
  const database = freshDatabase();
  const connect = () => InfluxStore.connect({ url: influxd.url, token: undefined, database, org: undefined, api: 'v1', timeoutMs: 10_000 }, quiet);
  const a = withMemory(await connect());
  const answers = new AnswerMemory(new Trust(250));
  const b = withMemory(await connect(), { answers });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  await a.saveCatalog({ regions: ['R1', 'R2'].map((code) => ({ code, name: code, parent: null, level: null })), indicators: [indicator('x'), indicator('y')] });
  await a.write([obs('x', 'R1', 1), obs('y', 'R1', 10)], meta);
  await b.changes();
  // Behind both instances' backs, marking nothing: only what is read afresh shows it.
  const sneak = async (line: string) => {
    const answer = await fetch(`${influxd.url}/write?db=${database}&precision=s`, { method: 'POST', body: line });
    t.equal(answer.status, 204, 'raw write');
  };
  return { a, b, answers, sneak };
}

const value = async (store: Store, code: string) => (await store.slices(code, ['2024-01'], ['R1']))[0]?.value;
const JAN = 1_704_067_200; // 2024-01-01T00:00:00Z

t.test('another instance writing one indicator leaves what this one keeps of the others', async (t) => {
  const { a, b, answers, sneak } = await twoInstances(t);
  t.same([await value(b, 'x'), await value(b, 'y')], [1, 10]);
  t.same((await b.series('y', 'R1', null, null)).map((o) => o.value), [10]);
  // Changed under both, with no mark: a kept month goes on answering what was read.
  await sneak(`observation,indicator=y,region=R1 value=99 ${JAN}\nobservation,indicator=x,region=R1 value=98 ${JAN}`);
  const trust = trustOf(b)!;
  await b.changes();
  const [x0, y0] = [trust.versionOf('x'), trust.versionOf('y')];

  await a.write([obs('x', 'R1', 2)], meta);
  await b.changes();
  t.equal(await value(b, 'y'), 10, 'y kept: another instance wrote x only');
  const misses = answers.misses;
  t.same((await b.series('y', 'R1', null, null)).map((o) => o.value), [10]);
  t.equal(answers.misses, misses, "y's series answered from memory");
  t.equal(await value(b, 'x'), 2, "x read again: the other instance's figure");
  t.equal(trust.versionOf('y'), y0, "the response cache's version of y did not move");
  t.not(trust.versionOf('x'), x0, "x's did");

  await a.write([obs('y', 'R1', 11)], meta);
  await b.changes();
  t.equal(await value(b, 'y'), 11, 'y read again once the other instance wrote it');
  t.same((await b.series('y', 'R1', null, null)).map((o) => o.value), [11]);
});

t.test("a write of another instance's that changes no figure keeps figures; the response cache's versions move", async (t) => {
  const { a, b, sneak } = await twoInstances(t);
  t.equal(await value(b, 'y'), 10);
  await sneak(`observation,indicator=y,region=R1 value=99 ${JAN}`);
  const trust = trustOf(b)!;
  await b.changes();
  const before = trust.epoch();
  await a.saveTargets([{ indicator: 'y', region: 'R1', year: 2024, kind: 'value', value: 100 }]);
  await b.changes();
  const after = trust.epoch();
  t.equal(await value(b, 'y'), 10, 'figures kept: targets change none');
  t.not(after, before, 'answers that may depend on targets are computed afresh');
});

t.test('a change nobody marked (a script rewriting the marker alone) drops everything', async (t) => {
  const { b, sneak } = await twoInstances(t);
  t.equal(await value(b, 'y'), 10);
  await sneak(`observation,indicator=y,region=R1 value=99 ${JAN}\nchange data="script-1" 0`);
  await b.changes();
  t.equal(await value(b, 'y'), 99, 'read again');
});

t.test("this instance's own write last, another's before it: the other's indicator still goes", async (t) => {
  const { a, b } = await twoInstances(t);
  t.same([await value(b, 'x'), await value(b, 'y')], [1, 10]);
  await a.write([obs('y', 'R1', 12)], meta);
  await b.write([obs('x', 'R1', 3)], meta);
  await b.changes();
  t.same([await value(b, 'x'), await value(b, 'y')], [3, 12], "its own figure as written, the other's read again");
});
