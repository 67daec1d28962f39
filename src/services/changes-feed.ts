/**
 * The changes feed (API.md "As of an instant"): every version that became
 * public in (since, until], oldest first, for systems that mirror the data.
 * A version becomes public at its receipt or when its month's embargo ends,
 * so every one in the window is found from two kinds of events: batches
 * received in the window and release times passing or moved in it. Pages
 * follow those events in time order and stop once a page is full, so a page
 * costs the slices it lists, not the whole window.
 *
 * What a page may hold is decided by the request, never by its cursor:
 * every read goes through the caller's read view, which ends the window at
 * the request's own instant, so no cursor, forged or replayed, reaches a
 * version not public by then. The cursor (feed-cursor.ts) only says where
 * the previous page ended, sealed so that an edited one is refused.
 */
import { iso, parseInstant } from '../domain/instant.ts';
import type { Reason } from '../domain/corrections.ts';
import type { Period, Status } from '../domain/types.ts';
import { ApiError } from '../errors.ts';
import type { ChangesPort, FiguresPort } from '../store/store.ts';
import type { CatalogService } from './catalog.ts';
import { badCursor, CURSOR_SECRET, openCursor, sealCursor, sealedWith, type FeedPosition } from './feed-cursor.ts';
import type { ReadView } from './read-view.ts';
import type { StoreSecrets } from './store-secrets.ts';

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
  /** Why the version changes the figure, and its note (API.md "Corrections"): null when not given. */
  reason: Reason | null;
  note: string | null;
}

export interface ChangesQuery {
  since: string;
  until?: string | undefined;
  indicator?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

const orderKey = (c: Change) => `${c.indicator}\u0000${c.period}\u0000${c.region}\u0000${String(c.version).padStart(10, '0')}`;
const before = (a: { at: number; key: string }, b: { at: number; key: string }) => a.at < b.at || (a.at === b.at && a.key < b.key);

export class ChangesFeed {
  constructor(
    private readonly store: FiguresPort & ChangesPort,
    private readonly catalog: CatalogService,
    private readonly secrets: StoreSecrets,
  ) {}

  /** The position a cursor carries, once its seal is the store's. */
  private async position(cursor: string, since: number, indicator: string | null): Promise<FeedPosition> {
    if (!sealedWith(cursor, await this.secrets.get(CURSOR_SECRET))) {
      // Another instance may have created the key first: read it again before refusing.
      const reread = await this.secrets.reread(CURSOR_SECRET);
      if (reread === null || !sealedWith(cursor, reread)) throw badCursor('not sealed by this service');
    }
    return openCursor(cursor, { since, indicator });
  }

  /** The window of this page: what was asked (or the cursor's), never past the request's instant or a write still under way. */
  private async window(view: ReadView, q: ChangesQuery, indicator: string | null): Promise<{ since: number; until: number; after: FeedPosition | null }> {
    const since = parseInstant(q.since)!;
    const asked = q.until === undefined ? undefined : parseInstant(q.until)!;
    if (asked !== undefined && asked > view.now) throw new ApiError('validation_failed', 'until is in the future: nothing has been published then yet', { details: [{ field: 'until', message: 'in the future' }] });
    const after = q.cursor === undefined ? null : await this.position(q.cursor, since, indicator);
    let until = Math.min(after?.until ?? asked ?? view.now, view.now);
    // A batch received before `until` may still be committing: the window ends before it, and the next poll picks it up.
    // The writes under way are this instance's own: an instance that forwards its writes forwards the feed too.
    const inFlight = (await this.store.changes()).inFlightSince;
    if (inFlight !== null && inFlight <= until) until = inFlight - 1;
    if (after === null && since > until) throw new ApiError('validation_failed', 'since must not be after until', { details: [{ field: 'since', message: 'after until' }] });
    return { since, until, after };
  }

  async changes(view: ReadView, q: ChangesQuery) {
    const indicator = q.indicator === undefined ? null : this.catalog.indicator(q.indicator).code;
    const limit = q.limit ?? DEFAULT_CHANGES_LIMIT;
    const { since, until, after } = await this.window(view, q, indicator);
    const from = after === null ? since : Math.max(since, after.at - 1);

    // Every slice with an event in the window, and its first event.
    const events = new Map<string, { indicator: string; period: Period; first: number }>();
    for (const e of await view.publicationEvents(from, until, indicator)) {
      const key = `${e.indicator}\u0000${e.period}`;
      const known = events.get(key);
      if (known === undefined) events.set(key, { indicator: e.indicator, period: e.period, first: e.at });
      else known.first = Math.min(known.first, e.at);
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
      for (const v of await view.published(slice.indicator, slice.period, until)) {
        if (v.publishedAt <= since) continue;
        const change: Change = {
          indicator: v.indicator,
          region: v.region,
          period: v.period,
          value: v.value,
          yoy: v.yoy,
          status: v.status,
          publishedAt: v.publishedAt,
          version: v.version,
          action: v.withdrawn ? 'D' : 'I',
          reason: v.reason,
          note: v.note,
        };
        const item = { ...change, at: v.publishedAt, key: orderKey(change) };
        if (after === null || before(after, item)) found.push(item);
      }
      found.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    }
    const page = found.slice(0, limit);
    const last = page.at(-1);
    const more = (found.length > limit || unread) && last !== undefined;
    return {
      since: iso(since),
      until: iso(Math.max(until, since)),
      changes: page.map(({ at: _at, key: _key, publishedAt, ...c }) => ({ ...c, publishedAt: iso(publishedAt) })),
      next: more ? sealCursor({ since, until, at: last.at, key: last.key, indicator }, await this.secrets.get(CURSOR_SECRET)) : null,
    };
  }
}
