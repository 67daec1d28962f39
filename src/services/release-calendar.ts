/**
 * The release calendar in memory: every setting of every month's release
 * time, read from the store (the shared one, so every instance holds the
 * same calendar) and re-read when another instance changes it. The rule it
 * feeds lives in domain/publication.ts.
 */
import { embargoedAt, releaseInForce, visibilityBoundaries, type ReleaseEntry, type ReleaseSetting } from '../domain/publication.ts';
import type { Period } from '../domain/types.ts';
import type { Store } from '../store/store.ts';

const keyOf = (indicator: string, period: Period) => `${indicator}\u0000${period}`;

export class ReleaseCalendar {
  private entries = new Map<string, ReleaseEntry>();
  /** Instants at which some month's visibility changes, ascending. */
  private boundaries: number[] = [];

  constructor(private readonly store: Store) {}

  async reload(): Promise<void> {
    this.index(await this.store.loadReleases());
  }

  private index(entries: readonly ReleaseEntry[]): void {
    this.entries = new Map(entries.map((e) => [keyOf(e.indicator, e.period), { ...e, changes: [...e.changes].sort((a, b) => a.changedAt - b.changedAt) }]));
    this.boundaries = visibilityBoundaries(this.entries.values());
  }

  /** Record settings in the store (all or nothing) and here. */
  async set(settings: ReadonlyArray<{ indicator: string; period: Period; setting: ReleaseSetting }>): Promise<void> {
    await this.store.saveReleases(settings);
    for (const { indicator, period, setting } of settings) {
      const key = keyOf(indicator, period);
      const entry = this.entries.get(key) ?? { indicator, period, changes: [] };
      this.entries.set(key, { ...entry, changes: [...entry.changes, setting].sort((a, b) => a.changedAt - b.changedAt) });
    }
    this.boundaries = visibilityBoundaries(this.entries.values());
  }

  has(indicator: string, period: Period): boolean {
    return this.entries.has(keyOf(indicator, period));
  }

  /** Every setting of a month, oldest first; undefined without an entry. */
  changesOf(indicator: string, period: Period): readonly ReleaseSetting[] | undefined {
    return this.entries.size === 0 ? undefined : this.entries.get(keyOf(indicator, period))?.changes;
  }

  embargoed(indicator: string, period: Period, at: number): boolean {
    return this.entries.size !== 0 && embargoedAt(this.changesOf(indicator, period), at);
  }

  releaseAt(indicator: string, period: Period, at: number): number | null {
    const changes = this.changesOf(indicator, period);
    return changes === undefined ? null : releaseInForce(changes, at);
  }

  list(): ReleaseEntry[] {
    return [...this.entries.values()];
  }

  /**
   * How many visibility boundaries have passed by `at`: public answers
   * computed at one epoch stay right until the next boundary passes.
   */
  epoch(at: number): number {
    const b = this.boundaries;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid]! <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Months whose visibility may have changed in (since, until]: a release time or a setting in the window. */
  endedBetween(since: number, until: number): ReleaseEntry[] {
    return this.list().filter((e) => e.changes.some((c) => (c.changedAt > since && c.changedAt <= until) || (c.releaseAt !== null && c.releaseAt > since && c.releaseAt <= until)));
  }
}
