/**
 * When what this instance keeps may be trusted: the one rule, used by the
 * answers it keeps (answers.ts), the slices it keeps (slices.ts), a
 * write's comparisons (revision detection and plausibility, through
 * `fresh`) and the versions the response cache keys on (services/views.ts).
 *
 * Kept figures are valid while
 * - no write this process made touched them: a committed write names its
 *   indicators (Store.subscribe), and an adapter that writes in parts says
 *   which months it is writing while it does (`beginWrite`);
 * - the store's data marker is one this process's own writes left. A
 *   marker it did not leave (another instance's write), one of its own read
 *   again (a store restored from a backup), a state that could not be read,
 *   or a write whose outcome is unknown drops everything.
 * A read under way while what it read was written is not kept (`readStamp`,
 * `settled`). A write compares with kept figures only once the marker has
 * been read within `checkMs` (`fresh`).
 */
import type { ChangeState, Written } from '../store.ts';

/** Markers of this process's own writes remembered: far more than are told between two reads of the state. */
const OWN_MARKERS_KEPT = 1024;
/** Keys of what a write touches: an indicator's month, or the indicator as a whole. */
export const sliceKey = (indicator: string, period: string) => `${indicator}\u0000${period}`;
export const indicatorKey = (indicator: string) => `${indicator}\u0001`;
/** Moved only by another instance's write of the indicator: a month read meanwhile is not kept. */
export const foreignKey = (indicator: string) => `${indicator}\u0002`;

/** The months (indicator and period) of these keys, each once: rows come month by month, so most repeat the one before. */
export function monthsOf(keys: Iterable<{ indicator: string; period: string }>): Array<{ indicator: string; period: string }> {
  const seen = new Set<string>();
  const out: Array<{ indicator: string; period: string }> = [];
  let indicator = '';
  let period = '';
  for (const k of keys) {
    if (k.indicator === indicator && k.period === period) continue;
    indicator = k.indicator;
    period = k.period;
    const key = sliceKey(indicator, period);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ indicator, period });
  }
  return out;
}

/**
 * Whether `marker` is one of this process's own writes not yet seen, in the
 * order written: it and every earlier one are then taken as seen. A marker
 * seen before, read again (a store restored from a backup), is not own.
 */
export function consumeOwn(own: Set<string>, marker: string): boolean {
  if (!own.has(marker)) return false;
  for (const m of own) {
    own.delete(m);
    if (m === marker) break;
  }
  return true;
}

/** A write cannot be told apart from "anything may have changed" unless it names what it changed. */
const figuresMayHaveChanged = (written: Written) => written.figures !== false && written.indicators === undefined;

export class Trust {
  /** Events in order (reads begun, writes begun and ended, everything dropped). */
  private serial = 0;
  /** The event at which everything was last dropped. */
  private droppedAt = 0;
  private readonly writing = new Map<string, number>();
  private readonly lastWrite = new Map<string, number>();
  private readonly own = new Set<string>();
  private readonly expected = new Set<string>();
  private lastData: string | null = null;
  private observedAt = Number.NEGATIVE_INFINITY;
  private readonly forgetting: Array<() => void> = [];
  private readonly dropping: Array<(indicator: string, foreign: boolean) => void> = [];
  /** The store's state fields last read besides `data` (shared stores): what another instance's write changed. */
  private lastOther: string | undefined;
  private lastCatalog: string | undefined;
  private marks: Map<string, string> | undefined;
  /** Versions of the data answers are computed from: of everything, of any change, and per indicator. */
  private everything = 0;
  private any = 0;
  private readonly byIndicator = new Map<string, number>();

  constructor(
    /** How recent a read of the store's state must be for a write to compare with kept figures. */
    readonly checkMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Told when nothing kept may be trusted any more. */
  onForget(listener: () => void): void {
    this.forgetting.push(listener);
  }

  /** Told when one indicator's kept figures may be stale: a write of this process named it, or another instance's marked it (`foreign`). */
  onDrop(listener: (indicator: string, foreign: boolean) => void): void {
    this.dropping.push(listener);
  }

  /** This process is about to leave `marker` (a store whose marker is a write of its own): seen before it is told, it is still own. */
  expect(marker: string): void {
    this.expected.add(marker);
    // A write that failed after saying so is never told: the oldest such go.
    if (this.expected.size > OWN_MARKERS_KEPT) this.expected.delete(this.expected.values().next().value!);
    this.remember(marker);
  }

  private remember(marker: string): void {
    this.own.add(marker);
    if (this.own.size > OWN_MARKERS_KEPT) this.own.delete(this.own.values().next().value!);
  }

  /** A write this process committed (Store.subscribe). */
  wrote(written: Written): void {
    if (!this.expected.delete(written.data)) this.remember(written.data);
    this.any++;
    // Targets, reports, tokens, templates, the catalog, the calendar: answers may depend on them, figures do not.
    if (written.indicators === undefined || written.catalog || written.releases) this.everything++;
    else for (const code of written.indicators) this.byIndicator.set(code, (this.byIndicator.get(code) ?? 0) + 1);
    if (figuresMayHaveChanged(written)) {
      this.forget();
      return;
    }
    const end = ++this.serial;
    for (const indicator of written.indicators ?? []) {
      this.marks?.set(indicator, written.data);
      this.lastWrite.set(indicatorKey(indicator), end);
      for (const listener of this.dropping) listener(indicator, false);
    }
  }

  /** The store's state as just read from it: a data marker no own write left means another writer. */
  observed(state: ChangeState): void {
    this.observedAt = this.clock();
    const changed = this.changedElsewhere(state);
    if (state.indicators !== undefined) this.marks = new Map(state.indicators);
    if (state.data === this.lastData) {
      // Marks moved under the same marker: another instance's write, its marker not yet rewritten.
      if (changed !== null) this.dropForeign(changed);
      return;
    }
    // Own markers up to this one are seen, whether or not this is the first state read.
    const own = consumeOwn(this.own, state.data);
    if (this.lastData !== null && !own) {
      // Another instance wrote last: known by what it marked, or else anything may have changed.
      const explained = state.other === state.data || [...(state.indicators?.values() ?? [])].includes(state.data);
      if (changed === null || !explained || state.catalog !== this.lastCatalog) {
        this.everything++;
        this.any++;
        this.forget();
      } else {
        if (state.other !== this.lastOther) this.everything++;
        this.dropForeign(changed);
      }
    } else if (this.lastData !== null && changed !== null) {
      // Its own write was the last, and another instance wrote figures before it.
      this.dropForeign(changed);
    }
    this.lastData = state.data;
    this.lastOther = state.other;
    this.lastCatalog = state.catalog;
  }

  /** Indicators whose mark moved to one no write of this process left; null when marks cannot tell (none read before, or none now). */
  private changedElsewhere(state: ChangeState): string[] | null {
    if (state.indicators === undefined || this.marks === undefined) return null;
    const changed: string[] = [];
    for (const [indicator, mark] of state.indicators) {
      if (this.marks.get(indicator) !== mark && !this.own.has(mark) && !this.expected.has(mark)) changed.push(indicator);
    }
    return changed;
  }

  private dropForeign(indicators: readonly string[]): void {
    if (indicators.length === 0) return;
    this.any++;
    const at = ++this.serial;
    for (const indicator of indicators) {
      this.byIndicator.set(indicator, (this.byIndicator.get(indicator) ?? 0) + 1);
      this.lastWrite.set(indicatorKey(indicator), at);
      this.lastWrite.set(foreignKey(indicator), at);
      for (const listener of this.dropping) listener(indicator, true);
    }
  }

  /** The store's state could not be read, or a write's outcome is unknown: it may hold anything. */
  unknown(): void {
    this.observedAt = Number.NEGATIVE_INFINITY;
    this.lastData = null;
    this.marks = undefined;
    this.everything++;
    this.any++;
    this.forget();
  }

  /** Whether the state was read recently enough for a write to compare with kept figures. */
  freshEnough(): boolean {
    return this.clock() - this.observedAt < this.checkMs;
  }

  /** Taken when a read starts: what it brings back is kept only if `settled` says so. */
  readStamp(): number {
    return this.serial;
  }

  /** Whether nothing touched `key` (sliceKey or indicatorKey) since a read stamped `stamp`, nor is writing it. */
  settled(key: string, stamp: number): boolean {
    return stamp >= this.droppedAt && !this.writing.has(key) && (this.lastWrite.get(key) ?? 0) <= stamp;
  }

  /** Before this process writes to these months: reads overlapping the write are not kept. Answers the write's end. */
  beginWrite(months: ReadonlyArray<{ indicator: string; period: string }>): () => void {
    const serial = ++this.serial;
    const keys = new Set<string>();
    for (const { indicator, period } of months) {
      keys.add(sliceKey(indicator, period));
      keys.add(indicatorKey(indicator));
    }
    for (const key of keys) {
      this.writing.set(key, (this.writing.get(key) ?? 0) + 1);
      this.lastWrite.set(key, serial);
    }
    return () => {
      // The end is an event too: a read begun while the write was under way may have seen half of it.
      const end = ++this.serial;
      for (const key of keys) {
        const n = this.writing.get(key)! - 1;
        if (n === 0) this.writing.delete(key);
        else this.writing.set(key, n);
        this.lastWrite.set(key, end);
      }
    };
  }

  /** The version answers about everything depend on. */
  versionOfAll(): string {
    return `${this.everything}.${this.any}`;
  }

  /** The version answers about one indicator's figures depend on (any string: an unknown code has version 0). */
  versionOf(indicator: string): string {
    return `${this.everything}.i${this.byIndicator.get(indicator) ?? 0}`;
  }

  /** The part every version shares: when it moves, no answer kept before is asked for again. */
  epoch(): number {
    return this.everything;
  }

  private forget(): void {
    this.droppedAt = ++this.serial;
    for (const listener of this.forgetting) listener();
  }
}
