/**
 * Random and malformed requests to every endpoint, on both stores: no 5xx,
 * every refusal in API.md's error shape naming the field at fault, and the
 * store holding exactly what it held before. Writes are made as admin so
 * that authorization never hides a validation fault.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { bearer, buildTestApp, forEachStore } from '../helpers/app.ts';
import { csvCase, inject, readCase, readProblem, REPORTED, refusalProblem, sent, snapshot, writeCase, type WriteCase } from './generators.ts';

const admin = bearer('admin');
/** Fewer runs where every valid read is a round trip to influxd. */
const RUNS = {
  sqlite: { writes: 2000, csv: 600, reads: 1000, late: 6 },
  influxdb: { writes: 2000, csv: 600, reads: 600, late: 4 },
};

/** What a refused write could have changed that is cheap to look at after each one. */
async function fingerprint(app: FastifyInstance, reports: boolean) {
  const c = app.services.catalog;
  return JSON.stringify([(await app.store.changes()).data, c.regions().length, c.groups().length, c.indicators().length, reports ? (await app.store.reports({})).length : 0]);
}

async function refused(app: FastifyInstance, c: WriteCase): Promise<void> {
  const reports = c.url === '/v1/reports/run';
  const before = await fingerprint(app, reports);
  const headers: Record<string, string> = { ...admin };
  if (c.contentType !== null) headers['content-type'] = c.contentType;
  const r = await inject(app, { method: c.method, url: c.url, headers, payload: c.payload });
  const problem = refusalProblem(r, c.check);
  if (problem !== null) throw new Error(problem);
  if ((await fingerprint(app, reports)) !== before) throw new Error(`a refused write changed the store: ${before} → ${await fingerprint(app, reports)}`);
}

forEachStore(t, (t, store) => {
  t.test('bad input is refused in the contract’s shape and changes nothing', async (t) => {
    const app = await buildTestApp(t, { store, demo: true, env: { RATE_LIMIT_MAX: '100000000' } });
    const runs = RUNS[store];
    const report = await inject(app, { method: 'POST', url: '/v1/reports/run', headers: admin, payload: { period: '2022-06', regions: [REPORTED] } });
    t.equal(report.statusCode, 200, 'a report for the reads to find');
    const before = await snapshot(app);
    const started = Date.now();

    await t.test('write bodies mutated from valid ones: 4xx naming the field', async (t) => {
      await fc.assert(fc.asyncProperty(writeCase, (c) => refused(app, c)), { numRuns: runs.writes });
      t.pass(`${runs.writes} mutated writes refused`);
    });

    await t.test('CSV with broken quoting, wrong columns, garbage bytes, mixed line endings: 4xx', async (t) => {
      await fc.assert(fc.asyncProperty(csvCase, (c) => refused(app, c)), { numRuns: runs.csv });
      t.pass(`${runs.csv} broken CSV bodies refused`);
    });

    await t.test('reads with random and malicious queries and paths: 2xx or 4xx', async (t) => {
      await fc.assert(
        fc.asyncProperty(readCase, async ({ method, url }) => {
          const problem = readProblem(await inject(app, { method, url, headers: { accept: 'application/json' } }), method);
          if (problem !== null) throw new Error(problem);
        }),
        { numRuns: runs.reads },
      );
      t.pass(`${runs.reads} reads answered`);
    });

    await t.test('a large batch with one bad row late in it stores none of its rows', async (t) => {
      // Past 4,096 rows the valid part is handed to the store while the rest is still checked.
      const late = fc.record({
        rows: fc.integer({ min: 4_200, max: 9_000 }),
        offset: fc.integer({ min: 1, max: 50 }),
        fault: fc.constantFrom('value', 'region', 'period'),
        revise: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(late, async ({ rows, offset, fault, revise }) => {
          const regions = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];
          // Revisions of the demo's figures (2021-2023) and new months alike must be left as they were.
          const first = revise ? 2021 : 2101;
          const body = Array.from({ length: rows }, (_, i) => ({
            indicator: 'retail_sales',
            region: regions[i % 9],
            period: `${first + Math.floor(i / 9 / 12)}-${String((Math.floor(i / 9) % 12) + 1).padStart(2, '0')}`,
            value: 1_000 + i,
          }));
          const at = rows - offset;
          const bad = body[at]!;
          if (fault === 'value') Object.assign(bad, { value: 'n/a' });
          else if (fault === 'region') Object.assign(bad, { region: 'no.such-region' });
          else Object.assign(bad, { indicator: body[0]!.indicator, region: body[0]!.region, period: body[0]!.period });
          await refused(app, {
            method: 'POST',
            url: '/v1/observations',
            contentType: 'application/json',
            payload: JSON.stringify({ observations: body }),
            check: { fields: [fault], row: at + 1 },
          });
        }),
        { numRuns: runs.late },
      );
      t.pass(`${runs.late} large batches refused whole`);
    });

    await t.test('oversized batches are refused; empty ones are no-ops', async (t) => {
      const many = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
      const oversized: Array<[string, string, object, string]> = [
        ['PUT', '/v1/regions', { regions: many(20_001, (i) => ({ code: `fz.r${i}`, name: 'r', parent: '331000' })) }, 'regions'],
        ['PUT', '/v1/groups', { groups: [{ code: 'fz.g', name: 'g', members: many(20_001, () => '331023') }] }, 'members'],
        ['PUT', '/v1/indicators', { indicators: many(20_001, (i) => ({ code: `fz.i${i}`, name: 'i', unit: '', basis: 'ytd', direction: 'higher' })) }, 'indicators'],
        ['POST', '/v1/reports/run', { period: '2022-06', regions: many(10_001, () => '331023') }, 'regions'],
        ['POST', '/v1/observations', { observations: many(100_001, () => ({})) }, 'observations'],
      ];
      for (const [method, url, payload, field] of oversized) {
        await refused(app, { method: method as WriteCase['method'], url, contentType: 'application/json', payload: JSON.stringify(payload), check: { fields: [field] } });
        t.pass(`${url}: too many entries`);
      }
      for (const [url, key, method] of [['/v1/regions', 'regions', 'PUT'], ['/v1/groups', 'groups', 'PUT'], ['/v1/indicators', 'indicators', 'PUT'], ['/v1/observations', 'observations', 'POST']] as const) {
        const r = await inject(app, { method, url, headers: admin, payload: { [key]: [] } });
        t.equal(r.statusCode, 200, `${url}: an empty batch is valid (API.md) and stores nothing`);
      }
    });

    t.same(await snapshot(app), before, 'the store holds exactly what it held before any of it');
    t.equal((await inject(app, { method: 'GET', url: '/readyz' })).statusCode, 200, 'and the service still serves it');
    t.comment(`${store}: ${sent.get(app)} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});

t.test('figures at the edge of what a double can say', async (t) => {
  const app = await buildTestApp(t);
  const post = (rows: object[]) => inject(app, { method: 'POST', url: '/v1/observations', headers: admin, payload: { observations: rows } });
  const key = { indicator: 'industrial_investment', region: '331022' };
  for (const [field, value] of [['value', 1e308], ['value', -1000000000000000.25], ['yoy', 1e10]] as const) {
    const row = { ...key, period: '2023-06', value: 1, [field]: value };
    const problem = refusalProblem(await post([row]), { fields: [field], row: 1, message: /./ });
    t.equal(problem, null, `${field} ${value}: refused, naming the field`);
  }
  // The largest figure allowed over the smallest positive base: growth past any double.
  const accepted = await post([
    { ...key, period: '2022-06', value: 5e-324 },
    { ...key, period: '2023-06', value: 1e15 },
  ]);
  t.equal(accepted.statusCode, 200, 'the largest allowed figure is accepted');
  const series = await inject(app, { method: 'GET', url: '/v1/series?indicator=industrial_investment&region=331022' });
  t.equal(series.statusCode, 200, 'its series is served');
  t.same(series.json().points.find((p: { period: string }) => p.period === '2023-06')?.yoy, null, 'with no growth rather than Infinity');
  const ranking = await inject(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2023-06&parent=331000' });
  t.equal(ranking.statusCode, 200, 'the ranking is served');
  t.same(ranking.json().missing.find((m: { region: string }) => m.region === '331022')?.reason, 'out-of-range', 'the region is unranked, with the reason');
  const chart = await inject(app, { method: 'GET', url: '/v1/charts/ranking?indicator=industrial_investment&period=2023-06&parent=331000&format=svg' });
  t.equal(chart.statusCode, 200, 'and so is its chart');
});
