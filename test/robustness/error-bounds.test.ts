/**
 * Issue 23, item 7: error bodies without bounds. A body of 2,000,000
 * unknown keys was answered after seconds with a 93 MB list of them. Now a
 * JSON object may have at most MAX_JSON_OBJECT_KEYS keys (refused before it
 * is parsed), and every error answer lists at most MAX_ERROR_DETAILS
 * details, each text bounded, with `detailsTotal` counting them all.
 */
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { MAX_ERROR_DETAILS, MAX_ERROR_TEXT } from '../../src/errors.ts';
import { crowdedObjectAt, MAX_JSON_OBJECT_KEYS } from '../../src/plugins/json-body.ts';
import { bearer, buildTestApp, call, type Role } from '../helpers/app.ts';

const send = (app: FastifyInstance, method: 'POST' | 'PUT', url: string, body: string, role: Role) =>
  call(app, { method, url, headers: { ...bearer(role), 'content-type': 'application/json' }, payload: body });

/** `{"<key>":[], "k0":0, "k1":0, …}` with `n` unknown keys, built as text. */
function unknownKeys(key: string, n: number): string {
  const parts: string[] = [`"${key}":[]`];
  for (let i = 0; i < n; i++) parts.push(`"k${i}":0`);
  return `{${parts.join(',')}}`;
}

t.test('the limits', async (t) => {
  t.same([MAX_ERROR_DETAILS, MAX_JSON_OBJECT_KEYS, MAX_ERROR_TEXT], [1000, 1000, 500]);
});

t.test('2,000,000 unknown keys: refused at once, in a few hundred bytes', async (t) => {
  const app = await buildTestApp(t);
  for (const [method, url, key, role] of [
    ['POST', '/v1/observations', 'observations', 'writer'],
    ['PUT', '/v1/regions', 'regions', 'admin'],
  ] as const) {
    const body = unknownKeys(key, 2_000_000);
    const started = performance.now();
    const r = await send(app, method, url, body, role);
    const ms = performance.now() - started;
    t.equal(r.status, 400, `${url} refused`);
    t.equal(r.body.error, 'bad_request');
    t.match(r.body.message, /an object with more than 1000 keys \(at byte \d+\)/);
    t.same(r.body.details.length, 1);
    t.ok(r.response.body.length < 1_000, `${url}: a ${r.response.body.length}-byte answer (it was 93 MB)`);
    t.ok(ms < 3_000, `${url}: answered in ${Math.round(ms)} ms (it took 7 to 15 s)`);
  }
});

t.test('an object of 1,000 keys is still read; its unknown keys are named within bounds', async (t) => {
  const app = await buildTestApp(t);
  const r = await send(app, 'PUT', '/v1/regions', unknownKeys('regions', MAX_JSON_OBJECT_KEYS - 1), 'admin');
  t.equal(r.status, 400);
  t.equal(r.body.error, 'validation_failed', 'validated, not refused unread');
  t.ok(r.body.details.length >= 1);
  for (const d of r.body.details) t.ok(d.field.length <= MAX_ERROR_TEXT && d.message.length <= MAX_ERROR_TEXT, 'each text bounded');
  t.match(r.body.details[0].field, /^k0, k1, k2, .*…$/, 'the keys listed, then cut');
  t.ok(r.body.message.length <= 2 * MAX_ERROR_TEXT);
  const observations = await send(app, 'POST', '/v1/observations', unknownKeys('observations', MAX_JSON_OBJECT_KEYS - 1), 'writer');
  t.equal(observations.status, 400);
  t.equal(observations.body.details.length, MAX_JSON_OBJECT_KEYS - 1, 'every unknown key of the body, one detail each');
  t.equal(observations.body.detailsTotal, undefined, 'none left off');
});

t.test('a key a megabyte long is quoted only in part', async (t) => {
  const app = await buildTestApp(t);
  const long = 'x'.repeat(1_000_000);
  for (const [method, url, key, role] of [
    ['POST', '/v1/observations', 'observations', 'writer'],
    ['PUT', '/v1/regions', 'regions', 'admin'],
  ] as const) {
    const r = await send(app, method, url, JSON.stringify({ [key]: [], [long]: 1 }), role);
    t.equal(r.status, 400);
    t.ok(r.response.body.length < 5_000, `${url}: a ${r.response.body.length}-byte answer`);
    t.ok(r.body.details[0].field.endsWith('…'), 'the field cut, and said so');
  }
});

t.test('details: the first 1,000, and how many there were', async (t) => {
  const app = await buildTestApp(t);
  // The service's own checks (ApiError): 3,000 rows naming no indicator.
  const rows = Array.from({ length: 3_000 }, (_, i) => ({ indicator: 'nothing', region: '331002', period: '2022-06', value: i }));
  let r = await call(app, { method: 'POST', url: '/v1/observations', headers: bearer('writer'), payload: { observations: rows } });
  t.equal(r.status, 400);
  t.equal(r.body.details.length, MAX_ERROR_DETAILS);
  t.equal(r.body.detailsTotal, 3_000);
  t.same([r.body.details[0].row, r.body.details[999].row], [1, 1000], 'the first rows');
  t.match(r.body.message, /3000 of 3000 rows are invalid/);

  // The route schema's (zod, through Fastify): 2,000 regions without a name give 2,000 issues.
  const regions = Array.from({ length: 2_000 }, (_, i) => ({ code: `N${i}` }));
  r = await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions } });
  t.equal(r.status, 400);
  t.equal(r.body.error, 'validation_failed');
  t.equal(r.body.details.length, MAX_ERROR_DETAILS);
  t.equal(r.body.detailsTotal, 2_000);
  t.same(r.body.details[0], { row: 1, field: 'name', message: 'must be a name (a string)' });

  // The catalog's own rules, sorted by row before the cut.
  const orphans = Array.from({ length: 1_500 }, (_, i) => ({ code: `O${i}`, name: 'o', parent: 'nowhere' }));
  r = await call(app, { method: 'PUT', url: '/v1/regions', headers: bearer('admin'), payload: { regions: orphans } });
  t.same([r.body.details.length, r.body.detailsTotal, r.body.details[999].row], [MAX_ERROR_DETAILS, 1_500, 1000]);

  // At the limit exactly, nothing is said to be left off.
  r = await call(app, { method: 'POST', url: '/v1/observations', headers: bearer('writer'), payload: { observations: rows.slice(0, MAX_ERROR_DETAILS) } });
  t.same([r.body.details.length, r.body.detailsTotal], [MAX_ERROR_DETAILS, undefined]);
});

t.test('deep nesting is still read, and named where it is', async (t) => {
  const app = await buildTestApp(t);
  const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
  const r = await send(app, 'PUT', '/v1/indicators', `{"indicators":[{"code":"x","name":"X","unit":"亿元","basis":"ytd","direction":"higher","change":${deep}}]}`, 'admin');
  t.equal(r.status, 400);
  t.ok(r.body.details.some((d: any) => d.row === 1 && d.field === 'change'), 'the field named, not the body');
});

t.test('the scan counts keys per object, not colons in strings', async (t) => {
  const tricky = (n: number) =>
    Buffer.from(JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k:${i}"{`, `a:b\\" : {[ "x":1 ] 台州:`]))));
  t.equal(crowdedObjectAt(tricky(1_000)), -1, '1,000 keys whose names and values are full of colons, quotes and brackets');
  t.ok(crowdedObjectAt(tricky(1_001)) > 0, '1,001 are too many');
  const rows = JSON.stringify({ observations: Array.from({ length: 5_000 }, (_, i) => ({ indicator: 'a', region: `r${i}`, period: '2022-06', value: i })) });
  t.equal(crowdedObjectAt(Buffer.from(rows)), -1, 'keys are counted per object, not per body');
  const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`k${i}`, 0])));
  const nested = (inner: string) => Buffer.from(`{"a":${'['.repeat(10_000)}{"b":1},${'{"c":'.repeat(500)}${inner}${'}'.repeat(500)}${']'.repeat(10_000)},"d":2}`);
  t.ok(crowdedObjectAt(nested(wide)) > 0, 'found deep inside arrays and objects');
  t.equal(crowdedObjectAt(nested('{"x":1}')), -1, 'and the objects around it counted as their own');
  const afterDeep = Buffer.from(`{"a":${'['.repeat(5_000)}${']'.repeat(5_000)},${Array.from({ length: 1_000 }, (_, i) => `"k${i}":0`).join(',')}}`);
  t.ok(crowdedObjectAt(afterDeep) > 0, "an object's keys counted on after a deep array inside it");
});
