/**
 * The inputs of the publication rule in memory: every setting of every
 * month's release time, and every review decision (approvals let a
 * reviewed month's versions out), read from the store (the shared one, so
 * every instance holds the same) and re-read when another instance changes
 * them. The rule they feed lives in domain/publication.ts.
 */
import { embargoedAt, releaseInForce, visibilityBoundaries, type ReleaseEntry, type ReleaseSetting, type Review } from '../domain/publication.ts';
import type { Indicator, Period } from '../domain/types.ts';
import type { CalendarPort, FiguresPort, ReviewDecision, ReviewPort } from '../store/store.ts';

const keyOf = (indicator: string, period: Period) => `${indicator}\u0000${period}`;

export class ReleaseCalendar {
  private entries = new Map<string, ReleaseEntry>();
  /** Instants at which some month's visibility changes, ascending. */
  private boundaries: number[] = [];
  /** Review decisions by month, in the order made, and the approvals' instants, ascending. */
  private decisions = new Map<string, ReviewDecision[]>();
  private approvals = new Map<string, number[]>();

  constructor(
    private readonly store: CalendarPort & ReviewPort & FiguresPort,
    /** An indicator's review setting (the catalog's): undefined for an unknown code. */
    private readonly indicatorOf: (code: string) => Indicator | undefined = () => undefined,
  ) {}

  async reload(): Promise<void> {
    const [entries, decisions] = await Promise.all([this.store.loadReleases(), this.store.reviewDecisions()]);
    this.index(entries);
    this.decisions = new Map();
    this.approvals = new Map();
    for (const d of decisions) this.note(d);
  }

  private note(d: ReviewDecision): void {
    const key = keyOf(d.indicator, d.period);
    const list = this.decisions.get(key) ?? [];
    list.push(d);
    this.decisions.set(key, list);
    if (d.action === 'approve') {
      const at = [...(this.approvals.get(key) ?? []), d.at].sort((a, b) => a - b);
      this.approvals.set(key, at);
    }
  }

  /** Record a review decision in the store and here. */
  async decide(decision: ReviewDecision): Promise<void> {
    await this.store.saveReviewDecision(decision);
    this.note(decision);
  }

  /** A month's decisions, in the order made. */
  decisionsOf(indicator: string, period: Period): readonly ReviewDecision[] {
    return this.decisions.get(keyOf(indicator, period)) ?? [];
  }

  /** Approvals made in (since, until]: each may have let versions out. */
  approvedBetween(since: number, until: number): ReviewDecision[] {
    const out: ReviewDecision[] = [];
    for (const list of this.decisions.values()) for (const d of list) if (d.action === 'approve' && d.at > since && d.at <= until) out.push(d);
    return out;
  }

  /**
   * Whether a reviewed month has versions received by `now` that no
   * approval has let out yet (received after its last approval, and once
   * review was on); never so for a month not under review.
   */
  async waiting(indicator: string, period: Period, now: number): Promise<boolean> {
    const review = this.reviewOf(indicator, period);
    if (review === undefined) return false;
    const after = Math.max(review.approvals.at(-1) ?? Number.MIN_SAFE_INTEGER, review.since - 1);
    return (await this.store.receipts(after, now)).some((r) => r.indicator === indicator && r.period === period);
  }

  /** Whether the indicator's months need approval to reach the public. */
  underReview(indicator: string): boolean {
    return this.indicatorOf(indicator)?.review === true;
  }

  /** A reviewed month's approvals (the rule's input), or undefined when the indicator is not under review. */
  reviewOf(indicator: string, period: Period): Review | undefined {
    const ind = this.indicatorOf(indicator);
    if (ind === undefined || !ind.review) return undefined;
    return { approvals: this.approvals.get(keyOf(indicator, period)) ?? [], since: ind.reviewSince ?? Number.NEGATIVE_INFINITY };
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
