/**
 * One writer among instances sharing a store (API.md "Several instances").
 * InfluxDB has no transactions and no conditional write, so two instances
 * numbering versions of one figure at once would each write "the next
 * version" and one would overwrite the other. Instances started the plain
 * way therefore agree through a lease kept in the store itself: one record
 * per instance (LeasePort); the instance whose record says `held`, renewed
 * every LEASE_RENEW_MS, writes; every other forwards its writes to the URL
 * in that record.
 *
 * Taking the lease: write `held`, then read every record back; seeing any
 * other live `held` record, yield (rewrite ours as `released`) and follow
 * it. Of two instances taking it at once, the one that reads last sees the
 * other's record (a write InfluxDB acknowledged is in every later read), so
 * at most one goes on; both may yield, and the next round (with jitter)
 * decides. A writer that sees another live holder at a renewal yields to
 * the earlier one.
 *
 * Whether a holder is alive is judged by this instance's own clock: a
 * record whose renewal time has not changed for LEASE_TTL_MS is taken as
 * gone, so clocks of different machines need not agree (a starting instance
 * that finds the record of a writer that crashed long ago also waits that
 * long). A writer that could not renew for LEASE_TTL_MS stops
 * taking writes (503) until it renews again: by then another may hold the
 * lease. A writer that dies is thus replaced after LEASE_TTL_MS.
 */
import { randomBytes } from 'node:crypto';
import type { LeasePort, LeaseRecord } from '../store/store.ts';

/** A holder whose renewal time has not changed for this long (this instance's clock) is gone. */
export const LEASE_TTL_MS = 10_000;
/** The writer renews, and every other instance looks at the lease, this often. */
export const LEASE_RENEW_MS = 2_000;
/** A record first seen is looked at again after this many renewal periods (with jitter, one surely passed). */
const PROOF_PERIODS = 1.3;
/** A write waits at most this long for the first election of a starting instance. */
const DECISION_WAIT_MS = 10_000;

export type WriteRoute =
  | { kind: 'self' }
  | { kind: 'forward'; url: string; holder: string }
  | { kind: 'refuse'; message: string; writer: string | null };

export interface LeaseLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface LeaseOptions {
  clock?: () => number;
  ttlMs?: number;
  renewMs?: number;
  /** This instance's holder id: random unless a test names it. */
  holder?: string;
}

type Role = { kind: 'undecided' } | { kind: 'writer'; since: number; renewedOk: number } | { kind: 'follower'; leader: LeaseRecord | null };

export class WriterLease {
  readonly holder: string;
  private url = '';
  private role: Role = { kind: 'undecided' };
  /** Each holder's last renewal time seen, and when (this clock) it was first seen. */
  private readonly seen = new Map<string, { renewedAt: number; at: number; changed: boolean }>();
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;
  private readonly clock: () => number;
  private readonly ttlMs: number;
  private readonly renewMs: number;

  constructor(
    private readonly port: LeasePort,
    private readonly log: LeaseLog,
    options: LeaseOptions = {},
  ) {
    this.holder = options.holder ?? randomBytes(9).toString('base64url');
    this.clock = options.clock ?? Date.now;
    this.ttlMs = options.ttlMs ?? LEASE_TTL_MS;
    this.renewMs = options.renewMs ?? LEASE_RENEW_MS;
  }

  /** Take part: the first round now, then one every renewal period. */
  start(): Promise<void> {
    if (this.timer === null && !this.stopped) {
      const next = () => {
        // Jitter: two instances that yielded to each other do not meet again in step.
        this.timer = setTimeout(() => void this.tick().finally(() => this.stopped || next()), this.renewMs * (0.75 + Math.random() / 2));
        this.timer.unref();
      };
      next();
    }
    return this.tick();
  }

  /** Where this instance takes forwarded writes (known once it listens). */
  async advertise(url: string): Promise<void> {
    this.url = url;
    await this.tick();
  }

  /** Whether this instance may write now. */
  holding(): boolean {
    return this.role.kind === 'writer' && this.clock() - this.role.renewedOk < this.ttlMs;
  }

  /** Where a write goes: answered here, forwarded, or refused for now. */
  async route(): Promise<WriteRoute> {
    // Undecided, lapsed, or following a writer that has not said where it listens: look again before answering.
    if (this.role.kind === 'undecided' || (this.role.kind === 'writer' && !this.holding()) || (this.role.kind === 'follower' && this.role.leader?.url === '')) {
      await Promise.race([this.tick(), new Promise((resolve) => setTimeout(resolve, DECISION_WAIT_MS).unref())]);
    }
    const role = this.role;
    if (role.kind === 'writer') {
      if (this.holding()) return { kind: 'self' };
      return { kind: 'refuse', writer: this.url || null, message: 'this instance could not renew its writer lease in the store; writes resume once it does' };
    }
    if (role.kind === 'undecided' || role.leader === null) return { kind: 'refuse', writer: null, message: 'the instances are still agreeing on which one writes; try again shortly' };
    if (role.leader.url === '') return { kind: 'refuse', writer: role.leader.holder, message: `the writing instance (${role.leader.holder}) has not said where it listens yet; try again shortly` };
    return { kind: 'forward', url: role.leader.url, holder: role.leader.holder };
  }

  /** Stop taking part; a writer releases the lease so another takes it at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.round?.catch(() => {});
    if (this.role.kind !== 'writer') return;
    this.role = { kind: 'undecided' };
    await this.put('released', this.clock()).catch((error: unknown) => this.log.warn({ err: error }, 'could not release the writer lease; another instance takes it once it lapses'));
  }

  /** One round at a time; callers during a round wait for it. */
  private tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.round ??= this.step()
      .catch((error: unknown) => this.log.warn({ err: error }, 'could not read or renew the writer lease'))
      .finally(() => (this.round = null));
    return this.round;
  }

  private async step(): Promise<void> {
    const records = this.observe(await this.port.leases());
    const others = records.filter((r) => r.holder !== this.holder && this.alive(r));
    if (this.role.kind === 'writer' && !this.holding()) {
      // Lapsed: another instance may have taken the lease meanwhile, as one that starts would.
      this.log.warn({ holder: this.holder }, 'the writer lease lapsed (the store did not take its renewals); taking it again only if no other instance did');
      this.role = { kind: 'undecided' };
    }
    const role = this.role;
    if (role.kind === 'writer') {
      const earlier = others.find((r) => this.proven(r) && (r.since < role.since || (r.since === role.since && r.holder < this.holder)));
      if (earlier !== undefined) return this.yieldTo(earlier, 'another instance held the writer lease too; this one stops writing and forwards to it');
      const now = this.clock();
      await this.put('held', role.since, now);
      if (this.role === role) role.renewedOk = now;
      return;
    }
    // A record seen for the first time may be a writer that just died: one whose renewal time is seen
    // to change is alive. Looked at again once a renewal period has surely passed, before choosing.
    let candidates = others;
    if (candidates.length > 0 && !candidates.some((r) => this.proven(r))) {
      await new Promise((resolve) => setTimeout(resolve, this.renewMs * PROOF_PERIODS));
      candidates = this.observe(await this.port.leases()).filter((r) => r.holder !== this.holder && this.alive(r));
    }
    const proven = candidates.filter((r) => this.proven(r));
    if (candidates.length > 0) return this.follow(best(proven.length > 0 ? proven : candidates));
    await this.takeOver();
  }

  private async takeOver(): Promise<void> {
    const since = this.clock();
    await this.put('held', since, since);
    const others = this.observe(await this.port.leases()).filter((r) => r.holder !== this.holder && this.alive(r));
    if (others.length > 0) {
      await this.put('released', since);
      return this.follow(best(others));
    }
    const previous = this.role;
    this.role = { kind: 'writer', since, renewedOk: since };
    this.log.info({ holder: this.holder, url: this.url || null, replaced: previous.kind === 'follower' ? previous.leader?.holder ?? null : null }, 'this instance holds the writer lease: it takes every write');
  }

  private follow(leader: LeaseRecord): void {
    const previous = this.role;
    this.role = { kind: 'follower', leader };
    if (previous.kind !== 'follower' || previous.leader?.holder !== leader.holder || previous.leader.url !== leader.url) {
      this.log.info({ writer: leader.holder, url: leader.url || null }, 'another instance holds the writer lease: writes are forwarded to it');
    }
  }

  private async yieldTo(leader: LeaseRecord, message: string): Promise<void> {
    this.log.error({ holder: this.holder, writer: leader.holder }, message);
    this.follow(leader);
    await this.put('released', this.clock());
  }

  private put(state: LeaseRecord['state'], since: number, renewedAt = this.clock()): Promise<void> {
    return this.port.putLease({ holder: this.holder, url: this.url, state, since, renewedAt });
  }

  /** Note when each holder's renewal time changed; answers the records. */
  private observe(records: LeaseRecord[]): LeaseRecord[] {
    const now = this.clock();
    for (const r of records) {
      const seen = this.seen.get(r.holder);
      if (seen === undefined || seen.renewedAt !== r.renewedAt) this.seen.set(r.holder, { renewedAt: r.renewedAt, at: now, changed: seen !== undefined });
    }
    return records;
  }

  /** A holder whose renewal time this instance has seen change: it was alive then. */
  private proven(r: LeaseRecord): boolean {
    return this.seen.get(r.holder)?.changed === true;
  }

  /** A live holder: `held`, and its renewal time changing by this instance's clock. */
  private alive(r: LeaseRecord): boolean {
    if (r.state !== 'held') return false;
    const now = this.clock();
    // A record at this instance's own address is a previous process of it: gone.
    if (this.url !== '' && r.url === this.url) return false;
    const seen = this.seen.get(r.holder);
    return seen !== undefined && now - seen.at < this.ttlMs;
  }
}

/** Of several live holders, the one that took the lease first (ties: the smaller id). */
function best(records: readonly LeaseRecord[]): LeaseRecord {
  return records.reduce((a, b) => (b.since < a.since || (b.since === a.since && b.holder < a.holder) ? b : a));
}
