/**
 * Decimal rounding as statistics offices publish (四舍五入): half away from
 * zero, on the decimal the figure was written as, not on its binary double.
 * 2.675 is stored as 2.67499999999999982236431605997495353221893310546875,
 * so Math.round(x * 100) / 100 gives 2.67; published tables say 2.68.
 */

// A float result this close to a rounding boundary may sit on the wrong side
// of it; only then is the exact rational computation worth its cost.
const BOUNDARY_MARGIN = 1e-6;
// Beyond this magnitude a double's error can exceed the margin above.
const FAST_PATH_LIMIT = 1e9;

/** A finite number as exact decimal digits: value = sign * digits * 10^-scale. */
interface Decimal {
  negative: boolean;
  digits: bigint;
  scale: number;
}

/** The shortest decimal that reads back as `x` (what the caller wrote). */
export function toDecimal(x: number): Decimal {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const text = String(Math.abs(x));
  const [mantissa, exponentText] = text.split('e') as [string, string | undefined];
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  const [intPart, fracPart = ''] = mantissa.split('.') as [string, string | undefined];
  const digits = BigInt(intPart + fracPart);
  let scale = fracPart.length - exponent;
  let scaled = digits;
  if (scale < 0) {
    scaled = digits * 10n ** BigInt(-scale);
    scale = 0;
  }
  return { negative: x < 0 || Object.is(x, -0), digits: scaled, scale };
}

/** Round the ratio num/den to an integer, half away from zero. */
function roundRatio(num: bigint, den: bigint): bigint {
  const negative = (num < 0n) !== (den < 0n);
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const magnitude = (2n * n + d) / (2n * d);
  return negative ? -magnitude : magnitude;
}

function bigintText(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const cut = text.length - decimals;
  const body = decimals > 0 ? `${text.slice(0, cut)}.${text.slice(cut)}` : text;
  return negative ? `-${body}` : body;
}

/**
 * Integer units from a float computation when it is safely away from a
 * rounding boundary, else undefined: the exact path must decide.
 */
function fastUnits(scaled: number): number | undefined {
  const magnitude = Math.abs(scaled);
  const fraction = magnitude - Math.floor(magnitude);
  if (!(magnitude < FAST_PATH_LIMIT) || Math.abs(fraction - 0.5) <= BOUNDARY_MARGIN) return undefined;
  const rounded = Math.round(magnitude);
  return scaled < 0 ? -rounded : rounded;
}

function exactRoundUnits(x: number, decimals: number): bigint {
  const d = toDecimal(x);
  const signed = d.negative ? -d.digits : d.digits;
  if (d.scale <= decimals) return signed * 10n ** BigInt(decimals - d.scale);
  return roundRatio(signed, 10n ** BigInt(d.scale - decimals));
}

/**
 * Integer units of 10^-decimals, exactly rounded: roundUnits(2.675, 2) ===
 * 268. Units are compared as numbers: exact below 2^53. A finite `x`
 * within a factor 10^decimals of the largest double has no finite units:
 * the answer is then ±Infinity, which callers take as out of range.
 */
export function roundUnits(x: number, decimals: number): number {
  return fastUnits(x * 10 ** decimals) ?? Number(exactRoundUnits(x, decimals));
}

/** Units back to a number: unitsToNumber(268, 2) === 2.68. */
export function unitsToNumber(units: number, decimals: number): number {
  if (units === 0) return 0;
  // An integer over an exact power of ten: IEEE division rounds the exact
  // quotient to the nearest double, the same double the decimal text
  // "42.3" parses to, without building the text (gaps and averages call
  // this for every row of a national ranking).
  const scale = POWERS_OF_TEN[decimals];
  if (scale !== undefined && Number.isInteger(units)) return units / scale;
  const text = String(units);
  return text.includes('e') ? units / 10 ** decimals : Number(`${text}e-${decimals}`);
}

/** 10^0 … 10^22 as literals: every one an exact double. */
const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Every double this large is a whole number: rounding it to any decimals gives it back. */
const WHOLE_FROM = 2 ** 52;

/** Round half away from zero at `decimals` places, in decimal: round(2.675, 2) === 2.68. */
export function round(x: number, decimals: number): number {
  // Near the largest double its units would overflow (1.5e308 * 10 is
  // Infinity) and come back as NaN; such a figure is already whole.
  if (!(Math.abs(x) < WHOLE_FROM)) return x;
  return unitsToNumber(roundUnits(x, decimals), decimals);
}

/** What formatFixed writes for a number no decimal can write. */
const NON_FINITE_TEXT = { positive: '∞', negative: '-∞', nan: 'NaN' } as const;

/**
 * `round` written with exactly `decimals` places: formatFixed(2.5, 2) ===
 * '2.50'. Total: every double has a text, so a message or a report is never
 * lost to its figure. Any finite double is written exactly, however large
 * (1.7976931348623157e308 has 309 digits) or small (5e-324 → '0.00');
 * sums, differences and ratios of finite figures may overflow (a figure over
 * a subnormal one), and ±Infinity is written ∞ and -∞.
 */
export function formatFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? NON_FINITE_TEXT.nan : x > 0 ? NON_FINITE_TEXT.positive : NON_FINITE_TEXT.negative;
  const fast = fastUnits(x * 10 ** decimals);
  return bigintText(fast === undefined ? exactRoundUnits(x, decimals) : BigInt(fast), decimals);
}

/** The two figures as integers on a common decimal scale. */
function commonScale(current: number, base: number): { c: bigint; b: bigint; scale: number } {
  const c = toDecimal(current);
  const b = toDecimal(base);
  const scale = Math.max(c.scale, b.scale);
  return {
    c: (c.negative ? -c.digits : c.digits) * 10n ** BigInt(scale - c.scale),
    b: (b.negative ? -b.digits : b.digits) * 10n ** BigInt(scale - b.scale),
    scale,
  };
}

/**
 * Year-on-year growth in percent, (current / base - 1) * 100, in integer
 * units of 10^-decimals rounded half away from zero, computed exactly from
 * the decimals the two figures were written as. The base must be non-zero.
 */
export function growthUnits(current: number, base: number, decimals: number): number {
  const fast = fastUnits((current / base - 1) * 100 * 10 ** decimals);
  if (fast !== undefined) return fast;
  const { c, b } = commonScale(current, base);
  return Number(roundRatio((c - b) * 100n * 10n ** BigInt(decimals), b));
}

/** Difference current - base in integer units of 10^-decimals, exact in decimal. */
export function differenceUnits(current: number, base: number, decimals: number): number {
  const { c, b, scale } = commonScale(current, base);
  const diff = c - b;
  if (scale <= decimals) return Number(diff * 10n ** BigInt(decimals - scale));
  return Number(roundRatio(diff, 10n ** BigInt(scale - decimals)));
}

// Twelve significant digits keep every figure a bureau publishes while
// dropping the binary noise of a division (17.299999999999997 → 17.3).
const DENOISE_DIGITS = 12;

/** A computed figure without binary noise, for display in responses. */
export function denoise(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  // Scaling by an exact power of ten and dividing back is correctly rounded
  // and ten times faster than toPrecision; beyond 1e22 no power is exact.
  const shift = DENOISE_DIGITS - 1 - Math.floor(Math.log10(Math.abs(x)));
  if (shift < 0 || shift > 22) return Number(x.toPrecision(DENOISE_DIGITS));
  const scale = 10 ** shift;
  return Math.round(x * scale) / scale;
}
