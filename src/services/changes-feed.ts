/**
 * The changes feed (API.md "As of an instant"): every version that became
 * public in (since, until], oldest first, for systems that mirror the data.
 * A version becomes public at its receipt or when its month's embargo ends,
 * so every one in the window is found from two kinds of events: batches
 * received in the window (the store's receipts) and release times passing
 * or moved in it (the calendar). Pages follow those events in time order
 * and stop once a page is full, so a page costs the slices it lists, not
 * the whole window.
 */
import { iso, parseInstant } from '../domain/instant.ts';
import { publicationTimes } from '../domain/publication.ts';
import type { Period, Status } from '../domain/types.ts';
import { ApiError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { CatalogService } from './catalog.ts';
import type { ReleaseCalendar } from './release-calendar.ts';

/** API.md: `limit` defaults to 10,000. */
export const DEFAULT_CHANGES_LIMIT = 10_000;


interface Change {
  indicator: string;
  region: string;
  period: Period;
  value: number | null;
  yoy: number | null;
  status: Status | null;
  publishedAt: number;
  version: number;
  action: 'I' | 'D';
}

/** Where a page ended: the window's end and the last change listed. */
interface Cursor {
  since: number;
  until: number;
  at: number;
  key: string;
}

const orderKey = (c: Change) => `${c.indicator}\u0000${c.period}\u0000${c.region}\u0000${String(c.version).padStart(10, '0')}`;
const before = (a: { at: number; key: string }, b: { at: number; key: string }) => a.at < b.at || (a.at === b.at && a.key < b.key);

function badCursor(): ApiError {
  return new ApiError('validation_failed', 'cursor is not one this service gave: pass the `next` of the previous page as it was', { details: [{ field: 'cursor', message: 'not a cursor' }] });
}

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.since !== 'number' || typeof c.until !== 'number' || typeof c.at !== 'number' || typeof c.key !== 'string') throw badCursor();
    return c;
  } catch {
    throw badCursor();
  }
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

export class ChangesFeed {
  constructor(
    private readonly store: Store,
    private readonly calendar: ReleaseCalendar,
    private readonly catalog: CatalogService,
    private readonly clock: () => number,
  ) {}

  /** The window asked, or the one the cursor carries; never past a write still under way. */
  private async window(q: { since: string; until?: string | undefined; cursor?: string | undefined }): Promise<{ since: number; until: number; after: Cursor | null }> {
    if (q.cursor !== undefined) {
      const after = decodeCursor(q.cursor);
      return { since: after.since, until: after.until, after };
    }
    const now = this.clock();
    const since = parseInstant(q.since)!;
    let until = q.until === undefined ? now : parseInstant(q.until)!;
    if (until > now) throw new ApiError('validation_failed', 'until is in the future: nothing has been published then yet', { details: [{ field: 'until', message: 'in the future' }] });
    // A batch received before `until` may still be committing: the window ends before it, and the next poll picks it up.
    // The writes under way are this instance's own: an instance that forwards its writes forwards the feed too.
    const inFlight = (await this.store.changes()).inFlightSince;
    if (inFlight !== null && inFlight <= until) until = inFlight - 1;
    if (since > until) throw new ApiError('validation_failed', 'since must not be after until', { details: [{ field: 'since', message: 'after until' }] });
    return { since, until, after: null };
  }

  async changes(q: { since: string; until?: string | undefined; indicator?: string | undefined; limit?: number | undefined; cursor?: string | undefined }) {
    if (q.indicator !== undefined) this.catalog.indicator(q.indicator);
    const limit = q.limit ?? DEFAULT_CHANGES_LIMIT;
    const { since, until, after } = await this.window(q);
    const from = after === null ? since : after.at - 1;

    // Every slice with an event in the window, and its events.
    const events = new Map<string, { indicator: string; period: Period; first: number; last: number }>();
    const note = (indicator: string, period: Period, at: number) => {
      if (at <= since || at > until || at < from || (q.indicator !== undefined && indicator !== q.indicator)) return;
      const key = `${indicator}\u0000${period}`;
      const e = events.get(key);
      if (e === undefined) events.set(key, { indicator, period, first: at, last: at });
      else {
        e.first = Math.min(e.first, at);
        e.last = Math.max(e.last, at);
      }
    };
    for (const r of await this.store.receipts(Math.max(since, from), until)) note(r.indicator, r.period, r.receivedAt);
    for (const entry of this.calendar.endedBetween(Math.max(since, from), until)) {
      for (const c of entry.changes) {
        note(entry.indicator, entry.period, c.changedAt);
        if (c.releaseAt !== null) note(entry.indicator, entry.period, c.releaseAt);
      }
    }

    const slices = [...events.values()].sort((a, b) => a.first - b.first);
    const found: Array<Change & { at: number; key: string }> = [];
    let unread = false;
    for (const slice of slices) {
      // Every version published in a slice is published at one of its events: none of the rest can come before a full page's last.
      if (found.length >= limit && slice.first > found[limit - 1]!.at) {
        unread = true;
        break;
      }
      const changes = this.calendar.changesOf(slice.indicator, slice.period);
      for (const figure of await this.store.versions(slice.indicator, [slice.period], null, until)) {
        for (const v of publicationTimes(figure.versions, changes, until)) {
          if (v.publishedAt === null || v.publishedAt <= since) continue;
          const change: Change = {
            indicator: figure.indicator,
            region: figure.region,
            period: figure.period,
            value: v.value,
            yoy: v.yoy,
            status: v.status,
            publishedAt: v.publishedAt,
            version: v.version,
            action: v.withdrawn ? 'D' : 'I',
          };
          const item = { ...change, at: v.publishedAt, key: orderKey(change) };
          if (after === null || before(after, item)) found.push(item);
        }
      }
      found.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    }
    const page = found.slice(0, limit);
    const last = page.at(-1);
    return {
      since: iso(since),
      until: iso(until),
      changes: page.map(({ at: _at, key: _key, publishedAt, ...c }) => ({ ...c, publishedAt: iso(publishedAt) })),
      next: (found.length > limit || unread) && last !== undefined ? encodeCursor({ since, until, at: last.at, key: last.key }) : null,
    };
  }
}
