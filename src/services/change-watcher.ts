/**
 * What this instance knows of changes in the store. A store with one
 * writer (SQLite) knows them as they commit; a shared one (InfluxDB, with
 * other instances writing) is asked at most every `maxAgeMs`, so answers,
 * the catalog and the release calendar are never staler than that. A
 * changed catalog or calendar is re-read before the state is taken as
 * current.
 */
import type { ChangeState, ChangesPort, Written } from '../store/store.ts';

export interface ChangeListeners {
  catalog(): Promise<void>;
  releases(): Promise<void>;
  /** The check failed: the store could not be asked. */
  failed(error: unknown): void;
}

export class ChangeWatcher {
  private known: ChangeState | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<void> | null = null;
  /** Set by this instance's own writes: the next caller asks again, so it reads what it wrote. */
  private dirty = true;
  private readonly startedAt: number;

  constructor(
    private readonly store: ChangesPort,
    private readonly listeners: ChangeListeners,
    private readonly maxAgeMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    store.subscribe((written) => this.wrote(written));
    this.startedAt = clock();
  }

  /**
   * How old (ms) this instance's knowledge of a shared store's changes is:
   * the time since the store last answered what changed (since the watcher
   * started, before its first answer), so a store that stops answering
   * shows as a growing lag. 0 for a store with one writer, which knows its
   * changes as they commit (GET /metrics, the change-check lag).
   */
  lagMs(): number {
    if (!this.store.shared) return 0;
    const since = this.checkedAt === Number.NEGATIVE_INFINITY ? this.startedAt : this.checkedAt;
    return Math.max(0, this.clock() - since);
  }

  /** The last state known to be current, or null when the store could not be asked. */
  get state(): ChangeState | null {
    if (!this.store.shared) return this.store.changes() as ChangeState;
    return this.known;
  }

  /** Something changed that this instance cannot name (a write it forwarded): ask again before answering. */
  touch(): void {
    this.dirty = true;
  }

  /**
   * This instance wrote, and knows the marker it left: answers computed
   * before are stale at once, with no need to ask. A catalog or calendar
   * write is asked about (its service re-reads them itself).
   */
  private wrote(written: Written): void {
    if (this.known === null || written.catalog || written.releases) {
      this.dirty = true;
      return;
    }
    this.known = { ...this.known, data: written.data };
  }

  /**
   * Null when the state is fresh enough (the hot path, no promise), else a
   * promise that settles once it has been asked again (never rejects).
   */
  fresh(): Promise<void> | null {
    if (!this.store.shared) return null;
    if (!this.dirty && this.clock() - this.checkedAt < this.maxAgeMs) return null;
    this.checking ??= this.check().finally(() => (this.checking = null));
    return this.checking;
  }

  private async check(): Promise<void> {
    const startedAt = this.clock();
    this.dirty = false;
    try {
      const state = await this.store.changes();
      const before = this.known;
      if (before === null || before.catalog !== state.catalog) await this.listeners.catalog();
      if (before === null || before.releases !== state.releases) await this.listeners.releases();
      this.known = state;
      this.checkedAt = startedAt;
    } catch (error) {
      // Unknown: nothing cached may be reused until the store answers again.
      this.known = null;
      this.dirty = true;
      this.listeners.failed(error);
    }
  }
}
