/**
 * Instants as the contract writes them: RFC 3339 with an explicit offset
 * (a time without one means nothing to a calendar read in Beijing and
 * stored in UTC), and calendar days read in a named time zone. Results
 * never depend on the server's TZ.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(utc(year, month, 0)).getUTCDate();
}

/** ms since the epoch of an RFC 3339 instant with an offset, or null when it is not one. */
export function parseInstant(text: string): number | null {
  const m = RFC3339.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const offset = m[8]!.toUpperCase() === 'Z' ? 0 : (m[8]!.startsWith('-') ? -1 : 1) * (Number(m[8]!.slice(1, 3)) * 60 + Number(m[8]!.slice(4, 6)));
  if (Math.abs(offset) > 18 * 60) return null;
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  return utc(year, month - 1, day, hour, minute, second, fraction) - offset * 60_000;
}

/** Date.UTC, but years 0-99 are those years (Date.UTC reads them as 1900-1999). */
function utc(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(Date.UTC(2000, monthIndex, day, hour, minute, second, ms));
  d.setUTCFullYear(year, monthIndex, day);
  return d.getTime();
}

/** Offset of `timeZone` from UTC at instant `at`, in ms. */
function offsetAt(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return utc(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at / 1000) * 1000;
}

/** The last millisecond of a calendar day `YYYY-MM-DD` in `timeZone`, or null when it is not a day. */
export function endOfDay(text: string, timeZone: string): number | null {
  const m = DAY.exec(text);
  if (m === null) return null;
  const [year, month, day] = m.slice(1, 4).map(Number) as [number, number, number];
  if (!validDay(year, month, day)) return null;
  const midnight = utc(year, month - 1, day + 1);
  // The offset at the guess, then at the corrected instant: right across a daylight-saving change.
  let at = midnight - offsetAt(midnight, timeZone);
  at = midnight - offsetAt(at, timeZone);
  return at - 1;
}

export const isDay = (text: string) => DAY.test(text);

/** RFC 3339 in UTC with milliseconds, as every time in an answer. */
export const iso = (ms: number) => new Date(ms).toISOString();
