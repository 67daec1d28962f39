/**
 * The ingest fast path against the schema it stands in for: it may pass a
 * row to zod, but what it accepts zod must accept, giving the same figure;
 * and for rows as JSON carries them it decides exactly as zod does.
 */
import t from 'tap';
import { annotated, MAX_ABS_VALUE, MAX_ABS_YOY, observationFast, observationSchema } from '../../src/schemas/observations.ts';

const ABSENT = Symbol('absent');
const CODES = ['a', 'A1', 'a.b-c_d', '9', 'x'.repeat(64), 'x'.repeat(65), '', '_a', '-a', 'a b', 'a\n', '中', 'a\\', 5, null, ABSENT];
const PERIODS = ['2022-06', '1800-01', '2199-12', '1799-12', '2200-01', '2022-13', '2022-00', '2022-6', ' 2022-06', '2022-06\n', 202206, null, ABSENT];
const numbers = (max: number) => [0, -0, 1.5, -2.25, max, -max, max * (1 + 1e-15), -max * 1.5, 5e-324, '5', true, null, {}, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const VALUES = [...numbers(MAX_ABS_VALUE), ABSENT];
const YOYS = [...numbers(MAX_ABS_YOY), ABSENT];
const STATUSES = ['p', 'e', 'r', 'b', 'x', 'P', '', null, 1, ABSENT];
const REASONS = [ABSENT, ABSENT, 'correction', 'revision', 'reclassification', null, 'Correction', 'typo', '', 1];
const NOTES = [ABSENT, ABSENT, '录入错误', '  padded  ', '   ', '', null, 'a;b="c"\\', 'x'.repeat(500), 'x'.repeat(501), ' '.repeat(600), 'bad\nline', '\ud800', '\ufffe', 5];
const EXTRAS: Array<[string, unknown] | null> = [null, null, null, null, ['foo', 1], ['constructor', 'x'], ['Value', 1], ['yoy ', 2]];

/** A small deterministic generator: the same rows every run. */
let seed = 20_261_127;
const pick = <T,>(list: readonly T[]): T => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return list[seed % list.length]!;
};

function row(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields: Array<[string, readonly unknown[]]> = [
    ['indicator', CODES],
    ['region', CODES],
    ['period', PERIODS],
    ['value', VALUES],
    ['yoy', YOYS],
    ['status', STATUSES],
  ];
  // Mostly valid fields, so the combinations near acceptance are well covered.
  for (const [name, pool] of fields) {
    const value = pick([0, 1, 2]) === 0 ? pick(pool) : name === 'value' || name === 'yoy' ? pick([0, 1.5, -2.25, 0, ABSENT]) : pick(pool.slice(0, 3));
    if (value === ABSENT && name !== 'yoy' && name !== 'status' && pick([0, 1, 2, 3]) !== 0) out[name] = pool[0];
    else if (value !== ABSENT) out[name] = value;
  }
  // Reasons and notes on about one row in three: the rest are figures as before.
  if (pick([0, 1, 2]) === 0) {
    for (const [name, pool] of [['reason', REASONS], ['note', NOTES]] as const) {
      const value = pick(pool);
      if (value !== ABSENT) out[name] = value;
    }
  }
  const extra = pick(EXTRAS);
  if (extra !== null) out[extra[0]] = extra[1];
  return out;
}

const FIELDS = ['indicator', 'region', 'period', 'value', 'yoy', 'status'] as const;
/** Zod's figure with growth and status defaulted, its reason and note as ingest keeps them (annotated), field by field (-0 is not 0). */
function sameFigure(fast: object, data: Record<string, unknown>): boolean {
  const figure = Object.fromEntries(FIELDS.map((f) => [f, data[f] ?? (f === 'yoy' || f === 'status' ? null : undefined)]));
  const expected = annotated(figure, data.reason as never, data.note as string | null | undefined) as Record<string, unknown>;
  const keys = Object.keys(expected);
  return Object.keys(fast).length === keys.length && keys.every((f) => Object.is((fast as Record<string, unknown>)[f], expected[f]));
}

t.test('what the fast path accepts, zod accepts with the same figure', async (t) => {
  let accepted = 0;
  let disagreements = 0;
  for (let i = 0; i < 20_000; i++) {
    const candidate = row();
    const fast = observationFast(candidate);
    const slow = observationSchema.safeParse(candidate);
    if (fast !== undefined) {
      accepted++;
      if (!slow.success || !sameFigure(fast, slow.data)) {
        disagreements++;
        if (disagreements < 5) t.fail(`fast path accepted ${JSON.stringify(candidate)}; zod: ${JSON.stringify(slow)}`);
      }
    }
    // As JSON carries it (no NaN, no undefined, own keys only), the two decide alike.
    const text = JSON.stringify(candidate);
    const sent = JSON.parse(text) as unknown;
    if ((observationFast(sent) !== undefined) !== observationSchema.safeParse(sent).success) {
      disagreements++;
      if (disagreements < 5) t.fail(`fast path and zod disagree on ${text}`);
    }
  }
  t.equal(disagreements, 0, 'no disagreement');
  t.ok(accepted > 2_000, `a good share of rows accepted (${accepted})`);
});

t.test('rows JSON cannot carry go to zod', async (t) => {
  const good = { indicator: 'a', region: 'b', period: '2022-06', value: 1 };
  t.ok(observationFast(good), 'a plain row');
  t.same(observationFast({ ...good, yoy: undefined, status: undefined }), { ...good, yoy: null, status: null }, 'undefined growth and status are absent ones');
  t.equal(observationFast(Object.create(good)), undefined, 'inherited keys');
  t.equal(observationFast([good]), undefined, 'an array');
  t.equal(observationFast(null), undefined);
  t.equal(observationFast('row'), undefined);
  t.equal(observationFast({ ...good, value: Number.NaN }), undefined, 'NaN');
  t.equal(observationFast({ ...good, yoy: Number.POSITIVE_INFINITY }), undefined, 'infinite growth');
  t.equal(observationFast(JSON.parse('{"indicator":"a","region":"b","period":"2022-06","value":1,"__proto__":{"x":1}}')), undefined, '__proto__ as a key');
  t.same(observationFast({ ...good, reason: 'correction', note: '  录入错误 ' }), { ...good, yoy: null, status: null, reason: 'correction', note: '录入错误' }, 'a reason and a trimmed note');
  t.same(observationFast({ ...good, reason: null, note: '  ' }), { ...good, yoy: null, status: null }, 'none given: the plain figure');
  t.same(observationFast({ ...good, reason: undefined, note: undefined }), { ...good, yoy: null, status: null }, 'undefined ones too (a workbook\'s blank cells)');
  t.equal(observationFast({ ...good, reason: 'typo' }), undefined, 'an unknown reason goes to zod, which names it');
  t.equal(observationFast({ ...good, note: 'x'.repeat(501) }), undefined, 'a long note too');
});
