/**
 * The changes feed's cursor: where a page ended, in a window the server
 * chose, sealed with an HMAC under a key kept in the store (so any
 * instance on the store accepts any other's cursors, and a cursor made or
 * changed by anyone else is refused). The cursor is not what keeps a
 * caller inside what it may see: the feed clamps every page to the
 * request's own instant whatever a cursor says. The seal makes a forged
 * or edited cursor a clear 400 instead of a silently different page.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../errors.ts';

/** Where a page ended: the window (since, until] and the last change listed (its publication time and order key). */
export interface FeedPosition {
  since: number;
  until: number;
  at: number;
  key: string;
  /** The indicator the feed was narrowed to, or null. */
  indicator: string | null;
}

/** The store secret that seals cursors. */
export const CURSOR_SECRET = 'feed-cursor';
/** Bytes of the HMAC kept in a cursor: 128 bits, beyond guessing. */
const MAC_BYTES = 16;
const FORMAT = 1;
/** The order key of a change: indicator, month, region and version, each short. */
const MAX_KEY_LENGTH = 400;
/** Instants a cursor may carry: the ones a Date can hold. */
const MAX_INSTANT = 8.64e15;

export function badCursor(message = 'not a cursor'): ApiError {
  return new ApiError('validation_failed', 'cursor is not one this service gave for this query: pass the `next` of the previous page as it was, with the same since and indicator', {
    details: [{ field: 'cursor', message }],
  });
}

const mac = (secret: Buffer, payload: string) => createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES);

export function sealCursor(position: FeedPosition, secret: Buffer): string {
  const payload = Buffer.from(JSON.stringify([FORMAT, position.since, position.until, position.at, position.key, position.indicator])).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** Whether `text` carries a seal made with `secret`. */
export function sealedWith(text: string, secret: Buffer): boolean {
  const [payload, seal, extra] = text.split('.');
  if (payload === undefined || seal === undefined || extra !== undefined) return false;
  const given = Buffer.from(seal, 'base64url');
  return given.length === MAC_BYTES && timingSafeEqual(given, mac(secret, payload));
}

const isInstant = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_INSTANT;

/** The position a sealed cursor carries, checked against the query it is passed with. */
export function openCursor(text: string, query: { since: number; indicator: string | null }): FeedPosition {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(text.split('.')[0]!, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(fields) || fields.length !== 6 || fields[0] !== FORMAT) throw badCursor();
  const [, since, until, at, key, indicator] = fields as unknown[];
  if (!isInstant(since) || !isInstant(until) || !isInstant(at) || since > until || at < since || at > until) throw badCursor('a window the service never gives');
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH || (indicator !== null && typeof indicator !== 'string')) throw badCursor();
  if (since !== query.since || indicator !== query.indicator) throw badCursor('given for another since or indicator');
  return { since, until, at, key, indicator };
}
