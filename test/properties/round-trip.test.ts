/**
 * Text that would break a query built by pasting values (quotes,
 * backslashes, comment markers, placeholders) comes back exactly as sent,
 * on both stores: queries and writes take values as bound parameters and
 * escaped line protocol, never as query text.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { FREE_TEXT_PATTERN } from '../../src/schemas/common.ts';
import { TOKENS, bearer, buildTestApp, forEachStore } from '../helpers/app.ts';
import { inject } from './generators.ts';

const admin = bearer('admin');
const NASTY = ["'", '"', '\\', '--', '/* */', '#', ';', '`', '$1', '%s', '{}', '中文', '😀', "' OR '1'='1", '"; DROP MEASUREMENT observation; --', '$region_0', '\\"', "\\'"];
/** Every fragment at once, ending in a backslash (the escape a pasted string would lose). */
const ALL = NASTY.join(' ');

const PARENT = 'P.arent_1-x';
const CHILDREN = ['C.h_i-1', 'c-2.x_y', `a${'._-'.repeat(21)}`];
const GROUP = 'G.r_p-1';
const INDICATOR = 'I.n_d-1';
const regions = [
  { code: PARENT, name: `台州 ${ALL} \\`, parent: '330000', level: `市'"\\--/* */#;\`$1%s{}😀\\` },
  ...CHILDREN.map((code, i) => ({ code, name: `县${i} ${ALL} 末尾\\`, parent: PARENT, level: `county'"\\;--#\`${i}\\` })),
];
const groups = [{ code: GROUP, name: `组 ${ALL}\\`, members: CHILDREN }];
const indicators = [
  { code: INDICATOR, name: `指标 ${ALL}\\`, unit: `亿元'"\\;--#\`$1%s{}😀\\`, basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true, review: false, aggregation: 'none' },
];
/** As read back: when review began is the service's to say (none while it is off). */
const indicatorsRead = indicators.map(({ aggregation, ...i }) => ({ ...i, reviewSince: null, aggregation }));

async function json(app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers = admin) {
  const r = await inject(app, { method, url, headers, ...(payload === undefined ? {} : { payload }) });
  return { status: r.statusCode, body: r.headers['content-type']?.toString().includes('json') ? r.json() : r.body };
}

const byCode = <T extends { code: string }>(list: T[], codes: readonly string[]) => codes.map((c) => list.find((e) => e.code === c));

forEachStore(t, (t, store) => {
  t.test('every free-text field and code survives writes, reads, rankings and reports', async (t) => {
    const app = await buildTestApp(t, { store, env: { RATE_LIMIT_MAX: '100000000' } });
    for (const [url, body] of [['/v1/regions', { regions }], ['/v1/groups', { groups }], ['/v1/indicators', { indicators }]] as const) {
      const r = await json(app, 'PUT', url, body);
      t.same([r.status, r.body], [200, { upserted: Object.values(body)[0]!.length }], `PUT ${url}`);
    }
    const codes = regions.map((r) => r.code);
    const catalog = await app.store.loadCatalog();
    for (const source of ['GET', 'store'] as const) {
      const got =
        source === 'GET'
          ? { regions: (await json(app, 'GET', '/v1/regions')).body.regions, groups: (await json(app, 'GET', '/v1/groups')).body.groups, indicators: (await json(app, 'GET', '/v1/indicators')).body.indicators }
          : catalog;
      t.same(byCode(got.regions, codes), regions, `${source}: regions exactly as sent`);
      t.same(byCode(got.groups, [GROUP]), groups, `${source}: the group exactly as sent`);
      t.same(byCode(got.indicators, [INDICATOR]), indicatorsRead, `${source}: the indicator exactly as sent`);
    }

    const rows = CHILDREN.flatMap((region, i) => [
      { indicator: INDICATOR, region, period: '2022-06', value: 10 + i },
      { indicator: INDICATOR, region, period: '2023-06', value: 12 + i, yoy: 20 - i, status: 'p', reason: 'correction', note: `更正${i} ${ALL}` },
    ]);
    const posted = await json(app, 'POST', '/v1/observations', { observations: rows });
    t.same([posted.status, posted.body.created], [200, rows.length], 'figures for the new codes');
    for (const [i, region] of CHILDREN.entries()) {
      const h = await json(app, 'GET', `/v1/observations/history?indicator=${INDICATOR}&region=${region}&period=2023-06`);
      t.same(h.body.versions.map((v: any) => [v.value, v.yoy, v.status, v.by, v.reason, v.note]), [[12 + i, 20 - i, 'p', 'admin', 'correction', `更正${i} ${ALL}`]], `history of ${region}`);
    }
    const listed = await json(app, 'GET', `/v1/observations?indicator=${INDICATOR}&from=2023-06`);
    t.same(listed.body.observations.map((o: any) => [o.region, o.note]), CHILDREN.map((c, i) => [c, `更正${i} ${ALL}`]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)), 'notes listed exactly');
    for (const peers of [`parent=${PARENT}`, `group=${GROUP}`]) {
      const r = await json(app, 'GET', `/v1/rankings?indicator=${INDICATOR}&period=2023-06&${peers}`);
      t.equal(r.status, 200, `rankings by ${peers}`);
      t.same(r.body.rows.map((row: any) => [row.region, row.name, row.rank]), CHILDREN.map((c, i) => [c, regions[i + 1]!.name, i + 1]), `names in the ranking by ${peers}`);
    }

    const run = await json(app, 'POST', '/v1/reports/run', { period: '2023-06', regions: [CHILDREN[0]] });
    t.same([run.status, run.body.reports.length, run.body.failures], [200, 1, []], 'a report on the region');
    const report = await json(app, 'GET', `/v1/reports/${CHILDREN[0]}/2023-06.json`);
    t.equal(report.status, 200);
    t.same(report.body.facts.region, { code: CHILDREN[0], name: regions[1]!.name }, 'the report names the region exactly');
    const facts = report.body.facts.indicators.find((f: any) => f.indicator === INDICATOR);
    t.same([facts?.name, facts?.unit], [indicators[0]!.name, indicators[0]!.unit], 'and the indicator');
    t.same(facts?.peers.map((p: any) => p.name), regions.slice(1).map((r) => r.name), 'and its peers');
    t.ok(report.body.facts.scope.includes(regions[0]!.name), 'and the parent, as the scope');
    t.same((await json(app, 'GET', `/v1/reports?region=${CHILDREN[0]}`)).body.reports.map((r: any) => [r.region, r.period, r.trigger]), [[CHILDREN[0], '2023-06', 'manual admin']]);
  });

  t.test('random free text and codes come back exactly', async (t) => {
    const app = await buildTestApp(t, { store, env: { RATE_LIMIT_MAX: '100000000' } });
    const fragment = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 3 }));
    const freeText = (max: number) =>
      fc
        .array(fragment, { minLength: 1, maxLength: 10 })
        .map((parts) => parts.join('').trim())
        .filter((s) => s.length >= 1 && s.length <= max && FREE_TEXT_PATTERN.test(s));
    const code = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,58}$/).map((c) => `${c}._-`);
    const entry = fc.record({ code, name: freeText(200), level: freeText(32), unit: fc.oneof(fc.constant(''), freeText(32)) });
    let n = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(entry, async ({ code, name, level, unit }) => {
        // A code of the default catalog would be re-parented under itself.
        const region = { code: `r${code}`, name, parent: '331000', level };
        const indicator = { code: `i${code}`, name, unit, basis: 'month', direction: 'lower', decimals: 0, rankBy: 'value', change: 'points', reportValue: false, review: false, aggregation: 'none' };
        const group = { code: `g${code}`, name, members: [region.code] };
        for (const [url, body] of [['/v1/regions', { regions: [region] }], ['/v1/indicators', { indicators: [indicator] }], ['/v1/groups', { groups: [group] }]] as const) {
          const r = await json(app, 'PUT', url, body);
          if (r.status !== 200) throw new Error(`PUT ${url}: ${r.status} ${JSON.stringify(r.body)}`);
        }
        const got = {
          regions: (await json(app, 'GET', '/v1/regions')).body.regions,
          groups: (await json(app, 'GET', '/v1/groups')).body.groups,
          indicators: (await json(app, 'GET', '/v1/indicators')).body.indicators,
        };
        // The same free text as a figure's note: back exactly from history (a month of its own each run: shrinking repeats codes).
        const period = `${2000 + Math.floor(runs / 12)}-${String((runs % 12) + 1).padStart(2, '0')}`;
        runs++;
        const figure = { indicator: indicator.code, region: region.code, period, value: 1, reason: 'correction', note: name };
        const posted = await json(app, 'POST', '/v1/observations', { observations: [figure] });
        if (posted.status !== 200) throw new Error(`POST: ${posted.status} ${JSON.stringify(posted.body)}`);
        const versions = (await json(app, 'GET', `/v1/observations/history?indicator=${indicator.code}&region=${region.code}&period=${period}`)).body.versions;
        if (JSON.stringify(versions.map((v: any) => v.note)) !== JSON.stringify([name])) throw new Error(`history gave back ${JSON.stringify(versions)}`);
        const stored = await app.store.loadCatalog();
        for (const [source, c] of [['GET', got], ['store', stored]] as const) {
          const back = JSON.stringify([byCode(c.regions, [region.code]), byCode(c.groups, [group.code]), byCode(c.indicators, [indicator.code])]);
          const { aggregation, ...sent } = indicator;
          if (back !== JSON.stringify([[region], [group], [{ ...sent, reviewSince: null, aggregation }]])) throw new Error(`${source} gave back ${back}`);
        }
        n++;
      }),
      { numRuns: store === 'sqlite' ? 150 : 60 },
    );
    t.pass(`${n} random entries round-tripped`);
  });

  t.test('a token holder named with . _ - is the by of its figures', async (t) => {
    const writer = 'w'.repeat(20);
    const app = await buildTestApp(t, { store, env: { API_TOKENS: `admin:${TOKENS.admin},writer:bureau.x_1-a:${writer}` } });
    const key = { indicator: 'industrial_investment', region: '331023', period: '2022-06' };
    for (const value of [1.5, 2.5]) {
      const r = await json(app, 'POST', '/v1/observations', { observations: [{ ...key, value }] }, { authorization: `Bearer ${writer}` });
      t.equal(r.status, 200, `posted ${value}`);
    }
    const h = await json(app, 'GET', `/v1/observations/history?indicator=${key.indicator}&region=${key.region}&period=${key.period}`);
    t.same(h.body.versions.map((v: any) => [v.value, v.by]), [[1.5, 'bureau.x_1-a'], [2.5, 'bureau.x_1-a']]);
    t.same((await app.store.history(key)).map((v) => v.by), ['bureau.x_1-a', 'bureau.x_1-a'], 'as stored');
  });
});
