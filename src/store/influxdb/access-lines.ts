/**
 * Tokens, the pre-release access log and review decisions in InfluxDB.
 * None has a tag: each is one series, and what tells points apart is the
 * time, written in nanoseconds (LineWriter `precision: 'ns'`): the
 * millisecond of the record plus an offset below one millisecond.
 *
 * token   (no tags)  fields id, hash, role, holder, scope (JSON; "null": all), created_at, created_by,
 *                    expires_at, revoked_at, last_used_at (ms; absent: none), nonce
 *   time: created_at ms + nonce ns (random). Revoking and touching write
 *   only their field at the token's time: InfluxDB merges a point's fields.
 * access  (no tags)  fields at (ms), seq, holder, role, method, path, chunks, months0 … (JSON [[indicator, period], …])
 *   time: at ms + seq ns. `seq` comes from a counter of this process that
 *   starts at a random offset: entries of one millisecond never share a
 *   time (which would overwrite), and an entry's time is its id.
 * review  (no tags)  fields at (ms), seq, indicator, period, action, by, note, override (JSON; "null": none)
 *   time: at ms + seq ns, seq = 1000 × the decisions already in that
 *   millisecond + a random part: later decisions of one millisecond sort later.
 *
 * Codes, holders and ids are fields, never tags: influxd refuses new tag
 * values past `max-values-per-tag`, and these grow without bound.
 */
import { randomInt } from 'node:crypto';
import { Point } from '@influxdata/influxdb-client';
import type { Period } from '../../domain/types.ts';
import type { AccessEntry, ReviewDecision, StoredToken, TokenRole } from '../store.ts';
import { DOC_CHUNK_CHARS } from './lines.ts';

/** Offsets below one millisecond, in nanoseconds. */
export const SUB_MS = 1_000_000;
const SUB_MS_N = 1_000_000n;
/** The last millisecond InfluxDB can hold (its times end in April 2262). */
export const LAST_MS = Date.parse('2262-04-10T00:00:00Z');

/** Nanoseconds since the epoch of millisecond `ms` plus `offset` ns. */
export function nanos(ms: number, offset: number): bigint {
  return BigInt(Math.floor(ms)) * SUB_MS_N + BigInt(offset);
}

/** RFC 3339 with nanoseconds, the form InfluxQL compares times with (`ns` from 0 on). */
export function nanoTime(ns: bigint): string {
  const clamped = ns < 0n ? 0n : ns;
  const iso = new Date(Number(clamped / SUB_MS_N)).toISOString();
  return `${iso.slice(0, -1)}${String(clamped % SUB_MS_N).padStart(6, '0')}Z`;
}

/**
 * Offsets of access entries: unique within this process for 1,000,000
 * entries of one millisecond, and starting at a random place so that two
 * processes (or one restarted) meet in one millisecond rarely.
 */
export class SubMillisecond {
  private next = randomInt(SUB_MS);

  take(): number {
    const n = this.next;
    this.next = (n + 1) % SUB_MS;
    return n;
  }
}

type Get = (column: string) => unknown;

const intOrNull = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : Number(v));

// Tokens.

/** The first point of a token; `nonce` places it within its millisecond. */
export function tokenLine(t: StoredToken, nonce: number): string {
  const point = new Point('token')
    .stringField('id', t.id)
    .stringField('hash', t.hash)
    .stringField('role', t.role)
    .stringField('holder', t.holder)
    .stringField('scope', JSON.stringify(t.scope))
    .intField('created_at', t.createdAt)
    .stringField('created_by', t.createdBy)
    .intField('nonce', nonce);
  if (t.expiresAt !== null) point.intField('expires_at', t.expiresAt);
  if (t.revokedAt !== null) point.intField('revoked_at', t.revokedAt);
  if (t.lastUsedAt !== null) point.intField('last_used_at', t.lastUsedAt);
  return point.timestamp(nanos(t.createdAt, nonce).toString()).toLineProtocol()!;
}

/** One field of a stored token, written at its point (the other fields stay). */
export function tokenFieldLine(at: { createdAt: number; nonce: number }, field: 'revoked_at' | 'last_used_at', value: number): string {
  return new Point('token').intField(field, value).timestamp(nanos(at.createdAt, at.nonce).toString()).toLineProtocol()!;
}

export interface TokenRow extends StoredToken {
  nonce: number;
}

/** Tokens from the rows of the tokens query, oldest first (then by id). */
export function tokensOf(rows: readonly Get[]): TokenRow[] {
  const out: TokenRow[] = [];
  for (const get of rows) {
    const id = get('id');
    if (typeof id !== 'string') continue;
    out.push({
      id,
      hash: String(get('hash') ?? ''),
      role: String(get('role') ?? '') as TokenRole,
      holder: String(get('holder') ?? ''),
      scope: JSON.parse(String(get('scope') ?? 'null')) as StoredToken['scope'],
      createdAt: Number(get('created_at')),
      createdBy: String(get('created_by') ?? ''),
      expiresAt: intOrNull(get('expires_at')),
      revokedAt: intOrNull(get('revoked_at')),
      lastUsedAt: intOrNull(get('last_used_at')),
      nonce: Number(get('nonce') ?? 0),
    });
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const plainToken = ({ nonce: _nonce, ...token }: TokenRow): StoredToken => token;

// The access log.

export function accessLine(e: AccessEntry, seq: number): string {
  const point = new Point('access')
    .intField('at', e.at)
    .intField('seq', seq)
    .stringField('holder', e.holder)
    .stringField('role', e.role)
    .stringField('method', e.method)
    .stringField('path', e.path);
  // Chunks under 64 KB, as reports' content: a long list of months stays one point.
  const json = JSON.stringify(e.months.map((m) => [m.indicator, m.period]));
  const chunks = Math.max(1, Math.ceil(json.length / DOC_CHUNK_CHARS));
  for (let i = 0; i < chunks; i++) point.stringField(`months${i}`, json.slice(i * DOC_CHUNK_CHARS, (i + 1) * DOC_CHUNK_CHARS));
  return point.intField('chunks', chunks).timestamp(nanos(e.at, seq).toString()).toLineProtocol()!;
}

export interface AccessRow extends AccessEntry {
  id: string;
  /** Its time, in ns: its id as a number. */
  ns: bigint;
}

/** An entry from a row of the access query. */
export function accessOf(get: Get): AccessRow {
  const at = Number(get('at'));
  const ns = nanos(at, Number(get('seq') ?? 0));
  const chunks = Number(get('chunks') ?? 1);
  let json = '';
  for (let i = 0; i < chunks; i++) json += String(get(`months${i}`) ?? '');
  const months = (JSON.parse(json === '' ? '[]' : json) as Array<[string, Period]>).map(([indicator, period]) => ({ indicator, period }));
  return {
    at,
    holder: String(get('holder') ?? ''),
    role: String(get('role') ?? ''),
    method: String(get('method') ?? ''),
    path: String(get('path') ?? ''),
    months,
    id: ns.toString(),
    ns,
  };
}

/** An entry's id as its time (ns), when it is one of this store's ids for that millisecond. */
export function accessNanos(position: { at: number; id: string }): bigint | null {
  if (!/^\d{1,19}$/.test(position.id) || !Number.isSafeInteger(position.at) || position.at < 0) return null;
  const ns = BigInt(position.id);
  return ns / SUB_MS_N === BigInt(position.at) ? ns : null;
}

// Review decisions.

export function reviewLine(d: ReviewDecision, seq: number): string {
  return new Point('review')
    .intField('at', d.at)
    .intField('seq', seq)
    .stringField('indicator', d.indicator)
    .stringField('period', d.period)
    .stringField('action', d.action)
    .stringField('by', d.by)
    // As JSON: free text (newlines included) stays one line, and null stays null.
    .stringField('note', JSON.stringify(d.note))
    .stringField('override', JSON.stringify(d.override))
    .timestamp(nanos(d.at, seq).toString())
    .toLineProtocol()!;
}

/** Decisions from the rows of the reviews query, in the order made. */
export function reviewsOf(rows: readonly Get[]): ReviewDecision[] {
  return rows
    .map((get) => ({
      seq: Number(get('seq') ?? 0),
      decision: {
        indicator: String(get('indicator') ?? ''),
        period: String(get('period') ?? ''),
        action: String(get('action') ?? '') as ReviewDecision['action'],
        at: Number(get('at')),
        by: String(get('by') ?? ''),
        note: JSON.parse(String(get('note') ?? 'null')) as string | null,
        override: JSON.parse(String(get('override') ?? 'null')) as string | null,
      },
    }))
    .sort((a, b) => a.decision.at - b.decision.at || a.seq - b.seq)
    .map((r) => r.decision);
}
