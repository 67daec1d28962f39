/**
 * Publication (DOMAIN.md "Publication: release times, embargo, vintages"):
 * the one rule that decides what a caller sees of stored versions. Pure:
 * versions and the release calendar in, visible figures and publication
 * times out. The read view (services/read-view.ts) applies it; nothing else
 * filters.
 *
 * The rule:
 * - An indicator's month is embargoed at instant t when the release time in
 *   force at t (the last setting made by t; none, or a cancelled one, means
 *   public on receipt) lies after t.
 * - The public sees, at t, nothing of an embargoed month; otherwise each
 *   figure's latest version received by t (a withdrawal shows no figure).
 *   Privileged callers see the latest version received by t, embargo or not.
 * - A version's publication time is the first instant from its receipt, and
 *   before the next version's receipt, at which its month is not embargoed;
 *   a version superseded before that was never public. A withdrawal is
 *   public only when the figure it withdraws had been.
 * - "First release" is each figure's first public version that is not a
 *   withdrawal, while the figure is not withdrawn at t.
 * - Review (API.md "Review and sign-off"): a version of a reviewed month
 *   reaches the public only at the month's first approval at or after its
 *   receipt (its gate; versions received before review was turned on are
 *   gated at receipt, as every version of an unreviewed month is). At t the
 *   public sees the latest version gated by t, unless the month is
 *   embargoed at t; a version's publication time is the first instant,
 *   from its gate and before a later version's, at which the month is not
 *   embargoed. The approval instant is one more input of this rule, not a
 *   rule beside it.
 */
import type { Reason } from './corrections.ts';
import type { Period } from './period.ts';
import type { Status } from './types.ts';

/** One setting of a month's release time: `releaseAt` null ends the embargo (cancelled). Times in ms. */
export interface ReleaseSetting {
  releaseAt: number | null;
  changedAt: number;
  by: string;
}

/** Every setting of one indicator's month, in the order made. */
export interface ReleaseEntry {
  indicator: string;
  period: Period;
  changes: ReleaseSetting[];
}

/** The release time in force at `t`: the last setting made by then, null without one or when cancelled. */
export function releaseInForce(changes: readonly ReleaseSetting[], t: number): number | null {
  let inForce: number | null = null;
  for (const c of changes) {
    if (c.changedAt > t) break;
    inForce = c.releaseAt;
  }
  return inForce;
}

export function embargoedAt(changes: readonly ReleaseSetting[] | undefined, t: number): boolean {
  if (changes === undefined || changes.length === 0) return false;
  const r = releaseInForce(changes, t);
  return r !== null && t < r;
}

/**
 * The first instant in [from, until) at which the month is not embargoed,
 * or null when it stays embargoed throughout (`until` may be Infinity).
 */
export function firstPublicAt(changes: readonly ReleaseSetting[] | undefined, from: number, until: number): number | null {
  if (changes === undefined || changes.length === 0) return from < until ? from : null;
  let t = from;
  // Each step moves to a later setting or to a release time: bounded by the settings.
  for (let step = 0; step <= changes.length + 1 && t < until; step++) {
    const r = releaseInForce(changes, t);
    if (r === null || t >= r) return t;
    const next = changes.find((c) => c.changedAt > t)?.changedAt ?? Number.POSITIVE_INFINITY;
    if (r <= next) return r < until ? r : null;
    t = next;
  }
  return null;
}

/** Instants at which some month's visibility may change: every release time and every setting. */
export function visibilityBoundaries(entries: Iterable<ReleaseEntry>): number[] {
  const out = new Set<number>();
  for (const e of entries) {
    for (const c of e.changes) {
      out.add(c.changedAt);
      if (c.releaseAt !== null) out.add(c.releaseAt);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** A reviewed month's approvals: when each version reaches the public. */
export interface Review {
  /** The month's approval instants (ms), ascending. */
  approvals: readonly number[];
  /** When review was turned on (ms): versions received before are gated at receipt. */
  since: number;
}

/** The first approval at or after `t`, or Infinity when none is yet. */
function approvalFrom(approvals: readonly number[], t: number): number {
  let lo = 0;
  let hi = approvals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (approvals[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return approvals[lo] ?? Number.POSITIVE_INFINITY;
}

/** When a version received at `receivedAt` reaches the public, embargo aside: its receipt, or its month's first approval from then on. */
export function gateOf(review: Review | undefined, receivedAt: number): number {
  if (review === undefined || receivedAt < review.since) return receivedAt;
  return approvalFrom(review.approvals, receivedAt);
}

/** Whether a reviewed month has versions received by `t` that no approval by `t` has let out. */
export function awaitingApproval(review: Review | undefined, versionsReceivedAt: Iterable<number>, t: number): boolean {
  for (const r of versionsReceivedAt) if (r <= t && gateOf(review, r) > t) return true;
  return false;
}

/** One stored version of a figure. A withdrawal has no value. */
export interface StoredVersion {
  version: number;
  value: number | null;
  yoy: number | null;
  status: Status | null;
  /** ms */
  receivedAt: number;
  by: string;
  withdrawn: boolean;
  /** Why it changes the figure (API.md "Corrections"), a withdrawal included; null when not given. */
  reason: Reason | null;
  note: string | null;
}

export interface PublishedVersion extends StoredVersion {
  /** When it first became public (ms), or null: not (yet) public. */
  publishedAt: number | null;
}

/**
 * Publication times of a figure's versions (oldest first). `now` bounds
 * them: a time still ahead is not yet a publication.
 */
export function publicationTimes(versions: readonly StoredVersion[], changes: readonly ReleaseSetting[] | undefined, now: number, review?: Review): PublishedVersion[] {
  // A version is the public one from its gate until a later version's gate passes (gates rise with receipt, but a
  // later version's gate is never taken for granted: the earliest of the later ones ends it).
  const gates = versions.map((v) => gateOf(review, v.receivedAt));
  const ends: number[] = new Array(versions.length);
  let end = Number.POSITIVE_INFINITY;
  for (let i = versions.length - 1; i >= 0; i--) {
    ends[i] = end;
    end = Math.min(end, gates[i]!);
  }
  let anyPublic = false;
  let lastPublicWithdrawn = true;
  return versions.map((v, i) => {
    let at = firstPublicAt(changes, gates[i]!, ends[i]!);
    if (at !== null && at > now) at = null;
    if (at !== null && v.withdrawn && (!anyPublic || lastPublicWithdrawn)) at = null;
    if (at !== null) {
      anyPublic = true;
      lastPublicWithdrawn = v.withdrawn;
    }
    return { ...v, publishedAt: at };
  });
}

export type Audience = 'public' | 'privileged';
export type Vintage = 'latest' | 'first';

/** What a caller sees: who they are and the instant they ask about. */
export interface Visibility {
  audience: Audience;
  /** The instant answered, ms. */
  at: number;
  /** Whether the caller asked for an instant or a vintage (answers then echo `asOf`). */
  pinned: boolean;
  vintage: Vintage;
}

/** The version of a figure (oldest first) the caller sees, if any. */
export function visibleVersion(versions: readonly StoredVersion[], changes: readonly ReleaseSetting[] | undefined, v: Visibility, review?: Review): StoredVersion | undefined {
  if (v.audience === 'public' && embargoedAt(changes, v.at)) return undefined;
  // The public sees what its gate let out by then (a version received is not yet approved); others what was received.
  const reached = (x: StoredVersion) => x.receivedAt <= v.at && (v.audience === 'privileged' || gateOf(review, x.receivedAt) <= v.at);
  let latest: StoredVersion | undefined;
  for (const x of versions) if (reached(x) && (latest === undefined || x.version > latest.version)) latest = x;
  if (latest === undefined || latest.withdrawn) return undefined;
  if (v.vintage === 'latest') return latest;
  if (v.audience === 'privileged') return versions.find((x) => x.receivedAt <= v.at && !x.withdrawn);
  return publicationTimes(versions, changes, v.at, review).find((x) => x.publishedAt !== null && !x.withdrawn);
}
