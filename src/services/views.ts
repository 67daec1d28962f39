/**
 * Building a request's read view from who is calling and what instant they
 * ask about, and the version of what a caller may see: answers computed at
 * one version may be reused until it changes.
 */
import { endOfDay, isDay, parseInstant } from '../domain/instant.ts';
import type { Audience, Vintage, Visibility } from '../domain/publication.ts';
import { ApiError } from '../errors.ts';
import { PRIVILEGED_ROLES, type Role } from '../roles.ts';
import type { Principal } from './tokens.ts';
import type { ChangeState, Store } from '../store/store.ts';
import type { ChangeWatcher } from './change-watcher.ts';
import { trustOf, Trust } from '../store/memory/index.ts';
import { ReadView } from './read-view.ts';
import type { ReleaseCalendar } from './release-calendar.ts';

export const audienceOf = (role: string): Audience => (PRIVILEGED_ROLES.has(role as Role) ? 'privileged' : 'public');

export interface PinQuery {
  asOf?: string | undefined;
  vintage?: Vintage | undefined;
}

export class Views {
  /** The memory layer's trust: versions of the data answers are computed from. */
  private readonly versions: Trust;

  constructor(
    private readonly store: Store,
    private readonly calendar: ReleaseCalendar,
    private readonly watcher: ChangeWatcher,
    private readonly timeZone: string,
    readonly clock: () => number,
  ) {
    const trust = trustOf(store);
    this.versions = trust ?? Views.trustFor(store);
    this.feed = trust === undefined;
  }

  /** Whether the trust is this object's own (a store used bare), told of the store's state only through the watcher. */
  private readonly feed: boolean;

  /** The versions as of `state`: the memory layer's trust has seen every state read through it already. */
  private versionsAt(state: ChangeState): Trust {
    if (this.feed) this.versions.observed(state);
    return this.versions;
  }

  /** A store used bare (tests): a trust of its own, told of the writes this process makes. */
  private static trustFor(store: Store): Trust {
    const trust = new Trust(0);
    store.subscribe((written) => trust.wrote(written));
    return trust;
  }

  /** The instant `asOf` names: an RFC 3339 instant, or the end of a day in REPORT_TZ (now while that is ahead). */
  resolveAsOf(text: string, now: number): number {
    const day = isDay(text);
    const at = day ? endOfDay(text, this.timeZone) : parseInstant(text);
    if (at === null) {
      throw new ApiError('validation_failed', 'asOf must be an RFC 3339 instant with an offset (2024-07-15T10:00:00+08:00) or a day (2024-07-15)', {
        details: [{ field: 'asOf', message: 'not an instant or a day' }],
      });
    }
    if (day) return Math.min(at, now);
    if (at > now) throw new ApiError('validation_failed', 'asOf is in the future: nothing is known of it yet', { details: [{ field: 'asOf', message: 'in the future' }] });
    return at;
  }

  visibility(audience: Audience, pin: PinQuery = {}, now = this.clock()): Visibility {
    const pinned = pin.asOf !== undefined || pin.vintage === 'first';
    return { audience, at: pin.asOf === undefined ? now : this.resolveAsOf(pin.asOf, now), pinned, vintage: pin.vintage ?? 'latest' };
  }

  /** Whether a reviewed month has nothing waiting, by month, for one version of the store's data and decisions. */
  private settled = new Map<string, boolean>();
  private settledAt: string | null = null;

  /** The memory of settled months, while the data and decisions it was learnt from are current; none when unknown. */
  private settledMemory(): Map<string, boolean> | undefined {
    const state = this.watcher.state;
    if (state === null) return undefined;
    // Any change of data (versionOfAll moves with every write, here or elsewhere) or of decisions forgets it.
    const version = `${this.versionsAt(state).versionOfAll()}.${state.releases}`;
    if (version !== this.settledAt) {
      this.settled = new Map();
      this.settledAt = version;
    }
    return this.settled;
  }

  /** The view of a caller, at the instant and vintage asked, within its token's scope. */
  forPrincipal(principal: Pick<Principal, 'role' | 'scope'>, pin: PinQuery = {}): ReadView {
    const now = this.clock();
    return new ReadView(this.store, this.calendar, this.visibility(audienceOf(principal.role), pin, now), now, principal.scope, this.settledMemory());
  }

  /** Everything as stored now: for reports generated ahead of release and for staff tools. */
  privileged(): ReadView {
    return this.forPrincipal({ role: 'admin', scope: null });
  }

  /**
   * The version of what the public sees now: the stored data (of one
   * indicator's figures when given), the catalog, the calendar, and how
   * many release times have passed. Null when it is not known (the
   * store could not be asked): nothing may then be reused.
   */
  publicVersion(indicator?: string): string | null {
    const state = this.watcher.state;
    if (state === null) return null;
    const versions = this.versionsAt(state);
    const data = indicator === undefined ? versions.versionOfAll() : versions.versionOf(indicator);
    return `${data}.${state.releases}.${state.catalog}.${this.calendar.epoch(this.clock())}`;
  }

  /**
   * What every public version shares (null: not known): when it moves,
   * answers kept for earlier versions are never asked for again.
   */
  publicEpoch(): string | null {
    const state = this.watcher.state;
    if (state === null) return null;
    return `${this.versionsAt(state).epoch()}.${state.releases}.${state.catalog}.${this.calendar.epoch(this.clock())}`;
  }
}
