/**
 * Shared pieces of the property tests: JSON text that JSON.stringify cannot
 * write, values guaranteed wrong for each kind of field, the error contract
 * as a check, and a snapshot of everything a store holds.
 */
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { DEFAULT_INDICATORS, DEFAULT_REGIONS } from '../../src/catalog/default-catalog.ts';
import { PERIOD_PATTERN } from '../../src/domain/period.ts';
import { CODE_PATTERN } from '../../src/domain/types.ts';
import { errorSchema } from '../../src/schemas/common.ts';

/** JSON text spliced into a body as is: 1e400, 20,000 levels of nesting, a key given twice. */
export class Raw {
  constructor(readonly text: string) {}
  // Counterexamples stay readable when the text is 40 KB of brackets.
  [fc.toStringMethod](): string {
    return this.text.length > 120 ? `Raw(${this.text.slice(0, 60)}…${this.text.length} chars)` : `Raw(${this.text})`;
  }
}

export function jsonText(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : jsonText(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const ERROR_CODES: readonly string[] = errorSchema.shape.error.options;
export const KNOWN_REGIONS = DEFAULT_REGIONS.map((r) => r.code);
export const KNOWN_INDICATORS = DEFAULT_INDICATORS.map((i) => i.code);
const KNOWN = new Set<string>([...KNOWN_REGIONS, ...KNOWN_INDICATORS]);
/** Codes the valid rows of a mutated batch use: never produced as "unknown". */
export const FUZZ_PREFIX = 'fz.';

export const INJECTIONS = [
  "x' OR 1=1 --",
  '"; DROP MEASUREMENT observation; --',
  'x\\',
  '/* */',
  'a" ; SELECT * FROM "observation',
  '$(rm)',
  '\u0000',
  "'; DROP TABLE observations; --",
  'x" OR "1"="1',
  '../../etc/passwd',
  // eslint-disable-next-line no-template-curly-in-string -- a hostile input: template syntax sent as text
  '${region}',
  '$region_0',
  'a\nb',
  '<script>alert(1)</script>',
] as const;

const EXTREME = [1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2];
const INFINITE = ['1e400', '-1e400', '1e99999', '1E400'].map((t) => new Raw(t));

/** Nesting JSON.parse accepts but a recursive walker might not. */
export const deepRaw = fc
  .tuple(fc.integer({ min: 5_000, max: 20_000 }), fc.boolean())
  .map(([d, arrays]) => new Raw(arrays ? `${'['.repeat(d)}${']'.repeat(d)}` : `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`));

/** Keys a prototype-poisoning check refuses are tested on their own (they name the body, not a field). */
export const safeKey = fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__' && k !== 'constructor');
export const anyJson = fc.anything({ key: safeKey, maxDepth: 2, maxKeys: 4 });

/**
 * A value of the wrong JSON type for a field: judged on what the server
 * parses (NaN is written null), so a nullable field never gets a null.
 */
export function wrongType(isRight: (parsed: unknown) => boolean, nullOk = false): fc.Arbitrary<unknown> {
  const wrongText = (text: string) => {
    const parsed: unknown = JSON.parse(text);
    return !isRight(parsed) && !(nullOk && parsed === null);
  };
  const huge = EXTREME.map((n) => new Raw(String(n))).filter((r) => wrongText(r.text));
  return fc.oneof(
    { weight: 4, arbitrary: anyJson.map((v) => new Raw(jsonText(v))).filter((r) => wrongText(r.text)) },
    ...(huge.length > 0 ? [{ weight: 1, arbitrary: fc.constantFrom(...huge) }] : []),
    // Deep arrays are the right type where an array is wanted: then deep objects only.
    { weight: 1, arbitrary: deepRaw.filter((r) => !isRight(r.text.startsWith('[') ? [] : {})) },
  );
}

const isString = (v: unknown) => typeof v === 'string';
const isNumber = (v: unknown) => typeof v === 'number';
export const CONTROLS = [...Array.from({ length: 32 }, (_, i) => i), ...Array.from({ length: 33 }, (_, i) => 0x7f + i)].map((c) => String.fromCharCode(c));

/** Bracketed by letters so that trimming cannot remove it. */
const inside = (middle: fc.Arbitrary<string>) => fc.tuple(fc.string({ maxLength: 8 }), middle, fc.string({ maxLength: 8 })).map(([a, m, b]) => `x${a}${m}${b}x`);
export const withControl = inside(fc.constantFrom(...CONTROLS));
/** A high surrogate before a letter or a low one after it: alone either way. */
export const withLoneSurrogate = inside(fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)));

export const badCodeText = fc.oneof(
  fc.constantFrom(...INJECTIONS, '', '-x', '.x', '_x', 'a b', 'ａ', 'a/b', 'x'.repeat(65), ' 331023', '331023 ', '331023\n'),
  fc.string().filter((s) => !CODE_PATTERN.test(s)),
  fc.string({ unit: 'binary', minLength: 1 }).filter((s) => !CODE_PATTERN.test(s)),
  withControl,
  withLoneSurrogate,
);
export const badCode = fc.oneof(wrongType(isString), badCodeText);
export const unknownCode = fc.stringMatching(CODE_PATTERN).filter((c) => !KNOWN.has(c) && !c.startsWith(FUZZ_PREFIX));
/** A code that must name something stored: malformed, or well-formed and unknown. */
export const badRef = (nullOk = false) => fc.oneof(wrongType(isString, nullOk), badCodeText, unknownCode);

const tooLong = (max: number) => fc.string({ minLength: max + 1, maxLength: max + 40 }).filter((s) => s.trim().length > max);
export const badName = fc.oneof(wrongType(isString), fc.constantFrom('', ' ', '\t\n', '\u3000'), tooLong(200), withControl, withLoneSurrogate);
export const badLevel = fc.oneof(wrongType(isString, true), fc.constantFrom('', '   '), tooLong(32), withControl, withLoneSurrogate);
export const badUnit = fc.oneof(wrongType(isString), tooLong(32), withControl, withLoneSurrogate);
export const badPeriod = fc.oneof(
  wrongType(isString),
  fc.constantFrom('2022-13', '2022-00', '1799-12', '2200-01', '2022-6', '22-06', '2022/06', '2022-06-01', ' 2022-06', '2022-06 ', '２０２２-０６', '2022-06\n', ''),
  fc.string().filter((s) => !PERIOD_PATTERN.test(s)),
);
export const badNumber = (nullOk = false) =>
  fc.oneof(wrongType(isNumber, nullOk), fc.constantFrom(...INFINITE), fc.constantFrom('1', '12.5', 'NaN', 'Infinity', '1e308', '0x10'));
export const badEnum = (values: readonly string[], nullOk = false) =>
  fc.oneof(
    wrongType(isString, nullOk),
    fc.string().filter((s) => !values.includes(s)),
    fc.constantFrom(...values.flatMap((v) => [v.toUpperCase(), ` ${v}`, `${v} `, `${v}\u0000`])),
  );
export const badDecimals = fc.oneof(
  wrongType(isNumber),
  fc.integer({ min: 7 }),
  fc.integer({ max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.constantFrom(1e308, Number.MAX_VALUE, 6.000001),
  fc.constantFrom(...INFINITE),
);
export const badBoolean = fc.oneof(wrongType((v) => typeof v === 'boolean'), fc.constantFrom('true', 'false', 0, 1));
export const badCodeList = fc.oneof(
  wrongType(Array.isArray),
  badCode.map((c) => ['331023', c]),
  unknownCode.map((c) => [c]),
  deepRaw.map((r) => [r]),
);

/** Byte sequences never valid UTF-8 wherever they are inserted (overlong, surrogate, too high, stray or missing continuations). */
export const INVALID_UTF8 = [[0xff], [0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xbf, 0xbf], [0xe6, 0x96], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80]];

export interface Check {
  /** Some detail must name one of these (or a path below one: `members.1`); null: any field. */
  fields: readonly string[] | null;
  row?: number | undefined;
  message?: RegExp;
}

type ErrorBody = { error: string; message: string; details?: unknown };

/** A 4xx in API.md's shape `{error, message, details?}`, or what is wrong with the answer. */
function errorOf(r: LightMyRequestResponse): ErrorBody | string {
  if (r.statusCode < 400 || r.statusCode > 499) return `status ${r.statusCode}: ${r.body.slice(0, 300)}`;
  let body: { error?: unknown; message?: unknown };
  try {
    body = JSON.parse(r.body);
  } catch {
    return `${r.statusCode} but not JSON: ${r.body.slice(0, 200)}`;
  }
  if (typeof body.error !== 'string' || !ERROR_CODES.includes(body.error)) return `error code ${String(body.error)}: ${r.body.slice(0, 200)}`;
  if (typeof body.message !== 'string' || body.message === '') return 'no message';
  return body as ErrorBody;
}

/** A refused write: the error shape, and a detail naming the field (and row) at fault; the problem found, or null. */
export function refusalProblem(r: LightMyRequestResponse, check: Check): string | null {
  const body = errorOf(r);
  if (typeof body === 'string') return body;
  if (check.message !== undefined && !check.message.test(body.message)) return `message "${body.message}" does not match ${check.message}`;
  const details = (Array.isArray(body.details) ? body.details : []) as Array<{ row?: unknown; field?: unknown; message?: unknown }>;
  if (details.length === 0) return `no details: ${r.body.slice(0, 300)}`;
  if (details.some((d) => typeof d.field !== 'string' || typeof d.message !== 'string')) return `a detail without field or message: ${r.body.slice(0, 300)}`;
  const named = details.filter(
    (d) => check.fields === null || check.fields.some((f) => d.field === f || (d.field as string).startsWith(`${f}.`) || (f !== '' && (d.field as string).split(', ').includes(f))),
  );
  if (named.length === 0) return `no detail names ${check.fields?.join(' or ')}: ${r.body.slice(0, 300)}`;
  // A body that is not JSON at all has no rows to name.
  if (check.row !== undefined && !named.some((d) => d.row === check.row || d.field === 'body')) return `no detail for row ${check.row}: ${r.body.slice(0, 300)}`;
  return null;
}

/** A read may succeed or be refused, never fail; a refusal is in the contract's shape (HEAD has no body to show it). */
export function readProblem(r: LightMyRequestResponse, method: string): string | null {
  if (r.statusCode >= 200 && r.statusCode < 300) return null;
  if (method === 'HEAD') return r.statusCode >= 400 && r.statusCode < 500 ? null : `status ${r.statusCode}`;
  const body = errorOf(r);
  return typeof body === 'string' ? body : null;
}

/** Inject, counting requests per app for the summary. */
export const sent = new WeakMap<FastifyInstance, number>();
export function inject(app: FastifyInstance, options: InjectOptions): Promise<LightMyRequestResponse> {
  sent.set(app, (sent.get(app) ?? 0) + 1);
  return app.inject(options);
}

/** Every figure, the catalog and the reports, read from the store itself (no cache). */
export async function snapshot(app: FastifyInstance) {
  const catalog = await app.store.loadCatalog();
  const series = [];
  for (const i of catalog.indicators) for (const r of catalog.regions) series.push(await app.store.series(i.code, r.code, null, null));
  const history = await app.store.history({ indicator: 'industrial_investment', region: '331023', period: '2022-06' });
  return { catalog, series, history, reports: await app.store.reports({}) };
}

/** Percent-encode every byte that is not unreserved (lone surrogates become U+FFFD, as a browser sends them). */
export const percent = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
export const PERCENT_GARBAGE = ['%ff%fe', '%00', '%', '%zz', '%e4%b8', '%c0%80', '%ed%a0%80', '%2', '%%', '%u0041', '%F0%9F%98', '%2F', '%5C', '%0d%0a'] as const;

// ---------------------------------------------------------------------------
// Requests: writes that are always invalid, broken CSV, reads of anything.

export interface WriteCase {
  label?: string;
  method: 'POST' | 'PUT';
  url: string;
  /** null: no content-type header at all. */
  contentType: string | null;
  payload: string | Buffer;
  check: Check;
}

interface Endpoint {
  method: 'POST' | 'PUT';
  url: string;
  /** The array the rows go in; null: the body is the one "row" (reports/run). */
  key: 'observations' | 'regions' | 'groups' | 'indicators' | null;
  valid: (i: number) => Record<string, unknown>;
  /** Per field, values it must refuse (`SELF`: the row's own code). */
  wrong: Record<string, fc.Arbitrary<unknown>>;
  required: readonly string[];
  /** Whole rows each field checks alone pass but the batch rules refuse. */
  special?: ReadonlyArray<{ row: Record<string, unknown>; field: string }>;
}

const SELF = Symbol('the row’s own code');

export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'POST',
    url: '/v1/observations',
    key: 'observations',
    valid: (i) => ({ indicator: 'industrial_investment', region: '331023', period: `2031-0${i + 1}`, value: 12.5 + i, yoy: 3.1, status: 'p' }),
    wrong: { indicator: badRef(), region: badRef(), period: badPeriod, value: badNumber(), yoy: badNumber(true), status: badEnum(['p', 'e', 'r', 'b'], true) },
    required: ['indicator', 'region', 'period', 'value'],
  },
  {
    method: 'PUT',
    url: '/v1/regions',
    key: 'regions',
    valid: (i) => ({ code: `${FUZZ_PREFIX}region-${i}`, name: `新区 ${i}`, parent: '331000', level: 'county' }),
    wrong: { code: badCode, name: badName, parent: fc.oneof(badRef(true), fc.constant(SELF)), level: badLevel },
    required: ['code', 'name'],
    special: [
      { row: { code: '331000', name: '台州市', parent: '331023', level: 'prefecture' }, field: 'parent' },
      { row: { code: '330000', name: '浙江省', parent: '331002' }, field: 'parent' },
    ],
  },
  {
    method: 'PUT',
    url: '/v1/groups',
    key: 'groups',
    valid: (i) => ({ code: `${FUZZ_PREFIX}group_${i}`, name: `新组 ${i}`, members: ['331023', '331022'] }),
    wrong: { code: badCode, name: badName, members: fc.oneof(badCodeList, fc.constant(['331023', '331022', '331023'])) },
    required: ['code', 'name', 'members'],
  },
  {
    method: 'PUT',
    url: '/v1/indicators',
    key: 'indicators',
    valid: (i) => ({ code: `${FUZZ_PREFIX}indicator.${i}`, name: `新指标 ${i}`, unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: true, review: false, aggregation: 'sum' }),
    wrong: {
      code: badCode,
      name: badName,
      unit: badUnit,
      basis: badEnum(['ytd', 'month', 'level']),
      direction: badEnum(['higher', 'lower']),
      decimals: badDecimals,
      rankBy: badEnum(['yoy', 'value']),
      change: badEnum(['percent', 'points']),
      reportValue: badBoolean,
      review: badBoolean,
      aggregation: badEnum(['sum', 'none']),
    },
    required: ['code', 'name', 'unit', 'basis', 'direction'],
  },
  {
    method: 'POST',
    url: '/v1/reports/run',
    key: null,
    valid: () => ({ period: '2022-06', regions: ['331023'] }),
    wrong: { period: badPeriod, regions: badCodeList },
    // Both are optional: without them the run uses its defaults and succeeds.
    required: [],
  },
];

interface Mutation {
  label: string;
  apply: (row: Record<string, unknown>) => unknown;
  fields: readonly string[];
}

/** A value for a field, or the field given twice with the bad value last (JSON.parse keeps the last). */
function fieldMutations(ep: Endpoint): fc.Arbitrary<Mutation> {
  const fields = Object.keys(ep.wrong);
  const replaced = fc.constantFrom(...fields).chain((f) =>
    fc.tuple(ep.wrong[f]!, fc.boolean()).map(([w, twice]): Mutation => {
      const value = (row: Record<string, unknown>) => (w === SELF ? row.code : w);
      return {
        label: `${twice ? 'duplicate key ' : ''}${f} := ${fc.stringify(w)}`,
        apply: (row) => (twice ? new Raw(`${jsonText(row).slice(0, -1)},${JSON.stringify(f)}:${jsonText(value(row))}}`) : { ...row, [f]: value(row) }),
        fields: [f],
      };
    }),
  );
  const extra = fc.tuple(safeKey.filter((k) => !fields.includes(k)), anyJson).map(
    ([k, v]): Mutation => ({ label: `extra key ${JSON.stringify(k)}`, apply: (row) => ({ ...row, [k]: new Raw(jsonText(v)) }), fields: [k] }),
  );
  // Unescaped, C0 controls are not JSON; C1 controls are, and the schemas refuse them.
  const rawControl = fc.tuple(fc.constantFrom(...fields.filter((f) => f !== 'members' && f !== 'regions')), fc.constantFrom(...CONTROLS)).map(
    ([f, c]): Mutation => ({ label: `raw control ${c.charCodeAt(0)} in ${f}`, apply: (row) => ({ ...row, [f]: new Raw(`"x${c}x"`) }), fields: [f, 'body'] }),
  );
  const all: Array<fc.Arbitrary<Mutation>> = [replaced, replaced, replaced, extra, rawControl];
  if (ep.required.length > 0) {
    all.push(fc.constantFrom(...ep.required).map((f): Mutation => ({ label: `no ${f}`, apply: ({ [f]: _gone, ...rest }) => rest, fields: [f] })));
  }
  if (ep.key !== null) {
    const notObject = fc.oneof(fc.constantFrom<unknown>(null, 0, 'row', true, 1e308, []), fc.array(anyJson, { minLength: 1, maxLength: 3 }), deepRaw);
    all.push(notObject.map((v): Mutation => ({ label: `row := ${fc.stringify(v)}`, apply: () => v, fields: [ep.key!, 'row', 'a'] })));
  }
  for (const s of ep.special ?? []) all.push(fc.constant<Mutation>({ label: `batch rule: ${jsonText(s.row)}`, apply: () => s.row, fields: [s.field] }));
  return fc.oneof(...all);
}

const BAD_CONTENT_TYPES = [null, '', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/jsonx', 'application/vnd.api+json', 'text/json', 'application/json, text/plain', ';;;', 'application/'];
const CSV_TYPES = ['text/csv', 'application/csv', 'text/tab-separated-values'];

function endpointCases(ep: Endpoint): fc.Arbitrary<WriteCase> {
  const key = ep.key;
  const bodyOf = (rows: unknown[]) => (key === null ? rows[0] : { [key]: rows });
  const json = (payload: string | Buffer, check: Check, contentType: string | null = 'application/json', query = ''): WriteCase => ({
    method: ep.method,
    url: `${ep.url}${query}`,
    contentType,
    payload,
    check,
  });
  const size = key === null ? fc.constant(1) : fc.integer({ min: 1, max: 4 });
  const batch = size.chain((n) => fc.record({ rows: fc.constant(Array.from({ length: n }, (_, i) => ep.valid(i))), at: fc.nat(n - 1) }));
  const validText = batch.map(({ rows }) => jsonText(bodyOf(rows)));
  const query = key === 'observations' ? fc.constantFrom('', '', '?dryRun=true', '?dryRun=false') : fc.constant('');
  const bodyField = key === 'observations' ? ['body', 'observations'] : ['body'];

  const mutated = fc.tuple(batch, fieldMutations(ep), query).map(([{ rows, at }, m, q]) => {
    const mutated = rows.map((row, i) => (i === at ? m.apply(row) : row));
    return { ...json(jsonText(bodyOf(mutated)), { fields: m.fields, row: key === null ? undefined : at + 1 }, 'application/json', q), label: `row ${at + 1}: ${m.label}` };
  });
  // Field by field is where the schemas are: most cases go there.
  const cases: Array<fc.Arbitrary<WriteCase>> = [
    fc.oneof(fc.constantFrom('null', '0', '-1e400', '"str"', '[]', 'true', '1e308', '[{}]'), deepRaw.map((r) => r.text)).map((body) => json(body, { fields: [...bodyField, key ?? 'a', 'a'] })),
    fc.tuple(validText, safeKey.filter((k) => k !== key && !(k in ep.wrong)), anyJson).map(([body, k, v]) =>
      json(`${body.slice(0, -1)},${JSON.stringify(k)}:${jsonText(v)}}`, { fields: [k] }),
    ),
    fc.tuple(validText, fc.constantFrom(...INVALID_UTF8), fc.double({ min: 0, max: 1, noNaN: true })).map(([body, bytes, where]) => {
      const buf = Buffer.from(body, 'utf8');
      const at = Math.floor(where * buf.length);
      return json(Buffer.concat([buf.subarray(0, at), Buffer.from(bytes), buf.subarray(at)]), { fields: ['body'], message: /UTF-8/ });
    }),
    fc.tuple(validText, fc.constantFrom(...BAD_CONTENT_TYPES, ...CSV_TYPES)).map(([body, type]) =>
      json(body, { fields: CSV_TYPES.includes(type ?? '') ? (key === 'observations' ? null : ['body']) : bodyField }, type),
    ),
    fc.tuple(validText, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })).map(([body, cut]) => json(body.slice(0, Math.floor(cut * body.length)), { fields: ['body'] })),
    fc.tuple(validText, fc.constantFrom('{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}')).map(([body, poison]) =>
      json(`${body.slice(0, -1)},"x":${poison}}`, { fields: ['body'] }),
    ),
    fc.uint8Array({ maxLength: 512 }).map((bytes) => json(Buffer.concat([Buffer.from('x'), Buffer.from(bytes)]), { fields: ['body'] })),
  ];
  if (key !== null) {
    cases.push(
      fc.oneof(wrongType(Array.isArray), fc.constant(undefined)).map((v) => json(jsonText({ [key]: v }), { fields: [key] })),
    );
  }
  if (key === 'observations') {
    cases.push(
      fc.tuple(validText, fc.constantFrom('?dryRun=yes', '?dryRun=', '?dryRun=1', '?dryRun=TRUE', '?dryRun=true&dryRun=false', '?dryRun=%ff', "?dryRun=true'--")).map(([body, q]) =>
        json(body, { fields: ['dryRun'] }, 'application/json', q),
      ),
    );
  }
  return fc.oneof({ weight: cases.length, arbitrary: mutated }, ...cases);
}

export const writeCase: fc.Arbitrary<WriteCase> = fc.oneof(...ENDPOINTS.map(endpointCases)).map((c) => Object.assign(c, { [fc.toStringMethod]: () => describe(c) }));

function describe(c: WriteCase): string {
  const payload = typeof c.payload === 'string' ? c.payload : `bytes ${c.payload.toString('hex')}`;
  return `${c.label === undefined ? '' : `(${c.label}) `}${c.method} ${c.url} [${c.contentType}] ${payload.length > 300 ? `${payload.slice(0, 300)}…(${payload.length})` : payload}`;
}

/**
 * CSV that can never be a valid batch: a correct header, then rows whose
 * first cell is never a code (whatever the quoting and line endings do to the
 * rest); a header with a fault; or bytes starting with a letter no column starts with.
 */
const COLUMN_NAMES = new Set(['indicator', 'region', 'period', 'value', 'yoy', 'status', '指标', '指标代码', '地区', '地区代码', '区划代码', '时期', '期别', '月份', '数值', '本期', '同比', '同比增速', '同比增长', '状态', '标志']);
const csvCell = fc.oneof(
  fc.constantFrom('331023', '2022-06', '12.5', '', ' ', '"1,027.85"', 'p', '122.4%', 'industrial_investment'),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 12 }).map((s) => `"${s.replace(/"/g, '""')}"`),
  fc.string({ maxLength: 12 }).map((s) => `"${s}`),
  fc.string({ maxLength: 6 }).map((s) => `${s}"${s}`),
);
const neverACode = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.constantFrom(...INJECTIONS).map((s) => `"${s.replace(/"/g, '""')}"`),
  fc.constantFrom('no such', '-x', 'x%'),
);
const eol = fc.constantFrom('\n', '\r\n', '\r');
const csvRow = fc.tuple(neverACode, fc.array(csvCell, { maxLength: 6 }), fc.constantFrom(',', ',', ';', '\t'), eol).map(([first, rest, sep, end]) => [first, ...rest].join(sep) + end);
const goodHeader = fc.constantFrom('indicator,region,period,value', 'indicator,region,period,value,yoy,status', '指标,地区,时期,数值,同比');
const badHeader = fc.oneof(
  fc.tuple(goodHeader, fc.stringMatching(/^[A-Za-z _-]{0,10}$/).filter((n) => !COLUMN_NAMES.has(n.trim().toLowerCase()))).map(([h, n]) => `${h},${n}`),
  goodHeader.chain((h) => fc.constantFrom('toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf').map((n) => `${h},${n}`)),
  fc.constantFrom('region,period,value', 'indicator,period,value', 'indicator,region,value', 'indicator,region,period', 'indicator,region,period,value,VALUE', 'indicator,region,period,value,Indicator '),
);
const CSV_CONTENT_TYPES = ['text/csv', 'text/csv; charset=utf-8', 'text/csv; charset=gb18030', 'text/csv; charset="GBK"', 'application/csv', 'text/tab-separated-values'];

export const csvCase: fc.Arbitrary<WriteCase> = fc
  .tuple(
    fc.oneof(
      fc.tuple(goodHeader, eol, fc.array(csvRow, { minLength: 1, maxLength: 6 })).map(([h, end, rows]) => Buffer.from(h + end + rows.join(''), 'utf8')),
      fc.tuple(badHeader, eol, fc.array(fc.constantFrom('industrial_investment,331023,2031-06,1', 'industrial_investment,331022,2031-07,2,,'), { maxLength: 3 })).map(([h, end, rows]) =>
        Buffer.from([h, ...rows].join(end) + end, 'utf8'),
      ),
      fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.concat([Buffer.from('x'), Buffer.from(bytes)])),
    ),
    fc.constantFrom(...CSV_CONTENT_TYPES),
  )
  .map(([payload, contentType]): WriteCase => {
    const c: WriteCase = { method: 'POST', url: '/v1/observations', contentType, payload, check: { fields: null } };
    return Object.assign(c, { [fc.toStringMethod]: () => describe(c) });
  });

/** The region the bad-input app has a report on, so that report reads also succeed. */
export const REPORTED = '331023';
const COUNTIES = KNOWN_REGIONS.filter((c) => c.startsWith('3310') && c !== '331000');
const VALID_PARAMS: Record<string, readonly string[]> = {
  indicator: KNOWN_INDICATORS,
  region: COUNTIES,
  highlight: COUNTIES,
  parent: ['331000', '330000', '331023'],
  group: ['g1', 'fz.group_0'],
  period: ['2022-06', '2023-12', '2021-01', '2023-02', '2031-01'],
  from: ['2021-01', '2022-06', '2023-12'],
  to: ['2021-06', '2022-06', '2023-12'],
  by: ['yoy', 'value'],
  measure: ['value', 'yoy'],
  top: ['1', '3', '500', '0', '501'],
  format: ['json', 'svg', 'json'],
  version: ['1', '2', '0'],
};
/** Each read route, its parameters, and the ones a valid query needs. */
const READ_ROUTES: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
  ['/v1/regions', [], []],
  ['/v1/groups', [], []],
  ['/v1/indicators', [], []],
  ['/', [], []],
  ['/healthz', [], []],
  ['/readyz', [], []],
  ['/docs/json', [], []],
  ['/v1/observations/history', ['indicator', 'region', 'period'], ['indicator', 'region', 'period']],
  ['/v1/series', ['indicator', 'region', 'from', 'to'], ['indicator', 'region']],
  ['/v1/rankings', ['indicator', 'period', 'parent', 'group', 'by'], ['indicator', 'period', 'parent']],
  ['/v1/scorecard', ['region', 'period', 'parent', 'group'], ['region', 'period']],
  ['/v1/charts/ranking', ['indicator', 'period', 'parent', 'group', 'by', 'highlight', 'top', 'format'], ['indicator', 'period', 'parent']],
  ['/v1/charts/trend', ['indicator', 'region', 'from', 'to', 'measure', 'format'], ['indicator', 'region']],
  ['/v1/charts/rank-history', ['indicator', 'parent', 'group', 'from', 'to', 'by', 'highlight', 'top', 'format'], ['indicator', 'parent']],
  ['/v1/charts/scorecard', ['region', 'period', 'parent', 'group', 'format'], ['region', 'period']],
  ['/v1/reports', ['region', 'period'], []],
];

const garbage = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(...INJECTIONS),
  fc.integer({ min: 100, max: 20_000 }).map((n) => 'a'.repeat(n)),
  unknownCode,
);
/** As a browser would send it, with the punctuation of injections left bare, or with undecodable escapes spliced in. */
const encoded = (value: fc.Arbitrary<string>) =>
  fc.tuple(value, fc.constantFrom('percent', 'bare', 'spliced'), fc.constantFrom(...PERCENT_GARBAGE), fc.double({ min: 0, max: 1, noNaN: true })).map(([v, how, junk, where]) => {
    if (how === 'bare') return v.replace(/[^\x21-\x7e]|[#&%+=?]/g, (c) => percent(c));
    const p = percent(v);
    if (how === 'percent') return p;
    const at = Math.floor(where * p.length);
    return p.slice(0, at) + junk + p.slice(at);
  });
// Own keys only: the junk names include __proto__ and constructor.
const validValue = (name: string) => fc.constantFrom(...(Object.hasOwn(VALID_PARAMS, name) ? VALID_PARAMS[name]! : ['x']));
const valueFor = (name: string) => fc.oneof({ weight: 3, arbitrary: encoded(validValue(name)) }, { weight: 2, arbitrary: encoded(garbage) });
const queryOf = (params: readonly string[], maxLength = 9) =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: params.length > 0 ? fc.constantFrom(...params) : fc.constant('x') },
        { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'indicator[]', 'a[b]', '', 'x') },
      ).chain((name) => fc.oneof({ weight: 9, arbitrary: valueFor(name).map((v) => `${name}=${v}`) }, { weight: 1, arbitrary: fc.constant(name) })),
      { maxLength },
    )
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));
const segment = (valid: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid) },
    { weight: 2, arbitrary: encoded(garbage) },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', '%2e%2e', '', '%2F', 'a'.repeat(201)) },
  );

/** A query that would be valid, with a few pairs added: repeats, junk names, garbage values. */
const nearValid = (params: readonly string[], required: readonly string[]) =>
  fc
    .tuple(
      fc.tuple(...required.map((name) => validValue(name).map((v) => `${name}=${v}`))),
      fc.subarray(params.filter((p) => !required.includes(p) && p !== 'group')).chain((names) => fc.tuple(...names.map((name) => validValue(name).map((v) => `${name}=${v}`)))),
      fc.oneof(fc.constant(''), queryOf([...params, 'x'], 2)).map((q) => (q === '' ? [] : [q.slice(1)])),
    )
    .map(([a, b, c]) => {
      const pairs = [...a, ...b, ...c];
      return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
    });

export const readCase = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .constantFrom(...READ_ROUTES)
      .chain(([path, params, required]) => fc.oneof(queryOf(params), nearValid(params, required), nearValid(params, required)).map((q) => ({ method: 'GET', url: path + q }))),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(segment([REPORTED, REPORTED, ...COUNTIES]), segment(['2022-06', '2022-06.md', '2022-06.html', '2023-12.json', '1000-01', '2022-06.pdf']), queryOf(['version']))
      .map(([region, file, q]) => ({ method: 'GET', url: `/v1/reports/${region}/${file}${q}` })),
  },
  { weight: 1, arbitrary: segment(['app.js', 'app.css', 'vega.min.js', 'nope.js']).map((name) => ({ method: 'GET', url: `/assets/${name}` })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('GET', 'HEAD', 'DELETE', 'PATCH', 'OPTIONS'), fc.constantFrom('', 'v1/', 'v1/charts/', 'assets/', 'v1/reports/', 'v1/observations/'), fc.array(segment(['x', 'history', 'svg']), { minLength: 1, maxLength: 4 }), queryOf([]))
      .map(([method, prefix, segs, q]) => ({ method, url: `/${prefix}${segs.join('/')}${q}` })),
  },
);
